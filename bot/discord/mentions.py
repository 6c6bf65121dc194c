"""Which messages are addressed to the bot, and the question they carry."""

from __future__ import annotations

import re
from collections.abc import Callable

import discord

_USER = re.compile(r"<@!?(\d+)>")
_ROLE = re.compile(r"<@&(\d+)>")
_CHANNEL = re.compile(r"<#(\d+)>")
# Discord's codes for custom emoji (<:pepelove:123>, animated <a:...>), timestamps
# (<t:1700000000:R>) and command mentions (</ask:123>): markup, not words of a question.
_CODES = re.compile(r"<a?:\w+:\d+>|<t:-?\d+(?::[tTdDfFR])?>|</[\w -]+:\d+>")
# Markdown markers that change how a question looks, not what it asks: spoiler bars,
# code ticks, bold, underline and strike-through doubled.
_MARKERS = re.compile(r"\|\||`+|\*\*|__|~~")


def plain_text(text: str) -> str:
    """A question as words: Discord's codes and Markdown markers dropped, so "merci
    <:pepelove:123>" thanks, "Pourquoi <:thonk:123> ?" follows up, and "||Matze||"
    asks about Matze (a footer cannot hide a spoiler: it shows the words plainly)."""
    return " ".join(_MARKERS.sub("", _CODES.sub(" ", text)).split())


def is_own_role(role: discord.Role, me: discord.abc.Snowflake) -> bool:
    """The role Discord creates for the bot: users often mention it instead of the bot."""
    return role.tags is not None and role.tags.bot_id == me.id


def addressed_question(message: discord.Message, me: discord.abc.Snowflake) -> str | None:
    """The question in a DM or in a message mentioning the bot (or its role), else None.

    @everyone and @here do not address the bot: only a mention of it does (a reply to
    its message mentions it too, unless the reply names someone else and not the bot).
    """
    own_roles = {r.id for r in message.role_mentions if is_own_role(r, me)}
    if message.guild is not None:
        mentioned = any(u.id == me.id for u in message.mentions)
        if not (mentioned or own_roles):
            return None
        # Replying to the bot's answer mentions it (Discord's reply ping): people
        # talking to each other under an answer ("@alice tu vois ?") are not asking it.
        named = own_roles or any(int(m.group(1)) == me.id for m in _USER.finditer(message.content))
        if not named and any(u.id != me.id and not u.bot for u in message.mentions):
            return None
    return message_text(message, me)


def message_text(message: discord.Message, me: discord.abc.Snowflake) -> str:
    """A message's text as words: the bot's own mentions removed, other mentions as
    plain names (so the question reads well and echoes harmlessly), `plain_text`."""
    own_roles = {r.id for r in message.role_mentions if is_own_role(r, me)}
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
    return plain_text(text)


def slash_question(text: str, name_of: Callable[[int], str | None]) -> str:
    """A question typed in /ask as words: mentions as names (`name_of` a user id, when
    the bot knows it), then `plain_text`. A raw "<@123>" echoed in a footer reads as
    nothing to anyone."""
    text = _USER.sub(lambda m: "@" + (name_of(int(m.group(1))) or "user"), text)
    text = _ROLE.sub("@role", text)
    text = _CHANNEL.sub("#channel", text)
    return plain_text(text)
