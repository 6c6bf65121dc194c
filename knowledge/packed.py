"""A parsed corpus saved as packed arrays, read back without parsing anything.

Reading a large corpus is mostly parsing (JSON, paragraphs, sentences) and making a
Python object per passage. A saved corpus keeps every string in one UTF-8 buffer per
column and makes a Passage or Document only when one is read: an answer reads ten
passages, not a million.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from itertools import pairwise
from pathlib import Path
from typing import TypeVar

import numpy as np

from knowledge.arrayfile import load_arrays, save_arrays
from knowledge.corpus import Corpus, Document, Passage
from knowledge.errors import IndexLoadError

# 2: arrayfile, not .npz; 3: the documents' dates in a column of their own; 4: no
# document text (it is its passages').
FORMAT_VERSION = 4
# Passages and documents remembered once read (a few hundred bytes each).
REMEMBERED = 20_000
Item = TypeVar("Item")


class _Lazy(Sequence[Item]):
    """A sequence whose items are made on demand from columns.

    Items read by position are remembered (up to REMEMBERED, then forgotten at once) when
    `_memo` is a dict: an answer reads the same ten passages and their articles several
    times, and popular ones come back in later answers. Iterating remembers nothing.
    """

    _memo: dict[int, Item] | None = None

    def __len__(self) -> int:
        raise NotImplementedError

    def _make(self, index: int) -> Item:
        raise NotImplementedError

    def __getitem__(self, index: int | slice) -> Item | list[Item]:  # type: ignore[override]
        memo = self._memo
        if memo is not None and type(index) is int and (found := memo.get(index)) is not None:
            return found
        if isinstance(index, slice):
            return [self._make(i) for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        found = self._make(index)
        if memo is not None:
            if len(memo) >= REMEMBERED:
                memo.clear()
            memo[index] = found
        return found

    def __iter__(self) -> Iterator[Item]:
        return (self._make(i) for i in range(len(self)))


class PackedStrings(_Lazy[str]):
    """Strings as one UTF-8 buffer and offsets; each is decoded when read."""

    def __init__(self, buffer: np.ndarray, offsets: np.ndarray) -> None:
        self._buffer = buffer
        self._offsets = offsets.tolist()

    @staticmethod
    def pack(strings: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        encoded = [s.encode("utf-8", "surrogatepass") for s in strings]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(e) for e in encoded], out=offsets[1:])
        return np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def _make(self, index: int) -> str:
        start, end = self._offsets[index], self._offsets[index + 1]
        return self._buffer[start:end].tobytes().decode("utf-8", "surrogatepass")

    def __iter__(self) -> Iterator[str]:
        # One copy of the buffer, not one per string.
        whole = self._buffer.tobytes()
        offsets = self._offsets
        return (
            whole[start:end].decode("utf-8", "surrogatepass") for start, end in pairwise(offsets)
        )


class PackedDocuments(_Lazy[Document]):
    def __init__(
        self,
        ids: list[str],
        titles: PackedStrings,
        meta: PackedStrings,
        dates: PackedStrings,
    ) -> None:
        self.ids = ids
        # Read without making documents ("" for none): what "maintenant" asks for.
        self.dates = dates
        self._memo: dict[int, Document] = {}
        self._titles = titles
        self._meta = meta

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: int | slice) -> Document | list[Document]:  # type: ignore[override]
        found = self._memo.get(index) if type(index) is int else None
        return found if found is not None else super().__getitem__(index)

    def _make(self, index: int) -> Document:
        # The index is checked once, by __getitem__: each column is read directly.
        meta = json.loads(self._meta._make(index))
        return Document(
            id=self.ids[index],
            title=self._titles._make(index),
            date=meta["date"],
            lang=meta["lang"],
            sources=tuple(meta["sources"]),
            path=meta["path"],
            url=meta["url"],
            questions=tuple(meta["questions"]),
        )


class PackedPassages(_Lazy[Passage]):
    def __init__(
        self,
        document_ids: list[str],
        row_document: np.ndarray,
        positions: np.ndarray,
        texts: PackedStrings,
        sections: PackedStrings,
        section_of: np.ndarray,
    ) -> None:
        self._document_ids = document_ids
        self._memo: dict[int, Passage] = {}
        self.row_document = row_document
        self._positions = positions
        self._texts = texts
        self._sections = sections
        self._section_of = section_of

    def __len__(self) -> int:
        return len(self._texts)

    def __getitem__(self, index: int | slice) -> Passage | list[Passage]:  # type: ignore[override]
        # An answer reads its passages some 25 times: a remembered one in one look-up.
        found = self._memo.get(index) if type(index) is int else None
        return found if found is not None else super().__getitem__(index)

    def _make(self, index: int) -> Passage:
        doc_id = self._document_ids[int(self.row_document[index])]
        position = int(self._positions[index])
        section = int(self._section_of[index])
        return Passage(
            id=f"{doc_id}:{position}",
            doc_id=doc_id,
            position=position,
            text=self._texts._make(index),
            section=self._sections._make(section) if section >= 0 else None,
        )


def save_corpus(corpus: Corpus, path: Path, key: str) -> None:
    """Writes the corpus under `key` (`arrayfile`, no pickle); atomic, like the index."""
    documents = list(corpus.documents)
    passages = list(corpus.passages)
    sections = list(dict.fromkeys(p.section for p in passages if p.section is not None))
    section_number = {s: n for n, s in enumerate(sections)}
    columns: dict[str, np.ndarray] = {}
    for name, strings in (
        ("titles", [d.title for d in documents]),
        ("meta", [_meta_of(d) for d in documents]),
        ("ids", [d.id for d in documents]),
        ("dates", [d.date or "" for d in documents]),
        ("texts", [p.text for p in passages]),
        ("sections", sections),
    ):
        columns[f"{name}_buffer"], columns[f"{name}_offsets"] = PackedStrings.pack(strings)
    header = {"format": FORMAT_VERSION, "key": key, "warnings": list(corpus.warnings)}
    save_arrays(
        path,
        header,
        {
            "row_document": corpus.row_document.astype(np.int32),
            "positions": np.asarray([p.position for p in passages], dtype=np.int32),
            "section_of": np.asarray(
                [section_number.get(p.section, -1) for p in passages]  # type: ignore[arg-type]
                if passages
                else [],
                dtype=np.int32,
            ),
            **columns,
        },
    )


def load_saved_corpus(path: Path, key: str) -> Corpus:
    """Reads a saved corpus; IndexLoadError when it is unreadable or saved for another key."""
    try:
        header, saved = load_arrays(path)
        if header.get("format") != FORMAT_VERSION or header.get("key") != key:
            raise IndexLoadError(f"{path}: saved corpus is stale (built for other inputs)")

        def strings(name: str) -> PackedStrings:
            return PackedStrings(saved[f"{name}_buffer"], saved[f"{name}_offsets"])

        ids = list(strings("ids"))
        documents = PackedDocuments(ids, strings("titles"), strings("meta"), strings("dates"))
        passages = PackedPassages(
            ids,
            saved["row_document"],
            saved["positions"],
            strings("texts"),
            strings("sections"),
            saved["section_of"],
        )
        warnings = tuple(str(w) for w in header.get("warnings", ()))
    except IndexLoadError:
        raise
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise IndexLoadError(f"{path}: saved corpus is unreadable ({exc})") from None
    row_document, section_of = passages.row_document, passages._section_of
    if not (
        len(passages._texts) == row_document.size == passages._positions.size == section_of.size
        and len(documents._titles) == len(ids) == len(documents._meta)
        and len(documents.dates) == len(ids)
        and (not row_document.size or 0 <= row_document.min() <= row_document.max() < len(ids))
        and (not section_of.size or section_of.max() < len(passages._sections))
    ):
        raise IndexLoadError(f"{path}: saved corpus is inconsistent")
    return Corpus(documents, passages, warnings)


def _meta_of(document: Document) -> str:
    return json.dumps(
        {
            "date": document.date,
            "lang": document.lang,
            "sources": list(document.sources),
            "path": document.path,
            "url": document.url,
            "questions": list(document.questions),
        },
        ensure_ascii=False,
    )
