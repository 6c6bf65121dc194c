"""Question files (shared/eval/README.md) scored against the engine: hit@k, MRR, latency."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from knowledge.analysis import fold
from knowledge.answer import Answer
from knowledge.corpus import nfc
from knowledge.errors import KnowledgeError
from knowledge.textfile import read_utf8
from knowledge.yamltext import load_yaml, unknown_keys

log = logging.getLogger(__name__)

RANK_DEPTH = 10


class QuestionFileError(KnowledgeError):
    """The question file is missing or not in the documented format."""


@dataclass(frozen=True)
class Question:
    q: str
    lang: str = "xx"
    kind: str | None = None
    expect: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()
    offtopic: bool = False


@dataclass(frozen=True)
class Outcome:
    """One question's result: the rank of the first hit (None: missed) and the answer."""

    question: Question
    rank: int | None
    answer: Answer
    latency_ms: float


def load_questions(path: str | Path) -> list[Question]:
    """Every item is checked here, so a malformed one stops the run with its number and
    `q` instead of being scored wrongly (a string `expect` matched letter by letter)."""
    path = Path(path)
    text = read_utf8(
        path,
        QuestionFileError,
        missing=f"question file not found: {path}",
        folder=f"{path}: is a folder, not a question file (give a .yaml file)",
    )
    try:
        data = load_yaml(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else "?"
        raise QuestionFileError(f"{path}, line {line}: malformed YAML ({exc.problem})") from None
    if not isinstance(data, list):
        raise QuestionFileError(f"{path}: expected a YAML list of questions")
    if not data:
        raise QuestionFileError(f"{path}: holds no questions")
    questions = [_question(item, f"{path}: item {n}") for n, item in enumerate(data, start=1)]
    for line in unknown_keys(((f"item {n}", item) for n, item in enumerate(data, 1)), ITEM_KEYS):
        log.warning("%s: %s", path, line)
    odd = sorted({q.lang for q in questions} - set(LANGUAGES))
    if odd:
        log.warning(
            "%s: lang %s is not one of %s (a row of its own in the report)",
            path,
            ", ".join(odd),
            ", ".join(LANGUAGES),
        )
    return questions


# The languages the format names (`../shared/eval/README.md`): xx is unknown.
LANGUAGES = ("fr", "en", "xx")


# What a question file's item may hold (`../shared/eval/README.md`).
ITEM_KEYS = ("q", "lang", "kind", "expect", "docs", "offtopic")


def _question(item: Any, where: str) -> Question:
    """One item of the file. An optional key left empty (`kind:`) counts as absent; keys
    the format does not know are ignored (with a warning), so newer files still load."""
    if not isinstance(item, dict):
        raise QuestionFileError(f"{where}: expected a mapping with a 'q' string, not {_seen(item)}")
    if "q" not in item:
        raise QuestionFileError(f"{where}: has no 'q' (the question, as a string)")
    q = item["q"]
    if not isinstance(q, str) or not q.strip():
        raise QuestionFileError(f"{where}: needs a non-empty 'q' string, not {_seen(q)}")
    where = f'{where} ("{_shorten(q)}")'
    for key in ("lang", "kind"):
        if item.get(key) is not None and not isinstance(item[key], str):
            raise QuestionFileError(f"{where}: {key} must be a string, not {_seen(item[key])}")
    # A quoted "no" is a non-empty string, true to bool(): only a YAML boolean is taken.
    offtopic = item.get("offtopic")
    if offtopic is not None and not isinstance(offtopic, bool):
        raise QuestionFileError(f"{where}: offtopic must be true or false, not {_seen(offtopic)}")
    expect = _strings(item.get("expect"), "expect", where)
    docs = _strings(item.get("docs"), "docs", where)
    if not offtopic and not expect and not docs:
        raise QuestionFileError(f"{where}: gives neither expect, docs nor offtopic: true")
    if offtopic and (expect or docs):
        log.warning("%s: is offtopic: true, yet gives expect or docs (scored as off-topic)", where)
    return Question(
        q=q,
        lang=_label(item.get("lang")) or "xx",
        kind=_label(item.get("kind")) or None,
        expect=expect,
        docs=docs,
        offtopic=bool(offtopic),
    )


def _label(value: str | None) -> str | None:
    """A `lang` or `kind` as one line: each is a row of the report's table."""
    return " ".join(value.split()) if value else None


def _strings(value: Any, key: str, where: str) -> tuple[str, ...]:
    """`expect` or `docs` as strings. A lone string is shorthand for a one-element list.

    A number in `expect` is taken as written (`2021`). In `docs` it is refused: ids are
    quoted strings such as "014", and YAML reads an unquoted 014 as the octal number 12.
    An `expect` string that folds to nothing would be found in every passage.
    """
    if value is None:
        return ()
    strings = []
    for element in value if isinstance(value, list) else [value]:
        if key == "expect" and isinstance(element, int | float) and not isinstance(element, bool):
            element = str(element)
        if key == "docs" and isinstance(element, int) and not isinstance(element, bool):
            raise QuestionFileError(
                f'{where}: docs holds the number {element}; quote document ids (docs: ["014"]), '
                "as YAML reads an unquoted 014 as 12"
            )
        if not isinstance(element, str):
            raise QuestionFileError(
                f"{where}: {key} must be a string or a list of strings, not {_seen(element)}"
            )
        if not fold(element):
            raise QuestionFileError(f"{where}: {key} holds an empty string")
        strings.append(nfc(element) if key == "docs" else element)  # ids are NFC
    return tuple(strings)


def _seen(value: Any) -> str:
    """What YAML made of a value, for an error message: `no` unquoted is a boolean."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()} (quote it to mean text)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f'"{_shorten(value)}"'
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__} ({value})"


def _shorten(text: str, limit: int = 60) -> str:
    """One line of at most `limit` characters, so the error stays one line."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def is_hit(question: Question, doc_id: str, text: str) -> bool:
    """The passage contains a folded expected string, or comes from an expected document."""
    if question.docs and doc_id in question.docs:
        return True
    folded = fold(text)
    return any(fold(e) in folded for e in question.expect)


def first_hit_rank(question: Question, answer: Answer) -> int | None:
    for rank, ranked in enumerate(answer.passages, start=1):
        if is_hit(question, ranked.document.id, ranked.text):
            return rank
    return None


def run(questions: Sequence[Question], ask: Callable[[str, int], Answer]) -> list[Outcome]:
    outcomes = []
    for question in questions:
        start = time.perf_counter()
        answer = ask(question.q, RANK_DEPTH)
        latency = (time.perf_counter() - start) * 1000
        rank = None if question.offtopic else first_hit_rank(question, answer)
        outcomes.append(Outcome(question, rank, answer, latency))
    return outcomes


def _rates(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    on_topic = [o for o in outcomes if not o.question.offtopic]
    off_topic = [o for o in outcomes if o.question.offtopic]
    n = len(on_topic)

    def share(count: int, total: int) -> float | None:
        return round(count / total, 4) if total else None

    return {
        "questions": len(outcomes),
        "hit@1": share(sum(o.rank == 1 for o in on_topic), n),
        "hit@3": share(sum(o.rank is not None and o.rank <= 3 for o in on_topic), n),
        "mrr": round(sum(1 / o.rank for o in on_topic if o.rank) / n, 4) if n else None,
        "abstain_offtopic": share(sum(o.answer.abstained for o in off_topic), len(off_topic)),
        "false_abstain": share(sum(o.answer.abstained for o in on_topic), n),
    }


def summarize(outcomes: Sequence[Outcome], index_build_s: float) -> dict[str, Any]:
    """The JSON report of shared/DESIGN.md's `eval` contract."""
    by_lang: dict[str, list[Outcome]] = defaultdict(list)
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_lang[outcome.question.lang].append(outcome)
        kind = "offtopic" if outcome.question.offtopic else outcome.question.kind or "plain"
        by_kind[kind].append(outcome)
    latencies = sorted(o.latency_ms for o in outcomes)
    report = _rates(outcomes)
    report["by_lang"] = {lang: _rates(group) for lang, group in sorted(by_lang.items())}
    report["by_kind"] = {kind: _rates(group) for kind, group in sorted(by_kind.items())}
    report["index_build_s"] = round(index_build_s, 3)
    report["latency_ms"] = {
        "p50": round(_percentile(latencies, 50), 3),
        "p95": round(_percentile(latencies, 95), 3),
        "max": round(latencies[-1], 3) if latencies else 0.0,
    }
    report["items"] = [
        {
            "q": o.question.q,
            "rank": o.rank,
            "abstained": o.answer.abstained,
            "top": (
                {"doc": o.answer.best.document.id, "text": o.answer.best.text}
                if o.answer.best
                else None
            ),
        }
        for o in outcomes
    ]
    return report


def _percentile(sorted_values: Sequence[float], percent: float) -> float:
    """Nearest-rank percentile; 0 for no values."""
    if not sorted_values:
        return 0.0
    rank = max(1, -(-len(sorted_values) * percent // 100))
    return float(sorted_values[int(rank) - 1])


@dataclass(frozen=True)
class Explanation:
    """Why a question missed: where the expected passage ranked and how it scored."""

    question: Question
    winner_id: str | None
    winner_score: float
    expected_id: str | None
    expected_rank: int | None
    expected_score: float
    terms: tuple[str, ...]
    abstained: bool


def explain(engine: Any, outcome: Outcome) -> Explanation:
    """Ranks every passage for the question, as the answer does (re-ranking included),
    and finds the first expected one."""
    import numpy as np

    query = engine.parse(outcome.question.q)
    scores = engine.scores(query)
    ranked = engine.rank(query, RANK_DEPTH) if query.terms else []
    # Past the re-ranked head, retrieval order: every passage gets a rank.
    head = [hit.row for hit in ranked]
    final = {hit.row: hit.score for hit in ranked}
    rest = np.lexsort((np.arange(scores.size), -scores)).tolist()
    order = head + [row for row in rest if row not in final]
    passages = engine.corpus.passages
    expected_rank = expected_id = None
    expected_score = 0.0
    for rank, row in enumerate(order, start=1):
        passage = passages[row]
        if is_hit(outcome.question, passage.doc_id, passage.text):
            score = final.get(row, float(scores[row]))
            expected_rank, expected_id, expected_score = rank, passage.id, score
            break
    winner = order[0] if order else None
    terms = tuple(
        "|".join(f"{s}" if f == 1 else f"{s}*{f}" for s, f in term.alternatives)
        for term in query.terms
    )
    return Explanation(
        question=outcome.question,
        winner_id=passages[winner].id if winner is not None else None,
        winner_score=final.get(winner, float(scores[winner])) if winner is not None else 0.0,
        expected_id=expected_id,
        expected_rank=expected_rank,
        expected_score=expected_score,
        terms=terms,
        abstained=outcome.answer.abstained,
    )
