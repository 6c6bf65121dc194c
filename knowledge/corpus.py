"""Documents and passages from a folder of articles (with catalog.yaml) or a .jsonl file."""

from __future__ import annotations

import datetime
import json
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from knowledge.errors import CorpusError
from knowledge.sentences import chunk_sentences, pack
from knowledge.yamltext import load_yaml, unknown_keys

log = logging.getLogger(__name__)

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown")
CATALOG_NAME = "catalog.yaml"
# Paragraphs longer than this are split at sentence boundaries: a passage should be
# readable in a chat message and specific enough to rank well.
MAX_PASSAGE_CHARS = 1200
# A line this short, without closing punctuation, is a heading, not a paragraph.
MAX_HEADING_CHARS = 110
MAX_HEADING_WORDS = 16
# Text wrapped at a fixed width fills its lines: a shorter one ends its paragraph.
MIN_WRAPPED_CHARS = 40
# A label names what follows it: "Ingrédients :", "Adresse postale :".
MAX_LABEL_CHARS = 40
MAX_LABEL_WORDS = 4
# A list item: "- 3 poires", "* un point", "• item", "1. étape", "2) étape".
_LIST_ITEM = re.compile(r"^\s*(?:[-*•+–]\s|\d{1,3}[.)]\s)")

_DATE_MARKER = re.compile(r"^\s*date\s+(\d{4}(?:-\d{2}){0,2})\b\s*")
_CREDIT = re.compile(r"^\s*(?:©|\(c\)|crédit\s*(?:photo)?\s*:|photo\s*:)", re.IGNORECASE)
_SOURCE = re.compile(r"^\s*sources?\s*:\s*(?P<names>.+?)\s*$", re.IGNORECASE)
_CROSS_LINK = re.compile(
    r"^\s*(?:à lire (?:également|aussi)|a lire (?:egalement|aussi)|lire aussi|voir aussi|"
    r"read more|see also)\s*:",
    re.IGNORECASE,
)
_CLOSING_PUNCTUATION = tuple('.!?…:;,"»”“)')
# A Markdown rule ("---", "***") or heading underline ("==="): a break, never text.
_RULE = re.compile(r"([-*_=])(?:[ \t]*\1){2,}")


@dataclass(frozen=True)
class Document:
    """One article: its metadata and where it came from. Its text is its passages'
    (`Corpus.passages_of`): kept once, in memory and on disk."""

    id: str
    title: str
    date: str | None = None
    lang: str = "fr"
    sources: tuple[str, ...] = ()
    path: str | None = None
    url: str | None = None
    questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Passage:
    """A paragraph (or a sentence-bounded piece of a long one) of a document.

    `section` is the heading the paragraph sits under, kept as context for ranking and
    display but never shown as a passage of its own.
    """

    id: str
    doc_id: str
    position: int
    text: str
    section: str | None = None


