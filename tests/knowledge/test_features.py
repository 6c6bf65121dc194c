"""Questions asking for a kind of answer: "quand" / "when" and dates, "combien" /
"how many" and numbers."""

import json
from pathlib import Path

import numpy as np
import pytest

from knowledge.engine import Engine
from knowledge.features import DATE, NUMBER, is_year, recency_weights
from knowledge.passage_sentences import PassageSentences
from tests.conftest import engine_on_texts

_engine = engine_on_texts


TEXTS = [
    "Le pont de la ville a rouvert aux piétons après les travaux.",
    "Le pont de la ville a rouvert le 24 février, après les travaux.",
    "Le marché couvert accueille les producteurs du canton.",
    "La bibliothèque prête des livres aux habitants du quartier.",
]


@pytest.mark.parametrize(
    "question", ["Quand le pont a-t-il rouvert ?", "When did the pont rouvert?"]
)
def test_a_when_question_prefers_the_passage_that_gives_a_date(
    tmp_path: Path, question: str
) -> None:
    answer = _engine(tmp_path, TEXTS).ask(question)
    assert answer.best is not None
    assert "24 février" in answer.best.text


FACTORY = (
    "La tannerie Fourcade fut longtemps la plus grande usine du canton. "
    "Elle employait jusqu'à cent vingt personnes. "
    "Elle ferma ses portes en 1931, victime de la crise économique."
)


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ("Quand la tannerie a-t-elle fermé ?", "Elle ferma ses portes en 1931"),
        ("En quelle année la tannerie a-t-elle fermé ?", "Elle ferma ses portes en 1931"),
        ("Combien de personnes la tannerie employait-elle ?", "cent vingt personnes"),
    ],
)
@pytest.mark.parametrize("saved", [False, True], ids=["built", "loaded from the cache"])
def test_the_key_sentence_is_the_one_giving_the_date_or_number_asked_for(
    tmp_path: Path, question: str, key: str, saved: bool
) -> None:
    # "Quand" showed the sentence naming the tannery (its rarest word), not the one
    # saying when it closed.
    others = [
        "La bibliothèque ferme ses portes à midi.",
        "Une usine de chaussures emploie des personnes du canton.",
    ]
    texts = [FACTORY, *TEXTS, *others]
    corpus = tmp_path / "corpus.jsonl"
    records = [{"id": f"p{n}", "title": "", "text": text} for n, text in enumerate(texts)]
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    cache = tmp_path / "cache" if saved else None
    if saved:
        Engine.from_corpus(corpus, cache_dir=cache)
    engine = Engine.from_corpus(corpus, cache_dir=cache)
    assert (engine.sentences is not None) is saved  # sentences over stems, or columns
    answer = engine.ask(question)
    assert answer.best is not None and key in answer.best.sentence


def test_a_weekday_is_a_date(tmp_path: Path) -> None:
    texts = [
        TEXTS[0],
        "Le pont de la ville a rouvert dimanche soir, après les travaux.",
        *TEXTS[2:],
    ]
    answer = _engine(tmp_path, texts).ask("Quand le pont a-t-il rouvert ?")
    assert answer.best is not None
    assert "dimanche" in answer.best.text


@pytest.mark.parametrize("saved", [False, True], ids=["built", "loaded from the cache"])
def test_a_date_in_the_title_or_heading_is_not_the_passages_date(
    tmp_path: Path, saved: bool
) -> None:
    # "Quand Amazon a-t-il suspendu Parler ?" got a passage under the heading "Après
    # les événements du 6 janvier au Capitole" that tells no date, not "dimanche soir".
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "pont.md").write_text(
        "# Le pont en 2019\n\nTravaux de janvier\n\n"
        "Le pont de la ville a rouvert aux piétons, après de longs travaux publics.\n\n"
        "Autres nouvelles\n\n"
        "Le pont de la ville a rouvert dimanche, après les travaux.\n\n"
        "Le marché couvert accueille les producteurs du canton.\n",
        encoding="utf-8",
    )
    cache = tmp_path / "cache" if saved else None
    if saved:
        Engine.from_corpus(folder, cache_dir=cache)
    engine = Engine.from_corpus(folder, cache_dir=cache)
    assert (engine.sentences is not None) is saved
    sections = [passage.section for passage in engine.corpus.passages]
    assert sections == ["Travaux de janvier", "Autres nouvelles", "Autres nouvelles"]
    # Only the passage that says "dimanche": not the title's year, not the heading's month.
    assert [weight > 0 for weight in engine._feature_weights(DATE)] == [False, True, False]
    answer = engine.ask("Quand le pont a-t-il rouvert ?")
    assert answer.best is not None and "dimanche" in answer.best.text


def test_a_passage_with_no_indexed_word_does_not_take_the_next_ones_date() -> None:
    # Passage 1 ("Oui.") has a sentence but no column: positions of passage 2's
    # columns start where its own would have.
    sentences = PassageSentences(
        first=np.array([0, 1, 2, 3]),
        spans=np.array([[0, 9], [0, 4], [0, 12]]),
        columns=np.array([5, 7, 9]),
        offsets=np.array([0, 2, 2, 3]),
        width=10,
    )
    assert sentences.rows_holding([9]).tolist() == [False, False, True]
    assert sentences.rows_holding([5, 8]).tolist() == [True, False, False]
    assert not sentences.rows_holding([]).any()


