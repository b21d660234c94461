"""Search results grouped by copies: each group once, at its best copy's rank, showing its earliest copy (sorted by
date: at, and showing, its newest or oldest copy)."""

import itertools
import json
from datetime import datetime, timedelta, timezone

import pytest
from typer.testing import CliRunner

from newssearch import NewsIndex
from newssearch.cli import app
from newssearch.models import Article

from .helpers import DATA

DAY = datetime(2024, 3, 5, 9, tzinfo=timezone.utc)


def _body(n: int, edits: tuple[tuple[int, str], ...] = ()) -> str:
    words = [f"w{n}x{i}" for i in range(90)]
    for i in range(n % 4 + 1):  # stories use "harbour" once to four times: they score differently
        words[i * 7] = "harbour"
    for at, word in edits:
        words[at] = word
    return " ".join(words)


def _stories() -> tuple[list[Article], list[Article]]:
    """Nine stories, each with 0, 1 or 2 edited copies (some saying "correction", which the first copy does not);
    story 4's first copy is dated after its copies, story 5's copies are undated."""
    firsts, copies = [], []
    for n in range(9):
        day = None if n == 5 else DAY + timedelta(hours=n + (30 if n == 4 else 0))
        firsts.append(Article(id=f"s{n}-0", headline=f"Story {n}", body=_body(n), date=day))
        for c in range(1, n % 3 + 1):
            body = _body(n, ((50 + c, "correction"), (60, f"edit{c}")))
            copies.append(Article(id=f"s{n}-{c}", headline=f"Story {n} again", body=body, date=day and DAY))
    return firsts, copies


@pytest.fixture
def index(tmp_path):
    firsts, copies = _stories()
    with NewsIndex.create(tmp_path / "ix") as index:
        index.add(firsts[:5], extract=False)
        index.add(copies + firsts[5:], extract=False)  # a second segment
        yield index


def _expected(index: NewsIndex, query: str, **options) -> list[tuple[str, float, int]]:
    """What grouping should give, worked out from the list of every copy: groups in the order of their first copy
    in it, each showing its earliest-dated copy (undated last, ties: smaller id) with that copy's score; sorted by
    date, the first copy in it (the newest or the oldest)."""
    every = index.search(query, limit=1000, all_versions=True, **options).hits
    members: dict[str, list] = {}
    for hit in every:
        members.setdefault(hit.group, []).append(hit)
    out = []
    for hits in members.values():
        shown = min(hits, key=lambda h: (h.date is None, h.date or DAY, h.id))
        if options.get("sort", "relevance") != "relevance":
            shown = hits[0]
        out.append((shown.id, round(shown.score, 4), len(hits) - 1))
    return out


QUERIES = [
    ("harbour", {}),
    ("harbour correction", {}),
    ("correction", {}),
    ("harbour AND correction", {}),
    ('"w3x1 w3x2" OR harbour', {}),
    ("harbour -w2x3", {}),
    ("harbour", {"sort": "date"}),
    ("harbour", {"sort": "oldest"}),
    ("harbour correction", {"sort": "newest"}),
    ("harbour", {"since": "2024-03-05", "until": "2024-03-05"}),
    ("harbour", {"snippets": False}),
]


