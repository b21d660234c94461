"""Running ``python -m newssearch`` in a subprocess for the fault scripts: its environment, a run with a time
limit, a run sent a signal (from its start or from the start of its commit), and reading what it left behind
(its error lines, the holders of the index's write lock)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

#: Seconds any subprocess may take before it is killed and the cycle counted as a hang.
TIMEOUT = 120.0


def command(*args: object) -> list[str]:
    return [sys.executable, "-m", "newssearch", *(str(a) for a in args)]


def environment(workdir: Path) -> dict[str, str]:
    """The default index and corpus point at folders that do not exist: a query never builds an index."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSSEARCH_")}
    env.update(
        NEWSSEARCH_INDEX=str(workdir / "no-default-index"),
        NEWSSEARCH_CORPUS=str(workdir / "no-default-corpus"),
        COLUMNS="120",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


@dataclass
class Done:
    returncode: int | None  # None: it hung and was killed
    stdout: str
    stderr: str
    seconds: float


def run(args: list[str], workdir: Path, timeout: float = TIMEOUT) -> Done:
    start = time.monotonic()
    proc = subprocess.Popen(
        args, cwd=workdir, env=environment(workdir), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        out, err = proc.communicate(timeout=timeout)
        return Done(proc.returncode, out, err, time.monotonic() - start)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return Done(None, out, err, time.monotonic() - start)


_COMMIT_FILE = re.compile(r"^MAIN_\w+\.(.+\.)?(col|seg)$")  # MAIN_<segment>._stored.col, MAIN_<segment>.seg


def _commit_started(index: Path, before: set[str]) -> bool:
    """Whoosh has begun to write a new segment's column files (or the segment itself): the commit is under
    way (its last steps: segment, table of contents, clean-up; then the run's meta file, cache and report)."""
    try:
        names = os.listdir(index)
        # A sharded index's shards: a name as "shard-00/MAIN_….seg".
        names += [
            f"{shard}/{name}"
            for shard in names
            if shard.startswith("shard-")
            for name in os.listdir(index / shard)
        ]
    except OSError:
        return False
    return any(_COMMIT_FILE.match(name.rpartition("/")[2]) and name not in before for name in names)


def run_and_signal(
    args: list[str],
    workdir: Path,
    sig: int,
    delay: float,
    timeout: float = TIMEOUT,
    at_commit: Path | None = None,
):
    """Start the command and send ``sig`` ``delay`` seconds after its start, or with ``at_commit`` (the index
    folder) ``delay`` seconds after its commit began. Returns (Done, whether the signal reached it running)."""
    start = time.monotonic()
    before = set()
    if at_commit is not None and at_commit.is_dir():
        before = set(os.listdir(at_commit))
        before |= {f"{s}/{n}" for s in before if s.startswith("shard-") for n in os.listdir(at_commit / s)}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            args, cwd=workdir, env=environment(workdir), stdout=out, stderr=err, text=True
        )
        landed = False
        try:
            if at_commit is not None:
                while proc.poll() is None and not _commit_started(at_commit, before):
                    if time.monotonic() - start > timeout:
                        raise subprocess.TimeoutExpired(args, timeout)
                    time.sleep(0.0005)
                fire = time.monotonic() + delay
            else:
                fire = start + delay
            try:
                proc.wait(timeout=max(0.0, fire - time.monotonic()))
            except subprocess.TimeoutExpired:
                if proc.poll() is None:
                    proc.send_signal(sig)
                    landed = True
            proc.wait(timeout=timeout)
            code = proc.returncode
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            code = None
        out.seek(0)
        err.seek(0)
        return Done(code, out.read(), err.read(), time.monotonic() - start), landed


def one_line_error(done: Done) -> str | None:
    """None when a failed command printed one line of error and no traceback; else what is wrong."""
    lines = [line for line in done.stderr.splitlines() if line.strip() and not line.startswith("Waiting for")]
    if "Traceback" in done.stderr:
        return f"traceback: {done.stderr.strip()[-300:]}"
    if len(lines) != 1:
        return f"{len(lines)} lines on stderr: {done.stderr.strip()[-300:]!r}"
    return None


def write_lock_holders(index: Path) -> set[int]:
    """Pids of the processes holding the index's write lock (Whoosh's flock on MAIN_WRITELOCK), from /proc/locks:
    looking does not take the lock, so it cannot disturb a writer."""
    try:
        inode = (index / "MAIN_WRITELOCK").stat().st_ino
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return set()
    holders = set()
    for line in lines:
        parts = line.split()
        if len(parts) >= 6 and parts[1] == "FLOCK" and "->" not in parts and parts[5].endswith(f":{inode}"):
            holders.add(int(parts[4]))
    return holders
