import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import EXIT_CORPUS, EXIT_INPUT, EXIT_OK, EXIT_SETTINGS, main
from tests.conftest import ROOT, SEEDS, SHARED, write_article

ASK_KEYS = {"question", "abstained", "passages"}
PASSAGE_KEYS = {"text", "score", "sentence", "doc"}
DOC_KEYS = {"id", "title", "date", "sources", "path"}
EVAL_KEYS = {
    "questions", "hit@1", "hit@3", "mrr", "abstain_offtopic", "false_abstain", "by_lang",
    "by_kind", "index_build_s", "latency_ms", "items",
}  # fmt: skip


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_repl(
    lines: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *flags: str,
) -> str:
    """What the REPL prints for these typed lines (it must end normally)."""
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    code, out, _ = run_cli(["repl", *flags], capsys)
    assert code == EXIT_OK
    return out


def test_ask_json_follows_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["ask", "Qui est John Matze ?", "--json", "--top", "2"], capsys)
    assert code == EXIT_OK
    data = json.loads(out)
    assert set(data) >= ASK_KEYS
    assert data["question"] == "Qui est John Matze ?"
    assert data["abstained"] is False
    assert len(data["passages"]) == 2
    first = data["passages"][0]
    assert set(first) >= PASSAGE_KEYS
    assert set(first["doc"]) >= DOC_KEYS
    assert first["sentence"] in first["text"]
    assert first["score"] >= data["passages"][1]["score"]
    assert "é" in out  # French stays readable: ensure_ascii=False


def test_ask_text_shows_sentence_passage_and_citation(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["ask", "Qui a reçu le message d'Amazon Web Services ?"], capsys)
    assert code == EXIT_OK
    assert out.startswith("» ")
    assert "Amy Peikoff" in out.splitlines()[0]
    assert "sources: CNN Business" in out
    assert "article 002" in out


def test_ask_offtopic_json_says_abstained(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["ask", "Quelle est la recette de la tarte tatin ?", "--json"], capsys)
    assert code == EXIT_OK
    data = json.loads(out)
    assert data["abstained"] is True
    assert data["passages"] == []
    assert len(data["suggestions"]) == 2
    assert "Parler" in data["topics"]  # as the terminal text says what the articles are about


def test_an_abstention_in_the_terminal_speaks_french_too(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run_cli(["ask", "Quelle est la recette de la tarte tatin ?"], capsys)
    assert code == EXIT_OK
    assert "je ne trouve pas de réponse" in out
    assert "ils parlent de" in out
    assert "essayez par exemple" in out


def test_ask_answers_help_greetings_and_thanks_as_the_repl_does(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Each was an abstention: "I can't answer that from the articles I know".
    code, out, _ = run_cli(["ask", "help"], capsys)
    assert code == EXIT_OK and "python -m bot ask" in out
    code, out, _ = run_cli(["ask", "Bonjour", "!"], capsys)
    assert out.startswith("Bonjour ! Je réponds aux questions") and "Parler" in out
    code, out, _ = run_cli(["ask", "merci"], capsys)
    assert out.startswith("De rien !")
    # A script asking for JSON still gets an answer, as the contract says.
    code, out, _ = run_cli(["ask", "merci", "--json"], capsys)
    assert json.loads(out)["question"] == "merci"


def test_ask_with_jsonl_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        '{"id": "a", "title": "Ouganda", "text": "L\'Ouganda est surnommé la perle de l\'Afrique."}\n'
        '{"id": "b", "title": "Sport", "text": "Le sport emploie cent mille salariés."}\n',
        encoding="utf-8",
    )
    code, out, _ = run_cli(["ask", "perle de l'Afrique", "--json", "--corpus", str(corpus)], capsys)
    assert code == EXIT_OK
    assert json.loads(out)["passages"][0]["doc"]["id"] == "a"


def test_terminal_warnings_read_as_errors_do(tmp_path: Path) -> None:
    # They read "WARNING knowledge.corpus: ...", errors "error: ...".
    folder = tmp_path / "corpus"
    write_article(folder, "a.md", "---\ntitle: Le pont\nLe pont de pierre fut achevé en 1822.\n")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "pont", "--corpus", str(folder)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
        env={**os.environ, "QA_INDEX_CACHE": "off"},
    )  # fmt: skip
    assert done.stderr.startswith("warning: a.md: front matter never closed")


