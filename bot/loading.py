"""Builds the engine the adapters share from the operator's settings."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from bot.settings import Settings

if TYPE_CHECKING:
    from knowledge.engine import Engine

log = logging.getLogger(__name__)


def engine_from_settings(settings: Settings) -> Engine:
    """One engine for the process; settings say which corpus, glossary and thresholds."""
    from knowledge.engine import Engine, EngineOptions

    # Unset thresholds keep the engine's calibrated defaults.
    thresholds = {
        name: value
        for name, value in (
            ("min_coverage", settings.min_coverage),
            ("min_evidence", settings.min_evidence),
        )
        if value is not None
    }
    options = EngineOptions(**thresholds)
    return Engine.from_corpus(
        settings.corpus,
        glossary_path=settings.glossary,
        options=options,
        cache_dir=settings.index_cache,
    )


def prepare_in_background(engine: Engine) -> threading.Thread:
    """Prepares the engine's passages (`Engine.prepare`) in a daemon thread, for
    the adapters that run for long (REPL, Discord): their first answers then cost no more
    than later ones, and the start is not delayed. A one-shot `ask` does not: the thread
    would only compete with its one answer."""

    def prepare() -> None:
        try:
            prepared = engine.prepare()
        except Exception:  # answers still work unprepared; say why, once
            log.warning("could not prepare the passages ahead of questions", exc_info=True)
        else:
            log.debug("prepared %d passages", prepared)

    thread = threading.Thread(target=prepare, name="prepare-passages", daemon=True)
    thread.start()
    return thread
