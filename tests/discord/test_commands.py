"""Slash commands through the stand-in: /ask, its autocomplete, /sources, /source, /help."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.discord import asking, render
from bot.settings import Settings
from tests.discord.conftest import StartBot, assert_clean
from tests.discord.standin import EPHEMERAL, StandIn


async def test_commands_sync_globally_without_a_guild_setting(
    standin: StandIn, start_bot: StartBot
):
    await start_bot(standin)
    assert {c["name"] for c in standin.global_commands} == {
        "ask",
        "sources",
        "source",
        "help",
        "reload",
    }
    assert not standin.guild_commands
    ask = next(c for c in standin.global_commands if c["name"] == "ask")
    options = {o["name"]: o for o in ask["options"]}
    assert options["question"]["autocomplete"] is True and options["question"]["required"]
    assert options["private"]["type"] == 5 and not options["private"].get("required")
    assert_clean(standin)


async def test_commands_sync_to_the_configured_guild_instantly(
    standin: StandIn, start_bot: StartBot
):
    await start_bot(standin, Settings(discord_guild_id=standin.guild.id))
    assert {c["name"] for c in standin.guild_commands[standin.guild.id]} == {
        "ask",
        "sources",
        "source",
        "help",
        "reload",
    }
    interaction = await standin.slash("ask", question="Qui est John Matze ?")
    [message] = await standin.wait_messages(interaction)
    assert message["embeds"][0]["footer"]["text"] == "Question : Qui est John Matze ?"
    assert_clean(standin)


async def test_ask_works_in_a_thread_the_bot_never_heard_of(standin: StandIn, start_bot: StartBot):
    thread = standin.add_thread("Parler v. AWS", announced=False)
    await start_bot(standin)
    interaction = await standin.slash("ask", channel=thread, question="Qui est John Matze ?")
    [message] = await standin.wait_messages(interaction)
    assert message["channel_id"] == str(thread.id)
    assert "John Matze" in message["embeds"][0]["description"]
    [more] = [b for b in standin.buttons(message) if b["label"].startswith("More")]
    click = await standin.click(message, more["custom_id"])
    [passages] = await standin.wait_messages(click)
    assert passages["embeds"]
    assert_clean(standin)


async def test_unsetting_the_guild_takes_its_copy_of_the_commands_back(
    standin: StandIn, start_bot: StartBot, tmp_path: Path
):
    """Else that server lists every command twice, its copy and the global one."""
    cache = tmp_path / "cache"
    bot = await start_bot(standin, Settings(discord_guild_id=standin.guild.id, index_cache=cache))
    assert len(standin.guild_commands[standin.guild.id]) == 5
    await start_bot.stop(bot)
    await start_bot(standin, Settings(index_cache=cache))
    assert len(standin.global_commands) == 5
    assert standin.guild_commands[standin.guild.id] == []
    assert_clean(standin)


async def test_moving_to_another_guild_takes_the_first_guilds_copy_back(
    standin: StandIn, start_bot: StartBot, tmp_path: Path
):
    cache, other = tmp_path / "cache", standin.add_guild("Testing server")
    bot = await start_bot(standin, Settings(discord_guild_id=standin.guild.id, index_cache=cache))
    await start_bot.stop(bot)
    await start_bot(standin, Settings(discord_guild_id=other.id, index_cache=cache))
    assert len(standin.guild_commands[other.id]) == 5
    assert standin.guild_commands[standin.guild.id] == []
    assert not standin.global_commands
    assert_clean(standin)


async def test_a_guild_the_bot_has_left_is_only_a_warning_and_forgotten(
    standin: StandIn, start_bot: StartBot, tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    cache = tmp_path / "cache"
    bot = await start_bot(standin, Settings(discord_guild_id=standin.guild.id, index_cache=cache))
    await start_bot.stop(bot)
    del standin.guilds[standin.guild.id]  # the bot was removed from that server
    bot = await start_bot(standin, Settings(index_cache=cache))
    assert len(standin.global_commands) == 5
    assert [(r.method, e.status) for r, e in standin.rejections] == [("PUT", 403)]
    assert f"could not remove the commands an earlier start synced to guild {standin.guild.id}" in (
        caplog.text
    )
    await start_bot.stop(bot)
    standin.rejections.clear()
    await start_bot(standin, Settings(index_cache=cache))
    assert not standin.rejections  # not tried again at the next start


async def test_ask_answers_publicly_with_buttons(standin: StandIn, start_bot: StartBot):
    await start_bot(standin)
    interaction = await standin.slash("ask", question="Pourquoi Parler n'est-il plus accessible ?")
    [message] = await standin.wait_messages(interaction)
    assert interaction.callback_type == 4
    assert not message["flags"] & EPHEMERAL
    assert "**" in message["embeds"][0]["description"]
    labels = [b["label"] for b in standin.buttons(message)]
    assert labels == ["More passages (autres passages)", "Read the article (lire l'article)"]
    assert_clean(standin)


async def test_ask_private_answers_ephemerally(standin: StandIn, start_bot: StartBot):
    await start_bot(standin)
    interaction = await standin.slash("ask", question="Qui est John Matze ?", private=True)
    [message] = await standin.wait_messages(interaction)
    assert message["flags"] & EPHEMERAL
    assert message["embeds"][0]["description"]
    assert_clean(standin)


async def test_ask_in_a_dm(standin: StandIn, start_bot: StartBot):
    await start_bot(standin)
    dm = standin.dm_channel(standin.bob)
    interaction = await standin.slash(
        "ask", user=standin.bob, channel=dm, question="Qui est John Matze ?"
    )
    [message] = await standin.wait_messages(interaction)
    assert message["channel_id"] == str(dm.id)
    assert_clean(standin)


async def test_ask_defers_then_follows_up_when_retrieval_runs_off_the_loop(
    standin: StandIn, start_bot: StartBot, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(asking, "OFF_LOOP_PASSAGES", 0)  # as for a corpus of 5,000+ passages
    await start_bot(standin)
    interaction = await standin.slash("ask", question="Qui est John Matze ?", private=True)
    [message] = await standin.wait_messages(interaction)
    assert interaction.callback_type == 5  # deferred within the 3 seconds
    assert message["flags"] & EPHEMERAL and message["embeds"]
    assert standin.sent("/webhooks/{application_id}/{token}", "POST")
    assert_clean(standin)


async def test_an_error_after_a_public_defer_is_told_to_the_asker_alone(
    standin: StandIn, start_bot: StartBot, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(asking, "OFF_LOOP_PASSAGES", 0)  # deferred, publicly, first
    bot = await start_bot(standin)

    def broken(question: str, k: int = 3) -> None:
        raise RuntimeError("the index went away")

    monkeypatch.setattr(bot.engine, "ask", broken)
    interaction = await standin.slash("ask", question="Qui est John Matze ?")
    [message] = await standin.wait_messages(interaction)
    assert interaction.callback_type == 5
    assert message["content"] == render.ERROR_NOTICE
    assert message["flags"] & EPHEMERAL  # not the whole channel's business
    # Nor is the public "thinking..." left behind.
    assert [m for m in standin.messages.values() if m.get("interaction_metadata")] == [message]
    assert_clean(standin)
    # Deferred privately, the notice simply completes the private "thinking...".
    interaction = await standin.slash("ask", question="Qui est John Matze ?", private=True)
    [message] = await standin.wait_messages(interaction)
    assert message["content"] == render.ERROR_NOTICE and message["flags"] & EPHEMERAL
    assert int(message["id"]) == interaction.original_id
    deletes = standin.sent("/webhooks/{application_id}/{token}/messages/{message_id}", "DELETE")
    assert len(deletes) == 1  # the public one's only


async def test_ask_offtopic_abstains_politely(standin: StandIn, start_bot: StartBot):
    await start_bot(standin)
    interaction = await standin.slash("ask", question="Qui a gagné la coupe du monde de rugby ?")
    [message] = await standin.wait_messages(interaction)
    [embed] = message["embeds"]
    assert embed["title"].startswith("No answer")
    assert embed["description"].count("\n•") == 2
    assert not message["components"]
    assert_clean(standin)


async def test_ask_too_long_is_refused_ephemerally(standin: StandIn, start_bot: StartBot):
    await start_bot(standin)
    interaction = await standin.slash("ask", question="Pourquoi ? " * 60)
    [message] = await standin.wait_messages(interaction)
    assert message["flags"] & EPHEMERAL
    assert "the limit is 500" in message["content"]
    assert_clean(standin)


async def test_ask_cooldown_gives_a_friendly_ephemeral_notice(
    standin: StandIn, start_bot: StartBot
):
    await start_bot(standin, Settings(cooldown_questions=2, cooldown_seconds=30))
    messages = []
    for _ in range(3):
        interaction = await standin.slash("ask", question="Qui est John Matze ?")
        messages += await standin.wait_messages(interaction)
    assert [bool(m["embeds"]) for m in messages] == [True, True, False]
    assert messages[2]["flags"] & EPHEMERAL
    assert "You're asking quickly" in messages[2]["content"]
    assert "Try again in" in messages[2]["content"]
    assert_clean(standin)


async def test_autocomplete_proposes_answerable_questions(standin: StandIn, start_bot: StartBot):
    bot = await start_bot(standin)
    choices = await standin.autocomplete("ask", "question", question="")
    assert 1 <= len(choices) <= 25
    assert [c["value"] for c in choices] == bot.engine.suggestions(25)
    filtered = await standin.autocomplete("ask", "question", question="plainte")
    assert filtered and all("plainte" in c["name"] for c in filtered)
    assert all(len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in choices + filtered)
    assert_clean(standin)


async def test_autocomplete_with_no_match_offers_nothing(standin: StandIn, start_bot: StartBot):
    await start_bot(standin)
    assert await standin.autocomplete("ask", "question", question="zzzz") == []
    assert_clean(standin)


async def test_sources_lists_every_article(standin: StandIn, start_bot: StartBot):
    bot = await start_bot(standin)
    interaction = await standin.slash("sources")
    [message] = await standin.wait_messages(interaction)
    [embed] = message["embeds"]
    assert message["flags"] & EPHEMERAL
    for document in bot.engine.documents:
        assert f"`{document.id}`" in embed["description"]
    assert "Reuters, The Verge" in embed["description"]
    assert_clean(standin)


async def test_source_shows_one_article_with_its_passages(standin: StandIn, start_bot: StartBot):
    bot = await start_bot(standin)
    interaction = await standin.slash("source", id="3")  # leading zeros optional
    [message] = await standin.wait_messages(interaction)
    [embed] = message["embeds"]
    document = bot.engine.corpus.document("003")
    assert embed["title"] == document.title
    assert "`003:0`" in embed["description"]
    assert {"name": "Article", "value": "`003`", "inline": True} in embed["fields"]
    assert_clean(standin)


async def test_source_pages_through_a_long_article(standin: StandIn, start_bot: StartBot):
    bot = await start_bot(standin)
    pages = [
        (d.id, len(render.article_pages(bot.engine.corpus.passages_of(d.id))))
        for d in bot.engine.documents
    ]
    doc_id, count = max(pages, key=lambda p: p[1])
    assert count > 1, "the seeds should have an article longer than a page"
    interaction = await standin.slash("source", id=doc_id)
    [message] = await standin.wait_messages(interaction)
    assert [b["custom_id"] for b in standin.buttons(message)] == [f"qa:page:1:{doc_id}"]
    click = await standin.click(message, f"qa:page:1:{doc_id}")
    await standin.wait_callback(click)
    assert click.callback_type == 7  # the page replaces the message in place
    page2 = standin.messages[int(message["id"])]
    assert page2["embeds"][0]["footer"]["text"].startswith(f"Page 2/{count}")
    assert f"qa:page:0:{doc_id}" in [b["custom_id"] for b in standin.buttons(page2)]
    assert_clean(standin)


async def test_source_unknown_id_says_where_to_find_ids(standin: StandIn, start_bot: StartBot):
    await start_bot(standin)
    interaction = await standin.slash("source", id="999")
    [message] = await standin.wait_messages(interaction)
    assert message["flags"] & EPHEMERAL
    assert "/sources lists the ids" in message["content"]
    assert_clean(standin)


@pytest.mark.parametrize("typed", ["²", "9" * 5000])
async def test_source_with_digits_no_article_has_says_so(
    standin: StandIn, start_bot: StartBot, typed: str
):
    # "²" (a key of French keyboards) passes isdigit() but not int(); so many digits
    # exceed what int() converts: neither may reach the generic error.
    await start_bot(standin)
    interaction = await standin.slash("source", id=typed)
    [message] = await standin.wait_messages(interaction)
    assert "/sources lists the ids" in message["content"]
    assert_clean(standin)


async def test_source_unknown_id_is_echoed_as_typed(standin: StandIn, start_bot: StartBot):
    await start_bot(standin)
    echoed = {}
    for typed in ["a_b", "*gras*", "@everyone"]:
        interaction = await standin.slash("source", id=typed)
        [message] = await standin.wait_messages(interaction)
        echoed[typed] = message["content"]
    # Escaped once (a backslash before markdown), not escaped then repr()'d.
    assert "« a\\_b »" in echoed["a_b"]
    assert "« \\*gras\\* »" in echoed["*gras*"]
    assert "\\u200b" not in echoed["@everyone"] and "« @\u200beveryone »" in echoed["@everyone"]
    assert_clean(standin)


async def test_source_autocomplete_offers_ids_with_titles(standin: StandIn, start_bot: StartBot):
    await start_bot(standin)
    choices = await standin.autocomplete("source", "id", id="désiste")
    assert choices == [{"name": choices[0]["name"], "value": "004"}]
    assert choices[0]["name"].startswith("004 · ")
    assert_clean(standin)


async def test_help_explains_how_to_ask(standin: StandIn, start_bot: StartBot):
    await start_bot(standin)
    interaction = await standin.slash("help")
    [message] = await standin.wait_messages(interaction)
    [embed] = message["embeds"]
    assert message["flags"] & EPHEMERAL
    for needle in ("/ask", "/sources", "/source", "DM", "500 characters", "For example"):
        assert needle in embed["description"]
    assert_clean(standin)


async def test_every_reply_disables_pings(standin: StandIn, start_bot: StartBot):
    await start_bot(standin)
    interaction = await standin.slash("ask", question="@everyone <@&1> Qui est John Matze ?")
    await standin.wait_messages(interaction)
    callback = standin.sent("/interactions/{interaction_id}/{token}/callback")[-1].body
    assert callback["data"]["allowed_mentions"] == {"parse": []}
    assert "@everyone" not in json.dumps(callback, ensure_ascii=False)
    assert_clean(standin)
