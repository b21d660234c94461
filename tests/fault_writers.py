"""Fault injection for writers: `newssearch index` runs at once, and first builds killed part way.

Two rows of issue 17's goals:

- **Concurrent writers.** Two to four ``python -m newssearch index`` runs start at once (or up to 1.5 s apart,
  seeded) on the same index, in 20 trials on an empty folder and 20 on a full index (built before the corpus was
  changed). Half of the trials give every run the whole corpus, half give each run its own topic folder. Every run
  waits for the write lock ($NEWSSEARCH_LOCK_TIMEOUT=120) and must exit 0 with no traceback; the index must then
  hold no duplicate id, equal a clean build (ids, fields and scores), pass ``check``, and the runs' reported
  changes (added, updated, removed) must add up to what one run (or one run per topic folder) reports: each
  change committed once.
- **A killed first build.** A first build of Reuters-21578 is killed (SIGKILL) at a seeded point; the next run
  must read at most the stories after the last checkpoint (the stories it reports read, against those the index
  did not hold after the kill), and then equal a clean build (ids, fields, reprint groups and scores).

Prints a table of trials tried / failed / lost (committed data lost or changed) and the measured figures; exits
1 when any trial failed. From the checkout root::

    .venv/bin/python -m tests.fault_writers
    .venv/bin/python -m tests.fault_writers --trials 4 --kills 0
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import newssearch
from newssearch import NewsIndex

from . import fault_injection as fi

REUTERS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "reuters21578"
TOPICS = (
    "business",
    "economy",
    "health",
    "politics",
)  # the topic folders of the generated corpus given to runs
SUMMARY = re.compile(r"^(?:Indexed|Rebuilt): (\d+) added, (\d+) updated, (\d+) removed", re.MULTILINE)
#: Seconds after which a killed first build must have committed something (a checkpoint comes after a minute,
#: at the end of a file; start-up and the first file take a few seconds more).
CHECKPOINT_AFTER = 90.0
QUERIES = ("oil prices", "bank rates", '"central bank"', "storm OR flood", "reporting")


@dataclass
class Row:
    what: str
    tried: int = 0
    failed: int = 0
    lost: int = 0
    figures: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)


def environment(workdir: Path) -> dict[str, str]:
    """``fault_injection.environment``, with the ``newssearch`` this process imported (not an installed one)."""
    return {**fi.environment(workdir), "PYTHONPATH": str(Path(newssearch.__file__).resolve().parents[1])}


def _reported(stdout: str) -> tuple[int, int, int]:
    found = SUMMARY.search(stdout)
    return tuple(int(n) for n in found.groups()) if found else (0, 0, 0)  # type: ignore[return-value]


def _api_report(index: Path, paths: list[Path]) -> tuple[int, int, int]:
    with NewsIndex.create(index) as ix:
        report = ix.update(paths)
    return report.added, report.updated, report.removed


def stored(index: Path) -> tuple[list[str], dict[str, tuple]]:
    """Every stored article's id (duplicates kept) and, by id, its row (``fault_injection._row``) and group."""
    from whoosh import index as whoosh_index

    from newssearch.engine.documents import to_article

    ix = whoosh_index.open_dir(str(index), indexname="MAIN")
    with ix.searcher() as searcher:
        docs = list(searcher.all_stored_fields())
    return [d["id"] for d in docs], {d["id"]: (*fi._row(to_article(d)), d.get("group")) for d in docs}


def _differences(index: Path, want: dict[str, tuple], want_scores: dict, groups: bool) -> list[str]:
    _ids, rows = stored(index)
    if not groups:
        rows = {k: v[:-1] for k, v in rows.items()}
        want = {k: v[:-1] for k, v in want.items()}
    problems = fi.compare(rows, want)
    with NewsIndex.open(index) as ix:
        got = {q: {h.id: h.score for h in ix.search(q, limit=1000, snippets=False).hits} for q in want_scores}
        check = ix.check()
    problems += fi.compare_scores(got, want_scores)
    problems += [f"check: {p}"[:200] for p in check.problems]
    return problems


def scores(index: Path) -> dict:
    with NewsIndex.open(index) as ix:
        return {q: {h.id: h.score for h in ix.search(q, limit=1000, snippets=False).hits} for q in QUERIES}


# --- concurrent writers --------------------------------------------------------------------------------------


@dataclass
class Writers:
    workdir: Path
    corpus: Path
    bases: dict[str, Path]  # kind ("same", "parts") -> the index of the corpus before it changed
    # (base, kind, runs) -> what the same runs made one after another: their summed report, rows and scores
    expected: dict[tuple[str, str, int], tuple[tuple[int, ...], dict, dict]]


