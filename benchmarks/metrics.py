"""Relevance measures (through ir-measures, i.e. trec_eval's definitions) and latency statistics."""

from __future__ import annotations

import math
from collections.abc import Sequence

from benchmarks.corpora import Qrels

#: Depth of every relevance run: AP is trec_eval's map_cut.100 (ranking cut at 100, divided by all relevant).
RUN_DEPTH = 100
MEASURE_NAMES = ("nDCG@10", "AP@100", "P@10")

#: query id -> doc ids, best first
Run = dict[str, list[str]]


def evaluate(qrels: Qrels, run: Run) -> dict[str, float]:
    """Mean nDCG@10, AP@100 and P@10 over every judged query.

    A judged query missing from the run (or with no hits) scores 0 on every measure, so an empty answer is
    never skipped. Scores given to ir-measures are ``len - rank``: each system's own order, ties included,
    is what gets evaluated (trec_eval would otherwise re-sort tied scores by doc id). nDCG uses the qrels'
    gains linearly (trec_eval's ``ndcg_cut``); P and AP count any gain > 0 as relevant.
    """
    import ir_measures

    measures = [ir_measures.parse_measure(name) for name in MEASURE_NAMES]
    ir_qrels = [
        ir_measures.Qrel(qid, doc_id, gain) for qid, docs in qrels.items() for doc_id, gain in docs.items()
    ]
    ir_run = [
        ir_measures.ScoredDoc(qid, doc_id, float(len(ranked) - rank))
        for qid, ranked in run.items()
        if qid in qrels
        for rank, doc_id in enumerate(ranked)
    ]
    totals = dict.fromkeys(MEASURE_NAMES, 0.0)
    for metric in ir_measures.iter_calc(measures, ir_qrels, ir_run):
        totals[str(metric.measure)] += metric.value
    return {name: total / len(qrels) if qrels else 0.0 for name, total in totals.items()}


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100) with linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = (len(ordered) - 1) * p / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def ratio(value: float | None, best: float | None) -> float | None:
    """``value / best`` (how many times the best), or None when either is missing or best is 0."""
    if value is None or best is None or best == 0 or math.isnan(value) or math.isnan(best):
        return None
    return value / best
