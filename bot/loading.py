"""Builds the engine the adapters share from the operator's settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.settings import Settings

if TYPE_CHECKING:
    from knowledge.engine import Engine


def engine_from_settings(settings: Settings) -> Engine:
    """One engine for the process; settings say which corpus, glossary and threshold."""
    from knowledge.engine import DEFAULT_MIN_COVERAGE, Engine, EngineOptions

    min_coverage = settings.min_coverage
    options = EngineOptions(
        min_coverage=DEFAULT_MIN_COVERAGE if min_coverage is None else min_coverage
    )
    return Engine.from_corpus(
        settings.corpus,
        glossary_path=settings.glossary,
        options=options,
        cache_dir=settings.index_cache,
    )
