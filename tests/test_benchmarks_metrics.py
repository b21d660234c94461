"""The benchmark harness's measures (``benchmarks/``): retrieval metrics and percentiles, and the entity scorer
with its names, aliases and places. No benchmark number is asserted here: only that the measures are computed
right."""

import math
import sys

import pytest

from .helpers import ROOT

if str(ROOT) not in sys.path:  # benchmarks/ is not an installed package: import it from the checkout
    sys.path.insert(0, str(ROOT))

from benchmarks import corpora, entities, metrics


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


def test_cities_resolve_to_their_country_for_the_secondary_places_score():
    table = entities.load_aliases()
    resolved = entities.resolve_places(["Washington", "Japan", "Tokyo", "Qqqville", "Texas"], table)
    assert resolved == ["United States", "Japan", "Japan", "Qqqville", "United States"]


def test_entity_benchmark_runs_on_the_sample(mini):
    result = entities.evaluate(corpora.load_reuters(mini))
    assert result["labelled_docs"] == 2
    assert set(result["types"]) == {"places", "people", "orgs", "places_resolved"}
    assert result["types"]["places"]["docs"] == 2
    assert result["types"]["people"]["tp"] == 1  # "Richard Lyng" in reuters-7 is lyng
