"""``newssearch query --format json|jsonl|csv [--all]``: every format parses back, carries the query and the index
fingerprint, and gives the same rows in the same order every time."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from newssearch import Article, NewsIndex
from newssearch.read.export import CSV_COLUMNS

from .helpers import invoke


@pytest.fixture
def indexed(corpus, index_path):
    with NewsIndex.create(index_path) as ix:
        ix.update([corpus])
        ix.add(
            Article(
                id=f"oil-{n:02d}",
                headline=f"Oil report {n % 3}",
                body=f"Crude oil rose at desk{n:02d} today. Traders said so.",  # none a copy of another
            )
            for n in range(12)
        )
    return index_path


def query(index_path, *args) -> str:
    result = invoke("query", *args, "--index", index_path)
    assert result.exit_code == 0, result.output
    return result.stdout


def read_csv(text: str) -> tuple[str, list[dict[str, str]]]:
    comment, rest = text.split("\n", 1)
    return comment, list(csv.DictReader(io.StringIO(rest)))


def test_csv_starts_with_the_query_and_index_then_parses_back(indexed):
    comment, rows = read_csv(query(indexed, "oil OR troops", "--format", "csv", "--all"))
    with NewsIndex.open(indexed) as ix:
        fingerprint, matches = ix.fingerprint, ix.matches("oil OR troops")
    assert comment.startswith(
        f'# newssearch query="oil OR troops" index="{fingerprint}" total={matches.total} '
    )
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert len(rows) == matches.total and sorted(r["id"] for r in rows) == sorted(matches.ids)
    assert [r["rank"] for r in rows] == [str(n) for n in range(1, len(rows) + 1)]
    troops = next(r for r in rows if "troops" in r["kwic"].lower())
    assert "[troops]" in troops["kwic"] and " | " in troops["kwic"]
    assert "NATO" in troops["organizations"].split("; ")


def test_csv_page_is_the_page(indexed):
    comment, rows = read_csv(query(indexed, "oil", "--format", "csv", "-n", "5", "--page", "2"))
    assert "page=2" in comment and "limit=5" in comment
    assert [r["rank"] for r in rows] == ["6", "7", "8", "9", "10"]


def test_jsonl_lines_carry_the_query_and_the_index(indexed):
    lines = query(indexed, "oil", "--format", "jsonl", "--all", "--sort", "oldest").splitlines()
    rows = [json.loads(line) for line in lines]
    with NewsIndex.open(indexed) as ix:
        every = list(ix.iter_search("oil", sort="oldest"))
        fingerprint = ix.fingerprint
    assert [r["id"] for r in rows] == [h.id for h in every]
    assert all(r["query"] == "oil" and r["index"] == fingerprint for r in rows)
    assert all(c["match"].lower() == "oil" for r in rows for c in r["kwic"])


def test_json_all_is_one_document_with_the_header(indexed):
    data = json.loads(query(indexed, "said", "--format", "json", "--all", "--since", "2019"))
    with NewsIndex.open(indexed) as ix:
        assert data["index"] == ix.fingerprint
        assert [h["id"] for h in data["hits"]] == [h.id for h in ix.iter_search("said", since="2019")]
    assert data["query"] == "said" and data["total"] == len(data["hits"]) > 1
    assert data["since"] == "2019-01-01T00:00:00+00:00" and data["sort"] == "relevance"
    assert all("kwic" in h and "snippet" in h for h in data["hits"])


def test_json_without_all_is_the_json_option_with_index_and_kwic(indexed):
    as_format = query(indexed, "troops", "--format", "json")
    assert as_format == query(indexed, "troops", "--json")
    data = json.loads(as_format)
    assert {
        "query",
        "index",
        "total",
        "total_with_reprints",
        "page",
        "pages",
        "limit",
        "notes",
        "suggestion",
        "hits",
    } == set(data)
    assert data["hits"][0]["kwic"][0]["match"].lower() == "troops"


def test_an_empty_result_still_parses(indexed):
    assert json.loads(query(indexed, "zebra", "--format", "json", "--all"))["hits"] == []
    assert query(indexed, "zebra", "--format", "jsonl", "--all") == ""
    comment, rows = read_csv(query(indexed, "zebra", "--format", "csv", "--all"))
    assert "total=0" in comment and rows == []


@pytest.mark.parametrize("fmt", ["text", "json", "jsonl", "csv"])
def test_the_same_query_gives_byte_identical_output(indexed, fmt):
    args = ("oil OR said", "--format", fmt, "--all")
    assert query(indexed, *args) == query(indexed, *args)


def test_all_in_text_prints_every_hit(indexed):
    out = query(indexed, "oil", "--all")
    assert "results for “oil” (all)" in out and " 13. " in out


def test_csv_cells_that_would_be_formulas_are_quoted(index_path):
    with NewsIndex.create(index_path) as ix:
        ix.add([Article(id="=1+1", headline='=HYPERLINK("http://x","oil")', body="-oil +oil @oil")])
    _, (row,) = read_csv(query(index_path, "oil", "--format", "csv"))
    assert row["id"] == "'=1+1" and row["headline"].startswith("'=HYPERLINK")
    assert row["kwic"].startswith("'-[oil]")
    (line,) = query(index_path, "oil", "--format", "jsonl").splitlines()
    assert json.loads(line)["headline"].startswith("=HYPERLINK")  # JSON keeps the text as it is


@pytest.mark.parametrize(
    "args, message",
    [
        (["--format", "xml"], "unknown format"),
        (["--json", "--format", "csv"], "--json means --format json"),
        (["--all", "--limit", "5"], "leave out --limit"),
        (["--all", "-p", "2"], "leave out --page"),
        (["--all", "--explain"], "--explain"),
        (["--format", "csv", "--explain"], "--explain"),
    ],
)
def test_option_mistakes_are_one_line_usage_errors(indexed, args, message):
    result = invoke("query", "oil", "--index", indexed, *args)
    assert result.exit_code == 2 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""


@pytest.mark.parametrize("fmt", ["text", "jsonl", "csv"])
def test_a_reader_that_stops_early_ends_the_export_quietly(index_path, tmp_path, fmt):
    with NewsIndex.create(index_path) as ix:
        body = "The oil price rose again today as traders bought crude oil. " * 40
        ix.add(Article(id=f"s{n}", headline=f"Oil {n}", body=body) for n in range(300))
    command = [sys.executable, "-m", "newssearch", "query", "oil", "--all", "-f", fmt, "-i", str(index_path)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.readline()
    process.stdout.close()  # as `| head -1` does: the rest (megabytes) cannot be written
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0 and err == b""


def test_export_headers_name_the_options_that_change_the_rows(indexed):
    comment, _ = read_csv(query(indexed, "oil", "--format", "csv", "--all", "--recent", "--all-versions"))
    assert comment.endswith("recent=7.0 all_versions=true") or (
        "recent=7.0" in comment and "all_versions=true" in comment
    )
    page, _ = read_csv(query(indexed, "oil", "--format", "csv", "-n", "2"))
    assert "total_with_reprints=" in page and "recent" not in page and "exact" not in page
    data = json.loads(query(indexed, "oil", "--format", "json", "--all", "--exact"))
    assert data["exact"] is True and data["total"] == len(data["hits"])


@pytest.mark.parametrize(
    "args",
    [
        ("--count", "--format", "csv"),
        ("--count", "--format", "jsonl"),
        ("--count", "--all"),
        ("--count", "--page", "2"),
        ("--recent", "--sort", "oldest"),
    ],
)
def test_options_that_cannot_go_together_are_one_line_errors(indexed, args):
    result = invoke("query", "oil", "--index", indexed, *args)
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1 and "Error" in result.stderr


def test_csv_carries_the_byline_and_section_of_a_record(tmp_path):
    index_path = tmp_path / "ix"
    with NewsIndex.create(index_path) as ix:
        ix.update([Path(__file__).parent / "data" / "huffpost" / "stories.json"])
    _comment, rows = read_csv(query(index_path, "pier", "--format", "csv", "--all"))
    pier = next(r for r in rows if r["headline"] == "Harbour Council Votes To Close Old Ferry Pier")
    assert (pier["author"], pier["section"], pier["date"], pier["date_precision"]) == (
        "Mary Papenfuss",
        "POLITICS",
        "2022-09-23T00:00:00+00:00",
        "day",
    )
