"""The CLI as a newcomer meets it: commands, output, what reaches the terminal, help, interrupts, waiting."""

import json
import shutil
import subprocess
import sys

import pytest

from newssearch import NewsIndex
from newssearch.cli import common as cli_module

from .helpers import DATA, SEED
from .helpers import invoke as run

SEED_ID = f"corpus/{SEED.name}"
ESC = "\x1b"


@pytest.fixture
def indexed(corpus, index_path):
    result = run("index", corpus, "--index", index_path)
    assert result.exit_code == 0, result.output
    return index_path


def test_index_prints_a_summary(corpus, index_path):
    result = run("index", corpus, "--index", index_path)
    assert result.exit_code == 0
    assert "9 added, 0 updated, 0 removed" in result.stdout
    assert "6 read (1 json with 2 articles, 1 jsonl with 3 articles, 4 text)" in result.stdout
    assert "holds 9 articles" in result.stdout
    again = run("index", corpus, "--index", index_path)
    assert "0 added" in again.stdout and "6 unchanged" in again.stdout


def test_index_reports_skipped_files_on_stderr_and_succeeds(corpus, index_path):
    (corpus / "broken.json").write_text("[{")
    result = run("index", corpus, "--index", index_path)
    assert result.exit_code == 0
    assert "1 skipped" in result.stdout
    assert "broken.json" in result.stderr and "invalid JSON" in result.stderr


def test_index_fails_when_nothing_could_be_indexed(tmp_path, index_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "bad.json").write_text("nope{")
    result = run("index", tmp_path / "c", "--index", index_path)
    assert result.exit_code == 1
    assert "no file could be indexed" in result.stderr


def test_index_empty_folder_is_an_error_but_removing_everything_is_not(tmp_path, index_path):
    (tmp_path / "empty").mkdir()
    result = run("index", tmp_path / "empty", "--index", index_path)
    assert result.exit_code == 1 and "no article files found" in result.stderr
    (tmp_path / "empty" / "story.txt").write_text("A story\n\nThe story has a sentence.")
    assert run("index", tmp_path / "empty", "--index", index_path).exit_code == 0
    (tmp_path / "empty" / "story.txt").unlink()
    gone = run("index", tmp_path / "empty", "--index", index_path)
    assert gone.exit_code == 0 and "1 removed" in gone.stdout and "holds 0 articles" in gone.stdout


def test_index_missing_path_is_one_line_error(tmp_path, index_path):
    result = run("index", tmp_path / "missing", "--index", index_path)
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("Error: no such file or folder")
    assert len(result.stderr.strip().splitlines()) == 1
    assert isinstance(result.exception, SystemExit)  # a clean exit, not an exception CliRunner caught


def test_index_rebuild(indexed, corpus):
    result = run("index", corpus, "--index", indexed, "--rebuild")
    assert result.exit_code == 0
    assert result.stdout.startswith("Rebuilt: 9 added")


def test_rebuild_recovers_an_index_from_another_version(indexed, corpus):
    (indexed / "newssearch.json").write_text("{}")
    assert run("query", "Iraq", "--index", indexed).exit_code == 1
    assert run("index", corpus, "--index", indexed, "--rebuild").exit_code == 0
    assert run("query", "Iraq", "--index", indexed).exit_code == 0


def test_query_prints_ranked_highlighted_results(indexed):
    result = run("query", "NATO Iraq", "--index", indexed)
    assert result.exit_code == 0
    out = result.stdout
    assert "result" in out and "for “NATO Iraq”" in out
    first = out.index("Washington turns down Iraqi call to remove troops")
    assert out.index("1.") < first
    assert "Reuters · Baghdad" in out
    assert "People:" in out and "Mike Pompeo" in out
    assert f"id: {SEED_ID}" in out
    assert result.stderr == ""


