"""The buttons under answers: "more passages" and "read the article", also after a restart."""

from __future__ import annotations

import json
from pathlib import Path

from bot.settings import Settings
from knowledge.engine import Engine
from tests.discord.conftest import StartBot, assert_clean
from tests.discord.standin import EPHEMERAL, StandIn

QUESTION = "Pourquoi Amazon a-t-il suspendu Parler ?"  # many passages match


async def ask_by_mention(standin: StandIn, question: str = QUESTION) -> dict:
    message = await standin.send_message(standin.mention(question))
    return await standin.wait_reply_to(message)


def custom_id(standin: StandIn, message: dict, prefix: str) -> str:
    return next(
        b["custom_id"] for b in standin.buttons(message) if b["custom_id"].startswith(prefix)
    )


async def test_more_passages_shows_the_next_results_to_the_clicker(
    standin: StandIn, start_bot: StartBot
):
    bot = await start_bot(standin)
    answer = await ask_by_mention(standin)
    click = await standin.click(answer, custom_id(standin, answer, "qa:more:1:"), user=standin.bob)
    [more] = await standin.wait_messages(click)
    assert more["flags"] & EPHEMERAL
    expected = bot.engine.ask(QUESTION, k=5).passages[1:4]
    titles = [e["title"] for e in more["embeds"]]
    assert titles == [f"{n}. {p.document.title}" for n, p in enumerate(expected, start=2)]
    assert all("**" in e["description"] for e in more["embeds"])
    assert more["embeds"][-1]["footer"]["text"] == f"Question : {QUESTION}"
    assert custom_id(standin, more, "qa:more:").startswith("qa:more:4:")
    assert_clean(standin)


async def test_more_passages_can_be_clicked_again_for_further_results(
    standin: StandIn, start_bot: StartBot
):
    await start_bot(standin)
    answer = await ask_by_mention(standin)
    first = await standin.click(answer, custom_id(standin, answer, "qa:more:"))
    [more] = await standin.wait_messages(first)
    second = await standin.click(more, custom_id(standin, more, "qa:more:"))
    [further] = await standin.wait_messages(second)
    assert further["embeds"][0]["title"].startswith("5. ")
    assert_clean(standin)


async def test_more_passages_shows_every_passage_once_when_top_k_exceeds_a_message(
    standin: StandIn, start_bot: StartBot
):
    # A message carries 10 embeds; with QA_TOP_K=15 the clicks once went 2-11, 17-26.
    bot = await start_bot(standin, Settings(top_k=15, cooldown_questions=100))
    message = await ask_by_mention(standin)
    shown = [1]
    while more := [b for b in standin.buttons(message) if b["custom_id"].startswith("qa:more:")]:
        click = await standin.click(message, more[0]["custom_id"])
        [message] = await standin.wait_messages(click)
        shown += [int(e["title"].split(".")[0]) for e in message["embeds"]]
    assert shown == list(range(1, len(bot.engine.ask(QUESTION, k=100).passages) + 1))
    assert len(shown) > 11
    assert_clean(standin)


async def test_read_the_article_opens_it_ephemerally(standin: StandIn, start_bot: StartBot):
    bot = await start_bot(standin)
    answer = await ask_by_mention(standin)
    best = bot.engine.ask(QUESTION).passages[0]
    click = await standin.click(answer, f"qa:read:{best.document.id}", user=standin.bob)
    [article] = await standin.wait_messages(click)
    assert article["flags"] & EPHEMERAL
    [embed] = article["embeds"]
    assert embed["title"] == best.document.title
    assert f"`{best.passage.id}`" in embed["description"]
    assert_clean(standin)


async def test_buttons_of_a_private_answer_work(standin: StandIn, start_bot: StartBot):
    await start_bot(standin)
    interaction = await standin.slash("ask", question=QUESTION, private=True)
    [answer] = await standin.wait_messages(interaction)
    click = await standin.click(answer, custom_id(standin, answer, "qa:more:"))
    [more] = await standin.wait_messages(click)
    assert more["embeds"][0]["title"].startswith("2. ")
    assert_clean(standin)


async def test_buttons_keep_working_after_the_bot_is_recreated(
    standin: StandIn, start_bot: StartBot
):
    first = await start_bot(standin)
    answer = await ask_by_mention(standin)
    interaction = await standin.slash("source", id="000")
    [article] = await standin.wait_messages(interaction)
    await start_bot.stop(first)
    await start_bot(standin)  # a new process: nothing in memory but the registrations

    more = await standin.click(answer, custom_id(standin, answer, "qa:more:"))
    [passages] = await standin.wait_messages(more)
    assert passages["embeds"][0]["title"].startswith("2. ")
    read = await standin.click(answer, custom_id(standin, answer, "qa:read:"))
    [opened] = await standin.wait_messages(read)
    assert opened["embeds"][0]["title"] == answer["embeds"][0]["title"]
    page = await standin.click(article, custom_id(standin, article, "qa:page:"))
    await standin.wait_callback(page)
    assert page.callback_type == 7
    assert_clean(standin)


async def test_more_passages_after_the_corpus_changed_asks_to_ask_again(
    standin: StandIn, start_bot: StartBot, tmp_path: Path
):
    first = await start_bot(standin)
    answer = await ask_by_mention(standin)
    await start_bot.stop(first)
    corpus = tmp_path / "other.jsonl"
    records = [
        {
            "id": "a1",
            "title": "John Matze",
            "text": "John Matze a fondé Parler en 2018. Il en était le PDG.",
        },
        {
            "id": "a2",
            "title": "Amazon",
            "text": "Amazon Web Services héberge de nombreux sites. John Matze a protesté.",
        },
    ]
    corpus.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8"
    )
    await start_bot(standin, Settings(corpus=corpus), engine=Engine.from_corpus(corpus))

    more = await standin.click(answer, custom_id(standin, answer, "qa:more:"))
    [notice] = await standin.wait_messages(more)
    assert notice["content"].startswith("The articles have changed")
    read = await standin.click(answer, custom_id(standin, answer, "qa:read:"))
    [gone] = await standin.wait_messages(read)
    assert gone["content"].startswith("I no longer have article")
    assert_clean(standin)
