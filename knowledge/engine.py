"""The engine: a corpus, its index and the glossary, answering questions with citations."""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from knowledge.analysis import Analyzer, PairAnalyzer, fold, words
from knowledge.answer import (
    Answer,
    RankedPassage,
    coverage,
    key_sentence,
    names_in,
    split_related,
)
from knowledge.cache import cached_index
from knowledge.corpus import Corpus, Document, load_corpus
from knowledge.glossary import Glossary, load_glossary
from knowledge.index import Index, IndexOptions, top_k
from knowledge.query import Query, QueryParser

log = logging.getLogger(__name__)

# How many passages are ranked before picking the answer, corroboration and conflicts.
CANDIDATES = 10
# Abstention thresholds (knowledge/README.md, "Abstention", shows how they were chosen from
# the score distributions of on-topic and off-topic questions): the best passage must
# cover this share of the question's idf mass...
DEFAULT_MIN_COVERAGE = 0.3
# ...and the corpus must know this share of it: a question made mostly of words no
# article uses (a recipe, a sports score) is about something else.
DEFAULT_MIN_KNOWN = 0.5
# Weight of adjacent-word pairs ("théâtre des opérations") next to single words: a
# question that repeats a phrase of the passage points at it (knowledge/README.md).
DEFAULT_PAIR_WEIGHT = 0.5
PAIR_CONTEXT_WEIGHT = 0.25


