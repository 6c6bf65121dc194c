"""The Discord adapter: mentions, DMs, slash commands and buttons over one engine."""

from bot.discord.client import QABot, create_bot

__all__ = ["QABot", "create_bot"]
