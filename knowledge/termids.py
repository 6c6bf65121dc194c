"""Passages as integer term ids: the analysis both indexes are counted from, done once.

Building an index is mostly turning text into counts. Doing it with a vocabulary of
strings costs a few dictionary operations per token in Python (scikit-learn's
CountVectorizer loop); here each distinct written word is folded, filtered and stemmed
once, every later occurrence is one dictionary hit, and counting, word pairs and the
vocabulary's order are numpy operations on the id arrays.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain

import numpy as np
from scipy import sparse

from knowledge.analysis import (
    SEPARATOR,
    Analyzer,
    compounds_of,
    tokens,
    tokens_by_text,
    words_of_token,
)
from knowledge.corpus import Corpus
from knowledge.sentences import sentence_spans


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


@dataclass(frozen=True)
class AnalysedCorpus:
    """A corpus's passages and distinct contexts (title and heading) as sorted-term ids.

    `context_of[i]` is the context of passage i: a title shared by a thousand passages
    is analysed once. `sentences` holds every passage's sentences: passage i's are
    numbers `sentence_of[i]` to `sentence_of[i + 1]`, each a span of its text
    (`spans[j]`: start, end) whose term ids are `sentences`' stream j. A passage's
    body is its sentences' terms end to end, so both share one id array. None when
    the analysis was made without sentences.
    """

    terms: list[str]
    bodies: TermIds
    contexts: TermIds
    context_of: np.ndarray
    surface: list[str]
    sentences: TermIds | None
    sentence_of: np.ndarray
    spans: np.ndarray


def context_text(title: str, section: str | None) -> str:
    """What a passage is indexed with besides its own text: its title and heading."""
    return f"{title}\n{section or ''}"


def analyse_corpus(
    corpus: Corpus, analyzer: Analyzer, with_sentences: bool = True
) -> AnalysedCorpus:
    """Every passage (cut into sentences when `with_sentences`) analysed in one pass.

    Tokens become ids as they are read (a C-level dictionary hit each); only distinct
    tokens are analysed, their words stemmed in one batch; the rest is numpy on the id
    arrays: each token's terms spliced in, sentence and passage boundaries counted.
    Without sentences, each passage counts as one sentence and `sentences` is None.
    """
    token_ids: defaultdict[str, int] = defaultdict()
    token_ids.default_factory = token_ids.__len__  # a new token gets the next id
    separator = token_ids[SEPARATOR]
    lookup = token_ids.__getitem__
    stream = array("i")
    spans = array("i")
    sentence_counts = array("q")
    titles = {d.id: d.title for d in corpus.documents}
    position: dict[str, int] = {}
    context_of = array("q")
    for passage in corpus.passages:
        text = passage.text
        if with_sentences:
            bounds = sentence_spans(text) or [(0, len(text))]
            stream.extend(map(lookup, tokens_by_text([text[a:b] for a, b in bounds])))
            spans.extend(chain.from_iterable(bounds))
            sentence_counts.append(len(bounds))
        else:
            stream.extend(map(lookup, tokens(text)))
            stream.append(separator)
            sentence_counts.append(1)
        context = context_text(titles[passage.doc_id], passage.section)
        context_of.append(position.setdefault(context, len(position)))
    context_stream = array("i")
    context_lengths = array("q")
    for context in position:
        before = len(context_stream)
        context_stream.extend(map(lookup, tokens(context)))
        context_lengths.append(len(context_stream) - before)

    distinct = list(token_ids)
    token_terms = analyzer.terms_of_tokens(distinct)
    # Columns in sorted order: a vocabulary that does not depend on reading order.
    terms = sorted(set(chain.from_iterable(token_terms)))
    column = dict(zip(terms, range(len(terms)), strict=True))
    term_counts = np.fromiter(map(len, token_terms), dtype=np.int64, count=len(distinct))
    first_term = _offsets(term_counts)
    flat = np.fromiter(
        map(column.__getitem__, chain.from_iterable(token_terms)),
        dtype=np.int32,
        count=int(first_term[-1]),
    )

    body_tokens = np.frombuffer(stream, dtype=np.int32)
    ids, terms_before = _spliced(body_tokens, first_term, term_counts, flat)
    # Every sentence's tokens end with a separator: its end, in tokens.
    sentence_ends = np.flatnonzero(body_tokens == separator) + 1
    sentence_offsets = terms_before[np.concatenate(([0], sentence_ends))]
    sentence_of = _offsets(np.frombuffer(sentence_counts, dtype=np.int64))
    context_ids, context_terms_before = _spliced(
        np.frombuffer(context_stream, dtype=np.int32), first_term, term_counts, flat
    )
    context_offsets = context_terms_before[_offsets(np.frombuffer(context_lengths, np.int64))]
    return AnalysedCorpus(
        terms=terms,
        bodies=TermIds(ids, sentence_offsets[sentence_of]),
        contexts=TermIds(context_ids, context_offsets),
        context_of=np.frombuffer(context_of, dtype=np.int64),
        surface=_surface(distinct),
        sentences=TermIds(ids, sentence_offsets) if with_sentences else None,
        sentence_of=sentence_of,
        spans=np.frombuffer(spans, dtype=np.int32).reshape(-1, 2),
    )


def _spliced(
    token_stream: np.ndarray, first_term: np.ndarray, term_counts: np.ndarray, flat: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The terms of a stream of token ids, end to end, and how many terms come before
    each token (one more entry: the total), to turn token offsets into term offsets."""
    per_token = term_counts[token_stream]
    terms_before = _offsets(per_token)
    # Each output term: its token's first term in `flat`, plus its rank within the token.
    starts = np.repeat(first_term[token_stream] - terms_before[:-1], per_token)
    return flat[starts + np.arange(int(terms_before[-1]), dtype=np.int64)], terms_before


def _surface(distinct_tokens: list[str]) -> list[str]:
    """Every written word met, plain words first, then compounds' parts: what spelling
    correction may correct to. Order does not matter to it; repeats are dropped."""
    compounds = compounds_of(distinct_tokens)
    words = dict.fromkeys(distinct_tokens)
    for compound in compounds:
        del words[compound]
    words.pop(SEPARATOR, None)
    words.update(dict.fromkeys(chain.from_iterable(map(words_of_token, compounds))))
    return list(words)


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
