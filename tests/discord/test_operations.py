"""Running the bot: token handling, logging, shards, reconnects, rate limits, deadlines."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator

import discord
import pytest

from bot.cli import main
from bot.discord import asking, create_bot
from bot.discord.run import RedactToken
from bot.settings import Settings
from tests.discord.conftest import StartBot, assert_clean, pointed_at
from tests.discord.standin import PRIVILEGED_INTENTS, StandIn, guild_id_for_shard, running_in_thread

MakeStandIn = Callable[..., Awaitable[StandIn]]


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """`run` installs discord.py's log handler on the root logger; undo it afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_run_without_token_says_how_to_get_one_and_exits_5(capsys: pytest.CaptureFixture[str]):
    assert main(["run"]) == 5
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "DISCORD_TOKEN" in err and "python -m bot repl" in err
    assert "discord.com/developers/applications" in err


def test_refused_token_is_one_line_and_exit_6_without_leaking_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], restore_logging: None
):
    monkeypatch.setenv("DISCORD_TOKEN", "wrong-token-that-must-not-be-printed")
    with running_in_thread() as standin, pointed_at(standin):
        assert main(["run"]) == 6
        assert [r.path for r in standin.requests] == ["/users/@me"]
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "refused the token" in lines[0]
    assert "wrong-token-that-must-not-be-printed" not in err
    assert "Traceback" not in err


def test_a_guild_the_bot_is_not_in_is_a_setting_error_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], restore_logging: None
):
    # Once reported as "cannot connect to Discord" with exit 6, "reset the token".
    monkeypatch.setenv("QA_INDEX_CACHE", "off")
    monkeypatch.setenv("DISCORD_GUILD_ID", "123456789012345678")
    with running_in_thread() as standin, pointed_at(standin):
        monkeypatch.setenv("DISCORD_TOKEN", standin.token)
        assert main(["run"]) == 3
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1
    assert lines[0].startswith("error: DISCORD_GUILD_ID=123456789012345678:")
    assert "applications.commands" in lines[0] and "oauth2/authorize" in lines[0]
    assert "Traceback" not in err and standin.token not in err


def test_log_filter_redacts_the_token():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "auth %s", ("Bot s3cr3t",), None)
    assert RedactToken("s3cr3t").filter(record)
    assert record.getMessage() == "auth Bot [token]"


async def test_token_never_appears_in_logs_of_a_session(
    standin: StandIn, start_bot: StartBot, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.DEBUG)
    await start_bot(standin)
    question = await standin.send_message(standin.mention("Qui est John Matze ?"))
    await standin.wait_reply_to(question)
    interaction = await standin.slash("ask", question="Qui est John Matze ?")
    await standin.wait_messages(interaction)
    assert caplog.records
    assert all(standin.token not in r.getMessage() for r in caplog.records)
    assert standin.token not in caplog.text


def test_create_bot_builds_without_connecting_on_the_bundled_seeds():
    bot = create_bot(guild_ready_timeout=0.05)
    assert isinstance(bot, discord.ext.commands.AutoShardedBot)
    assert [d.id for d in bot.engine.documents] == ["000", "001", "002", "003", "004"]
    assert bot.allowed_mentions is not None and bot.allowed_mentions.to_dict() == {"parse": []}
    assert not bot.intents.message_content and not bot.intents.members
    assert not bot.intents.presences
    assert bot.ws is None  # not connected


