"""Fault injection for sharded builds: `newssearch index --shards 4` (in one process, or on a local Dask cluster
with `--workers 2`) killed with SIGKILL at random moments, and a Dask worker killed during a cluster build.

Each kill of the client is one cycle of ``faults.cycles.cycle`` on a 4-shard index: after the kill the index
holds exactly what it held before the run or exactly the run's work (one manifest switched in one rename), a
query answers, and the next (plain) run finishes the work and equals a clean sharded build (same articles and
scores). A third of the kills are aimed at the commit: a moment after a shard's first new segment file appears.
A worker kill sends SIGKILL to one of the cluster's worker processes a random moment into the build: the run then
finishes on the worker left (Dask runs its reading tasks again) or stops with one line saying nothing was
committed; either way the index is then as before or whole, and the next run equals a clean build.

Prints a table of trials tried / failed and exits 1 when any failed. From the checkout root::

    .venv/bin/python -m tests.fault_shards     # 20 kills of runs, 6 of runs on a cluster, 6 of a cluster's worker
    .venv/bin/python -m tests.fault_shards --kills 4 --cluster-kills 1 --worker-kills 1
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .faults import cycles
from .faults.cycles import Scenario
from .faults.process import command, environment, one_line_error, run
from .faults.snapshots import compare, compare_scores, scores, snapshot

SHARDS = 4


@dataclass
class ShardedScenario(Scenario):
    """``Scenario`` of a sharded index; ``cluster``: the runs use a local Dask cluster of two workers."""

    cluster: bool = False

    def args(self, mode: str, index: Path) -> list[str]:
        extra = ["--rebuild"] if mode == "rebuild" else []
        extra += ["--workers", "2"] if self.cluster else []
        return command("index", self.corpus, "--index", index, "--shards", SHARDS, *extra)


def sharded_scenario(
    workdir: Path, articles: int = 200, seed: int = 1, cluster: bool = False
) -> ShardedScenario:
    """A generated corpus built into a 4-shard index, then changed; a clean 4-shard build of the change."""
    made = cycles.scenario(workdir, articles=articles, seed=seed, shards=SHARDS)
    return ShardedScenario(**vars(made), cluster=cluster)


def client_kills(sc: ShardedScenario, kills: int, seed: int) -> list[cycles.Cycle]:
    """``kills`` SIGKILLs of ``index --shards 4`` runs (updates and rebuilds), a third aimed at the commit."""
    rng = random.Random(seed)
    sc.measure(("update", "rebuild"))
    done = []
    for n in range(kills):
        mode = ("update", "rebuild")[n % 2]
        at_commit = n % 3 == 2
        delay = rng.uniform(0, 0.5) if at_commit else rng.uniform(0.3, sc.durations[mode])
        index = sc.workdir / f"killed-{n}"
        done.append(cycles.cycle(sc, mode, "SIGKILL", delay, index, at_commit=at_commit))
        shutil.rmtree(index, ignore_errors=True)
    return done


def _workers_of(pid: int) -> list[int]:
    """The Dask worker processes of a client that started a local cluster: the processes it spawned (Dask's
    nannies run in the client and spawn one each), not its resource tracker."""
    import psutil

    try:
        found = []
        for child in psutil.Process(pid).children(recursive=True):
            line = " ".join(child.cmdline())
            if "spawn_main" in line and "resource_tracker" not in line:
                found.append(child.pid)
        return found
    except psutil.Error:
        return []


def worker_kill(sc: ShardedScenario, delay: float, index: Path) -> tuple[list[str], bool]:
    """A rebuild on a local cluster whose worker is killed ``delay`` s after the workers appear: the problems,
    and whether the kill landed (the run had not finished)."""
    problems: list[str] = []
    before = sc.prepare("update", index)
    rebuilt = sc.target  # a rebuild of the changed corpus: the clean build
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        args = command("index", sc.corpus, "--index", index, "--workers", "2", "--rebuild")
        proc = subprocess.Popen(
            args, cwd=sc.workdir, env=environment(sc.workdir), stdout=out, stderr=err, text=True
        )
        start, killed = time.monotonic(), False
        while proc.poll() is None and time.monotonic() - start < 60 and not killed:
            workers = _workers_of(proc.pid)
            if len(workers) >= 2:
                time.sleep(delay)
                with contextlib.suppress(ProcessLookupError):
                    os.kill(workers[0], signal.SIGKILL)
                    killed = True
            time.sleep(0.05)
        try:
            code = proc.wait(timeout=180)
        except subprocess.TimeoutExpired:
            proc.kill()
            return ["the run hung after its worker was killed"], killed
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if code not in (0, 1):
        problems.append(f"exit {code} after a worker was killed: {stderr[-400:]!r}")
    if code == 1:
        wrong = one_line_error(cycles.Done(code, stdout, stderr, 0.0))
        if wrong or ("nothing was committed" not in stderr and "nothing was written" not in stderr):
            problems.append(
                f"a failed run must say in one line that nothing was committed: {stderr[-400:]!r}"
            )
    after = snapshot(index)
    if after not in (before, rebuilt):
        problems.extend(compare(after, sc.target, "neither before nor after"))
    finish = run(command("index", sc.corpus, "--index", index), sc.workdir)
    if finish.returncode != 0:
        problems.append(f"finishing run: exit {finish.returncode}: {finish.stderr[-300:]!r}")
        return problems, killed
    problems += compare(snapshot(index), sc.target, "after the finishing run")
    problems += compare_scores(scores(index), sc.target_scores)
    return problems, killed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=20, help="SIGKILLs of sharded runs")
    parser.add_argument(
        "--cluster-kills", type=int, default=6, help="SIGKILLs of runs on a local Dask cluster"
    )
    parser.add_argument("--worker-kills", type=int, default=6, help="SIGKILLs of a cluster's worker")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="fault-shards-"))
    started = time.monotonic()
    sc = sharded_scenario(workdir / "local")
    rows: list[tuple[str, int, int, Counter[str]]] = []
    local = client_kills(sc, args.kills, args.seed)
    rows.append(("client SIGKILL, --shards 4", len(local), sum(bool(c.problems) for c in local), Counter()))
    rows[-1][3].update(c.outcome for c in local)
    for c in local:
        for problem in c.problems[:3]:
            print(f"  {c.mode} {c.delay:.2f}s: {problem}"[:400])
    on_cluster = dataclasses.replace(sc, cluster=True, durations={})
    remote = client_kills(on_cluster, args.cluster_kills, args.seed + 1) if args.cluster_kills else []
    rows.append(
        ("client SIGKILL, --workers 2", len(remote), sum(bool(c.problems) for c in remote), Counter())
    )
    rows[-1][3].update(c.outcome for c in remote)
    for c in remote:
        for problem in c.problems[:3]:
            print(f"  cluster {c.mode} {c.delay:.2f}s: {problem}"[:400])
    worker_problems, landed = 0, 0
    rng = random.Random(args.seed)
    for n in range(args.worker_kills):
        problems, killed = worker_kill(sc, rng.uniform(0.5, 2.5), workdir / f"worker-{n}")
        worker_problems += bool(problems)
        landed += killed
        for problem in problems[:3]:
            print(f"  worker kill {n}: {problem}"[:400])
    rows.append(("worker SIGKILL, --workers 2", args.worker_kills, worker_problems, Counter(landed=landed)))
    print(f"\n{'trial':32} {'tried':>6} {'failed':>7}  outcomes after the kill")
    for what, tried, failed, outcomes in rows:
        print(f"{what:32} {tried:>6} {failed:>7}  {dict(outcomes) or ''}")
    print(f"\n{time.monotonic() - started:.0f} s in {workdir}")
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if any(failed for _, _, failed, _ in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
