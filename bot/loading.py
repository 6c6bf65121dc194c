"""Builds the engine the adapters share from the operator's settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.settings import Settings

if TYPE_CHECKING:
    from knowledge.engine import Engine


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
