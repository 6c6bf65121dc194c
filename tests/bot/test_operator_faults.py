"""Operator mistakes: one clear line naming the problem, a distinct exit code, no traceback."""

from pathlib import Path

import pytest

from bot.cli import EXIT_CORPUS, EXIT_OK, EXIT_SETTINGS, EXIT_TOKEN, main
from bot.settings import Settings, load_settings


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
        ("top_k: many\n", ("QA_TOP_K",)),
        ("min_coverage: 3\n", ("min_coverage",)),
        ("min_evidence: -1\n", ("min_evidence",)),
        ("shard_ids: 0 1\n", ("shard_ids",)),
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
