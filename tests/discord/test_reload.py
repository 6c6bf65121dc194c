"""/reload through the stand-in: new articles without a restart, never a window without one."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from bot.discord.cogs.admin import NOT_ALLOWED
from bot.settings import Settings
from tests.conftest import SEEDS
from tests.discord.conftest import StartBot, assert_clean
from tests.discord.standin import EPHEMERAL, StandIn

SEND_MESSAGES = 1 << 11
MANAGE_GUILD = 1 << 5


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder)
    return folder


def settings_for(corpus: Path, **extra) -> Settings:
    return Settings(corpus=corpus, index_cache=None, **extra)


async def reply_text(standin: StandIn, interaction) -> str:
    [message] = await standin.wait_messages(interaction, timeout=20)
    assert message["flags"] & EPHEMERAL
    return message.get("content") or ""


async def ask(standin: StandIn, question: str) -> str:
    interaction = await standin.slash("ask", question=question)
    [message] = await standin.wait_messages(interaction, timeout=20)
    return message["embeds"][0]["description"]


async def test_reload_is_hidden_from_members_without_manage_server(
    standin: StandIn, start_bot: StartBot, corpus: Path
):
    await start_bot(standin, settings_for(corpus))
    reload = next(c for c in standin.global_commands if c["name"] == "reload")
    assert int(reload["default_member_permissions"]) == MANAGE_GUILD
    assert_clean(standin)


async def test_reload_serves_a_changed_article(standin: StandIn, start_bot: StartBot, corpus: Path):
    from bot.loading import engine_from_settings

    settings = settings_for(corpus)
    await start_bot(standin, settings, engine=engine_from_settings(settings))
    article = next(corpus.glob("004_*.txt"))
    article.write_text(
        article.read_text(encoding="utf-8").replace("Epik", "Zorblax"), encoding="utf-8"
    )
    assert "Zorblax" not in await ask(standin, "refuge pour l'extrême droite aux USA")
    interaction = await standin.slash("reload", user=standin.owner, permissions=SEND_MESSAGES)
    assert "Reloaded: 5 articles" in await reply_text(standin, interaction)
    assert "Zorblax" in await ask(standin, "refuge pour l'extrême droite aux USA")
    assert_clean(standin)


async def test_broken_corpus_keeps_the_old_articles_serving(
    standin: StandIn, start_bot: StartBot, corpus: Path
):
    from bot.loading import engine_from_settings

    settings = settings_for(corpus)
    await start_bot(standin, settings, engine=engine_from_settings(settings))
    (corpus / "catalog.yaml").write_text('"000": {title: [unclosed\n', encoding="utf-8")
    interaction = await standin.slash("reload")
    text = await reply_text(standin, interaction)
    assert "Reload failed" in text and "catalog.yaml" in text
    assert "Amy Peikoff" in await ask(standin, "Qui a reçu le message d'Amazon Web Services ?")
    assert_clean(standin)


async def test_question_during_a_reload_is_answered(
    standin: StandIn, start_bot: StartBot, corpus: Path
):
    from bot.loading import engine_from_settings

    settings = settings_for(corpus)
    bot = await start_bot(standin, settings, engine=engine_from_settings(settings))
    reloading = asyncio.create_task(bot.reload_engine())
    answer = await ask(standin, "Qui est John Matze ?")
    await reloading
    assert "Matze" in answer
    assert bot.engine is bot.asker.engine
    assert_clean(standin)


async def test_member_without_manage_server_is_refused(
    standin: StandIn, start_bot: StartBot, corpus: Path
):
    bot = await start_bot(standin, settings_for(corpus))
    before = bot.engine
    interaction = await standin.slash("reload", user=standin.bob, permissions=SEND_MESSAGES)
    assert NOT_ALLOWED in await reply_text(standin, interaction)
    assert bot.engine is before
    assert_clean(standin)


async def test_configured_owner_may_reload_anywhere(
    standin: StandIn, start_bot: StartBot, corpus: Path
):
    await start_bot(standin, settings_for(corpus, owner_ids=(standin.bob.id,)))
    interaction = await standin.slash("reload", user=standin.bob, permissions=SEND_MESSAGES)
    assert "Reloaded" in await reply_text(standin, interaction)
    assert_clean(standin)


async def test_sighup_reloads_the_articles(standin: StandIn, start_bot: StartBot, corpus: Path):
    import os
    import signal

    bot = await start_bot(standin, settings_for(corpus), reload_on_sighup=True)
    before = bot.engine
    os.kill(os.getpid(), signal.SIGHUP)
    for _ in range(500):
        if bot.engine is not before:
            break
        await asyncio.sleep(0.02)
    assert bot.engine is not before
    assert "Matze" in await ask(standin, "Qui est John Matze ?")
    asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
    assert_clean(standin)


async def test_a_list_button_left_from_before_a_reload_shows_the_last_page(
    standin: StandIn, start_bot: StartBot, tmp_path: Path
):
    import json

    corpus = tmp_path / "many.jsonl"
    records = [
        {"id": f"a{n:02}", "title": f"Un article numéro {n} sur Parler et Amazon " * 2,
         "text": f"Le paragraphe {n} parle de Parler et d'Amazon."}
        for n in range(60)
    ]  # fmt: skip
    corpus.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    from bot.loading import engine_from_settings

    settings = settings_for(corpus)
    bot = await start_bot(standin, settings, engine=engine_from_settings(settings))
    listing = await standin.wait_messages(await standin.slash("sources"))
    assert "qa:list:1" in {b["custom_id"] for b in standin.buttons(listing[0])}
    corpus.write_text("\n".join(json.dumps(r) for r in records[:2]), encoding="utf-8")
    await bot.reload_engine()
    click = await standin.click(listing[0], "qa:list:1")
    await standin.wait_callback(click)
    page = standin.messages[int(listing[0]["id"])]
    assert "a01" in page["embeds"][0]["description"]
    assert not standin.buttons(page)  # one page left: no stale "Previous" to click
    assert_clean(standin)
