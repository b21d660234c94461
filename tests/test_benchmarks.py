"""The benchmark harness (``benchmarks/``): corpora loading, queries and judgments, metrics, the entity scorer and
a tiny end-to-end run.

No benchmark number is asserted here: only that the harness runs and computes its measures right.
"""

import json
import math
import shutil
import sys
from pathlib import Path

import pytest

from newssearch import NewsIndex
from newssearch.models import Article
from newssearch.readers import read_articles

from .helpers import CORPORA, DATA, ROOT, needs_corpora

if str(ROOT) not in sys.path:  # benchmarks/ is not an installed package: import it from the checkout
    sys.path.insert(0, str(ROOT))

from benchmarks import corpora, entities, metrics, runner, systems

FORMATS = DATA / "formats"

# --- metrics -------------------------------------------------------------------------------------------


def test_evaluate_matches_hand_computed_values():
    pytest.importorskip("ir_measures")
    qrels = {"q1": {"d1": 3, "d2": 1, "d3": 2}, "q2": {"d9": 1}}
    run = {"q1": ["d1", "x", "d3", "y"], "q3": ["d1"]}  # q2 answered nothing; q3 is not judged
    # q1: P@10 = 2 relevant in the top 10 / 10 = 0.2
    #     AP = (1/1 + 2/3) / 3 relevant = 0.5556
    #     DCG@10 = 3/log2(2) + 2/log2(4) = 3 + 1 = 4
    #     IDCG@10 = 3/log2(2) + 2/log2(3) + 1/log2(4) = 3 + 1.26186 + 0.5 = 4.76186 -> nDCG 0.84000
    # q2: 0 on everything (judged, not answered); the mean is over the 2 judged queries.
    scores = metrics.evaluate(qrels, run)
    assert scores["P@10"] == pytest.approx(0.2 / 2)
    assert scores["AP@100"] == pytest.approx((1 + 2 / 3) / 3 / 2)
    assert scores["nDCG@10"] == pytest.approx(4 / (3 + 2 / math.log2(3) + 0.5) / 2)


def test_evaluate_uses_the_systems_order_not_doc_ids():
    pytest.importorskip("ir_measures")
    # The relevant doc ranked first must count as rank 1 even though "a" < "z" (trec_eval's tie order).
    scores = metrics.evaluate({"q": {"z": 1}}, {"q": ["z", "a"]})
    assert scores["nDCG@10"] == pytest.approx(1.0)
    assert scores["AP@100"] == pytest.approx(1.0)


def test_evaluate_cuts_ap_at_100():
    pytest.importorskip("ir_measures")
    ranked = [f"n{i}" for i in range(100)] + ["rel"]  # the only relevant doc at rank 101
    assert metrics.evaluate({"q": {"rel": 1}}, {"q": ranked})["AP@100"] == 0.0


def test_percentile_interpolates_like_numpy():
    assert metrics.percentile([4, 1, 3, 2], 50) == pytest.approx(2.5)
    assert metrics.percentile([1, 2, 3, 4], 95) == pytest.approx(3.85)
    assert math.isnan(metrics.percentile([], 50))
    assert metrics.ratio(6.0, 2.0) == 3.0 and metrics.ratio(1.0, 0) is None


# --- SMART (Cranfield, CISI) ---------------------------------------------------------------------------

CRAN_QUERIES = ".I 001\n.W\nwhat is the lift\nof a wing .\n.I 004\n.W\nheat conduction in slabs .\n.I 009\n.W\nnothing judged .\n"
CRAN_QRELS = "1 1 2\n1 3 -1\n2 3 1\n2 1 4\n3 2 -1\n"


def test_smart_docs_keep_every_record_with_the_readers_text():
    docs = corpora.smart_docs(FORMATS / "papers.all")
    assert [d.id for d in docs] == ["1", "2", "3"]
    assert docs[1].headline == "" and docs[1].body == ""  # like Cranfield 471 and 995: kept, unlike the index
    for path in (FORMATS / "papers.all", FORMATS / "repeats.all"):
        docs = corpora.smart_docs(path)
        read = read_articles(path, FORMATS).articles
        assert {a.id.rpartition("#")[2]: (a.headline, a.body) for a in read} == {
            d.id: (d.headline, d.body) for d in docs if d.headline or d.body
        }


