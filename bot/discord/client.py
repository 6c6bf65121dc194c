"""The bot: intents, settings and engine, cogs, persistent buttons and command sync."""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import views
from bot.discord.asking import Asker
from bot.discord.cogs.admin import AdminCog
from bot.discord.cogs.ask import AskCog
from bot.discord.replies import report_error
from bot.discord.synced import SyncedGuild
from bot.settings import Settings

if TYPE_CHECKING:
    from knowledge.engine import Engine

log = logging.getLogger(__name__)

# Discord allows one IDENTIFY per rate-limit bucket (shard id modulo max_concurrency)
# every 5 seconds.
IDENTIFY_INTERVAL = 5.0
# What the bot needs where it answers; the invite link asks for exactly these.
# Replies need Read Message History; answers are embeds, so Embed Links.
INVITE_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    embed_links=True,
    read_message_history=True,
)
INVITE_SCOPES = ("bot", "applications.commands")
# Autocomplete filters this many example questions; the engine gives them in an order
# that covers every article early.
SUGGESTION_POOL = 1000


def intents() -> discord.Intents:
    """Guilds, guild and DM messages: no privileged intent. Discord still sends the
    content of DMs and of messages that mention the bot, which is all it reads."""
    chosen = discord.Intents.none()
    chosen.guilds = True
    chosen.guild_messages = True
    chosen.dm_messages = True
    return chosen


class GuildRefused(discord.DiscordException):
    """Discord refused the commands for DISCORD_GUILD_ID (403): the bot is not in that
    server, or was added to it without the `applications.commands` scope. A setting to
    fix, not a connection failure."""

    def __init__(self, guild_id: int, invite_url: str) -> None:
        super().__init__(
            f"DISCORD_GUILD_ID={guild_id}: Discord refused the bot's commands in that server "
            "(403): the bot is not in it, or was added without the applications.commands "
            f"scope; add it with {invite_url} or unset DISCORD_GUILD_ID"
        )


