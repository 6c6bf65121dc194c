"""A question as index terms: its words, their glossary synonyms and spelling corrections."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import Stemmer
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from knowledge.analysis import Analyzer
from knowledge.glossary import Glossary, GlossaryMatcher

# Alternatives count for less than the word typed: a synonym or a guessed spelling is
# evidence, but weaker than the user's own word.
SYNONYM_FACTOR = 0.7
CORRECTION_FACTOR = 0.8


@dataclass(frozen=True)
class QueryTerm:
    """One word (or glossary phrase) of the question and the stems that may stand for it.

    `alternatives` pairs each stem with its factor: 1.0 for the word's own stem, less for
    synonyms and corrections. `corrected` records spelling fixes for --explain and tests.
    """

    word: str
    alternatives: tuple[tuple[str, float], ...]
    corrected: tuple[str, ...] = ()

    @property
    def stems(self) -> tuple[str, ...]:
        return tuple(stem for stem, _ in self.alternatives)


@dataclass(frozen=True)
class Query:
    question: str
    terms: tuple[QueryTerm, ...]

    @property
    def groups(self) -> list[tuple[tuple[str, float], ...]]:
        return [term.alternatives for term in self.terms]


class SpellingCorrector:
    """Maps a word unknown to the corpus to corpus words one or two edits away.

    Distance allowed grows with length (short words have too many neighbours): none
    under 4 letters, 1 edit up to 7 letters, 2 beyond.
    """

    def __init__(self, vocabulary_words: Iterable[str]) -> None:
        self._by_length: dict[int, list[str]] = {}
        for word in set(vocabulary_words):
            if word.isalpha():
                self._by_length.setdefault(len(word), []).append(word)
        for bucket in self._by_length.values():
            bucket.sort()

    @staticmethod
    def max_edits(word: str) -> int:
        return 0 if len(word) < 4 else 1 if len(word) < 8 else 2

    def correct(self, word: str, limit: int = 3) -> list[str]:
        """Closest corpus words (fewest edits, then alphabetical), at most `limit`."""
        edits = self.max_edits(word)
        if edits == 0 or not word.isalpha():
            return []
        candidates = [
            w
            for length in range(len(word) - edits, len(word) + edits + 1)
            for w in self._by_length.get(length, ())
        ]
        found = process.extract(
            word, candidates, scorer=Levenshtein.distance, score_cutoff=edits, limit=None
        )
        found.sort(key=lambda item: (item[1], item[0]))
        return [w for w, _, _ in found[:limit]]


class QueryParser:
    """Builds a Query against one index's vocabulary."""

    def __init__(
        self,
        analyzer: Analyzer,
        vocabulary: dict[str, int],
        glossary: Glossary,
        spelling: SpellingCorrector,
    ) -> None:
        self._analyzer = analyzer
        self._vocabulary = vocabulary
        english = Stemmer.Stemmer("english")
        self._glossary = GlossaryMatcher(
            glossary, analyzer.stem, english.stemWord, analyzer.content_words
        )
        self._spelling = spelling

    def parse(self, question: str) -> Query:
        words = self._analyzer.content_words(question)
        spans = {start: (end, stems) for start, end, stems in self._glossary.match(words)}
        terms: list[QueryTerm] = []
        position = 0
        while position < len(words):
            if position in spans:
                end, synonyms = spans[position]
                own = [self._analyzer.stem(w) for w in words[position:end]]
                alternatives = {stem: 1.0 for stem in own}
                for stem in synonyms:
                    alternatives.setdefault(stem, SYNONYM_FACTOR)
                terms.append(QueryTerm(" ".join(words[position:end]), tuple(alternatives.items())))
                position = end
                continue
            terms.append(self._word_term(words[position]))
            position += 1
        return Query(question, tuple(_merge_duplicates(terms)))

    def _word_term(self, word: str) -> QueryTerm:
        stem = self._analyzer.stem(word)
        if stem in self._vocabulary or not word.isalpha():
            return QueryTerm(word, ((stem, 1.0),))
        corrections = self._spelling.correct(word)
        alternatives = {stem: 1.0}
        for corrected in corrections:
            alternatives.setdefault(self._analyzer.stem(corrected), CORRECTION_FACTOR)
        return QueryTerm(word, tuple(alternatives.items()), tuple(corrections))


def _merge_duplicates(terms: list[QueryTerm]) -> list[QueryTerm]:
    """A word repeated in the question counts once: chat users repeat, meaning does not."""
    seen: set[tuple[str, ...]] = set()
    unique: list[QueryTerm] = []
    for term in terms:
        key = term.stems
        if key not in seen:
            seen.add(key)
            unique.append(term)
    return unique
