"""The benchmark harness's runs (``benchmarks/``): the systems compared and their adapters, and tiny end-to-end
runs of every benchmark. No benchmark number is asserted here: only that the harness runs."""

import json
import math
import sys

import pytest

from newssearch import NewsIndex
from newssearch.models import Article

from .helpers import ROOT

if str(ROOT) not in sys.path:  # benchmarks/ is not an installed package: import it from the checkout
    sys.path.insert(0, str(ROOT))

from benchmarks import corpora, runner, systems

DOCS = [
    Article(id="a", headline="Wheat exports rise", body="Wheat exports to Egypt rose sharply, traders said."),
    Article(id="b", headline="Oil prices fall", body="Crude oil prices fell as OPEC output rose."),
    Article(id="c", headline="Central bank", body="The central bank cut interest rates by half a point."),
]


HOSTILE = 'wheat AND "oil OR NOT) headline: * ~ -crude +bank ^2 NEAR(x)'


def test_query_words_strip_every_operator():
    assert systems.query_words('Crude-oil AND "U.S." prices: 5%') == [
        "crude",
        "oil",
        "and",
        "u",
        "s",
        "prices",
        "5",
    ]
    assert systems.query_words("?! --") == []


@pytest.mark.parametrize("key", ["sqlite", "whoosh", "tantivy", "bm25s", "newssearch-add"])
def test_every_adapter_builds_and_answers_any_text(tmp_path, key):
    try:
        system = systems.make_system(key)
    except ImportError as exc:
        pytest.skip(f"{key} not installed: {exc}")
    assert system.build(DOCS, tmp_path / key) == 3
    system.open(tmp_path / key)
    try:
        assert system.size() > 0
        for snippets in system.snippet_modes:
            hits = system.search("wheat exports", 10, snippets)
            assert hits and hits[0].id == "a"
            assert (hits[0].snippet is not None) == snippets
            system.search(HOSTILE, 10, snippets)  # must not raise
            assert system.search("?!", 10, snippets) == []
    finally:
        system.close()


def test_end_to_end_on_a_tiny_corpus(mini, tmp_path):
    pytest.importorskip("ir_measures")
    from benchmarks.__main__ import main

    out = tmp_path / "out"
    args = ["--quick", "--corpora", str(mini), "--out", str(out), "--systems", "sqlite,newssearch-add"]
    results = main([*args, "--only", "speed,relevance"])
    report = (out / "RESULTS.md").read_text()
    assert "## Speed" in report and "## Relevance" in report and "SQLite FTS5" in report
    assert "Machine:" in report and "Python" in report
    saved = json.loads((out / "results.json").read_text())
    assert saved["speed"][0]["builds"]["sqlite"]["docs"] == 4
    assert saved["speed"][1]["builds"]["sqlite"]["docs"] == 2
    sets = saved["speed"][0]["match_sets"]
    assert set(sets) == {"sqlite", "newssearch-add"} and "Match sets" in report
    assert sets["sqlite"]["mean_matches"] > 0 and sets["newssearch-add"]["mean_matches"] > 0
    cranfield = results["relevance"][0]
    assert (cranfield["docs"], cranfield["queries"]) == (3, 2)
    for key in ("sqlite", "newssearch-add"):
        assert set(cranfield["scores"][key]) >= {"nDCG@10", "AP@100", "P@10"}


def test_growth_runs_on_small_sizes(mini, tmp_path):
    cfg = runner.Config(
        corpora=mini,
        workdir=tmp_path / "work",
        systems=["sqlite"],
        growth_systems=["sqlite"],
        growth_sizes=[2, 6],
        growth_queries=3,
        latency_reps=1,
        log=False,
    )
    result = runner.growth(cfg, None)
    assert [(p["docs"], p["source"]) for p in result["points"]] == [
        (2, "reuters"),
        (4, "reuters"),
        (6, "synthetic"),
    ]
    assert all(p["builds"]["sqlite"]["docs"] == p["docs"] for p in result["points"])
    assert all(
        p["match_sets"]["sqlite"]["p95_ms"] >= p["match_sets"]["sqlite"]["p50_ms"] for p in result["points"]
    )
    from benchmarks.report import growth_match_sets_section

    table = "\n".join(growth_match_sets_section(result))
    assert "match set p50 / p95 / ≥5% p50 ms" in table and "| 6 | synthetic |" in table
    assert "count p50 / p95 / ≥5% p50 ms" in table  # FTS5's count(*), beside its match sets
    assert all(
        p["match_sets"]["sqlite"]["count"]["mean_matches"] == p["match_sets"]["sqlite"]["mean_matches"]
        for p in result["points"]
    )


