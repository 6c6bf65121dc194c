"""Word families: derivations of a question word's stem that Snowball leaves apart."""

import pytest

from knowledge.query import WordFamilies

STEMS = [
    "suspendu",
    "suspendr",
    "suspens",
    "suspension",
    "suspensionnair",
    "suspend2",
    "heberg",
    "hebergeur",
    "parl",
    "parlement",
    "parler",
    "franc",
    "francfort",
]


@pytest.mark.parametrize(
    ("stem", "relatives"),
    [
        # All but the last two letters of the shorter shared, lengths at most 3 apart.
        ("suspendu", ("suspendr", "suspens", "suspension")),
        ("hebergeur", ("heberg",)),
        ("heberg", ("hebergeur",)),
        # Same first letters, other words.
        ("parler", ()),
        # Too short to have a family: "franc" is not "francfort".
        ("franc", ()),
        # A stem the vocabulary lacks still finds its family.
        ("suspendit", ("suspendr", "suspendu", "suspens")),
    ],
)
def test_relatives_are_derivations_not_longer_words(stem: str, relatives: tuple[str, ...]) -> None:
    assert WordFamilies(STEMS).relatives(stem) == relatives
