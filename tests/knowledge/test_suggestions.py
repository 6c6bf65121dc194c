"""Suggestions offered with an abstention and to Discord's autocomplete."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from knowledge.corpus import Document
from knowledge.engine import SUGGESTION_POOL, Engine
from tests.conftest import ROOT, SEEDS, write_article


def _engine(tmp_path: Path, titles: list[str]) -> Engine:
    corpus = tmp_path / "corpus.jsonl"
    records = [
        {"id": f"a{n}", "title": title, "text": f"Article {n} sur Parler et Amazon, numéro {n}."}
        for n, title in enumerate(titles)
    ]
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    return Engine.from_corpus(corpus)


class _CountedReads(Sequence[Document]):
    """The documents, counting how many a pass over them reads."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self._documents = documents
        self.read = 0

    def __len__(self) -> int:
        return len(self._documents)

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        return self._documents[index]

    def __iter__(self) -> Iterator[Document]:
        for document in self._documents:
            self.read += 1
            yield document


def test_each_article_is_suggested_once_in_corpus_order(tmp_path: Path) -> None:
    engine = _engine(tmp_path, [f"Titre {n}" for n in range(12)])
    assert engine.suggestions(limit=5) == [f"Titre {n}" for n in range(5)]
    assert engine.suggestions(limit=100) == [f"Titre {n}" for n in range(12)]


def test_repeated_titles_are_suggested_once(tmp_path: Path) -> None:
    engine = _engine(tmp_path, ["Parler", "Amazon", "Parler", "Amazon", "Epik"] * 300)
    assert engine.suggestions(limit=100) == ["Parler", "Amazon", "Epik"]


def test_a_title_is_suggested_as_a_search_without_its_full_stop(tmp_path: Path) -> None:
    # A title was suggested as a question: "Le pont a rouvert. ?", "Parler revient ?".
    titles = ["Le pont a rouvert.", "Qui a fondé Parler ?", "Parler revient !"]
    engine = _engine(tmp_path, titles)
    assert engine.suggestions() == ["Le pont a rouvert", "Qui a fondé Parler ?", "Parler revient"]


def test_a_title_made_of_the_articles_first_words_is_not_suggested(tmp_path: Path) -> None:
    # Without a headline or a catalog title, the title is the text's first words: "La
    # halle aux grains date de 1820 et sert aujourd hui de ?" was suggested.
    folder = tmp_path / "corpus"
    write_article(
        folder,
        "halle.txt",
        "La halle aux grains date de 1820 et sert aujourd'hui de marché couvert.",
    )
    write_article(
        folder, "lavoir.txt", "Le lavoir\n\nLe lavoir est alimenté par la source depuis 1820."
    )
    assert Engine.from_corpus(folder).suggestions() == ["Le lavoir"]


def test_a_question_another_article_answers_is_not_suggested(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    write_article(folder, "a.txt", "Les crêpes\n\nLa pâte repose une heure avant la cuisson.")
    write_article(folder, "b.txt", "Le cassoulet\n\nLes haricots trempent une nuit entière.")
    (folder / "catalog.yaml").write_text(
        "a: {questions: ['Combien de temps trempent les haricots ?', "
        "'Combien de temps repose la pâte ?']}\n"
        "b: {questions: ['Quelle est la capitale du Pérou ?']}\n",
        encoding="utf-8",
    )
    engine = Engine.from_corpus(folder)
    # The first is answered from b, the third not at all: neither is offered.
    assert engine.suggestions() == ["Combien de temps repose la pâte ?"]
    assert engine.ask("Quelle est la recette du gaspacho ?").suggestions == (
        "Combien de temps repose la pâte ?",
    )


def test_a_large_corpus_fills_the_pool_from_its_first_articles(tmp_path: Path) -> None:
    count = SUGGESTION_POOL + 500
    engine = _engine(tmp_path, [f"Titre {n}" for n in range(count)])
    counted = _CountedReads(engine.corpus.documents)
    engine.corpus = replace(engine.corpus, documents=counted)
    counted.read = 0  # the corpus read every id when it was made

    pool = engine.suggestions(limit=count)

    assert pool == [f"Titre {n}" for n in range(SUGGESTION_POOL)]
    # The first abstention on a million articles must not read every one of them.
    assert counted.read == SUGGESTION_POOL


def test_abstention_topics_are_the_same_in_every_process() -> None:
    """Names tied on count once came out in the order of the process's string hashing."""
    script = (
        f"from knowledge.engine import Engine; print(Engine.from_corpus({str(SEEDS)!r}).topics())"
    )
    found = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(found) == 1
    assert "Parler" in found.pop()


def test_topics_name_every_article_and_no_verb_opening_a_sentence(tmp_path: Path) -> None:
    # A recipe corpus was "about" Cuire, Verser, Ajouter; a town's four articles were
    # named only after the longest one's six names.
    folder = tmp_path / "corpus"
    write_article(
        folder,
        "1.txt",
        "Histoire\n\nLe village de Bonnefont fut fondé par des moines venus de Cluny. "
        "Les moines de Bonnefont défrichèrent la vallée. Bonnefont devint une abbaye.",
    )
    write_article(
        folder,
        "2.txt",
        "Recette\n\nVerser la farine. Cuire la pâte dans une poêle. Servir avec du sucre "
        "de la maison Béghin. Cuire encore. Astuce : Servez chaud.",
    )
    write_article(folder, "3.txt", "Rugby\n\nLe club de Toulouse a gagné à Bonnefont.")
    topics = Engine.from_corpus(folder).topics().split(", ")
    assert topics[0] == "Bonnefont"  # written by two articles
    assert {"Cluny", "Béghin", "Toulouse"} <= set(topics)
    assert not {"Verser", "Cuire", "Servir", "Servez"} & set(topics)
