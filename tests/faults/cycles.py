"""One kill-and-recover cycle: the scenario (a corpus changed since its base index was built, and a clean
build of it), a run killed by a signal, and the checks of the index, the run's claim, a query and the
recovery."""

from __future__ import annotations

import json
import re
import shutil
import signal
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from newssearch import NewsIndex
from newssearch.errors import NewsSearchError
from newssearch.index import index_state

from .corpus import make_corpus, mutate_corpus
from .process import Done, command, one_line_error, run, run_and_signal
from .snapshots import Snapshot, compare, compare_scores, scores, snapshot

MODES = ("build", "update", "rebuild")
SIGNALS = {"SIGKILL": signal.SIGKILL, "SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM}
EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}
#: Every generated article ends with a "(Reporting by …)" line: this word finds them all.
BROAD = "reporting"
NOT_COMMITTED = "nothing was committed"
COMMITTED = "the work was committed"
#: A first build long enough to commit checkpoints, cut short: "… N stories are committed (in checkpoints) …".
CHECKPOINTED = re.compile(r"(\d+) stories are committed \(in checkpoints\)")


@dataclass
class Scenario:
    """A corpus at a fixed path (already changed since ``base`` was built), the index built before the change
    (``base``), and a clean build of the corpus as it is now (``reference``)."""

    workdir: Path
    corpus: Path
    base: Path
    reference: Path
    before: Snapshot
    target: Snapshot
    target_scores: dict
    query_totals: dict  # "before" and "target": the total of the broad query
    broad: str
    durations: dict = field(default_factory=dict)  # mode -> seconds of an uninterrupted run
    startup: float = 0.0  # seconds until a command has parsed its arguments

    def args(self, mode: str, index: Path) -> list[str]:
        rebuild = ["--rebuild"] if mode == "rebuild" else []
        return command("index", self.corpus, "--index", index, *rebuild)

    def prepare(self, mode: str, index: Path) -> Snapshot:
        """Put the index folder in its state before a run of ``mode``; returns that state."""
        if index.exists():
            shutil.rmtree(index)
        if mode == "build":
            return {}
        shutil.copytree(self.base, index)
        return self.before

    def measure(self, modes: Iterable[str] = MODES) -> None:
        """Time an uninterrupted run of each mode (kills are spread over that time), and the start-up: a command
        that imports everything, parses its arguments and fails at once."""
        done = run(command("check", "--index", self.workdir / "no-index-here"), self.workdir)
        self.startup = done.seconds
        for mode in modes:
            index = self.workdir / f"timing-{mode}"
            self.prepare(mode, index)
            done = run(self.args(mode, index), self.workdir)
            if done.returncode != 0:
                raise RuntimeError(f"a clean {mode} run failed: {done.stderr.strip()[-500:]}")
            self.durations[mode] = done.seconds
            shutil.rmtree(index)


def scenario(
    workdir: Path,
    source: Path | None = None,
    articles: int = 200,
    seed: int = 1,
    broad: str | None = None,
    shards: int | None = None,
) -> Scenario:
    """Set up a scenario in ``workdir``: a generated corpus (or a copy of ``source``), built (in ``shards``
    shards), then changed."""
    workdir.mkdir(parents=True, exist_ok=True)
    corpus = workdir / "corpus"
    if corpus.exists():
        shutil.rmtree(corpus)
    if source is None:
        make_corpus(corpus, articles=articles, seed=seed)
        broad = broad or BROAD
    else:
        shutil.copytree(source, corpus, symlinks=False)
        broad = broad or "said"
    base, reference = workdir / "base-index", workdir / "reference-index"
    for folder in (base, reference):
        if folder.exists():
            shutil.rmtree(folder)
    with NewsIndex.create(base, shards=shards) as index:
        index.update([corpus])
    mutate_corpus(corpus, seed=seed)
    with NewsIndex.create(reference, shards=shards) as index:
        index.update([corpus])
    totals = {}
    for name, folder in (("before", base), ("target", reference)):
        with NewsIndex.open(folder) as index:
            totals[name] = index.search(broad, limit=1, snippets=False).total
    return Scenario(
        workdir=workdir,
        corpus=corpus,
        base=base,
        reference=reference,
        before=snapshot(base),
        target=snapshot(reference),
        target_scores=scores(reference),
        query_totals=totals,
        broad=broad,
    )