def test_query_json(indexed):
    result = run("query", "NATO Iraq", "--index", indexed, "--json", "--limit", "3")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == {
        "query", "index", "total", "total_with_reprints", "page", "pages", "limit", "notes", "suggestion", "hits"
    }  # fmt: skip
    assert data["query"] == "NATO Iraq" and data["page"] == 1 and len(data["hits"]) <= 3
    hit = data["hits"][0]
    assert set(hit) == {
        "id",
        "headline",
        "date",
        "date_precision",
        "source",
        "place",
        "score",
        "snippet",
        "path",
        "people",
        "organizations",
        "places",
        "rank",
        "url",
        "author",
        "section",
        "snippet_highlights",
        "headline_highlights",
        "kwic",
        "kwic_more",
        "versions",
        "group",
    }
    assert hit["id"] == SEED_ID and "NATO" in hit["snippet"] and "\x1b" not in hit["snippet"]
    assert hit["path"].endswith(SEED_ID) and hit["rank"] == 1
    # the spans draw the highlights: each covers a query word in the snippet or headline
    marked = {hit["snippet"][a:b].lower() for a, b in hit["snippet_highlights"]}
    assert marked >= {"nato", "iraq"}
    troops = json.loads(run("query", "troops", "--index", indexed, "--json").stdout)["hits"][0]
    assert [troops["headline"][a:b] for a, b in troops["headline_highlights"]] == ["troops"]


def test_query_json_dates_filters_and_sort(indexed):
    result = run(
        "query",
        "said",
        "--index",
        indexed,
        "--json",
        "--since",
        "2020",
        "--until",
        "2021-01",
        "--sort",
        "date",
    )
    data = json.loads(result.stdout)
    dates = [h["date"] for h in data["hits"]]
    assert dates and all("2020-01-01" <= d[:10] <= "2021-01-31" for d in dates)
    assert dates == sorted(dates, reverse=True)


def test_query_page_option(indexed):
    first = json.loads(run("query", "said", "--index", indexed, "--json", "-n", "2").stdout)
    second = json.loads(run("query", "said", "--index", indexed, "--json", "-n", "2", "--page", "2").stdout)
    assert second["page"] == 2 and first["hits"][0]["id"] != second["hits"][0]["id"]


def test_query_plain_option(indexed):
    syntax = json.loads(run("query", "Iraq NOT NATO", "--index", indexed, "--json").stdout)
    plain = json.loads(run("query", "Iraq NOT NATO", "--index", indexed, "--json", "--plain").stdout)
    assert syntax["total"] == 0 and plain["hits"][0]["id"] == SEED_ID


def test_query_plain_keeps_decimals_and_abbreviations_whole(indexed):
    """``--plain`` searches ``52.40`` and ``U.S.`` as the stories hold them (split, they found nothing)."""
    for text, wanted in (("$52.40", "corpus/oil_prices.txt"), ("U.S.", SEED_ID)):
        plain = json.loads(run("query", text, "--index", indexed, "--json", "--plain").stdout)
        assert wanted in [h["id"] for h in plain["hits"]], text


def test_query_without_results(indexed):
    result = run("query", "zyzzyva", "--index", indexed)
    assert result.exit_code == 0 and "No results" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--since", "2020-13"), "not a valid month"),
        (("--until", "yesterday-ish"), "not a date"),
        (("--sort", "random"), "unknown sort"),
        (("--limit", "0"), "limit"),
        (("--since", "2021", "--until", "2020"), "--since is after --until"),
    ],
)
def test_query_bad_options_are_one_line_errors(indexed, args, message):
    result = run("query", "Iraq", "--index", indexed, *args)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("text", "code", "says"),
    [
        ('"open', 0, "1 result for"),  # an unclosed phrase is searched as words
        ("((", 0, "No results"),
        ("伊拉克", 0, "No results"),
        ("-", 0, "No results"),
        ("x" * 10_000, 0, "No results"),
        ("AND", 2, "Error: “AND” has only common words"),
        ("x" * 10_001, 2, "Error: query is too long"),
    ],
    ids=["open-quote", "parens", "cjk", "dash", "longest", "operator-only", "too-long"],
)
def test_query_odd_text_gives_results_or_one_line_error(indexed, text, code, says):
    result = run("query", text, "--index", indexed)
    assert result.exit_code == code and (result.exception is None or isinstance(result.exception, SystemExit))
    if code:
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith(says) and result.stdout == ""
    else:
        assert says in result.stdout and result.stderr == ""
        assert result.exception is None or isinstance(result.exception, SystemExit)