def test_cranfield_queries_are_numbered_by_position_and_minus_one_is_dropped():
    queries = corpora.smart_queries(CRAN_QUERIES, renumber=True)
    assert [(q.id, q.text) for q in queries] == [
        ("1", "what is the lift of a wing ."),
        ("2", "heat conduction in slabs ."),
        ("3", "nothing judged ."),
    ]
    assert [q.id for q in corpora.smart_queries(CRAN_QUERIES)] == ["001", "004", "009"]
    qrels = corpora.cranfield_qrels(CRAN_QRELS)
    # gain = 5 - grade: grade 1 -> 4, 2 -> 3, 4 -> 1; -1 dropped, so query 3 has no judgments at all
    assert qrels == {"1": {"1": 3}, "2": {"3": 4, "1": 1}}


def test_cisi_relevance_file():
    rel = "     1     28\t0\t0.000000\n     1     35\t0\t0.000000\n     3     1\t0\t0.000000\n"
    assert corpora.cisi_qrels(rel) == {"1": {"28": 1, "35": 1}, "3": {"1": 1}}


def test_headline_known_item_collections(tmp_path):
    """Each sampled headline is a query whose relevant stories are its own body and any identical copy; the
    indexed stories have no headline, and the sample is the same every time."""
    for i, (headline, body) in enumerate(
        [
            (
                "Ad sales boost Time Warner profit",
                "Quarterly profits at US media giant TimeWarner jumped 76%.",
            ),
            ("Dollar gains on Greenspan speech", "The dollar has hit its highest level against the euro."),
            ("Copy of the Time Warner story", "Quarterly profits at US media giant TimeWarner jumped 76%."),
            (
                "Yukos unit buyer faces loan claim",
                "The owners of embattled Russian oil giant Yukos are to ask.",
            ),
        ]
    ):
        folder = tmp_path / "bbc" / "business"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{i:03}.txt").write_text(f"{headline}\n\n{body}\n")
    real = corpora._known_item("BBC", corpora.load_bbc(tmp_path), 4, seed=1)
    assert len(real.docs) == 4 and all(d.headline == "" and d.body for d in real.docs)
    by_text = {q.text: real.qrels[q.id] for q in real.queries}
    assert by_text["Ad sales boost Time Warner profit"] == {
        "bbc/business/000.txt": 1,
        "bbc/business/002.txt": 1,
    }
    assert by_text["Dollar gains on Greenspan speech"] == {"bbc/business/001.txt": 1}
    again = corpora._known_item("BBC", corpora.load_bbc(tmp_path), 4, seed=1)
    assert [q.text for q in again.queries] == [q.text for q in real.queries]


def test_split_lead_takes_the_first_sentence_without_its_wire_prefix():
    assert corpora.split_lead(
        "AP - Mr. Smith of the U.S. Senate said on Monday that taxes would rise. He gave no date.\n\nMore."
    ) == ("Mr. Smith of the U.S. Senate said on Monday that taxes would rise.", "He gave no date.\n\nMore.")
    assert corpora.split_lead("NEW YORK (Reuters) - Stocks fell\n sharply on Friday as oil rose.") == (
        "Stocks fell sharply on Friday as oil rose.",
        "",
    )
    assert corpora.split_lead(
        "SPACE.com - TORONTO, Canada -- A second team set a launch date. Then more."
    ) == (
        "A second team set a launch date.",
        "Then more.",
    )
    # a dash inside the sentence is not a prefix
    assert corpora.split_lead("Oil prices rose on Monday - the highest in a year. Traders said so.")[0] == (
        "Oil prices rose on Monday - the highest in a year."
    )


