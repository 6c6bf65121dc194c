"""A saved index keyed on what it was built from, so a stale or corrupt one is never used."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Protocol, TypeVar

from knowledge import corpus as corpus_module
from knowledge import glossary as glossary_module
from knowledge import sentences
from knowledge.analysis import Analyzer, PairAnalyzer
from knowledge.arrayfile import FORMAT_VERSION as ARRAYS_FORMAT
from knowledge.corpus import (
    CATALOG_NAME,
    Corpus,
    is_article_file,
    load_corpus,
    unread_files,
    unread_subfolders,
)
from knowledge.errors import IndexLoadError
from knowledge.glossary import DEFAULT_GLOSSARY, Glossary, load_glossary
from knowledge.index import FORMAT_VERSION, Index, IndexOptions
from knowledge.packed import FORMAT_VERSION as CORPUS_FORMAT
from knowledge.packed import load_saved_corpus, save_corpus
from knowledge.passage_sentences import FORMAT_VERSION as SENTENCES_FORMAT
from knowledge.passage_sentences import PassageSentences

log = logging.getLogger(__name__)


class _Saveable(Protocol):
    def save(self, path: Path, key: str) -> None: ...


T = TypeVar("T", bound=_Saveable)

ENGINE_VERSION = "0.1.0"
# Saved files that no start has read or written for this many days are deleted: each
# version of a corpus leaves its own (2.7 GB at a million passages), and a folder that
# only grows would fill the operator's disk.
UNUSED_DAYS = 7
# The names this module saves under (a key's first 20 hex digits; .npz from older
# versions; a writer's temporary file): nothing else in the folder is ever deleted.
_SAVED_NAME = re.compile(
    r"(?:(?:corpus|index|sentences)-[0-9a-f]{20}\.(?:arrays|npz)|glossary-[0-9a-f]{20}\.json)"
    r"(?:\.\d+)?(?:\.tmp)?"
)


def corpus_digest(corpus: Corpus) -> str:
    """SHA-256 of the passages and their context: what an index is built from."""
    digest = hashlib.sha256()
    titles = {d.id: d.title for d in corpus.documents}
    for passage in corpus.passages:
        for part in (passage.id, titles[passage.doc_id], passage.section or "", passage.text):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\x00")
    return digest.hexdigest()


def source_digest(path: Path) -> str:
    """SHA-256 of the corpus as stored (its files' names and bytes) and of the parser's
    code: everything its passages come from. Hashing bytes is far quicker than parsing
    them, so an unchanged corpus is recognised before it is read."""
    digest = hashlib.sha256(ENGINE_VERSION.encode())
    # Where it is, too: a saved corpus names its files' paths.
    digest.update(str(path.resolve()).encode("utf-8", "surrogatepass") + b"\x00")
    for module in (corpus_module, sentences):
        digest.update(Path(module.__file__ or "").read_bytes())
    if path.is_dir():
        entries = sorted(path.iterdir())
        files = [p for p in entries if is_article_file(p) or p.name == CATALOG_NAME]
        # The subfolders and other files a load warns of: a saved copy must not re-tell
        # a warning about one since removed, nor keep quiet about one since added.
        for name in unread_subfolders(entries):
            digest.update(b"folder:" + name.encode("utf-8", "surrogatepass") + b"\x00")
        for name in unread_files(entries):
            digest.update(b"other:" + name.encode("utf-8", "surrogatepass") + b"\x00")
    else:
        files = [path]
    for file in files:
        digest.update(file.name.encode("utf-8", "surrogatepass") + b"\x00")
        with file.open("rb") as handle:
            digest.update(hashlib.file_digest(handle, "sha256").digest())
    return digest.hexdigest()


def _is_saved(path: Path) -> bool:
    """Whether a saved file is there. A cache folder this user may not look into holds
    none it can read: the thing is built, and saving it warns (`_could_not_save`)."""
    try:
        return path.exists()
    except OSError:
        return False


def mark_used(path: Path) -> None:
    """Records that a start read `path` (its access time; its modification time stays
    what the save wrote), so that `prune` keeps it."""
    with contextlib.suppress(OSError):
        os.utime(path, ns=(time.time_ns(), path.stat().st_mtime_ns))


def prune(cache_dir: Path, unused_days: float = UNUSED_DAYS) -> int:
    """Deletes the saved files (this module's names only, nothing else in the folder)
    that no start has used for `unused_days`; returns how many. Files another corpus
    still uses are kept as long as it starts now and then."""
    cutoff = time.time() - unused_days * 86_400
    removed = 0
    try:
        entries = list(os.scandir(cache_dir))
    except OSError:
        return 0
    for entry in entries:
        if not _SAVED_NAME.fullmatch(entry.name):
            continue
        try:
            stat = entry.stat(follow_symlinks=False)
            if entry.is_file(follow_symlinks=False) and max(stat.st_atime, stat.st_mtime) < cutoff:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    if removed:
        log.info(
            "removed %d saved file(s) unused for %g days from %s", removed, unused_days, cache_dir
        )
    return removed


# Folders a save already failed in: a start saves up to five files, and an unwritable
# folder is one problem, told once.
_UNWRITABLE: set[Path] = set()


def _could_not_save(what: str, path: Path, exc: OSError) -> None:
    folder = path.parent
    if folder in _UNWRITABLE:
        log.debug("could not save the %s to %s: %s", what, path, exc)
        return
    _UNWRITABLE.add(folder)
    log.warning(
        "could not save the %s to %s: %s (answers still work, rebuilt at each start; "
        "further failures to save there are not reported)",
        what,
        path,
        exc,
    )


def cached_corpus(path: Path, cache_dir: Path) -> tuple[Corpus, str]:
    """The corpus, read from its saved copy when its files are unchanged (else parsed
    and saved), with the digest its indexes are keyed on.

    A corrupt, unreadable or unwritable saved copy costs a re-read and a warning.
    """
    try:
        source = source_digest(path)
    except OSError:
        corpus = load_corpus(path)  # says clearly what is wrong with the path
        return corpus, corpus_digest(corpus)
    formats = f"{FORMAT_VERSION}:{CORPUS_FORMAT}:{ARRAYS_FORMAT}"
    key = hashlib.sha256(f"{formats}:{source}".encode()).hexdigest()
    saved = cache_dir / f"corpus-{key[:20]}.arrays"
    if _is_saved(saved):
        try:
            corpus = load_saved_corpus(saved, key)
        except IndexLoadError as exc:
            log.warning("re-reading the corpus: %s", exc)
        else:
            mark_used(saved)
            for warning in corpus.warnings:
                log.warning("%s", warning)
            return corpus, source
    corpus = load_corpus(path)
    try:
        saved.parent.mkdir(parents=True, exist_ok=True)
        save_corpus(corpus, saved, key)
    except OSError as exc:
        _could_not_save("corpus", saved, exc)
    return corpus, source


def index_key(
    analyzer: Analyzer | PairAnalyzer, options: IndexOptions, digest_of_corpus: str
) -> str:
    """SHA-256 of the corpus digest (`source_digest` or `corpus_digest`), the analyzer,
    the options and the version."""
    header = {
        "version": ENGINE_VERSION,
        "analysis": _analysis_fingerprint(),
        "format": FORMAT_VERSION,
        "arrays": ARRAYS_FORMAT,
        "analyzer": analyzer.name,
        "options": asdict(options),
        "corpus": digest_of_corpus,
    }
    return hashlib.sha256(json.dumps(header, sort_keys=True).encode()).hexdigest()


@lru_cache(maxsize=1)
def _analysis_fingerprint() -> str:
    """The analyzer's code and stop words: changing either must invalidate saved indexes,
    even when nobody remembers to bump a version."""
    from knowledge import analysis, termids

    digest = hashlib.sha256(Path(analysis.__file__).read_bytes())
    digest.update(Path(termids.__file__).read_bytes())
    digest.update("\n".join(sorted(analysis.stop_words())).encode())
    return digest.hexdigest()


def cached_index(
    analyzer: Analyzer | PairAnalyzer,
    options: IndexOptions,
    cache_dir: Path,
    build: Callable[[], Index],
    digest_of_corpus: str,
    words: Mapping[str, int] | None = None,
) -> Index:
    """Loads the saved index for these inputs, or builds and saves it (`words`: the
    word index's vocabulary, which a word-pair index is coded with).

    A corrupt, unreadable or unwritable cache costs a rebuild and a warning, never a crash.
    """
    key = index_key(analyzer, options, digest_of_corpus)
    path = Path(cache_dir) / f"index-{key[:20]}.arrays"
    return _load_or_build(path, key, "index", lambda: Index.load(path, key, words), build)


def _load_or_build(
    path: Path, key: str, what: str, load: Callable[[], T], build: Callable[[], T]
) -> T:
    """The saved thing at `path`, else built and saved there (`what` names it in the
    warnings): a corrupt, unreadable or unwritable file costs a rebuild, never a crash."""
    if _is_saved(path):
        try:
            loaded = load()
        except IndexLoadError as exc:
            log.warning("rebuilding the %s: %s", what, exc)
        else:
            mark_used(path)
            return loaded
    built = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        built.save(path, key)
    except OSError as exc:
        _could_not_save(what, path, exc)
    return built


def sentences_key(analyzer: Analyzer, digest_of_corpus: str) -> str:
    """SHA-256 of what a passage's sentences and their terms depend on: the corpus, the
    analyzer and its code, and the version of both file formats."""
    header = {
        "version": ENGINE_VERSION,
        "analysis": _analysis_fingerprint(),
        "format": FORMAT_VERSION,
        "sentences": SENTENCES_FORMAT,
        "arrays": ARRAYS_FORMAT,
        "analyzer": analyzer.name,
        "corpus": digest_of_corpus,
    }
    return hashlib.sha256(json.dumps(header, sort_keys=True).encode()).hexdigest()


def cached_sentences(
    analyzer: Analyzer,
    cache_dir: Path,
    build: Callable[[], PassageSentences],
    digest_of_corpus: str,
    width: int,
    passages: int,
) -> PassageSentences:
    """Loads the saved sentences for these inputs (`width`: the word index's columns,
    `passages`: how many), or builds and saves them; like `cached_index`, a corrupt,
    unreadable or unwritable file costs a rebuild and a warning, never a crash."""
    key = sentences_key(analyzer, digest_of_corpus)
    path = Path(cache_dir) / f"sentences-{key[:20]}.arrays"

    def load() -> PassageSentences:
        return PassageSentences.load(path, key, width, passages)

    return _load_or_build(path, key, "sentences", load, build)


def cached_glossary(path: str | Path | None, cache_dir: Path) -> Glossary:
    """The glossary, from a JSON copy saved under the digest of its file and of the code
    that reads it (parsing the YAML took a fifth of a start), else read and saved.

    A bad glossary file still raises GlossaryError (nothing is saved for it); an
    unreadable or unwritable copy costs a re-read and a warning.
    """
    source = Path(path) if path is not None else DEFAULT_GLOSSARY
    try:
        digest = hashlib.sha256(Path(glossary_module.__file__ or "").read_bytes())
        digest.update(source.read_bytes())
    except OSError:
        return load_glossary(path)  # says clearly what is wrong with the path
    saved = cache_dir / f"glossary-{digest.hexdigest()[:20]}.json"
    if _is_saved(saved):
        try:
            data = json.loads(saved.read_text(encoding="utf-8"))
            groups = tuple(tuple(group) for group in data["groups"])
            cues = {key: tuple(words) for key, words in data["cues"].items()}
            if not all(
                isinstance(p, str) for g in (*groups, *cues.values(), tuple(cues)) for p in g
            ):
                raise ValueError("not a saved glossary")
            mark_used(saved)
            return Glossary(groups, cues)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("re-reading the glossary: %s: %s", saved, exc)
    glossary = load_glossary(path)
    data = {"groups": glossary.groups, "cues": glossary.cues}
    tmp = saved.with_name(f"{saved.name}.{os.getpid()}.tmp")
    try:
        saved.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        tmp.replace(saved)
    except OSError as exc:
        _could_not_save("glossary", saved, exc)
    return glossary
