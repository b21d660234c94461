"""Fault injection: `newssearch index` killed (SIGKILL, SIGINT, SIGTERM) at random points never leaves the index
broken, and an interrupt says truly what it left. Readers and a second writer are in test_faults_readers.py.

The machinery is in tests/fault_injection.py, which also runs the long version:
`.venv/bin/python -m tests.fault_injection --kills 20`.
"""

from __future__ import annotations

import os
import random
import signal
import sys
import warnings
from pathlib import Path

import pytest

from newssearch import NewsIndex

from . import fault_injection as fi

pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or not Path("/proc/locks").exists(), reason="needs POSIX signals and /proc/locks"
)


#: Kills per mode and signal in the suite (FAULT_KILLS=9 for more; the script runs as many as asked): a third of
#: them (at least one) a random moment into the commit (watched for), the others at random moments from start-up
#: to the end. Two keep the file within a minute on two cores.
KILLS = int(os.environ.get("FAULT_KILLS", "2"))


def test_the_scenario_is_what_the_kills_need(sc):
    """The corpus change is one that an update has to work for, and the broad query finds every article."""
    assert len(sc.before) >= 150 and len(sc.target) >= 150
    assert sc.before.keys() != sc.target.keys()  # files were added and deleted
    changed = [k for k in sc.before.keys() & sc.target.keys() if sc.before[k] != sc.target[k]]
    assert changed  # and edited
    assert sc.query_totals == {"before": len(sc.before), "target": len(sc.target)}
    assert all(sc.target_scores[q] for q in fi.QUERIES), "every check query finds something"
    assert set(sc.durations) == set(fi.MODES)


@pytest.mark.parametrize("signame", list(fi.SIGNALS))
@pytest.mark.parametrize("mode", fi.MODES)
def test_killed_run_leaves_the_index_whole_and_the_next_run_finishes_it(sc, mode, signame, tmp_path):
    """Kill a first build, an incremental update or a --rebuild at seeded random moments: some from start-up
    (whose own signal handling is tested below) to the end, a third a moment into the commit. After each kill
    the index holds exactly its state before the run or exactly the run's result; SIGINT/SIGTERM exit 130/143
    saying truthfully whether the work was committed; a query works or is a one-line error; a finishing run
    succeeds and gives the same articles and scores as a clean build."""
    rng = random.Random(f"{mode}-{signame}")
    plan = fi.kill_plan(rng, sc.durations[mode], KILLS, at_commit=1 / 3, start=fi.after_startup(sc))
    specs = [(mode, signame, delay, at_commit) for delay, at_commit in plan]
    cycles = fi.run_cycles(sc, specs, tmp_path, jobs=2, cli_queries=1)  # the others query through the API
    # The run's duration was timed once, and a fast or busy moment can end a run before its signal: those kills
    # are made again, earlier, so that each test sends signals that land. Every cycle run is checked.
    start, latest = fi.after_startup(sc), cycles
    for attempt in range(3):
        if sum(c.landed for c in cycles) >= max(1, KILLS - 1):
            break
        earlier = [
            (mode, signame, c.delay / 2 if c.at_commit else start + (c.delay - start) / 2, c.at_commit)
            for c in latest
            if not c.landed
        ]
        latest = fi.run_cycles(sc, earlier, tmp_path / f"again{attempt}", jobs=2)
        cycles += latest

    def describe(c: fi.Cycle) -> str:
        return (
            f"{'commit' if c.at_commit else 'start'}+{c.delay} s (exit {c.returncode}, index {c.outcome}, "
            f"claim {c.claim!r}, query {c.query!r}): " + "; ".join(c.problems)
        )

    # A signal that lands while Python itself starts up (before newssearch's code runs) is outside newssearch: it
    # is reported as a warning, so that this test fails only for newssearch's own problems.
    known = [c for c in cycles if c.problems and fi.known(c.problems)]
    for c in known:
        warnings.warn(f"known problem: {fi.known(c.problems)}: {describe(c)}", stacklevel=1)
    checked = [c for c in cycles if not any(c is k for k in known)]
    report = [describe(c) for c in checked if c.problems]
    assert not report, "\n".join(report)
    assert all(c.recovered and c.matches for c in checked)
    assert all(c.outcome in ("before", "after") for c in checked)
    assert sum(c.landed for c in cycles) >= max(1, KILLS - 1), "the signals came too late to test anything"


