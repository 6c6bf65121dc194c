"""The column-reading query path ranks exactly like a plain sparse matrix product."""

import numpy as np
import pytest
from scipy import sparse

from knowledge.engine import Engine
from knowledge.evaluate import load_questions
from knowledge.index import Index, IndexOptions, top_k
from tests.conftest import PIAF, SHARED


def reference_scores(index: Index, groups) -> np.ndarray:
    """Slow path: one dense query vector per word (its best alternative per passage via
    an elementwise max of weighted columns), summed; tf-idf query weight = max idf."""
    total = np.zeros(index.size, dtype=np.float64)
    for group in groups:
        columns = [(index.vocabulary[t], f) for t, f in group if t in index.vocabulary and f > 0]
        if not columns:
            continue
        best = np.zeros(index.size)
        for column, factor in columns:
            query = sparse.csr_matrix(
                ([factor], ([column], [0])), shape=(index.weights.shape[1], 1)
            )
            best = np.maximum(best, (index.weights @ query).toarray().ravel())
        weight = 1.0
        if index.options.weighting == "tfidf":
            weight = max(float(index.idf[c]) for c, _ in columns)
        total += weight * best
    return total


def same_ranking(engine: Engine, question: str) -> None:
    groups = engine.parse(question).groups
    fast = engine.index.scores(groups)
    slow = reference_scores(engine.index, groups)
    np.testing.assert_allclose(fast, slow, rtol=1e-4, atol=1e-5)
    fast_top = [h.row for h in top_k(fast, 10)]
    slow_top = [h.row for h in top_k(slow.astype(np.float32), 10)]
    assert fast_top == slow_top


@pytest.mark.skipif(not (SHARED / "eval").exists(), reason="shared dev sets absent")
def test_fast_path_ranks_like_the_matrix_product_on_the_seed_dev_set(engine: Engine) -> None:
    for question in load_questions(SHARED / "eval" / "dev-questions.yaml"):
        same_ranking(engine, question.q)


@pytest.mark.skipif(not PIAF.exists(), reason="shared PIAF set absent")
def test_fast_path_ranks_like_the_matrix_product_on_piaf() -> None:
    piaf = Engine.from_corpus(PIAF / "corpus.jsonl")
    for question in load_questions(PIAF / "dev-questions.yaml")[::5]:
        same_ranking(piaf, question.q)


def test_tfidf_weighting_ranks_like_the_matrix_product(engine: Engine) -> None:
    tfidf = Engine(
        engine.corpus,
        Index.build(
            [p.text for p in engine.corpus.passages],
            ["" for _ in engine.corpus.passages],
            engine.analyzer,
            IndexOptions(weighting="tfidf"),
        ),
        engine.glossary,
    )
    same_ranking(tfidf, "Qui est John Matze ?")


def test_empty_corpus_and_bad_options_are_refused(engine: Engine) -> None:
    with pytest.raises(ValueError, match="empty corpus"):
        Index.build([], [], engine.analyzer)
    with pytest.raises(ValueError, match="weighting must be one of"):
        IndexOptions(weighting="bm99")
    with pytest.raises(ValueError, match="k must be at least 1"):
        engine.index.search([], 0)


def test_term_ids_spell_out_exactly_what_the_analyzer_reads(engine: Engine) -> None:
    """The build's token-level shortcut must index the terms a question is analysed
    into, or questions would miss passages that hold their words."""
    from knowledge.termids import analyse_corpus

    analysed = analyse_corpus(engine.corpus, engine.analyzer)
    offsets = analysed.bodies.offsets
    for row, passage in enumerate(engine.corpus.passages):
        ids = analysed.bodies.ids[offsets[row] : offsets[row + 1]]
        assert [analysed.terms[i] for i in ids] == engine.analyzer(passage.text)


def test_word_pair_index_finds_pairs_by_code_and_refuses_other_words(
    engine: Engine, tmp_path
) -> None:
    from knowledge.errors import IndexLoadError

    pairs = engine.pairs
    assert pairs is not None
    first, second = engine.analyzer("John Matze")
    assert f"{first}_{second}" in pairs.vocabulary
    assert f"{second}_{first}" not in pairs.vocabulary
    assert "zzz_zzz" not in pairs.vocabulary
    saved = tmp_path / "pairs.npz"
    pairs.save(saved, "key")
    again = Index.load(saved, "key", engine.index.vocabulary)
    assert again.vocabulary.get(f"{first}_{second}") == pairs.vocabulary.get(f"{first}_{second}")
    with pytest.raises(IndexLoadError, match="other words"):
        Index.load(saved, "key", {"only": 0})


def test_word_pairs_looked_up_together_find_the_same_columns_as_one_by_one(
    engine: Engine,
) -> None:
    pairs = engine.pairs
    assert pairs is not None
    first, second = engine.analyzer("John Matze")
    terms = [f"{first}_{second}", f"{second}_{first}", "zzz_zzz", "nounderscore", f"{first}_"]
    together = pairs.vocabulary.columns_of(terms)
    assert together == {t: c for t in terms if (c := pairs.vocabulary.get(t)) is not None}
    assert list(together) == [f"{first}_{second}"]
    assert pairs.vocabulary.columns_of([]) == {}


def test_a_long_context_adds_at_most_its_words_worth_to_each_passage() -> None:
    from knowledge.termids import TermIds

    # Two passages with no words of their own, under a context of two words and one
    # of twelve: each context adds at most `context_words` (here 6) words in all.
    bodies = TermIds(np.zeros(0, dtype=np.int32), np.array([0, 0, 0]))
    short, long = [0, 1], list(range(2, 14))
    contexts = TermIds(np.array(short + long, dtype=np.int32), np.array([0, 2, 14]))
    vocabulary = [f"w{i}" for i in range(14)]
    index = Index.from_streams(bodies, contexts, np.array([0, 1]), vocabulary)
    uncapped = Index.from_streams(
        bodies, contexts, np.array([0, 1]), vocabulary, IndexOptions(context_words=0)
    )

    def long_to_short(index: Index) -> float:
        return float(index.scores([(("w2", 1.0),)])[1] / index.scores([(("w0", 1.0),)])[0])

    # Every word is still indexed; a word of the long context weighs less than one of
    # the short context than it did uncapped.
    assert index.weights.nnz == uncapped.weights.nnz == 14
    assert long_to_short(index) < 0.9 * long_to_short(uncapped)
