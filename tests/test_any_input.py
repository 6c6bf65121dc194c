"""Any text at all gets an answer or an abstention: engine, command line and REPL."""

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cli import EXIT_INPUT, EXIT_OK, main
from bot.repl import Repl
from bot.settings import Settings
from knowledge.engine import Engine

HOSTILE_PIECES = [
    "\x00", "\x07", "\x1b[31m", "\r\n", "\t", "\u202e", "\u200f", "\u200b", "\ufeff",
    "\ud800", "\udfff", "\udcff", "Z\u0301\u0336\u0353\u035a\u0317", "🙂", "👨‍👩‍👧", "🇫🇷",
    "@everyone", "@here", "<@123456789012345678>", "<@&987654321098765432>", "<#1>",
    "**gras**", "`code`", "```py\nx\n```", "> cite", "||spoiler||", "[lien](http://x)",
    "le la les de du", "???", "...", "l'", "qu'", "Parler", "AWS", "Amazon", "plainte",
    "Skysilk", "Epik", "John Matze", "pk", "koi", "’", "«", "»", "—",
]  # fmt: skip

hostile_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF)),
    st.lists(st.sampled_from(HOSTILE_PIECES), max_size=30).map(" ".join),
    st.lists(st.sampled_from(HOSTILE_PIECES), max_size=30).map("".join),
    st.text(alphabet="!?.,;:()[]{}«»\"'-_/\\*#@&%$", max_size=200),
)


def fast(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@fast(4500)
@given(text=hostile_text)
def test_engine_answers_or_abstains_on_any_text(engine: Engine, text: str) -> None:
    answer = engine.ask(text)
    assert answer.abstained == (not answer.passages)
    if answer.abstained:
        assert answer.suggestions
    else:
        assert answer.sentence
        assert answer.best.sentence in answer.best.text


def test_engine_handles_a_hundred_thousand_characters(engine: Engine) -> None:
    huge = ("Parler poursuit Amazon " * 5000)[:100_000]
    assert not engine.ask(huge).abstained
    assert engine.ask("\u0301" * 100_000).abstained
    assert engine.ask("🙂" * 100_000).abstained


@fast(150)
@given(text=hostile_text)
def test_command_line_gives_json_or_one_line_error(
    text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if text == "-":
        text = "- "  # "-" alone reads the question from standard input
    code = main(["ask", "--json", "--", text])
    out, err = capsys.readouterr()
    out.encode("utf-8")  # printable on a strict UTF-8 terminal
    if code == EXIT_OK:
        data = json.loads(out)
        assert isinstance(data["abstained"], bool)
        assert isinstance(data["passages"], list)
    else:
        assert code == EXIT_INPUT
        assert err.startswith("error: ") and len(err.strip().splitlines()) == 1
        assert not text.replace("\x00", "").strip() or "empty" in err
    assert "Traceback" not in err


@fast(100)
@given(text=hostile_text)
def test_command_line_text_output_never_fails(
    text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["ask", "--", text])
    out, err = capsys.readouterr()
    out.encode("utf-8")
    assert code in (EXIT_OK, EXIT_INPUT)
    assert "Traceback" not in err


@fast(300)
@given(lines=st.lists(hostile_text, min_size=1, max_size=4))
def test_repl_survives_any_lines(engine: Engine, lines: list[str]) -> None:
    stdin = io.StringIO("\n".join(line.replace("\n", " ") for line in lines) + "\n:quit\n")
    stdout = io.StringIO()
    assert Repl(engine, Settings(), stdin=stdin, stdout=stdout).run() == 0
    stdout.getvalue().encode("utf-8")
    assert "something went wrong" not in stdout.getvalue()
