"""Operator mistakes: one clear line naming the problem, a distinct exit code, no traceback."""

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import EXIT_CORPUS, EXIT_OK, EXIT_SETTINGS, EXIT_TOKEN, main
from bot.settings import Settings, SettingsError, load_settings


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line(err: str, *fragments: str) -> None:
    assert err.startswith("error: "), err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err


def test_env_file_that_is_a_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".env").mkdir()
    code, _, err = run_cli(["ask", "Qui est John Matze ?"], capsys)
    assert code == EXIT_SETTINGS
    assert_one_line(err, ".env")


def test_env_file_that_is_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".env").write_bytes("QA_TOP_K=3\nQA_CORPUS=r\xe9pertoire\n".encode("latin-1"))
    code, _, err = run_cli(["ask", "Qui est John Matze ?"], capsys)
    assert code == EXIT_SETTINGS
    assert_one_line(err, ".env")


def test_env_file_values_are_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".env").write_text("QA_TOP_K=1\n", encoding="utf-8")
    code, out, _ = run_cli(["ask", "Qui est John Matze ?"], capsys)
    assert code == EXIT_OK
    assert "[2]" not in out


def test_abstention_threshold_from_the_environment_is_used(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    question = "Parler a-t-il changé de PDG ?"  # one word of three unknown to the articles
    code, out, _ = run_cli(["ask", "--json", question], capsys)
    assert code == EXIT_OK and '"abstained": false' in out
    monkeypatch.setenv("QA_MIN_EVIDENCE", "0.9")
    code, out, _ = run_cli(["ask", "--json", question], capsys)
    assert code == EXIT_OK and '"abstained": true' in out


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        ("top_k: [1, 2\n", ("malformed YAML", "line")),
        ("top_k: 3\ncolour: blue\n", ("unknown setting", "colour")),
        ("discord_token: abc\n", ("unknown setting", "DISCORD_TOKEN only")),
        ("- just\n- a list\n", ("expected a mapping",)),
        ("top_k: many\n", ("top_k: many (settings file ", "settings.yaml)", "whole number")),
        ("min_coverage: 3\n", ("min_coverage",)),
        ("min_evidence: -1\n", ("min_evidence",)),
        ("shard_ids: 0 1\n", ("shard_ids",)),
        # YAML reads yes, no, on, off as booleans, and bool is an int in Python.
        ("top_k: true\n", ("top_k: true (settings file ", "not true/false")),
        (
            "cooldown_seconds: false\n",
            ("cooldown_seconds: false (settings file ", "not true/false"),
        ),
        ("discord_guild_id: yes\n", ("discord_guild_id: true (settings file ", "not true/false")),
        ("min_coverage: on\n", ("min_coverage: true (settings file ", "not true/false")),
    ],
)
def test_bad_settings_file_names_the_problem(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    content: str,
    fragments: tuple[str, ...],
) -> None:
    settings_file = tmp_path / "settings.yaml"
    settings_file.write_text(content, encoding="utf-8")
    monkeypatch.setenv("QA_SETTINGS_FILE", str(settings_file))
    code, _, err = run_cli(["ask", "Qui est John Matze ?"], capsys)
    assert code == EXIT_SETTINGS
    assert_one_line(err, *fragments)


def test_missing_settings_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QA_SETTINGS_FILE", str(tmp_path / "nowhere.yaml"))
    code, _, err = run_cli(["ask", "Qui est John Matze ?"], capsys)
    assert code == EXIT_SETTINGS
    assert_one_line(err, "settings file not found", "QA_SETTINGS_FILE")


def test_corpus_path_in_env_that_does_not_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QA_CORPUS", str(tmp_path / "articles"))
    code, _, err = run_cli(["ask", "Qui est John Matze ?"], capsys)
    assert code == EXIT_CORPUS
    assert_one_line(err, "corpus not found")


def test_corrupt_saved_index_is_rebuilt_not_an_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("QA_INDEX_CACHE", str(cache))
    assert run_cli(["ask", "Qui est John Matze ?"], capsys)[0] == EXIT_OK
    for saved in cache.glob("index-*.arrays"):
        saved.write_bytes(b"\x00garbage")
    code, out, err = run_cli(["ask", "Qui est John Matze ?"], capsys)
    assert code == EXIT_OK
    assert "John Matze" in out
    assert "Traceback" not in err
    assert "rebuilding the index" in caplog.text