@pytest.mark.parametrize(
    ("interrupt", "code"),
    [
        pytest.param("KeyboardInterrupt", 130, id="SIGINT"),
        pytest.param("Terminated", 143, id="SIGTERM"),
    ],
)
def test_a_signal_while_the_arguments_are_parsed_says_interrupted_with_its_exit_code(
    interrupt, code, tmp_path, monkeypatch, capsys
):
    """Seen for real: `index` sent SIGTERM 0.17-0.22 s after its start (while Typer coerces the arguments; the
    stack ends in typer/core.py parse_args -> pydantic imports) exits 130 with nothing on stderr; SIGINT there
    exits 130 silently too. Here the signal's exception is raised from Typer's argument parsing. Expected: exit
    130 for SIGINT and 143 for SIGTERM, and an "Interrupted" line, as anywhere else."""
    import typer.core

    from newssearch import cli

    def parse_args(self, ctx, args):
        # What the signal's handler raises (Python's for SIGINT, the CLI's for SIGTERM), while Typer parses.
        if interrupt == "Terminated":
            cli._on_sigterm(signal.SIGTERM, None)  # what the CLI's SIGTERM handler does
        raise KeyboardInterrupt

    monkeypatch.setattr(typer.core.TyperGroup, "parse_args", parse_args)
    monkeypatch.setattr(sys, "argv", ["newssearch", "index", str(tmp_path), "--index", str(tmp_path / "ix")])
    handler = signal.getsignal(signal.SIGTERM)
    try:
        with pytest.raises(SystemExit) as exit_info:
            cli.main()
    finally:
        signal.signal(signal.SIGTERM, handler)  # cli.main() installs its own
    assert exit_info.value.code == code
    assert "Interrupted" in capsys.readouterr().err


@pytest.mark.parametrize("rebuild", [False, True], ids=["index", "rebuild"])
def test_an_interrupt_after_the_commit_says_the_work_was_committed(corpus, index_path, monkeypatch, rebuild):
    """Seen for real in the long run (`python -m tests.fault_injection`): SIGINT 1.258 s into a 1.36 s
    `index --rebuild` exited 130 saying only "Interrupted.", and the index held the rebuilt corpus. The window
    is in the CLI after ``NewsIndex.update`` has returned (committed): ``_run_update``'s ``finally``, closing the
    index, ``_print_report``. Inside ``update`` the same interrupt is reported truthfully ("the work was
    committed"). Here the interrupt is raised while the summary is printed. Expected: "the work was committed",
    as the README promises a truthful answer."""
    from typer.testing import CliRunner

    from newssearch import cli
    from newssearch.cli import build

    def interrupted(report, console):
        raise KeyboardInterrupt  # Ctrl-C while the summary is printed

    monkeypatch.setattr(build, "print_report", interrupted)
    args = ["index", str(corpus), "--index", str(index_path), *(["--rebuild"] if rebuild else [])]
    result = CliRunner().invoke(cli.app, args)
    assert result.exit_code == 130
    with NewsIndex.open(index_path) as index:
        assert len(index) > 0  # the work was committed
    assert fi.COMMITTED in result.stderr, result.stderr


def test_an_interrupt_while_a_file_is_opened_is_not_lost(corpus, index_path, monkeypatch):
    """Seen for real in the long run: SIGINT 0.919 s into `index --rebuild` gave exit 0, stderr `Skipped
    …/latest/30006-jerome-powell-meets-nato-chief-in.txt: Bad file descriptor`, and an index that was neither
    the old one nor the new one (that article missing). ``_open_regular`` does ``fd = os.open(...)``, then
    ``return os.fdopen(fd, "rb")`` inside ``try/except BaseException: os.close(fd); raise``. When the interrupt
    is raised after the file object was made but before ``os.fdopen`` has returned it, the object is dropped,
    which closes the fd; ``os.close(fd)`` then raises OSError(EBADF), which replaces the KeyboardInterrupt;
    ``_read_bytes`` turns it into ReadError("Bad file descriptor"): the file is skipped and the run goes on.
    (Closing an fd twice can also close a file another thread has just opened.) Here os.fdopen is made to drop
    its file object and raise KeyboardInterrupt for one file. Expected: the update is interrupted, nothing is
    committed."""
    real_fdopen = os.fdopen
    fired = []

    def fdopen(fd, *args, **kwargs):
        path = os.readlink(f"/proc/self/fd/{fd}")
        handle = real_fdopen(fd, *args, **kwargs)
        if not fired and path.endswith("storm.txt"):
            fired.append(path)
            del handle  # dropped as the interrupt unwinds os.fdopen: the file object closes the fd
            raise KeyboardInterrupt
        return handle

    monkeypatch.setattr(os, "fdopen", fdopen)
    with NewsIndex.create(index_path) as index:
        try:
            report = index.update([corpus])
        except KeyboardInterrupt:
            report = None
    monkeypatch.undo()
    assert fired, "the interrupt was never raised"
    skipped = report.skipped if report else []
    assert report is None, f"the interrupt was lost: the run finished, skipping {skipped}"
    with NewsIndex.open(index_path) as index:
        assert len(index) == 0, "an interrupted first build committed articles"
