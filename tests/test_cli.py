import json
import shutil

import pytest
from typer.testing import CliRunner

from newssearch.cli import app

from .helpers import SEED

runner = CliRunner()
SEED_ID = f"corpus/{SEED.name}"


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


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
    assert "Traceback" not in result.output


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
    assert set(data) == {"query", "total", "page", "pages", "limit", "notes", "hits"}
    assert data["query"] == "NATO Iraq" and data["page"] == 1 and len(data["hits"]) <= 3
    hit = data["hits"][0]
    assert set(hit) == {
        "id",
        "headline",
        "date",
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
        "snippet_highlights",
        "headline_highlights",
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
        (("--since", "2021", "--until", "2020"), "after"),
    ],
)
def test_query_bad_options_are_one_line_errors(indexed, args, message):
    result = run("query", "Iraq", "--index", indexed, *args)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_query_hostile_text_never_tracebacks(indexed):
    for text in ['"open', "AND", "((", "伊拉克", "x" * 10_000, "x" * 10_001, "-"]:
        result = run("query", text, "--index", indexed)
        assert result.exit_code in (0, 2), (text, result.output)
        assert "Traceback" not in result.output
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
