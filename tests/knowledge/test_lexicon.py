"""English questions reach French articles through a general English-French lexicon."""

from pathlib import Path

import pytest

from knowledge.errors import GlossaryError
from knowledge.lexicon import DEFAULT_LEXICON, base_forms, french_synonyms, load_lexicon
from knowledge.query import PIVOT_FACTOR
from tests.conftest import engine_on_texts


def test_the_bundled_lexicon_is_well_formed_and_general() -> None:
    lexicon = load_lexicon(DEFAULT_LEXICON)
    assert len(lexicon) > 1000
    assert all(english == english.lower() and " " not in english for english in lexicon)
    # Everyday translations, false friends included.
    assert "bibliothèque" in lexicon["library"]
    assert any(t in lexicon["company"] for t in ("entreprise", "société"))


def test_a_malformed_lexicon_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.tsv"
    path.write_text("library\tbibliothèque\nbroken line\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match="line 2"):
        load_lexicon(path)


@pytest.mark.parametrize(
    ("word", "base"),
    [("sued", "sue"), ("dropped", "drop"), ("companies", "company"), ("running", "run"),
     ("closing", "close"), ("hosts", "host"), ("libraries", "library"),
     ("children", "child"), ("women", "woman"), ("leaves", "leaf"), ("lives", "life")],
)  # fmt: skip
def test_inflected_english_words_find_their_base_form(word: str, base: str) -> None:
    assert base in list(base_forms(word))


def test_an_english_question_reaches_a_french_passage_through_translations(
    tmp_path: Path,
) -> None:
    texts = [
        "La bibliothèque Carnegie a fermé ses portes pendant les travaux.",
        "Le marché Carnegie accueille les producteurs du canton.",
        "Le pont de la ville a rouvert aux piétons.",
    ]
    engine = engine_on_texts(tmp_path, texts)
    answer = engine.ask("Why did the Carnegie library close?")
    assert not answer.abstained
    assert "bibliothèque" in answer.best.text
    # Known only through a general dictionary, a question is not taken to be about
    # the articles ("What time is it?" -> "temps" would be answered).
    assert engine.ask("Why did the library close?").abstained


def test_an_irregular_english_plural_is_translated(tmp_path: Path) -> None:
    # "children" was not in the lexicon ("child" is): the question abstained.
    texts = [
        "L'école de rugby Carnegie accueille cent vingt enfants chaque samedi.",
        "Le marché Carnegie accueille les producteurs du canton.",
    ]
    answer = engine_on_texts(tmp_path, texts).ask(
        "How many children does the Carnegie school take?"
    )
    assert not answer.abstained and "enfants" in answer.best.text


def test_french_questions_are_not_translated(tmp_path: Path) -> None:
    engine = engine_on_texts(
        tmp_path, ["La bibliothèque municipale a fermé.", "Le marché couvert."]
    )
    terms = {t.word: t.stems for t in engine.parse("Pourquoi la library a fermé ?").terms}
    assert "biblioth" not in " ".join(terms.get("library", ()))


def test_french_synonyms_go_through_a_shared_english_word() -> None:
    lexicon = {"future": ("avenir", "futur"), "blame": ("accuser", "reprocher", "mettre en cause")}
    synonyms = french_synonyms(lexicon, str)
    assert synonyms["avenir"] == {"futur"} and synonyms["futur"] == {"avenir"}
    assert synonyms["reprocher"] == {"accuser"}  # phrases are left out
    assert "mettre en cause" not in synonyms


def test_a_french_word_the_articles_lack_reaches_its_synonym_through_english(
    tmp_path: Path,
) -> None:
    texts = [
        "Amazon a suspendu Parler en janvier après les émeutes.",
        "Le futur de Parler reste incertain selon ses dirigeants.",
    ]
    engine = engine_on_texts(tmp_path, texts)
    query = engine.parse("Quel avenir pour Parler ?")
    [avenir] = [term for term in query.terms if term.word == "avenir"]
    assert ("futur", PIVOT_FACTOR) in avenir.alternatives
    assert engine.rank(query, 2)[0].row == 1
    # A word the articles write keeps its own meaning only.
    [futur] = [
        term for term in engine.parse("Quel futur pour Parler ?").terms if term.word == "futur"
    ]
    assert futur.alternatives == (("futur", 1.0),)
