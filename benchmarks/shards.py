"""Shards side by side: builds with 1 and 2 Dask workers, queries on 1, 2 and 4 shards (one searcher over every
shard, or worker processes at once), and whether a sharded index answers as one index of the same stories.

Every build runs in its own process, in turn; the query timings of one collection run in one process, each
query on every index in turn, so a noisy machine slows them alike. From the checkout root::

    .venv/bin/python -m benchmarks.shards                       # Reuters-21578 and BBC
    .venv/bin/python -m benchmarks.shards --synthetic 100000    # and a synthetic collection of that size
    .venv/bin/python -m benchmarks.shards --files 4 --queries 20 --skip-bbc   # a quick look

Prints a table and writes ``benchmarks/shards.json`` (``--out``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import corpora
from benchmarks.systems import query_words

HERE = Path(__file__).parent
DEFAULT_CORPORA = HERE.parent.parent / "shared" / "corpora"
#: (label, shards, Dask workers or None: the build in one process with its reading workers)
BUILDS = [("1 shard, here", 1, None), ("2 shards, 1 worker", 2, 1), ("2 shards, 2 workers", 2, 2)]
BUILDS += [("4 shards, 2 workers", 4, 2)]


def build(paths: list[str], index: str, shards: int, workers: int | None) -> dict[str, Any]:
    """In this process: one build; its seconds and stories."""
    from newssearch import NewsIndex

    start = time.perf_counter()
    report = NewsIndex.rebuild(index, paths, shards=shards, workers=workers)
    return {"seconds": time.perf_counter() - start, "stories": report.added}


def _build_apart(paths: list[Path], index: Path, shards: int, workers: int | None) -> dict[str, Any]:
    code = (
        "import json, sys\nfrom benchmarks.shards import build\n"
        "print(json.dumps(build(json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3]), "
        "None if sys.argv[4] == '-' else int(sys.argv[4]))))\n"
    )
    args = [sys.executable, "-c", code, json.dumps([str(p) for p in paths]), str(index), str(shards)]
    args.append("-" if workers is None else str(workers))
    done = subprocess.run(args, capture_output=True, text=True, cwd=HERE.parent, check=False)
    if done.returncode:
        raise RuntimeError(f"build failed: {done.stderr[-800:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def queries(root: Path, n: int) -> list[str]:
    """Reuters topic names, then AG News titles: plain words, the benchmark suite's latency queries."""
    found = list(corpora.topic_names(root).values())[: n // 2] + corpora.ag_news_titles(root, n - n // 2)
    return [q for q in (" ".join(query_words(text)) for text in found) if q][:n]


def _ms(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
        "mean": statistics.fmean(ordered),
    }


def time_queries(indexes: dict[str, tuple[str, bool]], texts: list[str], rounds: int = 2) -> dict[str, Any]:
    """Each index (path, searched by worker processes) on every query in turn: p50/p95 in ms of a ranked page of
    10 with snippets, after one round of warming."""
    from newssearch import NewsIndex

    opened = {name: NewsIndex.open(path, parallel=parallel) for name, (path, parallel) in indexes.items()}
    times: dict[str, list[float]] = {name: [] for name in opened}
    try:
        for text in texts:  # warm: caches, and the workers started
            for index in opened.values():
                index.search(text, syntax=False, limit=10)
        for _ in range(rounds):
            for text in texts:
                for name, index in opened.items():
                    start = time.perf_counter()
                    index.search(text, syntax=False, limit=10)
                    times[name].append((time.perf_counter() - start) * 1000)
    finally:
        for index in opened.values():
            index.close()
    return {name: _ms(values) for name, values in times.items()}


def same_answers(one: str, many: str, texts: list[str], parallel: bool) -> dict[str, int]:
    """Queries whose total, scores (1e-6) and ids are identical; those identical but for the order of equal
    scores; those that differ. Each as a page of 20, grouped, and a page of 500 of every copy."""
    from newssearch import NewsIndex

    out = {"queries": 0, "identical": 0, "ties_only": 0, "different": 0}
    with NewsIndex.open(one, parallel=False) as a, NewsIndex.open(many, parallel=parallel) as b:
        for text in texts:
            for limit, versions in ((20, False), (500, True)):
                options = {"syntax": False, "limit": limit, "all_versions": versions, "snippets": limit <= 20}
                ra, rb = a.search(text, **options), b.search(text, **options)
                ha = [(hit.id, hit.score) for hit in ra.hits]
                hb = [(hit.id, hit.score) for hit in rb.hits]
                out["queries"] += 1
                scores = len(ha) == len(hb) and all(
                    abs(x[1] - y[1]) <= 1e-6 for x, y in zip(ha, hb, strict=True)
                )
                if ra.total != rb.total or not scores:
                    out["different"] += 1
                elif [x[0] for x in ha] == [y[0] for y in hb]:
                    out["identical"] += 1
                else:
                    out["ties_only"] += 1
    return out


def collection(
    name: str, paths: list[Path], work: Path, texts: list[str], builds: list[tuple]
) -> dict[str, Any]:
    print(f"{name}: {len(paths)} files", flush=True)
    out: dict[str, Any] = {"builds": {}, "queries": len(texts)}
    made: dict[int, Path] = {}
    for label, shards, workers in builds:
        index = work / f"{name}-{shards}-{workers}"
        out["builds"][label] = _build_apart(paths, index, shards, workers)
        print(f"  build {label}: {out['builds'][label]['seconds']:.1f} s", flush=True)
        made.setdefault(shards, index)
    indexes = {
        f"{shards} shard{'s' * (shards > 1)}": (str(path), False) for shards, path in sorted(made.items())
    }
    indexes.update(
        {
            f"{shards} shards, processes": (str(path), True)
            for shards, path in sorted(made.items())
            if shards > 1
        }
    )
    out["latency_ms"] = time_queries(indexes, texts)
    for label, ms in out["latency_ms"].items():
        print(f"  query {label}: p50 {ms['p50']:.2f} ms, p95 {ms['p95']:.2f} ms", flush=True)
    one = str(made[1])
    out["same"] = {
        f"{shards} shards{', processes' * parallel}": same_answers(one, str(path), texts, parallel)
        for shards, path in sorted(made.items())
        if shards > 1
        for parallel in (False, True)
    }
    for label, counts in out["same"].items():
        print(f"  answers of {label} vs 1 shard: {counts}", flush=True)
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--files", type=int, default=None, help="Reuters: only the first N files")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--skip-bbc", action="store_true")
    parser.add_argument("--skip-reuters", action="store_true")
    parser.add_argument("--synthetic", type=int, default=0, help="also a synthetic collection of N stories")
    parser.add_argument("--out", type=Path, default=HERE / "shards.json")
    args = parser.parse_args(argv)
    texts = queries(args.corpora, args.queries)
    work = Path(tempfile.mkdtemp(prefix="bench-shards-"))
    results: dict[str, Any] = {"when": time.strftime("%Y-%m-%d %H:%M"), "queries": len(texts)}
    try:
        if not args.skip_reuters:
            reuters = corpora.reuters_files(args.corpora)[: args.files]
            results["reuters"] = collection("reuters", reuters, work, texts, BUILDS)
        if not args.skip_bbc:
            bbc = sorted(p for p in (args.corpora / "bbc").rglob("*.txt"))
            results["bbc"] = collection("bbc", bbc, work, texts, [BUILDS[0], ("2 shards, here", 2, None)])
        if args.synthetic:
            docs = corpora.synthetic_docs(corpora.load_reuters(args.corpora), args.synthetic)
            files = corpora.synthetic_files(docs, work / "synthetic-files")
            del docs
            results["synthetic"] = collection("synthetic", files, work, texts, BUILDS[:3])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    return results


if __name__ == "__main__":
    main()