def test_the_growth_sizes_can_be_given(mini, tmp_path, monkeypatch):
    from benchmarks import __main__ as bench_main

    seen = []
    monkeypatch.setattr(
        bench_main, "growth", lambda cfg, reuse: seen.append(cfg.growth_sizes) or {"points": [], "queries": 0}
    )
    monkeypatch.setattr(bench_main, "HERE", tmp_path)
    bench_main.main(
        ["--quick", "--corpora", str(mini), "--systems", "sqlite", "--only", "growth", "--growth", "3,1_000"]
    )
    assert seen == [[3, 1000]]


def test_peak_rss_is_measured():
    assert runner.peak_rss_mb() > 1


def test_a_quick_run_writes_beside_the_committed_full_run_not_over_it(mini, tmp_path, monkeypatch):
    from benchmarks import __main__ as bench_main

    monkeypatch.setattr(bench_main, "HERE", tmp_path)  # stands for benchmarks/
    bench_main.main(["--quick", "--corpora", str(mini), "--systems", "sqlite", "--only", "speed"])
    assert (tmp_path / "results" / "quick" / "RESULTS.md").is_file()
    assert not (tmp_path / "RESULTS.md").exists()


def test_the_cli_benchmark_times_both_commands_over_the_same_stories(mini, tmp_path):
    from benchmarks.cli import cli_speed
    from benchmarks.corpora import Corpus
    from benchmarks.runner import Config

    cfg = Config(corpora=mini, workdir=tmp_path / "work", log=False)
    result = cli_speed(cfg, Corpus("reuters", str(mini)), ["wheat", "grain prices"])
    assert (result["docs"], result["queries"]) == (4, 2)
    for name in ("newssearch", "sqlite-utils"):
        timing = result["systems"][name]
        assert timing["failures"] == 0 and 0 < timing["median_s"] <= timing["p95_s"]


def test_the_incremental_benchmark_reindexes_changed_files_and_reports_the_share(mini, tmp_path):
    from benchmarks.incremental import incremental
    from benchmarks.report import incremental_section
    from benchmarks.runner import Config

    cfg = Config(corpora=mini, workdir=tmp_path / "work", log=False)
    result = incremental(cfg, rounds=2)
    assert (result["files"], result["changed"], len(result["rounds_s"])) == (2, 1, 2)
    assert all(t > 0 for t in [result["full_s"], result["unchanged_s"], *result["rounds_s"]])
    with NewsIndex.open(tmp_path / "work" / "incremental" / "index") as index:
        assert index.search("Updated round").total == 2  # each round changed a file, and both were re-read
    line = incremental_section(result)[0]
    assert f"{result['median_s'] / result['full_s']:.0%}" in line and "2 files" in line


def test_the_growth_table_of_newssearch_alone_gives_docs_per_second_against_the_10k_build():
    from benchmarks.report import growth_newssearch_section

    def point(docs, rate):
        build = {"build_s": docs / rate, "docs_per_s": rate, "peak_rss_mb": 100.0, "build_rss_mb": 40.0}
        latency = {"newssearch-add": {m: {"p95_ms": 5.0} for m in ("plain", "snippets")}}
        return {"docs": docs, "source": "reuters", "builds": {"newssearch-add": build}, "latency": latency}

    lines = growth_newssearch_section({"points": [point(10_000, 1000.0), point(100_000, 750.0)]})
    table = "\n".join(lines)
    assert "| 10,000 | reuters | 10.0 | 1,000 (1.00×) | 100 (40) | 5.00 | 5.00 |" in table
    assert "750 (0.75×)" in table
    assert growth_newssearch_section({"points": []}) == []


