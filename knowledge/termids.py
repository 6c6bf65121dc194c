"""Passages as integer term ids: the analysis both indexes are counted from, done once.

Building an index is mostly turning text into counts. Doing it with a vocabulary of
strings costs a few dictionary operations per token in Python (scikit-learn's
CountVectorizer loop); here each distinct written word is folded, filtered and stemmed
once, every later occurrence is one dictionary hit, and counting, word pairs and the
vocabulary's order are numpy operations on the id arrays.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain

import numpy as np
from scipy import sparse

from knowledge.analysis import Analyzer, tokens, words_of_token
from knowledge.corpus import Corpus


@dataclass(frozen=True)
class TermIds:
    """Token streams as ids: stream i is `ids[offsets[i]:offsets[i + 1]]`."""

    ids: np.ndarray
    offsets: np.ndarray

    @property
    def size(self) -> int:
        return self.offsets.size - 1

    def rows(self) -> np.ndarray:
        """The stream each id belongs to."""
        return np.repeat(np.arange(self.size, dtype=np.int64), np.diff(self.offsets))

    def counts(self, n_columns: int) -> sparse.csr_matrix:
        """Streams x ids occurrence counts."""
        ones = np.ones(self.ids.size, dtype=np.float32)
        matrix = sparse.csr_matrix(
            (ones, (self.rows(), self.ids)), shape=(self.size, n_columns), dtype=np.float32
        )
        matrix.sum_duplicates()
        return matrix

    def pairs(self, width: int) -> TermIds:
        """Adjacent ids within each stream as one code, `first * width + second`."""
        ids = self.ids.astype(np.int64)
        rows = self.rows()
        same_stream = rows[1:] == rows[:-1]
        codes = (ids[:-1] * width + ids[1:])[same_stream]
        lengths = np.maximum(np.diff(self.offsets) - 1, 0)
        return TermIds(codes, _offsets(lengths))

    def mapped(self, table: np.ndarray) -> TermIds:
        return TermIds(table[self.ids], self.offsets)


def _offsets(lengths: np.ndarray) -> np.ndarray:
    offsets = np.zeros(lengths.size + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets


class TermTable(dict[str, tuple[int, ...]]):
    """Token (`analysis.tokens`) -> ids of its terms' stems: a token is analysed on its
    first appearance only, and most are one term or none (a stop word)."""

    def __init__(self, analyzer: Analyzer) -> None:
        super().__init__()
        self._analyzer = analyzer
        self.stems: dict[str, int] = {}

    def __missing__(self, token: str) -> tuple[int, ...]:
        found = self[token] = tuple(map(self._id_of, self._analyzer.terms_of_token(token)))
        return found

    def _id_of(self, stem: str) -> int:
        found = self.stems.get(stem)
        if found is None:
            found = self.stems[stem] = len(self.stems)
        return found

    def stream(self, texts: Iterable[str]) -> TermIds:
        """The texts' terms as one id array with offsets (the per-token work runs in
        C: a map of dictionary look-ups chained into the array)."""
        lookup = self.__getitem__
        ids = array("i")
        lengths = array("q")
        for text in texts:
            before = len(ids)
            ids.extend(chain.from_iterable(map(lookup, tokens(text))))
            lengths.append(len(ids) - before)
        return TermIds(
            np.frombuffer(ids, dtype=np.int32), _offsets(np.frombuffer(lengths, np.int64))
        )

    def sorted_terms(self) -> tuple[list[str], np.ndarray]:
        """The stems in sorted order, and the table from ids to sorted positions:
        a sorted vocabulary does not depend on the order passages were read in."""
        stems = list(self.stems)
        order = sorted(range(len(stems)), key=stems.__getitem__)
        position = np.empty(len(stems), dtype=np.int32)
        position[np.asarray(order, dtype=np.int64)] = np.arange(len(stems), dtype=np.int32)
        return [stems[i] for i in order], position

    def surface(self) -> list[str]:
        """Every written word met, sorted: what spelling correction may correct to."""
        return sorted({word for token in self for word in words_of_token(token)})


@dataclass(frozen=True)
class AnalysedCorpus:
    """A corpus's passages and distinct contexts (title and heading) as sorted-term ids.

    `context_of[i]` is the context of passage i: a title shared by a thousand passages
    is analysed once.
    """

    terms: list[str]
    bodies: TermIds
    contexts: TermIds
    context_of: np.ndarray
    surface: list[str]


def analyse_corpus(corpus: Corpus, analyzer: Analyzer) -> AnalysedCorpus:
    table = TermTable(analyzer)
    bodies = table.stream(p.text for p in corpus.passages)
    titles = {d.id: d.title for d in corpus.documents}
    position: dict[str, int] = {}
    context_of = np.asarray(
        [
            position.setdefault(f"{titles[p.doc_id]}\n{p.section or ''}", len(position))
            for p in corpus.passages
        ],
        dtype=np.int64,
    )
    contexts = table.stream(position)
    terms, sorted_position = table.sorted_terms()
    return AnalysedCorpus(
        terms,
        bodies.mapped(sorted_position),
        contexts.mapped(sorted_position),
        context_of,
        table.surface(),
    )


def streams_of(token_lists: Iterable[list[str]], vocabulary: dict[str, int]) -> TermIds:
    """Already analysed token lists as ids, adding new tokens to `vocabulary`."""
    ids = array("q")
    lengths = array("q")
    for analysed in token_lists:
        ids.extend(vocabulary.setdefault(t, len(vocabulary)) for t in analysed)
        lengths.append(len(analysed))
    return TermIds(np.frombuffer(ids, dtype=np.int64), _offsets(np.frombuffer(lengths, np.int64)))


def pair_streams(
    bodies: TermIds, contexts: TermIds, width: int
) -> tuple[np.ndarray, TermIds, TermIds]:
    """Adjacent-term pairs of bodies and contexts as columns: the sorted distinct pair
    codes, and each stream's pairs as positions among them."""
    body_pairs, context_pairs = bodies.pairs(width), contexts.pairs(width)
    codes, columns = np.unique(
        np.concatenate([body_pairs.ids, context_pairs.ids]), return_inverse=True
    )
    split = body_pairs.ids.size
    return (
        codes,
        TermIds(columns[:split], body_pairs.offsets),
        TermIds(columns[split:], context_pairs.offsets),
    )