@dataclass(frozen=True)
class Corpus:
    """Documents and their passages, stored article by article.

    Either tuples (a freshly parsed corpus) or lazy sequences (a saved one, `packed.py`):
    code reads them by position and by document id, never assuming which.
    """

    documents: Sequence[Document]
    passages: Sequence[Passage]
    warnings: tuple[str, ...] = ()
    _position: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        ids = getattr(self.documents, "ids", None) or [d.id for d in self.documents]
        self._position.update({doc_id: n for n, doc_id in enumerate(ids)})

    def document(self, doc_id: str) -> Document:
        position = self._position.get(doc_id)
        if position is None:
            known = ", ".join(list(self._position)[:20])
            raise CorpusError(f"no document with id {doc_id!r} (known: {known})")
        return self.documents[position]

    def has_document(self, doc_id: str) -> bool:
        return doc_id in self._position

    def find_document(self, typed: str) -> Document | None:
        """The article for an id as a user types it: exact, in any case, or without its
        leading zeros ("3" for "003"). Reads ids only, not every document."""
        typed = nfc(typed.strip())
        if typed in self._position:
            return self.document(typed)
        number = _number_of(typed)
        for doc_id, position in self._position.items():
            if doc_id.casefold() == typed.casefold() or (
                number is not None and _number_of(doc_id) == number
            ):
                return self.documents[position]
        return None

    @cached_property
    def row_document(self) -> np.ndarray:
        """Each passage's document, as a position in `documents`."""
        saved = getattr(self.passages, "row_document", None)
        if saved is not None:
            return saved
        position = self._position
        return np.asarray([position[p.doc_id] for p in self.passages], dtype=np.int64)

    def document_dates(self) -> list[str | None]:
        """Each document's date, in `documents` order; a saved corpus reads them from
        their own column instead of making every Document."""
        saved = getattr(self.documents, "dates", None)
        if saved is not None:
            return [date or None for date in saved]
        return [document.date for document in self.documents]

    def passages_of(self, doc_id: str) -> list[Passage]:
        position = self._position.get(doc_id)
        if position is None:
            return []
        rows = np.flatnonzero(self.row_document == position)
        return [self.passages[int(row)] for row in rows]


@dataclass(frozen=True)
class ParsedArticle:
    """What the parser reads out of one article file besides its passages."""

    paragraphs: tuple[tuple[str, str | None], ...]  # (text, section)
    date: str | None
    sources: tuple[str, ...]
    headline: str | None


def load_corpus(path: str | Path) -> Corpus:
    """Loads a folder of articles or a .jsonl file; raises CorpusError with one clear line."""
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"corpus not found: {path} (give a folder of .txt/.md or a .jsonl file)")
    if path.is_dir():
        corpus = _load_folder(path)
    elif path.suffix.lower() == ".jsonl":
        corpus = _load_jsonl(path)
    else:
        raise CorpusError(f"unsupported corpus {path}: expected a folder or a .jsonl file")
    if not corpus.passages:
        raise CorpusError(f"the corpus at {path} has no passages (empty files or no articles)")
    for warning in corpus.warnings:
        log.warning("%s", warning)
    return corpus


def document_ids_for(files: Sequence[Path]) -> tuple[list[str], list[str]]:
    """Each file's document id, and warnings. `000_6de28c.txt` -> `000` (seed naming: a
    number, then `_`), so users type `/source 3`; any other file -> its stem
    ("parler_amazon"). Files whose numbers are the same keep their stems, as their
    numbers could not tell them apart."""
    ids = [_numbered_id(file) or nfc(file.stem) for file in files]
    counts = Counter(ids)
    warnings = []
    for number in sorted(n for n, count in counts.items() if count > 1):
        numbered = [file for file in files if _numbered_id(file) == number]
        if len(numbered) > 1:
            listed = ", ".join(file.name for file in numbered)
            warnings.append(f"{listed} share the number {number}: their ids are their names")
    ids = [
        nfc(file.stem) if counts[doc_id] > 1 and _numbered_id(file) else doc_id
        for file, doc_id in zip(files, ids, strict=True)
    ]
    return ids, warnings


def nfc(text: str) -> str:
    """Text in Unicode's composed form. macOS and some zip tools write "é" in file
    names as "e" and a combining accent: ids made of either must be one id, so that
    the catalog, question files and `/source` find the article however it was typed."""
    return unicodedata.normalize("NFC", text)


def _numbered_id(file: Path) -> str | None:
    head, sep, _ = file.stem.partition("_")
    return head if sep and head.isdigit() else None


