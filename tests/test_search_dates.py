"""The search path by date: date filters and their totals, date sorting, bounds given as dates, datetimes and
text, and match sets (every hit with its date)."""

from datetime import date, datetime, timedelta, timezone

import pytest

from newssearch import NewsIndex, QueryError

from .helpers import CORPORA, needs_corpora
from .helpers import DAY_START as START
from .helpers import day_story as _story


@pytest.fixture
def dated_index(index_path):
    """30 dated oil stories, one a day from 1987-03-01, and 5 undated ones."""
    with NewsIndex.create(index_path) as index:
        index.add([_story(n) for n in range(30)] + [_story(n, dated=False) for n in range(30, 35)])
    with NewsIndex.open(index_path) as index:
        yield index


@pytest.mark.parametrize("sort", ["relevance", "date", "oldest"])
def test_date_filtered_total_counts_only_the_filtered_stories(dated_index, sort):
    window = {"since": "1987-03-06", "until": "1987-03-10", "sort": sort, "limit": 2}
    results = dated_index.search("oil", **window)
    assert results.total == 5 and results.pages == 3
    every = [h for p in (1, 2, 3) for h in dated_index.search("oil", page=p, **window).hits]
    assert len(every) == 5 and len({h.id for h in every}) == 5
    assert all(date(1987, 3, 6) <= h.date.date() <= date(1987, 3, 10) for h in every)
    assert dated_index.search("oil", page=4, **window).hits == []


def test_total_is_the_same_with_and_without_a_sort(dated_index):
    totals = {
        s: dated_index.search("oil", since="1987-03-20", sort=s).total
        for s in ("relevance", "date", "oldest")
    }
    assert totals == {"relevance": 11, "date": 11, "oldest": 11}  # days 20 to 30
    assert dated_index.search("oil").total == 35


def test_no_dated_story_in_range_gives_no_total(dated_index):
    results = dated_index.search("oil", since="2004")
    assert results.total == 0 and results.hits == [] and results.pages == 1


def test_date_sort_puts_newest_first_and_undated_last_with_relevance_scores(dated_index):
    relevance = {h.id: h.score for h in dated_index.search("oil OPEC", limit=50).hits}
    newest = dated_index.search("oil OPEC", sort="date", limit=50).hits
    oldest = dated_index.search("oil OPEC", sort="oldest", limit=50).hits
    dated = [h.date for h in newest if h.date]
    assert dated == sorted(dated, reverse=True) and newest[0].id == "s29"
    assert [h.date for h in newest[-5:]] == [None] * 5 and [h.date for h in oldest[-5:]] == [None] * 5
    assert [h.date for h in oldest if h.date] == sorted(dated) and oldest[0].id == "s00"
    # The score is the relevance score, not the sort key.
    assert all(h.score == pytest.approx(relevance[h.id]) for h in newest)
    assert max(h.score for h in newest) < 100


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        ("1987-03", None, 30),
        (date(1987, 3, 5), date(1987, 3, 5), 1),
        (datetime(1987, 3, 5), datetime(1987, 3, 6), 1),  # naive datetimes are UTC: 09:00 on the 5th only
        (datetime(1987, 3, 5, tzinfo=timezone(timedelta(hours=-5))), None, 26),
        ("1987", "1987-03-02", 2),
    ],
)
def test_api_takes_dates_datetimes_and_text(dated_index, since, until, expected):
    assert dated_index.search("oil", since=since, until=until).total == expected


@pytest.mark.parametrize("bad", ["last week", "1987-13", 12, object()])
def test_api_bad_date_bound_is_a_query_error(dated_index, bad):
    with pytest.raises(QueryError):
        dated_index.search("oil", since=bad)


def test_since_after_until_is_a_query_error(dated_index):
    with pytest.raises(QueryError) as info:
        dated_index.search("oil", since="1988", until="1987")
    assert str(info.value) == "the since date (1988-01-01) is after the until date (1987-12-31)"


@needs_corpora
def test_reuters_day_filter_total_matches_the_hits(tmp_path):
    from newssearch.ingest.readers import read_articles

    sgm = CORPORA / "reuters21578" / "reut2-000.sgm"
    articles = read_articles(sgm, sgm.parent).articles
    with NewsIndex.create(tmp_path / "ix") as index:
        index.add(articles, extract=False)
        day = {"since": "1987-03-02", "until": "1987-03-02"}
        expected = sum(
            1
            for a in articles
            if a.date
            and a.date.date() == date(1987, 3, 2)
            and "oil" in f"{a.headline} {a.body}".lower().split()
        )
        for sort in ("relevance", "date"):
            results = index.search("oil", limit=1000, sort=sort, all_versions=True, **day)
            assert results.total == len(results.hits) >= expected > 0
            assert all(h.date.date() == date(1987, 3, 2) for h in results.hits)
        assert sorted(index.matches("oil", all_versions=True, **day)) == sorted(
            (h.id, h.date) for h in results.hits
        )


@pytest.mark.parametrize(
    "text, window",
    [
        ("oil", {}),
        ("OPEC", {}),
        ("OPEC OR traders", {}),
        ('"crude oil" -OPEC', {}),
        ("oil", {"since": "1987-03-06", "until": "1987-03-10"}),
        ("OPEC", {"since": "1987-03-20"}),
        ("oil", {"until": date(1987, 3, 1)}),
        ("nothing-like-this", {}),
    ],
)
def test_matches_are_every_hit_of_the_search_with_its_date(dated_index, text, window):
    found = dated_index.matches(text, **window)
    every = dated_index.search(text, limit=1000, **window)
    assert len(found) == found.total == every.total
    assert sorted(found) == sorted((h.id, h.date) for h in every.hits)
    assert len(set(found.ids)) == len(found.ids)


def test_matches_keep_undated_stories_unless_dates_are_bounded(dated_index):
    undated = {f"s{n}" for n in range(30, 35)}
    assert undated <= set(dated_index.matches("oil").ids)
    assert not undated & set(dated_index.matches("oil", since="1900").ids)
    assert dict(dated_index.matches("oil"))["s31"] is None
    assert dict(dated_index.matches("oil"))["s02"] == START + timedelta(days=2)


def test_matches_after_updates_leave_deleted_stories_out(index_path):
    with NewsIndex.create(index_path) as index:
        index.add([_story(n) for n in range(10)], extract=False)
        index.add([_story(n) for n in range(10, 12)], extract=False)  # a second segment
        index.delete(["s03", "s11"])
        found = index.matches("oil")
    assert sorted(found.ids) == sorted(f"s{n:02d}" for n in range(12) if n not in (3, 11))


def test_matches_check_their_input_and_are_json(dated_index):
    with pytest.raises(QueryError, match="after the until date"):
        dated_index.matches("oil", since="1988", until="1987")
    with pytest.raises(QueryError):
        dated_index.matches(None)  # type: ignore[arg-type]
    data = dated_index.matches("oil", since="1987-03-30").to_dict()
    assert data == {
        "query": "oil",
        "total": 1,
        "notes": [],
        "matches": [{"id": "s29", "date": "1987-03-30T09:00:00+00:00"}],
    }


@pytest.mark.parametrize("since", ["0001", "0001-01-01", "9999"])
def test_extreme_date_bounds_with_snippets_give_results_not_an_error(dated_index, since):
    """The date filter's terms are matched terms too; some are not dates at all and cannot be read back."""
    results = dated_index.search("oil", since=since, limit=3)
    assert results.total == (30 if since.startswith("0001") else 0)
    assert all(h.snippet.text for h in results.hits)
