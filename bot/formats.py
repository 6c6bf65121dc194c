"""Answers as terminal text and as the JSON of the `ask --json` contract."""

from __future__ import annotations

import textwrap
import unicodedata
from typing import Any

from knowledge.answer import ASKS_ONLY_WHAT_KIND, Answer, RankedPassage
from knowledge.corpus import Document


def clean_input(text: str) -> str:
    """User text made safe to echo: lone surrogates (undecodable bytes in argv or a
    pipe) become U+FFFD, so printing the answer never fails on a UTF-8 terminal; NUL
    and invisible format characters (zero-width spaces, direction marks) go, so a
    line of them is as empty as it looks."""
    text = text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")
    if text.isascii():
        return text
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def too_long(length: int, limit: int) -> str:
    """Every adapter refuses an over-long question with these words (QA_MAX_QUESTION_CHARS)."""
    return (
        f"Your question is {length} characters long; the limit is {limit}. "
        "Please ask something shorter (votre question est trop longue)."
    )


def document_json(document: Document) -> dict[str, Any]:
    return {
        "id": document.id,
        "title": document.title,
        "date": document.date,
        "sources": list(document.sources),
        "path": document.path,
        "url": document.url,
    }


def passage_json(ranked: RankedPassage) -> dict[str, Any]:
    return {
        "text": ranked.text,
        "score": round(ranked.score, 6),
        "sentence": ranked.sentence,
        "section": ranked.passage.section,
        "doc": document_json(ranked.document),
    }


def answer_json(answer: Answer) -> dict[str, Any]:
    """shared/DESIGN.md's `ask --json` object, extended with corroboration and suggestions."""
    return {
        "question": answer.question,
        "abstained": answer.abstained,
        "passages": [passage_json(p) for p in answer.passages],
        "corroborating": [passage_json(p) for p in answer.corroborating],
        "conflicting": [passage_json(p) for p in answer.conflicting],
        "suggestions": list(answer.suggestions),
        "topics": answer.topics,  # an abstention's "they are about", as the text shows
        "corrections": [{"typed": t, "read_as": c} for t, c in answer.corrections],
    }


def corrections_text(answer: Answer) -> str:
    """`aprler → parler, palinte → plainte`: the spelling the answer was found with."""
    return ", ".join(f"{typed} → {read}" for typed, read in answer.corrections)


def citation(document: Document, with_id: bool = True, with_url: bool = True) -> str:
    """`Title (2021-03) · sources: Reuters, The Verge · article 000 · https://...`: a
    journalist checks the original from the link when the catalog gives one."""
    parts = [document.title + (f" ({document.date})" if document.date else "")]
    if document.sources:
        parts.append("sources: " + ", ".join(document.sources))
    if with_id:
        parts.append(f"article {document.id}")
    if with_url and document.url:
        parts.append(document.url)
    return " · ".join(parts)


def _wrap(text: str, indent: str = "  ") -> str:
    """Wrapped to the terminal's usual width, each line of a list on its own."""
    return "\n".join(
        textwrap.fill(line, width=88, initial_indent=indent, subsequent_indent=indent)
        for line in text.split("\n")
    )


# A question that only says what kind of answer it wants ("Pourquoi ?") with nothing
# before it to follow: it lacks its subject, not an answer.
WHOLE_QUESTION = (
    "About what? Ask the whole question (à propos de quoi ? posez la question entière)."
)


def answer_text(answer: Answer) -> str:
    """Key sentence first, then the passage and its citation; other passages after."""
    if answer.abstained:
        lines = [
            WHOLE_QUESTION
            if answer.reason == ASKS_ONLY_WHAT_KIND
            else "I can't answer that from the articles I know "
            "(je ne trouve pas de réponse dans mes articles)."
        ]
        if answer.topics:
            lines.append(f"They are about (ils parlent de) : {answer.topics}.")
        if answer.suggestions:
            lines.append("Try for example (essayez par exemple) :")
            lines.extend(f"  - {s}" for s in answer.suggestions)
        return "\n".join(lines)
    best = answer.passages[0]
    lines = [f"» {best.sentence}", "", _wrap(best.text), f"  — {citation(best.document)}"]
    if answer.corrections:
        lines += ["", f"(read as / lu comme : {corrections_text(answer)})"]
    if answer.conflicting:
        lines += ["", "The articles differ (les articles divergent):"]
        for other in answer.conflicting:
            lines += [f"  » {other.sentence}", f"  — {citation(other.document)}"]
    if answer.corroborating:
        also = "; ".join(f"{p.document.title} [{p.document.id}]" for p in answer.corroborating)
        lines += ["", f"Also in: {also}"]
    for number, other in enumerate(answer.passages[1:], start=2):
        lines += ["", f"[{number}] {other.sentence}", f"    — {citation(other.document)}"]
    return "\n".join(lines)


def document_listing(documents: list[Document] | tuple[Document, ...]) -> str:
    """One line per article, its id first (the id `:source` takes)."""
    return "\n".join(f"{d.id}  {citation(d, with_id=False, with_url=False)}" for d in documents)


def eval_table(report: dict[str, Any]) -> str:
    """The eval report as a plain table: overall, per language, per kind, then timings."""
    columns = ("hit@1", "hit@3", "mrr", "abstain_offtopic", "false_abstain")
    header = f"{'':<18}{'n':>5}" + "".join(f"{c:>18}" for c in columns)

    def row(name: str, stats: dict[str, Any]) -> str:
        cells = "".join(
            f"{'-' if stats[c] is None else format(stats[c], '.3f'):>18}" for c in columns
        )
        return f"{name:<18}{stats['questions']:>5}{cells}"

    lines = [header, row("overall", report)]
    lines += [row(f"lang {k}", v) for k, v in report["by_lang"].items()]
    lines += [row(f"kind {k}", v) for k, v in report["by_kind"].items()]
    latency = report["latency_ms"]
    lines.append(
        f"\nindex build {report['index_build_s']:.3f} s; latency per question "
        f"p50 {latency['p50']:.2f} ms, p95 {latency['p95']:.2f} ms, max {latency['max']:.2f} ms"
    )
    return "\n".join(lines)


def explain_misses(engine: Any, outcomes: list[Any]) -> str:
    """For each on-topic miss (or wrong abstention/answer), expected vs winning passage."""
    from knowledge.evaluate import explain

    lines = ["", "Misses:"]
    for outcome in outcomes:
        question = outcome.question
        if question.offtopic:
            if not outcome.answer.abstained:
                best = outcome.answer.best
                lines.append(
                    f"- off-topic answered: {question.q!r} -> {best.passage.id} "
                    f"(coverage {best.coverage:.2f}, score {best.score:.3f})"
                )
            continue
        if outcome.rank == 1:
            continue
        why = explain(engine, outcome)
        expected = (
            f"expected {why.expected_id} at rank {why.expected_rank} "
            f"(score {why.expected_score:.3f})"
            if why.expected_id
            else "no passage holds the expected text"
            if question.expect
            else f"no passage of {', '.join(question.docs)} was found"
        )
        lines.append(
            f"- {question.q!r}{' [abstained]' if why.abstained else ''}: {expected}; "
            f"winner {why.winner_id} (score {why.winner_score:.3f}); terms {' '.join(why.terms)}"
        )
    if len(lines) == 2:
        lines.append("  none")
    return "\n".join(lines)