def test_lead_known_item_collections(tmp_path):
    """Each sampled first sentence is a query whose relevant stories are its own story and any identical copy;
    the indexed stories keep their headline and the rest of their body but never the query's sentence; leads
    too short to be a reader's question are not drawn; the sample is the same every time."""
    lead = "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn for the three months to December."
    stories = [
        (
            "Ad sales boost Time Warner profit",
            f"{lead}\n\nThe firm is one of the biggest investors in Google.",
        ),
        (
            "Dollar gains on Greenspan speech",
            "The dollar has hit its highest level against the euro in almost three months. Traders cheered.",
        ),
        ("Time Warner profit (copy)", f"{lead}\n\nThe firm is  one of the biggest investors in Google.\n"),
        ("Short lead", "Yukos sues. The owners of embattled Russian oil giant Yukos are to ask for a loan."),
    ]
    for i, (headline, body) in enumerate(stories):
        folder = tmp_path / "bbc" / "business"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{i:03}.txt").write_text(f"{headline}\n\n{body}\n")
    leads = corpora._lead_known_item("BBC", corpora.load_bbc(tmp_path), 3, seed=1)
    assert len(leads.docs) == 4 and all(d.headline for d in leads.docs)
    by_text = {q.text: leads.qrels[q.id] for q in leads.queries}
    assert by_text == {
        lead: {"bbc/business/000.txt": 1, "bbc/business/002.txt": 1},
        "The dollar has hit its highest level against the euro in almost three months.": {
            "bbc/business/001.txt": 1
        },
    }  # the two copies give the same query, and are both relevant
    assert len(leads.queries) == 3
    assert "Yukos sues." not in by_text
    for doc in leads.docs:
        assert not any(q.text in doc.body for q in leads.queries)
    assert {d.id: d.body for d in leads.docs}["bbc/business/001.txt"] == "Traders cheered."
    again = corpora._lead_known_item("BBC", corpora.load_bbc(tmp_path), 3, seed=1)
    assert [q.text for q in again.queries] == [q.text for q in leads.queries]


@needs_corpora
@pytest.mark.slow
def test_lead_known_item_collections_on_the_corpora():
    for load, queries, docs in ((corpora.load_bbc_leads, 400, 2225), (corpora.load_ag_leads, 500, 7600)):
        tc = load(CORPORA)
        assert len(tc.queries) == queries and len(tc.docs) == docs
        assert all(len(q.text.split()) >= corpora.MIN_LEAD_WORDS for q in tc.queries)
        assert all(tc.qrels[q.id] for q in tc.queries)
        ids = {d.id for d in tc.docs}
        assert all(set(rel) <= ids for rel in tc.qrels.values())
    bbc = corpora.load_bbc_leads(CORPORA)
    assert any(len(rel) > 1 for rel in bbc.qrels.values())  # byte-identical copies judged too


# --- Reuters-21578 -------------------------------------------------------------------------------------

CATEGORIES = """Some notes on the Reuters Categories

****Subject Codes (135)

Money/Foreign Exchange (MONEY-FX)

**Commodity Codes (78)

GRAIN
WHEAT
COFFEE
CASTOR-OIL

**Energy Codes (9)

Crude Oil (CRUDE)

________________________________________________________________

@heading[Organization Codes (56)]
European Community (EC)@*
"""


@pytest.fixture
def mini(tmp_path) -> Path:
    return _mini_corpora(tmp_path / "corpora")


def test_reuters_stories_come_from_the_reader_with_labels_and_splits(mini):
    docs = corpora.load_reuters(mini)
    read = read_articles(FORMATS / "sample.sgm", FORMATS).articles
    assert [(d.id, d.headline, d.body, d.place, d.metadata) for d in docs] == [
        (a.id, a.headline, a.body, a.place, a.metadata) for a in read
    ]
    assert [d.id for d in docs] == ["reuters-7", "reuters-8", "reuters-9", "reuters-11"]
    assert [d.id for d in corpora.load_reuters(mini, 2)] == ["reuters-7", "reuters-8"]


def test_modapte_test_split_is_lewissplit_test_and_topics_yes():
    def story(split: str, topics: str) -> Article:
        return Article(id="x", headline="x", metadata={"lewissplit": [split], "topics_attribute": [topics]})

    assert corpora.is_modapte_test(story("TEST", "YES"))
    assert not corpora.is_modapte_test(story("TEST", "NO"))
    assert not corpora.is_modapte_test(story("TRAIN", "YES"))


