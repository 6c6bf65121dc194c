"""The stand-in Discord, discord.py pointed at it, and bots started against it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import discord
import pytest
import yarl

from bot.discord import QABot, create_bot
from bot.settings import Settings
from knowledge.engine import Engine
from tests.discord.standin import StandIn


@contextlib.contextmanager
def pointed_at(standin: StandIn) -> Iterator[None]:
    """discord.py's REST base and gateway URL on the stand-in; restored afterwards even
    when the test fails, so no later test can reach Discord by accident."""
    base = discord.http.Route.BASE
    gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = standin.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(standin.gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway


def assert_clean(standin: StandIn) -> None:
    """What every test demands of the bot: only known routes, nothing Discord would
    have refused, nobody pinged."""
    assert not standin.unknown_routes, (
        f"routes the stand-in does not know: {standin.unknown_routes}"
    )
    refused = [(r.method, r.path, e.body()) for r, e in standin.rejections]
    assert not refused, f"requests Discord would refuse: {refused}"
    assert not standin.pings, f"messages that would ping: {standin.pings}"


@pytest.fixture
async def make_standin() -> AsyncIterator[Callable[..., Awaitable[StandIn]]]:
    """Starts stand-ins with options (shards, deadline) and points discord.py at the last."""
    started: list[tuple[StandIn, contextlib.ExitStack]] = []

    async def make(**options: Any) -> StandIn:
        standin = StandIn(**options)
        await standin.start()
        stack = contextlib.ExitStack()
        stack.enter_context(pointed_at(standin))
        started.append((standin, stack))
        return standin

    yield make
    for standin, stack in reversed(started):
        stack.close()
        await standin.close()


@pytest.fixture
async def standin(make_standin: Callable[..., Awaitable[StandIn]]) -> StandIn:
    return await make_standin()


class BotRunner:
    """Starts bots on the session's engine against a stand-in, waits until they are
    ready, and stops them (each test's leftovers at teardown)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.running: dict[QABot, asyncio.Task[None]] = {}

    async def __call__(
        self, standin: StandIn, settings: Settings | None = None, **options: Any
    ) -> QABot:
        options.setdefault("guild_ready_timeout", 0.05)
        options.setdefault("engine", self.engine)
        bot = create_bot(settings or Settings(), **options)
        task = asyncio.create_task(bot.start(standin.token))
        self.running[bot] = task
        deadline = asyncio.get_running_loop().time() + 10
        while not bot.is_ready():
            if task.done():
                task.result()
                raise AssertionError("the bot stopped before it was ready")
            assert asyncio.get_running_loop().time() < deadline, "bot not ready in 10 s"
            await asyncio.sleep(0.01)
        return bot

    async def stop(self, bot: QABot) -> None:
        task = self.running.pop(bot)
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(task, 5)

    async def stop_all(self) -> None:
        for bot in list(self.running):
            await self.stop(bot)


StartBot = BotRunner


@pytest.fixture
async def start_bot(engine: Engine) -> AsyncIterator[BotRunner]:
    runner = BotRunner(engine)
    yield runner
    await runner.stop_all()