def test_a_text_bot_does_not_warn_that_voice_libraries_are_missing(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # discord.py warns once per process, on the first client made: reset that.
    monkeypatch.setattr(discord.VoiceClient, "warn_nacl", True)
    with caplog.at_level(logging.WARNING):
        create_bot(guild_ready_timeout=0.05)
    assert "voice will NOT be supported" not in caplog.text


async def test_slash_commands_are_on_the_tree_after_setup(standin: StandIn, start_bot: StartBot):
    bot = await start_bot(standin)
    assert {c.name for c in bot.tree.get_commands()} == {
        "ask",
        "sources",
        "source",
        "help",
        "reload",
    }
    invite = bot.invite_url()
    assert f"client_id={standin.app_id}" in invite
    assert "scope=bot+applications.commands" in invite and "permissions=274877991936" in invite
    [identify] = [s.identify for s in standin.sessions.values()]
    assert identify["intents"] & PRIVILEGED_INTENTS == 0
    assert_clean(standin)


async def test_two_shards_each_identify_and_both_answer(
    make_standin: MakeStandIn, start_bot: StartBot
):
    standin = await make_standin(shards=2, max_concurrency=2)
    on_zero = standin.add_guild("shard zero", guild_id_for_shard(0, 2))
    on_one = standin.add_guild("shard one", guild_id_for_shard(1, 2))
    bot = await start_bot(standin)
    assert sorted(standin.identified) == [(0, 2), (1, 2)]
    assert bot.shard_count == 2 and set(bot.shards) == {0, 1}
    for guild in (on_zero, on_one):
        question = await standin.send_message(
            standin.mention("Qui est John Matze ?"), channel=guild.channel
        )
        reply = await standin.wait_reply_to(question)
        assert reply["channel_id"] == str(guild.channel.id)
        interaction = await standin.slash("help", channel=guild.channel)
        assert (await standin.wait_messages(interaction))[0]["embeds"]
    dm = standin.dm_channel(standin.bob)
    question = await standin.send_message("Qui est John Matze ?", author=standin.bob, channel=dm)
    await standin.wait_reply_to(question)
    assert_clean(standin)


async def test_shard_settings_choose_count_and_ids(make_standin: MakeStandIn, start_bot: StartBot):
    standin = await make_standin(shards=1)
    served = standin.add_guild("served", guild_id_for_shard(1, 3))
    bot = await start_bot(standin, Settings(shard_count=3, shard_ids=(1,)))
    assert standin.identified == [(1, 3)]
    assert bot.shard_count == 3
    question = await standin.send_message(
        standin.mention("Qui est John Matze ?"), channel=served.channel
    )
    await standin.wait_reply_to(question)
    assert_clean(standin)


async def test_dropped_gateway_resumes_and_keeps_answering(standin: StandIn, start_bot: StartBot):
    await start_bot(standin)
    [session] = standin.sessions.values()
    await standin.drop(0)
    await standin.wait_for(lambda: session.resumes == 1 and not session.ws.closed)
    question = await standin.send_message(standin.mention("Qui est John Matze ?"))
    await standin.wait_reply_to(question)
    assert len(standin.identified) == 1  # resumed, not a new session
    assert_clean(standin)


async def test_rate_limited_reply_is_retried(standin: StandIn, start_bot: StartBot):
    await start_bot(standin)
    standin.rate_limit("POST", "/channels/{channel_id}/messages", retry_after=0.05)
    question = await standin.send_message(standin.mention("Qui est John Matze ?"))
    await standin.wait_reply_to(question)
    sends = standin.sent("/channels/{channel_id}/messages", "POST")
    assert [r.status for r in sends] == [429, 200]
    assert_clean(standin)


async def test_rate_limited_follow_up_is_retried(
    standin: StandIn, start_bot: StartBot, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(asking, "OFF_LOOP_PASSAGES", 0)  # defer, then a follow-up
    await start_bot(standin)
    standin.rate_limit("POST", "/webhooks/{application_id}/{token}", retry_after=0.05)
    interaction = await standin.slash("ask", question="Qui est John Matze ?")
    [message] = await standin.wait_messages(interaction)
    assert message["embeds"]
    follow_ups = standin.sent("/webhooks/{application_id}/{token}", "POST")
    assert [r.status for r in follow_ups] == [429, 200]
    assert_clean(standin)


async def test_server_error_on_a_send_is_retried(standin: StandIn, start_bot: StartBot):
    await start_bot(standin)
    standin.server_error("POST", "/channels/{channel_id}/messages")
    question = await standin.send_message(standin.mention("Qui est John Matze ?"))
    await standin.wait_reply_to(question, timeout=5)
    sends = standin.sent("/channels/{channel_id}/messages", "POST")
    assert [r.status for r in sends] == [500, 200]
    assert_clean(standin)


async def test_missed_interaction_deadline_is_logged_and_the_bot_carries_on(
    make_standin: MakeStandIn, start_bot: StartBot, caplog: pytest.LogCaptureFixture
):
    standin = await make_standin(interaction_deadline=0.0)
    await start_bot(standin)
    interaction = await standin.slash("help")
    await standin.wait_for(lambda: 10062 in interaction.rejected)
    await standin.wait_for(
        lambda: any("error while handling" in r.getMessage() for r in caplog.records)
    )
    question = await standin.send_message(standin.mention("Qui est John Matze ?"))
    await standin.wait_reply_to(question)
    assert [e.code for _, e in standin.rejections] == [10062, 10062]  # answer, then notice
    standin.rejections.clear()
    assert_clean(standin)


async def test_a_burst_of_interactions_is_acknowledged_in_time(
    standin: StandIn, start_bot: StartBot
):
    await start_bot(standin, Settings(cooldown_questions=1000))
    question = "Pourquoi Amazon a-t-il suspendu Parler ?"
    interactions = await asyncio.gather(
        *(standin.slash("ask", question=question) for _ in range(100))
    )
    for interaction in interactions:
        [message] = await standin.wait_messages(interaction)
        assert message["embeds"]
    # The first are answered at once; while busy, the rest are deferred, then followed up.
    assert {i.callback_type for i in interactions} == {4, 5}
    assert_clean(standin)  # in particular, no interaction missed its 3 seconds


async def test_channel_without_send_permission_is_logged_and_skipped(
    standin: StandIn, start_bot: StartBot, caplog: pytest.LogCaptureFixture
):
    await start_bot(standin)
    missing = {"code": 50013, "message": "Missing Permissions"}
    # A channel the bot may not post in refuses every message: the answer, then the
    # same answer as text (tried in case only Embed Links was missing).
    standin.force("POST", "/channels/{channel_id}/messages", status=403, body=missing, times=2)
    await standin.send_message(standin.mention("Qui est John Matze ?"))
    await standin.wait_for(lambda: "no permission to reply" in caplog.text)
    question = await standin.send_message(standin.mention("Qui est John Matze ?"))
    await standin.wait_reply_to(question)
    assert_clean(standin)


async def test_refused_send_is_logged_with_context_and_the_bot_carries_on(
    standin: StandIn, start_bot: StartBot, caplog: pytest.LogCaptureFixture
):
    await start_bot(standin)
    invalid = {"code": 50035, "message": "Invalid Form Body", "errors": {}}
    standin.force("POST", "/channels/{channel_id}/messages", status=400, body=invalid, times=1)
    first = await standin.send_message(standin.mention("Qui est John Matze ?"))
    await standin.wait_for(lambda: "error while answering message" in caplog.text)
    assert str(first["id"]) in caplog.text  # which message failed
    assert "50035" in caplog.text
    second = await standin.send_message(standin.mention("Qui est John Matze ?"))
    reply = await standin.wait_reply_to(second)
    assert "Matze" in reply["embeds"][0]["description"]


async def test_gateway_drop_in_the_middle_of_a_burst_loses_no_question(
    standin: StandIn, start_bot: StartBot
):
    await start_bot(standin, Settings(cooldown_questions=1000))
    [session] = standin.sessions.values()
    before = await asyncio.gather(
        *(standin.send_message(standin.mention("Qui est John Matze ?")) for _ in range(30))
    )
    await standin.drop(0)
    await standin.wait_for(lambda: session.resumes == 1 and not session.ws.closed)
    after = await asyncio.gather(
        *(standin.send_message(standin.mention("Qui est John Matze ?")) for _ in range(30))
    )
    for question in (*before, *after):
        await standin.wait_reply_to(question, timeout=10)
    replied = [(m.get("message_reference") or {}).get("message_id") for m in standin.bot_messages()]
    assert all(replied.count(q["id"]) == 1 for q in (*before, *after))
    assert len(standin.identified) == 1
    assert_clean(standin)


def test_logs_sent_to_a_file_have_no_colour_codes_even_in_docker(
    monkeypatch: pytest.MonkeyPatch, restore_logging: None
):
    # discord.py colours any stream inside Docker; a log file then holds escape codes.
    import io

    from bot.discord.run import setup_logging

    monkeypatch.setattr(discord.utils, "is_docker", lambda: True)
    captured = io.StringIO()
    monkeypatch.setattr("sys.stderr", captured)
    setup_logging(Settings(), token="s3cr3t")
    logging.getLogger("bot.test").warning("a line for the log file, token s3cr3t")
    text = captured.getvalue()
    assert "a line for the log file" in text and "[token]" in text
    assert "\x1b[" not in text
