"""What reaches the terminal, help texts, interrupts and waiting for a build: the CLI as a newcomer meets it."""

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from newssearch import NewsIndex
from newssearch import cli as cli_module
from newssearch.cli import app

runner = CliRunner()
ESC = "\x1b"


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


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
        assert "pickle" in text
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
    assert "Error" not in result.stderr and result.returncode in (0, 2)


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


def test_interrupt_before_the_commit_says_nothing_was_committed(corpus, index_path, monkeypatch):
    real = NewsIndex.update

    def interrupted(self, paths, **kwargs):
        def stop(done, total, path):
            raise KeyboardInterrupt

        return real(self, paths, **{**kwargs, "progress": stop})

    monkeypatch.setattr(NewsIndex, "update", interrupted)
    result = run("index", corpus, "--index", index_path)
    assert result.exit_code == 130 and "nothing was committed" in result.stderr


def test_interrupt_after_the_commit_says_the_work_was_committed(corpus, index_path, monkeypatch):
    from newssearch.store import Store

    def interrupted(self, cache):
        raise KeyboardInterrupt

    monkeypatch.setattr(Store, "save_cache", interrupted)
    result = run("index", corpus, "--index", index_path)
    assert result.exit_code == 130 and "was committed" in result.stderr
    with NewsIndex.open(index_path) as index:
        assert len(index) == 9


def test_query_while_another_process_builds_the_index_waits_or_says_so(corpus, index_path, monkeypatch):
    monkeypatch.setattr(cli_module, "BUILD_WAIT_SECONDS", 1)
    from newssearch.store import Store

    store = Store(index_path, create=True)  # a build in progress holds the write lock
    try:
        result = run("query", "Iraq", "--index", index_path)
    finally:
        store.close()
    assert result.exit_code == 1
    assert "being built" in result.stderr and "No results" not in result.stdout
