"""Queries on indexes already built: ``python -m benchmarks.onindex INDEX [INDEX ...] [--code DIR ...] [--rounds N]``.

Each index (and, with ``--code``, each checkout of newssearch, put first on ``PYTHONPATH``) is timed in its own
process, the processes alternating round by round: the latency queries (50 Reuters topic names, 50 AG News
titles), an untimed pass, then a timed one of ``search`` (top 10, snippets) and ``count`` (every copy) for each.
Prints p50/p95 of each, and of the counts of queries that match 5% of the stories or more. For indexes too big to
build in the main run: the million-story index of ``benchmarks.bigfiles --workdir DIR``, say.

``python -m benchmarks.onindex --systems KEY=INDEX ... --docs N``: the growth table's query timings (its 100
queries, every system's search with and without snippets, match sets and counts; ``runner.time_queries``,
``runner.time_match_sets``) on indexes of any systems already built (``newssearch``, ``newssearch-add``,
``sqlite``, ``tantivy``, ``bm25s``), side by side in this process: a growth point's queries again, with today's
code, on the indexes a run kept.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import corpora, metrics
from benchmarks.bigfiles import DEFAULT_CORPORA
from benchmarks.systems import query_words

HERE = Path(__file__).parent


def _queries(root: Path) -> list[str]:
    found = list(corpora.topic_names(root).values())[:50] + corpora.ag_news_titles(root, 50)
    return [q for q in (" ".join(query_words(text)) for text in found) if q]


def one(index: str, root: Path) -> dict:
    """In this process: the timings of one index."""
    import newssearch
    from newssearch import NewsIndex

    queries = _queries(root)
    out: dict = {"code": newssearch.__file__, "search": [], "count": [], "big_count": []}
    with NewsIndex.open(index) as ix:
        stories = len(ix)
        for text in queries:
            ix.search(text, syntax=False, limit=10)
            ix.count(text, syntax=False, all_versions=True)
        for text in queries:
            start = time.perf_counter()
            ix.search(text, syntax=False, limit=10)
            out["search"].append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            found = ix.count(text, syntax=False, all_versions=True)
            out["count"].append((time.perf_counter() - start) * 1000)
            if found >= 0.05 * stories:
                out["big_count"].append(out["count"][-1])
        out["segments"] = len(list(ix._store.searcher().reader().leaf_readers()))
    return out


def side_by_side(pairs: list[str], root: Path, docs: int, reps: int) -> dict:
    """The growth table's query timings on indexes already built, ``KEY=PATH`` each."""
    from benchmarks.runner import Config, latency_queries, open_systems, time_match_sets, time_queries

    cfg = Config(corpora=root, workdir=Path("."), log=False)
    queries = latency_queries(cfg, cfg.growth_queries)
    paths = {key: Path(path) for key, path in (pair.split("=", 1) for pair in pairs)}
    builds: dict[str, dict] = {key: {} for key in paths}
    systems = open_systems(paths, builds)
    try:
        latency = time_queries(systems, queries, reps)
        sets = time_match_sets(systems, queries, docs)
    finally:
        for system in systems.values():
            system.close()
    for key in paths:
        found = latency.get(key, {})
        cells = [
            f"{mode} p50 {found[mode]['p50_ms']:.2f} p95 {found[mode]['p95_ms']:.2f}"
            for mode in ("plain", "snippets")
            if mode in found
        ]
        if key in sets:
            one = sets[key]
            cells.append(f"match set p50 {one['p50_ms']:.2f} p95 {one['p95_ms']:.2f}")
            if "count" in one:
                cells.append(f"count p50 {one['count']['p50_ms']:.2f} p95 {one['count']['p95_ms']:.2f}")
        print(f"{key}: " + "; ".join(cells) + (f" ({builds[key]['open_error']})" if builds[key] else ""))
    return {"latency": latency, "match_sets": sets, "errors": builds}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.onindex", description=__doc__)
    parser.add_argument("indexes", nargs="*")
    parser.add_argument("--systems", nargs="*", default=[], help="KEY=INDEX of systems to time side by side")
    parser.add_argument("--docs", type=int, default=0, help="with --systems: the stories each index holds")
    parser.add_argument("--code", nargs="*", default=[], help="checkouts of newssearch to compare")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.systems:
        return side_by_side(args.systems, args.corpora.resolve(), args.docs, args.rounds)
    if not args.indexes:
        parser.error("give INDEX paths, or --systems KEY=INDEX")
    if args.one:
        result = one(args.indexes[0], args.corpora.resolve())
        print(json.dumps(result))
        return result
    runs = [(index, code) for index in args.indexes for code in (args.code or [""])]
    got: dict = {run: {"search": [], "count": [], "big_count": []} for run in runs}
    for n in range(args.rounds):
        for index, code in runs if n % 2 == 0 else list(reversed(runs)):
            path = [code, str(HERE.parent)] if code else [str(HERE.parent)]  # newssearch from ``code`` first
            env = dict(os.environ, PYTHONPATH=os.pathsep.join(path))
            command = [
                sys.executable,
                str(HERE / "onindex.py"),  # a script: its benchmarks package is the one on PYTHONPATH
                index,
                "--one",
                "--corpora",
                str(args.corpora),
            ]
            done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
            data = json.loads(done.stdout.strip().splitlines()[-1])
            for key in got[(index, code)]:
                got[(index, code)][key] += data[key]
            got[(index, code)]["segments"] = data["segments"]
    report = {}
    for (index, code), times in got.items():
        label = f"{index}" + (f" with {code}" if code else "")
        row = {
            "segments": times["segments"],
            **{
                f"{key}_p50_ms": metrics.percentile(times[key], 50)
                for key in ("search", "count", "big_count")
            },
            **{f"{key}_p95_ms": metrics.percentile(times[key], 95) for key in ("search", "count")},
            "big_count_max_ms": max(times["big_count"], default=None),
            "big_queries": len(times["big_count"]) // args.rounds,
        }
        report[label] = row
        print(
            f"{label} ({row['segments']} segments): search p50 {row['search_p50_ms']:.1f} p95 "
            f"{row['search_p95_ms']:.1f} ms; count p50 {row['count_p50_ms']:.1f} p95 {row['count_p95_ms']:.1f}; "
            f"count of the {row['big_queries']} matching 5% or more p50 {row['big_count_p50_ms'] or 0:.1f}, "
            f"max {row['big_count_max_ms'] or 0:.1f}"
        )
    return report


if __name__ == "__main__":
    main()
