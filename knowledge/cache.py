"""A saved index keyed on what it was built from, so a stale or corrupt one is never used."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

from knowledge.analysis import Analyzer
from knowledge.corpus import Corpus
from knowledge.errors import IndexLoadError
from knowledge.index import FORMAT_VERSION, Index, IndexOptions

log = logging.getLogger(__name__)

ENGINE_VERSION = "0.1.0"


def corpus_digest(corpus: Corpus) -> str:
    """SHA-256 of the passages and their context: what an index is built from."""
    digest = hashlib.sha256()
    titles = {d.id: d.title for d in corpus.documents}
    for passage in corpus.passages:
        for part in (passage.id, titles[passage.doc_id], passage.section or "", passage.text):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\x00")
    return digest.hexdigest()


def index_key(
    corpus: Corpus,
    analyzer: Analyzer,
    options: IndexOptions,
    digest_of_corpus: str | None = None,
) -> str:
    """SHA-256 of the corpus digest, the analyzer, the options and the version.

    `digest_of_corpus` lets a caller keying several indexes on one corpus hash it once.
    """
    header = {
        "version": ENGINE_VERSION,
        "analysis": _analysis_fingerprint(),
        "format": FORMAT_VERSION,
        "analyzer": analyzer.name,
        "options": asdict(options),
        "corpus": digest_of_corpus or corpus_digest(corpus),
    }
    return hashlib.sha256(json.dumps(header, sort_keys=True).encode()).hexdigest()


@lru_cache(maxsize=1)
def _analysis_fingerprint() -> str:
    """The analyzer's code and stop words: changing either must invalidate saved indexes,
    even when nobody remembers to bump a version."""
    from knowledge import analysis

    digest = hashlib.sha256(Path(analysis.__file__).read_bytes())
    digest.update("\n".join(sorted(analysis.stop_words())).encode())
    return digest.hexdigest()


def cached_index(
    corpus: Corpus,
    analyzer: Analyzer,
    options: IndexOptions,
    cache_dir: Path,
    build: Callable[[], Index],
    digest_of_corpus: str | None = None,
) -> Index:
    """Loads the saved index for these inputs, or builds and saves it.

    A corrupt, unreadable or unwritable cache costs a rebuild and a warning, never a crash.
    """
    key = index_key(corpus, analyzer, options, digest_of_corpus)
    path = Path(cache_dir) / f"index-{key[:20]}.npz"
    if path.exists():
        try:
            return Index.load(path, key)
        except IndexLoadError as exc:
            log.warning("rebuilding the index: %s", exc)
    index = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        index.save(path, key)
    except OSError as exc:
        log.warning("could not save the index to %s: %s", path, exc)
    return index
