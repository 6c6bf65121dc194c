"""Answering an interaction whatever state it is in, and the one path errors take to users."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import discord
from discord import app_commands

from bot.discord import render
from bot.discord.asking import QuestionRejected

log = logging.getLogger(__name__)


async def respond(
    interaction: discord.Interaction,
    *,
    content: str | None = None,
    embeds: Sequence[discord.Embed] = (),
    view: discord.ui.View | None = None,
    ephemeral: bool = False,
) -> None:
    """Sends the reply: the interaction response if none was sent yet (within Discord's
    3 seconds), else a follow-up, which also completes a deferred "thinking" reply."""
    kwargs: dict[str, Any] = {"ephemeral": ephemeral}
    if content is not None:
        kwargs["content"] = content
    if embeds:
        kwargs["embeds"] = list(embeds)
    if view is not None:
        kwargs["view"] = view
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


async def report_error(interaction: discord.Interaction, error: Exception) -> None:
    """Turns any failure of a command or button into one short ephemeral reply.

    Refusals (too long, cooldown) are expected and only logged at INFO; anything else is
    a bug or an outage: its traceback is logged and the user gets a generic notice.
    """
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original  # type: ignore[assignment]
    if isinstance(error, QuestionRejected):
        log.info("refused for user %s: %s", interaction.user.id, error)
        message = str(error)
    else:
        name = interaction.command.qualified_name if interaction.command else interaction.data
        log.error("error while handling %s", name, exc_info=error)
        message = render.ERROR_NOTICE
    if interaction.type is discord.InteractionType.autocomplete:
        return  # an autocomplete can only answer with choices
    try:
        await _drop_public_thinking(interaction)
        await respond(interaction, content=message, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not tell user %s about an error", interaction.user.id, exc_info=True)


async def _drop_public_thinking(interaction: discord.Interaction) -> None:
    """Deletes a public "thinking..." left by a deferral: the first follow-up would
    complete that message, public whatever its own flags say, and an error is the
    asker's business alone. The notice then comes as a message of its own."""
    if interaction.response.type is not discord.InteractionResponseType.deferred_channel_message:
        return
    original = await interaction.original_response()
    if original.flags.loading and not original.flags.ephemeral:
        await original.delete()