def test_run_without_token_says_how_to_get_one(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["run"], capsys)
    assert code == EXIT_TOKEN
    assert "DISCORD_TOKEN" in err and "repl" in err
    assert "Traceback" not in err


def test_token_never_shows_in_settings_repr() -> None:
    settings = load_settings(environ={"DISCORD_TOKEN": "secret-token-123"}, env_file=None)
    assert settings.discord_token == "secret-token-123"
    assert "secret-token-123" not in repr(settings)
    assert "secret-token-123" not in str(Settings(discord_token="secret-token-123"))


def test_env_file_is_git_ignored() -> None:
    root = Path(__file__).resolve().parents[2]
    ignored = (root / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".env" in ignored


def test_bad_value_in_settings_file_names_the_file_and_key_not_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings_file = tmp_path / "settings.yaml"
    settings_file.write_text("top_k: abc\n", encoding="utf-8")
    monkeypatch.setenv("QA_SETTINGS_FILE", str(settings_file))
    code, _, err = run_cli(["ask", "Qui est John Matze ?"], capsys)
    assert code == EXIT_SETTINGS
    assert err == (
        f"error: bad setting top_k: abc (settings file {settings_file}): expected a whole number\n"
    )


@pytest.mark.parametrize(
    ("yaml_text", "env_text", "environ", "expected"),
    [
        (
            "",
            "",
            {"QA_TOP_K": "0"},
            "bad setting QA_TOP_K=0 (environment): top_k must be at least 1",
        ),
        (
            "",
            "# passages\n\nQA_TOP_K=0\n",
            {},
            "bad setting QA_TOP_K=0 (.env, line 3): top_k must be at least 1",
        ),
        (
            "top_k: 0\n",
            "",
            {},
            "bad setting top_k: 0 (settings file {yaml}): top_k must be at least 1",
        ),
        # The environment beats the file, so the error names the environment.
        ("top_k: 2\n", "", {"QA_TOP_K": "0"}, "bad setting QA_TOP_K=0 (environment): top_k"),
        (
            "",
            "QA_LOG_LEVEL=chatty\n",
            {},
            "bad setting QA_LOG_LEVEL=chatty (.env, line 1): log_level must be",
        ),
        (
            "shard_ids: [0, 1]\n",
            "",
            {},
            "bad setting shard_ids: [0, 1] (settings file {yaml}): shard_ids need shard_count",
        ),
        (
            "",
            "",
            {"QA_MIN_EVIDENCE": "1.5"},
            "bad setting QA_MIN_EVIDENCE=1.5 (environment): min_evidence must be between 0 and 1",
        ),
    ],
)
def test_out_of_range_value_names_where_it_came_from(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    yaml_text: str,
    env_text: str,
    environ: dict[str, str],
    expected: str,
) -> None:
    settings_file = tmp_path / "settings.yaml"
    if yaml_text:
        settings_file.write_text(yaml_text, encoding="utf-8")
        monkeypatch.setenv("QA_SETTINGS_FILE", str(settings_file))
    if env_text:
        (tmp_path / ".env").write_text(env_text, encoding="utf-8")
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    code, _, err = run_cli(["ask", "Qui est John Matze ?"], capsys)
    assert code == EXIT_SETTINGS
    assert_one_line(err, "error: " + expected.format(yaml=settings_file))


def test_out_of_range_override_names_the_command_line_option() -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(environ={}, env_file=None, overrides={"top_k": "0"})
    assert str(raised.value) == "bad setting --top-k 0 (command line): top_k must be at least 1"


def test_fractional_whole_number_in_settings_file_is_refused_not_truncated(
    tmp_path: Path,
) -> None:
    settings_file = tmp_path / "settings.yaml"
    settings_file.write_text("top_k: 2.5\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"top_k: 2\.5 .*expected a whole number"):
        load_settings(environ={"QA_SETTINGS_FILE": str(settings_file)}, env_file=None)


def test_settings_file_lists_of_ids_are_read(tmp_path: Path) -> None:
    settings_file = tmp_path / "settings.yaml"
    settings_file.write_text(
        "shard_count: 2\nshard_ids: [1]\nowner_ids: [12, 34]\ntop_k: 2.0\n", encoding="utf-8"
    )
    settings = load_settings(environ={"QA_SETTINGS_FILE": str(settings_file)}, env_file=None)
    assert (settings.shard_ids, settings.owner_ids, settings.top_k) == ((1,), (12, 34), 2)


@pytest.mark.parametrize(
    ("line", "fragments"),
    [
        ("QA_TOPK=2", (".env, line 2: unknown setting QA_TOPK", "did you mean QA_TOP_K?")),
        ("qa_top_k=2", (".env, line 2: unknown setting qa_top_k", "did you mean QA_TOP_K?")),
        ("QA_COLOUR=blue", ("unknown setting QA_COLOUR", "known: ", "QA_TOP_K")),
    ],
)
def test_unknown_qa_variable_in_env_file_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, fragments: tuple[str, ...]
) -> None:
    (tmp_path / ".env").write_text(f"QA_LOG_LEVEL=INFO\n{line}\n", encoding="utf-8")
    code, _, err = run_cli(["ask", "Qui est John Matze ?"], capsys)
    assert code == EXIT_SETTINGS
    assert_one_line(err, *fragments)


def test_env_file_may_name_the_settings_file_and_other_programs_variables(tmp_path: Path) -> None:
    settings_file = tmp_path / "settings.yaml"
    settings_file.write_text("top_k: 4\n", encoding="utf-8")
    env_file = tmp_path / ".env"
    env_file.write_text(f"QA_SETTINGS_FILE={settings_file}\nPYTHONUTF8=1\n", encoding="utf-8")
    assert load_settings(environ={}, env_file=env_file).top_k == 4


def test_shipped_env_example_loads_cleanly(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[2] / ".env.example"
    env_file = tmp_path / ".env"
    env_file.write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_settings(environ={}, env_file=env_file).top_k == 3


def test_unknown_qa_variable_in_environment_warns_with_closest_name(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.settings"):
        settings = load_settings(
            environ={"QA_TOPK": "2", "QA_SOMETHING_ELSE": "x", "QA_TOP_K": "4"}, env_file=None
        )
    assert settings.top_k == 4
    warnings = [r.getMessage() for r in caplog.records if r.name == "bot.settings"]
    assert warnings == [
        "ignoring environment variable QA_SOMETHING_ELSE (not a setting of this program)",
        "ignoring environment variable QA_TOPK (did you mean QA_TOP_K?)",
    ]


def test_unknown_qa_variable_in_environment_warning_reaches_stderr_once(tmp_path: Path) -> None:
    """Logging is configured after settings are read: the warning must not be lost."""
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "DISCORD_"))}
    env.update({"PYTHONPATH": str(root), "QA_TOPK": "2", "QA_TOP_K": "0"})
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "Qui est John Matze ?"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == EXIT_SETTINGS
    assert result.stderr.splitlines() == [
        "ignoring environment variable QA_TOPK (did you mean QA_TOP_K?)",
        "error: bad setting QA_TOP_K=0 (environment): top_k must be at least 1",
    ]


