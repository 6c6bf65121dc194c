"""Questions by mention and DM, through the stand-in Discord."""

from __future__ import annotations

import asyncio
import json

import pytest

from bot.discord import asking, render
from bot.settings import Settings
from tests.discord.conftest import StartBot, assert_clean
from tests.discord.standin import EPHEMERAL, StandIn


async def test_mention_gets_a_real_reply_with_sourced_embed(standin: StandIn, start_bot: StartBot):
    bot = await start_bot(standin)
    question = await standin.send_message(standin.mention("Qui est John Matze ?"))
    reply = await standin.wait_reply_to(question)
    assert reply["type"] == 19  # a reply, attached to the question
    assert reply["message_reference"]["message_id"] == question["id"]
    [embed] = reply["embeds"]
    best = bot.engine.ask("Qui est John Matze ?").passages[0]
    assert f"**{render.escape(best.sentence)}**" in embed["description"]
    assert f"`{best.document.id}`" in embed["fields"][0]["value"]
    assert embed["footer"]["text"] == "Question : Qui est John Matze ?"
    buttons = {b["custom_id"] for b in standin.buttons(reply)}
    assert f"qa:read:{best.document.id}" in buttons
    assert_clean(standin)


@pytest.mark.parametrize("announced", [True, False], ids=["known thread", "unknown thread"])
async def test_a_mention_in_a_thread_is_answered_in_the_thread(
    standin: StandIn, start_bot: StartBot, announced: bool
):
    # Forum posts are threads too. A thread the bot was never told about (not sent
    # with the guild, no THREAD_CREATE) is still answered.
    thread = standin.add_thread("Parler v. AWS", announced=announced)
    await start_bot(standin)
    question = await standin.send_message(standin.mention("Qui est John Matze ?"), channel=thread)
    reply = await standin.wait_reply_to(question)
    assert reply["channel_id"] == str(thread.id)
    assert "John Matze" in reply["embeds"][0]["description"]
    follow_up = await standin.send_message(standin.mention("Pourquoi ?"), channel=thread)
    [embed] = (await standin.wait_reply_to(follow_up))["embeds"]
    assert embed["footer"]["text"] == "Question : Pourquoi ? Qui est John Matze ?"
    assert_clean(standin)


async def test_reply_cites_title_date_and_outlets(standin: StandIn, start_bot: StartBot):
    bot = await start_bot(standin)
    text = "Devant quel tribunal Parler a-t-il déposé sa nouvelle plainte ?"
    question = await standin.send_message(standin.mention(text))
    [embed] = (await standin.wait_reply_to(question))["embeds"]
    document = bot.engine.ask(text).passages[0].document
    assert embed["title"] == document.title
    details = [d for d in (document.date, ", ".join(document.sources)) if d]
    assert embed["fields"][0]["value"].startswith(
        " · ".join([*details, f"article `{document.id}`"])
    )
    assert_clean(standin)


async def test_any_message_in_a_dm_is_a_question(standin: StandIn, start_bot: StartBot):
    await start_bot(standin)
    dm = standin.dm_channel(standin.bob)
    question = await standin.send_message(
        "Pourquoi Parler a-t-il retiré sa plainte ?", author=standin.bob, channel=dm
    )
    reply = await standin.wait_reply_to(question)
    assert reply["channel_id"] == str(dm.id)
    assert reply["embeds"][0]["footer"]["text"].endswith(
        "Pourquoi Parler a-t-il retiré sa plainte ?"
    )
    assert_clean(standin)


async def test_a_message_forwarded_to_the_bots_dms_is_asked(standin: StandIn, start_bot: StartBot):
    # A forward's text is in its snapshot, not its content: it got "Ask me a question".
    await start_bot(standin)
    said = await standin.send_message("Qui est John Matze ?", author=standin.alice)
    dm = standin.dm_channel(standin.bob)
    forward = await standin.forward_message(said, author=standin.bob, channel=dm)
    reply = await standin.wait_reply_to(forward)
    assert reply["embeds"][0]["footer"]["text"] == "Question : Qui est John Matze ?"
    assert_clean(standin)


async def test_mentioning_the_bots_role_also_asks(standin: StandIn, start_bot: StartBot):
    await start_bot(standin)
    role = standin.guild.role("Parler QA")
    question = await standin.send_message(f"<@&{role.id}> Qui est John Matze ?")
    reply = await standin.wait_reply_to(question)
    assert reply["embeds"][0]["footer"]["text"] == "Question : Qui est John Matze ?"
    assert_clean(standin)


