"""Shared fixtures: one engine on the bundled seeds, and a clean environment per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.engine import Engine

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
PIAF = SHARED / "eval" / "piaf"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's .env, settings or history: home and cwd are temporary."""
    import os

    for name in list(os.environ):
        if name.startswith(("QA_", "DISCORD_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.from_corpus(SEEDS)


def engine_on_texts(tmp_path: Path, texts: list[str]) -> Engine:
    """An engine on a .jsonl corpus of these passages, one article each (ids p0, p1...)."""
    import json

    corpus = tmp_path / "corpus.jsonl"
    records = [{"id": f"p{n}", "title": "", "text": text} for n, text in enumerate(texts)]
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    return Engine.from_corpus(corpus)


def write_article(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--full-load",
        action="store_true",
        help="run the Discord load test at full size (1,000 /ask + 1,000 mentions)",
    )
