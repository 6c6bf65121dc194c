"""The stand-in itself refuses what Discord refuses: the other tests rely on it."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from tests.discord.conftest import StartBot
from tests.discord.rules import Rejection, pings, validate_choices, validate_message
from tests.discord.standin import StandIn


def refusal(payload: dict[str, Any], *, allow_ephemeral: bool = False) -> tuple[int, str]:
    with pytest.raises(Rejection) as caught:
        validate_message(payload, allow_ephemeral=allow_ephemeral, partial=False)
    return caught.value.code, str(caught.value.errors or caught.value.message)


def buttons(*custom_ids: str) -> dict[str, Any]:
    return {
        "type": 1,
        "components": [{"type": 2, "style": 2, "label": "x", "custom_id": c} for c in custom_ids],
    }


@pytest.mark.parametrize(
    ("payload", "where"),
    [
        ({"content": "x" * 2001}, "content"),
        ({"embeds": [{"title": "t" * 257}]}, "title"),
        ({"embeds": [{"description": "d" * 4097}]}, "description"),
        (
            {"embeds": [{"description": "d", "fields": [{"name": "n", "value": "v" * 1025}]}]},
            "value",
        ),
        ({"embeds": [{"description": "d", "fields": [{"name": "", "value": "v"}]}]}, "name"),
        ({"embeds": [{"footer": {"text": "f" * 2049}}]}, "footer"),
        ({"embeds": [{"description": "d" * 3001}, {"description": "d" * 3000}]}, "6000"),
        ({"embeds": [{"description": "d"}] * 11}, "embeds"),
        ({"components": [buttons(f"b{i}") for i in range(6)]}, "components"),
        ({"components": [buttons(*(f"b{i}" for i in range(6)))]}, "components"),
        ({"components": [buttons("c" * 101)]}, "custom_id"),
        ({"components": [buttons("same", "same")]}, "duplicated"),
        ({"content": "x", "flags": 64}, "flags"),
    ],
)
def test_oversize_or_malformed_messages_get_error_50035(payload: dict[str, Any], where: str):
    code, errors = refusal(payload)
    assert code == 50035
    assert where in errors


def test_empty_message_gets_error_50006():
    assert refusal({"content": "", "embeds": []})[0] == 50006


def test_largest_valid_message_passes():
    embed = {
        "title": "t" * 256,
        "description": "d" * 3000,
        "fields": [{"name": "n", "value": "v" * 1024}],
        "footer": {"text": "f" * 1000},
    }
    rows = [buttons(*(f"r{r}b{b}" for b in range(5))) for r in range(5)]
    validate_message(
        {"content": "c" * 2000, "embeds": [embed], "components": rows},
        allow_ephemeral=False,
        partial=False,
    )


@pytest.mark.parametrize(
    ("payload", "replied", "expected"),
    [
        ({"content": "@everyone <@1> <@&2>"}, None, ["everyone", "user:1", "role:2"]),
        ({"content": "@everyone <@1> <@&2>", "allowed_mentions": {"parse": []}}, None, []),
        ({"content": "hi"}, 7, ["reply:7"]),
        ({"content": "hi", "allowed_mentions": {"parse": [], "replied_user": False}}, 7, []),
    ],
)
def test_pings_follow_allowed_mentions(payload: dict, replied: int | None, expected: list[str]):
    assert pings(payload, replied) == expected


@pytest.mark.parametrize(
    "choices",
    [
        [{"name": f"q{i}", "value": f"q{i}"} for i in range(26)],
        [{"name": "q" * 101, "value": "q"}],
        [{"name": "q", "value": "q" * 101}],
        [{"name": "", "value": "q"}],
    ],
)
def test_autocomplete_over_discord_limits_is_refused(choices: list[dict[str, str]]):
    with pytest.raises(Rejection) as caught:
        validate_choices({"choices": choices})
    assert caught.value.code == 50035


async def test_json_content_type_is_exact_and_unknown_routes_are_recorded(standin: StandIn):
    headers = {"Authorization": f"Bot {standin.token}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        async with http.get(f"{standin.api_base}/users/@me") as response:
            assert response.headers["Content-Type"] == "application/json"
        async with http.get(f"{standin.api_base}/guilds/1/bans") as response:
            assert response.status == 404
    assert standin.unknown_routes == ["GET /api/v10/guilds/1/bans"]
    standin.unknown_routes.clear()


async def test_wrong_token_gets_401(standin: StandIn):
    async with (
        aiohttp.ClientSession() as http,
        http.get(
            f"{standin.api_base}/users/@me", headers={"Authorization": "Bot nope"}
        ) as response,
    ):
        assert response.status == 401


async def test_second_acknowledgement_gets_error_40060(standin: StandIn, start_bot: StartBot):
    await start_bot(standin)
    interaction = await standin.slash("help")
    await standin.wait_messages(interaction)
    url = f"{standin.api_base}/interactions/{interaction.id}/{interaction.token}/callback"
    again = {"type": 4, "data": {"content": "again"}}
    async with aiohttp.ClientSession() as http, http.post(url, json=again) as response:
        assert response.status == 400
        assert (await response.json())["code"] == 40060
    assert [e.code for _, e in standin.rejections] == [40060]
    standin.rejections.clear()


async def test_follow_up_before_any_response_is_unknown_webhook(
    standin: StandIn, start_bot: StartBot
):
    bot = await start_bot(standin)
    standin.delay("POST", "/interactions/{interaction_id}/{token}/callback", 0.3)
    interaction = await standin.slash("help")
    url = f"{standin.api_base}/webhooks/{bot.application_id}/{interaction.token}"
    early = {"content": "too early"}
    async with aiohttp.ClientSession() as http, http.post(url, json=early) as response:
        assert (await response.json())["code"] == 10015
    await standin.wait_messages(interaction)
    standin.rejections.clear()