async def test_messages_not_addressed_to_the_bot_are_ignored(standin: StandIn, start_bot: StartBot):
    await start_bot(standin)
    moderators = standin.guild.role("moderators")
    await standin.send_message("Qui est John Matze ?")
    await standin.send_message("@everyone Qui est John Matze ?")
    await standin.send_message(f"<@&{moderators.id}> Qui est John Matze ?")
    await standin.send_message(f"<@{standin.bob.id}> Qui est John Matze ?")
    marker = await standin.send_message(standin.mention("Qui est John Matze ?"))
    await standin.wait_reply_to(marker)
    assert len(standin.bot_messages()) == 1
    assert_clean(standin)


async def test_own_and_other_bots_messages_are_ignored(standin: StandIn, start_bot: StartBot):
    await start_bot(standin)
    await standin.send_message(standin.mention("Qui est John Matze ?"), author=standin.other_bot)
    await standin.send_message(standin.mention("Qui est John Matze ?"), author=standin.bot)
    dm = standin.dm_channel(standin.other_bot)
    await standin.send_message("Qui est John Matze ?", author=standin.other_bot, channel=dm)
    marker = await standin.send_message(standin.mention("Qui est John Matze ?"))
    await standin.wait_reply_to(marker)
    assert len(standin.bot_messages()) == 1
    assert_clean(standin)


async def test_everyone_and_role_mentions_in_a_question_ping_nobody(
    standin: StandIn, start_bot: StartBot
):
    await start_bot(standin)
    moderators = standin.guild.role("moderators")
    question = await standin.send_message(
        standin.mention(
            f"@everyone @here <@&{moderators.id}> <@{standin.bob.id}> recette du gâteau ?"
        )
    )
    reply = await standin.wait_reply_to(question)
    sent = standin.sent("/channels/{channel_id}/messages", "POST")[-1].body
    assert sent["allowed_mentions"] == {"parse": [], "replied_user": False}
    text = reply["content"] + str(reply["embeds"])
    assert "@everyone" not in text and "@here" not in text
    assert f"<@&{moderators.id}>" not in text and f"<@{standin.bob.id}>" not in text
    assert "@moderators" in reply["embeds"][0]["description"]
    assert_clean(standin)  # includes: no message would ping anyone


async def test_offtopic_question_gets_polite_abstention_with_two_suggestions(
    standin: StandIn, start_bot: StartBot
):
    bot = await start_bot(standin)
    question = await standin.send_message(
        standin.mention("Quelle est la recette de la tarte aux pommes ?")
    )
    reply = await standin.wait_reply_to(question)
    [embed] = reply["embeds"]
    assert embed["title"].startswith("No answer in the articles")
    assert "They are about:" in embed["description"]
    suggestions = bot.engine.suggestions(2)
    assert all(s in embed["description"] for s in suggestions)
    assert not reply["components"]  # never a random passage, nor buttons for one
    assert_clean(standin)


async def test_too_long_question_is_refused_with_the_limit(standin: StandIn, start_bot: StartBot):
    await start_bot(standin, Settings(max_question_chars=40))
    question = await standin.send_message(standin.mention("Pourquoi " + "vraiment " * 10 + "?"))
    reply = await standin.wait_reply_to(question)
    assert "the limit is 40" in reply["content"]
    assert not reply["embeds"]
    assert_clean(standin)


async def test_bare_mention_explains_how_to_ask(standin: StandIn, start_bot: StartBot):
    await start_bot(standin)
    question = await standin.send_message(standin.mention(""))
    reply = await standin.wait_reply_to(question)
    assert reply["content"].startswith("Ask me a question")
    assert_clean(standin)


async def test_a_mention_of_invisible_characters_is_a_bare_mention(
    standin: StandIn, start_bot: StartBot
):
    await start_bot(standin)
    question = await standin.send_message(standin.mention("\u200b\u200b\u2060"))
    reply = await standin.wait_reply_to(question)
    assert reply["content"].startswith("Ask me a question")
    assert_clean(standin)


async def test_a_direction_override_is_never_echoed(standin: StandIn, start_bot: StartBot):
    # U+202E would show the rest of the bot's own sentence reversed.
    await start_bot(standin)
    question = await standin.send_message(standin.mention("\u202etarte aux pommes"))
    reply = await standin.wait_reply_to(question)
    [embed] = reply["embeds"]
    assert "tarte aux pommes" in embed["description"]
    assert "\u202e" not in json.dumps(reply, ensure_ascii=False)
    assert_clean(standin)


