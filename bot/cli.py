"""Command line: `ask`, `eval`, `repl` and `run`, with text or JSON output."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from knowledge.engine import Engine
    from knowledge.evaluate import Question

log = logging.getLogger(__name__)

# Distinct exit codes, so scripts and service managers can tell failures apart.
EXIT_OK = 0
EXIT_INPUT = 1  # a bad question or question file
EXIT_USAGE = 2  # argparse's own code for bad flags
EXIT_SETTINGS = 3  # a bad setting, .env or settings YAML
EXIT_CORPUS = 4  # missing/empty/malformed corpus or glossary
EXIT_TOKEN = 5  # `run` without a usable Discord token
EXIT_DISCORD = 6  # Discord refused the login or the connection failed


EXAMPLES = """\
examples:
  python -m bot ask "Pourquoi Amazon a-t-il suspendu Parler ?"
  python -m bot ask Who is John Matze --json
  python -m bot repl                          (:help inside)
  python -m bot eval questions.yaml --explain
settings: .env.example lists them (QA_CORPUS, QA_TOP_K, DISCORD_TOKEN...)."""


class _TerminalFormatter(logging.Formatter):
    """ "warning: ..." as "error: ..." is written: one style for what a terminal user
    reads (the module a warning comes from is for the bot's own log)."""

    def format(self, record: logging.LogRecord) -> str:
        return f"{record.levelname.lower()}: {super().format(record)}"


class UserError(Exception):
    """A mistake in what the user typed; printed as one line."""


class _Version(argparse.Action):
    """`--version`: the installed package's version, what an operator reports with a
    bug. Looked up only when asked: reading package metadata would slow every start."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("parler-qa")
        except PackageNotFoundError:  # a checkout that was never installed
            from knowledge.cache import ENGINE_VERSION

            found = ENGINE_VERSION
        try:
            print(f"parler-qa {found} (code {code_digest()})", flush=True)
        except BrokenPipeError:
            _silence_stdout()  # the reader went away (`| head -c 0`)
        except OSError as exc:
            _silence_stdout()
            parser.exit(EXIT_INPUT, f"error: cannot write the version ({exc.strerror})\n")
        parser.exit()


def code_digest() -> str:
    """A short hash of the code and data files the bot runs (its Python, glossary and
    lexicon): the version alone stays 0.1.0 across changes, so a bug report quoting
    `--version` would not say which code it was."""
    import hashlib

    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for package in ("bot", "knowledge"):
        for file in sorted((root / package).rglob("*")):
            if file.suffix in (".py", ".yaml", ".tsv") and file.is_file():
                digest.update(file.relative_to(root).as_posix().encode() + b"\x00")
                digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


class _Parser(argparse.ArgumentParser):
    """Help that cannot be written (a full disk) is an error, as an answer is:
    argparse's own printing ignores it and exits 0."""

    def _print_message(self, message: str, file: Any = None) -> None:
        if not message:
            return
        file = file or sys.stderr
        try:
            file.write(message)
            file.flush()
        except BrokenPipeError:
            _silence_stdout()  # the reader went away (`| head -1`)
        except OSError as exc:
            if file is not sys.stdout:
                return  # nowhere left to tell it
            _silence_stdout()
            self.exit(EXIT_INPUT, f"error: cannot write the help ({exc.strerror})\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m bot",
        description="Sourced answers about the 2021 Parler v. Amazon Web Services dispute, "
        "from French news articles. Ask in French or in English.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    commands = parser.add_subparsers(
        dest="command",
        metavar="COMMAND",
        description="Without a command: the Discord bot when DISCORD_TOKEN is set, else the REPL.",
    )

    ask = commands.add_parser("ask", help="answer one question")
    # Several words are one question: `ask Qui est John Matze` works without quotes.
    ask.add_argument(
        "question", nargs="+", help="the question (quotes optional; - reads it from stdin)"
    )
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    # Read as text and checked in `_ask`, so "--top abc" is refused like "--top 0".
    ask.add_argument("--top", default=None, metavar="K", help="passages to show")
    _corpus_flag(ask)

    evaluate = commands.add_parser("eval", help="score a question file (hit@k, MRR, latency)")
    evaluate.add_argument("file", type=Path, help="question file (README.md, Question files)")
    evaluate.add_argument("--json", action="store_true", help="print the report as JSON")
    evaluate.add_argument(
        "--explain", action="store_true", help="for each miss, the expected passage vs the winner"
    )
    _corpus_flag(evaluate)

    repl = commands.add_parser("repl", help="interactive questions in the terminal")
    _corpus_flag(repl)

    run = commands.add_parser("run", help="start the Discord bot (needs DISCORD_TOKEN)")
    _corpus_flag(run)
    for command in (ask, evaluate, repl, run):
        command.set_defaults(usage_of=command)
    return parser


def _corpus_flag(parser: argparse.ArgumentParser) -> None:
    # Parsed with the settings: "" is the bundled seeds there, as an empty QA_CORPUS is.
    parser.add_argument(
        "--corpus",
        default=None,
        metavar="PATH",
        help="folder of articles or .jsonl file (default: the bundled seeds)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code. Errors are one line on stderr, never a traceback."""
    _tolerate_narrow_encodings()
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if args.command == "ask" and unknown and not any(u.startswith("-") for u in unknown):
        # Quotes are optional, and a flag may come mid-question: `ask Qui est --json
        # John Matze` leaves "John Matze" over, the end of the question.
        args.question += unknown
        unknown = []
    if unknown:
        # Told under the command's own usage line, not the top-level one.
        getattr(args, "usage_of", parser).error(f"unrecognized arguments: {' '.join(unknown)}")
    from knowledge.errors import CorpusError, GlossaryError, IndexLoadError, KnowledgeError

    try:
        settings = load_settings(overrides={"corpus": getattr(args, "corpus", None)})
        # A terminal shows warnings and errors; QA_LOG_LEVEL=ERROR quiets the warnings
        # (the bot's own log, `run`, shows QA_LOG_LEVEL's level, INFO by default).
        level = max(logging.WARNING, getattr(logging, settings.log_level))
        handler = logging.StreamHandler()
        handler.setFormatter(_TerminalFormatter())
        logging.basicConfig(level=level, handlers=[handler])
        if args.command is None and not settings.discord_token:
            print("No DISCORD_TOKEN configured: starting the terminal REPL.", file=sys.stderr)
            args.command = "repl"
        if args.command in (None, "run"):
            from bot.discord.run import run_bot

            return run_bot(settings)
        return _in_terminal(args, settings)
    except SettingsError as exc:
        return _fail(str(exc), EXIT_SETTINGS)
    except (CorpusError, GlossaryError, IndexLoadError) as exc:
        return _fail(str(exc), EXIT_CORPUS)
    except (UserError, KnowledgeError) as exc:
        return _fail(str(exc), EXIT_INPUT)
    except KeyboardInterrupt:
        return 130


def _in_terminal(args: argparse.Namespace, settings: Settings) -> int:
    """`ask`, `eval` or `repl`, and what becomes of output that cannot be written."""
    if sys.stdout is None:  # started with stdout closed (`>&-`)
        return _fail("cannot write the answer (standard output is closed)", EXIT_INPUT)
    try:
        if args.command == "ask":
            code = _ask(args, settings)
        elif args.command == "eval":
            code = _eval(args, settings)
        else:
            from bot.loading import prepare_in_background
            from bot.repl import Repl

            engine = _engine(settings)
            prepare_in_background(engine)
            code = Repl(engine, settings).run()
        # Written out here, where a full disk is still an error we can report.
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # The reader went away (`| head`): not an error of ours.
        _silence_stdout()
        return EXIT_OK
    except OSError as exc:
        # Reading the corpus, the glossary and the settings raises their own errors:
        # an OSError here is output that cannot be written (a full disk).
        _silence_stdout()
        output = {"ask": "the answer", "eval": "the report"}.get(args.command, "the reply")
        return _fail(f"cannot write {output} ({exc.strerror or exc})", EXIT_INPUT)


def _tolerate_narrow_encodings() -> None:
    """A terminal or pipe that cannot show "é" (PYTHONIOENCODING=ascii, a C locale)
    gets "?" in its place rather than an answer cut short by UnicodeEncodeError; typed
    "é" it cannot decode reaches the REPL as U+FFFD rather than UnicodeDecodeError."""
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")


def _json(data: object) -> str:
    """JSON with "é" as written where the output is UTF-8, escaped (\\u00e9) where it
    is not, so that no character is lost to a "?"."""
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    return json.dumps(data, ensure_ascii=not encoding.startswith("utf"), indent=2)


def _silence_stdout() -> None:
    """Points stdout at devnull, so the interpreter's final flush of what could not be
    written does not print a traceback after our one line."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _fail(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def _engine(settings: Settings) -> Engine:
    from bot.loading import engine_from_settings

    return engine_from_settings(settings)


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.formats import answer_json, answer_text, clean_input, too_long

    words = args.question
    if words == ["-"]:  # `echo "Qui est John Matze ?" | python -m bot ask -`
        try:
            words = [sys.stdin.read() if sys.stdin is not None else ""]
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"cannot read the question from standard input ({exc})") from None
    question = clean_input(" ".join(words)).strip()
    if not question:
        raise UserError(
            'the question is empty: ask something, e.g. python -m bot ask "Qui est John Matze ?"'
        )
    if len(question) > settings.max_question_chars:
        raise UserError(too_long(len(question), settings.max_question_chars))
    top = settings.top_k if args.top is None else _top(args.top)
    if not args.json and (reply := _small_talk_reply(question, settings)):
        print(reply)
        return EXIT_OK
    answer = _engine(settings).ask(question, k=top)
    if args.json:
        print(_json(answer_json(answer)))
    else:
        print(answer_text(answer))
    return EXIT_OK


def _small_talk_reply(question: str, settings: Settings) -> str | None:
    """What `ask help`, `ask bonjour` or `ask merci` gets, as in the REPL and Discord,
    instead of an abstention. Only for people: `--json` always prints an answer, the
    contract scripts rely on."""
    from bot.smalltalk import SmallTalk, small_talk, small_talk_reply

    talk = small_talk(question)
    if talk is None:
        return None
    if talk is SmallTalk.HELP:
        return f"Ask a question about the articles, in French or in English.\n\n{EXAMPLES}"
    engine = _engine(settings) if talk is SmallTalk.GREETING else None
    topics, suggestions = (engine.topics(), engine.suggestions(2)) if engine else ("", [])
    return small_talk_reply(talk, topics, suggestions)


def _top(text: str) -> int:
    try:
        top = int(text)
    except ValueError:
        top = 0
    if top < 1:
        raise UserError(f"--top must be a whole number, at least 1, not {text!r}")
    return top


def _warn_of_unknown_documents(file: str, questions: list[Question], engine: Engine) -> None:
    """A `docs` id the corpus does not have can never be hit: said before the scores,
    with the id the user may have meant ("3" for "003"), as ids are compared exactly."""
    named: list[str] = []
    for doc in sorted({doc for question in questions for doc in question.docs}):
        found = engine.corpus.find_document(doc)
        if found is None:
            named.append(doc)
        elif found.id != doc:
            named.append(f"{doc} (did you mean {found.id}?)")
    if named:
        more = f" and {len(named) - 10} more" if len(named) > 10 else ""
        print(
            f"warning: {file} names documents the corpus does not have, never hit: "
            f"{', '.join(named[:10])}{more}",
            file=sys.stderr,
        )


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from bot.formats import eval_table, explain_misses
    from knowledge.evaluate import load_questions, run, summarize

    questions = load_questions(args.file)
    start = time.perf_counter()
    engine = _engine(settings)
    build_s = time.perf_counter() - start
    _warn_of_unknown_documents(args.file, questions, engine)
    outcomes = run(questions, engine.ask)
    report = summarize(outcomes, build_s)
    if args.json:
        print(_json(report))
    else:
        print(eval_table(report))
    if args.explain:
        print(explain_misses(engine, outcomes), file=sys.stderr if args.json else sys.stdout)
    return EXIT_OK