def parse_article(text: str) -> ParsedArticle:
    """Splits an article into paragraphs, pulling metadata lines and headings out of them.

    Headings are what readers take for them: a Markdown "#" line; a short label ending
    in a colon ("Ingrédients :"); a short line without closing punctuation that opens
    the article (its headline) or that a paragraph follows, unless it ends a run of
    short lines ("- 80 g de beurre" before "Préparation"). A list item never is. Other
    short lines are content (an ingredient list, a timeline, an address, a last line
    written without its full stop): the short lines of a run make one passage, a line
    each, so that nothing the file says is lost to the index.
    """
    date: str | None = None
    sources: list[str] = []
    lines: list[_Line] = []
    for index, line in enumerate(_logical_lines(text)):
        if index == 0 and (marker := _DATE_MARKER.match(line.text)):
            date = marker.group(1)
            rest = line.text[marker.end() :].strip()
            if not rest:
                continue
            line = _Line(rest, line.block, line.marked_heading)
        if _CREDIT.match(line.text) or _CROSS_LINK.match(line.text):
            continue
        if source := _SOURCE.match(line.text):
            sources.extend(_split_names(source.group("names")))
            continue
        lines.append(line)
    kinds = _kinds(lines)
    paragraphs: list[tuple[str, str | None]] = []
    headline: str | None = None
    section: str | None = None
    listed: list[str] = []  # short lines that are content, waiting to make a passage
    for index, (line, kind) in enumerate(zip(lines, kinds, strict=True)):
        if kind == "heading":
            if headline is None and not paragraphs and not listed and index == 0:
                headline = line.text
            section = line.text
            continue
        if kind == "paragraph":
            paragraphs.extend(
                (chunk, section) for chunk in chunk_sentences(line.text, MAX_PASSAGE_CHARS)
            )
            continue
        listed.append(line.text)
        following = kinds[index + 1] if index + 1 < len(lines) else None
        if following != "short" or lines[index + 1].block != line.block:
            paragraphs.extend(
                (chunk, section) for chunk in pack(listed, MAX_PASSAGE_CHARS, separator="\n")
            )
            listed = []
    return ParsedArticle(tuple(paragraphs), date, tuple(dict.fromkeys(sources)), headline)


def _kinds(lines: Sequence[_Line]) -> list[str]:
    """Each line as "heading", "paragraph" or "short" (short content). A file of short
    lines only (an address, a poem, a list of titles) has no headings but a "#" one."""
    short = [is_heading(line.text) for line in lines]
    items = [bool(_LIST_ITEM.match(line.text)) for line in lines]
    labels = [_is_label(line.text) for line in lines]
    has_paragraph = any(
        not s and not label and not line.marked_heading
        for s, label, line in zip(short, labels, lines, strict=True)
    )
    kinds: list[str] = []
    for index, line in enumerate(lines):
        followed = index + 1 < len(lines)
        next_is_paragraph = (
            followed
            and not short[index + 1]
            and not labels[index + 1]
            and not lines[index + 1].marked_heading
        )
        # The last of a run of short lines ("- 80 g de beurre", a table's last row)
        # is content like the others, whatever follows it.
        in_a_run = bool(kinds) and kinds[-1] == "short" and lines[index - 1].block == line.block
        if line.marked_heading or (labels[index] and followed):
            kinds.append("heading")
        elif not short[index] and not labels[index]:
            kinds.append("paragraph")
        elif (
            has_paragraph
            and followed
            and not items[index]
            and (index == 0 or (next_is_paragraph and not in_a_run))
        ):
            kinds.append("heading")
        else:
            kinds.append("short")
    return kinds


def _is_label(line: str) -> bool:
    """A short label ending in a colon, naming what follows: "Ingrédients :",
    "Préparation :". Longer lines ending so introduce a quotation ("... en
    déclarant :"), which is content."""
    stripped = line.strip()
    return (
        stripped.endswith(":")
        and len(stripped) <= MAX_LABEL_CHARS
        and len(stripped.split()) <= MAX_LABEL_WORDS
        and not _LIST_ITEM.match(stripped)
    )


def is_heading(line: str) -> bool:
    """A short line that does not end like a sentence: a headline or a section title."""
    stripped = line.strip()
    return (
        0 < len(stripped) <= MAX_HEADING_CHARS
        and len(stripped.split()) <= MAX_HEADING_WORDS
        and not stripped.endswith(_CLOSING_PUNCTUATION)
    )