@dataclass
class Cycle:
    mode: str
    signal: str
    delay: float
    at_commit: bool = False  # the delay counts from the start of the commit, not of the process
    landed: bool = False  # the signal reached a running process (it had not finished yet)
    returncode: int | None = None
    outcome: str = ""  # the index after the kill: "before", "after" (the run's changes), or what else
    claim: str = ""  # for SIGINT/SIGTERM: "not committed", "committed", "none" or "killed early"
    query: str = ""  # "ok", "ok-empty" (an index with no articles answered), "error: …" (one line)
    recovered: bool = False
    matches: bool = False
    problems: list[str] = field(default_factory=list)
    seconds: dict = field(default_factory=dict)


def query_cli(sc: Scenario, index: Path) -> tuple[int | None, str, str | None]:
    """``query BROAD --json`` in a subprocess: (total or None, outcome, what is wrong or None)."""
    query = run(command("query", sc.broad, "--index", index, "--json", "--limit", "1000"), sc.workdir)
    if query.returncode == 0:
        if "Traceback" in query.stderr:
            return None, "traceback", f"query traceback: {query.stderr[-300:]}"
        try:
            total = json.loads(query.stdout)["total"]
        except (ValueError, KeyError) as exc:
            return None, "bad output", f"query printed no JSON document: {exc}: {query.stdout[:200]!r}"
        return total, "ok" if total else "ok-empty", None
    if query.returncode in (1, 2):
        outcome = f"error: {query.stderr.strip()[:120]}"
        wrong = one_line_error(query)
        return None, outcome, f"query failed with {wrong}" if wrong else None
    return None, f"exit {query.returncode}", f"query exit {query.returncode}: {query.stderr.strip()[-300:]!r}"


def query_api(sc: Scenario, index: Path) -> tuple[int | None, str, str | None]:
    """The same through the API, in this process: only NewsSearchError may come out."""
    try:
        with NewsIndex.open(index) as opened:
            total = opened.search(sc.broad, limit=1000, snippets=False).total
    except NewsSearchError as exc:
        return None, f"error: {type(exc).__name__}: {exc}"[:130], None
    except Exception as exc:
        return None, "crash", f"API query raised {type(exc).__name__}: {exc}"[:300]
    return total, "ok" if total else "ok-empty", None


