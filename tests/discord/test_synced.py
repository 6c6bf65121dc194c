"""The note of which server holds the commands: damaged or unwritable, never a failed start."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.discord.synced import SyncedGuild


def test_a_noted_server_is_recalled_and_forgetting_deletes_the_note(tmp_path: Path) -> None:
    note = SyncedGuild(tmp_path / "cache", 42)
    note.remember(1234)
    assert SyncedGuild(tmp_path / "cache", 42).recall() == 1234
    assert SyncedGuild(tmp_path / "cache", 43).recall() is None  # another application's
    note.remember(None)
    assert note.recall() is None
    assert not list((tmp_path / "cache").iterdir())


@pytest.mark.parametrize("text", ["{not json", '{"guild_id": "12"}', "[]", '{"guild_id": true}'])
def test_a_damaged_note_is_ignored_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, text: str
) -> None:
    note = SyncedGuild(tmp_path, 42)
    assert note.path is not None
    note.path.write_text(text, encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert note.recall() is None
    assert str(note.path) in caplog.text


def test_an_unwritable_folder_only_warns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    note = SyncedGuild(blocked / "cache", 42)
    with caplog.at_level(logging.WARNING):
        note.remember(1234)
    assert "if you unset DISCORD_GUILD_ID later, that server keeps its copy" in caplog.text
    assert note.recall() is None


def test_with_the_cache_off_nothing_is_remembered(tmp_path: Path) -> None:
    note = SyncedGuild(None, 42)
    note.remember(1234)
    assert note.recall() is None
