"""The bot's cogs: each reads Discord input, asks the engine and hands the answer to render."""