class QABot(commands.AutoShardedBot):
    """One process, as many shards as Discord recommends or the settings name."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        *,
        reload_on_sighup: bool = False,
        **client_options: Any,
    ) -> None:
        if settings.shard_count is not None:
            client_options.setdefault("shard_count", settings.shard_count)
        if settings.shard_ids is not None:
            client_options.setdefault("shard_ids", list(settings.shard_ids))
        client_options.setdefault("intents", intents())
        client_options.setdefault("allowed_mentions", discord.AllowedMentions.none())
        super().__init__(
            command_prefix=commands.when_mentioned, help_command=None, **client_options
        )
        self.settings = settings
        self.engine = engine
        self.asker = Asker(engine, settings)
        self.suggestion_pool: list[str] = engine.suggestions(limit=SUGGESTION_POOL)
        self.tree.error(self._on_app_command_error)
        self._identified: dict[int, float] = {}
        self._identify_lock = asyncio.Lock()
        self._max_concurrency: int | None = None
        self._reload_lock = asyncio.Lock()
        self._reload_on_sighup = reload_on_sighup

    async def setup_hook(self) -> None:
        from bot.loading import prepare_in_background

        prepare_in_background(self.engine)
        await self.add_cog(AskCog(self))
        await self.add_cog(AdminCog(self))
        if self._reload_on_sighup:
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self._reload_on_signal)
        self.add_dynamic_items(*views.DYNAMIC_ITEMS)
        await self.sync_commands()
        log.info("invite the bot to a server with %s", self.invite_url())

    async def reload_engine(self) -> Engine:
        """Builds a new engine from the settings' corpus in a worker thread, then swaps it
        in one step. Questions already being answered finish on the old engine; if the
        build fails (broken catalog, unreadable article) the old engine keeps serving
        and the error goes to the caller."""
        from bot.loading import engine_from_settings, prepare_in_background

        async with self._reload_lock:
            engine = await asyncio.to_thread(engine_from_settings, self.settings)
            prepare_in_background(engine)
            self.engine = engine
            self.asker.engine = engine
            self.suggestion_pool = engine.suggestions(limit=SUGGESTION_POOL)
            log.info(
                "reloaded: %d articles, %d passages",
                len(engine.documents),
                len(engine.corpus.passages),
            )
            return engine

    def _reload_on_signal(self) -> None:
        task = asyncio.get_running_loop().create_task(self.reload_engine())
        task.add_done_callback(_log_reload_failure)

    def invite_url(self) -> str:
        """The OAuth2 link that adds the bot with its commands and the permissions it uses."""
        if self.application_id is None:
            raise RuntimeError("the application id is known only after login")
        return discord.utils.oauth_url(
            self.application_id, permissions=INVITE_PERMISSIONS, scopes=INVITE_SCOPES
        )

    async def sync_commands(self) -> None:
        """To one guild when DISCORD_GUILD_ID is set (instant, for testing a server),
        else globally (reaches every server, may take a while to show up). The copy an
        earlier start synced to another server is taken back (`synced`)."""
        guild_id = self.settings.discord_guild_id
        if self.application_id is None:
            raise RuntimeError("commands are synced after login, when the application is known")
        note = SyncedGuild(self.settings.index_cache, self.application_id)
        earlier = note.recall()
        if guild_id is not None:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            try:
                synced = await self.tree.sync(guild=guild)
            except discord.Forbidden as exc:
                raise GuildRefused(guild_id, self.invite_url()) from exc
            log.info("synced %d commands to guild %s", len(synced), guild_id)
        else:
            synced = await self.tree.sync()
            log.info("synced %d global commands", len(synced))
        if earlier is not None and earlier != guild_id:
            await self._take_back_commands(earlier)
        note.remember(guild_id)

    async def _take_back_commands(self, guild_id: int) -> None:
        """Removes the copy of the commands an earlier start synced to that server."""
        guild = discord.Object(id=guild_id)
        self.tree.clear_commands(guild=guild)
        try:
            await self.tree.sync(guild=guild)
        except discord.HTTPException as exc:
            # Most likely the bot has left that server, and its commands with it.
            log.warning(
                "could not remove the commands an earlier start synced to guild %s "
                "(%s %s): if the bot is still in that server, it lists them twice",
                guild_id,
                exc.status,
                exc.text or "",
            )
        else:
            log.info("removed the commands an earlier start synced to guild %s", guild_id)

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: the cog's listener handles questions. Without this override
        every mention would be parsed as a command and logged as "command not found"."""

    async def _on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await report_error(interaction, error)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Waits only as Discord requires: 5 s between IDENTIFYs of the same bucket
        (shard id modulo max_concurrency), so large bots start their shards in parallel
        buckets instead of one every 5 s."""
        async with self._identify_lock:
            concurrency = await self._concurrency()
            bucket = (shard_id or 0) % concurrency
            last = self._identified.get(bucket)
            if last is not None:
                wait = IDENTIFY_INTERVAL - (time.monotonic() - last)
                if wait > 0:
                    log.debug("shard %s waits %.1f s before identifying", shard_id, wait)
                    await asyncio.sleep(wait)
            self._identified[bucket] = time.monotonic()

    async def _concurrency(self) -> int:
        if self._max_concurrency is None:
            try:
                limits = await self.fetch_session_start_limits()
                self._max_concurrency = max(1, limits.max_concurrency)
            except discord.DiscordException:
                log.warning("could not read session start limits; identifying one at a time")
                self._max_concurrency = 1
        return self._max_concurrency


def _log_reload_failure(task: asyncio.Task[Engine]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error(
            "reload on SIGHUP failed, still serving the previous articles: %s", task.exception()
        )


def create_bot(
    settings: Settings | None = None, *, engine: Engine | None = None, **client_options: Any
) -> QABot:
    """Builds the bot without connecting. Default settings answer from the bundled seeds;
    `engine` lets callers share one already built; `client_options` go to discord.py."""
    settings = settings or Settings()
    # A text-only bot: discord.py's warnings that voice libraries are missing (PyNaCl,
    # davey) would only alarm the operator.
    discord.VoiceClient.warn_nacl = False
    if hasattr(discord.VoiceClient, "warn_dave"):
        discord.VoiceClient.warn_dave = False
    if engine is None:
        from bot.loading import engine_from_settings

        engine = engine_from_settings(settings)
    return QABot(settings, engine, **client_options)