@pytest.mark.parametrize(("query", "options"), QUERIES)
def test_every_page_holds_the_groups_of_the_list_of_every_copy(index, query, options):
    expected = _expected(index, query, **options)
    every = index.search(query, limit=1000, all_versions=True, **options)
    assert len(expected) < every.total  # the query matches copies
    for limit in (1, 2, 3, 1000):
        got = []
        for page in range(1, 1 + -(-len(expected) // limit)):
            results = index.search(query, limit=limit, page=page, **options)
            assert results.total == len(expected) and results.with_reprints == every.total
            assert results.pages == -(-len(expected) // limit)
            got += [(h.id, round(h.score, 4), h.versions) for h in results.hits]
            assert [h.rank for h in results.hits] == list(range((page - 1) * limit + 1, page * limit + 1))[
                : len(results.hits)
            ]
        assert got == expected
    bounds = {k: v for k, v in options.items() if k in ("since", "until")}
    assert index.count(query, all_versions=True, **bounds) == every.total
    assert index.count(query, **bounds) == len(expected)


def test_the_group_shows_its_earliest_copy_and_the_first_copy_need_not_match(index):
    story4 = {h.id: h for h in index.search("w4x2", limit=10).hits}
    assert list(story4) == ["s4-1"]  # s4-0 came first but is dated later
    assert story4["s4-1"].versions == 1 and story4["s4-1"].group == "s4-0"
    # Only the copies say "correction": story 2's two copies are one result.
    story2 = index.search("correction AND w2x3").hits
    assert [(h.id, h.versions) for h in story2 if h.group == "s2-0"] == [("s2-1", 1)]


def test_a_story_alone_costs_nothing_and_says_so(tmp_path):
    with NewsIndex.create(tmp_path / "ix") as index:
        index.add(_stories()[0], extract=False)
        results = index.search("harbour", limit=3)
        assert results.total == results.with_reprints == 9
        assert all(h.versions == 0 and h.group == h.id for h in results.hits)
        assert index.count("harbour") == index.count("harbour", all_versions=True) == 9


runner = CliRunner()


@pytest.fixture
def wire_index(tmp_path):
    path = tmp_path / "ix"
    assert runner.invoke(app, ["index", str(DATA / "reprints"), "--index", str(path)]).exit_code == 0
    return str(path)


def test_cli_groups_by_default_and_lists_every_version_when_asked(wire_index):
    grouped = runner.invoke(app, ["query", "Rotterdam dockworkers", "--index", wire_index])
    assert grouped.exit_code == 0, grouped.output
    assert "2 results" in grouped.stdout and "3 with reprints" in grouped.stdout
    assert "+1 near-identical version\n" in grouped.stdout
    assert "id: reprints/strike_0912.txt" in grouped.stdout and "strike_1140" not in grouped.stdout
    every = runner.invoke(app, ["query", "Rotterdam dockworkers", "--index", wire_index, "--all-versions"])
    assert every.exit_code == 0 and "3 results" in every.stdout and "near-identical" not in every.stdout
    assert "id: reprints/strike_1140.txt" in every.stdout


def test_cli_json_and_count(wire_index):
    out = runner.invoke(app, ["query", "Rotterdam", "--index", wire_index, "--json"])
    data = json.loads(out.stdout)
    assert data["total"] == 2 and data["total_with_reprints"] == 3
    assert sorted((h["id"], h["versions"], h["group"]) for h in data["hits"]) == [
        ("reprints/other_port.txt", 0, "reprints/other_port.txt"),
        ("reprints/strike_0912.txt", 1, "reprints/strike_0912.txt"),
    ]
    count = runner.invoke(app, ["query", "Rotterdam", "--index", wire_index, "--count"])
    assert count.exit_code == 0 and count.stdout == "2 (3 with reprints)\n"
    every = runner.invoke(app, ["query", "Rotterdam", "--index", wire_index, "--count", "--all-versions"])
    assert every.stdout == "3\n"
    as_json = runner.invoke(app, ["query", "Shr cts", "--index", wire_index, "--count", "--json"])
    assert json.loads(as_json.stdout) == {"query": "Shr cts", "count": 2, "with_reprints": 2}
    bad = runner.invoke(app, ["query", "Rotterdam", "--index", wire_index, "--count", "--since", "2024-13"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def _in_order(dates: list[str], sort: str) -> bool:
    pairs = list(itertools.pairwise(dates))
    return all(a >= b for a, b in pairs) if sort == "newest" else all(a <= b for a, b in pairs)


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_a_page_sorted_by_date_shows_each_group_by_the_copy_it_is_placed_by(tmp_path, sort):
    """A story, its shortened copy and its correction (14:07, 14:53, 18:20) among stories of 16:00 to 17:30: by
    newest first the group is placed, and shown, by its 18:20 copy; by oldest first by its 14:07 one."""
    path = str(tmp_path / "ix")
    assert runner.invoke(app, ["index", str(DATA / "reprints_wire"), "--index", path]).exit_code == 0
    with NewsIndex.open(path) as index:
        every = index.search("source:Reuters", limit=100, all_versions=True, sort=sort).hits
        hits = index.search("source:Reuters", limit=100, sort=sort).hits
    assert len(hits) < len(every) and all(h.date for h in hits)
    dates = [h.date.isoformat() for h in hits]
    assert _in_order(dates, sort) and _in_order([h.date.isoformat() for h in every], sort)
    smelter = next(h for h in hits if h.group.endswith("smelter_1407.txt"))
    assert smelter.versions == 2
    assert smelter.id.endswith("smelter_1820_corrected.txt" if sort == "newest" else "smelter_1407.txt")
    out = runner.invoke(app, ["query", "source:Reuters", "--index", path, "--sort", sort, "--json"])
    assert out.exit_code == 0, out.output
    shown = json.loads(out.output)["hits"]
    assert [h["id"] for h in shown] == [h.id for h in hits]
    assert _in_order([h["date"] for h in shown], sort)
    text = runner.invoke(app, ["query", "source:Reuters", "--index", path, "--sort", sort])
    assert text.exit_code == 0, text.output
    listed = [
        line.split("id: ", 1)[1] for line in text.output.splitlines() if line.strip().startswith("id: ")
    ]
    assert listed == [h.id for h in hits]  # the text page shows the same copies (its dates are days)
