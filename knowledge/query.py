"""A question as index terms: its words, their glossary synonyms and spelling corrections."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from itertools import chain

import Stemmer
from rapidfuzz import process
from rapidfuzz.distance import OSA

from knowledge.analysis import THANKS, Analyzer, fold, is_english, pairs_of
from knowledge.analysis import words as all_words
from knowledge.features import FEATURES, RECENT
from knowledge.glossary import Glossary, GlossaryMatcher
from knowledge.lexicon import base_forms, french_synonyms, load_lexicon
from knowledge.memo import BoundedMemo

# Alternatives count for less than the word typed: a synonym or a guessed spelling is
# evidence, but weaker than the user's own word.
SYNONYM_FACTOR = 0.7
CORRECTION_FACTOR = 0.8
# A word written capitalized is corrected only into the corpus's names; they are few
# enough that a word this short may be ("Jon" -> "john"), where among all the corpus's
# words one of 3 letters has too many neighbours to guess.
SHORTEST_CORRECTED_NAME = 3
FAMILY_FACTOR = 0.5
# A glossary word the articles never write stands for its group in them by its stem
# only when that stem is longer than this: a shorter one is more likely another word
# ("come" -> "com" as in Parler.com, "lose" -> "los" as in Los Angeles, "data" -> "dat"
# as in "dates") than an inflection ("abandonner" -> "abandon").
COINCIDENTAL_STEM_LENGTH = 3
CUE_FACTOR = 0.4
# "Maintenant", "now": the latest articles weigh as a word of the question. That they
# are the latest is what the question asks; a date or a number ("quand", "combien") is
# only a sign of the kind of answer, held by many passages that do not answer.
RECENT_FACTOR = 1.0
# A general dictionary's translation (`lexicon.py`) is weaker evidence than the
# glossary's, written for these articles: below SYNONYM_FACTOR, it is not counted as
# the word itself when judging whether an English question is about the articles, and
# below the known share an answer needs (0.55), a question known only through
# translations is not ("What time is it?": "time" -> "temps").
TRANSLATION_FACTOR = 0.5
# A French question's word the articles never write stands for its synonyms through the
# lexicon's English ("avenir" -> "future" -> "futur"): two translations away, so a
# translation's factor times a synonym's.
PIVOT_FACTOR = TRANSLATION_FACTOR * SYNONYM_FACTOR
# Stems this long that share their beginning are one word family ("suspendu", "suspendr",
# "suspens"; "hebergeur", "heberg"): Snowball leaves such derivations apart.
FAMILY_PREFIX = 6
FAMILY_MAX_SUFFIX = 3
# Stems whose family (and words whose corrections) are remembered; beyond, memory
# would grow with input.
MAX_REMEMBERED_FAMILIES = 50_000
# A question is a sentence or two; past this many content words the rest is ignored, so
# pasting a whole article costs no more than a long question (spelling correction runs
# per unknown word).
MAX_QUERY_WORDS = 100


@dataclass(frozen=True)
class QueryTerm:
    """One word (or glossary phrase) of the question and the stems that may stand for it.

    `alternatives` pairs each stem with its factor: 1.0 for the word's own stem, less for
    synonyms and corrections. `corrected` records spelling fixes for --explain and tests.
    A `cue` stands for a question word ("pourquoi" -> "raison", "cause"): it helps rank
    but is not part of what the passage must cover to answer.
    """

    word: str
    alternatives: tuple[tuple[str, float], ...]
    corrected: tuple[str, ...] = ()
    cue: bool = False

    @property
    def stems(self) -> tuple[str, ...]:
        return tuple(stem for stem, _ in self.alternatives)


@dataclass(frozen=True)
class Query:
    """A parsed question: its terms, its adjacent word pairs, and whether it is English
    (then the French articles are reached through the glossary's translations)."""

    question: str
    terms: tuple[QueryTerm, ...]
    pairs: tuple[str, ...] = ()
    english: bool = False

    @property
    def groups(self) -> list[tuple[tuple[str, float], ...]]:
        return [term.alternatives for term in self.terms]

    @property
    def asks_only_what_kind(self) -> bool:
        """Whether every word only says what kind of answer is wanted ("Pourquoi ?",
        "Et quand ?", "how many?"): alone, such a question is about nothing, and chat
        adapters read it as a follow-up to the question before it."""
        if not self.terms or not all(term.cue for term in self.terms):
            return False
        # "What day is it today?", "Quoi de neuf aujourd'hui ?" ask about now, not about
        # the question before.
        return not any(stem == RECENT for term in self.terms for stem, _ in term.alternatives)


class SpellingCorrector:
    """Maps a word unknown to the corpus to corpus words one or two edits away.

    Distance allowed grows with length (short words have too many neighbours): none
    under `shortest` letters (4 among all the corpus's words; 3 among its names alone,
    which are few: "Jon" -> "john"), 1 edit up to 7 letters, 2 beyond; two neighbouring
    letters typed the wrong way round are one edit ("palinte", "amzaon"). The first
    letter must match, or be the second one swapped with it ("aprler").
    """

    def __init__(self, vocabulary_words: Iterable[str], shortest: int = 4) -> None:
        self._shortest = shortest
        # Words by first letter and length, and by first two letters and length: the
        # candidates for a word are a few of these lists, joined in C.
        self._buckets: dict[tuple[str, int], list[str]] = {}
        self._pair_buckets: dict[tuple[str, int], list[str]] = {}
        self._known: BoundedMemo[tuple[str, int], list[str]] = BoundedMemo(MAX_REMEMBERED_FAMILIES)
        for word in set(vocabulary_words):
            if word.isalpha():
                self._buckets.setdefault((word[0], len(word)), []).append(word)
                self._pair_buckets.setdefault((word[:2], len(word)), []).append(word)

    def max_edits(self, word: str) -> int:
        return 0 if len(word) < self._shortest else 1 if len(word) < 8 else 2

    def correct(self, word: str, limit: int = 3) -> list[str]:
        """Closest corpus words (fewest edits, then alphabetical), at most `limit`;
        remembered, as the same unknown words come back."""
        return list(self._known.get((word, limit), self._correct))

    def _correct(self, asked: tuple[str, int]) -> list[str]:
        word, limit = asked
        edits = self.max_edits(word)
        if edits == 0 or not word.isalpha():
            return []
        # Typists rarely miss the first letter; requiring it keeps real words that the
        # corpus lacks ("apprendre") from being "corrected" into others ("prendre").
        lengths = range(len(word) - edits, len(word) + edits + 1)
        buckets = [self._buckets.get((word[0], length), ()) for length in lengths]
        if word[0] != word[1]:
            swapped = word[1] + word[0]
            buckets += [self._pair_buckets.get((swapped, length), ()) for length in lengths]
        candidates = list(chain.from_iterable(buckets))
        found = process.extract(
            word, candidates, scorer=OSA.distance, score_cutoff=edits, limit=None
        )
        found.sort(key=lambda item: (item[1], item[0]))
        return [w for w, _, _ in found[:limit]]


class WordFamilies:
    """Vocabulary stems in sorted order, to find a stem's derivations: those sharing its
    first letters are one slice, found by binary search. Sorting an already sorted
    vocabulary (an index's columns) is one pass, so starting costs next to nothing."""

    def __init__(self, stems: Iterable[str]) -> None:
        self._sorted = sorted(stems)
        self._known: BoundedMemo[str, tuple[str, ...]] = BoundedMemo(MAX_REMEMBERED_FAMILIES)

    def relatives(self, stem: str) -> tuple[str, ...]:
        """Stems sharing with `stem` all but the last two letters of the shorter (and
        at least FAMILY_PREFIX), their lengths at most FAMILY_MAX_SUFFIX apart:
        derivations, not longer words that merely start the same ("franc" is not
        "francfort"). Remembered: question words recur."""
        return self._known.get(stem, self._relatives)

    def _relatives(self, stem: str) -> tuple[str, ...]:
        # Only stems starting with the same FAMILY_PREFIX letters can qualify: the
        # binary search reads just their slice.
        if len(stem) < FAMILY_PREFIX:
            return ()
        prefix = stem[:FAMILY_PREFIX]
        after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        start = bisect_left(self._sorted, prefix)
        found = []
        size = len(stem)
        for other in self._sorted[start : bisect_left(self._sorted, after, start)]:
            if other == stem or abs(len(other) - size) > FAMILY_MAX_SUFFIX:
                continue
            if not other.isalpha():
                continue
            # Both start with the prefix, so both are at least FAMILY_PREFIX long: they
            # share enough when their first `needed` letters are equal.
            needed = max(FAMILY_PREFIX, min(size, len(other)) - 2)
            if other[:needed] == stem[:needed]:
                found.append(other)
        return tuple(found)


class QueryParser:
    """Builds a Query against one index's vocabulary."""

    def __init__(
        self,
        analyzer: Analyzer,
        vocabulary: dict[str, int],
        glossary: Glossary,
        surface_words: Iterable[str],
        name_words: Callable[[], frozenset[str]] = frozenset,
    ) -> None:
        # Everything else is derived on first need (the spelling buckets only when a
        # word is unknown): a start that answers nothing, or from a saved index, should
        # not pay for them (about 20 ms at any corpus size).
        self._analyzer = analyzer
        self._vocabulary = vocabulary
        self._glossary_source = glossary
        self._surface_words = surface_words
        # The words the corpus writes capitalized (its names), asked for when a
        # capitalized word of a question is unknown.
        self._name_words = name_words
        self._word_terms: BoundedMemo[tuple[str, str, bool, bool], QueryTerm] = BoundedMemo(
            MAX_REMEMBERED_FAMILIES
        )

    @cached_property
    def _surface(self) -> frozenset[str]:
        return frozenset(self._surface_words)

    @cached_property
    def _english_stem(self) -> Callable[[str], str]:
        return Stemmer.Stemmer("english").stemWord

    @cached_property
    def _glossary(self) -> GlossaryMatcher:
        surface, stem = self._surface, self._analyzer.stem
        return GlossaryMatcher(
            self._glossary_source,
            stem,
            self._english_stem,
            self._analyzer.content_words,
            lambda word: word in surface or len(stem(word)) > COINCIDENTAL_STEM_LENGTH,
        )

    @cached_property
    def _spelling(self) -> SpellingCorrector:
        return SpellingCorrector(self._surface)

    @cached_property
    def _name_spelling(self) -> SpellingCorrector:
        """Corrections for a word written capitalized: into the corpus's names only."""
        return SpellingCorrector(self._name_words(), shortest=SHORTEST_CORRECTED_NAME)

    @cached_property
    def _cues(self) -> dict[str, tuple[str, ...]]:
        # An answer word may name a feature ("<date>") rather than words to match.
        return {
            fold(question_word): tuple(
                dict.fromkeys(
                    [w for w in answer_words if w in FEATURES]
                    + self._analyzer(" ".join(w for w in answer_words if w not in FEATURES))
                )
            )
            for question_word, answer_words in self._glossary_source.cues.items()
        }

    @cached_property
    def _phrase_cues(self) -> dict[str, dict[tuple[str, ...], tuple[str, ...]]]:
        """The cues of several words ("combien de temps", "how long"), by first word."""
        phrases: dict[str, dict[tuple[str, ...], tuple[str, ...]]] = {}
        for key, stems in self._cues.items():
            words = tuple(all_words(key))
            if len(words) > 1:
                phrases.setdefault(words[0], {})[words] = stems
        return phrases

    def _cues_of(self, every_word: list[str]) -> tuple[list[QueryTerm], set[str]]:
        """The question's cues, and the words they take from the words to cover. A
        phrase's cue replaces its words' own: "combien de temps" asks for a duration,
        not for the word "temps" nor for any number."""
        phrase_cues, cues = self._phrase_cues, self._cues
        terms: list[QueryTerm] = []
        in_phrases: set[str] = set()
        if phrase_cues:
            for start, word in enumerate(every_word):
                for phrase, stems in phrase_cues.get(word, {}).items():
                    if tuple(every_word[start : start + len(phrase)]) == phrase:
                        terms.append(self._cue_term(" ".join(phrase), stems))
                        in_phrases.update(phrase)
        terms += [
            self._cue_term(word, cues[word])
            for word in dict.fromkeys(every_word)
            if cues.get(word) and word not in in_phrases
        ]
        return terms, in_phrases | {word for word in every_word if word in cues}

    @staticmethod
    def _cue_term(word: str, stems: tuple[str, ...]) -> QueryTerm:
        return QueryTerm(
            word,
            tuple((stem, RECENT_FACTOR if stem == RECENT else CUE_FACTOR) for stem in stems),
            cue=True,
        )

    @cached_property
    def _translations(self) -> dict[str, tuple[str, ...]]:
        """English word -> the French stems of its translations that the articles
        hold (`lexicon.py`); read on the first English question."""
        vocabulary, analyze = self._vocabulary, self._analyzer
        return {
            english: stems
            for english, french in load_lexicon().items()
            if (
                stems := tuple(
                    dict.fromkeys(s for t in french for s in analyze(t) if s in vocabulary)
                )
            )
        }

    @cached_property
    def _pivots(self) -> dict[str, tuple[str, ...]]:
        """French stem the articles lack -> its synonyms through English that they hold
        (`lexicon.french_synonyms`); read on the first such word (about 30 ms)."""
        vocabulary, stem_of = self._vocabulary, self._analyzer.stem
        synonyms = french_synonyms(load_lexicon(), lambda french: stem_of(fold(french)))
        return {
            stem: tuple(sorted(held))
            for stem, others in synonyms.items()
            if stem not in vocabulary and (held := others & vocabulary.keys())
        }

    def _translated(self, word: str) -> tuple[str, ...]:
        translations = self._translations
        for form in base_forms(word):
            found = translations.get(form)
            if found:
                return found
        return ()

    @cached_property
    def _families(self) -> WordFamilies:
        return WordFamilies(self._vocabulary)

    def prepare(self) -> None:
        """Finds every vocabulary stem's word family, then every written word's term (as
        a French question has it), ahead of questions and while they fit in their memos:
        a question's known words then cost a look-up each. The English lexicon's
        translations, and the French synonyms found through it, are read at any size
        (about 70 ms)."""
        _ = self._translations  # read now, not on the first English question
        _ = self._pivots  # nor on the first French word the articles lack
        if len(self._vocabulary) > MAX_REMEMBERED_FAMILIES:
            return
        relatives = self._families.relatives
        for stem in self._vocabulary:
            relatives(stem)
        terms, stem = self._word_terms, self._analyzer.stem
        for word in self._surface:
            if terms.room <= 1:
                break
            if self._analyzer.is_content(word):
                self._word_term(word, stem(word), True, False)

    def parse(self, question: str) -> Query:
        # Of a pasted article, only a long question's worth of words is read.
        every_word = _without_thanks_in_advance(all_words(question)[: 4 * MAX_QUERY_WORDS])
        # Compounds are judged with their stop words still in ("qu-est" is "qu", "est"
        # and a joined "quest" the corpus never writes: all three go).
        words = _without_unknown_compounds(every_word, self._surface)
        words = self._analyzer.content_of(words)[:MAX_QUERY_WORDS]
        # A cue word ("raison" in "pour quelle raison") asks for something; the answer
        # need not contain it, so it is a cue, not a word to cover.
        cues, taken = self._cues_of(every_word)
        words = [w for w in words if w not in taken]
        # In an English question, a word the French articles never write is stemmed the
        # English way: under the French stemmer it may become another word of theirs
        # ("come" -> "com", as in Parler.com; "tire" -> "tir", as in "tirer"), while
        # English and French stems of a shared Latin root still meet ("terminated",
        # "terminée": "termin"). Nor is it a misspelling ("find" is not "fin").
        french = not is_english(every_word)
        stem_of = self._analyzer.stem if french else self._stem_english_words
        spans = {
            start: (end, stems)
            for start, end, stems in self._glossary.match(words, english=not french)
        }
        terms: list[QueryTerm] = []
        names: frozenset[str] | None = None
        position = 0
        while position < len(words):
            if position in spans:
                end, synonyms = spans[position]
                # A word the corpus never uses counts as a synonym, not as the word.
                span = words[position:end]
                alternatives = {
                    stem_of(w): 1.0 if w in self._surface else SYNONYM_FACTOR for w in span
                }
                for stem in synonyms:
                    alternatives.setdefault(stem, SYNONYM_FACTOR)
                # The glossary lists one form ("suspension", stem "suspens"); the
                # articles write others ("suspendu", stem "suspend"): a synonym's
                # family stands in for it as a question word's does for it.
                for stem in synonyms:
                    for relative in self._families.relatives(stem):
                        alternatives.setdefault(relative, SYNONYM_FACTOR * FAMILY_FACTOR)
                terms.append(QueryTerm(" ".join(span), tuple(alternatives.items())))
                position = end
                continue
            word, stem = words[position], stem_of(words[position])
            # Only a French word the articles lack is corrected, and only then does it
            # matter whether the question writes it capitalized, as a name.
            if french and stem not in self._vocabulary:
                if names is None:
                    names = _capitalized_words(question)
                name = word in names
            else:
                name = False
            terms.append(self._word_term(word, stem, french, name))
            position += 1
        pairs = tuple(dict.fromkeys(pairs_of([stem_of(w) for w in words])))
        return Query(question, tuple(_merge_duplicates(terms + cues)), pairs, not french)

    def _stem_english_words(self, word: str) -> str:
        """A word of an English question: French stem if the articles write it, or if
        it is a name of theirs with a possessive typed without its apostrophe
        ("parlers ceo", "amazons reason")."""
        if word in self._surface:
            return self._analyzer.stem(word)
        if word.endswith("s") and word[:-1] in self._name_words():
            return self._analyzer.stem(word[:-1])
        return self._english_stem(word)

    def _word_term(self, word: str, stem: str, correct: bool, name: bool) -> QueryTerm:
        """A question word as a term with its family and, if asked, its corrections
        (only into the corpus's names for a `name`: a word written capitalized);
        remembered, as question words recur."""
        return self._word_terms.get((word, stem, correct, name), self._make_word_term)

    def _make_word_term(self, key: tuple[str, str, bool, bool]) -> QueryTerm:
        word, stem, correct, name = key
        alternatives = {stem: 1.0}
        if FAMILY_FACTOR > 0:
            for relative in self._families.relatives(stem):
                alternatives.setdefault(relative, FAMILY_FACTOR)
        if not correct:
            # An English question's word (never corrected): its French translations
            # stand for it as a glossary synonym's stems do, with their families.
            for translated in self._translated(word):
                alternatives.setdefault(translated, TRANSLATION_FACTOR)
                for relative in self._families.relatives(translated):
                    alternatives.setdefault(relative, TRANSLATION_FACTOR * FAMILY_FACTOR)
        if not correct or stem in self._vocabulary or not word.isalpha():
            return QueryTerm(word, tuple(alternatives.items()))
        # A name the articles lack is not one of their common words misspelt ("Paris"
        # is not "pris"); a misspelt name of theirs still is ("Parlr").
        corrections = (self._name_spelling if name else self._spelling).correct(word)
        for corrected in corrections:
            alternatives.setdefault(self._analyzer.stem(corrected), CORRECTION_FACTOR)
        if not name:
            for synonym in self._pivots.get(stem, ()):
                alternatives.setdefault(synonym, PIVOT_FACTOR)
        return QueryTerm(word, tuple(alternatives.items()), tuple(corrections))


_CAPITALIZED = re.compile(r"\b[A-ZÀ-Ý][\w-]*")


def _capitalized_words(question: str) -> frozenset[str]:
    """The words a question writes capitalized, past its first one: names the user
    means ("à Paris", "John Matze"). None in a question typed in capitals throughout.
    An acronym of three letters ("NHL") is not one: names that short are corrected
    ("Jon" -> "john"), and one letter off an acronym is another ("nil")."""
    question = question.lstrip()
    if not any(c.islower() for c in question):
        return frozenset()
    return frozenset(
        word
        for match in _CAPITALIZED.finditer(question)
        if match.start() > 0 and not (len(written := match.group()) < 4 and written.isupper())
        for word in all_words(written)
    )


_IN_ADVANCE = frozenset({"avance", "advance"})


def _without_thanks_in_advance(words: list[str]) -> list[str]:
    """Drops the "avance" of "merci d'avance" and the "advance" of "thanks in advance":
    politeness, not something asked about ("30 jours à l'avance"). The thanks word
    itself is a stop word."""
    if not _IN_ADVANCE.intersection(words):
        return words
    return [
        word
        for n, word in enumerate(words)
        if word not in _IN_ADVANCE or not THANKS.intersection(words[max(0, n - 2) : n])
    ]


def _without_unknown_compounds(words: list[str], surface: frozenset[str]) -> list[str]:
    """Drops the joined form of a hyphenated compound ("grandslacs" after "grands",
    "lacs") when the corpus never writes it so: its parts already stand for it."""
    kept: list[str] = []
    for word in words:
        if word in surface or not any(
            "".join(kept[-n:]) == word for n in range(2, min(len(kept), 4) + 1)
        ):
            kept.append(word)
    return kept


def _merge_duplicates(terms: list[QueryTerm]) -> list[QueryTerm]:
    """A word repeated in the question counts once: chat users repeat, meaning does not
    (nor does "pourquoi ... raison", two cues for the same answer words)."""
    seen: set[tuple[str, ...]] = set()
    unique: list[QueryTerm] = []
    for term in terms:
        key = term.stems
        if key not in seen:
            seen.add(key)
            unique.append(term)
    return unique