@dataclass(frozen=True)
class EngineOptions:
    """Ranking and abstention knobs; the operator's settings map onto these."""

    min_coverage: float = DEFAULT_MIN_COVERAGE
    min_known: float = DEFAULT_MIN_KNOWN
    pair_weight: float = DEFAULT_PAIR_WEIGHT
    index: IndexOptions = field(default_factory=IndexOptions)

    def __post_init__(self) -> None:
        for name in ("min_coverage", "min_known"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise ValueError(f"{name} must be between 0 and 1, not {value}")


class Engine:
    """Answers questions over one corpus. Immutable once built: safe to share across tasks."""

    def __init__(
        self,
        corpus: Corpus,
        index: Index,
        glossary: Glossary,
        options: EngineOptions | None = None,
        analyzer: Analyzer | None = None,
        pairs: Index | None = None,
    ) -> None:
        self.corpus = corpus
        self.index = index
        self.pairs = pairs
        self.glossary = glossary
        self.options = options or EngineOptions()
        self.analyzer = analyzer or Analyzer()
        self._parser = QueryParser(
            self.analyzer, index.vocabulary, glossary, _surface_words(corpus)
        )
        self._name_documents = _name_documents(corpus)

    @classmethod
    def from_corpus(
        cls,
        path: str | Path,
        *,
        glossary_path: str | Path | None = None,
        options: EngineOptions | None = None,
        cache_dir: str | Path | None = None,
    ) -> Engine:
        """Loads the corpus and glossary, then loads the saved index (with `cache_dir`)
        or builds it."""
        options = options or EngineOptions()
        corpus = load_corpus(path)
        glossary = load_glossary(glossary_path)
        analyzer = Analyzer()
        pair_analyzer = PairAnalyzer(analyzer)

        def load_or_build(chosen: Analyzer | PairAnalyzer, index_options: IndexOptions) -> Index:
            def build() -> Index:
                return build_index(corpus, chosen, index_options)

            if cache_dir is None:
                return build()
            return cached_index(corpus, chosen, index_options, Path(cache_dir), build)

        index = load_or_build(analyzer, options.index)
        pairs = None
        if options.pair_weight > 0:
            # Phrases count in the passage's own text only: a heading shared by several
            # passages would otherwise lift them all for one matching phrase.
            pair_options = replace(options.index, context_weight=PAIR_CONTEXT_WEIGHT)
            pairs = load_or_build(pair_analyzer, pair_options)
        return cls(corpus, index, glossary, options, analyzer, pairs)

    @property
    def documents(self) -> tuple[Document, ...]:
        return self.corpus.documents

    def parse(self, question: str) -> Query:
        return self._parser.parse(question)

    def ask(self, question: str, k: int = 3) -> Answer:
        """The k best passages for the question, or an abstention when none answers it."""
        if k < 1:
            raise ValueError(f"k must be at least 1, not {k}")
        query = self.parse(question)
        corrections = tuple((t.word, c) for t in query.terms for c in t.corrected[:1])
        if not query.terms:
            return self._abstain(question, "no searchable word in the question", corrections)
        known = coverage(query, self.index.vocabulary.__contains__, self.index.idf_of)
        if known < self.options.min_known:
            return self._abstain(question, "the articles do not use most of its words", corrections)
        ranked = self.rank(query, max(k, CANDIDATES))
        if not ranked or ranked[0].coverage < self.options.min_coverage:
            return self._abstain(question, "no passage covers the question", corrections)
        best = ranked[0]
        corroborating, conflicting = split_related(
            best, ranked[1:], question, self._distinctive_names
        )
        return Answer(
            question=question,
            passages=tuple(ranked[:k]),
            abstained=False,
            corroborating=corroborating,
            conflicting=conflicting,
            corrections=corrections,
        )

    def rank(self, query: Query, k: int) -> list[RankedPassage]:
        """Scores passages and gives each of the top k its key sentence and coverage."""
        ranked = []
        for hit in top_k(self.scores(query), k):
            passage = self.corpus.passages[hit.row]
            document = self.corpus.document(passage.doc_id)
            ranked.append(
                RankedPassage(
                    passage=passage,
                    document=document,
                    score=hit.score,
                    sentence=key_sentence(passage.text, query, self.analyzer, self.index.idf_of),
                    coverage=coverage(
                        query,
                        lambda stem, row=hit.row: self.index.contains(row, stem),
                        self.index.idf_of,
                    ),
                )
            )
        return ranked

    def _distinctive_names(self, sentence: str) -> set[str]:
        """Names in the sentence that a single article of the corpus uses."""
        return {n for n in names_in(sentence, frozenset()) if self._name_documents.get(n, 0) == 1}

    def scores(self, query: Query) -> np.ndarray:
        """Every passage's score: its words' BM25 plus, weighted, its word pairs'."""
        scores = self.index.scores(query.groups)
        if self.pairs is not None and query.pairs:
            pair_scores = self.pairs.scores([((pair, 1.0),) for pair in query.pairs])
            scores += np.float32(self.options.pair_weight) * pair_scores
        return scores

    def suggestions(self, limit: int = 25) -> list[str]:
        """Questions the corpus answers: the catalog's examples, else one per title."""
        found = [q for d in self.documents for q in d.questions]
        if not found:
            found = [f"{d.title} ?" for d in self.documents]
        # Interleave documents so the first few suggestions cover different articles.
        by_doc = [list(d.questions) or [f"{d.title} ?"] for d in self.documents]
        interleaved = [q for round_ in _round_robin(by_doc) for q in round_]
        return list(dict.fromkeys(interleaved or found))[:limit]

    def topics(self) -> str:
        """What the corpus is about, from the names most of its articles share."""
        top = [name for name, _ in Counter(self._name_documents).most_common(6)]
        return ", ".join(top)

    def _abstain(
        self, question: str, reason: str, corrections: tuple[tuple[str, str], ...]
    ) -> Answer:
        return Answer(
            question=question,
            passages=(),
            abstained=True,
            suggestions=tuple(self.suggestions(2)),
            topics=self.topics(),
            reason=reason,
            corrections=corrections,
        )


def build_index(
    corpus: Corpus, analyzer: Callable[[str], list[str]], options: IndexOptions
) -> Index:
    """Passages as bodies; their article title and section heading as context."""
    titles = {d.id: d.title for d in corpus.documents}
    bodies = [p.text for p in corpus.passages]
    contexts = [f"{titles[p.doc_id]}\n{p.section or ''}" for p in corpus.passages]
    return Index.build(bodies, contexts, analyzer, options)


def _surface_words(corpus: Corpus) -> set[str]:
    found: set[str] = set()
    for passage in corpus.passages:
        found.update(words(passage.text))
    for document in corpus.documents:
        found.update(words(document.title))
    return found


def _name_documents(corpus: Corpus) -> dict[str, int]:
    """How many articles name each name; capitalised common words ("Web", also written
    "web") are not names."""
    lower = {fold(w) for d in corpus.documents for w in re.findall(r"\b[a-zà-ÿ][\w-]*", d.text)}
    return Counter(
        name
        for d in corpus.documents
        for name in set(names_in(d.text, frozenset()))
        if fold(name) not in lower
    )


def _round_robin(lists: Sequence[list[str]]) -> list[list[str]]:
    longest = max((len(items) for items in lists), default=0)
    return [[items[i] for items in lists if i < len(items)] for i in range(longest)]