async def test_refused_questions_count_against_the_cooldown(standin: StandIn, start_bot: StartBot):
    # Bare and over-long mentions get a public reply each: past the rate, one notice,
    # then silence, as for answered questions.
    await start_bot(standin, Settings(cooldown_questions=2, max_question_chars=40))
    for text in ["", "x" * 50, "", "x" * 50, ""]:
        await standin.send_message(standin.mention(text))
    await asyncio.sleep(0.3)
    replies = [m["content"] for m in standin.bot_messages()]
    assert len(replies) == 3
    assert replies[0].startswith("Ask me a question") and "the limit is 40" in replies[1]
    assert "2 questions per" in replies[2]
    assert_clean(standin)


async def test_thanks_and_greetings_get_a_reply_in_kind(standin: StandIn, start_bot: StartBot):
    # A reply to the bot's answer pings it: "merci !" once got "No answer in the articles".
    bot = await start_bot(standin)
    thanks = await standin.send_message(standin.mention("merci beaucoup !"))
    reply = await standin.wait_reply_to(thanks)
    assert reply["content"].startswith("De rien !") and not reply["embeds"]
    hello = await standin.send_message(standin.mention("Bonjour !"))
    reply = await standin.wait_reply_to(hello)
    assert reply["content"].startswith("Bonjour ! Je réponds aux questions")
    assert render.escape(bot.suggestion_pool[0]) in reply["content"]
    interaction = await standin.slash("ask", question="thanks!")
    [message] = await standin.wait_messages(interaction)
    assert message["content"].startswith("De rien !")
    ok = await standin.send_message(standin.mention("ok 👍"))
    reply = await standin.wait_reply_to(ok)
    assert reply["content"].startswith("👍") and not reply["embeds"]
    bye = await standin.send_message(standin.mention("merci et au revoir !"))
    reply = await standin.wait_reply_to(bye)
    assert reply["content"].startswith("Au revoir !") and not reply["embeds"]
    assert_clean(standin)


async def test_help_typed_as_a_question_gets_the_help(standin: StandIn, start_bot: StartBot):
    # "help" by mention once got "No answer in the articles".
    await start_bot(standin)
    for typed in ("help", "aide svp", "/help"):
        asked = await standin.send_message(standin.mention(typed))
        reply = await standin.wait_reply_to(asked)
        [embed] = reply["embeds"]
        assert embed["title"] == "How to ask (mode d'emploi)" and "/sources" in embed["description"]
    interaction = await standin.slash("ask", question="help me")
    [message] = await standin.wait_messages(interaction)
    assert message["flags"] & EPHEMERAL  # like /help: for the one who asked
    assert message["embeds"][0]["title"] == "How to ask (mode d'emploi)"
    assert_clean(standin)


@pytest.mark.parametrize("off_loop", [False, True])
async def test_a_follow_up_asks_about_the_same_users_last_question(
    standin: StandIn, start_bot: StartBot, monkeypatch: pytest.MonkeyPatch, off_loop: bool
):
    if off_loop:  # as for a corpus of 5,000+ passages: read in a worker thread
        monkeypatch.setattr(asking, "OFF_LOOP_PASSAGES", 0)
    await start_bot(standin)
    first = await standin.send_message(standin.mention("Amazon a suspendu Parler"))
    await standin.wait_reply_to(first)
    why = await standin.send_message(standin.mention("Pourquoi ?"))
    reply = await standin.wait_reply_to(why)
    [embed] = reply["embeds"]
    assert embed["footer"]["text"] == "Question : Pourquoi ? Amazon a suspendu Parler"
    assert "a conduit à notre suspension" in embed["description"]
    # Another user's "Pourquoi ?" is not about alice's question.
    other = await standin.send_message(standin.mention("Pourquoi ?"), author=standin.bob)
    [embed] = (await standin.wait_reply_to(other))["embeds"]
    assert embed["title"] == "No answer in the articles (pas de réponse)"
    assert embed["description"].startswith("About what? Ask the whole question")
    interaction = await standin.slash("ask", question="et quand ?")
    [message] = await standin.wait_messages(interaction)
    footer = message["embeds"][0]["footer"]["text"]
    assert footer == "Question : et quand ? Amazon a suspendu Parler"
    assert_clean(standin)


