"""Follow-up questions: "Pourquoi ?", "Et quand ?", "why?" right after a question ask
about that question. On their own they hold no word to look for, and the engine can
only say it cannot answer; read with the asker's previous question, they ask what the
user means ("Pourquoi ? Parler a-t-il porté plainte contre Amazon ?").

Only a question made of question words that say what kind of answer it wants (the
glossary's cues: "pourquoi", "quand", "combien", "how long") is a follow-up; anything
that names something is a question of its own. The question asked is both texts, so
the answer shows what it was read as.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from knowledge.query import Query

# How long a question stays the one a follow-up is about.
FOLLOW_UP_SECONDS = 600.0
# Askers remembered at once (Discord: one per user and channel), the least recent
# forgotten first.
REMEMBERED_ASKERS = 10_000


class Conversations:
    """Each asker's last question that asked something on its own, for a while."""

    def __init__(
        self,
        seconds: float = FOLLOW_UP_SECONDS,
        size: int = REMEMBERED_ASKERS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._seconds = seconds
        self._size = size
        self._clock = clock
        self._last: OrderedDict[Hashable, tuple[float, str]] = OrderedDict()
        # The Discord bot reads questions in worker threads when its corpus is large.
        self._lock = threading.Lock()

    def question_to_ask(
        self,
        asker: Hashable,
        question: str,
        parse: Callable[[str], Query],
        replying_to: str | None = None,
    ) -> str:
        """The question itself, or a follow-up joined to the question it follows: the
        one whose answer it replies to (`replying_to`, in Discord), else the asker's
        previous question (`parse`: the engine's). A follow-up is not remembered in its
        turn: "Pourquoi ?" then "Et quand ?" both ask about the question before them."""
        if not parse(question).asks_only_what_kind:
            with self._lock:
                self._last[asker] = (self._clock(), question)
                self._last.move_to_end(asker)
                while len(self._last) > self._size:
                    self._last.popitem(last=False)
            return question
        if replying_to:
            return f"{question} {replying_to}"
        with self._lock:
            found = self._last.get(asker)
        if found is None or self._clock() - found[0] > self._seconds:
            return question
        return f"{question} {found[1]}"
