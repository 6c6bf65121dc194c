"""Answers far over Discord's limits (huge passages, titles, outlet lists) still go through."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.settings import Settings
from knowledge.engine import Engine
from tests.discord.conftest import StartBot, assert_clean
from tests.discord.standin import StandIn

QUESTION = "Pourquoi le zeppelin de Parler a-t-il été suspendu ?"


def giant_record(number: int) -> dict:
    long_sentence = (
        f"Le zeppelin numéro {number} de Parler a été suspendu par Amazon "
        + " ".join(
            f"après la vérification minutieuse du journal d'incident {i}" for i in range(110)
        )
        + "."
    )
    return {
        "id": f"giant-{number:02}",
        "title": "Le très long titre d'un article sur le zeppelin de Parler " * 8,
        "text": f"Une introduction brève. {long_sentence} Une conclusion brève.",
        "source": [f"Journal régional numéro {i}" for i in range(120)],
        "date": "2021-01",
        "url": "https://example.org/" + "chemin/" * 40,
    }


@pytest.fixture(scope="module")
def giant_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("giant") / "giant.jsonl"
    lines = [json.dumps(giant_record(n), ensure_ascii=False) for n in range(12)]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def giant_engine(giant_corpus: Path) -> Engine:
    return Engine.from_corpus(giant_corpus)


def test_the_giant_corpus_really_is_oversize(giant_engine: Engine):
    longest = max(len(p.text) for p in giant_engine.corpus.passages)
    assert longest > 4096  # over the description limit
    assert len(giant_engine.documents[0].title) > 256


async def test_oversize_answer_is_cut_cleanly_within_limits(
    standin: StandIn, start_bot: StartBot, giant_corpus: Path, giant_engine: Engine
):
    await start_bot(standin, Settings(corpus=giant_corpus, top_k=10), engine=giant_engine)
    question = await standin.send_message(standin.mention(QUESTION))
    reply = await standin.wait_reply_to(question)
    [embed] = reply["embeds"]
    assert len(embed["title"]) <= 256 and embed["title"].endswith(" …")
    assert embed["description"].startswith("**Le zeppelin numéro")
    assert embed["description"].endswith(" …**")
    assert len(embed["fields"][0]["value"]) <= 1024
    assert_clean(standin)  # the stand-in enforced every limit on the way


async def test_ten_oversize_passages_share_one_message(
    standin: StandIn, start_bot: StartBot, giant_corpus: Path, giant_engine: Engine
):
    await start_bot(standin, Settings(corpus=giant_corpus, top_k=10), engine=giant_engine)
    interaction = await standin.slash("ask", question=QUESTION)
    [answer] = await standin.wait_messages(interaction)
    more_id = next(
        b["custom_id"] for b in standin.buttons(answer) if b["custom_id"].startswith("qa:more:")
    )
    click = await standin.click(answer, more_id)
    [more] = await standin.wait_messages(click)
    assert len(more["embeds"]) == 10
    read_id = next(
        b["custom_id"] for b in standin.buttons(answer) if b["custom_id"].startswith("qa:read:")
    )
    read = await standin.click(answer, read_id)
    [article] = await standin.wait_messages(read)
    assert article["embeds"][0]["footer"]["text"].startswith("Page 1/")
    sources = await standin.slash("sources")
    await standin.wait_messages(sources)
    assert_clean(standin)
