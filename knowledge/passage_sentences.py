"""Every passage's sentences and their terms, worked out with the index and saved with it.

An answer shows a key sentence per passage, and choosing it means splitting the passage
into sentences and analysing each (about 80 µs a passage, more than retrieval). The
index build reads every sentence anyway (`termids.analyse_corpus`), so it keeps where
each sentence starts and ends and its terms as word-index columns; an answer then only
slices the passage's text and looks its columns up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from knowledge.answer import KeyFeature
from knowledge.arrayfile import load_arrays, save_arrays
from knowledge.errors import IndexLoadError
from knowledge.termids import AnalysedCorpus

# 2: arrayfile, not .npz.
FORMAT_VERSION = 2

# A passage's sentences with their stems, as `answer.analysed_sentences` gives them.
AnalysedSentences = tuple[tuple[str, frozenset[str]], ...]


@dataclass(frozen=True)
class SentenceColumns:
    """One passage's sentences as flat lists: sentence k is `text[spans[2k]:spans[2k+1]]`
    and holds `columns[offsets[k]:offsets[k + 1]]`."""

    spans: list[int]
    offsets: list[int]
    columns: list[int]


@dataclass(frozen=True)
class QuestionColumns:
    """A question's weighted terms (`answer.WeightedTerms`) by word-index column: which
    terms (by position) each column is an alternative for, and at what factor."""

    alternatives_of: dict[int, list[tuple[int, float]]]
    importances: list[float]
    total: float

    @cached_property
    def asked(self) -> frozenset[int]:
        """Every column the question asks for, to find a sentence's in one C-level pass."""
        return frozenset(self.alternatives_of)

    def share_held(self, held: frozenset[int]) -> float:
        """`answer.word_share` over columns: the share of the question's words whose
        best alternative a text holds (`held`: the text's columns the question asks
        for), each word counting its alternative's factor; same arithmetic."""
        best = [0.0] * len(self.importances)
        for column in held:
            for term, factor in self.alternatives_of[column]:
                if factor > best[term]:
                    best[term] = factor
        matched = 0.0
        for factor in best:
            matched += factor
        return matched / len(best) if best else 0.0

    @classmethod
    def of(
        cls,
        weighted: Sequence[tuple[float, Sequence[tuple[str, float]]]],
        vocabulary: Mapping[str, int],
    ) -> QuestionColumns:
        alternatives_of: dict[int, list[tuple[int, float]]] = {}
        total = 0.0
        for term, (importance, alternatives) in enumerate(weighted):
            total += importance
            for stem, factor in alternatives:
                column = vocabulary.get(stem)
                if column is not None:
                    alternatives_of.setdefault(column, []).append((term, factor))
        return cls(alternatives_of, [importance for importance, _ in weighted], total)


def key_sentence_of(
    text: str,
    sentences: SentenceColumns,
    question: QuestionColumns,
    features: Sequence[KeyFeature] = (),
) -> str:
    """`answer.key_sentence` over a passage's saved columns: the sentence holding most of
    the question's idf mass (and of the features it asks for), the shorter on a tie;
    same arithmetic, same result.

    A sentence's columns are intersected with the question's in one C-level pass, not
    read one Python step per word: only the few columns they share are looked up.
    """
    spans, offsets, columns = sentences.spans, sentences.offsets, sentences.columns
    if len(offsets) == 2:
        return text[spans[0] : spans[1]]
    alternatives_of, importances, total, asked = (
        question.alternatives_of,
        question.importances,
        question.total,
        question.asked,
    )
    whole = total + sum(f.importance for f in features) if features else total
    best_span, best_key = 0, (-1.0, 0)
    for k in range(len(offsets) - 1):
        score = 0.0
        own = columns[offsets[k] : offsets[k + 1]]
        shared = asked.intersection(own)
        if shared:
            best = [0.0] * len(importances)
            for column in shared:
                for term, factor in alternatives_of[column]:
                    if factor > best[term]:
                        best[term] = factor
            matched = 0.0
            for importance, factor in zip(importances, best, strict=True):
                matched += importance * factor
            score = round(matched / total, 6) if total else 0.0
            # A feature counts only beside a word of the question (`key_sentence`).
            if features and score:
                held = sum(f.importance for f in features if not f.columns.isdisjoint(own))
                score = round((matched + held) / whole, 6)
        key = (score, spans[2 * k] - spans[2 * k + 1])
        if key > best_key:
            best_span, best_key = k, key
    return text[spans[2 * best_span] : spans[2 * best_span + 1]]


