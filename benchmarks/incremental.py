"""Re-indexing after a few files change: ``newssearch index`` as a whole process on a copy of the BBC corpus.

A full build of the copy, then rounds in which 1% of the files (a different 1% each round) get a line appended
and the same command runs again; then a run with nothing changed. The command runs as a plain ``pip install`` would
run it (``cli.installed``). Each round's wall time is compared with the
full build's, measured in the same run. The copy lives in the work folder and is deleted with it.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import time
from pathlib import Path

from benchmarks.cli import installed


def _run(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def incremental(cfg, rounds: int = 5, share: float = 0.01) -> dict:
    """Full build, ``rounds`` re-indexings after ``share`` of the files changed, one with nothing changed."""
    source = Path(cfg.corpora) / "bbc"
    if not source.is_dir():
        return {"skipped": "the BBC corpus is missing"}
    folder = cfg.workdir / "incremental"
    shutil.rmtree(folder, ignore_errors=True)
    corpus, index = folder / "bbc", folder / "index"
    shutil.copytree(source, corpus)
    files = sorted(p for p in corpus.rglob("*.txt") if p.name != "README.TXT")
    if not files:
        return {"skipped": "the BBC corpus has no .txt files"}
    changed = max(1, round(share * len(files)))
    cfg.say(f"incremental: bbc copy, {len(files)} files, {rounds} rounds of {changed} changed files")
    command = [
        *installed("newssearch.__main__", "main", "newssearch"),
        "index",
        str(corpus),
        "--index",
        str(index),
    ]
    full = _run(command)
    times = []
    for n in range(rounds):
        for path in files[n :: max(1, len(files) // changed)][:changed]:
            with path.open("a", encoding="utf-8") as file:
                file.write(f"\nUpdated in round {n}.\n")
        times.append(_run(command))
    unchanged = _run(command)
    cfg.say(f"  full {full:.2f} s, {changed} changed: median {statistics.median(times):.2f} s")
    return {
        "files": len(files),
        "changed": changed,
        "full_s": full,
        "rounds_s": times,
        "median_s": statistics.median(times),
        "unchanged_s": unchanged,
    }
