"""Sparse term-weight index over passages: fitted with scikit-learn, scored column by column."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from knowledge.arrayfile import load_arrays, save_arrays
from knowledge.errors import IndexLoadError
from knowledge.termids import TermIds, streams_of

WEIGHTINGS = ("bm25", "tfidf")
# Terms whose idf is remembered (`idf_of`); beyond, memory would grow with questions.
REMEMBERED_IDF = 100_000
# 4: saved with each passage's sentences (passage_sentences.py); 5: arrayfile, not .npz.
FORMAT_VERSION = 5


@dataclass(frozen=True)
class IndexOptions:
    """How passages are weighted; part of the saved index's key.

    `context_weight` scales the counts of the title and heading words added to each
    passage: they say what the passage is about without being its content.
    `context_words` caps what one context adds to `context_weight` times that many
    words, shared among its words (0: no cap). A title of a few words names the
    subject (a Wikipedia article's); each word of a fifteen-word headline, and of the
    heading under it, says less about each paragraph, and at full weight they pulled
    every paragraph under "Parler est revenu en ligne..." ahead of the one saying when.
    """

    weighting: str = "bm25"
    k1: float = 0.9
    b: float = 0.75
    context_weight: float = 1.0
    context_words: float = 6.0

    def __post_init__(self) -> None:
        if self.weighting not in WEIGHTINGS:
            raise ValueError(
                f"weighting must be one of {', '.join(WEIGHTINGS)}, not {self.weighting!r}"
            )
        if self.k1 < 0 or not 0 <= self.b <= 1 or self.context_weight < 0 or self.context_words < 0:
            raise ValueError("k1 must be >= 0, b in [0, 1], context_weight and words >= 0")


@dataclass(frozen=True)
class Hit:
    """A passage's row in the index and its score for one query."""

    row: int
    score: float


class PairColumns(Mapping[str, int]):
    """The word-pair index's columns without a string per pair: "stemA_stemB" is found
    by binary search of its code (first stem's column * width + second's, columns of
    the word index) among the sorted codes. A million passages hold tens of millions of
    distinct pairs; as strings they would cost gigabytes to build, save and load."""

    def __init__(self, words: Mapping[str, int], codes: np.ndarray, width: int) -> None:
        self.words = words
        self.codes = codes
        self.width = width

    def _code(self, term: str) -> int | None:
        """ "stemA_stemB" as its code, or None when either stem is not a word column."""
        first, _, second = term.partition("_")
        a, b = self.words.get(first), self.words.get(second)
        return None if a is None or b is None else a * self.width + b

    def get(self, term: str, default: int | None = None) -> int | None:  # type: ignore[override]
        code = self._code(term)
        if code is None:
            return default
        position = int(np.searchsorted(self.codes, code))
        if position < self.codes.size and self.codes[position] == code:
            return position
        return default

    def columns_of(self, terms: Sequence[str]) -> dict[str, int]:
        """The columns of those terms that have one, with one binary search for all."""
        codes = {term: code for term in terms if (code := self._code(term)) is not None}
        if not codes or not self.codes.size:
            return {}
        wanted = np.fromiter(codes.values(), dtype=np.int64, count=len(codes))
        positions = np.minimum(np.searchsorted(self.codes, wanted), self.codes.size - 1)
        found = (self.codes[positions] == wanted).tolist()
        return {
            term: position
            for term, position, hit in zip(codes, positions.tolist(), found, strict=True)
            if hit
        }

    def __getitem__(self, term: str) -> int:
        column = self.get(term)
        if column is None:
            raise KeyError(term)
        return column

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and self.get(term) is not None

    def __len__(self) -> int:
        return int(self.codes.size)

    def __iter__(self) -> Iterator[str]:
        terms = {column: term for term, column in self.words.items()}
        for code in self.codes.tolist():
            yield f"{terms[code // self.width]}_{terms[code % self.width]}"


class Index:
    """Passages x terms weights in CSC form, so a query reads only its terms' columns.

    BM25:   w(t, p) = idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * |p| / avg|p|)),
            idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5))
    TF-IDF: w(t, p) = (1 + ln tf) * idf(t), rows L2-normalised (scikit-learn's smooth idf).
    score(q, p) = sum over query terms t of q(t) * w(t, p).

    `vocabulary` is the terms in column order, or a word-pair index's `PairColumns`.
    """

    def __init__(
        self,
        vocabulary: Sequence[str] | PairColumns,
        weights: sparse.csc_matrix,
        idf: np.ndarray,
        options: IndexOptions,
        surface: Sequence[str] | np.ndarray = (),
    ) -> None:
        # A loaded index keeps its written words packed until the query parser needs
        # them (a word unknown to the corpus): decoding them costs a tenth of a start.
        self._packed_surface = surface if isinstance(surface, np.ndarray) else None
        self._surface = None if self._packed_surface is not None else tuple(surface)
        self.vocabulary: Mapping[str, int]
        if isinstance(vocabulary, PairColumns):
            self.terms: list[str] | None = None
            self.vocabulary = vocabulary
        else:
            self.terms = list(vocabulary)
            self.vocabulary = dict(zip(self.terms, range(len(self.terms)), strict=True))
        self.weights = weights
        self.idf = idf
        self.options = options
        self.max_idf = float(idf.max()) if idf.size else 1.0
        self._idf_of: dict[str, float] = {}

    @property
    def size(self) -> int:
        return self.weights.shape[0]

    @property
    def surface(self) -> tuple[str, ...]:
        """The corpus's written words, which spelling correction may correct to."""
        if self._surface is None:
            self._surface = tuple(_unpack(self._packed_surface))
        return self._surface

    @classmethod
    def build(
        cls,
        bodies: Sequence[str],
        contexts: Sequence[str],
        analyzer: Callable[[str], list[str]],
        options: IndexOptions | None = None,
    ) -> Index:
        """Fits the vocabulary on bodies and contexts, then weights their combined counts."""
        unique = list(dict.fromkeys(contexts))
        position = {context: n for n, context in enumerate(unique)}
        return cls.from_tokens(
            [analyzer(body) for body in bodies],
            [analyzer(context) for context in unique],
            [position[context] for context in contexts],
            options,
        )

    @classmethod
    def from_tokens(
        cls,
        bodies: Iterable[list[str]],
        contexts: Iterable[list[str]],
        context_of: Sequence[int],
        options: IndexOptions | None = None,
        surface: Sequence[str] = (),
    ) -> Index:
        """Builds from analysed passages; `contexts` are distinct (a title shared by a
        thousand passages is analysed once) and `context_of[i]` is passage i's context.
        `surface` is kept with the index: the written words the query parser needs."""
        vocabulary: dict[str, int] = {}
        body_ids = streams_of(bodies, vocabulary)
        context_ids = streams_of(contexts, vocabulary)
        terms = sorted(vocabulary)
        position = np.empty(len(terms), dtype=np.int64)
        position[[vocabulary[t] for t in terms]] = np.arange(len(terms))
        return cls.from_streams(
            body_ids.mapped(position),
            context_ids.mapped(position),
            np.asarray(context_of, dtype=np.int64),
            terms,
            options,
            surface,
        )

    @classmethod
    def from_streams(
        cls,
        bodies: TermIds,
        contexts: TermIds,
        context_of: np.ndarray,
        vocabulary: Sequence[str] | PairColumns,
        options: IndexOptions | None = None,
        surface: Sequence[str] = (),
    ) -> Index:
        """Builds from passages and contexts already turned into column ids."""
        options = options or IndexOptions()
        n = bodies.size
        if not n:
            raise ValueError("cannot index an empty corpus: give at least one passage")
        if context_of.size != n or (n and contexts.size == 0):
            raise ValueError("every passage needs a context (possibly empty)")
        n_columns = len(vocabulary)
        counts = bodies.counts(n_columns)
        if options.context_weight > 0:
            context_counts = contexts.counts(n_columns)
            if options.context_words > 0:
                words = np.maximum(np.diff(contexts.offsets), 1).astype(np.float32)
                share = np.minimum(np.float32(1), np.float32(options.context_words) / words)
                context_counts = sparse.diags(share) @ context_counts
            counts = counts + options.context_weight * context_counts[context_of]
        counts = sparse.csr_matrix(counts, dtype=np.float32)
        counts.eliminate_zeros()
        weights, idf = _weigh(counts, options)
        return cls(vocabulary, weights.tocsc(), idf, options, surface)

    def scores(self, groups: Sequence[Sequence[tuple[str, float]]]) -> np.ndarray:
        """Dense scores of every passage, reading only the query terms' columns.

        Each group is one query word and its alternatives (stem, factor): a glossary
        synonym or a spelling correction. A passage earns the best alternative it holds,
        factor times weight, so one word never counts twice through its synonyms.
        """
        indptr, indices, data = self.weights.indptr, self.weights.indices, self.weights.data
        vocabulary = self.vocabulary
        column_of: Mapping[str, int] = (
            vocabulary.columns_of([t for group in groups for t, factor in group if factor > 0])
            if isinstance(vocabulary, PairColumns)
            else vocabulary
        )
        # Each word's rows and what it adds to them, added up at the end in one call, in
        # word order: the same float sums as adding word after word, fewer numpy calls.
        found_rows: list[np.ndarray] = []
        added: list[np.ndarray] = []
        for group in groups:
            postings = [
                (column, factor)
                for term, factor in group
                if factor > 0 and (column := column_of.get(term)) is not None
            ]
            if not postings:
                continue
            query_weight = 1.0
            if self.options.weighting == "tfidf":
                query_weight = max(float(self.idf[column]) for column, _ in postings)
            if len(postings) == 1:
                column, factor = postings[0]
                start, end = indptr[column], indptr[column + 1]
                found_rows.append(indices[start:end])
                # Most words are the question's own (factor 1): their weights as stored.
                multiplier = query_weight * factor
                added.append(data[start:end] if multiplier == 1.0 else multiplier * data[start:end])
                continue
            rows = np.concatenate([indices[indptr[c] : indptr[c + 1]] for c, _ in postings])
            values = np.concatenate(
                [factor * data[indptr[c] : indptr[c + 1]] for c, factor in postings]
            )
            # By row, then value: each row's last entry is its best alternative.
            order = np.lexsort((values, rows))
            rows, values = rows[order], values[order]
            best = np.append(rows[1:] != rows[:-1], True)
            found_rows.append(rows[best])
            added.append(values[best] if query_weight == 1.0 else query_weight * values[best])
        scores = np.zeros(self.size, dtype=np.float32)
        if found_rows:
            np.add.at(scores, np.concatenate(found_rows), np.concatenate(added))
        return scores

    def search(self, groups: Sequence[Sequence[tuple[str, float]]], k: int) -> list[Hit]:
        """The k best passages with a positive score, best first (ties: earlier row first)."""
        if k < 1:
            raise ValueError(f"k must be at least 1, not {k}")
        return top_k(self.scores(groups), k)

    def idf_of(self, term: str) -> float:
        """The term's idf, or the corpus's highest for an unknown term (rarer than any);
        remembered, as every answer asks it for each question word and its synonyms."""
        found = self._idf_of.get(term)
        if found is None:
            column = self.vocabulary.get(term)
            found = float(self.idf[column]) if column is not None else self.max_idf
            if len(self._idf_of) >= REMEMBERED_IDF:
                self._idf_of.clear()
            self._idf_of[term] = found
        return found

    def save(self, path: Path, key: str) -> None:
        """Writes the matrix, idf, terms, options and key (`arrayfile`, no pickle)."""
        meta: dict[str, object] = {
            "format": FORMAT_VERSION,
            "key": key,
            "options": asdict(self.options),
        }
        if isinstance(self.vocabulary, PairColumns):
            meta["width"] = self.vocabulary.width
            columns = {"codes": self.vocabulary.codes}
        else:
            columns = {"terms": _pack(self.terms or ())}
        save_arrays(
            path,
            meta,
            {
                "data": self.weights.data,
                "indices": self.weights.indices,
                "indptr": self.weights.indptr,
                "shape": np.asarray(self.weights.shape, dtype=np.int64),
                "idf": self.idf,
                "surface": (
                    self._packed_surface
                    if self._packed_surface is not None
                    else _pack(self.surface)
                ),
                **columns,
            },
        )

    @classmethod
    def load(cls, path: Path, key: str, words: Mapping[str, int] | None = None) -> Index:
        """Reads a saved index; IndexLoadError if it is unreadable or built for another key.
        A word-pair index needs the vocabulary of the word index it was built with."""
        try:
            meta, saved = load_arrays(path)
            if meta.get("format") != FORMAT_VERSION or meta.get("key") != key:
                raise IndexLoadError(f"{path}: saved index is stale (built for other inputs)")
            shape = tuple(int(x) for x in saved["shape"])
            weights = sparse.csc_matrix(
                (saved["data"], saved["indices"], saved["indptr"]), shape=shape
            )
            vocabulary: list[str] | PairColumns
            if "codes" in saved:
                if words is None or meta.get("width") != len(words):
                    raise IndexLoadError(f"{path}: saved pair index is for other words")
                vocabulary = PairColumns(words, saved["codes"], int(meta["width"]))
            else:
                vocabulary = _unpack(saved["terms"])
            surface = saved["surface"]
            if surface.dtype != np.uint8 or surface.ndim != 1:
                raise ValueError("written words are not a UTF-8 buffer")
            idf = saved["idf"]
            options = IndexOptions(**meta["options"])
        except IndexLoadError:
            raise
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise IndexLoadError(f"{path}: saved index is unreadable ({exc})") from None
        if len(vocabulary) != shape[1] or idf.shape[0] != shape[1]:
            raise IndexLoadError(f"{path}: saved index is inconsistent")
        return cls(vocabulary, weights, idf, options, surface)


def _pack(words: Sequence[str]) -> np.ndarray:
    """Words as one UTF-8 buffer: a fixed-width string array would pad every term to
    the longest one (hundreds of MB at a million passages)."""
    return np.frombuffer("\n".join(words).encode("utf-8"), dtype=np.uint8)


def _unpack(buffer: np.ndarray) -> list[str]:
    text = buffer.tobytes().decode("utf-8")
    return text.split("\n") if text else []


def top_k(scores: np.ndarray, k: int) -> list[Hit]:
    """Positive scores only, best first; a partial sort, so cost does not grow with k log n."""
    candidates = np.flatnonzero(scores > 0)
    if candidates.size > k:
        candidates = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
    values = scores[candidates].tolist()
    # At most k of them: sorting in Python beats more numpy calls.
    ranked = sorted(zip((-value for value in values), candidates.tolist(), strict=True))
    return [Hit(row, -negated) for negated, row in ranked]


def _weigh(
    counts: sparse.csr_matrix, options: IndexOptions
) -> tuple[sparse.csr_matrix, np.ndarray]:
    if options.weighting == "tfidf":
        # scikit-learn's TF-IDF: sublinear tf, smooth idf, rows L2-normalised.
        from sklearn.feature_extraction.text import TfidfTransformer

        transformer = TfidfTransformer(sublinear_tf=True).fit(counts)
        weighted = sparse.csr_matrix(transformer.transform(counts), dtype=np.float32)
        weighted.sort_indices()
        return weighted, transformer.idf_.astype(np.float32)
    n_passages = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float64)
    idf = np.log1p((n_passages - df + 0.5) / (df + 0.5))
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    average = float(lengths.mean()) or 1.0
    norm = options.k1 * (1 - options.b + options.b * lengths / average)
    tf = counts.data
    row_of = np.repeat(np.arange(n_passages), np.diff(counts.indptr))
    data = idf[counts.indices] * tf * (options.k1 + 1) / (tf + norm[row_of])
    weights = sparse.csr_matrix(
        (data.astype(np.float32), counts.indices, counts.indptr), shape=counts.shape
    )
    return weights, idf.astype(np.float32)
