"""Sentences worked out with the index give exactly what analysing a shown passage gives."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.analysis import Analyzer, tokens, tokens_by_text
from knowledge.answer import analysed_sentences
from knowledge.engine import Engine
from knowledge.sentences import sentence_spans, split_sentences, without_dangling_quotes
from knowledge.termids import analyse_corpus
from tests.conftest import SEEDS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Parler est revenu. Il est hébergé par Epik.", ["Parler est revenu.", "Il est hébergé par Epik."]),
        ("  M. Matze a parlé.  Puis il est parti !  ", ["M. Matze a parlé.", "Puis il est parti !"]),
        ("Il a dit «Non.» Puis il part.", ["Il a dit «Non.»", "Puis il part."]),
        ("Voir J.-C. Dupont et A.B. Martin. Ensuite 12 juges.", ["Voir J.-C. Dupont et A.B. Martin.", "Ensuite 12 juges."]),
        ("   ", []),
    ],
)  # fmt: skip
def test_sentence_spans_cut_the_sentences_out_of_the_text(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in sentence_spans(text)] == expected
    assert split_sentences(text) == expected


def test_tokens_of_several_texts_are_each_texts_tokens_in_turn() -> None:
    texts = ["L'Assemblée a-t-elle voté ?", "Plate-forme d' herbe", "", "ÉTATS-UNIS, 2021."]
    expected = [t for text in texts for t in (*tokens(text), "\n")]
    assert tokens_by_text(texts) == expected
    # A text holding the separator itself is still cut where the texts meet.
    assert tokens_by_text(["a\nb", "c"]) == ["a", "b", "\n", "c", "\n"]


def test_batched_token_terms_follow_the_one_token_rule(engine: Engine) -> None:
    distinct = list(dict.fromkeys(t for p in engine.corpus.passages for t in tokens(p.text)))
    assert Analyzer().terms_of_tokens(distinct) == [
        Analyzer().terms_of_token(token) for token in distinct
    ]


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """An engine started from saved data: the one that reads the build's sentences."""
    cache = tmp_path_factory.mktemp("cache")
    Engine.from_corpus(SEEDS, cache_dir=cache)
    return Engine.from_corpus(SEEDS, cache_dir=cache)


def test_saved_sentences_are_what_analysing_the_passage_gives(saved: Engine) -> None:
    assert saved.sentences is not None
    assert saved.index.terms is not None
    for row, passage in enumerate(saved.corpus.passages):
        from_build = saved.sentences.of(row, passage.text, saved.index.terms)
        assert from_build == analysed_sentences(passage.text, saved.analyzer)


def test_answers_are_the_same_with_or_without_saved_sentences(
    saved: Engine, engine: Engine
) -> None:
    assert engine.sentences is None  # built for one run: sentences analysed when shown
    for question in ("Chez quel hébergeur Parler est-il revenu en ligne ?",
                     "Pourquoi AWS a-t-il suspendu Parler ?", "Who founded Parler?",
                     "Qui héberge Parler après Amazon ?"):  # fmt: skip
        assert saved.ask(question) == engine.ask(question)


def test_passages_read_the_same_with_or_without_their_sentences(engine: Engine) -> None:
    with_sentences = analyse_corpus(engine.corpus, Analyzer())
    without = analyse_corpus(engine.corpus, Analyzer(), with_sentences=False)
    assert without.sentences is None
    assert with_sentences.terms == without.terms
    assert np.array_equal(with_sentences.bodies.ids, without.bodies.ids)
    assert np.array_equal(with_sentences.bodies.offsets, without.bodies.offsets)


def test_key_sentence_over_saved_columns_is_the_one_over_stems(saved: Engine) -> None:
    """Every passage against several questions (synonyms, families, unknown words and
    ties included): reading columns must pick exactly the sentence stems would."""
    from knowledge.answer import key_sentence, weigh_terms
    from knowledge.passage_sentences import QuestionColumns, key_sentence_of

    assert saved.sentences is not None
    questions = ["Chez quel hébergeur Parler est-il revenu en ligne ?",
                 "Pourquoi AWS a-t-il suspendu Parler ?", "Who sued Amazon?",
                 "plainte tribunal Seattle juge", "zorblax Parler", "Parler",
                 "Quand Parler a-t-il porté plainte ?", "Combien d'utilisateurs ?"]  # fmt: skip
    for question in questions:
        query = saved.parse(question)
        weighted = weigh_terms(query, saved.index.idf_of)
        features = saved._key_features(query, weighted)
        columns = QuestionColumns.of(weighted, saved.index.vocabulary)
        for row, passage in enumerate(saved.corpus.passages):
            analysed = analysed_sentences(passage.text, saved.analyzer)
            expected = key_sentence(analysed, weighted, features)
            lists = saved.sentences.lists_of(row)
            assert key_sentence_of(passage.text, lists, columns, features) == expected


def test_share_held_over_columns_is_word_share_over_stems(saved: Engine) -> None:
    """The coverage abstention reads, worked out from columns, is exactly the share the
    stems give, for every passage's sentences and several questions."""
    from knowledge.answer import weigh_terms, word_share
    from knowledge.passage_sentences import QuestionColumns

    questions = ["Chez quel hébergeur Parler est-il revenu en ligne ?",
                 "Who sued Amazon?", "plainte tribunal Seattle juge", "zorblax Parler"]  # fmt: skip
    for question in questions:
        weighted = weigh_terms(saved.parse(question), saved.index.idf_of)
        columns = QuestionColumns.of(weighted, saved.index.vocabulary)
        for passage in saved.corpus.passages:
            for _, stems in analysed_sentences(passage.text, saved.analyzer):
                held = columns.asked & {saved.index.vocabulary[s] for s in stems}
                assert columns.share_held(held) == word_share(weighted, stems.__contains__)


@pytest.mark.parametrize(
    ("sentence", "shown"),
    [
        (
            "C'est ce qui a conduit à notre suspension. »",
            "C'est ce qui a conduit à notre suspension.",
        ),
        ('Le réseau a été suspendu. "', "Le réseau a été suspendu."),
        ("« Nous reviendrons bientôt.", "Nous reviendrons bientôt."),
        ("“Amazon a menti.", "Amazon a menti."),
        # Whole quotations keep their marks.
        ("« Nous reviendrons », a-t-il dit.", "« Nous reviendrons », a-t-il dit."),
        ('Il a dit : "non".', 'Il a dit : "non".'),
        ('"Non."', '"Non."'),
        ("»", "»"),
    ],
)
def test_a_key_sentence_loses_the_quote_marks_of_a_quotation_it_only_ends(
    sentence: str, shown: str
) -> None:
    assert without_dangling_quotes(sentence) == shown
