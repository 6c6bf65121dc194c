"""What a passage holds beyond its words, for questions that ask for a kind of answer.

"Quand ... ?" and "When ... ?" are answered by a date, and dates are written in many
words (a year, a month, a weekday, "le 24 février", "dimanche soir"): no single word of
the question can find them. A cue names the feature instead of words (`<date>` in the
glossary's cues), and every passage holding one gains as if it held a word that rare.
The feature is read off the word index's own columns (years, month and weekday names),
so it costs nothing to build or save and is worked out on the first question that asks
for it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np
from scipy import sparse

# The term a cue names to ask for a date; the analyzer never makes a term with "<".
DATE = "<date>"
FEATURES = (DATE,)
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


def is_year(term: str) -> bool:
    """A year as written in news and encyclopedias: 1000 to 2099."""
    return len(term) == 4 and term.isdigit() and term[0] in "12" and term[:2] <= "20"


def date_weights(
    vocabulary: Mapping[str, int], weights: sparse.csc_matrix, analyze: Callable[[str], list[str]]
) -> np.ndarray:
    """Per passage, the BM25 weight of one occurrence of a term held by exactly the
    passages that name a year, a month or a weekday, length left out (a date is one
    fact, however long the passage): that term's idf. 0 for the others. A corpus where
    most passages hold a date gives the feature little weight, one where few do much."""
    names = {stem for name in MONTHS + WEEKDAYS for stem in analyze(name)}
    columns = [c for term, c in vocabulary.items() if is_year(term) or term in names]
    size = weights.shape[0]
    found = np.zeros(size, dtype=np.float32)
    if not columns or not size:
        return found
    dated = np.zeros(size, dtype=bool)
    for column in columns:
        dated[weights.indices[weights.indptr[column] : weights.indptr[column + 1]]] = True
    held = int(dated.sum())
    idf = math.log1p((size - held + 0.5) / (held + 0.5))
    found[dated] = idf
    return found