def cycle(
    sc: Scenario,
    mode: str,
    signame: str,
    delay: float,
    index: Path,
    idempotent: bool = False,
    cli_query: bool = True,
    at_commit: bool = False,
) -> Cycle:
    """Run ``mode`` on a fresh copy of the index, send the signal after ``delay`` s, then check and recover."""
    sig = SIGNALS[signame]
    result = Cycle(mode=mode, signal=signame, delay=delay, at_commit=at_commit)
    problems = result.problems
    before = sc.prepare(mode, index)
    watch = index if at_commit else None
    done, result.landed = run_and_signal(sc.args(mode, index), sc.workdir, sig, delay, at_commit=watch)
    result.returncode = done.returncode
    result.seconds["killed run"] = done.seconds
    if done.returncode is None:
        problems.append(f"the {signame}ed run hung: {done.stderr.strip()[-300:]!r}")
        return result
    if "Traceback" in done.stderr or "Exception ignored" in done.stderr:
        problems.append(f"traceback after {signame}: {done.stderr.strip()[-3000:]}")

    # 1. What the index holds now: all of before, or all of this run's work, never a mix.
    try:
        after = snapshot(index)
    except Exception as exc:
        problems.append(f"index unreadable after {signame}: {type(exc).__name__}: {exc}"[:400])
        after = None
    if after is None:
        result.outcome = "unreadable"
    elif after == before:
        result.outcome = "before"
    elif after == sc.target:
        result.outcome = "after"
    elif mode == "build" and after.items() <= sc.target.items() and index_state(index) == "building":
        result.outcome = "checkpoint"  # the whole files of a first build's checkpoints; the next run resumes
    else:
        result.outcome = "mixed"
        problems.extend(compare(after, sc.target, "neither before nor after; vs clean build"))

    # 2. What the run said about it.
    finished = done.returncode == 0 or bool(re.search(r"^(Indexed|Rebuilt): ", done.stdout, re.MULTILINE))
    if not result.landed:
        if done.returncode != 0:
            problems.append(
                f"finished before the signal, exit {done.returncode}: {done.stderr.strip()[-300:]}"
            )
    elif sig == signal.SIGKILL:
        if done.returncode not in (-signal.SIGKILL, 0):
            problems.append(f"exit {done.returncode} after SIGKILL")
    else:
        result.claim = _check_claim(done, sig, result.outcome, finished, problems)

    # 3. A query now works, or is a one-line error.
    started = time.monotonic()
    expected = {"before": sc.query_totals["before"] if before else 0, "after": sc.query_totals["target"]}
    total, result.query, wrong = (query_cli if cli_query else query_api)(sc, index)
    result.seconds["query"] = time.monotonic() - started
    if wrong:
        problems.append(wrong)
    elif total is not None and result.outcome in expected and total != expected[result.outcome]:
        problems.append(f"query total {total}, but the index holds the {result.outcome} state")

    # 4. A finishing run succeeds, and then the index equals a clean build.
    finish = run(command("index", sc.corpus, "--index", index), sc.workdir)
    result.seconds["recovery"] = finish.seconds
    if finish.returncode != 0 or "Traceback" in finish.stderr:
        problems.append(f"finishing run: exit {finish.returncode}: {finish.stderr.strip()[-400:]!r}")
        return result
    result.recovered = True
    try:
        diffs = compare(snapshot(index), sc.target, "after the finishing run")
        diffs += compare_scores(scores(index), sc.target_scores)
    except Exception as exc:
        diffs = [f"index unreadable after the finishing run: {type(exc).__name__}: {exc}"[:400]]
    problems.extend(diffs)
    result.matches = not diffs
    if idempotent and result.matches:
        again = run(command("index", sc.corpus, "--index", index), sc.workdir)
        if again.returncode != 0 or " 0 added, 0 updated, 0 removed" not in again.stdout:
            problems.append(f"a second finishing run changed something: {again.stdout.strip()[:200]!r}")
    return result


def _check_claim(done: Done, sig: int, outcome: str, finished: bool, problems: list[str]) -> str:
    """Exit code and message after SIGINT/SIGTERM, and whether the message tells the truth. Returns the claim:
    "not committed", "committed", "none" ("Interrupted." alone, before anything changed), "killed early" (the
    default action of the signal, before Python's handler was in place), "too late" (the run had printed its
    summary: the signal came as it exited)."""
    name = signal.Signals(sig).name
    if (
        finished
        and outcome == "after"
        and done.returncode in (0, -sig, EXIT_CODES[sig])
        and not done.stderr.strip()
    ):
        return (
            "too late"  # its work done and reported; the interpreter was on its way out (or had handled it)
        )
    if done.returncode == -sig:
        if outcome != "before":
            problems.append(f"{name} ended the process by its default action after it had changed the index")
        return "killed early"
    if done.returncode != EXIT_CODES[sig]:
        problems.append(
            f"exit {done.returncode} after {name}, expected {EXIT_CODES[sig]}: {done.stderr[-300:]!r}"
        )
    kept = CHECKPOINTED.search(done.stderr)
    if kept:
        if outcome != "checkpoint":
            problems.append(f"said {kept.group(0)!r}, but the index holds the {outcome} state")
        return "checkpointed"
    if NOT_COMMITTED in done.stderr:
        if outcome != "before":
            problems.append(f"said {NOT_COMMITTED!r}, but the index holds the {outcome} state")
        return "not committed"
    if COMMITTED in done.stderr:
        if outcome != "after":
            problems.append(f"said {COMMITTED!r}, but the index holds the {outcome} state")
        return "committed"
    if "Interrupted" not in done.stderr:
        problems.append(f"no 'Interrupted' message after {name}: {done.stderr[-300:]!r}")
    elif outcome != "before":
        problems.append(f"said only 'Interrupted.' after it had committed its work ({outcome} state)")
    return "none"