def test_the_levers_scorer_scores_as_newssearch_does(tmp_path):
    """``benchmarks.levers`` tries ranking changes with a scorer of its own: as built, it must give the engine's
    scores, repeated words and entity fields included."""
    from benchmarks import levers

    docs = [
        Article(
            id="a",
            headline="Oil prices rise",
            body="Baghdad (Reuters) - Oil prices rose as Iraq cut exports.",
        ),
        Article(id="b", headline="Wheat crop", body="Kansas farmers said oil costs cut their wheat profits."),
        Article(id="c", headline="Iraq talks", body="Officials from Iraq and Iran met in Geneva on Monday."),
    ]
    queries = [corpora.Query("1", "oil Iraq oil"), corpora.Query("2", "Geneva talks")]
    tc = corpora.TestCollection("tiny", docs, queries, {"1": {"a": 1}, "2": {"c": 1}})
    c = levers.Collection("reuters", tc, tmp_path / "ix")  # a news collection: entities extracted
    for _, words in c.queries:
        ours = {c.ids[d]: s for d, s in levers.LEVERS["as built"](c, words).items()}
        engine = {h.id: h.score for h in c.ix.search(" ".join(words), syntax=False, snippets=False).hits}
        assert ours.keys() == engine.keys() and ours
        assert all(math.isclose(ours[k], engine[k], rel_tol=1e-9) for k in ours)
    assert c.evaluate(levers.LEVERS["as built"]) == c.engine()
    c.ix.close()


def test_the_levers_for_long_queries_switch_on_distinct_content_words(tmp_path):
    """Levers decided per kind of query (``by_length``) count a query's distinct content words, stop words and
    repeats aside; a word's count can be weighed by a function; Whoosh's idf without ``+ 1`` gives a word in every
    story nothing."""
    from benchmarks import levers

    docs = [
        Article(id="a", headline="Oil prices rise", body="Oil prices rose as Iraq cut exports of oil."),
        Article(id="b", headline="Wheat crop", body="Kansas farmers said oil costs cut their wheat profits."),
    ]
    tc = corpora.TestCollection("tiny", docs, [corpora.Query("1", "the oil of Iraq, oil")], {"1": {"a": 1}})
    c = levers.Collection("reuters", tc, tmp_path / "ix")
    ((_, words),) = c.queries  # "oil" and "iraq": two distinct content words
    short, long = levers.bm25(), levers.bm25(k1=2.0)
    assert levers.by_length(short, long, 2)(c, words) == long(c, words)
    assert levers.by_length(short, long, 3)(c, words) == short(c, words)
    assert levers.bm25(repeats=lambda n: 1)(c, words) == levers.bm25(repeats=False)(c, words)
    assert levers.bm25(repeats=math.sqrt)(c, words) != levers.bm25()(c, words)
    assert levers.plain_idf(2, 2) == 0 and levers.plain_idf(100, 0) == math.log(100)
    assert levers.lucene_idf(2, 2) > 0
    c.ix.close()


def test_the_concurrency_benchmark_runs_end_to_end_on_a_tiny_corpus(mini, tmp_path):
    from benchmarks import concurrency

    settings = concurrency.Settings(
        threads=2, rounds=1, topics=3, titles=2, add_size=2, idle_s=0.1, memory_samples=1
    )
    result = concurrency.run(mini, "bbc", tmp_path / "work", settings)
    assert (result["stories"], result["queries"]) == (2, 5)
    assert set(result["throughput"]["median_per_s"]) == {"serial", "shared", "own"}
    writes = [(w["readers"], w["index"], w["added"]) for w in result["writes"]]
    assert writes == [(1, "shared", 2), (4, "shared", 2), (1, "own", 2)]
    assert all(set(w["during_add"]) == {"searches", "max_ms", "p95_ms"} for w in result["writes"])
    assert all(w["no_add"]["searches"] >= w["readers"] for w in result["writes"])
    assert len(result["memory"]["one_search"]) == 1
    with NewsIndex.open(tmp_path / "work" / "index") as index:
        assert len(index) == 2  # the added stories were deleted again
    table = concurrency.table(result)
    assert "threads sharing one NewsIndex" in table and "Memory per extra NewsIndex" in table


