"""English words and their common French translations, for English questions.

The articles are French. An English question reaches them through the glossary (the
dispute's own vocabulary, both ways) and through words the two languages share
("contract", "service"); any other English word was unknown, so that "Why couldn't
Parler switch to another provider?" abstained. The lexicon gives an English question's
words their usual French translations, a little below a glossary synonym's factor
(`query.TRANSLATION_FACTOR`). It is general news vocabulary, not this dispute's: the
glossary stays the place for that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path

from knowledge.errors import GlossaryError

DEFAULT_LEXICON = Path(__file__).with_name("english-french.tsv")


@lru_cache(maxsize=4)
def load_lexicon(path: Path = DEFAULT_LEXICON) -> dict[str, tuple[str, ...]]:
    """`english<TAB>french|french` lines as {english: (french, ...)}; GlossaryError
    names the file and the line of a malformed one."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GlossaryError(f"{path}: cannot be read ({exc})") from None
    lexicon: dict[str, tuple[str, ...]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        english, tab, french = line.partition("\t")
        translations = tuple(t.strip() for t in french.split("|") if t.strip())
        if not tab or not english.strip() or not translations:
            raise GlossaryError(f"{path}, line {number}: expected english<TAB>french|french")
        lexicon[english.strip().lower()] = translations
    return lexicon


# English plurals no suffix rule undoes: "How many children...?" found no "child".
IRREGULAR_PLURALS = {
    "children": "child", "men": "man", "women": "woman", "people": "person",
    "feet": "foot", "teeth": "tooth", "mice": "mouse", "geese": "goose",
    "crises": "crisis", "analyses": "analysis", "criteria": "criterion",
    "phenomena": "phenomenon", "media": "medium", "indices": "index",
}  # fmt: skip


def base_forms(word: str) -> Iterator[str]:
    """The word, then the forms it may be inflected from, most likely first: the
    lexicon lists "sue", "drop", "company"; questions write "sued", "dropped",
    "companies". (Snowball's English stems do not serve: "sued" -> "su".)"""
    yield word
    if word in IRREGULAR_PLURALS:
        yield IRREGULAR_PLURALS[word]
    if word.endswith("ves") and len(word) > 4:
        yield word[:-3] + "f"  # "leaves" -> "leaf"
        yield word[:-3] + "fe"  # "lives" -> "life"
    if word.endswith("ies") and len(word) > 4:
        yield word[:-3] + "y"
    if word.endswith("ied") and len(word) > 4:
        yield word[:-3] + "y"
    if word.endswith("ing") and len(word) > 5:
        stem = word[:-3]
        yield stem
        yield stem + "e"
        if len(stem) > 2 and stem[-1] == stem[-2]:
            yield stem[:-1]  # "running" -> "run"
    if word.endswith("ed") and len(word) > 3:
        yield word[:-1]  # "sued" -> "sue", "closed" -> "close"
        yield word[:-2]  # "walked" -> "walk"
        if len(word) > 5 and word[-3] == word[-4]:
            yield word[:-3]  # "dropped" -> "drop"
    if word.endswith("es") and len(word) > 3:
        yield word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        yield word[:-1]


def french_synonyms(
    lexicon: dict[str, tuple[str, ...]], stem: Callable[[str], str]
) -> dict[str, set[str]]:
    """French stem -> the stems (`stem` folds and stems a word) of the other one-word
    French translations of its English words ("avenir" and "futur" both translate
    "future"; "reprocher" and "accuser", "blame"): synonyms through English, for a
    French question's word that the articles do not write."""
    stems_of = {
        english: {stem(french) for french in translations if french.isalpha()}
        for english, translations in lexicon.items()
    }
    synonyms: dict[str, set[str]] = {}
    for stems in stems_of.values():
        for one in stems:
            synonyms.setdefault(one, set()).update(stems - {one})
    return synonyms
