"""The long run: when to kill (points spread over an uninterrupted run, a share late or after the commit
began), and many cycles run a few at a time."""

from __future__ import annotations

import random
from collections.abc import Iterable
from pathlib import Path

from .cycles import Cycle, Scenario, cycle


def delays(
    rng: random.Random, duration: float, count: int, late: float = 0.0, start: float = 0.02
) -> list[float]:
    """Points to kill at: stratified from ``start`` over an uninterrupted run's duration (start-up, reading,
    committing, and a little past its end), with a share ``late`` of them in its last quarter, where the commit
    happens."""
    end = max(duration * 1.03, start + 0.05)
    n_late = round(count * late)
    n_spread = count - n_late
    step = (end - start) / max(n_spread, 1)
    points = [rng.uniform(start + i * step, start + (i + 1) * step) for i in range(n_spread)]
    points += [rng.uniform(max(start, duration * 0.75), end) for _ in range(n_late)]
    rng.shuffle(points)
    return [round(p, 3) for p in points]


#: Kills "at the commit" come this many seconds at most after the commit began: it takes a few hundredths of a
#: second on the generated corpus, and the run then saves its meta file and cache and prints its report.
COMMIT_WINDOW = 0.2


def kill_plan(
    rng: random.Random,
    duration: float,
    count: int,
    *,
    late: float = 0.0,
    at_commit: float = 0.0,
    start: float = 0.02,
    window: float = COMMIT_WINDOW,
) -> list[tuple[float, bool]]:
    """(delay, at_commit) for ``count`` kills: a share ``at_commit`` of them a random time within ``window`` after
    the commit began, the others spread over the run by ``delays``."""
    n_commit = min(count, max(1 if at_commit > 0 else 0, round(count * at_commit)))
    timed = [(d, False) for d in delays(rng, duration, count - n_commit, late=late, start=start)]
    committing = [(round(rng.uniform(0.0, window), 4), True) for _ in range(n_commit)]
    plan = timed + committing
    rng.shuffle(plan)
    return plan


def after_startup(sc: Scenario) -> float:
    """The earliest kill the test suite makes: well after start-up (with room for a busy machine), so that the
    signal reaches the command itself, not the interpreter's imports or the argument parser (their known
    problems are tested on their own)."""
    return max(0.5, 1.6 * sc.startup)


def run_cycles(
    sc: Scenario,
    specs: Iterable[tuple],
    workdir: Path,
    jobs: int = 1,
    idempotent: bool = False,
    report=None,
    cli_queries: int | None = None,
) -> list[Cycle]:
    """Run (mode, signal, delay) or (mode, signal, delay, at_commit) cycles, ``jobs`` at a time, each in its own
    index folder under ``workdir``. The query after each kill runs the CLI, or for all but the first
    ``cli_queries`` cycles, the API."""
    from concurrent.futures import ThreadPoolExecutor

    specs = list(specs)

    def one(numbered):
        number, (mode, signame, delay, *rest) = numbered
        folder = workdir / f"index-{number % max(jobs, 1)}"
        cli = cli_queries is None or number < cli_queries
        at_commit = bool(rest and rest[0])
        c = cycle(sc, mode, signame, delay, folder, idempotent=idempotent, cli_query=cli, at_commit=at_commit)
        if report:
            report(c)
        return c

    if jobs <= 1:
        return [one(item) for item in enumerate(specs)]
    # Each worker reuses one folder: number % jobs is unique among the cycles running at the same time.
    results: list[Cycle] = []
    with ThreadPoolExecutor(jobs) as pool:
        for start in range(0, len(specs), jobs):
            batch = list(enumerate(specs))[start : start + jobs]
            results.extend(pool.map(one, batch))
    return results
