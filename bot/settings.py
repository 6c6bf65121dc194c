"""Operator settings, read once at start-up from the environment, `.env` and a YAML file."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
BUNDLED_SEEDS = PROJECT_ROOT / "seeds"
SETTINGS_FILE_VARIABLE = "QA_SETTINGS_FILE"


def default_index_cache() -> Path:
    """Where saved indexes live unless QA_INDEX_CACHE says otherwise (XDG cache dir)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "parler-qa"


class SettingsError(Exception):
    """A setting is missing, malformed or unknown; the message names it and the fix."""


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
        checks: list[tuple[bool, str]] = [
            (self.top_k >= 1, "top_k must be at least 1"),
            (self.cooldown_questions >= 1, "cooldown_questions must be at least 1"),
            (self.cooldown_seconds > 0, "cooldown_seconds must be positive"),
            (self.max_question_chars >= 10, "max_question_chars must be at least 10"),
            (
                self.min_coverage is None or 0 <= self.min_coverage <= 1,
                "min_coverage must be between 0 and 1",
            ),
            (
                self.min_evidence is None or 0 <= self.min_evidence <= 1,
                "min_evidence must be between 0 and 1",
            ),
            (self.shard_count is None or self.shard_count >= 1, "shard_count must be at least 1"),
            (
                self.shard_ids is None
                or (
                    self.shard_count is not None
                    and all(0 <= s < self.shard_count for s in self.shard_ids)
                ),
                "shard_ids need shard_count and must each be in [0, shard_count)",
            ),
            (
                self.log_level.upper() in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"},
                "log_level must be DEBUG, INFO, WARNING, ERROR or CRITICAL",
            ),
        ]
        for ok, message in checks:
            if not ok:
                raise SettingsError(f"bad setting: {message}")


def _env_name(name: str) -> str:
    return name.upper() if name.startswith("discord_") else f"QA_{name.upper()}"


def _int_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in str(text).replace(",", " ").split())


def _optional_path(text: str) -> Path | None:
    """A path, or None for "off"/"none" (e.g. QA_INDEX_CACHE=off: never save an index)."""
    value = str(text).strip()
    return None if value.lower() in ("", "off", "none") else Path(value).expanduser()


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "discord_token": lambda v: str(v).strip() or None,
    "discord_guild_id": int,
    "corpus": lambda v: Path(str(v)).expanduser(),
    "glossary": _optional_path,
    "index_cache": _optional_path,
    "min_coverage": float,
    "min_evidence": float,
    "top_k": int,
    "cooldown_questions": int,
    "cooldown_seconds": float,
    "max_question_chars": int,
    "shard_count": int,
    "shard_ids": _int_tuple,
    "owner_ids": _int_tuple,
    "log_level": lambda v: str(v).upper(),
}


def load_settings(
    environ: Mapping[str, str] | None = None,
    env_file: Path | None = Path(".env"),
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Builds Settings: YAML file < `.env` < environment < explicit overrides (CLI flags).

    Any problem raises SettingsError with one line naming the key and what is allowed.
    """
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = {}
    dotenv = _read_dotenv(env_file) if env_file is not None else {}
    merged_env = {**dotenv, **environ}
    yaml_path = merged_env.get(SETTINGS_FILE_VARIABLE)
    if yaml_path:
        values.update(_read_yaml(Path(yaml_path)))
    for name in _PARSERS:
        key = _env_name(name)
        if key in merged_env and merged_env[key] != "":
            values[name] = merged_env[key]
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})
    parsed: dict[str, Any] = {}
    for name, raw in values.items():
        try:
            parsed[name] = _PARSERS[name](raw)
        except (TypeError, ValueError):
            raise SettingsError(
                f"bad setting {_env_name(name)} ({name}): {raw!r} is not a valid value"
            ) from None
    return Settings(**parsed)


def _read_dotenv(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    import io

    from dotenv import dotenv_values

    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SettingsError(f"{path} is not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise SettingsError(f"cannot read {path} ({exc.strerror}); fix or remove it") from None
    values = dotenv_values(stream=io.StringIO(text))
    return {k: v for k, v in values.items() if v is not None}


def _read_yaml(path: Path) -> dict[str, Any]:
    import yaml

    from knowledge.yamltext import load_yaml

    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(
            f"settings file not found: {path} (from {SETTINGS_FILE_VARIABLE})"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"cannot read settings file {path}: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        raise SettingsError(f"settings file {path}{where}: malformed YAML") from None
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
