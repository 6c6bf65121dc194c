"""Which messages are addressed to the bot, and the question they carry."""

from __future__ import annotations

import re

import discord

_USER = re.compile(r"<@!?(\d+)>")
_ROLE = re.compile(r"<@&(\d+)>")
_CHANNEL = re.compile(r"<#(\d+)>")


def is_own_role(role: discord.Role, me: discord.abc.Snowflake) -> bool:
    """The role Discord creates for the bot: users often mention it instead of the bot."""
    return role.tags is not None and role.tags.bot_id == me.id


def addressed_question(message: discord.Message, me: discord.abc.Snowflake) -> str | None:
    """The question in a DM or in a message mentioning the bot (or its role), else None.

    @everyone and @here do not address the bot: only a mention of it does. The bot's own
    mentions are removed; other mentions become plain names so the question reads well
    and echoes harmlessly.
    """
    own_roles = {r.id for r in message.role_mentions if is_own_role(r, me)}
    if message.guild is not None:
        mentioned = any(u.id == me.id for u in message.mentions)
        if not (mentioned or own_roles):
            return None
    users = {u.id: u.display_name for u in message.mentions}
    roles = {r.id: r.name for r in message.role_mentions}
    channels = {c.id: getattr(c, "name", "channel") for c in message.channel_mentions}

    def user(match: re.Match[str]) -> str:
        user_id = int(match.group(1))
        return "" if user_id == me.id else "@" + users.get(user_id, "user")

    def role(match: re.Match[str]) -> str:
        role_id = int(match.group(1))
        return "" if role_id in own_roles else "@" + roles.get(role_id, "role")

    text = _USER.sub(user, message.content)
    text = _ROLE.sub(role, text)
    text = _CHANNEL.sub(lambda m: "#" + channels.get(int(m.group(1)), "channel"), text)
    return " ".join(text.split())
