"""Definition questions ("Qu'est-ce que Parler ?", "Who is John Matze?") and the
sentences that answer them: the ones that say what the thing is, not merely name it."""

from __future__ import annotations

import re
from functools import lru_cache

from knowledge.analysis import GREETINGS, THANKS, fold, stop_words

# A greeting may come first and thanks first or last: "Salut ! C'est quoi Parler ?",
# "hello, who is John Matze?", "Qui est John Matze ? Merci d'avance".
_THANKS = (
    r"(?:" + "|".join(sorted(THANKS | {"svp", "stp", "please"})) + r")"
    r"(?: you| d'avance| beaucoup| in advance)?"
)
_GREETING = r"(?:(?:" + "|".join(sorted(GREETINGS)) + "|" + _THANKS + r")\b[\s,;:!.]*)?"
# A definition question names one thing and asks what it is; folded text (no accents,
# plain apostrophes). "Qui est le père de X ?" asks about someone else: a subject with a
# preposition is not defined by these questions.
_QUESTION = re.compile(
    r"^" + _GREETING + r"(?:"
    r"qu'?est[- ]ce (?:que|qu') ?(?:c'est (?:que |qu')?)?"
    r"|(?:c'est|cest|c) (?:quoi|koi) "
    r"|(?:que|qu'est-ce que) (?:signifie|veut dire) "
    r"|qui (?:est|etait|sont|etaient) "
    r"|(?:what|who) (?:is|are|was|were) "
    r"|(?:what|who)'s "
    r"|(?:definition de|definition of|define) "
    r")(?P<subject>[^?!.]+?)[\s?!.]*(?:" + _THANKS + r"[\s?!.]*)?$"
)
# How an ASCII question that `_QUESTION` matches once folded must start (a looser
# pattern: folding only lower-cases it, makes "`" an apostrophe and '"' a space).
_MAY_DEFINE = re.compile(
    r"""[\s"]*"""
    + _GREETING
    + r"""(?:qu['`]?\s*est|que\s+(?:signifie|veut)|qui\s+(?:est|etait|sont|etaient)\b"""
    r"""|c(?:['`]?est)?\s+(?:quoi|koi)|what|who|defin)""",
    re.IGNORECASE,
)
# Chat spellings too: "c koi Parler", "Parler c quoi".
_SUBJECT_FIRST = re.compile(r"^(?P<subject>[^?!.]+?),? (?:c'est|cest|c) (?:quoi|koi)[\s?!.]*$")
_ASKS_WHAT = re.compile(r"\b(?:quoi|koi)\b")
_LEADING_ARTICLE = re.compile(r"^(?:(?:le|la|les|un|une|des|the|a|an) |l')")
# Longer subjects are descriptions ("le second premier ministre du Pakistan"), whose
# answers are facts about them, not definitions.
MAX_SUBJECT_WORDS = 4
# A bare subject is a few words and nothing else: letters, spaces, hyphens, apostrophes
# inside names ("O'Brien"), and the question mark or full stop after them.
MAX_BARE_SUBJECT_WORDS = 3
_LONGEST_BARE_QUESTION = 60
_BARE_CHARACTERS = re.compile(r"\s*[^\W\d_](?:[\w'’ -]*\w)?\s*[?!.]*\s*")

# What follows the subject in a defining sentence: a copula and a determiner ("Epik est
# un hébergeur"), an apposition ("Epik, un hébergeur", "Epik (hébergeur)"), or a verb of
# self-description ("Parler se présente comme", "s'appelle lui-même").
_AFTER = re.compile(
    r"\s*(?:"
    r"(?:est|etait|sont|etaient|is|was|are|were) (?:(?:considere|decrit|connu) comme )?"
    r"(?:un|une|le|la|l'|les|des|a|an|the)\b"
    r"|,\s*(?:un|une|le|la|l'|a|an|the)\b"
    r"|\("
    r"|se (?:presente|definit|decrit|qualifie|veut)\b"
    r"|s'(?:appelle|autoproclame|definit|presente|decrit)\b"
    r"|(?:describes itself|calls itself|is known as|bills itself)\b"
    r")"
)
# Or what precedes it: a determiner and the class it belongs to ("le réseau social
# américain Parler", "l'hébergeur Epik"): one to three words, the last not a preposition.
# Or a bare role and whose it is ("John Matze, PDG de Parler,"; "X, co-founder of Y").
_ROLE_OF = re.compile(r",\s*((?:[\w-]+ ){1,3})(?:de |du |des |d'|of )")
_JOINING = {"et", "and"}
_BEFORE = re.compile(r"(?:^|[\s,;:(])(?:le|la|les|un|une|the|an|l')\s*((?:[\w-]+ ){1,3})$")


@lru_cache(maxsize=1024)
def definition_subject(question: str) -> str | None:
    """The folded thing a definition question asks about, or None for other questions
    (remembered: ranking and the key sentence both ask)."""
    return _asked_subject(question) or _bare_subject(question)


def _asked_subject(question: str) -> str | None:
    """The subject of a question that asks what something is ("Qu'est-ce que X ?")."""
    lowered = question.lower()
    if question.isascii() and not _MAY_DEFINE.match(question) and not _ASKS_WHAT.search(lowered):
        # Most questions: no need to fold them to know they ask something else.
        return None
    folded = fold(question)
    match = _QUESTION.match(folded) or (
        _SUBJECT_FIRST.match(folded) if _ASKS_WHAT.search(folded) else None
    )
    if not match:
        return None
    subject = _LEADING_ARTICLE.sub("", match.group("subject").strip())
    words = re.findall(r"\w+", subject)
    # "qu'est-ce qui...", "qui est à l'origine de...", "le pomérium selon Tite-Live":
    # function words mean a description or a question about something else.
    if not words or len(words) > MAX_SUBJECT_WORDS or stop_words().intersection(words):
        return None
    return subject


def _bare_subject(question: str) -> str | None:
    """A question that is only a name or a term ("Parler ?", "Skysilk", "John Matze")
    asks what it is, as chat users ask: its folded words, when they are few and none
    is a function word, a greeting or a number."""
    if len(question) > _LONGEST_BARE_QUESTION or not _BARE_CHARACTERS.fullmatch(question):
        return None
    words = re.findall(r"\w+", fold(question))
    if not 0 < len(words) <= MAX_BARE_SUBJECT_WORDS or stop_words().intersection(words):
        return None
    if any(word.isdigit() for word in words):
        return None
    return " ".join(words)


def defines(text: str, subject: str) -> bool:
    """Whether the text says what `subject` (folded) is, in one of the usual forms."""
    folded = fold(text)
    for match in _subject_pattern(subject).finditer(folded):
        if _AFTER.match(folded, match.end()):
            return True
        role = _ROLE_OF.match(folded, match.end())
        if role and not set(role.group(1).split()) - _JOINING & stop_words():
            return True
        before = _BEFORE.search(folded, 0, match.start())
        # "le PDG et co-fondateur John Matze": two classes joined are still a class.
        if before and not set(before.group(1).split()) - _JOINING & stop_words():
            return True
    return False


@lru_cache(maxsize=256)
def _subject_pattern(subject: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(subject) + r"(?!\w)")