def test_query_without_index_or_corpus_says_what_to_run(tmp_path):
    result = run("query", "Iraq", "--index", tmp_path / "none")
    assert result.exit_code == 1
    assert "newssearch index" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_newcomer_first_query_builds_the_index(tmp_path, monkeypatch):
    """A fresh checkout: `newssearch query "NATO Iraq"` with only corpus/ present builds index/ and answers."""
    monkeypatch.delenv("NEWSSEARCH_INDEX")
    monkeypatch.delenv("NEWSSEARCH_CORPUS")
    (tmp_path / "corpus").mkdir()
    shutil.copy(SEED, tmp_path / "corpus")
    (tmp_path / "corpus" / "README.md").write_text("# Sample corpus\n")
    monkeypatch.chdir(tmp_path)
    result = run("query", "NATO Iraq", "--json")
    assert result.exit_code == 0, result.output
    assert "building it" in result.stderr
    data = json.loads(result.stdout)
    assert data["hits"][0]["id"] == SEED_ID and data["total"] == 1
    assert (tmp_path / "index").is_dir()
    second = run("query", "NATO Iraq", "--json")
    assert "building" not in second.stderr and json.loads(second.stdout)["hits"][0]["id"] == SEED_ID


def test_index_uses_environment_variable(corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSSEARCH_INDEX", str(tmp_path / "from-env"))
    assert run("index", corpus).exit_code == 0
    assert (tmp_path / "from-env" / "newssearch.json").exists()


def test_busy_index_is_a_one_line_error(indexed, corpus):
    from whoosh import index as whoosh_index

    writer = whoosh_index.open_dir(str(indexed)).writer()
    try:
        result = run("index", corpus, "--index", indexed, "--rebuild")
    finally:
        writer.cancel()
    assert result.exit_code == 1
    assert "another process is writing" in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["query", "--bogus", "x"], 2, "Error: No such option: --bogus (see `newssearch query --help`)"),
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


def test_a_headerless_csv_gets_a_note_and_the_columns_hint(tmp_path, index_path):
    folder = tmp_path / "ag"
    folder.mkdir()
    shutil.copy(DATA / "formats" / "agstyle.csv", folder)
    result = run("index", folder, "--index", index_path)
    assert result.exit_code == 0
    assert "no header row: read columns as" in result.stderr
    assert "with --columns" in result.stderr
    named = run("index", folder, "--index", index_path, "--rebuild", "--columns", "class,title,description")
    assert named.exit_code == 0 and "no header row" not in named.stderr and "--columns" not in named.stderr


@pytest.mark.parametrize("rebuild", [False, True])
def test_an_interrupt_after_the_commit_says_the_work_reached_the_index(
    corpus, index_path, monkeypatch, rebuild
):
    """Ctrl-C while the index closes after its commit (or while the report prints) must not say only
    "Interrupted.": the articles are in the index."""
    from newssearch.index import NewsIndex as Index

    real_close = Index.close

    def close_then_interrupt(self):
        real_close(self)
        raise KeyboardInterrupt

    monkeypatch.setattr(Index, "close", close_then_interrupt)
    result = run("index", corpus, "--index", index_path, *(["--rebuild"] if rebuild else []))
    assert result.exit_code == 130
    assert "the work was committed" in result.output
    monkeypatch.setattr(Index, "close", real_close)
    with Index.open(index_path) as index:
        assert len(index) > 0


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
