"""What every way of asking shares: input rules, the per-user cooldown, retrieval off the loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord import render
from bot.formats import clean_input, too_long
from bot.settings import Settings

if TYPE_CHECKING:
    from knowledge.answer import Answer
    from knowledge.engine import Engine

log = logging.getLogger(__name__)

# Above this many passages a retrieval can take tens of milliseconds or more: it runs in
# a worker thread so the gateway heartbeat and other users' interactions keep flowing.
# Below it, a thread hop costs more than the search itself.
OFF_LOOP_PASSAGES = 5_000
# Discord drops an interaction not acknowledged within 3 seconds. One that has already
# waited this long (a burst of interactions queued behind others) is deferred first.
DEFER_AFTER_SECONDS = 1.0
# With more interactions than this being answered at once, new ones are deferred first:
# a burst otherwise runs every retrieval before the first response leaves the loop.
BUSY_INTERACTIONS = 8
# Longest a mention or DM waits for interactions being answered before it goes ahead.
INTERACTIONS_FIRST_SECONDS = 5.0


class QuestionRejected(app_commands.AppCommandError):
    """A question refused before retrieval; the message is what the user is told."""


class OnCooldown(QuestionRejected):
    """The user asked too often. `first` is False when they were already told so in the
    current window: message replies then stay silent instead of adding noise."""

    def __init__(self, message: str, retry_after: float, first: bool) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.first = first


class Cooldowns:
    """At most `rate` questions per user in any `per`-second window (a sliding window,
    so a burst cannot straddle a fixed window boundary and get twice the rate)."""

    def __init__(self, rate: int, per: float, clock: Callable[[], float] = time.monotonic):
        if rate < 1 or per <= 0:
            raise ValueError(f"need rate >= 1 and per > 0, not rate={rate}, per={per}")
        self.rate = rate
        self.per = per
        self._clock = clock
        self._asked: dict[int, deque[float]] = {}
        self._told: set[int] = set()

    def hit(self, user_id: int, told: bool = True) -> tuple[float, bool] | None:
        """Counts a question; None when allowed, else (seconds to wait, first refusal).
        A refusal the user will not see (`told` False: an edited question, whose old
        answer stays) leaves the next refusal the first, so that one is told."""
        now = self._clock()
        times = self._asked.setdefault(user_id, deque())
        while times and now - times[0] >= self.per:
            times.popleft()
        if len(times) >= self.rate:
            first = user_id not in self._told
            if told:
                self._told.add(user_id)
            return self.per - (now - times[0]), first
        self._told.discard(user_id)
        times.append(now)
        if len(self._asked) > 10_000:
            self._forget(now)
        return None

    def _forget(self, now: float) -> None:
        """Drops users whose window is over, so memory follows active users only."""
        idle = [u for u, t in self._asked.items() if not t or now - t[-1] >= self.per]
        for user_id in idle:
            del self._asked[user_id]
            self._told.discard(user_id)


class Asker:
    """Checks questions at the door and asks the engine; shared by messages, slash
    commands and buttons so they all apply the same rules."""

    def __init__(
        self, engine: Engine, settings: Settings, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.cooldowns = Cooldowns(settings.cooldown_questions, settings.cooldown_seconds, clock)
        self._answering = 0
        self._asking = 0

    @contextlib.contextmanager
    def answering(self) -> Iterator[None]:
        """Counts an interaction being answered, for `must_defer`."""
        self._answering += 1
        try:
            yield
        finally:
            self._answering -= 1

    async def interactions_first(self, limit: float = INTERACTIONS_FIRST_SECONDS) -> None:
        """Messages have no deadline, interactions have 3 seconds: while interactions are
        being answered, a message waits its turn (at most `limit`, so a steady stream of
        interactions cannot starve it)."""
        deadline = time.monotonic() + limit
        while self._answering and time.monotonic() < deadline:
            await asyncio.sleep(0.005)

    @property
    def off_loop(self) -> bool:
        """Whether retrieval runs in a thread, so interactions must be deferred first."""
        return len(self.engine.corpus.passages) > OFF_LOOP_PASSAGES

    def must_defer(self, interaction: discord.Interaction) -> bool:
        """Whether to acknowledge before retrieval: when it runs in a thread, when many
        interactions are being answered, or when this one already used a third of its
        3 seconds waiting (its age comes from its snowflake: it assumes a synced clock)."""
        if self.off_loop or self._answering > BUSY_INTERACTIONS:
            return True
        age = (discord.utils.utcnow() - interaction.created_at).total_seconds()
        return age > DEFER_AFTER_SECONDS

    def check(self, question: str) -> str:
        """The question cleaned as the terminal adapters clean it (invisible and control
        characters dropped: a mention of zero-width spaces is empty, and a direction
        override is never echoed) and stripped; QuestionRejected when empty or too long."""
        question = clean_input(question).strip()
        if not question:
            raise QuestionRejected(render.EMPTY_NOTICE)
        limit = self.settings.max_question_chars
        if len(question) > limit:
            raise QuestionRejected(too_long(len(question), limit))
        return question

    def admit(self, user_id: int, question: str, told: bool = True) -> str:
        """Counts the question against the user's cooldown, then `check`s it: a refusal
        is a reply too, so empty or over-long questions cannot make the bot post past
        the rate either. `told`: whether a cooldown refusal will be shown."""
        self.spend(user_id, told)
        return self.check(question)

    def spend(self, user_id: int, told: bool = True) -> None:
        """Counts one retrieval for the user; OnCooldown when over the rate."""
        refused = self.cooldowns.hit(user_id, told)
        if refused is not None:
            retry_after, first = refused
            notice = render.cooldown_notice(
                retry_after, self.settings.cooldown_questions, self.settings.cooldown_seconds
            )
            raise OnCooldown(notice, retry_after, first)

    async def ask(
        self,
        question: str,
        k: int | None = None,
        *,
        follow_up: Callable[[Engine, str], str] | None = None,
    ) -> Answer:
        """The engine's answer; in a worker thread for a large corpus or during a burst,
        so the loop keeps acknowledging interactions within their 3 seconds. `follow_up`
        turns the question into the one to ask (a "pourquoi ?" joined to the question
        it follows), on the same side of the loop: it reads the question with the
        engine, which may be slow the first time (spelling tables of a large corpus)."""
        k = self.settings.top_k if k is None else k
        engine = self.engine  # a reload swaps it: this question finishes on this one

        def answer() -> Answer:
            asked = question if follow_up is None else follow_up(engine, question)
            return engine.ask(asked, k)

        self._asking += 1
        try:
            if self.off_loop or self._asking > BUSY_INTERACTIONS:
                return await asyncio.to_thread(answer)
            await asyncio.sleep(0)  # let queued interactions be acknowledged first
            return answer()
        finally:
            self._asking -= 1