async def test_a_follow_up_replying_to_an_answer_asks_about_its_question(
    standin: StandIn, start_bot: StartBot
):
    await start_bot(standin)
    first = await standin.send_message(standin.mention("Parler a perdu des utilisateurs"))
    answer = await standin.wait_reply_to(first)
    # Bob replies to the answer alice got (Discord's reply pings the bot).
    how_many = await standin.send_message("Combien ?", author=standin.bob, reference=answer)
    [embed] = (await standin.wait_reply_to(how_many))["embeds"]
    assert embed["footer"]["text"] == "Question : Combien ? Parler a perdu des utilisateurs"
    assert "dizaines de millions" in embed["description"]
    assert_clean(standin)


async def test_a_channel_without_embed_links_gets_the_answer_as_text(
    standin: StandIn, start_bot: StartBot, caplog: pytest.LogCaptureFixture
):
    # The reply once failed there (403) and the user got nothing at all.
    standin.guild.channel.embed_links = False
    await start_bot(standin)
    question = await standin.send_message(standin.mention("Qui est John Matze ?"))
    reply = await standin.wait_reply_to(question)
    assert not reply["embeds"] and not reply["components"]  # buttons need the embed
    text = reply["content"]
    assert "John Matze" in text and "**" in text and len(text) <= 2000
    assert text.endswith("*Question : Qui est John Matze ?*")
    assert [(r.method, e.code) for r, e in standin.rejections] == [("POST", 50013)]
    assert "no Embed Links in channel" in caplog.text
    standin.rejections.clear()
    assert_clean(standin)


async def test_cooldown_tells_once_then_stays_quiet(standin: StandIn, start_bot: StartBot):
    await start_bot(standin, Settings(cooldown_questions=2, cooldown_seconds=60))
    replies = []
    for _ in range(4):
        question = await standin.send_message(standin.mention("Qui est John Matze ?"))
        if len(replies) < 3:
            replies.append(await standin.wait_reply_to(question))
    await asyncio.sleep(0.2)
    assert [bool(r["embeds"]) for r in replies] == [True, True, False]
    assert "2 questions per 60 seconds" in replies[2]["content"]
    assert len(standin.bot_messages()) == 3  # the fourth question got no second notice
    other = await standin.send_message(standin.mention("Qui est John Matze ?"), author=standin.bob)
    assert (await standin.wait_reply_to(other))["embeds"]  # per user: Bob is not limited
    assert_clean(standin)


async def test_an_edited_question_is_answered_again_in_the_same_reply(
    standin: StandIn, start_bot: StartBot
):
    await start_bot(standin)
    question = await standin.send_message(standin.mention("Quelle est la recette des crêpes ?"))
    reply = await standin.wait_reply_to(question)
    assert reply["embeds"][0]["title"].startswith("No answer in the articles")
    await standin.edit_message(question, standin.mention("Qui est John Matze ?"))
    edited = await standin.wait_for(
        lambda: (
            "John Matze, PDG de Parler" in str(standin.messages[int(reply["id"])]["embeds"])
            and standin.messages[int(reply["id"])]
        )
    )
    assert edited["components"]  # the answer's buttons came with it
    assert len(standin.bot_messages()) == 1  # edited in place, not repeated
    assert_clean(standin)


async def test_an_edited_question_in_a_channel_without_embed_links_gets_text_again(
    standin: StandIn, start_bot: StartBot
):
    # Discord drops an edit's embeds there without a word: the reply was left empty.
    standin.guild.channel.embed_links = False
    await start_bot(standin)
    question = await standin.send_message(standin.mention("Quelle est la recette des crêpes ?"))
    reply = await standin.wait_reply_to(question)
    assert reply["content"].startswith("**No answer in the articles")
    await standin.edit_message(question, standin.mention("Qui est John Matze ?"))
    edited = await standin.wait_for(
        lambda: (
            "John Matze" in standin.messages[int(reply["id"])]["content"]
            and standin.messages[int(reply["id"])]
        )
    )
    assert edited["content"].endswith("*Question : Qui est John Matze ?*")
    assert not edited["embeds"] and not edited["components"]
    assert len(standin.bot_messages()) == 1
    assert [(r.method, e.code) for r, e in standin.rejections] == [("POST", 50013)]
    standin.rejections.clear()
    # Embed Links granted since: a new answer, and its edit, are embeds again.
    standin.guild.channel.embed_links = True
    question = await standin.send_message(standin.mention("Quelle est la recette des crêpes ?"))
    reply = await standin.wait_reply_to(question)
    await standin.edit_message(question, standin.mention("Qui est John Matze ?"))
    edited = await standin.wait_for(
        lambda: (
            "John Matze" in str(standin.messages[int(reply["id"])]["embeds"])
            and standin.messages[int(reply["id"])]
        )
    )
    assert edited["components"] and not edited["content"]
    assert_clean(standin)