def test_other_questions_do_not_prefer_dated_passages(tmp_path: Path) -> None:
    # Without the date, the shorter passage wins on length, as it did before.
    answer = _engine(tmp_path, TEXTS).ask("Le pont a-t-il rouvert ?")
    assert answer.best is not None
    assert "24 février" not in answer.best.text


def test_a_corpus_without_dates_answers_when_questions_as_others(tmp_path: Path) -> None:
    engine = _engine(tmp_path, [TEXTS[0], TEXTS[2], TEXTS[3]])
    assert not engine._feature_weights(DATE).any()
    assert "pont" in engine.ask("Quand le pont a-t-il rouvert ?").best.text


def test_when_is_a_cue_for_the_date_feature_not_a_word_to_cover(engine: Engine) -> None:
    query = engine.parse("Quand Parler est-il revenu en ligne ?")
    cues = [t for t in query.terms if t.cue]
    assert [stem for t in cues for stem, _ in t.alternatives] == [DATE]
    assert DATE not in engine.index.vocabulary


COUNTS = [
    "Le club a recruté des joueurs pour la saison.",
    "Le club a recruté 12 joueurs pour la saison.",
    "Le stade accueille les supporters chaque semaine.",
    "La mairie a voté le budget du quartier.",
]


@pytest.mark.parametrize(
    "question",
    [
        "Combien de joueurs le club a-t-il recrutés ?",
        "cb de joueurs le club a recruté",
        "How many joueurs has the club recruté?",
    ],
)
def test_a_how_many_question_prefers_the_passage_that_gives_a_number(
    tmp_path: Path, question: str
) -> None:
    answer = _engine(tmp_path, COUNTS).ask(question)
    assert answer.best is not None
    assert "12 joueurs" in answer.best.text


def test_a_number_written_out_is_a_number_but_a_year_is_not(tmp_path: Path) -> None:
    texts = [
        "Le club a recruté des joueurs en 2021.",
        "Le club a recruté trente joueurs pour la saison.",
        *COUNTS[2:],
    ]
    answer = _engine(tmp_path, texts).ask("Combien de joueurs le club a-t-il recrutés ?")
    assert answer.best is not None
    assert "trente" in answer.best.text


def test_how_many_is_a_cue_for_the_number_feature(engine: Engine) -> None:
    query = engine.parse("Combien d'utilisateurs Parler a-t-il perdus ?")
    cues = [t for t in query.terms if t.cue]
    assert [stem for t in cues for stem, _ in t.alternatives] == [NUMBER]


@pytest.mark.parametrize(
    ("term", "year"), [("2021", True), ("1789", True), ("0042", False), ("30", False)]
)
def test_years_are_four_digits_from_1000_to_2099(term: str, year: bool) -> None:
    assert is_year(term) is year


@pytest.mark.parametrize(
    "question",
    ["Combien de temps le pont a-t-il été fermé ?", "How long was the pont fermé?"],
)
def test_a_how_long_question_asks_for_a_duration_not_for_the_word_temps(
    tmp_path: Path, question: str
) -> None:
    texts = [
        "Par temps de pluie, le pont a été fermé aux piétons.",
        "Le pont a été fermé pendant environ un mois, le temps des travaux.",
        "Le pont a été fermé aux camions.",
        *TEXTS[2:],
    ]
    engine = _engine(tmp_path, texts)
    terms = {t.word: t for t in engine.parse(question).terms}
    assert "temps" not in terms and "long" not in terms
    assert any(t.cue for t in terms.values())
    answer = engine.ask(question)
    assert answer.best is not None
    assert "un mois" in answer.best.text


def _dated_engine(tmp_path: Path, cache: Path | None = None) -> Engine:
    records = [
        {"id": "old", "title": "", "date": "2021-01-12",
         "text": "Le site est hébergé par Amazon, qui fournit ses serveurs."},
        {"id": "new", "title": "", "date": "2021-03",
         "text": "Le site est désormais hébergé par Skysilk, un petit hébergeur de Los Angeles."},
        {"id": "undated", "title": "", "text": "La bibliothèque prête des livres aux habitants."},
    ]  # fmt: skip
    corpus = tmp_path / "dated.jsonl"
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    return Engine.from_corpus(corpus, cache_dir=cache)


@pytest.mark.parametrize(
    "question",
    ["Qui héberge le site maintenant ?", "Who hosts the site now?", "Qui héberge le site ?"],
)
def test_a_now_question_prefers_the_latest_articles(tmp_path: Path, question: str) -> None:
    engine = _dated_engine(tmp_path)
    best = engine.ask(question).best
    assert best is not None
    # Without "maintenant" the shorter, older passage wins on length.
    assert best.document.id == ("old" if question == "Qui héberge le site ?" else "new")


def test_a_saved_corpus_knows_its_articles_dates(tmp_path: Path) -> None:
    _dated_engine(tmp_path, tmp_path / "cache")  # builds and saves
    saved = _dated_engine(tmp_path, tmp_path / "cache")
    assert saved.corpus.document_dates() == ["2021-01-12", "2021-03", None]
    assert saved.ask("Qui héberge le site maintenant ?").best.document.id == "new"


def test_recency_is_the_latest_month_and_nothing_without_dates() -> None:
    rows = np.array([0, 0, 1, 2, 3])
    weights = recency_weights(["2021-03-01", "2021-01", "2021-03", None], rows)
    assert (weights > 0).tolist() == [True, True, False, True, False]
    assert not recency_weights([None, None], np.array([0, 1])).any()
    same_month = recency_weights(["2021-03", "2021-03-09"], np.array([0, 1]))
    assert same_month.max() < 0.5  # every passage holds it: it tells none apart
