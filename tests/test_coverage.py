"""Coverage analysis through the API (``NewsIndex.top``, ``facets``, ``timeline``, ``spike``, ``keywords``,
``cooccur``, the entity filters and aliases), on a fixture counted by hand, and on ../shared/corpora."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timezone

import pytest

from newssearch import Article, NewsIndex
from newssearch.analyze.cooccur import npmi
from newssearch.analyze.significance import g2
from newssearch.analyze.timeline import by_of_label
from newssearch.article import topics_of
from newssearch.errors import QueryError

from .helpers import CORPORA


def _story(
    n: int, day: str, body: str, people=(), orgs=(), places=(), source="Wire", headline=None
) -> Article:
    return Article(
        id=f"s{n}", headline=headline or f"Story {n}", body=body,
        date=datetime.fromisoformat(day).replace(tzinfo=timezone.utc), people=list(people),
        organizations=list(orgs), places=list(places), source=source,
    )  # fmt: skip


#: Twelve stories: "oil" in s1-s7 (Jan: s1-s3, Feb: s4-s6, Mar: s7), "wheat" in s8-s11, s12 undated-like text.
STORIES = [
    _story(
        1, "2021-01-04", "Oil prices rose as OPEC met.", ["Margaret Thatcher"], ["OPEC"], ["London", "Iran"]
    ),
    _story(2, "2021-01-12", "Oil tanker attacked in the Gulf.", ["Margaret Thatcher"], ["OPEC"], ["Iran"]),
    _story(
        3, "2021-01-20", "Oil output falls, OPEC says.", ["Thatcher"], ["OPEC", "Shell"], ["Iran", "Iraq"]
    ),
    _story(
        4,
        "2021-02-02",
        "Oil pipeline explosion near Basra.",
        ["Ali Khan"],
        ["Shell"],
        ["Iraq"],
        source="Post",
    ),
    _story(
        5, "2021-02-09", "Oil pipeline repaired near Basra.", ["Ali Khan", "Margaret Thatcher"], [], ["Iraq"]
    ),
    _story(6, "2021-02-16", "Oil pipeline reopens near Basra.", ["Ali Khan"], ["Shell"], ["Iraq"]),
    _story(7, "2021-03-01", "Oil demand slows in spring.", [], ["OPEC"], ["London"]),
    _story(8, "2021-01-05", "Wheat harvest grows in Kansas.", ["Jo Lee"], ["USDA"], ["Kansas"]),
    _story(9, "2021-02-05", "Wheat exports rise from Kansas.", ["Jo Lee"], ["USDA"], ["Kansas"]),
    _story(10, "2021-03-05", "Wheat prices fall in Chicago.", [], ["USDA"], ["Chicago"]),
    _story(11, "2021-03-15", "Wheat and corn futures steady.", [], [], ["Chicago"]),
    _story(12, "2021-03-20", "Markets quiet before the holiday.", [], [], ["London"]),
]


@pytest.fixture(scope="module")
def ix(tmp_path_factory):
    with NewsIndex.create(tmp_path_factory.mktemp("coverage") / "index") as index:
        index.add(STORIES, extract=False)
        yield index


def _values(facet):
    return [(v.name, v.count) for v in facet.values]


def test_top_counts_every_match_and_merges_a_surname(ix):
    # oil: s1-s7. People: Thatcher s1, s2, s5 ("Margaret Thatcher") and s3 ("Thatcher"): 4; Ali Khan s4-s6: 3.
    people = ix.top("people", "oil")
    assert people.total == 7
    assert _values(people) == [("Margaret Thatcher", 4), ("Ali Khan", 3)]
    assert people.values[0].share == pytest.approx(4 / 7)
    # Places: Iran s1-s3 (3), Iraq s3-s6 (4), London s1, s7 (2).
    assert _values(ix.top("places", "oil")) == [("Iraq", 4), ("Iran", 3), ("London", 2)]
    assert _values(ix.top("orgs", "oil")) == [("OPEC", 4), ("Shell", 3)]
    assert _values(ix.top("sources", "oil")) == [("Wire", 6), ("Post", 1)]
    assert _values(ix.top("places", "oil", limit=1)) == [("Iraq", 4)]
    assert ix.top("places", "oil", limit=1).distinct == 3


def test_an_empty_query_is_every_story_and_dates_narrow_it(ix):
    assert ix.top("places", "").total == 12
    # London: s1, s7, s12.
    assert dict(_values(ix.top("places", "")))["London"] == 3
    # February: s4, s5, s6 (oil), s9 (wheat).
    feb = ix.top("places", "", since="2021-02", until="2021-02")
    assert feb.total == 4 and _values(feb) == [("Iraq", 3), ("Kansas", 1)]


def test_filters_agree_with_the_facets(ix):
    assert ix.count("oil", person="Thatcher") == ix.count("oil", person="Margaret Thatcher") == 4
    assert ix.count("oil", person="Mrs Thatcher") == 4  # a title is no part of the name
    assert ix.count("oil", person="MARGARET THATCHER") == ix.count("oil", person="margaret  thatcher") == 4
    assert ix.count("oil", person=["Margaret Thatcher", "Ali Khan"]) == 1  # every one given: s5
    assert ix.count("oil", place="Iraq", org="Shell") == 3  # s3 (Iran, Iraq; Shell), s4, s6
    assert ix.top("places", "oil", person="Ali Khan").total == 3
    assert ix.count("oil", person="Nobody Atall") == 0
    hits = ix.search("oil", limit=20, org="OPEC").hits
    assert sorted(h.id for h in hits) == ["s1", "s2", "s3", "s7"]
    assert sorted(ix.matches("wheat", place="Chicago").ids) == ["s10", "s11"]


def test_filter_values_are_checked(ix):
    with pytest.raises(QueryError, match="no word"):
        ix.count("oil", person="  ")
    with pytest.raises(QueryError, match="unknown filter"):
        ix.top("people", "oil", persons="x")  # type: ignore[call-arg]
    with pytest.raises(QueryError, match="unknown kind"):
        ix.top("ideas", "oil")
    with pytest.raises(QueryError, match="limit"):
        ix.top("people", "oil", limit=0)


def test_timeline_counts_and_shares_by_month(ix):
    line = ix.timeline("oil", by="month")
    # Jan: s1-s3 of 4 stories (s8); Feb: s4-s6 of 4 (s9); Mar: s7 of 4 (s10-s12).
    assert [(p.label, p.count, p.total) for p in line.periods] == [
        ("2021-01", 3, 4), ("2021-02", 3, 4), ("2021-03", 1, 4)
    ]  # fmt: skip
    assert line.periods[0].share == 0.75 and line.periods[0].start == date(2021, 1, 1)
    assert line.periods[1].end == date(2021, 2, 28)
    assert line.total == 7 and line.undated == 0
    weeks = ix.timeline("wheat", by="week")
    assert weeks.periods[0].label == "2021-W01" and weeks.periods[0].start == date(2021, 1, 4)
    assert sum(p.count for p in weeks.periods) == 4
    # The finest with at most 60 periods over every dated story: Jan 4 - Mar 20 is 76 days, 12 weeks.
    assert ix.timeline("oil").by == ix.timeline("").by == "week"
    assert ix.timeline("oil", since="2021-01-04", until="2021-02-28").by == "day"  # 56 days
    # The periods run over every story within the bounds: wheat's last story is March 15, the index's March 20.
    assert [p.label for p in ix.timeline("wheat", by="month").periods] == ["2021-01", "2021-02", "2021-03"]
    assert ix.timeline("oil", by="month", since="2021-02").periods[0].label == "2021-02"
    rows = line.to_records()
    assert rows[0] == {
        "query": "oil", "period": "2021-01", "start": "2021-01-01", "end": "2021-01-31", "count": 3, "total": 4,
        "share": 0.75, "peak": False,
    }  # fmt: skip
    with pytest.raises(QueryError, match="unknown period"):
        ix.timeline("oil", by="fortnight")


def test_spike_names_what_sets_a_period_apart(ix):
    spike = ix.spike("oil", "2021-02", limit=5)
    assert spike.period.label == "2021-02" and spike.period.count == 3
    assert spike.background == 4  # Jan and Mar matches
    words = {t.name: (t.count, t.background) for t in spike.words}
    assert words["pipeline"] == (3, 0) and words["basra"] == (3, 0)
    assert spike.words[0].score > 0
    names = {t.name: t.count for t in spike.entities}
    assert names["Ali Khan"] == 3
    assert {h.id for h in spike.stories} == {"s4", "s5", "s6"}
    with pytest.raises(QueryError, match="no period 2021-07"):
        ix.spike("oil", "2021-07")
    for label in ("soon", "2021-13", "2021-W54", "2021-02-30"):
        with pytest.raises(QueryError, match="not a period"):
            ix.spike("oil", label)
    with pytest.raises(QueryError, match="is a month"):
        ix.spike("oil", "2021-02", by="week")


def test_keywords_are_the_words_of_the_matches(ix):
    found = ix.keywords("wheat", limit=5)
    assert found.total == 4 and found.background == 8
    top = found.terms[0]
    assert top.name == "wheat" and (top.count, top.background) == (4, 0)
    assert "kansas" in [t.name for t in found.terms]
    with pytest.raises(QueryError, match="give a query"):
        ix.keywords("")


def test_cooccur_counts_pairs_and_their_association(ix):
    found = ix.cooccur("oil", kinds=["people", "places"])
    pairs = {(p.a, p.b): p.count for p in found.pairs}
    # Ali Khan with Iraq: s4, s5, s6. Margaret Thatcher with Iran: s1, s2, s3.
    assert pairs[("Ali Khan", "Iraq")] == 3
    assert pairs.get(("Margaret Thatcher", "Iran"), pairs.get(("Iran", "Margaret Thatcher"))) == 3
    assert found.pairs[0].count == 3
    nodes = {(n.name, n.kind): n.count for n in found.nodes}
    assert nodes[("Iraq", "places")] == 4
    mine = ix.cooccur("oil", with_name="Thatcher")
    assert all(p.a == "Margaret Thatcher" for p in mine.pairs)
    assert {p.b: p.count for p in mine.pairs}["Iran"] == 3
    assert ix.cooccur("oil", with_name="Nobody Atall").notes
    with pytest.raises(QueryError, match="unknown kind"):
        ix.cooccur("oil", kinds=["ideas"])


def test_facets_count_copies_once_and_leave_deleted_stories_out(tmp_path):
    copy = Article(id="c2", headline=STORIES[0].headline, body=STORIES[0].body, date=STORIES[0].date,
                   people=["Margaret Thatcher"], places=["London", "Iran"])  # fmt: skip
    with NewsIndex.create(tmp_path / "index") as index:
        index.add([*STORIES, copy], extract=False)
        assert ix_count(index, "Iran") == 3  # the copy of s1 is one story with it
        assert index.top("places", "oil", all_versions=True).values[1].count == 4
        index.delete(["s1"])
        assert ix_count(index, "Iran") == 3  # the copy stands for the story now
        index.delete(["c2"])
        assert ix_count(index, "Iran") == 2


def ix_count(index, place):
    return dict(_values(index.top("places", "oil")))[place]


def test_a_sharded_index_counts_the_same(tmp_path, ix):
    with NewsIndex.create(tmp_path / "sharded", shards=3) as index:
        index.add(STORIES, extract=False)
        for kind in ("people", "orgs", "places", "sources"):
            assert _values(index.top(kind, "oil")) == _values(ix.top(kind, "oil"))
        assert (
            index.timeline("oil", by="month").to_dict()["periods"]
            == ix.timeline("oil", by="month").to_dict()["periods"]
        )


# -- the statistics ------------------------------------------------------------------------------------------


def test_g2_and_npmi_behave():
    import numpy as np

    assert float(g2(np, 10, 10, 0, 10)) > 10.83  # 10 of 10 against 0 of 10: p < 0.001
    assert float(g2(np, 5, 10, 50, 100)) == pytest.approx(0.0)  # the same rate
    assert float(g2(np, 1, 10, 50, 100)) < 0  # rarer in the first set
    assert npmi(100, 10, 10, 10) == pytest.approx(1.0)  # never apart
    assert npmi(100, 1, 10, 10) == pytest.approx(0.0)  # as chance has it
    assert by_of_label("1987-W09") == "week" and by_of_label("1987-3") is None


# -- real corpora --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reuters(tmp_path_factory):
    files = sorted((CORPORA / "reuters21578").glob("reut2-00[01].sgm"))
    if len(files) < 2:
        pytest.skip("../shared/corpora is not here")
    path = tmp_path_factory.mktemp("reuters") / "index"
    NewsIndex.rebuild(path, files)
    with NewsIndex.open(path) as index:
        yield index


@pytest.mark.slow
def test_reuters_facets_equal_counting_the_stored_stories(reuters):
    for query in ("oil", "trade", "bank"):
        ids = reuters.matches(query, all_versions=True).ids  # every copy: each is counted as a story
        stored = {kind: Counter() for kind in ("organizations", "places", "topics")}
        for article_id in ids:
            article = reuters.get(article_id)
            for kind, counter in stored.items():
                values = getattr(article, kind) if kind != "topics" else topics_of(article)
                counter.update({" ".join(v.lower().split()) for v in values})
        for kind, name in (("orgs", "organizations"), ("places", "places"), ("topics", "topics")):
            facet = reuters.top(kind, query, limit=10, all_versions=True)
            assert facet.total == len(ids)
            for value in facet.values:
                assert stored[name][value.name.lower()] == value.count, (query, kind, value)
            if facet.values:
                assert max(stored[name].values()) == facet.values[0].count


@pytest.mark.slow
def test_reuters_facets_agree_with_their_filters(reuters):
    # Copies of a story count once: a story names an entity when any of its matching copies does, as a filter
    # on the entity finds it.
    for query in ("oil", "trade"):
        for kind, option in (("people", "person"), ("orgs", "org"), ("places", "place")):
            for value in reuters.top(kind, query, limit=8).values:
                assert reuters.count(query, **{option: value.name}) == value.count, (query, kind, value)


@pytest.mark.slow
def test_reuters_timeline_spike_and_keywords(reuters):
    line = reuters.timeline("oil", by="month")
    assert sum(p.count for p in line.periods) + line.undated == line.total == reuters.count("oil")
    assert all(p.total >= p.count for p in line.periods)
    keywords = [t.name for t in reuters.keywords("oil", limit=10).terms]
    assert "oil" in keywords and ("crude" in keywords or "barrels" in keywords or "opec" in keywords)
    busiest = max(line.periods, key=lambda p: p.count)
    spike = reuters.spike("oil", busiest.label, limit=5)
    assert spike.period.count == busiest.count and spike.stories


@pytest.mark.slow
def test_bbc_cooccurrence_and_people(bbc_index):
    with NewsIndex.open(bbc_index) as index:
        people = index.top("people", "election", limit=5)
        assert people.values and people.values[0].count >= 5
        blair = people.values[0].name
        assert index.count("election", person=blair) == people.values[0].count
        pairs = index.cooccur("election", kinds=["people"], limit=5).pairs
        assert pairs and pairs[0].count >= 2 and -1 <= pairs[0].npmi <= 1


def test_every_result_makes_a_data_frame(ix):
    pandas = pytest.importorskip("pandas")
    results = [
        ix.top("places", "oil"),
        ix.timeline("oil", by="month"),
        ix.keywords("wheat"),
        ix.spike("oil", "2021-02"),
        ix.cooccur("oil"),
    ]
    for result in results:
        frame = pandas.DataFrame(result.to_records())
        assert list(frame.columns) == list(result.COLUMNS), type(result).__name__
        assert len(frame) == len(result.to_records()) > 0
    assert pandas.DataFrame(results[0].to_records())["count"].tolist() == [4, 3, 2]


# -- found in review -----------------------------------------------------------------------------------------


def test_copies_naming_different_entities_count_as_the_filter_finds_them(tmp_path):
    # Two copies of one story (the same text); only the later-dated one names Shell. The story is shown by its
    # earliest copy, but it names Shell for the facet, as the filter finds it.
    body = (
        "Oil output fell again in the North Sea fields last month, the energy ministry said on Monday, as older"
        " platforms were closed for repairs and two new fields were delayed by storms and a shortage of crews."
    )
    first = _story(
        1, "2021-01-04", body, orgs=["OPEC"], places=["London"], headline="North Sea oil output falls"
    )
    later = _story(
        2,
        "2021-01-06",
        body,
        orgs=["OPEC", "Shell"],
        places=["London"],
        headline="North Sea oil output falls",
    )
    with NewsIndex.create(tmp_path / "index") as index:
        index.add([first, later], extract=False)
        assert index.count("oil") == 1
        assert _values(index.top("orgs", "oil")) == [("OPEC", 1), ("Shell", 1)]
        assert index.count("oil", org="Shell") == 1
        first_day = index.timeline("", by="day").periods[0]
        assert (first_day.label, first_day.count, first_day.total) == (
            "2021-01-04",
            1,
            1,
        )
        assert index.cooccur("oil").pairs[0].count == 1


def test_a_story_dated_in_year_9999_is_a_period_like_any(tmp_path):
    with NewsIndex.create(tmp_path / "index") as index:
        index.add([*STORIES[:2], _story(99, "9999-12-31", "Oil placeholder date.")], extract=False)
        line = index.timeline("oil", by="year")
        assert (line.periods[0].label, line.periods[-1].label) == ("2021", "9999")
        assert line.periods[-1].end == date(9999, 12, 31) and line.periods[-1].count == 1


def test_an_analysis_stops_at_its_time_limit(ix):
    with pytest.raises(QueryError, match="too long"):
        ix.cooccur("oil", timeout=0)
    with pytest.raises(QueryError, match="too long"):
        ix.keywords("oil", timeout=0)
