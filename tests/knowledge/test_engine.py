import threading
from pathlib import Path

import pytest

from knowledge.analysis import fold
from knowledge.answer import ASKS_ONLY_WHAT_KIND
from knowledge.engine import Engine
from tests.conftest import SEEDS, write_article


@pytest.mark.parametrize(
    ("question", "doc", "expected"),
    [
        ("Qui est John Matze ?", "003", "John Matze"),
        ("Quel délai le contrat donne-t-il pour corriger une violation ?", "000", "30 jours"),
        ("Qui a reçu le message d'Amazon Web Services ?", "002", "Amy Peikoff"),
        ("Epik est-il un refuge pour l'extrême droite ?", "004", "refuge"),
        ("Quand la motion préliminaire a-t-elle été rejetée ?", "004", "21 janvier"),
        ("Quelle application était la plus téléchargée samedi ?", "003", "plus téléchargée"),
    ],
)
def test_known_fact_is_the_first_passage(
    engine: Engine, question: str, doc: str, expected: str
) -> None:
    answer = engine.ask(question)
    assert not answer.abstained
    assert answer.best is not None
    assert answer.best.document.id == doc
    assert fold(expected) in fold(answer.best.text)


def test_key_sentence_is_the_sentence_that_answers(engine: Engine) -> None:
    answer = engine.ask("Qui a reçu le message d'Amazon Web Services ?")
    assert "Amy Peikoff" in answer.sentence
    assert answer.sentence in answer.best.text
    assert len(answer.sentence) < len(answer.best.text)


def test_typographic_apostrophe_in_question_matches_plain_one_in_text(engine: Engine) -> None:
    plain = engine.ask("Epik est un refuge pour l'extrême droite")
    curly = engine.ask("Epik est un refuge pour l’extrême droite")
    assert plain.best.passage.id == curly.best.passage.id


@pytest.mark.parametrize(
    "question",
    [
        "Quelle est la recette de la tarte tatin ?",
        "Who won the football world cup?",
        "zzzz ???",
        "",
        "   ",
        "?!...",
        "le la les de du",
    ],
)
def test_offtopic_or_empty_question_abstains(engine: Engine, question: str) -> None:
    answer = engine.ask(question)
    assert answer.abstained
    assert answer.passages == ()
    assert len(answer.suggestions) == 2
    assert "Parler" in answer.topics


def test_suggested_questions_are_answered(engine: Engine) -> None:
    for suggestion in engine.suggestions():
        assert not engine.ask(suggestion).abstained, suggestion


def test_top_k_bounds_the_passages(engine: Engine) -> None:
    assert len(engine.ask("Parler Amazon plainte", k=1).passages) == 1
    assert len(engine.ask("Parler Amazon plainte", k=5).passages) == 5


def test_k_below_one_is_refused(engine: Engine) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        engine.ask("Parler", k=0)


def test_building_leaves_garbage_collection_as_it_found_it(tmp_path: Path) -> None:
    import gc

    assert gc.isenabled()
    Engine.from_corpus(SEEDS, cache_dir=tmp_path / "cache")
    assert gc.isenabled()
    gc.disable()
    try:
        Engine.from_corpus(SEEDS, cache_dir=tmp_path / "cache")
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("cached", [False, True])
def test_a_word_only_the_title_holds_counts_as_covered(tmp_path: Path, cached: bool) -> None:
    # Coverage (which abstention reads) is what the index matches: the passage with its
    # title and heading, whether the engine was just built or loaded from its cache.
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        '{"id": "a", "title": "Les volcans", "text": "L\'éruption a duré trois jours."}\n'
        '{"id": "b", "title": "La cuisine", "text": "La recette demande trois oeufs."}\n',
        encoding="utf-8",
    )
    cache = tmp_path / "cache" if cached else None
    if cache is not None:
        Engine.from_corpus(corpus, cache_dir=cache)
    answer = Engine.from_corpus(corpus, cache_dir=cache).ask(
        "Combien de jours a duré l'éruption du volcan ?"
    )
    assert answer.best is not None and answer.best.document.id == "a"
    assert answer.best.coverage == 1.0


QUESTIONS = [
    "Qui est John Matze ?",
    "Pourquoi Amazon a-t-il suspendu Parler ?",
    "Who is hosting Parler now?",
    "Quel est le nom du nouvel hébergeur de Parler ?",
    "Comment faire une pâte à crêpes ?",
    "Quand Amazon a-t-il suspendu Parler ?",
    "Combien d'utilisateurs Parler a-t-il perdus ?",
]


@pytest.mark.parametrize("cached", [False, True])
def test_a_prepared_engine_answers_as_an_unprepared_one(tmp_path: Path, cached: bool) -> None:
    cache = tmp_path / "cache" if cached else None
    unprepared = Engine.from_corpus(SEEDS, cache_dir=cache)
    prepared = Engine.from_corpus(SEEDS, cache_dir=cache)
    assert prepared.prepare() == len(prepared.corpus.passages)
    for question in QUESTIONS:
        assert prepared.ask(question) == unprepared.ask(question)


def test_answers_while_another_thread_prepares_the_passages(tmp_path: Path) -> None:
    expected = [Engine.from_corpus(SEEDS).ask(q) for q in QUESTIONS]
    Engine.from_corpus(SEEDS, cache_dir=tmp_path)
    engine = Engine.from_corpus(SEEDS, cache_dir=tmp_path)
    preparing = threading.Thread(target=engine.prepare)
    preparing.start()
    answers = [engine.ask(q) for q in QUESTIONS * 3]
    preparing.join()
    assert answers == expected * 3


def test_a_corpus_larger_than_the_limit_is_not_prepared(engine: Engine) -> None:
    assert engine.prepare(limit=len(engine.corpus.passages) - 1) == 0


def test_a_discarded_engine_is_freed_without_waiting_for_the_garbage_collector() -> None:
    # A reference cycle (the parser holding a lambda over the engine) once kept a
    # discarded engine alive until the next collection: at a million passages the
    # first start then held two engines, 2.4 GB over the 8 GiB target.
    import gc
    import weakref

    gc.disable()
    try:
        engine = Engine.from_corpus(SEEDS)
        engine.prepare()
        engine.ask("Qui est Jon Matze ?")  # a capitalized typo: the names are read
        engine.ask("Quel avenir pour Parler ?")
        freed = weakref.ref(engine)
        del engine
        assert freed() is None
    finally:
        gc.enable()


@pytest.mark.parametrize("question", ["Pourquoi ?", "et quand ?", "how many?"])
def test_a_question_saying_only_what_kind_of_answer_it_wants_asks_for_its_subject(
    engine: Engine, question: str
) -> None:
    answer = engine.ask(question)
    assert answer.abstained and answer.reason == ASKS_ONLY_WHAT_KIND
    assert answer.suggestions  # questions that show what a whole one looks like


def test_a_passage_two_articles_share_word_for_word_is_shown_once(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    shared = "Le pont de pierre sur la Garonne fut achevé en 1822 sur ordre de Napoléon."
    write_article(folder, "a.txt", f"Le pont de pierre\n\n{shared}\n\nIl compte dix-sept arches.")
    write_article(folder, "b.txt", f"Le pont, suite\n\n{shared}\n\nUne crue endommagea le pont.")
    answer = Engine.from_corpus(folder).ask("Quand le pont de pierre fut-il achevé ?", k=3)
    texts = [passage.text for passage in answer.passages]
    assert texts.count(shared) == 1 and len(texts) == 3
    # The other article still says the same: it corroborates the answer.
    assert [p.document.id for p in answer.corroborating] == ["b"]
