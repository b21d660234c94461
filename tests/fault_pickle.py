"""Crafted index folders: does anything in them run? (issue 17, "Nothing runs from an index folder").

Every command that opens an index (``query``, ``stats``, ``check``, ``show``, ``similar``, ``index``,
``index --rebuild``, ``query`` with the default ``./index``, and the API) is run in a fresh folder on a copy of each
crafted index of ``tests/data/crafted`` (see ``make.py`` there: a TOC whose schema runs ``touch
newssearch-crafted-ran``, a TOC whose segment list does, a segment whose stored fields do, a segment whose
directory of files does). A trial counts as

- *code run* when the marker file appeared;
- *refused* when the command failed with the one line ``not an index newssearch wrote: refuses to load …``;
- *unread* when ``index --rebuild`` replaced the folder without loading the crafted pickle (it reads the TOC, and
  refuses a crafted one, but never opens the old segments it replaces);
- *failed* when code ran, or the command neither refused in one line nor left the pickle unread (a traceback, a
  normal answer from a crafted folder);
- *changed* when the crafted folder's files were changed or removed afterwards (``index --rebuild`` replacing it,
  or files a refused update left behind).

    python -m tests.fault_pickle [--code DIR] [--jobs N] [-v]
    python -m tests.fault_pickle --latency INDEX [--rounds N]

``--code DIR`` runs the ``newssearch`` found in DIR (a checkout of another commit) instead of this one's.
``--latency INDEX`` times instead the benchmarks' latency queries (135 Reuters topic names and 100 AG News
titles, top 10 with snippets: every hit's stored fields unpickled) on an existing index, each query with the
restricted unpickler and with pickle's own in turn (in one process, ``--rounds`` times), and prints the ratio.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CRAFTED = ROOT / "tests" / "data" / "crafted"
KINDS = {"toc": "crafted TOC (schema)", "segments": "crafted segment info (TOC)"}
KINDS |= {"stored": "crafted stored fields", "directory": "crafted segment directory"}
MARKER = "newssearch-crafted-ran"
REFUSAL = "not an index newssearch wrote: refuses to load"
STORY = "corpus/oil_prices.txt"  # an id in every crafted index
API = f"""
import sys
from newssearch import NewsIndex, NewsSearchError
try:
    with NewsIndex.open("index") as ix:
        print(len(ix), ix.search("oil").total, ix.get({STORY!r}), ix.stats().articles, ix.check().ok)
except NewsSearchError as exc:
    sys.exit(f"{{type(exc).__name__}}: {{exc}}")
"""
#: name -> the arguments after ``python``, run in a folder holding ``index/`` (the crafted copy) and ``corpus/``.
COMMANDS: dict[str, list[str]] = {
    "query": ["-m", "newssearch", "query", "oil", "--index", "index"],
    "query ./index": ["-m", "newssearch", "query", "oil"],
    "stats": ["-m", "newssearch", "stats", "--index", "index"],
    "check": ["-m", "newssearch", "check", "--index", "index"],
    "show": ["-m", "newssearch", "show", STORY, "--index", "index"],
    "similar": ["-m", "newssearch", "similar", STORY, "--index", "index"],
    "index": ["-m", "newssearch", "index", "corpus", "--index", "index"],
    "index --rebuild": ["-m", "newssearch", "index", "corpus", "--index", "index", "--rebuild"],
    "api": ["-c", API],
}


@dataclass
class Trial:
    kind: str
    command: str
    code_ran: bool
    refused: bool
    changed: bool
    exit_code: int
    stderr: str
    seconds: float

    @property
    def unread(self) -> bool:
        return self.command == "index --rebuild" and self.exit_code == 0 and not self.code_ran

    @property
    def failed(self) -> bool:
        return self.code_ran or not (self.refused or self.unread)


def _digest(folder: Path) -> str:
    """The crafted folder's files and contents (the lock file left out)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if path.is_file() and path.name != "MAIN_WRITELOCK":
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _corpus(folder: Path) -> None:
    """The crafted indexes' corpus, one story edited and one added, so that ``index`` reads and replaces some."""
    folder.mkdir()
    for name in ("oil_prices.txt", "storm.txt"):
        shutil.copy(ROOT / "tests" / "data" / "mixed" / name, folder)
    with (folder / "storm.txt").open("a") as file:
        file.write("\nForecasters said the storm would weaken by Friday.\n")
    shutil.copy(ROOT / "tests" / "data" / "mixed" / "election.txt", folder)