@dataclass(frozen=True)
class PassageSentences:
    """Passage i's sentences are numbers `first[i]` to `first[i + 1]`; sentence j is
    `text[spans[j, 0]:spans[j, 1]]` of its passage and holds the word-index columns
    `columns[offsets[j]:offsets[j + 1]]` (in reading order, repeats kept: they are the
    passage's own term stream). `width` is the word index's number of columns."""

    first: np.ndarray
    spans: np.ndarray
    columns: np.ndarray
    offsets: np.ndarray
    width: int

    @classmethod
    def from_analysis(cls, analysed: AnalysedCorpus) -> PassageSentences:
        if analysed.sentences is None:
            raise ValueError("the corpus was analysed without its sentences")
        return cls(
            analysed.sentence_of,
            analysed.spans,
            analysed.sentences.ids,
            analysed.sentences.offsets,
            len(analysed.terms),
        )

    @property
    def size(self) -> int:
        """How many passages."""
        return self.first.size - 1

    def of(self, row: int, text: str, terms: Sequence[str]) -> AnalysedSentences:
        """Passage `row`'s sentences with their stems (`terms`: the word index's terms
        in column order), as `answer.analysed_sentences` gives them from the text."""
        start, end = int(self.first[row]), int(self.first[row + 1])
        bounds = self.spans[start:end].tolist()
        offsets = self.offsets[start : end + 1].tolist()
        columns = self.columns[offsets[0] : offsets[-1]].tolist()
        base = offsets[0]
        return tuple(
            (
                text[a:b],
                frozenset([terms[c] for c in columns[offsets[n] - base : offsets[n + 1] - base]]),
            )
            for n, (a, b) in enumerate(bounds)
        )

    def passage_columns(self, row: int) -> np.ndarray:
        """Passage `row`'s word-index columns, all its sentences' in reading order."""
        first, last = self.first[row], self.first[row + 1]
        return self.columns[self.offsets[first] : self.offsets[last]]

    def rows_holding(self, columns: Sequence[int]) -> np.ndarray:
        """Per passage, whether its text holds one of the word-index columns: one pass
        over the flat arrays, whatever the corpus's size."""
        wanted = np.zeros(self.width, dtype=bool)
        wanted[np.asarray(columns, dtype=np.int64)] = True
        positions = np.flatnonzero(wanted[self.columns])
        # Where each passage's columns start; an empty passage starts where the next
        # one does, so the last passage starting at or before a position holds it.
        starts = self.offsets[self.first[:-1]]
        held = np.zeros(self.size, dtype=bool)
        held[np.searchsorted(starts, positions, side="right") - 1] = True
        return held

    def lists_of(self, row: int) -> SentenceColumns:
        """Passage `row`'s sentences as flat lists (`key_sentence_of` reads them)."""
        start, end = self.first[row : row + 2].tolist()
        offsets = self.offsets[start : end + 1].tolist()
        base = offsets[0]
        return SentenceColumns(
            self.spans[start:end].ravel().tolist(),
            [offset - base for offset in offsets],
            self.columns[base : offsets[-1]].tolist(),
        )

    def save(self, path: Path, key: str) -> None:
        """Writes the arrays under `key` (`arrayfile`, no pickle); atomic, like the index."""
        meta = {"format": FORMAT_VERSION, "key": key, "width": self.width}
        arrays = {"first": self.first, "spans": self.spans, "columns": self.columns}
        save_arrays(path, meta, {**arrays, "offsets": self.offsets})

    @classmethod
    def load(cls, path: Path, key: str, width: int, passages: int) -> PassageSentences:
        """Reads saved sentences for a word index of `width` columns over `passages`
        passages; IndexLoadError when unreadable, stale or inconsistent."""
        try:
            meta, saved = load_arrays(path)
            if meta.get("format") != FORMAT_VERSION or meta.get("key") != key:
                raise IndexLoadError(f"{path}: saved sentences are stale (other inputs)")
            found = cls(saved["first"], saved["spans"], saved["columns"], saved["offsets"], width)
            saved_width = meta.get("width")
        except IndexLoadError:
            raise
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise IndexLoadError(f"{path}: saved sentences are unreadable ({exc})") from None
        if saved_width != width or not found.is_consistent(passages):
            raise IndexLoadError(f"{path}: saved sentences are inconsistent")
        return found

    def is_consistent(self, passages: int) -> bool:
        """Whether the arrays fit each other, `passages` passages and the index width:
        a damaged file must not send an answer out of bounds."""
        first, spans, offsets, columns = self.first, self.spans, self.offsets, self.columns
        n = spans.shape[0] if spans.ndim == 2 else -1
        return (
            first.ndim == 1
            and first.size == passages + 1
            and spans.ndim == 2
            and spans.shape[1] == 2
            and offsets.size == n + 1
            and int(first[0]) == 0
            and int(first[-1]) == n
            and bool(np.all(np.diff(first) >= 0))
            and int(offsets[0]) == 0
            and int(offsets[-1]) == columns.size
            and bool(np.all(np.diff(offsets) >= 0))
            and bool(np.all(spans[:, 0] <= spans[:, 1]))
            and (not columns.size or (int(columns.min()) >= 0 and int(columns.max()) < self.width))
        )