@pytest.mark.parametrize(
    ("content", "line"),
    [
        ("this is not valid\n", 1),
        ("# settings\n\nQA_TOP_K=2\n\nthis is not valid\nQA_LOG_LEVEL=INFO\n", 5),
        ('QA_TOP_K=2\nDISCORD_TOKEN="secret-token-123\n', 2),
    ],
)
def test_unparseable_env_file_line_is_an_error_naming_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, line: int
) -> None:
    (tmp_path / ".env").write_text(content, encoding="utf-8")
    code, _, err = run_cli(["ask", "Qui est John Matze ?"], capsys)
    assert code == EXIT_SETTINGS
    assert_one_line(err, f".env, line {line}: cannot parse this line", "NAME=value")
    assert "secret-token-123" not in err
    assert "could not parse" not in err  # python-dotenv's own warning is not printed too


def test_env_file_with_comments_and_blank_lines_is_fine(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("# passages\n\n  \nexport QA_TOP_K=2  # two\n", encoding="utf-8")
    assert load_settings(environ={}, env_file=env_file).top_k == 2


def test_settings_file_that_is_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QA_SETTINGS_FILE", str(tmp_path))
    code, _, err = run_cli(["ask", "Qui est John Matze ?"], capsys)
    assert code == EXIT_SETTINGS
    assert_one_line(err, f"settings file {tmp_path} is a folder, not a file", "QA_SETTINGS_FILE")


def test_yaml_off_and_empty_values_mean_what_the_environment_means(tmp_path: Path) -> None:
    # YAML reads an unquoted off as False and an empty value as None: neither is a path
    # ("False" was a folder the index was saved in, "None" a corpus not found).
    settings_file = tmp_path / "settings.yaml"
    settings_file.write_text("index_cache: off\ncorpus:\nglossary:\n", encoding="utf-8")
    settings = load_settings(environ={"QA_SETTINGS_FILE": str(settings_file)}, env_file=None)
    assert settings.index_cache is None
    assert settings.corpus == Settings().corpus  # the bundled seeds
    assert settings.glossary is None  # the bundled glossary
    # Left empty, the cache is the default folder, as an empty QA_INDEX_CACHE is.
    settings_file.write_text("index_cache:\n", encoding="utf-8")
    settings = load_settings(environ={"QA_SETTINGS_FILE": str(settings_file)}, env_file=None)
    assert settings.index_cache == Settings().index_cache is not None


def test_the_settings_file_variable_expands_the_home_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "s.yaml").write_text("top_k: 7\n", encoding="utf-8")
    settings = load_settings(environ={"QA_SETTINGS_FILE": "~/s.yaml"}, env_file=None)
    assert settings.top_k == 7


