"""``benchmarks/analysis.py`` on a tiny generated collection (no corpus needed): the harness's result has its keys,
and newssearch's facets equal the counts of the stored stories. Never asserts a timing."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

pytest.importorskip("duckdb")
pytest.importorskip("pandas")

from benchmarks import analysis
from newssearch import Article, NewsIndex

#: Sentences, each with a word of its own: a story holds two, so each word is in about a tenth of the stories.
SENTENCES = [
    "Crude oil prices rose after the cartel met in Vienna.",
    "The central bank raised its lending rate by half a point.",
    "Wheat exports fell as the harvest suffered from drought.",
    "Shares of the carmaker slumped on weaker quarterly earnings.",
    "The election campaign turned to taxes and public spending.",
    "Gold climbed as investors sought safety from inflation.",
    "The striker scored twice in the cup final on Saturday.",
    "Dockworkers walked out over pay, halting container traffic.",
    "A merger between the two airlines awaits regulatory approval.",
    "The government unveiled a budget with deep defence cuts.",
    "Copper miners warned of shortages as demand from factories grew.",
    "The currency weakened after the trade deficit widened.",
    "Farmers protested against the subsidy reform in the capital.",
    "The telecom group announced a dividend increase for shareholders.",
    "Flooding closed roads and schools across the northern province.",
    "Coffee growers expect a smaller crop after heavy frost.",
    "Parliament debated the treaty late into the night.",
    "The software company hired a new chief executive.",
    "Bond yields fell on hopes of slower monetary tightening.",
    "The orchestra toured five cities to sold-out halls.",
]
HEADLINES = ["Markets move", "Ministers meet", "Prices shift", "Unions act", "Firms report", "Voters decide"]
PEOPLE = ["Margaret Thatcher", "Thatcher", "Helmut Kohl", "Ronald Reagan", "Jacques Delors", "Ann Lee"]
ORGS = ["OPEC", "European Commission", "World Bank", "Bank of England", "IMF"]
PLACES = ["London", "Bonn", "Vienna", "New York", "Tokyo", "United States"]
SOURCES = ["Reuters", "AP", "Wire Service"]
TOPICS = ["energy", "finance", "sport", "politics"]
QUERIES = [
    "oil",
    "bank",
    "wheat",
    "election",
    "gold",
    "merger",
    "copper",
    "coffee",
    "Parliament",
    "orchestra",
]


def stories(n: int = 300, seed: int = 5) -> list[Article]:
    rng = random.Random(seed)
    start = datetime(2020, 1, 1, tzinfo=timezone.utc)
    return [
        Article(
            id=f"s{i}",
            headline=f"{rng.choice(HEADLINES)} {i}",
            body=" ".join(rng.sample(SENTENCES, 2))
            + f"\n\nFiled as story {i} of the day, number {i * 7919}.",
            date=start + timedelta(days=rng.randrange(700), seconds=rng.randrange(86400)),
            people=rng.sample(PEOPLE, rng.randrange(3)),
            organizations=rng.sample(ORGS, rng.randrange(3)),
            places=rng.sample(PLACES, rng.randrange(1, 3)),
            source=rng.choice(SOURCES),
            topics=rng.sample(TOPICS, rng.randrange(1, 3)),
        )
        for i in range(n)
    ]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = tmp_path_factory.mktemp("analysis") / "index"
    docs = stories()
    with NewsIndex.create(path) as ix:
        ix.add(docs, extract=False)
    return path, [d.id for d in docs]


def test_the_harness_gives_every_number_and_the_facets_equal_the_stored_counts(built, tmp_path):
    path, ids = built
    ops = ["facets", "top places", "timeline month", "keywords", "cooccur"]
    with NewsIndex.open(path) as ix:
        out = analysis.analyse(ix, ids, QUERIES, 4, 1, tmp_path, ops)
    assert {"stories", "sqlite_build_s", "duckdb_fts", "queries", "rounds", "latency_ms", "ratios", "correctness"} <= set(out)  # fmt: skip
    assert out["stories"] == 300 and len(out["queries"]) == 4
    assert all(0.05 <= q["share"] <= 0.15 and q["sqlite_matches"] > 0 for q in out["queries"])
    peers = ["sqlite places", "sqlite timeline month", "duckdb places (aggregation only)"]
    assert set(out["latency_ms"]) >= {*ops, *peers, "duckdb timeline month (aggregation only)"}
    for ms in out["latency_ms"].values():
        assert ms["p50"] > 0 and ms["p95"] >= ms["p50"] and len(ms["per_query_p50"]) == 4
    assert set(out["ratios"]) == {
        "sqlite places / top places", "sqlite timeline month / timeline month",
        "duckdb places (aggregation only) / top places", "duckdb timeline month (aggregation only) / timeline month",
    }  # fmt: skip
    equal = out["correctness"]["equal"]
    assert {
        k: equal[k] for k in ("orgs", "places", "sources", "topics", "people, surnames merged")
    } == dict.fromkeys(("orgs", "places", "sources", "topics", "people, surnames merged"), True)
    for check in out["correctness"]["per_query"]:
        assert check["places"]["compared"] > 0 and check["sources"]["differ"] == {}


def test_a_wrong_count_is_caught(built, monkeypatch):
    path, _ = built
    real = NewsIndex.facets

    def off_by_one(self, *args, **kwargs):
        found = real(self, *args, **kwargs)
        found[2].values[0].count += 1  # places
        return found

    monkeypatch.setattr(NewsIndex, "facets", off_by_one)
    with NewsIndex.open(path) as ix:
        check = analysis.check_facets(ix, "oil")
    assert not check["places"]["equal"] and check["orgs"]["equal"]


def test_queries_are_picked_by_share_and_quoted_for_fts5(built):
    path, _ = built
    with NewsIndex.open(path) as ix:
        picked = analysis.pick_queries(ix, [*QUERIES, "oil", "the"], 3)
    assert len(picked) == 3 and picked == sorted(picked, key=lambda p: p["share"])
    assert analysis.fts_query('AND "oil" OR price-war') == '"and" OR "oil" OR "or" OR "price" OR "war"'


def test_the_cold_call_and_the_memory_run_in_a_fresh_process(built):
    path, _ = built
    cold = analysis._child("cold_child", str(path), "facets", "oil")
    assert set(cold) == {"open_ms", "first_ms", "second_ms"}
    rss = analysis.rss_child(str(path), "oil")
    assert [s["op"] for s in rss["steps"]] == ["top places", "top people", "facets", "timeline month", "keywords", "cooccur"]  # fmt: skip
    assert rss["baseline_rss_mb"] > 0 and isinstance(rss["max_peak_growth_mb"], float)
