"""Greetings and thanks get a reply of their own, not an abstention."""

from __future__ import annotations

import pytest

from bot.smalltalk import FAREWELL_REPLY, THANKS_REPLY, SmallTalk, small_talk, small_talk_reply


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("merci", SmallTalk.THANKS),
        ("Merci beaucoup pour l'aide !", SmallTalk.THANKS),
        ("thank you so much", SmallTalk.THANKS),
        ("thx", SmallTalk.THANKS),
        ("Bonjour !", SmallTalk.GREETING),
        ("slt ça va ?", SmallTalk.GREETING),
        ("hello there", SmallTalk.GREETING),
        ("salut, merci", SmallTalk.THANKS),
        ("help", SmallTalk.HELP),
        ("Aide svp", SmallTalk.HELP),
        ("aidez-moi !", SmallTalk.HELP),
        ("bonjour, de l'aide ?", SmallTalk.HELP),
        ("/help", SmallTalk.HELP),
        ("merci pour l'aide", SmallTalk.THANKS),
        ("ok", SmallTalk.ACKNOWLEDGEMENT),
        ("d'accord !", SmallTalk.ACKNOWLEDGEMENT),
        ("ah ok lol", SmallTalk.ACKNOWLEDGEMENT),
        ("👍", SmallTalk.ACKNOWLEDGEMENT),
        ("ok merci", SmallTalk.THANKS),
        # "au revoir" got "... a poussé Parler à revoir ses prétentions judiciaires".
        ("Au revoir !", SmallTalk.FAREWELL),
        ("merci et au revoir", SmallTalk.FAREWELL),
        ("bonne fin de journée", SmallTalk.FAREWELL),
        ("à plus", SmallTalk.FAREWELL),
        ("A+", SmallTalk.FAREWELL),
        ("see you later", SmallTalk.FAREWELL),
        ("bye", SmallTalk.FAREWELL),
        ("good morning", SmallTalk.GREETING),
        ("Bravo !", SmallTalk.ACKNOWLEDGEMENT),
        (":)", SmallTalk.ACKNOWLEDGEMENT),  # the REPL said "unknown command ':)'"
        (":-D", SmallTalk.ACKNOWLEDGEMENT),
        # Each got a passage or "No answer" in a tester's Discord scenarios.
        ("Merci, c'est clair", SmallTalk.THANKS),
        ("Comment ça marche ?", SmallTalk.HELP),
        ("Tu parles de quoi ?", SmallTalk.HELP),
        ("Bonjour, tu sers à quoi ?", SmallTalk.HELP),
        ("what do you know?", SmallTalk.HELP),
        ("à demain", SmallTalk.FAREWELL),
        ("a+ !", SmallTalk.FAREWELL),
        ("👋", SmallTalk.GREETING),
        ("ça marche", SmallTalk.ACKNOWLEDGEMENT),
    ],
)
def test_greetings_thanks_and_calls_for_help_are_recognised(text: str, kind: SmallTalk) -> None:
    assert small_talk(text) is kind


@pytest.mark.parametrize(
    "text",
    [
        "bonjour, qui est John Matze ?",
        "merci, et pourquoi Amazon a suspendu Parler ?",
        "Thanks to whom did Parler come back?",
        "ça va ?",
        "Help with Parler's lawsuit",
        "aide juridique de Parler",
        "Quel accord ?",
        "oui mais pourquoi ?",
        "???",
        "",
        "!!!",
        "Plus ?",
        "Quelle journée ?",
        "au revoir Parler ?",
        "Comment marche la plainte de Parler ?",
        "\ufffd\ufffd",  # undecodable bytes typed into `ask -` got a thumbs-up
        "What do you know about Epik?",
    ],
)
def test_anything_that_asks_something_is_a_question(text: str) -> None:
    assert small_talk(text) is None


def test_a_greeting_says_what_to_ask() -> None:
    reply = small_talk_reply(SmallTalk.GREETING, "Parler, Amazon", ["Qui est *X* ?"], str.upper)
    assert "PARLER, AMAZON" in reply and "QUI EST *X* ?" in reply
    assert small_talk_reply(SmallTalk.THANKS, "Parler", ["Q ?"]) == THANKS_REPLY
    assert small_talk_reply(SmallTalk.FAREWELL, "Parler", ["Q ?"]) == FAREWELL_REPLY
