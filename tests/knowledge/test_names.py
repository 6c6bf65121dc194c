"""Names in a sentence: what conflicting answers are told apart by (SkySilk vs Epik)."""

import pytest

from knowledge.answer import names_in, names_in_order


@pytest.mark.parametrize(
    ("sentence", "names"),
    [
        ("Amazon Web Services a suspendu Parler.", {"Amazon Web Services", "Parler"}),
        ("Parler est revenu chez SkySilk.", {"Parler", "SkySilk"}),
        ("L'hébergeur d'Epik, selon «Le Monde».", {"Epik", "Monde"}),
        ("John Matze, fondateur de Parler-Social, a été limogé.", {"John Matze", "Parler-Social"}),
        ("Le réseau a rouvert en février.", set()),
        ("AWS et l'iPhone de McDonald", {"McDonald"}),
        ("(Twitter) et 2Pac.", {"Twitter"}),
    ],
)
def test_names_are_runs_of_capitalised_words_not_stop_words(sentence: str, names: set[str]) -> None:
    assert names_in(sentence) == names


def test_names_in_order_lists_each_name_once_where_it_first_appears() -> None:
    text = "Parler a quitté Amazon. Amazon a expliqué que Parler et Epik..."
    assert names_in_order(text) == ["Parler", "Amazon", "Epik"]
