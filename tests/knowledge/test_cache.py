"""The saved index: built once, reused, rebuilt when stale or corrupt, never a crash."""

import logging
import os
import shutil
import time
from pathlib import Path

import pytest

from knowledge.cache import UNUSED_DAYS
from knowledge.engine import Engine
from tests.conftest import SEEDS

QUESTION = "Chez quel hébergeur Parler est-il revenu en ligne ?"


def ranking(engine: Engine) -> list[tuple[str, float]]:
    return [(p.passage.id, round(p.score, 5)) for p in engine.ask(QUESTION, k=5).passages]


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


def test_first_start_saves_the_index_and_the_next_one_loads_it(
    corpus: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    fresh = Engine.from_corpus(corpus, cache_dir=cache)
    saved = sorted(cache.glob("index-*.arrays"))
    assert len(saved) == 2  # words and word pairs
    reloaded = Engine.from_corpus(corpus, cache_dir=cache)
    assert ranking(reloaded) == ranking(fresh)
    assert sorted(cache.glob("index-*.arrays")) == saved


def test_changed_article_builds_a_new_index(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    Engine.from_corpus(corpus, cache_dir=cache)
    before = set(cache.glob("index-*.arrays"))
    article = next(corpus.glob("004_*.txt"))
    article.write_text(
        article.read_text(encoding="utf-8").replace("Epik", "Zorblax"), encoding="utf-8"
    )
    engine = Engine.from_corpus(corpus, cache_dir=cache)
    assert set(cache.glob("index-*.arrays")) - before
    assert "Zorblax" in engine.ask("Zorblax refuge extrême droite").best.text


def test_corrupt_index_is_rebuilt_with_a_warning(
    corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    expected = ranking(Engine.from_corpus(corpus, cache_dir=cache))
    for saved in cache.glob("index-*.arrays"):
        saved.write_bytes(b"not a zip file at all")
    with caplog.at_level(logging.WARNING):
        engine = Engine.from_corpus(corpus, cache_dir=cache)
    assert ranking(engine) == expected
    assert "rebuilding the index" in caplog.text


def test_truncated_index_is_rebuilt(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    expected = ranking(Engine.from_corpus(corpus, cache_dir=cache))
    for saved in cache.glob("index-*.arrays"):
        saved.write_bytes(saved.read_bytes()[:200])
    assert ranking(Engine.from_corpus(corpus, cache_dir=cache)) == expected


def test_unwritable_cache_only_warns(
    corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        engine = Engine.from_corpus(corpus, cache_dir=blocker / "cache")
    assert not engine.ask(QUESTION).abstained
    # One warning for the folder, not one per saved file (five of them).
    assert caplog.text.count("could not save") == 1


def test_a_cache_folder_that_may_not_be_looked_into_is_passed_over(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A cache folder of mode 000 made every start fail with "cannot write the answer
    # (Permission denied)". Refused here as the OS refuses it (root is never refused).
    cache = tmp_path / "cache"
    looking = Path.stat

    def refused(path: Path, *args, **kwargs):
        if path.parent == cache:
            raise PermissionError(13, "Permission denied", str(path))
        return looking(path, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", refused)
    assert not Engine.from_corpus(corpus, cache_dir=cache).ask(QUESTION).abstained


def test_index_key_changes_with_the_analyzer_settings(corpus: Path) -> None:
    from knowledge.analysis import Analyzer
    from knowledge.cache import index_key, source_digest
    from knowledge.index import IndexOptions

    digest = source_digest(corpus)
    base = index_key(Analyzer(), IndexOptions(), digest)
    assert base == index_key(Analyzer(), IndexOptions(), digest)
    assert base != index_key(Analyzer(), IndexOptions(k1=1.5), digest)
    assert base != index_key(Analyzer(), IndexOptions(context_weight=0.0), digest)
    assert base != index_key(Analyzer(), IndexOptions(context_words=0.0), digest)


def test_source_digest_follows_article_and_catalog_bytes_only(corpus: Path) -> None:
    from knowledge.cache import source_digest

    (corpus / "notes.pdf").write_bytes(b"not an article")
    before = source_digest(corpus)
    (corpus / "notes.pdf").write_bytes(b"still not an article")
    assert source_digest(corpus) == before
    # Its name counts: a load warns that it is not read.
    (corpus / "notes.pdf").rename(corpus / "notes.rst")
    assert source_digest(corpus) != before
    (corpus / "notes.rst").unlink()
    before = source_digest(corpus)
    catalog = corpus / "catalog.yaml"
    catalog.write_text(catalog.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert source_digest(corpus) != before


def test_saved_corpus_reads_back_every_document_and_passage(corpus: Path, tmp_path: Path) -> None:
    from knowledge.corpus import load_corpus

    cache = tmp_path / "cache"
    Engine.from_corpus(corpus, cache_dir=cache)
    assert len(list(cache.glob("corpus-*.arrays"))) == 1
    reloaded = Engine.from_corpus(corpus, cache_dir=cache).corpus
    parsed = load_corpus(corpus)
    assert list(reloaded.passages) == list(parsed.passages)
    assert list(reloaded.documents) == list(parsed.documents)
    assert reloaded.passages[-1] == parsed.passages[-1]
    assert reloaded.passages[1:3] == list(parsed.passages[1:3])
    doc_id = parsed.documents[2].id
    assert reloaded.document(doc_id) == parsed.document(doc_id)
    assert reloaded.passages_of(doc_id) == parsed.passages_of(doc_id)


def test_catalog_edit_is_served_after_restart(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = Engine.from_corpus(corpus, cache_dir=cache)
    catalog = corpus / "catalog.yaml"
    old_title = first.documents[0].title
    catalog.write_text(
        catalog.read_text(encoding="utf-8").replace(old_title, "Titre corrigé"),
        encoding="utf-8",
    )
    assert Engine.from_corpus(corpus, cache_dir=cache).documents[0].title == "Titre corrigé"


def test_corrupt_saved_corpus_is_read_again_with_a_warning(
    corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    expected = ranking(Engine.from_corpus(corpus, cache_dir=cache))
    for saved in cache.glob("corpus-*.arrays"):
        saved.write_bytes(saved.read_bytes()[:300])
    with caplog.at_level(logging.WARNING):
        engine = Engine.from_corpus(corpus, cache_dir=cache)
    assert ranking(engine) == expected
    assert "re-reading the corpus" in caplog.text


def test_next_start_loads_everything_and_rewrites_nothing(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    fresh = Engine.from_corpus(corpus, cache_dir=cache)
    assert len(list(cache.glob("sentences-*.arrays"))) == 1
    written = {p: p.stat().st_mtime_ns for p in cache.iterdir()}
    reloaded = Engine.from_corpus(corpus, cache_dir=cache)
    assert {p: p.stat().st_mtime_ns for p in cache.iterdir()} == written
    assert reloaded.sentences is not None
    assert ranking(reloaded) == ranking(fresh)
    assert reloaded.ask(QUESTION) == fresh.ask(QUESTION)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other index"])
def test_damaged_saved_sentences_are_rebuilt_with_a_warning(
    corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: str
) -> None:
    from knowledge.arrayfile import load_arrays, save_arrays

    cache = tmp_path / "cache"
    expected = Engine.from_corpus(corpus, cache_dir=cache).ask(QUESTION)
    for saved in cache.glob("sentences-*.arrays"):
        if damage == "garbage":
            saved.write_bytes(b"not a zip file at all")
        elif damage == "truncated":
            saved.write_bytes(saved.read_bytes()[:300])
        else:  # readable, but its columns point past the word index
            meta, arrays = load_arrays(saved)
            save_arrays(saved, meta, {**arrays, "columns": arrays["columns"] + 10**6})
    with caplog.at_level(logging.WARNING):
        engine = Engine.from_corpus(corpus, cache_dir=cache)
    assert engine.ask(QUESTION) == expected
    assert "rebuilding the sentences" in caplog.text
    assert Engine.from_corpus(corpus, cache_dir=cache).ask(QUESTION) == expected


def test_sentences_key_changes_with_the_corpus_and_not_with_index_options(corpus: Path) -> None:
    from knowledge.analysis import Analyzer
    from knowledge.cache import sentences_key, source_digest

    digest = source_digest(corpus)
    assert sentences_key(Analyzer(), digest) == sentences_key(Analyzer(), digest)
    assert sentences_key(Analyzer(), digest) != sentences_key(Analyzer(), "another corpus")


def test_glossary_is_read_from_its_saved_copy_until_it_changes(
    corpus: Path, tmp_path: Path
) -> None:
    from knowledge.glossary import DEFAULT_GLOSSARY

    glossary = tmp_path / "glossary.yaml"
    glossary.write_text(DEFAULT_GLOSSARY.read_text(encoding="utf-8"), encoding="utf-8")
    cache = tmp_path / "cache"
    first = Engine.from_corpus(corpus, glossary_path=glossary, cache_dir=cache)
    assert len(list(cache.glob("glossary-*.json"))) == 1
    assert Engine.from_corpus(corpus, glossary_path=glossary, cache_dir=cache).glossary == (
        first.glossary
    )
    glossary.write_text(
        glossary.read_text(encoding="utf-8").replace("terms:", "terms:\n  - [zorblax, epik]", 1),
        encoding="utf-8",
    )
    edited = Engine.from_corpus(corpus, glossary_path=glossary, cache_dir=cache)
    assert ("zorblax", "epik") in edited.glossary.groups
    assert "Epik" in edited.ask("Zorblax").best.text


def test_corrupt_saved_glossary_is_read_again_with_a_warning(
    corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    expected = Engine.from_corpus(corpus, cache_dir=cache)
    for saved in cache.glob("glossary-*.json"):
        saved.write_text('{"groups": [[1, 2]], "cues": {}}', encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        engine = Engine.from_corpus(corpus, cache_dir=cache)
    assert engine.glossary == expected.glossary
    assert "re-reading the glossary" in caplog.text


def test_bad_glossary_fails_the_start_even_with_a_cache(corpus: Path, tmp_path: Path) -> None:
    from knowledge.errors import GlossaryError

    glossary = tmp_path / "glossary.yaml"
    glossary.write_text("terms: [oops", encoding="utf-8")
    with pytest.raises(GlossaryError, match="malformed YAML"):
        Engine.from_corpus(corpus, glossary_path=glossary, cache_dir=tmp_path / "cache")


def _age(path: Path, days: float) -> None:
    then = time.time() - days * 86_400
    os.utime(path, (then, then))


def test_a_byte_damaged_inside_a_saved_text_is_read_again_with_a_warning(
    corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Once loaded as valid: every answer then failed decoding it, start after start.
    cache = tmp_path / "cache"
    expected = ranking(Engine.from_corpus(corpus, cache_dir=cache))
    [saved] = cache.glob("corpus-*.arrays")
    data = bytearray(saved.read_bytes())
    start = data.index(b"Matze")
    data[start : start + 5] = b"\xff" * 5
    saved.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING):
        engine = Engine.from_corpus(corpus, cache_dir=cache)
    assert "re-reading the corpus" in caplog.text and "checksum" in caplog.text
    assert ranking(engine) == expected
    assert engine.ask("Qui est John Matze ?").best is not None


def test_saved_files_no_start_used_for_a_week_are_deleted(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    Engine.from_corpus(corpus, cache_dir=cache)
    in_use = set(cache.iterdir())
    stale = [cache / "index-0123456789abcdef0123.arrays", cache / "corpus-00000000000000000000.npz"]
    recent = cache / "sentences-11111111111111111111.arrays"
    stale.append(cache / "glossary-22222222222222222222.json.4242.tmp")  # a crashed save
    # Someone else's files, in a shared folder, named much like the saved ones.
    unrelated = [
        cache / name
        for name in ("notes.txt", "index-notes.json", "corpus-backup.json",
                     "glossary-mine.json", "sentences-x.tmp")
    ]  # fmt: skip
    for path in (*stale, recent, *unrelated):
        path.write_bytes(b"x")
    for path in (*stale, *unrelated):
        _age(path, days=UNUSED_DAYS + 1)
    _age(recent, days=UNUSED_DAYS - 1)

    Engine.from_corpus(corpus, cache_dir=cache)

    assert not any(path.exists() for path in stale)
    assert recent.exists() and all(path.exists() for path in unrelated)
    assert in_use <= set(cache.iterdir())


def test_files_a_start_loads_are_kept_however_old_they_are(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    Engine.from_corpus(corpus, cache_dir=cache)
    saved = {path: path.read_bytes() for path in cache.iterdir()}
    for path in saved:
        _age(path, days=30)

    Engine.from_corpus(corpus, cache_dir=cache)  # loads every one of them
    Engine.from_corpus(corpus, cache_dir=cache)  # and a later start still finds them

    assert {path: path.read_bytes() for path in cache.iterdir()} == saved


def test_a_corpus_moved_elsewhere_names_its_new_files(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    Engine.from_corpus(corpus, cache_dir=cache)
    moved = tmp_path / "moved"
    corpus.rename(moved)
    engine = Engine.from_corpus(moved, cache_dir=cache)
    assert all(str(moved) in (d.path or "") for d in engine.documents)


def test_a_saved_corpus_tells_of_subfolders_as_they_are_now(
    corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    (corpus / "2021").mkdir()
    with caplog.at_level(logging.WARNING):
        Engine.from_corpus(corpus, cache_dir=cache)
    assert "subfolders are not read (2021)" in caplog.text
    (corpus / "2021").rmdir()
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        Engine.from_corpus(corpus, cache_dir=cache)
    assert "subfolders" not in caplog.text
    (corpus / "archives").mkdir()
    with caplog.at_level(logging.WARNING):
        Engine.from_corpus(corpus, cache_dir=cache)
    assert "subfolders are not read (archives)" in caplog.text


@pytest.mark.parametrize("cached", [False, True], ids=["built", "loaded from the cache"])
def test_an_empty_glossary_is_told_at_every_start(
    corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, cached: bool
) -> None:
    # It was accepted without a word: English questions quietly lost their synonyms.
    empty = tmp_path / "glossary.yaml"
    empty.write_text("# nothing yet\n", encoding="utf-8")
    cache = tmp_path / "cache" if cached else None
    if cached:
        Engine.from_corpus(corpus, glossary_path=empty, cache_dir=cache)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        engine = Engine.from_corpus(corpus, glossary_path=empty, cache_dir=cache)
    assert f"the glossary {empty} is empty" in caplog.text
    assert not engine.ask("Pourquoi Amazon a-t-il suspendu Parler ?").abstained