def test_topic_names_from_category_descriptions():
    assert corpora.parse_topic_names(CATEGORIES) == {
        "money-fx": "money foreign exchange",
        "grain": "grain",
        "wheat": "wheat",
        "coffee": "coffee",
        "castor-oil": "castor oil",
        "crude": "crude oil",
    }


def test_topic_queries_judge_only_the_given_docs_and_skip_empty_topics(mini):
    tc = corpora.load_reuters_topics(mini)
    assert [d.id for d in tc.docs] == ["reuters-7"]
    # coffee is only on a TRAIN story, money-fx, castor-oil and crude on none: skipped
    assert [(q.id, q.text) for q in tc.queries] == [("grain", "grain"), ("wheat", "wheat")]
    assert tc.qrels == {"grain": {"reuters-7": 1}, "wheat": {"reuters-7": 1}}


def test_synthetic_docs_are_deterministic(mini):
    base = corpora.load_reuters(mini)
    a, b = corpora.synthetic_docs(base, 5, seed=1), corpora.synthetic_docs(base, 5, seed=1)
    assert [(d.headline, d.body) for d in a] == [(d.headline, d.body) for d in b]
    assert len({d.id for d in a}) == 5 and all(d.headline for d in a)


def test_bbc_and_ag_news_come_from_the_readers(mini):
    assert [(d.id, d.headline, d.body) for d in corpora.load_bbc(mini)] == [
        ("bbc/business/001.txt", *BBC[0]),
        ("bbc/sport/002.txt", *BBC[1]),
    ]
    assert sorted(corpora.ag_news_titles(mini, 5)) == ["Cup win", "Wheat prices climb"]


# --- entities ------------------------------------------------------------------------------------------


@pytest.fixture
def aliases(tmp_path):
    path = tmp_path / "codes.tsv"
    path.write_text(
        "# type\tcode\tnames\n"
        "places\tusa\tUnited States|U.S.|America\n"
        "places\twest-germany\tWest Germany|Germany\n"
        "places\tjapan\tJapan\n"
        "people\treagan\tRonald Reagan|Reagan\n"
        "people\tjames-baker\tJames Baker|Baker\n"
        "people\thoward-baker\tHoward Baker|Baker\n"
        "orgs\tec\tEuropean Community|EC\n"
    )
    return entities.load_aliases(path)


def test_entity_names_are_normalised(aliases):
    assert entities.normalize("the U.S.") == "us"
    assert entities.normalize("Pöhl's") == "pohls"
    assert entities.match("places", "U.S.", aliases) == {"usa"}
    assert entities.match("places", "WEST GERMANY", aliases) == {"west-germany"}
    assert entities.match("places", "Washington", aliases) == set()


def test_people_match_on_the_surname_longest_part_first(aliases):
    assert entities.match("people", "President Ronald Reagan", aliases) == {"reagan"}
    assert entities.match("people", "Howard Baker", aliases) == {"howard-baker"}
    assert entities.match("people", "Baker", aliases) == {"james-baker", "howard-baker"}
    assert entities.match("orgs", "Chairman Reagan", aliases) == set()  # surname rule: people only


def test_score_doc_counts_by_hand(aliases):
    extracted = ["United States", "Washington", "Japan", "U.S."]
    counts = entities.score_doc("places", extracted, ["usa", "west-germany"], aliases)
    # usa found (twice, counted once) = 1 TP; japan not gold = 1 FP; west-germany missed = 1 FN;
    # Washington matches no code = 1 unmapped
    assert (counts.tp, counts.fp, counts.fn, counts.unmapped) == (1, 1, 1, 1)
    assert counts.precision == pytest.approx(1 / 2)
    assert counts.strict_precision == pytest.approx(1 / 3)
    assert counts.recall == pytest.approx(1 / 2)
    assert counts.f1 == pytest.approx(1 / 2)
    # an ambiguous surname counts for the gold code it can stand for
    people = entities.score_doc("people", ["Baker"], ["james-baker"], aliases)
    assert (people.tp, people.fp, people.fn) == (1, 0, 0)


