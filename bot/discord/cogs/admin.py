"""Operator commands: /reload rebuilds the engine from the corpus without a restart."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.asking import QuestionRejected
from bot.discord.replies import respond

if TYPE_CHECKING:
    from bot.discord.client import QABot

log = logging.getLogger(__name__)

NOT_ALLOWED = "Only the bot's owner or a member with Manage Server can reload the articles."


class AdminCog(commands.Cog, name="Admin"):
    """Commands for the people who run the bot; hidden from other members by default."""

    def __init__(self, bot: QABot) -> None:
        self.bot = bot

    @app_commands.command(name="reload", description="Reload the articles (owner, Manage Server)")
    @app_commands.default_permissions(manage_guild=True)
    async def reload(self, interaction: discord.Interaction) -> None:
        # Default permissions only hide the command; a server can change them, so the
        # check is repeated here, on the bot's side.
        if not await self.may_reload(interaction):
            raise QuestionRejected(NOT_ALLOWED)
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            engine = await self.bot.reload_engine()
        except Exception as exc:
            log.warning("reload requested by %s failed: %s", interaction.user.id, exc)
            await respond(
                interaction,
                content=f"Reload failed, still answering from the previous articles: {exc}",
                ephemeral=True,
            )
            return
        await respond(
            interaction,
            content=(
                f"Reloaded: {len(engine.documents)} articles, "
                f"{len(engine.corpus.passages)} passages."
            ),
            ephemeral=True,
        )

    async def may_reload(self, interaction: discord.Interaction) -> bool:
        user = interaction.user
        if user.id in self.bot.settings.owner_ids or await self.bot.is_owner(user):
            return True
        permissions = getattr(interaction, "permissions", None)
        return bool(interaction.guild_id and permissions and permissions.manage_guild)
