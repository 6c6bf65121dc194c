"""Interactive terminal loop over one engine: questions, `:help`, `:sources`, `:source ID`."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.followups import Conversations
from bot.formats import answer_text, citation, clean_input, document_listing, too_long
from bot.settings import Settings
from bot.smalltalk import SmallTalk, small_talk, small_talk_reply
from knowledge.engine import Engine

if TYPE_CHECKING:
    from prompt_toolkit.history import History

log = logging.getLogger(__name__)

HISTORY_FILE = Path.home() / ".local" / "state" / "parler-qa" / "history"
PROMPT = "question> "
# A line that is only one of these words is the command, not a question: users type
# "help" or "quit" before they read that commands start with ":".
BARE_COMMANDS = {
    "help": ":help",
    "aide": ":help",
    "?": ":help",
    "quit": ":quit",
    "exit": ":quit",
    "quitter": ":quit",
    "sources": ":sources",
}
# The bot's Discord commands work here too, as users of both type them: "/help",
# "/source 003", and "/ask" before a question.
SLASH_ASK = "ask"

HELP = """\
Ask a question about the Parler / Amazon Web Services dispute, in French or in English,
and get the passage of the articles that answers it, its key sentence and its source.

  :help         this help
  :sources      list the articles (id, title, date, cited outlets)
  :source ID    show one article's metadata and passages, e.g. :source 003
  :quit         leave (also :q, Ctrl-D; "help" and "quit" work without the colon)

The Discord spellings work too: /help, /sources, /source 003, /ask <question>.
After a question, "Pourquoi ?" or "Et quand ?" alone asks about it.

Example: Pourquoi Amazon a-t-il suspendu Parler ?"""


class Repl:
    """Reads lines until `:quit` or end of input; no input can stop it but those."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        # "Pourquoi ?" right after a question asks about it.
        self.conversations = Conversations()

    def run(self) -> int:
        count = len(self.engine.documents)
        self._print(f"{count} article{'s' * (count != 1)} loaded. Type :help for help.")
        for line in self._lines():
            try:
                if not self.handle(line):
                    break
            except OSError:
                # Output that cannot be written (a closed pipe, a full disk) ends the
                # session: the command line reports it in one line.
                raise
            except Exception:  # the loop must survive any input; the log keeps the trace
                log.exception("could not handle %r", line[:200])
                self._print("error: something went wrong with that line; try another question")
        return 0

    def handle(self, line: str) -> bool:
        """Handles one line; False means leave."""
        text = clean_input(line).strip()
        if not text:
            return True
        text = BARE_COMMANDS.get(text.casefold().rstrip(" !."), text)
        if text.startswith("/"):
            name, _, question = text[1:].lstrip().partition(" ")
            if name.casefold() != SLASH_ASK:
                return self._command(text)
            text = question.strip()
            if not text:
                self._print("usage: /ask <question>, or just type the question")
                return True
        if text.startswith(":") and (text[1:2].isalpha() or text[1:2] == " "):
            return self._command(text)  # ":help", ": help"; not ":)" nor ":-("
        if len(text) > self.settings.max_question_chars:
            self._print(too_long(len(text), self.settings.max_question_chars))
            return True
        talk = small_talk(text)
        if talk is SmallTalk.HELP:
            self._print(HELP)
            return True
        if talk is not None:
            engine = self.engine
            self._print(small_talk_reply(talk, engine.topics(), engine.suggestions(2)))
            return True
        asked = self.conversations.question_to_ask(None, text, self.engine.parse)
        if asked != text:
            self._print(f"(follow-up, read as / suite, lu comme : « {asked} »)")
        answer = self.engine.ask(asked, k=self.settings.top_k)
        self._print(answer_text(answer))
        return True

    def _command(self, text: str) -> bool:
        """`text` starts with ":" or "/"; ": help", ":HELP" and ":aide" are ":help"."""
        word, _, argument = text[1:].lstrip().partition(" ")
        name, argument = BARE_COMMANDS.get(word.casefold(), ":" + word.casefold()), argument.strip()
        if name in (":quit", ":q", ":exit"):
            return False
        if name in (":help", ":h", ":?"):
            self._print(HELP)
        elif name == ":sources":
            self._print(document_listing(self.engine.documents))
        elif name == ":source":
            self._show_source(argument)
        else:
            self._print(f"unknown command {text[0] + word!r}; type :help")
        return True

    def _show_source(self, doc_id: str) -> None:
        if not doc_id:
            self._print("usage: :source ID (ids are listed by :sources)")
            return
        corpus = self.engine.corpus
        document = corpus.find_document(doc_id)
        if document is None:
            self._print(f"error: no article with id {doc_id!r}; :sources lists them")
            return
        lines = [citation(document), ""]
        section = document.title  # a headline that is also the title is shown once
        for passage in corpus.passages_of(document.id):
            if passage.section and passage.section != section:
                section = passage.section
                lines += [f"## {section}", ""]
            lines += [passage.text, ""]
        self._print("\n".join(lines).rstrip())

    def _lines(self) -> Iterator[str]:
        if self.stdin is sys.stdin and sys.stdin.isatty() and sys.stdout.isatty():
            yield from _prompt_toolkit_lines()
            return
        yield from self.stdin

    def _print(self, text: str) -> None:
        print(text, file=self.stdout, flush=True)


def tolerant_history(path: Path) -> History:
    """prompt_toolkit's file history, but a file it cannot read or write (left owned by
    root by a `sudo` run, a folder in its place) costs the history, not the session:
    prompt_toolkit would raise from the prompt, or loop on "Press ENTER to continue"."""
    from prompt_toolkit.history import FileHistory, InMemoryHistory

    class TolerantFileHistory(FileHistory):
        def load_history_strings(self) -> Iterable[str]:
            try:
                return list(super().load_history_strings())
            except OSError:
                return []

        def store_string(self, string: str) -> None:
            with contextlib.suppress(OSError):
                super().store_string(string)

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return InMemoryHistory()
    return TolerantFileHistory(str(path))


def _prompt_toolkit_lines() -> Iterator[str]:
    """Line editing and a persistent history; Ctrl-C clears the line, Ctrl-D leaves."""
    from prompt_toolkit import PromptSession

    session: PromptSession[str] = PromptSession(history=tolerant_history(HISTORY_FILE))
    prompt: Callable[[], str] = lambda: session.prompt(PROMPT)  # noqa: E731
    while True:
        try:
            yield prompt()
        except KeyboardInterrupt:
            continue
        except EOFError:
            return
