"""The stand-in's world: users, roles, channels, guilds, and their payloads as Discord
sends them (with every field discord.py 2.7 reads)."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


class Snowflakes:
    """Increasing ids with a real timestamp, as Discord makes them."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def __call__(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return (ms << 22) | (next(self._counter) & 0x3FFFFF)


def guild_id_for_shard(shard_id: int, shard_count: int, base: int = 80_000_000) -> int:
    """A guild id that Discord routes to `shard_id`: (guild_id >> 22) % shard_count."""
    return ((base // shard_count) * shard_count + shard_id) << 22


@dataclass
class User:
    id: int
    name: str
    bot: bool = False

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "global_name": self.name,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
            "flags": 0,
        }


@dataclass
class Role:
    id: int
    name: str
    managed: bool = False
    bot_id: int | None = None
    position: int = 1

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": "0",
            "managed": self.managed,
            "mentionable": True,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass
class Channel:
    id: int
    name: str
    guild_id: int | None
    recipient: User | None = None
    # A server may deny the bot Embed Links in one channel (a permission overwrite).
    embed_links: bool = True
    # A thread (a public thread, or a forum post): where and by whom it was started.
    parent_id: int | None = None
    starter_id: int | None = None

    @property
    def is_dm(self) -> bool:
        return self.guild_id is None

    def payload(self) -> dict[str, Any]:
        if self.parent_id is not None:
            return {
                "id": str(self.id),
                "type": 11,
                "guild_id": str(self.guild_id),
                "parent_id": str(self.parent_id),
                "owner_id": str(self.starter_id),
                "name": self.name,
                "last_message_id": None,
                "rate_limit_per_user": 0,
                "message_count": 0,
                "member_count": 1,
                "flags": 0,
                "thread_metadata": {
                    "archived": False,
                    "auto_archive_duration": 1440,
                    "archive_timestamp": now_iso(),
                    "locked": False,
                },
            }
        if self.is_dm:
            assert self.recipient is not None
            return {
                "id": str(self.id),
                "type": 1,
                "recipients": [self.recipient.payload()],
                "last_message_id": None,
                "flags": 0,
            }
        return {
            "id": str(self.id),
            "type": 0,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "parent_id": None,
            "flags": 0,
        }


@dataclass
class Guild:
    id: int
    name: str
    channels: list[Channel]
    roles: list[Role]
    members: list[User]
    # Active threads, sent with the guild as Discord does (not in `channels`).
    threads: list[Channel] = field(default_factory=list)

    @property
    def channel(self) -> Channel:
        return self.channels[0]

    def role(self, name: str) -> Role:
        return next(r for r in self.roles if r.name == name)

    def shard(self, shard_count: int) -> int:
        return (self.id >> 22) % shard_count


def member_payload(guild: Guild, user: User, *, with_user: bool = True) -> dict[str, Any]:
    """A guild member object; Discord always includes `flags`, discord.py reads it."""
    roles = [r.id for r in guild.roles if r.bot_id == user.id]
    data: dict[str, Any] = {
        "roles": [str(r) for r in roles],
        "joined_at": now_iso(),
        "deaf": False,
        "mute": False,
        "flags": 0,
        "nick": None,
        "avatar": None,
        "pending": False,
        "premium_since": None,
        "communication_disabled_until": None,
    }
    if with_user:
        data["user"] = user.payload()
    return data


def guild_payload(guild: Guild, owner: User, bot: User) -> dict[str, Any]:
    """GUILD_CREATE data: the guild with its channels, roles and the bot as member."""
    return {
        "id": str(guild.id),
        "name": guild.name,
        "unavailable": False,
        "owner_id": str(owner.id),
        "member_count": len(guild.members),
        "large": False,
        "joined_at": now_iso(),
        "roles": [r.payload() for r in guild.roles],
        "channels": [c.payload() for c in guild.channels],
        "members": [member_payload(guild, bot)],
        "threads": [t.payload() for t in guild.threads],
        "emojis": [],
        "stickers": [],
        "features": [],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "icon": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "premium_tier": 0,
        "system_channel_flags": 0,
        "preferred_locale": "fr",
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "application_id": None,
    }


def message_payload(
    message_id: int, channel: Channel, author: User, *, content: str = "", **extra: Any
) -> dict[str, Any]:
    """A message object with every field discord.py reads."""
    message = {
        "id": str(message_id),
        "channel_id": str(channel.id),
        "author": author.payload(),
        "content": content,
        "timestamp": now_iso(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": False,
        "type": 0,
        "flags": 0,
        "components": [],
    }
    if channel.guild_id:
        message["guild_id"] = str(channel.guild_id)
    message.update(extra)
    return message
