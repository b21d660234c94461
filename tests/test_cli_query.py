"""The CLI's ``query`` as a newcomer meets it: ranked and highlighted results, JSON, filters, pages, plain
words, one-line errors, a first query that builds the index, and waiting for a build in progress."""

import json
import shutil

import pytest

from newssearch.cli import common as cli_module

from .helpers import SEED
from .helpers import invoke as run

SEED_ID = f"corpus/{SEED.name}"


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


def test_query_while_another_process_builds_the_index_waits_or_says_so(corpus, index_path, monkeypatch):
    monkeypatch.setattr(cli_module, "BUILD_WAIT_SECONDS", 1)
    from newssearch.engine.store import Store

    store = Store(index_path, create=True)  # a build in progress holds the write lock
    try:
        result = run("query", "Iraq", "--index", index_path)
    finally:
        store.close()
    assert result.exit_code == 1
    assert "being built" in result.stderr and "No results" not in result.stdout