def _paths(corpus: Path, kind: str, n: int) -> list[list[Path]]:
    return [[corpus] for _ in range(n)] if kind == "same" else [[corpus / t] for t in TOPICS[:n]]


def prepare_writers(
    workdir: Path,
    seed: int,
    runs: tuple[int, ...] = (2, 3, 4),
    kinds: tuple[str, ...] = ("same", "parts"),
    articles: int = 60,
) -> Writers:
    """A generated corpus, an index of it (whole, and topic folder by topic folder) before it changed, and what
    each trial's runs make when they run one after another."""
    corpus = workdir / "corpus"
    fi.make_corpus(corpus, articles=articles, records=10, seed=seed)
    bases = {}
    for kind in kinds:
        bases[kind] = workdir / f"base-{kind}"
        for paths in _paths(corpus, kind, len(TOPICS)):
            _api_report(bases[kind], paths)
    fi.mutate_corpus(corpus, seed=seed)
    expected = {}
    for kind in kinds:
        for n in runs:
            for base in ("empty", "full"):
                index = workdir / f"expected-{base}-{kind}-{n}"
                if base == "full":
                    shutil.copytree(bases[kind], index)
                reports = [_api_report(index, paths) for paths in _paths(corpus, kind, n)]
                summed = tuple(map(sum, zip(*reports, strict=True)))
                expected[(base, kind, n)] = (summed, stored(index)[1], scores(index))
    return Writers(workdir, corpus, bases, expected)


def writers_trial(w: Writers, base: str, kind: str, n: int, rng: random.Random, row: Row) -> None:
    index = w.workdir / "index"
    if index.exists():
        shutil.rmtree(index)
    if base == "full":
        shutil.copytree(w.bases[kind], index)
    env = {**environment(w.workdir), "NEWSSEARCH_LOCK_TIMEOUT": "120"}
    procs = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, paths in enumerate(_paths(w.corpus, kind, n)):
            if i:
                time.sleep(rng.choice([0.0, 0.0, rng.uniform(0, 1.5)]))
            out, err = open(Path(tmp) / f"{i}.out", "w+"), open(Path(tmp) / f"{i}.err", "w+")  # noqa: SIM115
            args = fi.command("index", *paths, "--index", index)
            procs.append(
                (subprocess.Popen(args, cwd=w.workdir, env=env, stdout=out, stderr=err, text=True), out, err)
            )
        done = []
        for proc, out, err in procs:
            try:
                proc.wait(timeout=fi.TIMEOUT * 2)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            out.seek(0)
            err.seek(0)
            done.append((proc.returncode, out.read(), err.read()))
            out.close()
            err.close()
    problems = []
    crashes = 0
    for code, _out, err in done:
        if code != 0 or "Traceback" in err or "unexpected" in err:
            crashes += 1
            problems.append(f"a run exited {code}: {err.strip()[-300:]!r}")
    try:
        ids, _ = stored(index)
    except Exception as exc:
        ids = []
        problems.append(f"index unreadable: {type(exc).__name__}: {exc}")
    duplicates = len(ids) - len(set(ids))
    if duplicates:
        problems.append(f"{duplicates} duplicate ids of {len(ids)} stories")
    summed = tuple(map(sum, zip(*[_reported(out) for _, out, _ in done], strict=True)))
    want_summed, want_rows, want_scores = w.expected[(base, kind, n)]
    if summed != want_summed:
        problems.append(f"runs reported {summed} (added, updated, removed), one after another {want_summed}")
    lost = False
    if not duplicates and ids:
        diffs = _differences(index, want_rows, want_scores, groups=False)
        lost = bool(diffs)
        problems += diffs
    row.tried += 1
    row.figures["duplicate ids"] += duplicates
    row.figures["crashes"] += crashes
    row.figures[f"runs ({base})"] += n
    if problems:
        row.failed += 1
        row.lost += lost or bool(duplicates)
        row.problems.append(f"{base}/{kind}/{n} runs: " + "; ".join(problems)[:600])


# --- a killed first build ------------------------------------------------------------------------------------