@dataclass(frozen=True)
class _Line:
    """A logical line, the block (blank-line separated) it belongs to, and whether
    Markdown marked it a heading ("## Les bases")."""

    text: str
    block: int
    marked_heading: bool


def _logical_lines(text: str) -> Iterator[_Line]:
    """Non-empty lines, with soft-wrapped lines of one block (Markdown style) re-joined.

    A line break inside a block is a paragraph break unless the line stops mid-sentence
    and the next one starts in lower case: then the next line continues it. A line
    shorter than a wrapped one (an item of a list: "4 œufs", "un demi-litre de lait")
    is not continued.
    """
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    for number, block in enumerate(blocks):
        pending = last = ""
        marked = False
        for raw in block.split("\n"):
            line = raw.strip()
            if not line:
                continue
            if _RULE.fullmatch(line):
                if pending:
                    yield _Line(pending, number, marked)
                pending = ""
                continue
            heading = line.startswith("#")
            line = line.lstrip("#").strip() if heading else line
            if not line:
                continue
            if (
                pending
                and not marked
                and not heading
                and not pending.endswith(_CLOSING_PUNCTUATION)
                and line[0].islower()
                and len(last) >= MIN_WRAPPED_CHARS
            ):
                pending = f"{pending} {line}"
                last = line
                continue
            if pending:
                yield _Line(pending, number, marked)
            pending = last = line
            marked = heading
        if pending:
            yield _Line(pending, number, marked)


def _catalog_file_mismatches(
    catalog: dict[str, dict[str, Any]], file_of: dict[str, Path], catalog_path: Path
) -> dict[str, str]:
    """Entries whose `file:` is not the article their id gives: ids come from file names
    and `file:` only reminds readers which file an entry is for, so an entry keyed
    "club" for 003_club.txt, or "003" naming another file, would silently describe
    another article or none."""
    ids_of = {nfc(file.name): doc_id for doc_id, file in file_of.items()}
    found = {}
    for doc_id, entry in catalog.items():
        named = entry.get("file")
        if not named or (doc_id in file_of and nfc(file_of[doc_id].name) == nfc(named)):
            continue
        where = f"{catalog_path}: entry {doc_id!r} names file: {named}"
        owner = ids_of.get(nfc(named))
        found[doc_id] = (
            f"{where}, whose id is {owner!r}: key the entry {owner!r}"
            if owner
            else f"{where}, which is not in the folder"
        )
    return found


def _split_names(names: str) -> list[str]:
    return [n.strip() for n in re.split(r"\s*(?:,|;|/|\bet\b|\band\b)\s*", names) if n.strip()]


