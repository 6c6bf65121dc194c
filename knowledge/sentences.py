"""Sentence boundaries in French and English prose, for key sentences and long paragraphs."""

from __future__ import annotations

import re
from collections.abc import Iterable


def _width(pattern: str) -> int:
    """Characters a look-behind pattern made of literals and `[A-Z]` spans."""
    return len(re.sub(r"\\(.)|\[A-Z\]", "x", pattern))


# Tokens ending in a period that do not end a sentence: initials and common abbreviations.
_ABBREVIATIONS = (
    "M", "MM", "Mme", "Mlle", "Dr", "Pr", "St", "Ste", "Mr", "Mrs", "Ms", "Jr", "Sr", "etc",
    "cf", "vs", "av", "apr", "J.-C", "no", "p",
)  # fmt: skip
# ...as look-behinds ending at the period, one per width (a look-behind must have a
# fixed width): a period after one of them, after an initial ("A.") or after two
# initials and a period ("U.S..") is no boundary.
_ENDINGS = [rf"{re.escape(word)}\." for word in _ABBREVIATIONS]
_ENDINGS += [r"[A-Z]\.", r"[A-Z]\.[A-Z]\.\."]
_NOT_ABBREVIATION = "".join(
    rf"(?<!\b(?:{'|'.join(e for e in _ENDINGS if _width(e) == width)}))"
    for width in sorted({_width(e) for e in _ENDINGS})
)
# A boundary: terminal punctuation, optional closing quotes/brackets, white space, then
# something that can start a sentence (capital, digit, opening quote or dash). It starts
# with the punctuation, so the regex engine skips ahead to the next mark instead of
# trying every position, and holds the abbreviations, so cutting a passage costs one
# regex call and no Python per boundary.
_BOUNDARY = re.compile(
    rf"""[.!?…]{_NOT_ABBREVIATION}(["'”»\u201d)\]]*)\s+"""
    r"""(?=[«"“\u201c(\[\-–—]?\s*[A-ZÀ-ÖØ-Þ0-9])"""
)


def split_sentences(text: str) -> list[str]:
    """Sentences of `text`, as written (no normalisation), in order, none empty."""
    return [text[start:end] for start, end in sentence_spans(text)]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where each sentence of `text` starts and ends, white space excluded, in order, none
    empty: the spans a saved passage's sentences are cut from (`split_sentences`).

    A sentence runs from the end of one boundary (after its white space) to the end of
    the next one's punctuation and closing marks, so only the first and the last can
    have white space to strip. A line break ends a sentence too: passages hold one only
    between the items of a list, each its own sentence.
    """
    if "\n" not in text:
        return _line_spans(text)
    spans: list[tuple[int, int]] = []
    start = 0
    for line in text.split("\n"):
        spans.extend((start + a, start + b) for a, b in _line_spans(line))
        start += len(line) + 1
    return spans


def _line_spans(text: str) -> list[tuple[int, int]]:
    cuts = [(match.end(1), match.end()) for match in _BOUNDARY.finditer(text)]
    if not cuts:
        start, end = _stripped(text)
        return [(start, end)] if start < end else []
    starts = [_stripped(text[: cuts[0][0]])[0]] + [after for _, after in cuts]
    last_end = _stripped(text[cuts[-1][1] :])[1]
    ends = [end for end, _ in cuts] + [cuts[-1][1] + last_end]
    return list(zip(starts, ends, strict=True))


# Closing quote marks and the opening ones they pair with, and the other way round.
_OPENING_OF = {"»": "«", "”": "“"}
_CLOSING_OF = {opening: closing for closing, opening in _OPENING_OF.items()}
_QUOTE_MARKS = frozenset('"«»“”')


def without_dangling_quotes(sentence: str) -> str:
    """The sentence without a quote mark left from a quotation that spans sentences:
    its last sentence ends `... notre suspension. »` with the « in an earlier one.
    Shown alone, such a mark reads as a typo; what remains is still in the passage."""
    if sentence[:1] not in _QUOTE_MARKS and sentence[-1:] not in _QUOTE_MARKS:
        return sentence  # most sentences: one look at each end
    text = sentence.strip()
    last = text[-1:]
    if (last == '"' and text.count('"') % 2) or (
        last in _OPENING_OF and _OPENING_OF[last] not in text
    ):
        text = text[:-1].rstrip()
    first = text[:1]
    if (first == '"' and text.count('"') % 2) or (
        first in _CLOSING_OF and _CLOSING_OF[first] not in text
    ):
        text = text[1:].lstrip()
    return text or sentence


def _stripped(piece: str) -> tuple[int, int]:
    """The span of `piece.strip()` in `piece` (empty: (0, 0))."""
    left = len(piece) - len(piece.lstrip())
    right = len(piece.rstrip())
    return (left, right) if left < right else (0, 0)


# A "sentence" longer than this is text without sentence punctuation (a list, a dump):
# it is cut between words, where a real sentence, however long, stays whole.
LONGEST_SENTENCE = 10_000


def chunk_sentences(text: str, max_chars: int) -> list[str]:
    """Groups consecutive sentences into chunks of at most `max_chars` (one long sentence
    stays whole: cutting mid-sentence would break the key sentence; past
    LONGEST_SENTENCE it is cut between words into chunks of `max_chars`)."""
    if len(text) <= max_chars:
        return [text.strip()] if text.strip() else []
    sentences = [
        piece
        for sentence in split_sentences(text)
        for piece in (
            [sentence] if len(sentence) <= LONGEST_SENTENCE else pack(sentence.split(), max_chars)
        )
    ]
    return pack(sentences, max_chars)


def pack(pieces: Iterable[str], max_chars: int, separator: str = " ") -> list[str]:
    """Consecutive pieces joined by `separator` into groups of at most `max_chars`, in
    order; a piece longer than that makes a group of its own."""
    groups: list[str] = []
    current = ""
    for piece in pieces:
        if current and len(current) + len(separator) + len(piece) > max_chars:
            groups.append(current)
            current = piece
        else:
            current = f"{current}{separator}{piece}" if current else piece
    if current:
        groups.append(current)
    return groups
