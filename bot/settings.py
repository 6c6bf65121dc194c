"""Operator settings, read once at start-up from the environment, `.env` and a YAML file."""

from __future__ import annotations

import difflib
import logging
import math
import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _bundled_seeds() -> Path:
    """The articles shipped with the bot: beside `bot/` in a checkout (and an editable
    install), else where a wheel installs them (pyproject's data-files)."""
    checkout = PROJECT_ROOT / "seeds"
    installed = Path(sys.prefix) / "share" / "parler-qa" / "seeds"
    return installed if not checkout.is_dir() and installed.is_dir() else checkout


BUNDLED_SEEDS = _bundled_seeds()
SETTINGS_FILE_VARIABLE = "QA_SETTINGS_FILE"


def default_index_cache() -> Path:
    """Where saved indexes live unless QA_INDEX_CACHE says otherwise (XDG cache dir)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "parler-qa"


class SettingsError(Exception):
    """A setting is missing, malformed or unknown; the message names it and the fix."""


class _OutOfRange(SettingsError):
    """Raised by Settings itself, which cannot know where a value came from;
    load_settings catches it and names the source of `setting`."""

    def __init__(self, setting: str, problem: str) -> None:
        super().__init__(f"bad setting: {problem}")
        self.setting = setting
        self.problem = problem


@dataclass(frozen=True)
class Settings:
    """Everything the operator can set. Environment names are `QA_<FIELD>` upper-cased
    (Discord ones `DISCORD_TOKEN`, `DISCORD_GUILD_ID`); YAML keys are the field names."""

    discord_token: str | None = field(default=None, repr=False)
    discord_guild_id: int | None = None
    corpus: Path = BUNDLED_SEEDS
    glossary: Path | None = None
    index_cache: Path | None = field(default_factory=default_index_cache)
    min_coverage: float | None = None
    min_evidence: float | None = None
    top_k: int = 3
    cooldown_questions: int = 5
    cooldown_seconds: float = 30.0
    max_question_chars: int = 500
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    owner_ids: tuple[int, ...] = ()
    log_level: str = "INFO"

    def __post_init__(self) -> None:
        # (field blamed, ok, message): the field is the one whose source the error names.
        checks: list[tuple[str, bool, str]] = [
            ("top_k", self.top_k >= 1, "top_k must be at least 1"),
            (
                "cooldown_questions",
                self.cooldown_questions >= 1,
                "cooldown_questions must be at least 1",
            ),
            ("cooldown_seconds", self.cooldown_seconds > 0, "cooldown_seconds must be positive"),
            (
                "max_question_chars",
                self.max_question_chars >= 10,
                "max_question_chars must be at least 10",
            ),
            (
                "min_coverage",
                self.min_coverage is None or 0 <= self.min_coverage <= 1,
                "min_coverage must be between 0 and 1",
            ),
            (
                "min_evidence",
                self.min_evidence is None or 0 <= self.min_evidence <= 1,
                "min_evidence must be between 0 and 1",
            ),
            (
                "shard_count",
                self.shard_count is None or self.shard_count >= 1,
                "shard_count must be at least 1",
            ),
            (
                "shard_ids",
                self.shard_ids is None
                or (
                    self.shard_count is not None
                    and all(0 <= s < self.shard_count for s in self.shard_ids)
                ),
                "shard_ids need shard_count and must each be in [0, shard_count)",
            ),
            (
                "log_level",
                self.log_level.upper() in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"},
                "log_level must be DEBUG, INFO, WARNING, ERROR or CRITICAL",
            ),
        ]
        for setting, ok, message in checks:
            if not ok:
                raise _OutOfRange(setting, message)


def _env_name(name: str) -> str:
    return name.upper() if name.startswith("discord_") else f"QA_{name.upper()}"


def _whole(value: Any) -> int:
    """int(), minus what YAML lets through silently: true/false (bool is an int) and 2.5."""
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError(value)
    return int(value)


def _number(value: Any) -> float:
    """float(), minus booleans and what is no amount: inf and nan ("QA_COOLDOWN_SECONDS=inf"
    would silence a user for ever)."""
    if isinstance(value, bool):
        raise ValueError(value)
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _int_tuple(value: Any) -> tuple[int, ...]:
    """Ids as the environment writes them ("1 2", "1,2") or as a YAML list ([1, 2])."""
    if isinstance(value, list | tuple):
        return tuple(_whole(part) for part in value)
    if isinstance(value, bool):
        raise ValueError(value)
    return tuple(int(part) for part in str(value).replace(",", " ").split())


def _index_cache(value: Any) -> Path | None:
    """A folder, or None for "off"/"none" (QA_INDEX_CACHE=off: never save an index).
    YAML reads an unquoted off, no or false as False; left empty (`index_cache:`, read
    as None), it is the default folder, as an empty QA_INDEX_CACHE is."""
    if value is False:
        return None
    text = "" if value is None else _path_text(value)
    if not text:
        return default_index_cache()
    return None if text.lower() in ("off", "none", "false", "no") else Path(text).expanduser()


def _path_text(value: Any) -> str:
    if isinstance(value, bool | int | float | list | dict):
        raise ValueError(value)
    return str(value).strip()


def _corpus_path(value: Any) -> Path:
    """The corpus; left empty (`corpus:` in YAML), the bundled seeds, as an empty
    QA_CORPUS is."""
    text = "" if value is None else _path_text(value)
    return Path(text).expanduser() if text else BUNDLED_SEEDS


def _glossary_path(value: Any) -> Path | None:
    """A glossary file, or None (empty) for the bundled one; it cannot be turned off."""
    text = "" if value is None else _path_text(value)
    return Path(text).expanduser() if text else None


_WHOLE = "a whole number"
_NUMBER = "a number"
_WHOLES = "whole numbers separated by spaces or commas"

# Per setting: the parser of its raw text (or YAML value), and what it expects, for errors.
_PARSERS: dict[str, tuple[Callable[[Any], Any], str]] = {
    "discord_token": (lambda v: str(v).strip() or None, "the bot token"),
    "discord_guild_id": (_whole, _WHOLE),
    "corpus": (_corpus_path, "a path"),
    "glossary": (_glossary_path, "a path (empty: the bundled glossary)"),
    "index_cache": (_index_cache, "a path or off"),
    "min_coverage": (_number, _NUMBER),
    "min_evidence": (_number, _NUMBER),
    "top_k": (_whole, _WHOLE),
    "cooldown_questions": (_whole, _WHOLE),
    "cooldown_seconds": (_number, _NUMBER),
    "max_question_chars": (_whole, _WHOLE),
    "shard_count": (_whole, _WHOLE),
    "shard_ids": (_int_tuple, _WHOLES),
    "owner_ids": (_int_tuple, _WHOLES),
    "log_level": (lambda v: str(v).upper(), "a log level"),
}

_KNOWN_VARIABLES = sorted({_env_name(name) for name in _PARSERS} | {SETTINGS_FILE_VARIABLE})


@dataclass(frozen=True)
class _Source:
    """Where a raw value came from, so an error can point at the line to fix."""

    name: str  # QA_TOP_K, top_k or --corpus, as the operator wrote it
    assign: str  # how that source writes a value: "=", ": " or " "
    origin: str  # "environment", "/srv/.env, line 3", "settings file x.yaml", "command line"

    def describe(self, raw: Any) -> str:
        """`QA_TOP_K=0 (environment)`, `top_k: abc (settings file s.yaml)`; never the token."""
        if self.name.lower() == "discord_token":
            return f"{self.name} ({self.origin})"
        return f"{self.name}{self.assign}{_shown(raw)} ({self.origin})"


def _shown(raw: Any) -> str:
    """The value as the operator typed it, on one short line."""
    if isinstance(raw, bool):
        text = "true" if raw else "false"
    elif raw is None:
        text = "null"
    else:
        text = str(raw)
    if not text.strip() or not text.isprintable():
        text = repr(text)
    return text if len(text) <= 60 else text[:57] + "..."


def load_settings(
    environ: Mapping[str, str] | None = None,
    env_file: Path | None = Path(".env"),
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Builds Settings: YAML file < `.env` < environment < explicit overrides (CLI flags).

    Any problem raises SettingsError with one line naming the key, where its value came
    from and what is allowed. Unknown `QA_*` names are errors in `.env` and the YAML file
    (written for this program) but only a warning in the environment, which other tools
    share.
    """
    environ = dict(os.environ if environ is None else environ)
    dotenv = _read_dotenv(env_file) if env_file is not None else {}
    _warn_unknown_variables(environ)

    def variable(key: str) -> tuple[str, _Source] | None:
        """The environment beats `.env`; an empty value there still masks `.env`."""
        if key in environ:
            return environ[key], _Source(key, "=", "environment")
        if key in dotenv:
            text, line = dotenv[key]
            return text, _Source(key, "=", f"{env_file}, line {line}")
        return None

    values: dict[str, Any] = {}
    sources: dict[str, _Source] = {}
    settings_file = variable(SETTINGS_FILE_VARIABLE)
    if settings_file and settings_file[0]:
        path_text, via = settings_file
        path = Path(path_text).expanduser()
        for name, raw in _read_yaml(path, f"{via.name}, {via.origin}").items():
            values[name] = raw
            sources[name] = _Source(name, ": ", f"settings file {path}")
    for name in _PARSERS:
        found = variable(_env_name(name))
        if found and found[0] != "":
            values[name], sources[name] = found
    for name, raw in (overrides or {}).items():
        if raw is not None:
            values[name] = raw
            sources[name] = _Source(f"--{name.replace('_', '-')}", " ", "command line")

    parsed: dict[str, Any] = {}
    for name, raw in values.items():
        parse, expected = _PARSERS[name]
        try:
            parsed[name] = parse(raw)
        except (TypeError, ValueError):
            if isinstance(raw, bool):
                expected += ", not true/false (YAML reads yes, no, on and off as true/false)"
            raise SettingsError(
                f"bad setting {sources[name].describe(raw)}: expected {expected}"
            ) from None
    try:
        return Settings(**parsed)
    except _OutOfRange as exc:
        if exc.setting not in sources:
            raise
        where = sources[exc.setting].describe(values[exc.setting])
        raise SettingsError(f"bad setting {where}: {exc.problem}") from None


