"""The CLI at the terminal: help, version and completion, usage mistakes as one line, and what reaches the
screen (no escape sequences from a corpus or a query, no colour when asked, no wrapping when piped)."""

import subprocess
import sys

import pytest

from newssearch import NewsIndex

from .helpers import invoke as run

ESC = "\x1b"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["query", "--qqqq", "x"], 2, "Error: No such option: --qqqq (see `newssearch query --help`)"),
        (["frobnicate"], 2, "Error: No such command 'frobnicate'. (see `newssearch --help`)"),
        (["query", "x", "--limit", "many"], 2, "Error: Invalid value for '--limit'"),
    ],
)
def test_module_entry_point_usage_errors_are_one_line(tmp_path, args, code, message):
    """`python -m newssearch` runs the console script's main(), which turns usage mistakes into one line."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "newssearch", *args], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert done.returncode == code
    assert done.stderr.startswith(message) and len(done.stderr.strip().splitlines()) == 1
    assert done.stdout == ""


def _cli(*args, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "newssearch", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )


@pytest.fixture
def hostile(tmp_path):
    folder = tmp_path / "scraped"
    folder.mkdir()
    (folder / "evil.txt").write_text(
        "Markets \x1b]0;PWNED\x07rally\n\n\x1b[2JStocks rose sharply on Monday as the \x1b[31mcentral bank\x1b[0m "
        "held rates. [bold]Rich markup[/bold] stays literal.\x9b2J"
    )
    (folder / "bad\x1b[2Jname.json").write_text("{not json")
    return folder


def test_escape_sequences_in_a_corpus_never_reach_the_terminal(hostile, index_path):
    result = run("index", hostile, "--index", index_path)
    assert result.exit_code == 0, result.output
    assert ESC not in result.stdout and ESC not in result.stderr
    assert "bad\\x1b[2Jname.json" in result.stderr  # the file name is shown, its escape made visible
    query = run("query", "markets rally", "--index", index_path)
    assert query.exit_code == 0
    assert ESC not in query.output and "\x9b" not in query.output and "\x07" not in query.output
    assert "[bold]Rich markup[/bold]" in query.stdout
    with NewsIndex.open(index_path) as index:
        hit = index.search("markets").hits[0]
    assert hit.headline == "Markets rally" and "PWNED" not in hit.organizations + hit.people + hit.places
    assert "PWNED" not in query.stdout
    as_json = run("query", "markets", "--json", "--index", index_path)
    assert ESC not in as_json.stdout and "\x9b" not in as_json.stdout


def test_escape_sequences_in_the_query_are_shown_escaped(hostile, index_path):
    run("index", hostile, "--index", index_path)
    result = run("query", "zzz\x1b]0;PWNED\x07", "--index", index_path)
    assert result.exit_code == 0 and "No results" in result.stdout
    assert ESC not in result.stdout and "\\x1b" in result.stdout


def test_help_shows_defaults_environment_variables_and_examples():
    for command in ("index", "query", "check"):
        result = run(command, "--help")
        assert result.exit_code == 0
        text = " ".join(result.stdout.split())
        assert "NEWSSEARCH_INDEX" in text and "[default: (./index)]" in text and "Example" in text, command
        assert "crafted to run code is refused" in text
    assert "NEWSSEARCH_CORPUS" in " ".join(run("index", "--help").stdout.split())
    assert "-- -oil" in " ".join(run("query", "--help").stdout.split())


def test_short_help_and_version():
    assert run("-h").exit_code == 0 and "query" in run("-h").stdout
    assert run("query", "-h").exit_code == 0
    version = run("--version")
    assert version.exit_code == 0 and version.stdout.startswith("newssearch ")


def test_no_arguments_prints_help_and_no_empty_error(tmp_path):
    result = _cli(cwd=tmp_path)
    assert "Usage" in result.stdout + result.stderr
    assert "Error" not in result.stderr and result.returncode == 2


def test_a_query_starting_with_a_dash_goes_after_double_dash(corpus, index_path):
    run("index", corpus, "--index", index_path)
    result = run("query", "--index", index_path, "--", "-oil Iraq")
    assert result.exit_code == 0 and "result" in result.stdout


def test_piped_output_is_not_wrapped(corpus, index_path):
    run("index", corpus, "--index", index_path)
    result = run("query", "NATO Iraq", "--index", index_path)
    lines = result.stdout.splitlines()
    assert any(len(line) > 120 for line in lines)  # the snippet is one line, as long as it is
    assert not [line for line in lines if line != line.rstrip()]


def test_help_has_an_example_for_every_command_and_completion_is_offered():
    from newssearch.cli import COMMANDS

    for command in COMMANDS:
        shown = run(command, "--help")
        assert shown.exit_code == 0 and f"newssearch {command}" in shown.stdout.split("Example", 1)[1]
    top = run("--help")
    assert "--install-completion" in top.stdout and "--show-completion" in top.stdout


def test_no_color_is_respected_and_piped_output_has_no_escapes(monkeypatch, corpus, index_path):
    assert run("index", corpus, "--index", index_path).exit_code == 0
    piped = run("query", "NATO Iraq", "--index", index_path)
    assert piped.exit_code == 0 and "\x1b[" not in piped.stdout  # CliRunner's output is not a terminal
    monkeypatch.setenv("FORCE_COLOR", "1")  # as if on a terminal
    coloured = run("query", "NATO Iraq", "--index", index_path)
    assert "\x1b[" in coloured.stdout and "43m" in coloured.stdout  # highlights on a yellow background
    monkeypatch.setenv("NO_COLOR", "1")
    plain = run("query", "NATO Iraq", "--index", index_path)
    assert "43m" not in plain.stdout and "36m" not in plain.stdout  # no colour; bold may stay
    assert "NATO" in plain.stdout


def test_shell_completion_offers_commands_and_sort_orders():
    from typer.testing import CliRunner

    from newssearch.cli import app

    def complete(words: str) -> list[str]:
        env = {
            "_NEWSSEARCH_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split(" ")) - 1),
        }
        return CliRunner().invoke(app, [], prog_name="newssearch", env=env).stdout.split()

    assert {"index", "query", "check"} <= set(complete("newssearch "))
    assert complete("newssearch query x --sort ") == ["relevance", "date", "newest", "oldest"]