def _load_folder(folder: Path) -> Corpus:
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        raise CorpusError(f"{folder}: its articles cannot be listed ({exc.strerror})") from None
    files = [p for p in entries if is_article_file(p)]
    catalog_path = folder / CATALOG_NAME
    ids, warnings = document_ids_for(files)
    catalog = load_catalog(catalog_path, warnings) if catalog_path.exists() else {}
    folders = unread_subfolders(entries)
    if folders:
        warnings.append(
            f"{folder}: subfolders are not read ({_listed(folders)}); articles go at its top"
        )
    others = unread_files(entries)
    if others:
        warnings.append(
            f"{folder}: {_listed(others)} not read: articles are {', '.join(ARTICLE_SUFFIXES)}"
        )
    empty: list[str] = []
    documents: list[Document] = []
    passages: list[Passage] = []
    seen: set[str] = set()
    for file, doc_id in zip(files, ids, strict=True):
        if doc_id in seen:
            raise CorpusError(f"two articles in {folder} share the id {doc_id!r}: rename one")
        seen.add(doc_id)
        front, text = _front_matter(file, _read_utf8(file), warnings)
        parsed = parse_article(text)
        entry = catalog.get(doc_id)
        if entry is None and catalog and not front and parsed.paragraphs:
            warnings.append(f"{file.name}: no entry in {catalog_path}; title taken from its text")
        # The catalog's entry, then the file's own front matter, then its text.
        given = {name: value for name, value in (entry or {}).items() if value}
        if not parsed.paragraphs:
            empty.append(file.name)
            continue
        document = _document_from(doc_id, file, parsed, {**front, **given})
        documents.append(document)
        passages.extend(_passages_of(doc_id, parsed.paragraphs))
    if empty:
        warnings.append(f"{_listed(empty)}: no text, so not an article")
    file_of = dict(zip(ids, files, strict=True))
    mismatched = _catalog_file_mismatches(catalog, file_of, catalog_path)
    warnings.extend(mismatched.values())
    for missing in sorted(set(catalog) - seen - set(mismatched)):
        # YAML reads an unquoted 014 as the number 12 and 000 as 0.
        hint = ' (quote ids in catalog.yaml, "014":)' if missing.isdigit() else ""
        warnings.append(f"{catalog_path}: entry {missing!r} has no article file in {folder}{hint}")
    return Corpus(tuple(documents), tuple(passages), tuple(warnings))


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)
# "---" then a "key:" line: what an author who meant front matter writes first (a
# French "Note :" after a rule has a space before its colon).
_OPENS_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n[A-Za-z_][\w-]*:")


def _front_matter(file: Path, text: str, warnings: list[str]) -> tuple[dict[str, Any], str]:
    """A Markdown file's YAML front matter (`---` lines around `title:`, `date:`...)
    read as its catalog entry, and the text after it; ({}, text) without one. A file
    that opens like front matter but cannot be read as it is kept as text, with a
    warning: its "title: ..." lines would otherwise be passages nobody asked for."""
    match = _FRONT_MATTER.match(text.replace("\r\n", "\n"))
    if not match:
        if _OPENS_FRONT_MATTER.match(text):
            warnings.append(f"{file.name}: front matter never closed by a '---' line; read as text")
        return {}, text
    try:
        data = load_yaml(match.group(1) or "")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 2}" if mark else ""  # line 1 is the opening "---"
        problem = getattr(exc, "problem", None) or "malformed YAML"
        warnings.append(f"{file.name}{where}: front matter is not YAML ({problem}); read as text")
        return {}, text
    if data is None:  # "---" then "---": front matter left empty
        return {}, text.replace("\r\n", "\n")[match.end() :]
    if not isinstance(data, dict):
        if _OPENS_FRONT_MATTER.match(text):
            warnings.append(f"{file.name}: front matter is not 'key: value' lines; read as text")
        return {}, text
    where = f"{file}: front matter"
    entry = {name: _text_field(data.get(name), name, where) for name in _TEXT_FIELDS}
    entry = {name: value for name, value in entry.items() if value is not None}
    for name in ("sources", "questions"):
        if data.get(name) is not None:
            entry[name] = _texts_field(data.get(name), name, where)
    return entry, text.replace("\r\n", "\n")[match.end() :]


def _listed(names: Sequence[str], most: int = 5) -> str:
    more = len(names) - most
    return ", ".join(names[:most]) + (f" and {more} more" if more > 0 else "")


def unread_files(entries: Iterable[Path]) -> list[str]:
    """The names of the files among a corpus folder's entries that are neither articles
    nor the catalog (hidden ones aside): "notes.rst" would otherwise vanish unseen."""
    return [p.name for p in _not_articles(entries) if p.name != CATALOG_NAME and p.is_file()]


def unread_subfolders(entries: Iterable[Path]) -> list[str]:
    """The names of the folders among a corpus folder's entries (hidden ones aside):
    their articles are not read, which a load warns of."""
    return [p.name for p in _not_articles(entries) if p.is_dir()]


