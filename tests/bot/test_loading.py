"""Preparing the engine's passages in the background, for the long-running adapters."""

import logging

import pytest

from bot.loading import prepare_in_background
from knowledge.engine import Engine


def test_background_preparation_leaves_the_answers_as_they_were(engine: Engine) -> None:
    before = engine.ask("Qui est John Matze ?")
    prepare_in_background(engine).join(timeout=30)
    assert engine.ask("Qui est John Matze ?") == before


class _Unpreparable:
    def prepare(self) -> int:
        raise OSError("disk gone")


def test_a_failed_preparation_is_one_warning_not_a_crash(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.loading"):
        thread = prepare_in_background(_Unpreparable())  # type: ignore[arg-type]
        thread.join(timeout=30)
    assert not thread.is_alive()
    assert "could not prepare the passages" in caplog.text
    assert "disk gone" in caplog.text
