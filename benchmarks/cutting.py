"""What cutting a big file into parts costs the main process: ``python -m benchmarks.cutting [--stories N]``.

N synthetic stories (as in the growth table) written as JSON Lines, a JSON array and CSV, each cut into parts by
``ingest/readers/splitting.py`` as an update does (hashing included, reading nothing else); side by side, with
each format's seconds per GB. Prints a table; writes nothing.
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
import time
from pathlib import Path

from benchmarks.bigfiles import DEFAULT_CORPORA
from benchmarks.corpora import Corpus


def run(stories: int, corpora: Path, work: Path) -> dict[str, dict[str, float]]:
    from newssearch.ingest.readers.splitting import parts
    from newssearch.ingest.readers.tabular import head_reader

    docs = Corpus("synthetic", str(corpora), stories).load()
    records = [{"id": s.id, "headline": s.headline, "body": s.body} for s in docs]
    (work / "news.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    (work / "news.json").write_text("[\n" + ",\n".join(json.dumps(r) for r in records) + "\n]\n")
    with (work / "news.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, ["id", "headline", "body"])
        writer.writeheader()
        writer.writerows(records)
    results = {}
    for fmt, name in (("jsonl", "news.jsonl"), ("json-array", "news.json"), ("csv", "news.csv")):
        path = work / name
        start = time.perf_counter()
        found = list(parts(path, fmt, head=head_reader(fmt, None)))
        seconds = time.perf_counter() - start
        size = path.stat().st_size
        results[fmt] = {
            "mb": size / 1e6,
            "parts": len(found),
            "seconds": seconds,
            "s_per_gb": seconds / size * 1e9,
        }
        print(
            f"{fmt:>10}: {size / 1e6:,.0f} MB, {len(found)} parts, {seconds:.2f} s, {seconds / size * 1e9:.1f} s/GB"
        )
    return results


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cutting", description=__doc__)
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newssearch-cutting-") as work:
        return run(args.stories, args.corpora.resolve(), Path(work))


if __name__ == "__main__":
    main()