def _not_articles(entries: Iterable[Path]) -> Iterator[Path]:
    """Entries neither hidden nor named as articles: only these are looked at on disk,
    so a folder of articles costs no look-up beyond its own (every start hashes it)."""
    return (
        p
        for p in entries
        if not p.name.startswith(".") and p.suffix.lower() not in ARTICLE_SUFFIXES
    )


def is_article_file(path: Path) -> bool:
    """A .txt or .md file, in any case ("NOTE.TXT"), but not a hidden one: editors and
    macOS leave those beside articles (a "._note.txt" resource fork is not text)."""
    return (
        not path.name.startswith(".") and path.suffix.lower() in ARTICLE_SUFFIXES and path.is_file()
    )


def _read_utf8(file: Path, *, translate_newlines: bool = True) -> str:
    """The file as text, without the byte-order mark some editors write first. Without
    `translate_newlines`, its bytes are decoded in one call (twice as fast as a
    text-mode read) and "\\r\\n" stays as written: for callers that only split it into
    lines, where both read the same."""
    try:
        if not translate_newlines:
            return file.read_bytes().decode("utf-8-sig")
        return file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        data = file.read_bytes()
        line = data.count(b"\n", 0, exc.start) + 1
        raise CorpusError(
            f"{file}, line {line}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"
        ) from None
    except OSError as exc:
        raise CorpusError(f"{file}: cannot be read ({exc.strerror})") from None