def _closest(name: str) -> str | None:
    """The known variable `name` was probably meant to be. The shared "QA_" is left out
    of the comparison, or it alone would make QA_COLOUR "close" to QA_CORPUS."""
    by_stem = {known.removeprefix("QA_"): known for known in _KNOWN_VARIABLES}
    matches = difflib.get_close_matches(name.upper().removeprefix("QA_"), list(by_stem), n=1)
    return by_stem[matches[0]] if matches else None


def _is_ours(name: str) -> bool:
    return name.upper().startswith("QA_")


def _warn_unknown_variables(environ: Mapping[str, str]) -> None:
    """Other tools may set QA_* variables too, so a stranger is only a warning. The CLI
    configures logging after reading settings; until then `logging.lastResort` prints
    warnings to stderr as plain lines, once each."""
    for name in sorted(environ):
        if _is_ours(name) and name not in _KNOWN_VARIABLES:
            closest = _closest(name)
            hint = f"did you mean {closest}?" if closest else "not a setting of this program"
            log.warning("ignoring environment variable %s (%s)", name, hint)


def _read_dotenv(path: Path) -> dict[str, tuple[str, int]]:
    """`.env` as {name: (value, line)}. The operator wrote it for this program, so a
    line that does not parse or an unknown QA_* name is an error, not a skipped line."""
    if not path.exists():
        return {}
    import io

    from dotenv import dotenv_values
    from dotenv.parser import parse_stream

    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SettingsError(f"{path} is not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise SettingsError(f"cannot read {path} ({exc.strerror}); fix or remove it") from None
    lines: dict[str, int] = {}
    for binding in parse_stream(io.StringIO(text)):
        # A binding starts with the blank lines before it: count them to reach its own.
        original = binding.original.string
        padding = original[: len(original) - len(original.lstrip())]
        line = binding.original.line + len(re.findall(r"\r\n|\r|\n", padding))
        if binding.error:
            # The line itself is not shown: it may hold the token.
            raise SettingsError(
                f"{path}, line {line}: cannot parse this line; expected NAME=value "
                "(blank lines and # comments are fine)"
            )
        if binding.key is None:
            continue
        if _is_ours(binding.key) and binding.key not in _KNOWN_VARIABLES:
            closest = _closest(binding.key)
            hint = (
                f"did you mean {closest}?" if closest else f"known: {', '.join(_KNOWN_VARIABLES)}"
            )
            raise SettingsError(f"{path}, line {line}: unknown setting {binding.key} ({hint})")
        lines[binding.key] = line
    values = dotenv_values(stream=io.StringIO(text))
    return {k: (v, lines[k]) for k, v in values.items() if v is not None and k in lines}


def _read_yaml(path: Path, named_by: str) -> dict[str, Any]:
    """The settings file named by QA_SETTINGS_FILE; `named_by` says where that was set."""
    import yaml

    from knowledge.yamltext import load_yaml

    if path.is_dir():
        raise SettingsError(
            f"settings file {path} is a folder, not a file ({named_by}); "
            "name a YAML file such as settings.yaml"
        )
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(f"settings file not found: {path} ({named_by})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"cannot read settings file {path}: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None)
        why = f" ({problem})" if problem else ""
        raise SettingsError(f"settings file {path}{where}: malformed YAML{why}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SettingsError(f"settings file {path}: expected a mapping of setting names")
    known = {f.name for f in fields(Settings)} - {"discord_token"}
    unknown = sorted(set(map(str, data)) - known)
    if unknown:
        raise SettingsError(
            f"settings file {path}: unknown setting(s) {', '.join(unknown)} "
            f"(known: {', '.join(sorted(known))}; the token goes in DISCORD_TOKEN only)"
        )
    return {str(k): v for k, v in data.items()}