def trial(kind: str, command: str, code: Path, timeout: float = 120.0) -> Trial:
    with tempfile.TemporaryDirectory(prefix="fault-pickle-") as tmp:
        folder = Path(tmp)
        shutil.copytree(CRAFTED / kind, folder / "index")
        _corpus(folder / "corpus")
        before = _digest(folder / "index")
        env = {**os.environ, "PYTHONPATH": str(code), "COLUMNS": "200", "NEWSSEARCH_DEBUG": ""}
        env.pop("NEWSSEARCH_INDEX", None)
        env.pop("NEWSSEARCH_CORPUS", None)
        started = time.monotonic()
        try:
            done = subprocess.run(
                [sys.executable, *COMMANDS[command]],
                cwd=folder,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
            exit_code, stderr = done.returncode, done.stderr
        except subprocess.TimeoutExpired:
            exit_code, stderr = -1, "timed out"
        lines = [line for line in stderr.splitlines() if line.strip()]
        refused = exit_code not in (0, -1) and len(lines) == 1 and REFUSAL in lines[0]
        return Trial(
            kind,
            command,
            (folder / MARKER).exists(),
            refused,
            _digest(folder / "index") != before,
            exit_code,
            stderr.strip()[-300:],
            time.monotonic() - started,
        )


def run_all(code: Path, jobs: int, report: Callable[[Trial], None] | None = None) -> list[Trial]:
    tasks = [(kind, command) for kind in KINDS for command in COMMANDS]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        trials = list(pool.map(lambda task: trial(task[0], task[1], code), tasks))
    for one in trials:
        if report:
            report(one)
    return trials


def table(trials: list[Trial]) -> str:
    rows = [
        f"{'what':<30} {'tried':>5} {'failed':>6} {'code runs':>9} {'refusals':>8} {'unread':>6} {'changed':>7}"
    ]
    for kind, label in [*KINDS.items(), ("all", "crafted TOC / stored fields / segment info")]:
        some = [t for t in trials if kind in ("all", t.kind)]
        rows.append(
            f"{label[:30]:<30} {len(some):>5} {sum(t.failed for t in some):>6} "
            f"{sum(t.code_ran for t in some):>9} {sum(t.refused for t in some):>8} {sum(t.unread for t in some):>6} "
            f"{sum(t.changed for t in some):>7}"
        )
    return "\n".join(rows)


LATENCY = """
import gc, json, pickle, sys, time
from pathlib import Path
from benchmarks import corpora
from newssearch import NewsIndex, safeload
queries = list(corpora.topic_names(Path(sys.argv[2])).values()) + corpora.ag_news_titles(Path(sys.argv[2]), 100)
swaps = [(module, attr, value, pickle.loads if value is safeload.loads else pickle.load)
         for name, module in list(sys.modules.items()) if name.startswith("whoosh") and module
         for attr, value in list(vars(module).items()) if value is safeload.loads or value is safeload.load]
def restricted(on):
    for module, attr, safe, plain in swaps:
        setattr(module, attr, safe if on else plain)
times = {True: [], False: []}
with NewsIndex.open(sys.argv[1]) as ix:
    for q in queries:
        ix.search(q, limit=10)
    gc.collect()
    for rep in range(int(sys.argv[3])):
        for n, q in enumerate(queries):
            for on in ((True, False) if (n + rep) % 2 else (False, True)):
                restricted(on)
                start = time.perf_counter()
                ix.search(q, limit=10)
                times[on].append((time.perf_counter() - start) * 1000)
print(json.dumps([times[True], times[False], len(swaps)]))
"""


def latency(index: Path, rounds: int) -> tuple[list[float], list[float], int]:
    """Each query's time (ms) with the restricted unpickler and with pickle's own, alternating query by query in
    one process (so that the machine's load falls on both alike)."""
    corpora = ROOT.parent / "shared" / "corpora"
    done = subprocess.run(
        [sys.executable, "-c", LATENCY, str(index), str(corpora), str(rounds)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    restricted, plain, swapped = json.loads(done.stdout)
    return restricted, plain, swapped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fault_pickle", description=__doc__.split("\n")[0])
    parser.add_argument("--code", type=Path, default=ROOT, help="folder whose newssearch package is run")
    parser.add_argument("--jobs", type=int, default=2, help="trials run at once")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per trial")
    parser.add_argument("--latency", type=Path, metavar="INDEX", help="time queries on INDEX instead")
    parser.add_argument("--rounds", type=int, default=3, help="times each latency query is timed each way")
    args = parser.parse_args(argv)
    code = args.code.resolve()
    if not (code / "newssearch" / "__init__.py").is_file():
        parser.error(f"no newssearch package in {code}")
    if args.latency:
        restricted, plain, swapped = latency(args.latency.resolve(), args.rounds)
        for label, values in (("restricted", restricted), ("pickle's own", plain)):
            print(
                f"{label}: mean {statistics.mean(values):.2f} ms, median {statistics.median(values):.2f} ms"
            )
        ratios = [r / p for r, p in zip(restricted, plain, strict=True) if p > 0]
        print(
            f"restricted / pickle's own ({len(restricted)} queries, {swapped} loaders swapped): mean "
            f"{statistics.mean(restricted) / statistics.mean(plain):.3f}, median per query "
            f"{statistics.median(ratios):.3f}"
        )
        return 0

    def report(one: Trial) -> None:
        if args.verbose:
            what = "CODE RAN" if one.code_ran else "refused" if one.refused else f"exit {one.exit_code}"
            what += " FAILED" if one.failed else ""
            print(
                f"{one.kind:<9} {one.command:<16} {what:<9} {'changed' if one.changed else '':<7} {one.stderr[-150:]!r}"
            )

    started = time.monotonic()
    trials = run_all(code, args.jobs, report)
    print(f"newssearch from {code}; {len(trials)} trials in {time.monotonic() - started:.0f} s")
    print(table(trials))
    return 1 if any(t.failed for t in trials) else 0


if __name__ == "__main__":
    raise SystemExit(main())
