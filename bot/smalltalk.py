"""Greetings, farewells, thanks, calls for help and acknowledgements: chat users open
and close with greetings, goodbyes and thanks, type "help" before reading anything, and
say "ok" to an answer; an abstention ("I can't answer « merci » from the articles") or
a passage ("au revoir" met "revoir ses prétentions") is the wrong reply to all five.
Adapters answer them before asking the engine; a message that also asks something is a
question and goes to the engine."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from enum import Enum
from itertools import pairwise

from knowledge.analysis import GREETINGS as GREETING_WORDS
from knowledge.analysis import THANKS as THANKS_WORDS
from knowledge.analysis import words


class SmallTalk(Enum):
    GREETING = "greeting"
    FAREWELL = "farewell"
    THANKS = "thanks"
    HELP = "help"  # answered with the adapter's own help
    ACKNOWLEDGEMENT = "acknowledgement"  # "ok", "d'accord", "lol", "👍"


# The engine's greeting and thanks words, and chat forms too short or too rare to be
# its stop words ("cc", "ty"); "good morning" greets through its second word.
GREETINGS = GREETING_WORDS | {"cc", "yo", "morning", "evening", "afternoon"}
# Words that say goodbye alone, and pairs that do ("au revoir" is "au" and "revoir",
# which the articles write: "revoir ses prétentions"). Their other words are company.
FAREWELLS = frozenset({"revoir", "bye", "byebye", "goodbye", "ciao", "tchao", "adieu", "cya"})
FAREWELL_PAIRS = frozenset(
    {
        ("bonne", "journee"), ("bonne", "soiree"), ("bonne", "nuit"), ("bonne", "fin"),
        ("bonne", "continuation"), ("a", "bientot"), ("a", "plus"), ("a", "prochaine"),
        ("la", "prochaine"), ("good", "night"), ("good", "day"), ("see", "you"),
        ("see", "ya"), ("take", "care"), ("a", "demain"),
    }
)  # fmt: skip
THANKS = THANKS_WORDS | {"mci", "cimer", "ty", "tks"}
HELP = frozenset({"help", "aide", "aidez", "aidezmoi", "aider", "commands", "commandes"})
# Questions about the bot itself: what /help answers (what it knows, how to ask).
# "Comment ça marche ?" is not "ça marche" (ok), nor "Tu parles de quoi ?" Parler.
HELP_PHRASES = (
    ("comment", "ca", "marche"), ("comment", "marche"), ("how", "does", "it", "work"),
    ("how", "do", "you", "work"), ("what", "can", "you", "do"), ("what", "do", "you", "do"),
    ("what", "do", "you", "know"), ("tu", "sers", "a", "quoi"), ("a", "quoi", "tu", "sers"),
    ("tu", "parles", "de", "quoi"), ("de", "quoi", "tu", "parles"),
    ("de", "quoi", "parles", "tu"), ("que", "sais", "faire"), ("qui", "es"),
    ("who", "are", "you"),
)  # fmt: skip
# What a reader says to an answer ("d'accord" is "accord" once its elision is gone).
ACKNOWLEDGEMENTS = frozenset(
    {
        "ok", "okay", "oki", "okok", "accord", "entendu", "compris", "vu", "oui", "ouais",
        "cool", "super", "top", "parfait", "genial", "bien", "ah", "oh", "lol", "mdr", "ptdr",
        "xd", "nice", "great", "alright", "yes", "yep", "noted", "got", "it", "bravo",
        "felicitations", "chapeau", "excellent", "wow", "awesome", "interessant",
        "interesting", "marche", "dac", "clair", "note",
    }
)  # fmt: skip
# Words that come with a greeting or a thank-you without making it a question.
COMPANY = frozenset(
    {
        # French
        "beaucoup", "bcp", "infiniment", "mille", "fois", "encore", "bien", "tres", "pour",
        "aide", "reponse", "reponses", "tout", "le", "la", "les", "monde", "a", "toi",
        "vous", "et", "ca", "va", "comment", "tu", "vas", "allez", "ok", "super", "top",
        "parfait", "cool", "genial", "tous", "bot",
        # English
        "you", "so", "much", "very", "lot", "for", "the", "help", "answer", "answers",
        "there", "all", "everyone", "and", "how", "are", "what", "up", "great", "perfect",
        "good", "morning", "evening", "me", "please", "pls", "plz",
        # French again: "aidez-moi", "de l'aide svp"
        "moi", "svp", "stp", "de", "l", "est", "c",
        # farewells: "à bientôt", "see you later", "bonne fin de journée"
        "au", "later", "soon", "again", "have", "nice", "weekend", "semaine", "fin",
    }
)  # fmt: skip
FAREWELL_WORDS = FAREWELLS | {word for pair in FAREWELL_PAIRS for word in pair}
MAX_WORDS = 8
_SMILEY = re.compile(r"[:;=8][-'^]?[)(\]\[DPpO3/|*]+|\^\^|<3")

THANKS_REPLY = (
    "De rien ! Posez une autre question quand vous voulez. "
    "(You're welcome! Ask another question any time.)"
)
ACKNOWLEDGEMENT_REPLY = "👍 Une autre question ? (Another question?)"
FAREWELL_REPLY = "Au revoir ! Revenez quand vous voulez. (Goodbye! Come back any time.)"
GREETING_REPLY = (
    "Bonjour ! Je réponds aux questions sur ces articles "
    "(hello! I answer questions about these articles)"
)


def small_talk(text: str) -> SmallTalk | None:
    """What the text is when it is only a greeting, a thank-you, a call for help or an
    acknowledgement ("merci pour l'aide" thanks, "ok merci" too), else None."""
    if _SMILEY.fullmatch(text.strip()):
        return SmallTalk.ACKNOWLEDGEMENT  # ":)", ":-D" say what "ok" says
    written = words(text)
    found = set(written)
    if not found:
        # Only an emoji ("👍") says the same as "ok", a wave ("👋") hello; "???" is a
        # question left unsaid.
        if "👋" in text:
            return SmallTalk.GREETING
        # (U+FFFD, what undecodable bytes became, is a symbol too, and says nothing.)
        symbols = any(unicodedata.category(c) == "So" and c != "\ufffd" for c in text)
        return SmallTalk.ACKNOWLEDGEMENT if symbols else None
    if text.strip().rstrip(" !.").casefold() in {"a+", "à+", "@+"}:
        return SmallTalk.FAREWELL
    if len(written) <= MAX_WORDS and any(_only(written, phrase) for phrase in HELP_PHRASES):
        return SmallTalk.HELP
    if len(found) > MAX_WORDS or not found <= (
        GREETINGS | THANKS | HELP | ACKNOWLEDGEMENTS | COMPANY | FAREWELL_WORDS
    ):
        return None
    # Before thanks: "merci et au revoir" closes the conversation.
    if found & FAREWELLS or FAREWELL_PAIRS.intersection(pairwise(written)):
        return SmallTalk.FAREWELL
    if not found <= GREETINGS | THANKS | HELP | ACKNOWLEDGEMENTS | COMPANY:
        return None  # a farewell's word without the farewell: "plus", "nuit"
    if found & THANKS:
        return SmallTalk.THANKS
    if found & HELP:
        return SmallTalk.HELP
    if found & GREETINGS:
        return SmallTalk.GREETING
    if found & ACKNOWLEDGEMENTS:
        return SmallTalk.ACKNOWLEDGEMENT
    return None


def small_talk_reply(
    kind: SmallTalk,
    topics: str,
    suggestions: Sequence[str],
    escape: Callable[[str], str] = str,
) -> str:
    """The reply, bilingual like the rest: thanks are acknowledged; a greeting gets what
    the articles are about and questions to try (`escape` renders corpus text). Help
    is the adapter's own (its commands), not given here."""
    if kind is SmallTalk.HELP:
        raise ValueError("each adapter answers a call for help with its own help")
    if kind is SmallTalk.THANKS:
        return THANKS_REPLY
    if kind is SmallTalk.FAREWELL:
        return FAREWELL_REPLY
    if kind is SmallTalk.ACKNOWLEDGEMENT:
        return ACKNOWLEDGEMENT_REPLY
    lines = [f"{GREETING_REPLY}: {escape(topics)}." if topics else f"{GREETING_REPLY}."]
    if suggestions:
        lines.append("Essayez par exemple (try for example) :")
        lines.extend(f"  - {escape(s)}" for s in suggestions)
    return "\n".join(lines)


def _only(written: list[str], phrase: tuple[str, ...]) -> bool:
    """Whether the words are the phrase (in order and together) and only greetings,
    thanks or company besides: "Comment marche la plainte ?" asks about the plainte."""
    size = len(phrase)
    for i in range(len(written) - size + 1):
        if tuple(written[i : i + size]) == phrase:
            rest = written[:i] + written[i + size :]
            return set(rest) <= GREETINGS | THANKS | COMPANY
    return False