def test_an_empty_corpus_flag_is_the_bundled_seeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # "" once became ".": run from the project, README.md was the only article.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.md").write_text("Une note sans rapport.", encoding="utf-8")
    code, out, _ = run_cli(["ask", "Qui est John Matze ?", "--corpus", "", "--json"], capsys)
    assert code == EXIT_OK
    assert '"id": "003"' in out or '"id": "001"' in out


def test_log_level_error_quiets_the_terminal_warnings(tmp_path: Path) -> None:
    # In its own process: logging is configured once per process.
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("Un paragraphe sur Parler et Amazon.", encoding="utf-8")
    (folder / "catalog.yaml").write_text('b: {title: "Sans article"}\n', encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "DISCORD_"))}
    env.update({"PYTHONPATH": str(root), "QA_INDEX_CACHE": "off"})

    def warnings_with(level: str | None) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "bot", "ask", "Parler", "--corpus", str(folder)],
            cwd=tmp_path,
            env={**env, "QA_LOG_LEVEL": level} if level else env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == EXIT_OK
        return result.stderr

    assert "no article file" in warnings_with(None)  # a warning, shown by default
    assert "no article file" not in warnings_with("ERROR")


@pytest.mark.parametrize(
    ("environ", "fragment"),
    [
        (
            {"QA_COOLDOWN_SECONDS": "inf"},
            "QA_COOLDOWN_SECONDS=inf (environment): expected a number",
        ),
        ({"QA_MIN_COVERAGE": "nan"}, "QA_MIN_COVERAGE=nan (environment): expected a number"),
    ],
)
def test_a_number_that_is_no_amount_is_refused(environ: dict[str, str], fragment: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(fragment)):
        load_settings(environ=environ, env_file=None)


def test_a_glossary_cannot_be_turned_off(tmp_path: Path) -> None:
    settings_file = tmp_path / "settings.yaml"
    settings_file.write_text("glossary: off\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"glossary: false .*expected a path"):
        load_settings(environ={"QA_SETTINGS_FILE": str(settings_file)}, env_file=None)


def test_an_installed_bot_finds_the_articles_it_was_installed_with(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `pip install .` copies no seeds/ beside bot/: the wheel puts them under its prefix.
    from bot import settings as settings_module

    installed = tmp_path / "prefix" / "share" / "parler-qa" / "seeds"
    installed.mkdir(parents=True)
    monkeypatch.setattr(settings_module, "PROJECT_ROOT", tmp_path / "site-packages")
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "prefix"))
    assert settings_module._bundled_seeds() == installed
    # In a checkout, the seeds beside bot/ win.
    (tmp_path / "site-packages" / "seeds").mkdir(parents=True)
    assert settings_module._bundled_seeds() == tmp_path / "site-packages" / "seeds"


def test_run_takes_the_corpus_flag_like_the_other_commands(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Once "unrecognized arguments" (exit 2); without a token it now stops at the token.
    code, _, err = run_cli(["run", "--corpus", "elsewhere.jsonl"], capsys)
    assert code == EXIT_TOKEN
    assert "DISCORD_TOKEN" in err


def test_a_setting_given_twice_in_the_settings_file_is_named(tmp_path: Path) -> None:
    # YAML keeps the last of two equal keys without a word.
    settings_file = tmp_path / "settings.yaml"
    settings_file.write_text("top_k: 2\ncorpus:\ntop_k: 5\n", encoding="utf-8")
    with pytest.raises(
        SettingsError, match=r"line 3: malformed YAML \(found the key 'top_k' twice\)"
    ):
        load_settings(environ={"QA_SETTINGS_FILE": str(settings_file)}, env_file=None)
