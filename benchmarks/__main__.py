"""``python -m benchmarks [--quick]``: run every benchmark, write ``RESULTS.md`` and ``results.json``."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from benchmarks import DEFAULT_CORPORA, HERE
from benchmarks.cli import cli_speed
from benchmarks.corpora import Corpus
from benchmarks.incremental import incremental
from benchmarks.report import machine, render
from benchmarks.runner import Config, entity_quality, growth, latency_queries, relevance, speed
from benchmarks.systems import PEERS, available

PARTS = ("speed", "relevance", "growth", "entities", "cli", "incremental")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small subsets: finishes in under 2 minutes")
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, help="the shared corpora folder")
    parser.add_argument(
        "--out",
        type=Path,
        help="where RESULTS.md and results.json go (default: benchmarks/, or benchmarks/results/quick/ with "
        "--quick, so that a quick run never overwrites the committed full run)",
    )
    parser.add_argument("--workdir", type=Path, help="where indexes are built (default: a temporary folder)")
    parser.add_argument(
        "--systems",
        default=",".join(["newssearch", "newssearch-add", *PEERS]),
        help="comma-separated systems (default: all)",
    )
    parser.add_argument(
        "--only", default=",".join(PARTS), help=f"comma-separated parts of {', '.join(PARTS)}"
    )
    parser.add_argument(
        "--growth",
        help="comma-separated collection sizes of the growth table (default 1000,10000,100000; --quick: "
        "500,1000,4000), e.g. 10000,100000,1000000",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    if args.out is None:
        args.out = HERE / "results" / "quick" if args.quick else HERE
    if not (args.corpora / "reuters21578").is_dir():
        sys.exit(f"no corpora at {args.corpora}: pass --corpora DIR")
    started = time.perf_counter()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="newssearch-bench-"))
    wanted = [s for s in args.systems.split(",") if s]
    systems, missing = available(wanted)
    make = Config.quick_mode if args.quick else Config
    cfg = make(corpora=args.corpora.resolve(), workdir=workdir, systems=systems)
    cfg.growth_systems = [s for s in cfg.growth_systems if s in systems]
    if args.growth:
        cfg.growth_sizes = [int(size.replace("_", "")) for size in args.growth.split(",") if size.strip()]
    parts = set(args.only.split(","))
    results: dict = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "quick": args.quick,
        "machine": machine(),
        "corpora": str(args.corpora),
        "skipped": missing,
    }
    try:
        reuters = Corpus("reuters", str(cfg.corpora), cfg.reuters_limit)
        if "speed" in parts:
            results["speed"] = [speed(cfg, reuters, 0), speed(cfg, Corpus("bbc", str(cfg.corpora)), 1)]
        if "relevance" in parts:
            results["relevance"] = [relevance(cfg, name) for name in cfg.relevance]
        if "growth" in parts:
            results["growth"] = growth(cfg, (results.get("speed") or [None])[0])
        if "cli" in parts:
            results["cli"] = cli_speed(cfg, reuters, latency_queries(cfg, 20 if cfg.quick else 60))
        if "incremental" in parts and "newssearch" in systems:
            results["incremental"] = incremental(cfg, rounds=3 if cfg.quick else 5)
        if "entities" in parts and {"newssearch", "newssearch-add"} & set(systems):
            results["entities"] = entity_quality(cfg)
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    results["wall_s"] = time.perf_counter() - started
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=1, default=str) + "\n")
    (args.out / "RESULTS.md").write_text(render(results))
    cfg.say(f"done in {results['wall_s']:.0f} s: {args.out / 'RESULTS.md'}")
    return results


if __name__ == "__main__":
    main()
