"""Follow-up questions ("Pourquoi ?", "Et quand ?") ask about the asker's previous one."""

from __future__ import annotations

import pytest

from bot.followups import FOLLOW_UP_SECONDS, Conversations
from knowledge.engine import Engine


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_a_follow_up_is_read_with_the_previous_question(engine: Engine, clock: Clock) -> None:
    talks = Conversations(clock=clock)
    ask = talks.question_to_ask
    assert ask("alice", "Amazon a suspendu Parler", engine.parse) == "Amazon a suspendu Parler"
    assert ask("alice", "Pourquoi ?", engine.parse) == "Pourquoi ? Amazon a suspendu Parler"
    # A second follow-up asks about the same question, not about the first follow-up.
    assert ask("alice", "et quand ?", engine.parse) == "et quand ? Amazon a suspendu Parler"
    assert ask("alice", "why?", engine.parse) == "why? Amazon a suspendu Parler"


def test_only_question_words_make_a_follow_up(engine: Engine, clock: Clock) -> None:
    talks = Conversations(clock=clock)
    talks.question_to_ask("alice", "Amazon a suspendu Parler", engine.parse)
    for own in ("Pourquoi Epik ?", "Qui ?", "Skysilk"):
        assert talks.question_to_ask("alice", own, engine.parse) == own
    # Asking about now is not a follow-up: it was read as "What day is it today? Skysilk".
    assert talks.question_to_ask("alice", "What day is it today?", engine.parse) == (
        "What day is it today?"
    )


def test_a_follow_up_without_a_recent_question_of_the_same_asker_stands_alone(
    engine: Engine, clock: Clock
) -> None:
    talks = Conversations(clock=clock)
    assert talks.question_to_ask("alice", "Pourquoi ?", engine.parse) == "Pourquoi ?"
    talks.question_to_ask("alice", "Amazon a suspendu Parler", engine.parse)
    assert talks.question_to_ask("bob", "Pourquoi ?", engine.parse) == "Pourquoi ?"
    clock.now += FOLLOW_UP_SECONDS + 1
    assert talks.question_to_ask("alice", "Pourquoi ?", engine.parse) == "Pourquoi ?"


def test_the_least_recent_askers_are_forgotten_first(engine: Engine, clock: Clock) -> None:
    talks = Conversations(size=2, clock=clock)
    for asker in ("alice", "bob", "carol"):
        talks.question_to_ask(asker, f"Amazon a suspendu Parler ({asker})", engine.parse)
    assert talks.question_to_ask("alice", "Pourquoi ?", engine.parse) == "Pourquoi ?"
    assert talks.question_to_ask("carol", "Pourquoi ?", engine.parse).endswith("(carol)")


def test_a_follow_up_replying_to_an_answer_is_about_that_answers_question(
    engine: Engine, clock: Clock
) -> None:
    talks = Conversations(clock=clock)
    talks.question_to_ask("bob", "Qui est John Matze ?", engine.parse)
    asked = talks.question_to_ask(
        "bob", "Pourquoi ?", engine.parse, replying_to="Amazon a suspendu Parler"
    )
    assert asked == "Pourquoi ? Amazon a suspendu Parler"
    # Replying with a question of its own is that question.
    assert talks.question_to_ask("bob", "Et Epik ?", engine.parse, replying_to="X") == "Et Epik ?"
