"""Fault injection: kill `newssearch index` at random points and check that the index is never left broken.

Each cycle starts ``python -m newssearch index`` in a subprocess on a corpus, sends it SIGKILL, SIGINT or
SIGTERM after a random (seeded) delay, counted from its start or (a share of the kills) from the moment its
commit began (Whoosh's new segment files appearing in the index folder), and then checks:

- the index holds exactly what it held before the run, or exactly what a clean build of the corpus holds
  (one transaction per run: never half of it), or there is no index at all when there was none before;
- for SIGINT/SIGTERM: exit code 130/143, no traceback, and an "Interrupted:" line whose claim ("nothing was
  committed" or "the work was committed") is true;
- a query (``python -m newssearch query … --json``) works, or fails with a one-line error and no traceback;
- a finishing ``index`` run succeeds and the index then equals a clean build of the same corpus made in a fresh
  folder: the same articles (id, headline, body, date, people, organizations, places) and the same scores.

Three modes: ``build`` (a first build into an empty folder), ``update`` (an incremental update after files were
edited, added and deleted) and ``rebuild`` (``index --rebuild`` of the same changed corpus).

The test suite (tests/test_faults.py) runs a few cycles; this script runs many and prints a table of
mode x signal: runs, kills aimed at the commit, signals that reached a running process, the index state after
the kill (before / after the run), recoveries, queries that worked or were a one-line error, mismatches with the
clean build, cycles with problems, the claims made (not committed / committed / none / killed early / signal
too late) and mean timings. Signals that land while Python itself starts up are labelled as such. From
/work/main::

    .venv/bin/python -m tests.fault_injection --kills 20 --jobs 2
    .venv/bin/python -m tests.fault_injection --corpus /work/shared/corpora/bbc --kills 5 --commit-window 1.5

It exits 1 when any cycle had a problem. ``--help`` lists the options.

Its parts are in tests/faults/: ``corpus`` (the generated corpus and its change), ``snapshots`` (reading an
index), ``process`` (running a command, sending it a signal), ``cycles`` (one kill-and-recover cycle) and
``runs`` (when to kill; many cycles at a time). This module names them all, for the test suite
(tests/test_faults.py) and tests.fault_writers, and holds the summary table and the command line.

The other faults have scripts of their own beside this one, each printing tried / failed / lost per row and
exiting 1 when any trial failed (the README's "Reliability" has their counts): ``tests.fault_writers`` (index
runs at once; killed first builds resumed from their checkpoints), ``tests.fault_pickle`` (crafted index folders),
``tests.fault_limits`` (fuzzed API calls against the time limit), ``tests.fault_hostile`` (hostile corpus files,
peak memory) and ``tests.fault_disk`` (a full disk, the file-size limit, no permission).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from newssearch.index import index_state

from .faults.corpus import make_corpus, mutate_corpus
from .faults.cycles import (
    BROAD,
    COMMITTED,
    EXIT_CODES,
    MODES,
    NOT_COMMITTED,
    SIGNALS,
    Cycle,
    Scenario,
    cycle,
    query_api,
    query_cli,
    scenario,
)
from .faults.process import (
    TIMEOUT,
    Done,
    command,
    environment,
    one_line_error,
    run,
    run_and_signal,
    write_lock_holders,
)
from .faults.runs import COMMIT_WINDOW, after_startup, delays, kill_plan, run_cycles
from .faults.snapshots import QUERIES, Snapshot, _row, compare, compare_scores, scores, snapshot

__all__ = [
    "BROAD",
    "COMMITTED",
    "COMMIT_WINDOW",
    "EXIT_CODES",
    "KNOWN",
    "MODES",
    "NOT_COMMITTED",
    "QUERIES",
    "SIGNALS",
    "TIMEOUT",
    "Cycle",
    "Done",
    "Scenario",
    "Snapshot",
    "_row",
    "after_startup",
    "command",
    "compare",
    "compare_scores",
    "cycle",
    "delays",
    "environment",
    "index_state",
    "kill_plan",
    "known",
    "main",
    "make_corpus",
    "mutate_corpus",
    "one_line_error",
    "problem_kind",
    "query_api",
    "query_cli",
    "run",
    "run_and_signal",
    "run_cycles",
    "scenario",
    "scores",
    "snapshot",
    "table",
    "write_lock_holders",
]

#: Problems this script can find that lie outside newssearch: a signal while Python itself starts up.
KNOWN = [
    (
        r"Exception ignored in: <function _get_module_lock",
        "SIGINT in an import lock's callback at start-up: Python prints 'Exception ignored' and drops it",
    ),
    (
        r"^traceback after SIG\w+: (?!.*(newssearch|site-packages)).*KeyboardInterrupt\s*$",
        "a signal during Python's own start-up (only <frozen ...> frames): its traceback, outside newssearch",
    ),
]


def known(problems: list[str]) -> str | None:
    """The note of the first known problem among a cycle's problems, or None."""
    for pattern, note in KNOWN:
        if any(re.search(pattern, p, re.DOTALL) for p in problems):
            return note
    return None