def test_micro_average_adds_counts():
    total = entities.Counts()
    total.add(entities.Counts(docs=1, tp=2, fp=0, fn=0))
    total.add(entities.Counts(docs=1, tp=0, fp=2, fn=2))
    assert total.docs == 2 and total.precision == 0.5 and total.recall == 0.5


def test_shipped_code_table_covers_names(aliases):
    table = entities.load_aliases()
    assert entities.match("places", "United States", table) == {"usa"}
    assert entities.match("places", "Britain", table) == {"uk"}
    assert entities.match("people", "Paul Volcker", table) == {"volcker"}
    assert entities.match("orgs", "OPEC", table) == {"opec"}


# --- systems -------------------------------------------------------------------------------------------

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


# --- end to end ----------------------------------------------------------------------------------------


BBC = [
    ("Pound gains", "Sterling rose against the dollar on Monday."),
    ("Cup final", "A late goal settled the cup final."),
]


def _mini_corpora(root: Path) -> Path:
    """A few generated documents laid out like ../shared/corpora."""
    (root / "reuters21578").mkdir(parents=True)
    shutil.copy(FORMATS / "sample.sgm", root / "reuters21578" / "reut2-000.sgm")
    (root / "reuters21578" / "cat-descriptions_120396.txt").write_text(CATEGORIES)
    for n, (headline, body) in enumerate(BBC, 1):
        folder = root / "bbc" / ("business" if n == 1 else "sport")
        folder.mkdir(parents=True)
        (folder / f"{n:03}.txt").write_text(f"{headline}\n\n{body}\n")
    (root / "cranfield").mkdir()
    shutil.copy(FORMATS / "papers.all", root / "cranfield" / "cran.all.1400")
    (root / "cranfield" / "cran.qry").write_text(CRAN_QUERIES)
    (root / "cranfield" / "cranqrel").write_text(CRAN_QRELS)
    (root / "ag-news").mkdir()
    (root / "ag-news" / "test.csv").write_text(
        '"3","Wheat prices climb","Wheat rose."\n"2","Cup win","Goal."\n'
    )
    return root


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


def test_entity_benchmark_runs_on_the_sample(mini):
    result = entities.evaluate(corpora.load_reuters(mini))
    assert result["labelled_docs"] == 2
    assert set(result["types"]) == {"places", "people", "orgs", "places_resolved"}
    assert result["types"]["places"]["docs"] == 2
    assert result["types"]["people"]["tp"] == 1  # "Richard Lyng" in reuters-7 is lyng


@needs_corpora
def test_real_collections_load_as_documented():
    cran = corpora.load_cranfield(CORPORA)
    assert len(cran.docs) == 1400 and len(cran.queries) == 225
    cisi = corpora.load_cisi(CORPORA)
    assert len(cisi.docs) == 1460 and len(cisi.queries) == 76
    assert len(corpora.load_reuters(CORPORA, 1000)) == 1000


@needs_corpora
def test_real_smart_docs_are_what_newssearch_reads():
    for path in (CORPORA / "cranfield" / "cran.all.1400", CORPORA / "cisi" / "CISI.ALL"):
        docs = {d.id: (d.headline, d.body) for d in corpora.smart_docs(path) if d.headline or d.body}
        read = read_articles(path, path.parent).articles
        assert {a.id.rpartition("#")[2]: (a.headline, a.body) for a in read} == docs


@needs_corpora
def test_real_modapte_test_split():
    tc = corpora.load_reuters_topics(CORPORA)
    assert (len(tc.docs), len(tc.queries)) == (3299, 93)


def test_cities_resolve_to_their_country_for_the_secondary_places_score():
    table = entities.load_aliases()
    resolved = entities.resolve_places(["Washington", "Japan", "Tokyo", "Qqqville", "Texas"], table)
    assert resolved == ["United States", "Japan", "Japan", "Qqqville", "United States"]


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