def killed_builds(workdir: Path, corpus: Path, kills: int, seed: int, row: Row, copies: int = 1) -> None:
    """``copies`` > 1: the corpus's files copied that many times into the work folder (a build long enough to
    pass several checkpoints: all of Reuters-21578 takes about 40 s, under the first checkpoint's minute)."""
    rng = random.Random(f"kills-{seed}")
    workdir.mkdir(parents=True, exist_ok=True)
    if copies > 1:
        copied = workdir / "corpus"
        shutil.rmtree(copied, ignore_errors=True)
        for n in range(copies):
            shutil.copytree(corpus, copied / f"copy{n}")
        corpus = copied
    os.environ["PYTHONPATH"] = environment(workdir)["PYTHONPATH"]  # for fault_injection's runs
    reference = workdir / "reuters-reference"
    started = time.monotonic()
    clean = fi.run(fi.command("index", corpus, "--index", reference), workdir, timeout=1800)
    duration = time.monotonic() - started
    if clean.returncode != 0:
        raise RuntimeError(f"a clean build failed: {clean.stderr[-500:]}")
    _, want = stored(reference)
    want_scores = scores(reference)
    total = len(want)
    for k in range(kills):
        index = workdir / "reuters-killed"
        if index.exists():
            shutil.rmtree(index)
        delay = round(duration * rng.uniform(0.3, 0.9), 2)
        _killed, landed = fi.run_and_signal(
            fi.command("index", corpus, "--index", index), workdir, signal.SIGKILL, delay, timeout=1800
        )
        try:
            kept = len(stored(index)[0]) if fi.index_state(index) != "missing" else 0
        except Exception:
            kept = 0  # no commit yet: nothing to read
        resumed = fi.run(fi.command("index", corpus, "--index", index), workdir, timeout=1800)
        added, updated, _ = _reported(resumed.stdout)
        reread = added + updated  # the stories the next run read and wrote
        print(
            f"  kill {k + 1} at {delay} s (landed: {landed}): {kept} kept, {reread} re-read of {total}",
            flush=True,
        )
        if not landed:  # the build had finished: no trial
            continue
        row.tried += 1
        row.figures["stories"] += total
        row.figures["re-read"] += reread
        row.figures["kept at the kill"] += kept
        problems = []
        if resumed.returncode != 0:
            problems.append(f"the next run exited {resumed.returncode}: {resumed.stderr.strip()[-300:]!r}")
        if reread > total - kept:
            problems.append(f"re-read {reread} stories; {kept} of {total} were committed at the kill")
        if not kept and delay > CHECKPOINT_AFTER:
            problems.append(
                f"killed after {delay} s, nothing had been committed: all {reread} stories read again"
            )
        diffs = _differences(index, want, want_scores, groups=True) if resumed.returncode == 0 else []
        problems += diffs
        if problems:
            row.failed += 1
            row.lost += bool(diffs)
            row.problems.append(f"kill at {delay} s: " + "; ".join(problems)[:600])


def table(rows: list[Row]) -> str:
    lines = ["| row | tried | failed | lost | figures |", "|---|---|---|---|---|"]
    for r in rows:
        figures = ", ".join(f"{k} {v}" for k, v in r.figures.items())
        lines.append(f"| {r.what} | {r.tried} | {r.failed} | {r.lost} | {figures} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--trials", type=int, default=20, help="trials on an empty and on a full index (each)"
    )
    parser.add_argument("--kills", type=int, default=2, help="killed first builds of Reuters-21578")
    parser.add_argument("--reuters", type=Path, default=REUTERS)
    parser.add_argument(
        "--copies", type=int, default=1, help="the corpus this many times over (killed builds)"
    )
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument(
        "--workdir", type=Path, default=None, help="kept afterwards (default: a temporary one)"
    )
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="fault-writers-"))
    workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        concurrent = Row("2-4 `index` runs at once (empty / full index)")
        rows.append(concurrent)
        if args.trials:
            w = prepare_writers(workdir / "writers", args.seed)
            rng = random.Random(f"writers-{args.seed}")
            for trial in range(args.trials):
                for base in ("empty", "full"):
                    kind = ("same", "parts")[trial % 2]
                    n = 2 + (trial // 2) % 3
                    writers_trial(w, base, kind, n, rng, concurrent)
            print(f"concurrent writers: {concurrent.tried} trials, {concurrent.failed} failed", flush=True)
        killed = Row("killed first build of Reuters-21578" + (f" x{args.copies}" if args.copies > 1 else ""))
        rows.append(killed)
        if args.kills and args.reuters.is_dir():
            killed_builds(workdir / "kills", args.reuters, args.kills, args.seed, killed, args.copies)
        elif args.kills:
            print(f"no corpus at {args.reuters}: the killed builds are left out", file=sys.stderr)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print(table(rows))
    for r in rows:
        for problem in r.problems[:10]:
            print(f"- {r.what}: {problem}")
    return 1 if any(r.failed for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
