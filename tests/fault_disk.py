"""Disk faults: `newssearch index` on a full disk, under a file-size limit and in a read-only folder.

Each trial runs ``python -m newssearch index`` in a subprocess whose writes the system refuses, on an empty index (a
first build) and on a full one (an update that adds a part of the corpus held out of it), ``--retries`` times in a
row (a disk that stays full), then once more with the fault gone (the next run). It checks:

- the failing runs exit with an error, no traceback, and one message that names the cause ("space", "file-size
  limit", "permission"), the index folder, and that the index is unchanged, never "damaged" nor ``--rebuild``;
- the index is unchanged: a full one holds the same stories and stays readable, an empty one stays absent;
- the folder does not grow over the retries, and after the next run no file is left that the index's TOC does not
  reference (a partial segment, Whoosh's ``MAIN.tmp``, a half-written TOC);
- the next run succeeds and the index then holds what a clean build of the whole corpus holds.

A read trial makes a segment of a full index unreadable: ``query`` and ``check`` must name the file and the
permission, not call the index damaged (and a read-only folder must still answer queries).

How the faults are made (all without root where possible):

- ``efbig``: the child process sets ``RLIMIT_FSIZE`` (``resource.setrlimit``) with SIGXFSZ ignored: real EFBIG.
- ``enospc``: a small tmpfs mounted over the index's parent folder when the harness may mount one (real ENOSPC,
  ``--enospc tmpfs``); otherwise (``--enospc inject``, the default when mounting fails) the child's Whoosh file
  objects raise ``OSError(ENOSPC)`` once ``budget`` bytes were written in the run (``disk_full``).
- ``eacces``: the index folder at mode 555 (a segment at mode 000 for reads). Root ignores mode bits, so a child
  running as root first drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from its effective capabilities
  (``capset``, ``without_override``): the kernel then refuses as it would any user.

``python -m tests.fault_disk [--corpus bundled|bbc|both] [--retries 3] [--enospc auto|tmpfs|inject]``: by
default the bundled ``corpus/`` (a full index of it gets ``tests/data/mixed`` added; about 40 s); ``--corpus both``
adds BBC from ../shared/corpora (four categories indexed, ``tech`` added; about 5 minutes on two busy cores).
Exit 1 when any trial failed. The faults themselves, and the index seen from outside, are in tests/faults/disk.py.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .faults.disk import (
    child,
    disk_full,
    file_size_limit,
    folder_bytes,
    leftovers,
    mode_bits_hold,
    snapshot,
    without_override,
)

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "corpus"
MIXED = ROOT / "tests" / "data" / "mixed"
BBC = ROOT.parent / "shared" / "corpora" / "bbc"
CAUSES = ("enospc", "efbig", "eacces")
STATES = ("empty", "full")
#: What each cause's message must name.
NAMES = {"enospc": "space", "efbig": "file-size limit", "eacces": "permission"}
TIMEOUT = 300.0

__all__ = [
    "child",
    "disk_full",
    "file_size_limit",
    "folder_bytes",
    "leftovers",
    "main",
    "mode_bits_hold",
    "snapshot",
    "without_override",
]


# --- trials -------------------------------------------------------------------------------------------------


@dataclass
class Corpus:
    name: str
    base: list[Path]  # what a full index holds
    added: list[Path]  # what the faulted update adds
    efbig: int  # the file-size limit, bytes
    budget: int  # bytes written before the injected full disk
    expected: str | None = None  # snapshot of a clean build of base + added
    base_index: Path | None = None
    sizes: tuple[int, int] = (0, 0)  # folder bytes of the base index and of the clean build


@dataclass
class Row:
    tried: int = 0
    failed: int = 0
    lost: int = 0
    growth: int = 0  # largest folder growth over the retries, bytes
    leaked_retries: int = 0  # files left that no TOC references, after the failing runs
    leaked_next: int = 0  # ... after the next run
    problems: list[str] = field(default_factory=list)
    sample: str = ""  # a message a failing run printed


def environment(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSSEARCH_")}
    env.update(
        NEWSSEARCH_INDEX=str(work / "no-default-index"),
        NEWSSEARCH_CORPUS=str(work / "no-default-corpus"),
        NEWSSEARCH_CACHE=str(Path(tempfile.gettempdir()) / "newssearch-fault-disk-cache"),
        PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        PYTHONDONTWRITEBYTECODE="1",
        COLUMNS="200",
    )
    return env


def cli(args: list[str], work: Path, cause: str = "none", parameter: str = "0") -> tuple[int, str]:
    code = "import sys; from tests.fault_disk import child; child(sys.argv[1:])"
    done = subprocess.run(
        [sys.executable, "-c", code, cause, parameter, *args],
        cwd=ROOT,
        env=environment(work),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    return done.returncode, done.stderr


def index_args(paths: list[Path], index: Path) -> list[str]:
    return ["index", *map(str, paths), "--index", str(index)]


def can_mount(work: Path) -> bool:
    point = work / "mount-probe"
    point.mkdir()
    try:
        if subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(point)], capture_output=True
        ).returncode:
            return False
        subprocess.run(["umount", str(point)], check=True, capture_output=True)
        return True
    except (OSError, subprocess.CalledProcessError):
        return False
    finally:
        with contextlib.suppress(OSError):
            point.rmdir()


def _used(point: Path) -> int:
    stat = os.statvfs(point)
    return (stat.f_blocks - stat.f_bfree) * stat.f_frsize


def _mount(point: Path, size: int) -> None:
    size = max(16384, size + 4095) // 4096 * 4096
    opts = f"size={size}"
    if os.path.ismount(point):
        subprocess.run(["mount", "-o", f"remount,{opts}", str(point)], check=True, capture_output=True)
    else:
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(point)], check=True, capture_output=True
        )


def prepare(corpus: Corpus, work: Path) -> None:
    """The base index and the snapshot of a clean build of the whole corpus (each made once)."""
    corpus.base_index = work / f"base-{corpus.name}"
    code, err = cli(index_args(corpus.base, corpus.base_index), work)
    assert code == 0, err
    clean = work / f"clean-{corpus.name}"
    code, err = cli(index_args(corpus.base + corpus.added, clean), work)
    assert code == 0, err
    corpus.expected = snapshot(clean)
    corpus.sizes = (folder_bytes(corpus.base_index), folder_bytes(clean))
    shutil.rmtree(clean)


def trial(corpus: Corpus, cause: str, state: str, work: Path, retries: int, enospc: str, row: Row) -> None:
    folder = work / f"{corpus.name}-{cause}-{state}"
    folder.mkdir()
    mounted = cause == "enospc" and enospc == "tmpfs"
    try:
        _trial(corpus, cause, state, work, retries, folder, mounted, row)
    finally:
        if mounted:
            subprocess.run(["umount", str(folder)], check=False, capture_output=True)


def _trial(
    corpus: Corpus, cause: str, state: str, work: Path, retries: int, folder: Path, mounted: bool, row: Row
) -> None:
    assert corpus.base_index is not None
    index = folder / "index"
    fault, parameter = cause, "0"
    if (
        mounted
    ):  # the whole corpus does not fit: what the index needs now, plus a quarter of what it would add
        base = corpus.sizes[0] if state == "full" else 0
        _mount(folder, corpus.sizes[1] * 4)
        fault = "none"
    elif cause == "enospc":
        fault, parameter = "enospc-inject", str(corpus.budget)
    elif cause == "efbig":
        parameter = str(corpus.efbig)
    if state == "full":
        shutil.copytree(corpus.base_index, index)
    elif cause == "eacces":
        index.mkdir()
    if mounted:
        _mount(folder, _used(folder) + max(4096, (corpus.sizes[1] - base) // 4))
    if cause == "eacces":
        index.chmod(0o555)
    before, size_before = snapshot(index), folder_bytes(index)
    row.tried += 1
    problems = []
    sizes = []
    try:
        for attempt in range(1, retries + 1):
            code, err = cli(index_args(corpus.base + corpus.added, index), work, fault, parameter)
            sizes.append(folder_bytes(index))
            lines = [line for line in err.strip().splitlines() if line.strip()]
            if code == 0:
                problems.append(f"run {attempt} succeeded despite the fault")
            if "Traceback" in err or "unexpected" in err:
                problems.append(f"run {attempt}: traceback or unexpected error: {err.strip()[-200:]}")
            message = lines[-1] if lines else ""
            row.sample = row.sample or message
            # A first build that failed made no index, and says so; an index that was there is unchanged.
            wanted = [NAMES[cause], str(index), "unchanged" if state == "full" else "no index was made"]
            if any(w not in message for w in wanted) or "damaged" in message or "--rebuild" in message:
                problems.append(
                    f"run {attempt}: message {message[:240]!r} lacks one of {wanted} or says damaged"
                )
            after = snapshot(index)
            if after != before:
                problems.append(f"run {attempt}: the index changed ({before} -> {after})")
                row.lost += 1 if before is not None else 0
        row.leaked_retries += len(leftovers(index))
        growth = max(sizes) - size_before if sizes else 0
        row.growth = max(row.growth, growth)
        if growth > 0:
            problems.append(f"the folder grew by {growth} bytes over {retries} runs: {sizes}")
    finally:
        if cause == "eacces" and index.exists():
            index.chmod(0o755)
        if mounted:
            _mount(folder, corpus.sizes[1] * 4)
    code, err = cli(index_args(corpus.base + corpus.added, index), work)
    if code != 0:
        problems.append(f"the next run failed: {err.strip()[-200:]}")
    leaked = leftovers(index)
    row.leaked_next += len(leaked)
    if leaked:
        problems.append(f"left after the next run: {leaked[:5]}")
    if snapshot(index) != corpus.expected:
        problems.append("after the next run the index differs from a clean build")
        row.lost += 1
    if problems:
        row.failed += 1
        row.problems.extend(f"{corpus.name}/{cause}/{state}: {p}" for p in problems)


def read_trial(corpus: Corpus, work: Path, row: Row) -> None:
    """A segment at mode 000 and a folder at mode 555: queries name the file and the permission, or work."""
    assert corpus.base_index is not None
    index = work / f"{corpus.name}-read" / "index"
    shutil.copytree(corpus.base_index, index)
    before = snapshot(index)
    segment = max(index.glob("MAIN_*.seg"), key=lambda p: p.stat().st_size)
    problems = []
    row.tried += 1
    segment.chmod(0)
    try:
        for args in (["query", "said", "--index", str(index)], ["check", "--index", str(index)]):
            code, err = cli(args, work, "eacces")
            message = err.strip().splitlines()[-1] if err.strip() else ""
            row.sample = row.sample or message
            if (
                code == 0
                or "permission" not in message
                or segment.name not in message
                or "damaged" in message
            ):
                problems.append(f"{args[0]} on an unreadable segment: exit {code}, {message[:240]!r}")
    finally:
        segment.chmod(0o644)
    index.chmod(0o555)
    try:
        code, err = cli(["query", "said", "--index", str(index)], work, "eacces")
        if code != 0:
            problems.append(f"query in a read-only folder: exit {code}, {err.strip()[-200:]!r}")
    finally:
        index.chmod(0o755)
    if snapshot(index) != before:
        row.lost += 1
        problems.append("the index changed")
    if problems:
        row.failed += 1
        row.problems.extend(f"{corpus.name}/read: {p}" for p in problems)


def corpora(which: str) -> list[Corpus]:
    found = []
    if which in ("bundled", "both"):
        found.append(Corpus("bundled", [BUNDLED], [MIXED], efbig=12_000, budget=8_000))
    if which in ("bbc", "both") and BBC.is_dir():
        parts = [BBC / name for name in ("business", "entertainment", "politics", "sport")]
        found.append(Corpus("bbc", parts, [BBC / "tech"], efbig=1_000_000, budget=1_000_000))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", choices=("bundled", "bbc", "both"), default="bundled")
    parser.add_argument("--retries", type=int, default=3, help="failing runs in a row per trial")
    parser.add_argument("--enospc", choices=("auto", "tmpfs", "inject"), default="auto")
    args = parser.parse_args(argv)
    start = time.monotonic()
    rows: dict[str, Row] = {}
    with tempfile.TemporaryDirectory(prefix="fault-disk-") as tmp:
        work = Path(tmp)
        work.chmod(0o755)
        enospc = args.enospc
        if enospc == "auto":
            enospc = "tmpfs" if can_mount(work) else "inject"
        eacces = "mode bits" if os.geteuid() != 0 else "mode bits, root without CAP_DAC_OVERRIDE"
        print(f"faults: enospc={enospc}, efbig=RLIMIT_FSIZE, eacces={eacces}")
        for corpus in corpora(args.corpus):
            prepare(corpus, work)
            for cause in CAUSES:
                for state in STATES:
                    row = rows.setdefault(f"{cause} {state}", Row())
                    trial(corpus, cause, state, work, args.retries, enospc, row)
            read_trial(corpus, work, rows.setdefault("eacces read", Row()))
    total = Row()
    print(
        f"{'fault':<16}{'tried':>6}{'failed':>7}{'lost':>5}{'growth MB':>10}{'leaked':>7}{'leaked next':>12}"
    )
    for name, row in rows.items():
        growth = row.growth / 1e6
        print(
            f"{name:<16}{row.tried:>6}{row.failed:>7}{row.lost:>5}{growth:>10.2f}{row.leaked_retries:>7}"
            f"{row.leaked_next:>12}"
        )
        total.tried, total.failed, total.lost = (
            total.tried + row.tried,
            total.failed + row.failed,
            total.lost + row.lost,
        )
        total.growth = max(total.growth, row.growth)
        total.leaked_retries += row.leaked_retries
        total.leaked_next += row.leaked_next
        total.problems += row.problems
    print(
        f"{'all':<16}{total.tried:>6}{total.failed:>7}{total.lost:>5}{total.growth / 1e6:>10.2f}"
        f"{total.leaked_retries:>7}{total.leaked_next:>12}"
    )
    print(
        "row 'full disk, file-size limit, read-only folder': "
        f"tried {total.tried} / failed {total.failed} / lost {total.lost}; largest growth over "
        f"{args.retries} retries {total.growth / 1e6:.2f} MB; files left after the next run {total.leaked_next} "
        f"({time.monotonic() - start:.0f} s)"
    )
    for name, row in rows.items():
        print(f"  {name}: {row.sample[:300]}")
    for problem in total.problems[:40]:
        print(f"  - {problem}")
    return 1 if total.failed else 0


if __name__ == "__main__":
    sys.exit(main())
