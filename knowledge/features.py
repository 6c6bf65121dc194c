"""What a passage holds beyond its words, for questions that ask for a kind of answer.

"Quand ... ?" and "When ... ?" are answered by a date, and dates are written in many
words (a year, a month, a weekday, "le 24 février", "dimanche soir"): no single word of
the question can find them. Nor can "Combien ... ?" and "How many ... ?" find the number
that answers them ("30 jours", "des dizaines de millions"). A cue names the feature
instead of words (`<date>`, `<number>` in the glossary's cues), and every passage
holding one gains as if it held a word that rare. Features are read off the word
index's own columns (years, month and weekday names; other numbers and number words),
so they cost nothing to build or save and are worked out on the first question that
asks for them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np
from scipy import sparse

# The terms a cue names to ask for a date or a number; the analyzer never makes a term
# with "<".
DATE = "<date>"
NUMBER = "<number>"
FEATURES = (DATE, NUMBER)
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


def feature_weights(
    feature: str,
    vocabulary: Mapping[str, int],
    weights: sparse.csc_matrix,
    analyze: Callable[[str], list[str]],
) -> np.ndarray:
    """Per passage, the BM25 weight of one occurrence of a term held by exactly the
    passages that hold the feature, length left out (a date or a number is one fact,
    however long the passage): that term's idf. 0 for the others. A corpus where most
    passages hold it gives the feature little weight, one where few do much.

    A date is a year, a month or a weekday; a number is any other number, in digits or
    in words."""
    if feature == DATE:
        names = {stem for name in MONTHS + WEEKDAYS for stem in analyze(name)}
        columns = [c for term, c in vocabulary.items() if is_year(term) or term in names]
    elif feature == NUMBER:
        names = {stem for name in NUMBER_WORDS for stem in analyze(name)}
        columns = [
            c
            for term, c in vocabulary.items()
            if (term.isdigit() and not is_year(term)) or term in names
        ]
    else:
        raise ValueError(f"unknown feature {feature!r}")
    size = weights.shape[0]
    found = np.zeros(size, dtype=np.float32)
    if not columns or not size:
        return found
    held = np.zeros(size, dtype=bool)
    for column in columns:
        held[weights.indices[weights.indptr[column] : weights.indptr[column + 1]]] = True
    count = int(held.sum())
    found[held] = math.log1p((size - count + 0.5) / (count + 0.5))
    return found
