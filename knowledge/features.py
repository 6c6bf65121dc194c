"""What a passage holds beyond its words, for questions that ask for a kind of answer.

"Quand ... ?" and "When ... ?" are answered by a date, and dates are written in many
words (a year, a month, a weekday, "le 24 février", "dimanche soir"): no single word of
the question can find them. Nor can "Combien ... ?" and "How many ... ?" find the number
that answers them ("30 jours", "des dizaines de millions"). A cue names the feature
instead of words (`<date>`, `<number>` in the glossary's cues), and every passage
holding one gains as if it held a word that rare. Features are word-index columns
(years, month and weekday names; other numbers and number words) looked for in each
passage's own text, not in its article's title or its heading: a passage under "Après
les événements du 6 janvier" tells no date. So they cost nothing to build or save and
are worked out on the first question that asks for them. "Maintenant" and "now" ask
for the latest state of things, which the most recent articles give: that feature is
read off the articles' dates instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np
from scipy import sparse

# The terms a cue names to ask for a date or a number; the analyzer never makes a term
# with "<".
DATE = "<date>"
NUMBER = "<number>"
# And a cue for the latest state of things ("maintenant", "now"): the passages of the
# most recent articles, by their publication dates, not by any word.
RECENT = "<recent>"
FEATURES = (DATE, NUMBER, RECENT)
# "2021-03-05" and "2021-03" are of one month: recency is judged by the month.
MONTH_PREFIX = 7
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
# Numbers written out: the counts news and encyclopedias spell ("deux", "trente"), and
# the magnitudes that follow digits or stand alone ("des dizaines de millions").
NUMBER_WORDS = (
    *("deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze"),
    *("douze", "quinze", "vingt", "trente", "quarante", "cinquante", "soixante", "cent"),
    *("mille", "million", "milliard", "dizaine", "douzaine", "centaine", "millier"),
)


def is_year(term: str) -> bool:
    """A year as written in news and encyclopedias: 1000 to 2099."""
    return len(term) == 4 and term.isdigit() and term[0] in "12" and term[:2] <= "20"


def feature_columns(
    feature: str, vocabulary: Mapping[str, int], analyze: Callable[[str], list[str]]
) -> list[int]:
    """The word-index columns whose terms make the feature: for a date, a year, a month
    or a weekday; for a number, any other number, in digits or in words."""
    return [column for _, column in feature_terms(feature, vocabulary, analyze)]


def feature_terms(
    feature: str, vocabulary: Mapping[str, int], analyze: Callable[[str], list[str]]
) -> list[tuple[str, int]]:
    """`feature_columns` with their terms."""
    if feature == DATE:
        names = {stem for name in MONTHS + WEEKDAYS for stem in analyze(name)}
        return [(t, c) for t, c in vocabulary.items() if is_year(t) or t in names]
    if feature == NUMBER:
        names = {stem for name in NUMBER_WORDS for stem in analyze(name)}
        return [
            (t, c) for t, c in vocabulary.items() if (t.isdigit() and not is_year(t)) or t in names
        ]
    raise ValueError(f"unknown feature {feature!r}")


def rows_holding(columns: Sequence[int], weights: sparse.csc_matrix) -> np.ndarray:
    """Per index row, whether it holds one of the columns: in its passage's text, or in
    the title and heading the index adds to it."""
    held = np.zeros(weights.shape[0], dtype=bool)
    for column in columns:
        held[weights.indices[weights.indptr[column] : weights.indptr[column + 1]]] = True
    return held


def feature_weights(held: np.ndarray) -> np.ndarray:
    """Per passage, the BM25 weight of one occurrence of a term held by exactly the
    `held` passages, length left out (a date or a number is one fact, however long the
    passage): that term's idf. 0 for the others. A corpus where most passages hold it
    gives the feature little weight, one where few do much."""
    size = held.size
    found = np.zeros(size, dtype=np.float32)
    count = int(held.sum())
    if count:
        found[held] = math.log1p((size - count + 0.5) / (count + 0.5))
    return found


def recency_weights(document_dates: Sequence[str | None], row_document: np.ndarray) -> np.ndarray:
    """Per passage, as `feature_weights`, for the passages of the articles dated in the
    latest month any article is dated (ISO dates: "2021-03", "2021-03-05"). Undated
    articles never are; a corpus without dates, or all of one month, gives (next to)
    nothing."""
    latest = max((d[:MONTH_PREFIX] for d in document_dates if d), default=None)
    recent = np.fromiter(
        (bool(d) and d[:MONTH_PREFIX] == latest for d in document_dates),
        dtype=bool,
        count=len(document_dates),
    )
    return feature_weights(recent[row_document] if latest else np.zeros(row_document.size, bool))