def load_catalog(path: Path, warnings: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """catalog.yaml -> {doc id: entry}; a YAML error names the file and the line, and
    keys it does not know are told in `warnings`."""
    text = _read_utf8(path)
    try:
        data = load_yaml(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}" if mark else "unknown line"
        raise CorpusError(f"{path}, {where}: malformed YAML ({exc.problem})") from None
    except yaml.YAMLError as exc:
        raise CorpusError(f"{path}: malformed YAML ({exc})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise CorpusError(f"{path}: expected a mapping of article ids to entries")
    catalog: dict[str, dict[str, Any]] = {}
    for key, entry in data.items():
        if not isinstance(entry, dict):
            raise CorpusError(f"{path}: entry {key!r} must be a mapping (title, date, sources)")
        where = f"{path}: entry {key!r}"
        catalog[nfc(str(key))] = {
            **{name: _text_field(entry.get(name), name, where) for name in _TEXT_FIELDS},
            "file": _text_field(entry.get("file"), "file", where),
            "sources": _texts_field(entry.get("sources"), "sources", where),
            "questions": _texts_field(entry.get("questions"), "questions", where),
        }
    if warnings is not None:
        entries = ((f"entry {key!r}", entry) for key, entry in data.items())
        warnings.extend(f"{path}: {line}" for line in unknown_keys(entries, CATALOG_KEYS))
    return catalog


# Metadata given as one text each; a number or a date is read as text ("2021-03").
_TEXT_FIELDS = ("title", "date", "lang", "url")
# What a catalog entry may hold; `file` names the article for people reading it.
CATALOG_KEYS = (*_TEXT_FIELDS, "sources", "questions", "file")


def _text_field(value: Any, name: str, where: str) -> str | None:
    """A metadata value as text, or None when absent; CorpusError for a list or a
    mapping (a title of two lines, a url list), which would show as Python code."""
    if value is None or value == "":
        return None
    if isinstance(value, str | int | float | datetime.date):
        return str(value)
    raise CorpusError(f"{where}: {name} must be one text, not {type(value).__name__}")


def _texts_field(value: Any, name: str, where: str) -> tuple[str, ...]:
    """A list of texts (one alone counts as a list of one, not of its letters)."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str | int | float) else value
    if not isinstance(items, list) or not all(isinstance(i, str | int | float) for i in items):
        raise CorpusError(f"{where}: {name} must be a list of texts")
    return tuple(str(i) for i in items if str(i).strip())


def _document_from(
    doc_id: str, file: Path, parsed: ParsedArticle, entry: dict[str, Any]
) -> Document:
    first_line = next(iter(parsed.paragraphs), ("", None))[0]
    title = entry.get("title") or parsed.headline or title_from_text(first_line) or doc_id
    return Document(
        id=doc_id,
        title=title,
        date=entry.get("date") or parsed.date,
        lang=entry.get("lang") or "fr",
        sources=tuple(dict.fromkeys([*entry.get("sources", ()), *parsed.sources])),
        path=str(file),
        url=entry.get("url"),
        questions=entry.get("questions", ()),
    )


def title_from_text(line: str, max_words: int = 12) -> str:
    """The title of an article that has none: its first words."""
    tokens = line.split()
    return " ".join(tokens[:max_words]) + ("…" if len(tokens) > max_words else "")


def _passages_of(doc_id: str, paragraphs: Iterable[tuple[str, str | None]]) -> list[Passage]:
    return [
        Passage(id=f"{doc_id}:{n}", doc_id=doc_id, position=n, text=text, section=section)
        for n, (text, section) in enumerate(paragraphs)
    ]


def _load_jsonl(path: Path) -> Corpus:
    documents: list[Document] = []
    passages: list[Passage] = []
    seen: set[str] = set()
    empty: list[str] = []  # line numbers of records without text
    # "\\n" only: JSON strings may hold U+2028 or U+0085, which splitlines() also
    # splits at ("\\r" before "\\n" is white space to JSON).
    lines = _read_utf8(path, translate_newlines=False).split("\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{path}, line {number}: invalid JSON ({exc.msg})") from None
        if not isinstance(record, dict):
            raise CorpusError(f"{path}, line {number}: expected an object with id, title, text")
        missing = [k for k in ("id", "text") if record.get(k) is None]
        if missing:
            raise CorpusError(f"{path}, line {number}: missing field(s) {', '.join(missing)}")
        for name in ("id", "text"):
            value = record[name]
            if isinstance(value, bool) or not isinstance(value, str | int):
                kind = type(value).__name__
                raise CorpusError(f"{path}, line {number}: {name} must be a text, not {kind}")
        doc_id = nfc(str(record["id"]))
        if not doc_id.strip():  # names no article (/source, buttons)
            raise CorpusError(f"{path}, line {number}: missing field(s) id")
        if not doc_id.isprintable():  # a line break in it breaks each line citing it
            raise CorpusError(f"{path}, line {number}: id must be one line of text")
        if doc_id in seen:
            raise CorpusError(f"{path}, line {number}: duplicate id {doc_id!r}")
        seen.add(doc_id)
        text = str(record["text"])
        parsed = parse_article(text)
        if not parsed.paragraphs:
            empty.append(str(number))
            continue
        where = f"{path}, line {number}"
        fields = {name: _text_field(record.get(name), name, where) for name in _TEXT_FIELDS}
        sources = _texts_field(record.get("source"), "source", where)
        documents.append(
            Document(
                id=doc_id,
                title=fields["title"] or parsed.headline or title_from_text(text),
                date=fields["date"] or parsed.date,
                lang=fields["lang"] or "fr",
                sources=tuple(dict.fromkeys([*sources, *parsed.sources])),
                path=str(path),
                url=fields["url"],
            )
        )
        passages.extend(_passages_of(doc_id, parsed.paragraphs))
    warnings = ()
    if empty:
        lines = f"line {empty[0]}" if len(empty) == 1 else f"lines {_listed(empty)}"
        warnings = (f"{path}, {lines}: no text, so not an article",)
    return Corpus(tuple(documents), tuple(passages), warnings)


def _number_of(doc_id: str) -> str | None:
    """An id of ASCII digits without its leading zeros ("003" -> "3"), else None.
    Compared as text: "²" passes `isdigit` but not `int`, and `int` refuses an id of
    thousands of digits."""
    if not (doc_id.isascii() and doc_id.isdigit()):
        return None
    return doc_id.lstrip("0") or "0"
