"""`python -m bot run`: logging, then the bot until stopped; failures are one line."""

from __future__ import annotations

import logging
import sys

import aiohttp
import discord

from bot.cli import EXIT_DISCORD, EXIT_OK, EXIT_SETTINGS, EXIT_TOKEN
from bot.settings import Settings

log = logging.getLogger(__name__)

NO_TOKEN = (
    "error: no Discord token: set DISCORD_TOKEN in the environment or in .env (create an "
    "application at https://discord.com/developers/applications, then Bot > Reset Token); "
    "`python -m bot repl` works without one"
)


# discord.py's own plain format.
PLAIN_FORMAT = "[{asctime}] [{levelname:<8}] {name}: {message}"


class RedactToken(logging.Filter):
    """Replaces the token in any log line: discord.py never logs it, this makes sure a
    future library version or a stray debug line cannot either."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg = message.replace(self.token, "[token]")
            record.args = None
        return True


def setup_logging(settings: Settings, token: str) -> None:
    """discord.py's coloured format on stderr at the configured level, token redacted.

    The plain stderr handler `logging.basicConfig` may have installed is replaced, so
    lines are not printed twice.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if type(handler) is logging.StreamHandler and handler.stream in (sys.stderr, sys.stdout):
            root.removeHandler(handler)
    handler = logging.StreamHandler()
    handler.addFilter(RedactToken(token))
    level = getattr(logging, settings.log_level)
    isatty = getattr(handler.stream, "isatty", None)
    if isatty is not None and isatty():
        discord.utils.setup_logging(handler=handler, level=level)
        return
    # discord.py colours any stream in Docker, where logs usually go to a file or a
    # collector that shows the escape codes as text: colours only on a terminal.
    plain = logging.Formatter(PLAIN_FORMAT, "%Y-%m-%d %H:%M:%S", style="{")
    discord.utils.setup_logging(handler=handler, formatter=plain, level=level)


def run_bot(settings: Settings, **client_options: object) -> int:
    """Runs the bot until Ctrl-C or a fatal error; returns the process exit code."""
    token = settings.discord_token
    if not token:
        sys.stderr.write(NO_TOKEN + "\n")
        return EXIT_TOKEN
    setup_logging(settings, token)
    from bot.discord.client import GuildRefused, create_bot

    bot = create_bot(settings, reload_on_sighup=True, **client_options)
    try:
        bot.run(token, log_handler=None)
    except discord.LoginFailure:
        sys.stderr.write(
            "error: Discord refused the token (login failed): check DISCORD_TOKEN, or reset "
            "it in the developer portal (Bot > Reset Token)\n"
        )
        return EXIT_DISCORD
    except GuildRefused as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_SETTINGS
    except discord.PrivilegedIntentsRequired as exc:
        sys.stderr.write(f"error: Discord requires a privileged intent: {exc}\n")
        return EXIT_DISCORD
    except (discord.DiscordException, aiohttp.ClientError, OSError) as exc:
        log.debug("connection failure", exc_info=True)
        sys.stderr.write(f"error: cannot connect to Discord: {exc.__class__.__name__}: {exc}\n")
        return EXIT_DISCORD
    return EXIT_OK