async def test_edits_that_change_nothing_or_were_never_answered_are_left_alone(
    standin: StandIn, start_bot: StartBot
):
    await start_bot(standin)
    question = await standin.send_message(standin.mention("Qui est John Matze ?"))
    await standin.wait_reply_to(question)
    await standin.edit_message(question, question["content"])  # e.g. a link preview added
    unrelated = await standin.send_message("une remarque sans mention")
    # Later, as a person edits: discord.py updates the message object its listeners
    # got, so an edit in the same instant would be read as the message itself.
    await asyncio.sleep(0.2)
    await standin.edit_message(unrelated, standin.mention("Qui est John Matze ?"))
    await asyncio.sleep(0.3)
    assert not standin.sent("/channels/{channel_id}/messages/{message_id}", "PATCH")
    assert len(standin.bot_messages()) == 1
    assert_clean(standin)


async def test_edits_count_against_the_cooldown_and_past_it_change_nothing(
    standin: StandIn, start_bot: StartBot
):
    await start_bot(standin, Settings(cooldown_questions=1, cooldown_seconds=60))
    question = await standin.send_message(standin.mention("Qui est John Matze ?"))
    reply = await standin.wait_reply_to(question)
    await standin.edit_message(question, standin.mention("Pourquoi Amazon a suspendu Parler ?"))
    await asyncio.sleep(0.3)
    assert standin.messages[int(reply["id"])]["embeds"] == reply["embeds"]
    assert len(standin.bot_messages()) == 1  # no cooldown notice either
    # The edit's refusal was not told: the next question's is (it once got nothing).
    again = await standin.send_message(standin.mention("Qui a fondé Parler ?"))
    notice = await standin.wait_reply_to(again)
    assert notice["content"].startswith("You're asking quickly")
    assert_clean(standin)


async def test_a_private_question_is_never_followed_up_in_public(
    standin: StandIn, start_bot: StartBot
):
    # A public "Combien ?" showed the private question in its footer, for all to see.
    await start_bot(standin)
    interaction = await standin.slash(
        "ask", question="Parler a perdu des utilisateurs, et moi mon emploi", private=True
    )
    [private] = await standin.wait_messages(interaction)
    assert private["flags"] & EPHEMERAL
    how_many = await standin.send_message(standin.mention("Combien ?"))
    [embed] = (await standin.wait_reply_to(how_many))["embeds"]
    assert "mon emploi" not in json.dumps(embed, ensure_ascii=False)
    assert embed["description"].startswith("About what? Ask the whole question")
    # Privately, it is followed up as any question is.
    interaction = await standin.slash("ask", question="Combien ?", private=True)
    [message] = await standin.wait_messages(interaction)
    assert message["flags"] & EPHEMERAL and "mon emploi" in message["embeds"][0]["footer"]["text"]
    assert_clean(standin)


async def test_a_reply_to_someones_message_asks_about_it(standin: StandIn, start_bot: StartBot):
    # "@bot pourquoi ?" replying to Bob was joined to alice's own earlier question, and
    # a bare "@bot" replying to Bob's question got "Ask me a question".
    await start_bot(standin)
    said = await standin.send_message("Amazon a suspendu Parler", author=standin.bob)
    why = await standin.send_message(standin.mention("pourquoi ?"), reference=said)
    [embed] = (await standin.wait_reply_to(why))["embeds"]
    assert embed["footer"]["text"] == "Question : pourquoi ? Amazon a suspendu Parler"
    asked = await standin.send_message("Qui est John Matze ?", author=standin.bob)
    bare = await standin.send_message(standin.mention(""), reference=asked)
    [embed] = (await standin.wait_reply_to(bare))["embeds"]
    assert embed["footer"]["text"] == "Question : Qui est John Matze ?"
    assert_clean(standin)


async def test_people_talking_under_an_answer_are_not_asking_the_bot(
    standin: StandIn, start_bot: StartBot
):
    await start_bot(standin)
    question = await standin.send_message(standin.mention("Qui est John Matze ?"))
    answer = await standin.wait_reply_to(question)
    # Bob replies to the answer (which pings the bot) to talk to alice.
    await standin.send_message(
        f"<@{standin.alice.id}> tu vois, je te l'avais dit", author=standin.bob, reference=answer
    )
    await asyncio.sleep(0.3)
    assert len(standin.bot_messages()) == 1
    assert_clean(standin)