def test_ask_dash_reads_the_question_from_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # "-" was asked as the question, and abstained on.
    monkeypatch.setattr(sys, "stdin", io.StringIO("Qui est John Matze ?\n"))
    code, out, _ = run_cli(["ask", "-", "--json"], capsys)
    assert code == EXIT_OK
    data = json.loads(out)
    assert data["question"] == "Qui est John Matze ?" and not data["abstained"]
    assert "John Matze" in data["passages"][0]["text"]


def test_an_articles_url_is_cited(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A url given in the corpus was shown nowhere outside Discord.
    corpus = tmp_path / "c.jsonl"
    record = {"id": "a", "title": "Le pont", "url": "https://example.org/pont", "text": "Le pont."}
    corpus.write_text(json.dumps(record), encoding="utf-8")
    _, out, _ = run_cli(["ask", "pont", "--corpus", str(corpus)], capsys)
    assert "— Le pont · article a · https://example.org/pont" in out
    _, out, _ = run_cli(["ask", "pont", "--json", "--corpus", str(corpus)], capsys)
    assert json.loads(out)["passages"][0]["doc"]["url"] == "https://example.org/pont"


def test_eval_json_follows_the_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    questions = tmp_path / "q.yaml"
    questions.write_text(
        '- {q: "Qui est John Matze ?", lang: fr, expect: ["John Matze"]}\n'
        '- {q: "Comment faire une pizza ?", lang: fr, offtopic: true}\n',
        encoding="utf-8",
    )
    code, out, _ = run_cli(["eval", str(questions), "--json"], capsys)
    assert code == EXIT_OK
    report = json.loads(out)
    assert set(report) >= EVAL_KEYS
    assert report["hit@1"] == 1.0
    assert report["abstain_offtopic"] == 1.0
    assert set(report["latency_ms"]) == {"p50", "p95", "max"}
    assert report["items"][0]["rank"] == 1
    assert report["items"][0]["top"]["doc"] == "003"


def test_eval_table_is_readable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    questions = tmp_path / "q.yaml"
    questions.write_text(
        '- {q: "Qui est John Matze ?", lang: fr, expect: ["John Matze"]}\n', encoding="utf-8"
    )
    code, out, _ = run_cli(["eval", str(questions), "--explain"], capsys)
    assert code == EXIT_OK
    assert "hit@1" in out and "overall" in out and "lang fr" in out
    assert "p50" in out and "index build" in out
    assert "Misses:" in out


@pytest.mark.skipif(
    not (SHARED / "eval" / "dev-questions.yaml").exists(), reason="no shared dev set"
)
def test_eval_explain_names_expected_and_winning_passages(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run_cli(
        ["eval", str(SHARED / "eval" / "dev-questions.yaml"), "--explain"], capsys
    )
    assert code == EXIT_OK
    misses = out.split("Misses:")[1]
    for line in misses.strip().splitlines():
        if line.startswith("- '") and "off-topic" not in line:
            assert "winner" in line and ("expected" in line or "no passage" in line)


def test_eval_warns_of_documents_the_corpus_does_not_have(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # They were scored as misses without a word, "3" for "003" among them.
    questions = tmp_path / "q.yaml"
    questions.write_text(
        '- {q: "Qui est John Matze ?", docs: ["3", "999"]}\n'
        '- {q: "Qui a fondé Parler ?", docs: ["003"]}\n',
        encoding="utf-8",
    )
    code, out, err = run_cli(["eval", str(questions), "--explain"], capsys)
    assert code == EXIT_OK
    assert err.strip() == (
        f"warning: {questions} names documents the corpus does not have, never hit: "
        "3 (did you mean 003?), 999"
    )
    assert "no passage of 3, 999 was found" in out


def assert_one_line_error(err: str, fragment: str) -> None:
    assert err.startswith("error: ")
    assert fragment in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


@pytest.mark.parametrize("question", ["", "   ", "\n\t", "\u200b\u200e", "\x00"])
def test_blank_question_is_one_clear_line(
    question: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(["ask", question], capsys)
    assert code == EXIT_INPUT
    assert_one_line_error(err, "question is empty")


@pytest.mark.parametrize("top", ["0", "-2", "abc", "1.5"])
def test_a_bad_top_is_refused_in_one_line(top: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["ask", "Parler", "--top", top], capsys)
    assert code == EXIT_INPUT
    assert_one_line_error(err, f"--top must be a whole number, at least 1, not '{top}'")


def test_an_unquoted_question_is_one_question(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["ask", "Qui", "est", "John", "Matze", "?", "--json"], capsys)
    assert code == EXIT_OK
    data = json.loads(out)
    assert data["question"] == "Qui est John Matze ?"
    assert "Matze" in data["passages"][0]["text"]
    # A flag mid-question: the words after it were "unrecognized arguments".
    code, out, _ = run_cli(["ask", "Qui", "est", "--json", "John", "Matze", "?"], capsys)
    assert code == EXIT_OK
    assert json.loads(out)["question"] == "Qui est John Matze ?"


def test_an_unknown_flag_is_told_under_the_commands_usage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["ask", "Parler", "--bogus"])
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert "usage: python -m bot ask" in err
    assert "unrecognized arguments: --bogus" in err


def test_an_over_long_question_is_refused_by_ask_and_the_repl(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QA_MAX_QUESTION_CHARS", "20")
    question = "Pourquoi Amazon a-t-il suspendu Parler ?"
    code, out, err = run_cli(["ask", question], capsys)
    assert code == EXIT_INPUT
    assert out == ""
    assert_one_line_error(err, "40 characters long; the limit is 20")
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{question}\nQui est Matze ?\n"))
    code, out, _ = run_cli(["repl"], capsys)
    assert code == EXIT_OK
    assert "40 characters long; the limit is 20" in out
    assert "PDG de Parler" in out  # the next, short question is answered


def _run_module(args: list[str], **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True, text=True, timeout=120, cwd=ROOT, **options,
    )  # fmt: skip


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
@pytest.mark.parametrize(
    ("args", "what"),
    [
        (["ask", "Qui est John Matze ?"], "answer"),
        (["--version"], "version"),
        (["--help"], "help"),  # exited 0, silently
        (["eval", "--help"], "help"),
        (["eval", str(ROOT / "tests/data/sweep-questions.yaml")], "report"),  # "the answer"
    ],
)
def test_output_that_cannot_be_written_is_one_line_not_a_traceback(
    args: list[str], what: str
) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "bot", *args],
            stdout=full, stderr=subprocess.PIPE, text=True, timeout=120, cwd=ROOT,
        )  # fmt: skip
    assert done.returncode == EXIT_INPUT
    assert done.stderr.strip() == f"error: cannot write the {what} (No space left on device)"


def test_a_reader_that_goes_away_ends_the_repl_quietly() -> None:
    questions = "Pourquoi Amazon a coupé Parler ?\n" * 30
    repl = subprocess.Popen(
        [sys.executable, "-m", "bot", "repl"], cwd=ROOT, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert repl.stdout is not None and repl.stdin is not None
    repl.stdout.readline()  # "5 articles loaded."
    repl.stdout.close()  # as `| head -1` does
    _, err = repl.communicate(questions, timeout=120)
    assert repl.returncode == EXIT_OK
    assert "Traceback" not in err


def test_a_terminal_without_accents_gets_question_marks_not_a_crash() -> None:
    done = _run_module(
        ["ask", "Qui est John Matze ?"], env={**os.environ, "PYTHONIOENCODING": "ascii"}
    )
    assert done.returncode == EXIT_OK
    assert "Traceback" not in done.stderr
    assert "PDG de Parler" in done.stdout
    assert "d?fendre" in done.stdout


def test_missing_corpus_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(["ask", "Parler ?", "--corpus", str(tmp_path / "none")], capsys)
    assert code == EXIT_CORPUS
    assert_one_line_error(err, "corpus not found")


def test_empty_corpus_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    code, _, err = run_cli(["ask", "Parler ?", "--corpus", str(tmp_path / "empty")], capsys)
    assert code == EXIT_CORPUS
    assert_one_line_error(err, "no passages")


def test_malformed_catalog_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "corpus"
    write_article(folder, "a.txt", "Parler a porté plainte contre Amazon.")
    (folder / "catalog.yaml").write_text("a: {title: [oops\n", encoding="utf-8")
    code, _, err = run_cli(["ask", "Parler ?", "--corpus", str(folder)], capsys)
    assert code == EXIT_CORPUS
    assert_one_line_error(err, "catalog.yaml, line")


@pytest.mark.parametrize(
    "value", ["2021-02-30", "2021-13-45", "!!int abc", "!!bool maybe", "!!timestamp x"]
)
def test_a_value_yaml_cannot_make_is_one_clear_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    value: str,
) -> None:
    # An impossible date in a catalog, a question file or a glossary was a traceback.
    folder = tmp_path / "corpus"
    write_article(folder, "001_a.txt", "Parler a porté plainte contre Amazon.")
    (folder / "catalog.yaml").write_text(f'"001":\n  title: A\n  date: {value}\n', "utf-8")
    code, _, err = run_cli(["ask", "Parler ?", "--corpus", str(folder)], capsys)
    assert code == EXIT_CORPUS
    assert_one_line_error(err, "catalog.yaml, line 3: malformed YAML (cannot read this value")
    questions = tmp_path / "questions.yaml"
    questions.write_text(f"- q: Parler ?\n  note: {value}\n", "utf-8")
    code, _, err = run_cli(["eval", str(questions)], capsys)
    assert code == EXIT_INPUT
    assert_one_line_error(err, "questions.yaml, line 2: malformed YAML")
    glossary = tmp_path / "glossary.yaml"
    glossary.write_text(f"terms:\n  - [a, {value}]\n", "utf-8")
    monkeypatch.setenv("QA_GLOSSARY", str(glossary))
    code, _, err = run_cli(["ask", "Parler ?"], capsys)
    assert code == EXIT_CORPUS
    assert_one_line_error(err, "glossary.yaml, line 2: malformed YAML")


def test_non_utf8_article_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_bytes("Parler a été écarté.".encode("cp1252"))
    code, _, err = run_cli(["ask", "Parler ?", "--corpus", str(folder)], capsys)
    assert code == EXIT_CORPUS
    assert_one_line_error(err, "not UTF-8")


def test_missing_question_file_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(["eval", str(tmp_path / "none.yaml")], capsys)
    assert code == EXIT_INPUT
    assert_one_line_error(err, "question file not found")


def test_bad_setting_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QA_TOP_K", "many")
    code, _, err = run_cli(["ask", "Parler ?"], capsys)
    assert code == EXIT_SETTINGS
    assert_one_line_error(err, "QA_TOP_K")


def test_repl_answers_and_survives_bad_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = "\n".join(
        ["Qui est John Matze ?", ":sources", ":source 003", ":source nope", ":source", ":what",
         "\x00\u202e\u0301", "", ":help", ":quit", "never read"]
    )  # fmt: skip
    monkeypatch.setattr("sys.stdin", io.StringIO(lines + "\n"))
    code, out, _ = run_cli(["repl", "--corpus", str(SEEDS)], capsys)
    assert code == EXIT_OK
    assert "John Matze" in out
    assert "004  Parler se désiste" in out
    assert "## Amazon signe la fin de Parler" in out
    assert "no article with id 'nope'" in out
    assert "usage: :source ID" in out
    assert "unknown command ':what'" in out
    assert ":sources" in out  # the help text
    assert "never read" not in out


def test_no_command_without_token_starts_the_repl(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Qui est John Matze ?\n"))
    code, out, err = run_cli([], capsys)
    assert code == EXIT_OK
    assert "starting the terminal REPL" in err
    assert "John Matze" in out


def test_repl_takes_commands_as_users_type_them(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = ["help", ": SOURCES", "Aide", "quit", "Qui est John Matze ?"]
    out = run_repl(lines, monkeypatch, capsys)
    assert out.count(":source ID") == 2  # "help" and "Aide" showed the help
    listing = next(line for line in out.splitlines() if line.startswith("004  "))
    assert listing.count("004") == 1  # the id is not repeated at the end
    assert "unknown command" not in out
    assert "I can't answer" not in out
    assert "PDG" not in out  # "quit" left before the question


def test_repl_takes_the_discord_spellings_of_its_commands(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Users of the Discord bot type its slash commands here too."""
    lines = ["/help", "/Sources", "/source 3", "/ask Qui est John Matze ?", "/ask", "/what",
             "/quit", "Qui est John Matze ?"]  # fmt: skip
    out = run_repl(lines, monkeypatch, capsys)
    assert out.count(":source ID") == 1  # the help
    assert "004  Parler se désiste" in out
    assert "## Amazon signe la fin de Parler" in out
    assert out.count("John Matze") >= 1 and "I can't answer" not in out
    assert "usage: /ask <question>" in out
    assert out.rstrip().endswith("unknown command '/what'; type :help")  # "/quit" left


def test_repl_reads_a_follow_up_with_the_question_before_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_repl(["Pourquoi ?", "Amazon a suspendu Parler", "Pourquoi ?"], monkeypatch, capsys)
    assert out.count("About what? Ask the whole question") == 1  # nothing to follow yet
    assert "lu comme : « Pourquoi ? Amazon a suspendu Parler »" in out
    assert "a conduit à notre suspension" in out  # Amazon's reason
    assert "can't answer" not in out


def test_repl_answers_greetings_and_thanks_in_kind(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_repl(
        ["bonjour", "merci beaucoup !", "aide svp", "ok", "au revoir", ":)"], monkeypatch, capsys
    )
    assert "unknown command" not in out
    assert "Bonjour ! Je réponds aux questions" in out
    assert "Au revoir ! Revenez quand vous voulez." in out
    assert "revoir ses prétentions" not in out
    assert "Devant quel tribunal Parler a-t-il déposé sa nouvelle plainte ?" in out
    assert "De rien !" in out
    assert ":source ID" in out  # "aide svp": the help
    assert "👍 Une autre question ?" in out
    assert "can't answer" not in out


def test_repl_counts_one_article_in_the_singular(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_article(tmp_path / "one", "a.txt", "Parler a porté plainte contre Amazon.")
    out = run_repl([], monkeypatch, capsys, "--corpus", str(tmp_path / "one"))
    assert out.startswith("1 article loaded.")


def test_a_closed_standard_output_is_one_line_not_a_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "Qui est John Matze ?"],
        stderr=subprocess.PIPE, text=True, timeout=120, cwd=ROOT,
        preexec_fn=lambda: os.close(1),  # as `>&-` does
    )  # fmt: skip
    assert done.returncode == EXIT_INPUT
    assert done.stderr.strip() == "error: cannot write the answer (standard output is closed)"


def test_an_ascii_terminal_keeps_json_whole_and_reads_accented_input() -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    done = _run_module(["ask", "Qui est John Matze ?", "--json"], env=env)
    assert done.returncode == EXIT_OK
    assert "défendre" in json.loads(done.stdout)["passages"][0]["text"]  # escaped, not "?"
    repl = subprocess.run(
        [sys.executable, "-m", "bot", "repl"], input="Qui a créé Parler ?\n".encode(),
        capture_output=True, timeout=120, cwd=ROOT, env=env,
    )  # fmt: skip
    assert repl.returncode == EXIT_OK
    assert b"Traceback" not in repl.stderr


def test_repl_finds_an_article_by_its_number_without_zeros(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_repl([":source 4"], monkeypatch, capsys)
    assert "Parler se désiste de sa plainte contre Amazon" in out
    assert "error" not in out


def test_repl_shows_a_headline_that_is_the_title_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_repl([":source 003"], monkeypatch, capsys)
    assert out.count("porte plainte contre Amazon qui ne veut plus l’héberger") == 1


def test_help_ends_with_examples_to_copy(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    out = capsys.readouterr().out
    assert exited.value.code == 0
    assert 'python -m bot ask "Pourquoi Amazon a-t-il suspendu Parler ?"' in out
    assert ".env.example" in out


def test_repl_history_that_cannot_be_read_or_written_costs_only_the_history(
    tmp_path: Path,
) -> None:
    from bot.repl import tolerant_history

    blocked = tmp_path / "history"
    blocked.mkdir()  # a folder where the history file should be
    history = tolerant_history(blocked)
    history.store_string("Qui est John Matze ?")  # no error
    assert list(history.load_history_strings()) == []
    working = tolerant_history(tmp_path / "state" / "history")
    working.store_string("Qui est John Matze ?")
    assert list(working.load_history_strings()) == ["Qui est John Matze ?"]


def test_version_is_the_installed_packages_and_names_the_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from importlib.metadata import version

    import bot.cli

    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    said = capsys.readouterr().out.strip()
    assert said == f"parler-qa {version('parler-qa')} (code {bot.cli.code_digest()})"
    # The version stays 0.1.0 when the code changes; the code's hash does not.
    copy = tmp_path / "copy"
    for package in ("bot", "knowledge"):
        shutil.copytree(ROOT / package, copy / package)
    monkeypatch.setattr(bot.cli, "__file__", str(copy / "bot" / "cli.py"))
    same = bot.cli.code_digest()
    (copy / "knowledge" / "glossary.yaml").write_text("aliases: []\n", encoding="utf-8")
    assert same == said.split("code ")[1].rstrip(")") != bot.cli.code_digest()
