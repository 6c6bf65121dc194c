"""Reading the project's own text files (glossary, question files) with one-line errors."""

from __future__ import annotations

from pathlib import Path

from knowledge.errors import KnowledgeError


def read_utf8(path: Path, error: type[KnowledgeError], *, missing: str, folder: str) -> str:
    """The file's text. Any reason it cannot be read becomes `error` with one line a user
    can act on: `missing` or `folder` as given, else the byte that is not UTF-8 or the
    system's reason."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(missing) from None
    except IsADirectoryError:
        raise error(folder) from None
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise error(f"{path}: cannot be read ({exc.strerror or exc})") from None