async def test_discord_codes_and_markdown_are_not_words_of_the_question(
    standin: StandIn, start_bot: StartBot
):
    # "merci <:pepelove:1>" got "No answer" quoting the code; a spoiler changed the answer.
    await start_bot(standin)
    thanks = await standin.send_message(standin.mention("merci <:pepelove:123456789> !"))
    assert (await standin.wait_reply_to(thanks))["content"].startswith("De rien !")
    plain = await standin.send_message(standin.mention("Qui est John Matze ?"))
    marked = await standin.send_message(standin.mention("Qui est ||`John Matze`|| ?"))
    first = (await standin.wait_reply_to(plain))["embeds"][0]
    second = (await standin.wait_reply_to(marked))["embeds"][0]
    assert second["description"] == first["description"]
    assert second["footer"]["text"] == "Question : Qui est John Matze ?"
    interaction = await standin.slash("ask", question=f"<@{standin.bob.id}> qui est John Matze ?")
    [message] = await standin.wait_messages(interaction)
    footer = message["embeds"][0]["footer"]["text"]  # a name, not a raw "<@123>"
    assert footer in (
        "Question : @bob qui est John Matze ?",
        "Question : @user qui est John Matze ?",
    )
    assert_clean(standin)


async def test_a_follow_up_to_an_answer_sent_as_text_asks_about_its_question(
    standin: StandIn, start_bot: StartBot
):
    # Where the bot may not embed, "Pourquoi ?" in reply to its answer got "About what?":
    # the question was read only from an embed's footer.
    standin.guild.channel.embed_links = False
    await start_bot(standin)
    first = await standin.send_message(standin.mention("Amazon a suspendu Parler"))
    answer = await standin.wait_reply_to(first)
    why = await standin.send_message("Pourquoi ?", author=standin.bob, reference=answer)
    reply = await standin.wait_reply_to(why)
    assert reply["content"].endswith("*Question : Pourquoi ? Amazon a suspendu Parler*")
    standin.rejections.clear()  # the refused embeds, as in a channel without Embed Links
    assert_clean(standin)


async def test_a_deleted_question_takes_the_bots_reply_with_it(
    standin: StandIn, start_bot: StartBot
):
    # The reply stayed, quoting the deleted question for all to read.
    await start_bot(standin)
    question = await standin.send_message(standin.mention("va te faire voir, bot ?"))
    reply = await standin.wait_reply_to(question)
    kept = await standin.send_message(standin.mention("Qui est John Matze ?"))
    other = await standin.wait_reply_to(kept)
    await standin.delete_message(question)
    for _ in range(100):
        if int(reply["id"]) not in standin.messages:
            break
        await asyncio.sleep(0.01)
    assert int(reply["id"]) not in standin.messages
    assert int(other["id"]) in standin.messages  # only that question's reply
    assert_clean(standin)


async def test_a_question_edited_before_its_reply_exists_gets_the_edit_answered(
    standin: StandIn, start_bot: StartBot
):
    # The typo fixed while the reply was on its way was lost: the reply answered the
    # typo and was never updated.
    await start_bot(standin)
    standin.delay("POST", "/channels/{channel_id}/messages", 0.3)
    question = await standin.send_message(standin.mention("Qui est Jhon Matzee ?"))
    await asyncio.sleep(0.05)
    await standin.edit_message(question, standin.mention("Pourquoi Amazon a suspendu Parler ?"))
    reply = await standin.wait_reply_to(question)
    for _ in range(100):
        footer = standin.messages[int(reply["id"])]["embeds"][0]["footer"]["text"]
        if "Pourquoi" in footer:
            break
        await asyncio.sleep(0.02)
    assert footer == "Question : Pourquoi Amazon a suspendu Parler ?"
    assert len(standin.bot_messages()) == 1
    assert_clean(standin)


async def test_a_question_deleted_before_its_reply_exists_gets_none(
    standin: StandIn, start_bot: StartBot
):
    await start_bot(standin)
    standin.delay("POST", "/channels/{channel_id}/messages", 0.3)
    question = await standin.send_message(standin.mention("Qui est John Matze ?"))
    await asyncio.sleep(0.05)
    await standin.delete_message(question)
    await asyncio.sleep(0.8)
    assert not standin.bot_messages()  # posted, then deleted at once
    assert_clean(standin)
