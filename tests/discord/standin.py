"""A strict stand-in for Discord on 127.0.0.1: the REST routes and the zlib-stream gateway
discord.py uses, so tests drive the real client and fail where Discord would refuse.

`rules.py` holds what it checks, as Discord does: message limits (content 2,000, embed
title 256, description 4,096, field name 256 and value 1,024, footer 2,048, 6,000 in all,
10 embeds, 25 fields) -> 50035; an empty message, or an edit that empties one -> 50006;
components (5 action rows of 5 buttons, custom_id 1-100 characters, unique in a
message); autocomplete (25 choices, names and values 1-100 characters); command
definitions. This module adds the timing rules (an interaction callback after 3 seconds
-> 10062, a second callback -> 40060, a follow-up before any callback -> 10015) and
those of a channel without Embed Links (an embed alone -> 50013, embeds beside text or
in an edit dropped). `world.py` builds the payloads.

Every request is recorded (`requests`), refusals are listed (`rejections`), and so are
messages that would ping someone (`pings`). A route it does not know is answered 404 and
listed in `unknown_routes`; the test fixture fails on any of these, so new API use gets
noticed and added here.

For load tests and fault injection: `force()` queues responses for a route
(`rate_limit()` and `server_error()` build the usual ones, 429 with a `Via` header as
Discord sends it), `delay()` slows a route down, `drop()` closes a shard's websocket so
the client RESUMEs (events sent meanwhile are replayed), and `running_in_thread()` serves
it from its own thread so it does not share the bot's event loop: drive it there with
`asyncio.run_coroutine_threadsafe(..., standin.loop)`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import threading
import time
import zlib
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.discord.rules import (
    EPHEMERAL,
    INTERACTION_DEADLINE,
    LOADING,
    PRIVILEGED_INTENTS,
    ROLE_MENTION,
    Rejection,
    pings,
    validate_choices,
    validate_commands,
    validate_message,
)
from tests.discord.world import (
    Channel,
    Guild,
    Role,
    Snowflakes,
    User,
    guild_id_for_shard,
    guild_payload,
    member_payload,
    message_payload,
    now_iso,
)

API = "/api/v10"
# Every permission bit Discord defines (what an administrator has).
ALL_PERMISSIONS = 562949953421311

__all__ = [
    "EPHEMERAL",
    "LOADING",
    "PRIVILEGED_INTENTS",
    "Channel",
    "Guild",
    "Interaction",
    "Rejection",
    "StandIn",
    "User",
    "guild_id_for_shard",
    "running_in_thread",
]


@dataclass
class Recorded:
    """One request the client made, and what the stand-in answered."""

    method: str
    route: str
    path: str
    query: dict[str, str]
    body: Any
    status: int = 0
    response: Any = None
    at: float = field(default_factory=time.monotonic)


@dataclass
class Forced:
    status: int
    body: Any
    headers: dict[str, str]


@dataclass
class Interaction:
    """An interaction the stand-in sent, and everything the bot answered to it."""

    id: int
    token: str
    type: int
    payload: dict[str, Any]
    created: float
    callback_type: int | None = None
    callback: dict[str, Any] | None = None
    message_ids: list[int] = field(default_factory=list)
    original_id: int | None = None
    rejected: list[int] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def acknowledged(self) -> bool:
        return self.callback_type is not None


@dataclass
class Session:
    """One gateway connection of one shard, with its event log for RESUME."""

    session_id: str
    shard_id: int
    shard_count: int
    ws: web.WebSocketResponse
    compress: zlib._Compress | None
    identify: dict[str, Any]
    seq: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)
    resumes: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


Handler = Callable[[web.Request, dict[str, str], Any], Awaitable[Any]]


class StandIn:
    """The fake Discord. Start it, point discord.py at `api_base` and `gateway_url`, then
    drive users: `send_message`, `slash`, `autocomplete`, `click`."""

    def __init__(
        self,
        *,
        shards: int = 1,
        max_concurrency: int = 1,
        token: str = "test-token.standin.secret",
        interaction_deadline: float = INTERACTION_DEADLINE,
    ) -> None:
        self.token = token
        self.recommended_shards = shards
        self.max_concurrency = max_concurrency
        self.interaction_deadline = interaction_deadline
        self.snowflake = Snowflakes()
        self.app_id = self.snowflake()
        self.bot = User(self.app_id, "Parler QA", bot=True)
        self.owner = User(self.snowflake(), "operator")
        self.alice = User(self.snowflake(), "alice")
        self.bob = User(self.snowflake(), "bob")
        self.other_bot = User(self.snowflake(), "helper-bot", bot=True)
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self._made_by_bot: set[int] = set()
        self.requests: list[Recorded] = []
        self.unknown_routes: list[str] = []
        self.rejections: list[tuple[Recorded, Rejection]] = []
        self.pings: list[tuple[str, list[str]]] = []
        self.interactions: dict[int, Interaction] = {}
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.sessions: dict[str, Session] = {}
        self.identified: list[tuple[int, int]] = []
        self._forced: dict[tuple[str, str], deque[Forced]] = defaultdict(deque)
        self._delays: dict[tuple[str, str], float] = {}
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._routes: list[tuple[str, re.Pattern[str], str, Handler]] = []
        self._add_routes()
        self.guild = self.add_guild("Parler watchers")

    # ------------------------------------------------------------------ world

    def add_guild(self, name: str, guild_id: int | None = None) -> Guild:
        guild_id = guild_id or self.snowflake()
        guild = Guild(
            id=guild_id,
            name=name,
            channels=[Channel(self.snowflake(), "general", guild_id)],
            roles=[
                Role(guild_id, "@everyone", position=0),
                Role(self.snowflake(), "Parler QA", managed=True, bot_id=self.bot.id),
                Role(self.snowflake(), "moderators"),
            ],
            members=[self.bot, self.owner, self.alice, self.bob, self.other_bot],
        )
        self.guilds[guild.id] = guild
        for channel in guild.channels:
            self.channels[channel.id] = channel
        return guild

    def add_thread(self, name: str, *, announced: bool = True) -> Channel:
        """A public thread in the guild's channel, started by Alice. Announced, it comes
        with the guild (GUILD_CREATE's `threads`), as threads active at connection do;
        otherwise the bot has never heard of it when a message arrives there."""
        thread = Channel(
            self.snowflake(),
            name,
            self.guild.id,
            parent_id=self.guild.channel.id,
            starter_id=self.alice.id,
        )
        if announced:
            self.guild.threads.append(thread)
        self.channels[thread.id] = thread
        return thread

    def dm_channel(self, user: User) -> Channel:
        for channel in self.channels.values():
            if channel.is_dm and channel.recipient == user:
                return channel
        channel = Channel(self.snowflake(), "dm", None, recipient=user)
        self.channels[channel.id] = channel
        return channel

    def shard_of(self, channel: Channel, shard_count: int) -> int:
        if channel.guild_id is None:
            return 0  # DMs go to shard 0
        return (channel.guild_id >> 22) % shard_count

    # ------------------------------------------------------------------ life cycle

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.base_url}{API}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()  # drive it from another thread with this
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def close(self) -> None:
        for session in list(self.sessions.values()):
            with contextlib.suppress(Exception):
                await session.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # ------------------------------------------------------------------ fault injection

    def force(
        self,
        method: str,
        route: str,
        *,
        status: int,
        body: Any = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """The next `times` requests to `method route` (a template such as
        `/channels/{channel_id}/messages`) get this response instead of the real one."""
        self._known_route(method, route)
        for _ in range(times):
            self._forced[(method, route)].append(Forced(status, body, headers or {}))

    def rate_limit(
        self, method: str, route: str, *, retry_after: float = 0.05, times: int = 1
    ) -> None:
        """A 429 as Discord sends it: with `Via`, else discord.py assumes a Cloudflare ban."""
        body = {"message": "You are being rate limited.", "retry_after": retry_after}
        body["global"] = False
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(max(1, round(retry_after))),
            "X-RateLimit-Scope": "user",
        }
        self.force(method, route, status=429, body=body, headers=headers, times=times)

    def server_error(self, method: str, route: str, *, times: int = 1) -> None:
        self.force(
            method, route, status=500, body={"message": "500: Internal Server Error", "code": 0}
        )

    def delay(self, method: str, route: str, seconds: float) -> None:
        """Slows every response of a route, e.g. to push a bot past a deadline."""
        self._known_route(method, route)
        self._delays[(method, route)] = seconds

    async def drop(self, shard_id: int = 0, code: int = 4000) -> None:
        """Closes a shard's websocket as Discord does on a hiccup; the client should
        reconnect and RESUME (codes 4000-4009 except 4004) or IDENTIFY anew."""
        for session in self.sessions.values():
            if session.shard_id == shard_id and not session.ws.closed:
                await session.ws.close(code=code, message=b"stand-in drop")

    def _known_route(self, method: str, route: str) -> None:
        if not any(m == method and name == route for m, _, name, _ in self._routes):
            raise ValueError(f"the stand-in has no route {method} {route}")

    # ------------------------------------------------------------------ waiting

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Waits until `predicate()` is truthy: re-checked after every request or gateway
        event, and every 50 ms for conditions outside the stand-in (logs, bot state)."""

        async def check() -> Any:
            async with self._changed:
                while not (result := predicate()):
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._changed.wait(), 0.05)
                return result

        return await asyncio.wait_for(check(), timeout)

    def sent(self, route: str | None = None, method: str | None = None) -> list[Recorded]:
        return [
            r
            for r in self.requests
            if (route is None or r.route == route) and (method is None or r.method == method)
        ]

    def channel_messages(self, channel: Channel) -> list[dict[str, Any]]:
        return [m for m in self.messages.values() if m["channel_id"] == str(channel.id)]

    def bot_messages(self, channel: Channel | None = None) -> list[dict[str, Any]]:
        """Messages the bot made through the API, in order."""
        return [
            m
            for i, m in self.messages.items()
            if i in self._made_by_bot and (channel is None or m["channel_id"] == str(channel.id))
        ]

    async def wait_reply_to(self, message: dict[str, Any], timeout: float = 5.0) -> dict:
        """The bot's message that replies to `message`."""

        def find() -> dict | None:
            for m in self.bot_messages():
                if (m.get("message_reference") or {}).get("message_id") == message["id"]:
                    return m
            return None

        return await self.wait_for(find, timeout)

    async def wait_messages(self, interaction: Interaction, count: int = 1, timeout=5.0):
        """The first `count` finished messages the bot sent for an interaction."""

        def done() -> list[dict] | None:
            found = [self.messages[i] for i in interaction.message_ids]
            found = [m for m in found if not m["flags"] & LOADING]
            return found[:count] if len(found) >= count else None

        return await self.wait_for(done, timeout)

    async def wait_callback(self, interaction: Interaction, timeout: float = 5.0) -> dict:
        await self.wait_for(lambda: interaction.acknowledged, timeout)
        assert interaction.callback is not None
        return interaction.callback

    async def wait_identified(self, count: int, timeout: float = 10.0) -> None:
        await self.wait_for(lambda: len(self.identified) >= count, timeout)

    # ------------------------------------------------------------------ driving users

    def mention(self, text: str) -> str:
        return f"<@{self.bot.id}> {text}"

    async def send_message(
        self,
        content: str,
        *,
        author: User | None = None,
        channel: Channel | None = None,
        reference: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A user posts a message; MESSAGE_CREATE goes to the shard serving its channel."""
        author = author or self.alice
        channel = channel or self.guild.channel
        message = self._user_message(self.snowflake(), content, author, channel, reference)
        self.messages[int(message["id"])] = message
        await self.dispatch(channel, "MESSAGE_CREATE", message)
        return message

    async def forward_message(
        self, source: dict[str, Any], *, author: User, channel: Channel
    ) -> dict[str, Any]:
        """A user forwards a message: Discord's forward has no content of its own, a
        reference of type 1 and the forwarded message's text in `message_snapshots`."""
        forward = self._user_message(self.snowflake(), "", author, channel, None)
        forward["message_reference"] = {
            "type": 1,
            "message_id": source["id"],
            "channel_id": source["channel_id"],
            **({"guild_id": source["guild_id"]} if source.get("guild_id") else {}),
        }
        snapshot = {
            key: source[key]
            for key in ("content", "embeds", "attachments", "type", "timestamp", "flags")
        }
        snapshot.update(edited_timestamp=None, mentions=[], mention_roles=[], components=[])
        forward["message_snapshots"] = [{"message": snapshot}]
        self.messages[int(forward["id"])] = forward
        await self.dispatch(channel, "MESSAGE_CREATE", forward)
        return forward

    async def edit_message(self, message: dict[str, Any], content: str) -> dict[str, Any]:
        """The user edits their message; MESSAGE_UPDATE carries it whole, as Discord's does."""
        channel = self._channel(message["channel_id"])
        author = next(u for u in self._all_users() if str(u.id) == message["author"]["id"])
        reference = message.get("referenced_message")
        edited = self._user_message(int(message["id"]), content, author, channel, reference)
        edited["timestamp"] = message["timestamp"]
        edited["edited_timestamp"] = now_iso()
        self.messages[int(message["id"])] = edited
        await self.dispatch(channel, "MESSAGE_UPDATE", edited)
        return edited

    async def delete_message(self, message: dict[str, Any]) -> None:
        """The user (or a moderator) deletes a message; MESSAGE_DELETE carries its ids."""
        channel = self._channel(message["channel_id"])
        self.messages.pop(int(message["id"]), None)
        data = {"id": message["id"], "channel_id": message["channel_id"]}
        if channel.guild_id:
            data["guild_id"] = str(channel.guild_id)
        await self.dispatch(channel, "MESSAGE_DELETE", data)

    def _user_message(
        self,
        message_id: int,
        content: str,
        author: User,
        channel: Channel,
        reference: dict[str, Any] | None,
    ) -> dict[str, Any]:
        guild = self.guilds.get(channel.guild_id) if channel.guild_id else None
        mentioned = [
            u
            for u in self._all_users()
            if re.search(rf"<@!?{u.id}>", content)
            or (reference and reference["author"]["id"] == str(u.id))
        ]
        role_ids = [int(r) for r in ROLE_MENTION.findall(content)]
        mentions = [u.payload() for u in mentioned]
        if guild is not None:
            for user, payload in zip(mentioned, mentions, strict=True):
                payload["member"] = member_payload(guild, user, with_user=False)
        message = message_payload(
            message_id,
            channel,
            author,
            content=content,
            mentions=mentions,
            mention_roles=[str(r) for r in role_ids],
            mention_everyone="@everyone" in content or "@here" in content,
        )
        if reference is not None:
            message["type"] = 19
            message["message_reference"] = {
                "message_id": reference["id"],
                "channel_id": reference["channel_id"],
                "guild_id": str(channel.guild_id) if channel.guild_id else None,
            }
            message["referenced_message"] = reference
        if guild is not None:
            message["member"] = member_payload(guild, author, with_user=False)
        return message

    async def slash(
        self,
        name: str,
        *,
        user: User | None = None,
        channel: Channel | None = None,
        permissions: int | None = None,
        **options: Any,
    ) -> Interaction:
        """A user runs `/name option=value...` as synced by the bot; `permissions` are
        the member's in the channel (default: all)."""
        channel = channel or self.guild.channel
        command = self._command(name, channel)
        data = {
            "id": command["id"],
            "name": name,
            "type": 1,
            "options": self._options(command, options, focused=None),
        }
        if channel.guild_id:
            data["guild_id"] = str(channel.guild_id)
        return await self._interact(2, data, user or self.alice, channel, permissions=permissions)

    async def autocomplete(
        self,
        name: str,
        focused: str,
        *,
        user: User | None = None,
        channel: Channel | None = None,
        **options: Any,
    ) -> list[dict[str, Any]]:
        """A user types in option `focused` of `/name`; returns the choices offered."""
        channel = channel or self.guild.channel
        command = self._command(name, channel)
        data = {
            "id": command["id"],
            "name": name,
            "type": 1,
            "options": self._options(command, options, focused=focused),
        }
        interaction = await self._interact(4, data, user or self.alice, channel)
        callback = await self.wait_callback(interaction)
        assert interaction.callback_type == 8, interaction.callback_type
        return callback["data"]["choices"]

    async def click(
        self, message: dict[str, Any], custom_id: str, *, user: User | None = None
    ) -> Interaction:
        """A user clicks the button `custom_id` under `message` (as stored here)."""
        message = self.messages[int(message["id"])]
        buttons = [c for row in message.get("components") or [] for c in row.get("components", [])]
        button = next((b for b in buttons if b.get("custom_id") == custom_id), None)
        assert button is not None, f"no button {custom_id!r} in {buttons}"
        assert not button.get("disabled"), f"button {custom_id!r} is disabled"
        channel = self.channels[int(message["channel_id"])]
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._interact(3, data, user or self.alice, channel, message=message)

    def buttons(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        message = self.messages[int(message["id"])]
        return [c for row in message.get("components") or [] for c in row.get("components", [])]

    def _all_users(self) -> list[User]:
        return [self.bot, self.owner, self.alice, self.bob, self.other_bot]

    def _command(self, name: str, channel: Channel) -> dict[str, Any]:
        commands = list(self.global_commands)
        if channel.guild_id:
            commands += self.guild_commands.get(channel.guild_id, [])
        for command in commands:
            if command["name"] == name:
                return command
        raise AssertionError(f"/{name} was not synced (have {[c['name'] for c in commands]})")

    @staticmethod
    def _options(command: dict, values: dict[str, Any], focused: str | None) -> list[dict]:
        declared = {o["name"]: o for o in command.get("options", [])}
        options = []
        for name, value in values.items():
            assert name in declared, f"/{command['name']} has no option {name!r}"
            option = {"name": name, "type": declared[name]["type"], "value": value}
            if name == focused:
                option["focused"] = True
            options.append(option)
        for name, option in declared.items():
            if option.get("required") and name not in values:
                raise AssertionError(f"/{command['name']} needs option {name!r}")
        return options

    async def _interact(
        self,
        kind: int,
        data: dict[str, Any],
        user: User,
        channel: Channel,
        message: dict[str, Any] | None = None,
        permissions: int | None = None,
    ) -> Interaction:
        interaction_id = self.snowflake()
        token = f"interaction-token-{interaction_id}"
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.app_id),
            "type": kind,
            "data": data,
            "token": token,
            "version": 1,
            "channel_id": str(channel.id),
            "channel": channel.payload(),
            "app_permissions": str(ALL_PERMISSIONS),
            "locale": "fr",
            "attachment_size_limit": 10 * 1024 * 1024,
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(channel.guild_id or user.id)},
            "context": 1 if channel.is_dm else 0,
        }
        if channel.guild_id:
            guild = self.guilds[channel.guild_id]
            payload["guild_id"] = str(guild.id)
            payload["guild_locale"] = "fr"
            payload["guild"] = {"id": str(guild.id), "locale": "fr", "features": []}
            payload["member"] = {
                **member_payload(guild, user),
                "permissions": str(ALL_PERMISSIONS if permissions is None else permissions),
            }
        else:
            payload["user"] = user.payload()
        if message is not None:
            payload["message"] = message
        interaction = Interaction(
            id=interaction_id,
            token=token,
            type=kind,
            payload=payload,
            created=time.monotonic(),
        )
        self.interactions[interaction_id] = interaction
        await self.dispatch(channel, "INTERACTION_CREATE", payload)
        return interaction

    # ------------------------------------------------------------------ gateway

    async def dispatch(self, channel: Channel, event: str, data: dict[str, Any]) -> None:
        """Sends an event on the session serving `channel` (by guild shard; DMs: shard 0)."""
        sessions = [s for s in self.sessions.values() if not s.ws.closed]
        if not sessions:
            sessions = list(self.sessions.values())
        assert sessions, "no gateway session: is the bot connected?"
        shard_count = sessions[0].shard_count
        shard = self.shard_of(channel, shard_count)
        targets = [s for s in self.sessions.values() if s.shard_id == shard]
        assert targets, f"no session for shard {shard}"
        await self._send_dispatch(targets[-1], event, data)

    async def _send_dispatch(self, session: Session, event: str, data: dict[str, Any]):
        session.seq += 1
        frame = {"op": 0, "t": event, "s": session.seq, "d": data}
        session.sent.append(frame)
        if not session.ws.closed:
            await self._send(session, frame)

    async def _send(self, session: Session, frame: dict[str, Any]) -> None:
        raw = json.dumps(frame).encode()
        async with session.lock:
            if session.ws.closed:
                return
            if session.compress is not None:
                data = session.compress.compress(raw) + session.compress.flush(zlib.Z_SYNC_FLUSH)
                await session.ws.send_bytes(data)
            else:
                await session.ws.send_str(raw.decode())

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        compress = zlib.compressobj() if request.query.get("compress") == "zlib-stream" else None
        assert request.query.get("v") == "10", request.query
        assert request.query.get("encoding") == "json", request.query
        pending = Session("", -1, 0, ws, compress, {})
        await self._send(pending, {"op": 10, "d": {"heartbeat_interval": 41250}, "s": None})
        session: Session | None = None
        async for msg in ws:
            if msg.type != WSMsgType.TEXT and msg.type != WSMsgType.BINARY:
                break
            frame = json.loads(msg.data)
            op = frame.get("op")
            if op == 1:
                await self._send(session or pending, {"op": 11, "d": None, "s": None})
            elif op == 2:
                session = await self._identify(pending, frame["d"])
                if session is None:
                    break
            elif op == 6:
                session = await self._resume(pending, frame["d"])
            elif op in (3, 4, 8):
                pass  # presence, voice, member requests: accepted, nothing to do
            else:
                await ws.close(code=4001, message=b"Unknown opcode")
        await self._notify()
        return ws

    async def _identify(self, pending: Session, data: dict[str, Any]) -> Session | None:
        ws = pending.ws
        if data.get("token") != self.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return None
        if data.get("intents", 0) & PRIVILEGED_INTENTS:
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return None
        shard_id, shard_count = data.get("shard", [0, 1])
        if not 0 <= shard_id < shard_count:
            await ws.close(code=4010, message=b"Invalid shard.")
            return None
        session = Session(
            session_id=f"session-{self.snowflake()}",
            shard_id=shard_id,
            shard_count=shard_count,
            ws=ws,
            compress=pending.compress,
            identify=data,
        )
        self.sessions[session.session_id] = session
        self.identified.append((shard_id, shard_count))
        guilds = [g for g in self.guilds.values() if g.shard(shard_count) == shard_id]
        ready = {
            "v": 10,
            "user": {**self.bot.payload(), "verified": True, "mfa_enabled": False},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.session_id,
            "resume_gateway_url": self.gateway_url,
            "shard": [shard_id, shard_count],
            "application": {"id": str(self.app_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "user_settings": {},
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "auth": {},
        }
        await self._send_dispatch(session, "READY", ready)
        for guild in guilds:
            await self._send_dispatch(
                session, "GUILD_CREATE", guild_payload(guild, self.owner, self.bot)
            )
        await self._notify()
        return session

    async def _resume(self, pending: Session, data: dict[str, Any]) -> Session | None:
        session = self.sessions.get(data.get("session_id", ""))
        if session is None or data.get("token") != self.token:
            await self._send(pending, {"op": 9, "d": False, "s": None})
            return None
        session.ws = pending.ws
        session.compress = pending.compress
        session.resumes += 1
        for frame in session.sent:
            if frame["s"] > (data.get("seq") or 0):
                await self._send(session, frame)
        await self._send_dispatch(session, "RESUMED", {})
        await self._notify()
        return session

    # ------------------------------------------------------------------ REST

    def _add_routes(self) -> None:
        table: list[tuple[str, str, Handler]] = [
            ("GET", "/users/@me", self._get_me),
            ("GET", "/oauth2/applications/@me", self._get_application),
            ("GET", "/gateway", self._get_gateway),
            ("GET", "/gateway/bot", self._get_gateway_bot),
            ("PUT", "/applications/{application_id}/commands", self._put_commands),
            (
                "PUT",
                "/applications/{application_id}/guilds/{guild_id}/commands",
                self._put_commands,
            ),
            ("POST", "/channels/{channel_id}/messages", self._post_message),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self._patch_message),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", self._delete_message),
            ("POST", "/channels/{channel_id}/typing", self._typing),
            ("POST", "/users/@me/channels", self._create_dm),
            ("POST", "/interactions/{interaction_id}/{token}/callback", self._callback),
            ("POST", "/webhooks/{application_id}/{token}", self._followup),
            ("GET", "/webhooks/{application_id}/{token}/messages/{message_id}", self._get_hook),
            ("PATCH", "/webhooks/{application_id}/{token}/messages/{message_id}", self._edit_hook),
            (
                "DELETE",
                "/webhooks/{application_id}/{token}/messages/{message_id}",
                self._delete_hook,
            ),
        ]
        for method, template, handler in table:
            pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
            self._routes.append((method, re.compile(f"^{pattern}$"), template, handler))

    def _route(self, method: str, path: str) -> tuple[str, Handler, dict[str, str]] | None:
        """The route template, handler and path parameters for a request, if known."""
        for route_method, pattern, template, handler in self._routes:
            match = pattern.match(path)
            if match and route_method == method:
                return template, handler, match.groupdict()
        return None

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        body = await self._body(request)
        local = request.path[len(API) :] if request.path.startswith(API) else ""
        found = self._route(request.method, local) if local else None
        if found is None:
            return self._unknown(request, body)
        template, handler, params = found
        method = request.method
        record = Recorded(request.method, template, local, dict(request.query), body)
        self.requests.append(record)
        try:
            if delay := self._delays.get((method, template)):
                await asyncio.sleep(delay)
            forced = self._forced.get((method, template))
            if forced:
                response = forced.popleft()
                record.status, record.response = response.status, response.body
                return self._json(response.body, response.status, response.headers)
            if not template.startswith(("/interactions", "/webhooks")):
                self._authorise(request)
            result = await handler(request, params, body)
            status = 204 if result is None else 200
            record.status, record.response = status, result
            return self._json(result, status)
        except Rejection as rejection:
            record.status, record.response = rejection.status, rejection.body()
            if rejection.status != 401:
                self.rejections.append((record, rejection))
            return self._json(rejection.body(), rejection.status)
        finally:
            await self._notify()

    def _unknown(self, request: web.Request, body: Any) -> web.Response:
        self.unknown_routes.append(f"{request.method} {request.path}")
        self.requests.append(
            Recorded(request.method, "?", request.path, dict(request.query), body, 404)
        )
        return self._json({"message": "404: Not Found", "code": 0}, 404)

    @staticmethod
    async def _body(request: web.Request) -> Any:
        if not request.can_read_body:
            return None
        if request.content_type == "application/json":
            return await request.json()
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            payload = form.get("payload_json")
            return json.loads(payload) if isinstance(payload, str) else dict(form)
        return await request.text()

    @staticmethod
    def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None):
        if data is None:
            return web.Response(status=204, headers=headers or {})
        response = web.Response(
            body=json.dumps(data).encode(), status=status, headers=headers or {}
        )
        # Exactly this value: discord.py compares the header with "application/json".
        response.headers["Content-Type"] = "application/json"
        return response

    def _authorise(self, request: web.Request) -> None:
        if request.headers.get("Authorization") != f"Bot {self.token}":
            raise Rejection(401, 0, "401: Unauthorized")

    async def _get_me(self, request: web.Request, params: dict, body: Any) -> Any:
        return {**self.bot.payload(), "verified": True, "mfa_enabled": False}

    async def _get_application(self, request: web.Request, params: dict, body: Any) -> Any:
        return {
            "id": str(self.app_id),
            "name": self.bot.name,
            "icon": None,
            "description": "Stand-in application",
            "rpc_origins": [],
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.owner.payload(),
            "team": None,
            "verify_key": "0" * 64,
            "flags": 0,
            "summary": "",
        }

    async def _get_gateway(self, request: web.Request, params: dict, body: Any) -> Any:
        return {"url": self.gateway_url}

    async def _get_gateway_bot(self, request: web.Request, params: dict, body: Any) -> Any:
        return {
            "url": self.gateway_url,
            "shards": self.recommended_shards,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 14_400_000,
                "max_concurrency": self.max_concurrency,
            },
        }

    async def _put_commands(self, request: web.Request, params: dict, body: Any) -> Any:
        if params["application_id"] != str(self.app_id):
            raise Rejection(403, 50001, "Missing Access")
        validate_commands(body)
        stored = [
            {**c, "id": str(self.snowflake()), "application_id": str(self.app_id), "version": "1"}
            for c in body
        ]
        if "guild_id" in params:
            guild_id = int(params["guild_id"])
            if guild_id not in self.guilds:
                raise Rejection(403, 50001, "Missing Access")
            for command in stored:
                command["guild_id"] = str(guild_id)
            self.guild_commands[guild_id] = stored
        else:
            self.global_commands = stored
        return stored

    def _channel(self, channel_id: str) -> Channel:
        channel = self.channels.get(int(channel_id))
        if channel is None:
            raise Rejection(404, 10003, "Unknown Channel")
        return channel

    def _store_bot_message(
        self, channel: Channel, payload: dict[str, Any], **extra: Any
    ) -> dict[str, Any]:
        message = message_payload(
            self.snowflake(),
            channel,
            self.bot,
            content=payload.get("content") or "",
            embeds=payload.get("embeds") or [],
            components=payload.get("components") or [],
            flags=payload.get("flags") or 0,
            **extra,
        )
        self.messages[int(message["id"])] = message
        self._made_by_bot.add(int(message["id"]))
        return message

    def _record_pings(self, where: str, payload: dict[str, Any], replied: int | None) -> None:
        found = pings(payload, replied)
        if found:
            self.pings.append((where, found))

    async def _post_message(self, request: web.Request, params: dict, body: Any) -> Any:
        channel = self._channel(params["channel_id"])
        validate_message(body, allow_ephemeral=False, partial=False)
        if not channel.embed_links and body.get("embeds"):
            # Discord's rule without Embed Links: embeds alone are refused, embeds
            # beside text are dropped.
            if not body.get("content"):
                raise Rejection(403, 50013, "Missing Permissions")
            body = {**body, "embeds": []}
        extra: dict[str, Any] = {}
        replied: int | None = None
        reference = body.get("message_reference")
        if reference:
            target = self.messages.get(int(reference["message_id"]))
            if target is None and reference.get("fail_if_not_exists", True):
                raise Rejection(
                    400,
                    50035,
                    "Invalid Form Body",
                    {
                        "message_reference": {
                            "_errors": [
                                {"code": "REPLIES_UNKNOWN_MESSAGE", "message": "Unknown message"}
                            ]
                        }
                    },
                )
            if target is not None:
                replied = int(target["author"]["id"])
                extra = {
                    "type": 19,
                    "message_reference": {
                        "message_id": target["id"],
                        "channel_id": target["channel_id"],
                    },
                }
        self._record_pings(f"POST /channels/{channel.id}/messages", body, replied)
        return self._store_bot_message(channel, body, **extra)

    def _bot_message(self, message_id: str) -> dict[str, Any]:
        message = self.messages.get(int(message_id))
        if message is None:
            raise Rejection(404, 10008, "Unknown Message")
        if message["author"]["id"] != str(self.bot.id):
            raise Rejection(403, 50005, "Cannot edit a message authored by another user")
        return message

    def _edit(self, message: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        validate_message(body, allow_ephemeral=True, partial=True)
        edited = {
            key: (body[key] if body[key] is not None else ([] if key != "content" else ""))
            for key in ("content", "embeds", "components")
            if key in body
        }
        if not any({**message, **edited}.get(key) for key in ("content", "embeds", "components")):
            raise Rejection(400, 50006, "Cannot send an empty message")
        message.update(edited)
        message["flags"] &= ~LOADING
        message["edited_timestamp"] = now_iso()
        self._record_pings(f"edit {message['id']}", body, None)
        return message

    async def _patch_message(self, request: web.Request, params: dict, body: Any) -> Any:
        channel = self._channel(params["channel_id"])
        message = self._bot_message(params["message_id"])
        if not channel.embed_links and body.get("embeds"):
            # Without Embed Links an edit's embeds are dropped without a word, unlike a
            # new message's (discord/discord-api-docs#2601).
            body = {**body, "embeds": []}
        return self._edit(message, body)

    async def _delete_message(self, request: web.Request, params: dict, body: Any) -> Any:
        self._channel(params["channel_id"])
        self.messages.pop(int(self._bot_message(params["message_id"])["id"]))
        return None

    async def _typing(self, request: web.Request, params: dict, body: Any) -> Any:
        self._channel(params["channel_id"])
        return None

    async def _create_dm(self, request: web.Request, params: dict, body: Any) -> Any:
        user = next(u for u in self._all_users() if str(u.id) == str(body["recipient_id"]))
        return self.dm_channel(user).payload()

    def _interaction(self, interaction_id: str | None, token: str) -> Interaction:
        for interaction in self.interactions.values():
            if interaction.token == token and (
                interaction_id is None or str(interaction.id) == interaction_id
            ):
                return interaction
        raise Rejection(404, 10062 if interaction_id else 10015, "Unknown interaction")

    async def _callback(self, request: web.Request, params: dict, body: Any) -> Any:
        interaction = self._interaction(params["interaction_id"], params["token"])
        late = time.monotonic() - interaction.created > self.interaction_deadline
        if interaction.acknowledged:
            interaction.rejected.append(40060)
            raise Rejection(400, 40060, "Interaction has already been acknowledged.")
        if late:
            interaction.rejected.append(10062)
            raise Rejection(404, 10062, "Unknown interaction")
        kind = body.get("type")
        data = body.get("data") or {}
        allowed = {2: {4, 5}, 3: {4, 5, 6, 7}, 4: {8}, 5: {4, 5, 6}}[interaction.type]
        if kind not in allowed:
            raise Rejection(
                400,
                50035,
                "Invalid Form Body",
                {
                    "type": {
                        "_errors": [
                            {
                                "code": "INTERACTION_RESPONSE_TYPE_INVALID",
                                "message": f"{kind} not valid for interaction type {interaction.type}",
                            }
                        ]
                    }
                },
            )
        channel = self.channels[int(interaction.payload["channel_id"])]
        resource: dict[str, Any] = {"type": kind}
        if kind == 8:
            validate_choices(data)
        elif kind == 4:
            validate_message(data, allow_ephemeral=True, partial=False)
            self._record_pings(f"callback {interaction.id}", data, None)
            message = self._store_bot_message(
                channel, data, interaction_metadata=self._metadata(interaction)
            )
            interaction.original_id = int(message["id"])
            interaction.message_ids.append(interaction.original_id)
            resource["message"] = message
        elif kind == 5:
            flags = (data.get("flags") or 0) | LOADING
            message = self._store_bot_message(
                channel, {"flags": flags}, interaction_metadata=self._metadata(interaction)
            )
            interaction.original_id = int(message["id"])
            interaction.message_ids.append(interaction.original_id)
            resource["message"] = message
        elif kind == 7:
            message = self._edit(self.messages[int(interaction.payload["message"]["id"])], data)
            interaction.original_id = int(message["id"])
            interaction.message_ids.append(interaction.original_id)
            resource["message"] = message
        interaction.callback_type = kind
        interaction.callback = body
        interaction.changed.set()
        return {
            "interaction": {
                "id": str(interaction.id),
                "type": interaction.type,
                "response_message_id": str(interaction.original_id)
                if interaction.original_id
                else None,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool((data.get("flags") or 0) & EPHEMERAL),
            },
            "resource": resource,
        }

    def _metadata(self, interaction: Interaction) -> dict[str, Any]:
        user = interaction.payload.get("user") or interaction.payload["member"]["user"]
        return {
            "id": str(interaction.id),
            "type": interaction.type,
            "user": user,
            "authorizing_integration_owners": {},
        }

    async def _followup(self, request: web.Request, params: dict, body: Any) -> Any:
        interaction = self._interaction(None, params["token"])
        if params["application_id"] != str(self.app_id):
            raise Rejection(404, 10015, "Unknown Webhook")
        if not interaction.acknowledged:
            raise Rejection(404, 10015, "Unknown Webhook")
        validate_message(body, allow_ephemeral=True, partial=False)
        self._record_pings(f"followup {interaction.id}", body, None)
        original = self.messages.get(interaction.original_id or 0)
        if interaction.callback_type == 5 and original is not None and original["flags"] & LOADING:
            # The first follow-up after a "thinking" defer completes that message.
            message = self._edit(original, body)
        else:
            channel = self.channels[int(interaction.payload["channel_id"])]
            message = self._store_bot_message(
                channel,
                body,
                webhook_id=str(self.app_id),
                interaction_metadata=self._metadata(interaction),
            )
            interaction.message_ids.append(int(message["id"]))
        interaction.changed.set()
        return message if request.query.get("wait") in ("true", "1", "True") else None

    def _hook_message(self, params: dict) -> tuple[Interaction, dict[str, Any]]:
        interaction = self._interaction(None, params["token"])
        if not interaction.acknowledged:
            raise Rejection(404, 10015, "Unknown Webhook")
        message_id = params["message_id"]
        if message_id == "@original":
            if interaction.original_id is None:
                raise Rejection(404, 10008, "Unknown Message")
            message_id = str(interaction.original_id)
        if int(message_id) not in interaction.message_ids:
            raise Rejection(404, 10008, "Unknown Message")
        return interaction, self.messages[int(message_id)]

    async def _get_hook(self, request: web.Request, params: dict, body: Any) -> Any:
        return self._hook_message(params)[1]

    async def _edit_hook(self, request: web.Request, params: dict, body: Any) -> Any:
        interaction, message = self._hook_message(params)
        message = self._edit(message, body)
        interaction.changed.set()
        return message

    async def _delete_hook(self, request: web.Request, params: dict, body: Any) -> Any:
        interaction, message = self._hook_message(params)
        self.messages.pop(int(message["id"]))
        interaction.message_ids.remove(int(message["id"]))
        if interaction.original_id == int(message["id"]):
            interaction.original_id = None
        return None


@contextlib.contextmanager
def running_in_thread(**options: Any) -> Iterator[StandIn]:
    """The stand-in on its own event loop in a thread, for code that runs its own loop
    (`run_bot` calls `asyncio.run`)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="standin", daemon=True)
    thread.start()

    async def build() -> StandIn:
        standin = StandIn(**options)
        await standin.start()
        return standin

    standin = asyncio.run_coroutine_threadsafe(build(), loop).result(10)
    try:
        yield standin
    finally:
        asyncio.run_coroutine_threadsafe(standin.close(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
