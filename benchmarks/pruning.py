"""Top-N pruning (``newssearch/engine/pruning.py``) on and off, on an index already built:
``python -m benchmarks.pruning INDEX [--rounds N]``.

Runs the latency queries of ``benchmarks.onindex`` and fifteen queries of common news words, each with pruning
off and on, alternating in one process after an untimed pass, top 10 with snippets; prints p50, p95 and the
slowest of each, and how many searches' results differed (none may).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from benchmarks import metrics
from benchmarks.bigfiles import DEFAULT_CORPORA
from benchmarks.onindex import _queries

COMMON = [
    "said oil prices",
    "government said tuesday",
    "shares rose market",
    "company said year",
    "bank rates cut said",
    "president said war",
    "new york stock",
    "dollar fell percent",
    "prices rise year",
    "talks official said",
    "oil",
    "said",
    "year percent",
    "million dlrs",
    "first quarter profit",
]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pruning", description=__doc__)
    parser.add_argument("index")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    args = parser.parse_args(argv)
    import numpy  # noqa: F401  (a warm process, as a server's: each OR read straight as arrays)

    from newssearch import NewsIndex
    from newssearch.engine import pruning

    report: dict = {}
    with NewsIndex.open(args.index) as ix:
        for name, queries in (("latency", _queries(args.corpora.resolve())), ("common", COMMON)):
            times: dict[bool, list[float]] = {False: [], True: []}
            differ = 0
            for n in range(args.rounds + 1):
                for i, text in enumerate(queries):
                    found = {}
                    for prune in (False, True) if (i + n) % 2 else (True, False):
                        pruning.PRUNE = prune
                        start = time.perf_counter()
                        results = ix.search(text, syntax=False, limit=10)
                        if n:  # the first pass is untimed
                            times[prune].append((time.perf_counter() - start) * 1000)
                        found[prune] = (results.total, [(hit.id, hit.score) for hit in results.hits])
                    differ += found[False] != found[True]
            pruning.PRUNE = False
            for prune in (False, True):
                row = {
                    "p50_ms": metrics.percentile(times[prune], 50),
                    "p95_ms": metrics.percentile(times[prune], 95),
                    "max_ms": max(times[prune]),
                }
                report[f"{name}, pruning {'on' if prune else 'off'}"] = row
                print(
                    f"{name} ({len(queries)} queries), pruning {'on ' if prune else 'off'}: p50 {row['p50_ms']:.1f} "
                    f"p95 {row['p95_ms']:.1f} max {row['max_ms']:.1f} ms"
                )
            print(f"{name}: searches whose results differed: {differ}")
            report[f"{name}, differed"] = differ
    return report


if __name__ == "__main__":
    main()
