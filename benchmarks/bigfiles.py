"""Archives as one big file: ``python -m benchmarks.bigfiles [--stories N] [--workdir DIR]``.

Side by side in one run, each build in its own spawned process (its peak RSS its own): N synthetic stories
(recombined from Reuters-21578, as in the growth table) as one JSON Lines file and as 50 files; the same file
gzipped; 1,000 stories appended to the big file and ``index`` run again; a gzip bomb (1 GB of spaces); and a
file of 10,000 stories with one record of 50 MB in it. Writes ``bigfiles.json`` beside RESULTS.md (or ``--out``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from benchmarks.corpora import Corpus
from benchmarks.runner import peak_rss_mb

HERE = Path(__file__).parent
DEFAULT_CORPORA = HERE.parent.parent / "shared" / "corpora"


def _lines(stories: list) -> list[str]:
    return [json.dumps({"id": s.id, "headline": s.headline, "body": s.body}) + "\n" for s in stories]


def _index_job(index: str, folder: str, create: bool) -> dict:
    """In a fresh process: one ``update`` (a first build when ``create``), timed, with its peak RSS."""
    from newssearch import NewsIndex

    start = time.perf_counter()
    opened = NewsIndex.create(index, overwrite=True) if create else NewsIndex.open(index)
    with opened as ix:
        report = ix.update([folder])
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "added": report.added,
        "stories_per_s": report.added / seconds if seconds else None,
        "peak_rss_mb": peak_rss_mb(),
        "appended": len(report.files_appended),
        "skipped": report.skipped,
        "notes": [note for _, note in report.notes][:5],
    }


def _isolated(index: Path, folder: Path, create: bool = True) -> dict:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(_index_job, str(index), str(folder), create).result()


PARTS = ("one file", "50 files", "gzipped", "appended", "bomb", "record")


def run(stories: int, corpora: Path, work: Path, say=print, parts: tuple[str, ...] = PARTS) -> dict:
    docs = Corpus("synthetic", str(corpora), stories + 1000).load()
    base, extra = docs[:stories], docs[stories:]
    lines = _lines(base)
    one, many, packed, bomb, huge = (work / name for name in ("one", "many", "packed", "bomb", "huge"))
    for folder in (one, many, packed, bomb, huge):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    (one / "dump.jsonl").write_text("".join(lines))
    per = (len(lines) + 49) // 50
    for n in range(50):
        (many / f"part-{n:02d}.jsonl").write_text("".join(lines[n * per : (n + 1) * per]))
    if "gzipped" in parts:
        with gzip.open(packed / "dump.jsonl.gz", "wt", compresslevel=6) as handle:
            handle.writelines(lines)
        say(f"gzipped: {(packed / 'dump.jsonl.gz').stat().st_size / 1e6:,.0f} MB")
    size = (one / "dump.jsonl").stat().st_size
    say(f"{stories:,} stories: {size / 1e6:,.0f} MB as JSON Lines")
    results: dict = {"stories": stories, "file_mb": size / 1e6}
    for name, folder in (("one file", one), ("50 files", many), ("gzipped", packed)):
        if name not in parts:
            continue
        results[name] = _isolated(work / f"ix-{folder.name}", folder)
        say(
            f"  {name}: {results[name]['seconds']:.1f} s, {results[name]['stories_per_s']:.0f} stories/s, "
            f"peak {results[name]['peak_rss_mb']:.0f} MB"
        )
    if "appended" in parts and "one file" in parts:
        _append(results, one, extra, work, say)
    if "bomb" in parts:
        _bomb(results, bomb, work, say)
    if "record" in parts:
        _record(results, lines, huge, work, say)
    return results


def _append(results: dict, one: Path, extra: list, work: Path, say) -> None:
    with (one / "dump.jsonl").open("a") as handle:
        handle.writelines(_lines(extra))
    results["appended 1,000"] = _isolated(work / "ix-one", one, create=False)
    results["appended 1,000"]["share_of_build"] = (
        results["appended 1,000"]["seconds"] / results["one file"]["seconds"]
    )
    say(
        f"  appended 1,000: {results['appended 1,000']['seconds']:.1f} s "
        f"({results['appended 1,000']['share_of_build']:.1%} of the build)"
    )


def _bomb(results: dict, bomb: Path, work: Path, say) -> None:
    with gzip.open(bomb / "bomb.jsonl.gz", "wb", compresslevel=9) as handle:
        block = b" " * (1 << 20)
        for _ in range(1024):
            handle.write(block)
    results["gzip bomb"] = _isolated(work / "ix-bomb", bomb)
    results["gzip bomb"]["compressed_mb"] = (bomb / "bomb.jsonl.gz").stat().st_size / 1e6
    say(
        f"  gzip bomb of 1 GB: {results['gzip bomb']['seconds']:.2f} s, skipped: {results['gzip bomb']['skipped']}"
    )


def _record(results: dict, lines: list[str], huge: Path, work: Path, say) -> None:
    small = lines[:10_000]
    record = json.dumps({"id": "huge", "headline": "Huge", "body": "word " * 10_000_000}) + "\n"
    (huge / "dump.jsonl").write_text("".join(small[:5_000]) + record + "".join(small[5_000:]))
    results["50 MB record"] = _isolated(work / "ix-huge", huge)
    say(
        f"  a 50 MB record among 10,000: {results['50 MB record']['added']:,} indexed, "
        f"peak {results['50 MB record']['peak_rss_mb']:.0f} MB, notes {results['50 MB record']['notes']}"
    )


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bigfiles", description=__doc__)
    parser.add_argument("--stories", type=int, default=200_000)
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument(
        "--only", default=",".join(PARTS), help=f"comma-separated parts to run, of: {', '.join(PARTS)}"
    )
    args = parser.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="newssearch-bigfiles-"))
    try:
        parts = tuple(part.strip() for part in args.only.split(",") if part.strip())
        unknown = sorted(set(parts) - set(PARTS))
        if unknown:
            parser.error(f"unknown parts: {', '.join(unknown)}")
        results = run(args.stories, args.corpora.resolve(), work, parts=parts)
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bigfiles.json").write_text(json.dumps(results, indent=1) + "\n")
    return results


if __name__ == "__main__":
    main()