@pytest.mark.parametrize("key", ["newssearch-add", "sqlite"])
def test_a_systems_count_path_counts_what_its_match_set_holds(key, tmp_path):
    docs = [
        Article(
            id=f"d{n}", headline=f"Oil prices day {n}", body=f"Crude oil fell {'sharply' if n % 3 else ''}."
        )
        for n in range(30)
    ]
    system = systems.SYSTEMS[key]()
    system.build(docs, tmp_path / key)
    system.open(tmp_path / key)
    try:
        assert system.count_all("oil") == system.match_all("oil") == 30
        assert system.count_all("sharply") == system.match_all("sharply") == 20
        assert system.count_all("zebra") == 0
    finally:
        system.close()


def test_queries_on_an_index_already_built_are_timed_in_alternating_processes(mini, tmp_path, capsys):
    from benchmarks import onindex

    with NewsIndex.create(tmp_path / "ix") as index:
        index.add(
            [
                Article(id=f"w{n}", headline=f"Wheat prices day {n}", body="Wheat rose on grain.")
                for n in range(20)
            ],
            extract=False,
        )
    report = onindex.main([str(tmp_path / "ix"), "--rounds", "2", "--corpora", str(mini)])
    [(label, row)] = report.items()
    assert label == str(tmp_path / "ix") and row["segments"] == 1
    assert row["search_p95_ms"] >= row["search_p50_ms"] > 0 and row["count_p50_ms"] > 0
    assert row["big_queries"] >= 1  # "Wheat prices climb" matches every story
    assert "1 segments): search p50" in capsys.readouterr().out


def test_builds_are_timed_in_alternating_processes_beside_plain_whoosh(mini, capsys):
    from benchmarks import buildtime

    report = buildtime.main(["--rounds", "2", "--corpora", str(mini)])
    assert set(report) == {"newssearch", "whoosh"}
    for row in report.values():
        assert len(row["builds"]) == 2 and row["median_s"] > 0 and row["vs_whoosh"] > 0
        assert all(build["stories"] == row["builds"][0]["stories"] > 0 for build in row["builds"])
    assert report["whoosh"]["vs_whoosh"] == 1.0
    assert "× plain Whoosh's rate" in capsys.readouterr().out


def test_each_stage_of_a_build_is_timed_alone(mini, capsys):
    from benchmarks import buildtime

    took = buildtime.main(["--stages", "--corpora", str(mini)])
    assert list(took) == [
        "reading", "extraction", "cleaning", "grouping copies", "to_document", "analysis",
        "adding to the writer", "commit",
    ]  # fmt: skip
    assert all(seconds >= 0 for seconds in took.values()) and took["reading"] > 0
    assert "ms a story" in capsys.readouterr().out


def test_shards_are_built_on_dask_and_answer_as_one_index(mini, tmp_path, capsys):
    pytest.importorskip("distributed")
    from benchmarks import shards

    report = shards.main(["--corpora", str(mini), "--queries", "6", "--out", str(tmp_path / "s.json")])
    reuters = report["reuters"]
    assert set(reuters["builds"]) == {label for label, _, _ in shards.BUILDS}
    stories = {build["stories"] for build in reuters["builds"].values()}
    assert len(stories) == 1 and stories.pop() > 0
    assert set(reuters["latency_ms"]) == {
        "1 shard",
        "2 shards",
        "4 shards",
        "2 shards, processes",
        "4 shards, processes",
    }
    for counts in reuters["same"].values():
        assert counts["different"] == 0 and counts["queries"] == 2 * report["queries"]
    assert json.loads((tmp_path / "s.json").read_text())["queries"] == report["queries"]
    assert "answers of 4 shards, processes vs 1 shard" in capsys.readouterr().out