def problem_kind(problem: str) -> str:
    """A problem without its particulars (numbers, paths, output), to count alike ones together."""
    kind = problem.split(": ", 1)[0]
    return re.sub(r"-?\d+(\.\d+)?", "N", kind).strip()[:100]


def table(cycles: list[Cycle]) -> str:
    header = (
        "mode",
        "signal",
        "runs",
        "at commit",
        "landed",
        "before",
        "after",
        "recovered",
        "queries ok",
        "query err",
        "mismatches",
        "problems",
        "claims (not/committed/none/early/late)",
        "kill s",
        "query s",
        "recover s",
    )
    rows = [header]
    groups: dict[tuple[str, str], list[Cycle]] = {}
    for c in cycles:
        groups.setdefault((c.mode, c.signal), []).append(c)

    def mean(values):
        values = list(values)
        return f"{sum(values) / len(values):.2f}" if values else "-"

    for (mode, signame), group in groups.items():
        claims = [
            sum(c.claim == k for c in group)
            for k in ("not committed", "committed", "none", "killed early", "too late")
        ]
        rows.append(
            (
                mode,
                signame,
                str(len(group)),
                str(sum(c.at_commit for c in group)),
                str(sum(c.landed for c in group)),
                str(sum(c.outcome == "before" for c in group)),
                str(sum(c.outcome == "after" for c in group)),
                str(sum(c.recovered for c in group)),
                str(sum(c.query.startswith("ok") for c in group)),
                str(sum(c.query.startswith("error") for c in group)),
                str(sum(c.recovered and not c.matches for c in group)),
                str(sum(bool(c.problems) for c in group)),
                "/".join(map(str, claims)) if signame != "SIGKILL" else "-",
                mean(c.seconds.get("killed run", 0) for c in group),
                mean(c.seconds.get("query", 0) for c in group),
                mean(c.seconds["recovery"] for c in group if "recovery" in c.seconds),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fault_injection",
        description="Kill `newssearch index` at random points and check that the index is never left broken.",
    )
    parser.add_argument("--kills", type=int, default=20, help="kills per mode and signal (default 20)")
    parser.add_argument(
        "--corpus",
        type=Path,
        help="a corpus folder to copy (e.g. /work/shared/corpora/bbc); default: generated",
    )
    parser.add_argument("--articles", type=int, default=200, help="articles in the generated corpus")
    parser.add_argument("--broad", help="the query run after each kill (default: a word every article has)")
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated: build,update,rebuild")
    parser.add_argument(
        "--signals", default=",".join(SIGNALS), help="comma-separated: SIGKILL,SIGINT,SIGTERM"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="where to work (default: a temporary folder, removed)")
    parser.add_argument("--idempotent", action="store_true", help="after each recovery, index once more")
    parser.add_argument(
        "--after-startup",
        action="store_true",
        help="no kills during start-up (imports and argument parsing), as in the test suite",
    )
    parser.add_argument("--jobs", type=int, default=1, help="cycles run at the same time (default 1)")
    parser.add_argument(
        "--late",
        type=float,
        default=0.25,
        help="share of the timed kills aimed at the last quarter of a run (default 0.25)",
    )
    parser.add_argument(
        "--at-commit",
        type=float,
        default=0.3,
        help="share of kills sent a random time after the commit began, which is watched for (default 0.3)",
    )
    parser.add_argument(
        "--commit-window",
        type=float,
        default=COMMIT_WINDOW,
        help=f"at most this many seconds after the commit began (default {COMMIT_WINDOW})",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print every cycle")
    args = parser.parse_args(argv)
    modes = [m for m in args.modes.split(",") if m]
    signames = [s for s in args.signals.split(",") if s]
    for m in modes:
        if m not in MODES:
            parser.error(f"unknown mode {m!r}")
    for s in signames:
        if s not in SIGNALS:
            parser.error(f"unknown signal {s!r}")

    temporary = None
    if args.workdir is None:
        temporary = tempfile.TemporaryDirectory(prefix="newssearch-faults-")
        args.workdir = Path(temporary.name)
    try:
        started = time.monotonic()
        sc = scenario(args.workdir, args.corpus, articles=args.articles, seed=args.seed, broad=args.broad)
        sc.measure(modes)
        start = after_startup(sc) if args.after_startup else 0.02
        print(
            f"corpus: {args.corpus or f'generated, {args.articles} articles'}; {len(sc.before)} articles before "
            f"the change, {len(sc.target)} after; broad query {sc.broad!r} finds {sc.query_totals}; "
            f"set-up {time.monotonic() - started:.1f} s",
            flush=True,
        )
        print(
            f"start-up {sc.startup:.2f} s; uninterrupted runs: "
            + ", ".join(f"{m} {s:.2f} s" for m, s in sc.durations.items())
            + f"; kills from {start:.2f} s",
            flush=True,
        )
        rng = random.Random(args.seed)
        specs = [
            (mode, signame, delay, at_commit)
            for mode in modes
            for signame in signames
            for delay, at_commit in kill_plan(
                rng,
                sc.durations[mode],
                args.kills,
                late=args.late,
                at_commit=args.at_commit,
                start=start,
                window=args.commit_window,
            )
        ]

        def show(c: Cycle) -> None:
            if args.verbose or c.problems:
                status = "PROBLEM" if c.problems else "ok"
                print(
                    f"{c.mode:8} {c.signal:8} {'commit+' if c.at_commit else 'start+'}{c.delay:.3f} s "
                    f"exit {c.returncode} landed={c.landed} "
                    f"index={c.outcome} claim={c.claim or '-'} query={c.query[:60]!r} "
                    f"recovered={c.recovered} matches={c.matches} {status}",
                    flush=True,
                )
                for problem in c.problems:
                    print(f"    {problem}", flush=True)
                if c.problems and known(c.problems):
                    print(f"    known: {known(c.problems)}", flush=True)

        cycles = run_cycles(sc, specs, args.workdir, jobs=args.jobs, idempotent=args.idempotent, report=show)
        print()
        print(table(cycles))
        errors = sorted({c.query for c in cycles if c.query.startswith("error")})
        if errors:
            print("\nquery errors seen:")
            for e in errors:
                print(f"  {e}")
        kinds = Counter(
            (c.mode, c.signal, problem_kind(p))
            for c in cycles
            for p in dict.fromkeys(map(problem_kind, c.problems))
        )
        if kinds:
            print("\nproblems (cycles with each kind):")
            for (mode, signame, kind), n in sorted(kinds.items()):
                print(f"  {n:3}  {mode:8} {signame:8} {kind}")
        bad = [c for c in cycles if c.problems]
        unknown = [c for c in bad if not known(c.problems)]
        print(
            f"\n{len(cycles)} cycles, {len(bad)} with problems ({len(bad) - len(unknown)} known, "
            f"{len(unknown)} not), {time.monotonic() - started:.0f} s in all"
        )
        for note in sorted({known(c.problems) for c in bad} - {None}):
            print(f"  known: {note}")
        return 1 if bad else 0
    finally:
        if temporary is not None:
            temporary.cleanup()


if __name__ == "__main__":
    sys.exit(main())
