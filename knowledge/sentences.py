"""Sentence boundaries in French and English prose, for key sentences and long paragraphs."""

from __future__ import annotations

import re
from collections.abc import Iterable

# A boundary: terminal punctuation, optional closing quotes/brackets, white space, then
# something that can start a sentence (capital, digit, opening quote or dash). Written
# without a look-behind, so the regex engine skips ahead to the next punctuation mark
# instead of trying every position (half the cost of splitting a corpus).
_BOUNDARY = re.compile(r"""[.!?…](["'”»\u201d)\]]*)\s+(?=[«"“\u201c(\[\-–—]?\s*[A-ZÀ-ÖØ-Þ0-9])""")
# Tokens ending in a period that do not end a sentence: initials and common abbreviations.
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]|\b(?:M|MM|Mme|Mlle|Dr|Pr|St|Ste|Mr|Mrs|Ms|Jr|Sr|etc|cf|vs|av|apr|J\.-C|no|p)|"
    r"\b(?:[A-Z]\.){2,})\.$"
)


def split_sentences(text: str) -> list[str]:
    """Sentences of `text`, as written (no normalisation), in order, none empty."""
    return [text[start:end] for start, end in sentence_spans(text)]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where each sentence of `text` starts and ends, white space excluded, in order, none
    empty: the spans a saved passage's sentences are cut from (`split_sentences`)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end(1)
        candidate = text[start:end]
        last = candidate.rsplit(None, 1)
        if last and _ABBREVIATION.search(last[-1].rstrip("\"'”»)]")):
            continue
        spans.append(_stripped(candidate, start))
        start = match.end()
    spans.append(_stripped(text[start:], start))
    return [(a, b) for a, b in spans if a < b]


def _stripped(piece: str, offset: int) -> tuple[int, int]:
    """The span of `piece.strip()`, `piece` starting at `offset`."""
    left = len(piece) - len(piece.lstrip())
    right = len(piece.rstrip())
    return (offset + left, offset + right) if left < right else (offset, offset)


def chunk_sentences(text: str, max_chars: int) -> list[str]:
    """Groups consecutive sentences into chunks of at most `max_chars` (one long sentence
    stays whole: cutting mid-sentence would break the key sentence)."""
    if len(text) <= max_chars:
        return [text.strip()] if text.strip() else []
    return pack(split_sentences(text), max_chars)


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
