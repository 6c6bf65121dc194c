"""Bilingual glossary: groups of words and names that mean the same thing in this dispute."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from knowledge.errors import GlossaryError
from knowledge.textfile import read_utf8
from knowledge.yamltext import load_yaml

DEFAULT_GLOSSARY = Path(__file__).with_name("glossary.yaml")
MAX_PHRASE_WORDS = 5


@dataclass(frozen=True)
class Glossary:
    """Equivalence groups, each a tuple of phrases as written in glossary.yaml."""

    groups: tuple[tuple[str, ...], ...]
    cues: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.groups)


def load_glossary(path: str | Path | None = None) -> Glossary:
    """Reads and validates a glossary file; GlossaryError names the file and the fault."""
    path = Path(path) if path is not None else DEFAULT_GLOSSARY
    text = read_utf8(
        path,
        GlossaryError,
        missing=f"glossary not found: {path}",
        folder=f"{path} is a folder: the glossary is one YAML file",
    )
    try:
        data = load_yaml(text) or {}
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else "?"
        raise GlossaryError(f"{path}, line {line}: malformed YAML ({exc.problem})") from None
    if not isinstance(data, dict):
        raise GlossaryError(f"{path}: expected sections 'aliases', 'terms' and 'cues'")
    unknown = set(data) - {"aliases", "terms", "cues"}
    if unknown:
        raise GlossaryError(f"{path}: unknown section(s) {', '.join(sorted(unknown))}")
    groups: list[tuple[str, ...]] = []
    for section in ("aliases", "terms"):
        listed = data.get(section) or []
        if not isinstance(listed, list):
            raise GlossaryError(f"{path}: {section} must be a list of groups of phrases")
        for number, group in enumerate(listed, start=1):
            if (
                not isinstance(group, list)
                or len(group) < 2
                or not all(isinstance(p, str) and p.strip() for p in group)
            ):
                raise GlossaryError(
                    f"{path}: {section} group {number} must be a list of two or more phrases"
                )
            groups.append(tuple(p.strip() for p in group))
    cues = data.get("cues") or {}
    if not isinstance(cues, dict) or not all(
        isinstance(k, str) and isinstance(v, list) and v and all(isinstance(w, str) for w in v)
        for k, v in cues.items()
    ):
        raise GlossaryError(f"{path}: cues must map a question word to a list of answer words")
    return Glossary(tuple(groups), {k: tuple(v) for k, v in cues.items()})


class GlossaryMatcher:
    """Finds glossary phrases in a question's words and returns their group's other stems.

    Phrases are compared as stem sequences, under the French stemmer and under the English
    one, so "suing", "sued" and "sue" all meet the glossary's "sue".
    """

    def __init__(
        self,
        glossary: Glossary,
        french_stem: Callable[[str], str],
        english_stem: Callable[[str], str],
        content_words: Callable[[str], list[str]],
        expands: Callable[[str], bool] = lambda word: True,
    ) -> None:
        """`expands` says whether a glossary word's stem may stand for the group in the
        articles: every phrase is matched in questions, but an English word's French
        stem may be another word of the articles ("come" -> "com", as in Parler.com)."""
        self._fr = french_stem
        self._en = english_stem
        self._phrases: dict[tuple[str, ...], set[int]] = {}
        self._written: dict[tuple[str, ...], set[int]] = {}
        self._group_stems: list[tuple[str, ...]] = []
        for number, group in enumerate(glossary.groups):
            stems: list[str] = []
            for phrase in group:
                phrase_words = content_words(phrase)
                if not phrase_words:
                    continue
                for key in self._keys(phrase_words):
                    self._phrases.setdefault(key, set()).add(number)
                self._written.setdefault(tuple(phrase_words), set()).add(number)
                stems.extend(self._fr(w) for w in phrase_words if expands(w))
            self._group_stems.append(tuple(dict.fromkeys(stems)))
        # The longest phrase starting with each stem: a question word that starts none
        # (most of them) is passed over without trying its five windows.
        self._longest_from: dict[str, int] = {}
        for key in self._phrases:
            self._longest_from[key[0]] = max(self._longest_from.get(key[0], 0), len(key))

    def _keys(self, phrase_words: Sequence[str]) -> set[tuple[str, ...]]:
        return {tuple(self._fr(w) for w in phrase_words), tuple(self._en(w) for w in phrase_words)}

    def match(
        self, question_words: Sequence[str], english: bool = True
    ) -> list[tuple[int, int, tuple[str, ...]]]:
        """Spans (start, end, expansion stems) of glossary phrases, longest match first.
        Only an `english` question's words are also compared by their English stems: a
        French question's English words ("le CEO", "sued") meet the glossary's under
        the French stemmer too, as every phrase is keyed under both."""
        spans: list[tuple[int, int, tuple[str, ...]]] = []
        # Each word stemmed once, not once per window it falls in (up to five).
        french = tuple(map(self._fr, question_words))
        english_stems = tuple(map(self._en, question_words)) if english else french
        longest_from = self._longest_from
        position = 0
        while position < len(question_words):
            longest = max(
                longest_from.get(french[position], 0),
                longest_from.get(english_stems[position], 0),
            )
            most = min(longest, MAX_PHRASE_WORDS, len(question_words) - position)
            for length in range(most, 0, -1):
                end = position + length
                groups: set[int] = set()
                for key in {french[position:end], english_stems[position:end]}:
                    groups |= self._phrases.get(key, set())
                # Stems of two languages collide (French "date" and English "data"
                # both stem to "dat"): a group that writes the very words wins.
                written = groups & self._written.get(tuple(question_words[position:end]), set())
                groups = written or groups
                if groups:
                    stems = tuple(
                        dict.fromkeys(s for g in sorted(groups) for s in self._group_stems[g])
                    )
                    spans.append((position, position + length, stems))
                    position += length
                    break
            else:
                position += 1
        return spans
