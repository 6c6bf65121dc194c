"""The server a bot last synced its commands to, remembered from one start to the next.

Commands synced to one server (DISCORD_GUILD_ID, for instant updates while testing)
stay there when the setting is unset or changed, and that server then lists each
command twice, its copy beside the global one. Discord cannot say which servers hold
a copy without one request per server, so the bot writes down the one it synced to,
and a later start without it (or with another) takes that copy back.

The note lives in the index cache folder: with `index_cache: off` nothing is
remembered, and a copy left behind stays, as it did before.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncedGuild:
    """Where one application's note is kept: `folder` None remembers nothing."""

    folder: Path | None
    application_id: int

    @property
    def path(self) -> Path | None:
        if self.folder is None:
            return None
        return self.folder / f"discord-guild-commands-{self.application_id}.json"

    def recall(self) -> int | None:
        """The server remembered, or None (nothing remembered, or a note unreadable:
        then its copy cannot be taken back, which is only what happened before)."""
        path = self.path
        if path is None:
            return None
        try:
            guild_id = json.loads(path.read_text(encoding="utf-8"))["guild_id"]
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("%s: unreadable, ignored (%s)", path, exc)
            return None
        if not isinstance(guild_id, int) or isinstance(guild_id, bool) or guild_id <= 0:
            log.warning("%s: no server id in it, ignored", path)
            return None
        return guild_id

    def remember(self, guild_id: int | None) -> None:
        """Writes the server down (None: forgets it). A folder that cannot be written
        only costs the clean-up at a later start: a warning, never a failed start."""
        path = self.path
        if path is None:
            return
        if guild_id is None:
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:
                # The next start takes the copy back again: one request, no harm.
                log.warning("cannot delete %s (%s)", path, exc.strerror or exc)
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            scratch = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            scratch.write_text(json.dumps({"guild_id": guild_id}), encoding="utf-8")
            scratch.replace(path)
        except OSError as exc:
            log.warning(
                "cannot note in %s which server has the commands (%s): if you unset "
                "DISCORD_GUILD_ID later, that server keeps its copy of them",
                path.parent,
                exc.strerror or exc,
            )
