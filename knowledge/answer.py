"""The answer to a question: ranked passages, key sentence, corroboration and abstention."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from knowledge.analysis import fold, stop_words
from knowledge.corpus import Document, Passage
from knowledge.index import Hit
from knowledge.query import Query, QueryTerm
from knowledge.sentences import split_sentences

# A passage from another article corroborates the best one when it scores at least
# this share of the best score; it may contradict it from a lower share, because a
# different answer shares fewer words with the best passage's phrasing.
CORROBORATION_SCORE_RATIO = 0.75
CONFLICT_SCORE_RATIO = 0.6
# The reason of an abstention on a question that says what kind of answer it wants and
# nothing else ("Pourquoi ?"): adapters ask for the whole question rather than say the
# articles have no answer.
ASKS_ONLY_WHAT_KIND = "the question says what kind of answer it wants, not about what"
# A name: capitalised words in a row ("Amazon Web Services", "Donald Trump").
# A capital after no word character (what a leading \b says, checked after the capital
# so that the regex engine scans for capitals at C speed: half the time), a word with a
# lower-case letter, then more such words.
_NAME = re.compile(r"[A-ZÀ-Ý](?<!\w.)[\w-]*[a-zà-ÿ][\w-]*(?:\s+[A-ZÀ-Ý][\w-]*[a-zà-ÿ][\w-]*)*")


@dataclass(frozen=True)
class RankedPassage:
    """A passage as an answer: its text, score, document and its own key sentence."""

    passage: Passage
    document: Document
    score: float
    sentence: str
    coverage: float

    @property
    def text(self) -> str:
        return self.passage.text


@dataclass(frozen=True)
class Answer:
    """What the engine says to a question; adapters only render it.

    `passages` are best first. `corroborating` are passages of other articles that carry
    the same fact; `conflicting` are passages of other articles that answer with other
    names (one article says SkySilk, another Epik): adapters show them side by side.
    When `abstained`, `passages` is empty and `suggestions` holds questions that work.
    """

    question: str
    passages: tuple[RankedPassage, ...]
    abstained: bool
    corroborating: tuple[RankedPassage, ...] = ()
    conflicting: tuple[RankedPassage, ...] = ()
    suggestions: tuple[str, ...] = ()
    topics: str = ""
    reason: str = ""
    corrections: tuple[tuple[str, str], ...] = field(default=())

    @property
    def best(self) -> RankedPassage | None:
        return self.passages[0] if self.passages else None

    @property
    def sentence(self) -> str:
        return self.passages[0].sentence if self.passages else ""


def term_importance(term: QueryTerm, idf_of: Callable[[str], float]) -> float:
    """How much a question word matters: the idf of its rarest known alternative."""
    return max([idf_of(stem) for stem, _ in term.alternatives])


WeightedTerms = list[tuple[float, tuple[tuple[str, float], ...]]]


def weigh_terms(query: Query, idf_of: Callable[[str], float]) -> WeightedTerms:
    """Each non-cue question word's importance with its alternatives, computed once per
    question rather than once per passage and sentence."""
    return [(term_importance(t, idf_of), t.alternatives) for t in query.terms if not t.cue]


def word_share(weighted: WeightedTerms, has_term: Callable[[str], bool]) -> float:
    """Share of the question's words that a text (or the corpus) holds, in [0, 1]: each
    word counts once, by its best alternative present (times that alternative's factor).

    Abstention reads this, not the idf mass: a word found in every passage ("Parler" in
    articles about Parler) weighs nothing for ranking but is the surest sign that the
    question is about what the corpus is about (knowledge/README.md, "Abstention").
    """
    return coverage_of([(1.0, alternatives) for _, alternatives in weighted], has_term)


def _matched(weighted: WeightedTerms, terms: frozenset[str]) -> float:
    """The idf mass a sentence holds, summed as `coverage_of` sums it."""
    matched = 0.0
    for importance, alternatives in weighted:
        best = 0.0
        for stem, factor in alternatives:
            if factor > best and stem in terms:
                best = factor
        matched += importance * best
    return matched


def coverage_of(weighted: WeightedTerms, has_term: Callable[[str], bool]) -> float:
    """Share of the question's idf mass a text holds: what picks the key sentence."""
    total = matched = 0.0
    for importance, alternatives in weighted:
        total += importance
        best = 0.0
        for stem, factor in alternatives:
            if factor > best and has_term(stem):
                best = factor
        matched += importance * best
    return matched / total if total else 0.0


def analysed_sentences(
    text: str, analyze: Callable[[str], list[str]]
) -> tuple[tuple[str, frozenset[str]], ...]:
    """A passage's sentences with their stems: what key-sentence choice reads."""
    return tuple((s, frozenset(analyze(s))) for s in split_sentences(text) or [text])


@dataclass(frozen=True)
class KeyFeature:
    """A kind of answer the question asks for (a date for "quand", a number for
    "combien"), as the key sentence weighs it: the terms that make it, as stems and as
    word-index columns, and its importance beside the question's words. Without it,
    "En quelle année la tannerie a-t-elle fermé ?" showed the sentence naming the
    tannery, not "Elle ferma ses portes en 1931" after it."""

    importance: float
    stems: frozenset[str]
    columns: frozenset[int]


def key_sentence(
    sentences: Sequence[tuple[str, frozenset[str]]],
    weighted: WeightedTerms,
    features: Sequence[KeyFeature] = (),
) -> str:
    """The sentence holding most of the question's idf mass (and of the features it
    asks for); the shorter one on a tie. (`passage_sentences.key_sentence_of` does the
    same over saved columns.)"""
    if len(sentences) == 1:
        return sentences[0][0]
    asked = {term for _, alternatives in weighted for term, _ in alternatives}
    if features:
        whole = sum(importance for importance, _ in weighted) + sum(f.importance for f in features)
    best_sentence, best_key = sentences[0][0], (-1.0, 0)
    for sentence, terms in sentences:
        # Sentences holding none of the question's terms score 0 without the arithmetic.
        score = (
            0.0 if terms.isdisjoint(asked) else round(coverage_of(weighted, terms.__contains__), 6)
        )
        # A feature counts only beside a word of the question: a date alone does not
        # say when the thing asked about happened.
        if features and score:
            held = sum(f.importance for f in features if not terms.isdisjoint(f.stems))
            score = round((_matched(weighted, terms) + held) / whole, 6)
        key = (score, -len(sentence))
        if key > best_key:
            best_sentence, best_key = sentence, key
    return best_sentence


def names_in(sentence: str) -> set[str]:
    """Capitalised words in a sentence, minus capitalised stop words ("Le", "Dans"): the
    entities a sentence asserts something about."""
    return {name for match in _NAME.findall(sentence) if (name := _name_of(match))}


def names_in_order(text: str) -> list[str]:
    """`names_in`, each name once in the order it first appears: for counting names
    whose ties must not depend on the process's string hashing."""
    return list(dict.fromkeys(name for match in _NAME.findall(text) if (name := _name_of(match))))


def names_and_inner_names(text: str) -> tuple[list[str], set[str]]:
    """`names_in_order`, and those of them written past a sentence's (or a line's)
    start: "Cuire les pâtes" and "Verser la farine" capitalise a verb, not a name; a
    name that opens one sentence is still one when another writes it further on. One
    pass of the name pattern: topics read thousands of passages."""
    ordered: dict[str, None] = {}
    inner = set()
    for match in _NAME.finditer(text):
        name = _name_of(match.group())
        if not name:
            continue
        ordered[name] = None
        start = match.start()
        # What comes before, past quotes and dashes: nothing or a sentence's end.
        before = text[max(0, start - 6) : start].rstrip(" \t\"'«“(-–—\u00a0")
        if (
            name != match.group()
            or (start > 6 and not before)
            or (before and before[-1] not in ".!?…:\n")  # "Astuce : Servez chaud"
        ):
            inner.add(name)
    return list(ordered), inner


@lru_cache(maxsize=65536)
def _name_of(match: str) -> str:
    """The name a run of capitalised words stands for: without a leading stop word
    ("Le Monde" -> "Monde"), or "" when only stop words are left. Remembered: the same
    names recur in sentence after sentence."""
    stops = stop_words()
    name = match
    first, _, rest = name.partition(" ")
    if fold(first) in stops:
        name = rest
    return name if name and fold(name) not in stops else ""


def split_related(
    best: Hit,
    others: Sequence[Hit],
    question: str,
    article_of: Callable[[int], int],
    distinctive: Callable[[int], frozenset[str]],
) -> tuple[list[Hit], list[Hit]]:
    """Sorts other articles' strong passages into corroborating and conflicting ones.

    Two key sentences conflict when each names something only its own article names
    (SkySilk in one, Epik in the other) and the question names neither: they give
    different answers to the same question. Passages are told by row: `article_of`
    gives a row's article, `distinctive` the names of its key sentence that only its
    article uses. Those names are asked for only when another article's passage
    scores high enough to compare, and for the others only when the best passage has
    such names, as otherwise nothing can conflict: the rest is never worked out.
    """
    asked: set[str] = set()

    def answers_with(row: int) -> set[str]:
        if not asked:  # the question's words, once a passage qualifies
            asked.update(w.casefold() for w in re.findall(r"\w+", question))
        return {n for n in distinctive(row) if n.casefold() not in asked}

    best_names: set[str] | None = None
    corroborating: list[Hit] = []
    conflicting: list[Hit] = []
    seen_articles = {article_of(best.row)}
    for other in others:
        article = article_of(other.row)
        if article in seen_articles or other.score < CONFLICT_SCORE_RATIO * best.score:
            continue
        if best_names is None:
            best_names = answers_with(best.row)
        names = answers_with(other.row) if best_names else set()
        if names and not (best_names & names):
            conflicting.append(other)
        elif other.score >= CORROBORATION_SCORE_RATIO * best.score:
            corroborating.append(other)
        else:
            continue
        seen_articles.add(article)
    return corroborating, conflicting
