"""The disk faults, made in-process (tests/fault_disk.py installs one in a child process; the pytest tests use
them directly): a full disk, a file-size limit, a folder without permission even for root; and the index
seen from outside (its size, a snapshot of its stories, files its TOC does not reference)."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import os
import re
import resource
import signal
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: The index's own files besides those of its live segments and its latest TOC.
OWN_FILES = {"MAIN_WRITELOCK", "newssearch.json", "newssearch-files.json", "newssearch-sums.json"}

# --- the faults, in-process (the pytest tests use them directly; a child process installs one) ---------------


@contextlib.contextmanager
def disk_full(budget: int = 0) -> Iterator[None]:
    """Every file Whoosh creates in this process refuses writes with ENOSPC once ``budget`` bytes were written to
    them all (the part that fits is written, as a disk fills up)."""
    from whoosh.filedb.filestore import FileStorage

    left = [budget]
    create = FileStorage.create_file

    class Full:
        def __init__(self, inner: Any):
            self._inner = inner

        def write(self, data: Any) -> int:
            size = len(data)
            if size > left[0]:
                self._inner.write(bytes(data)[: left[0]])
                left[0] = 0
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            left[0] -= size
            return int(self._inner.write(data))

        def __getattr__(self, name: str) -> Any:
            return getattr(self._inner, name)

    def create_file(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        f = create(self, name, *args, **kwargs)
        f.file = Full(f.file)
        return f

    FileStorage.create_file = create_file  # type: ignore[method-assign]
    try:
        yield
    finally:
        FileStorage.create_file = create  # type: ignore[method-assign]


@contextlib.contextmanager
def file_size_limit(limit: int) -> Iterator[None]:
    """RLIMIT_FSIZE at ``limit`` bytes for this process (SIGXFSZ ignored, so writes fail with EFBIG)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


_OVERRIDE = (1 << 1) | (1 << 2)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH


def _caps(data: Any = None) -> Any:
    libc = ctypes.CDLL(None, use_errno=True)
    header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this thread
    if data is None:
        data = (_CapData * 2)()
        if libc.capget(ctypes.byref(header), data) != 0:
            raise OSError(ctypes.get_errno(), "capget failed")
    elif libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset failed")
    return data


def mode_bits_hold() -> bool:
    """Whether this process is refused what mode bits forbid (not root, or root without the override)."""
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "probe"
        probe.write_text("x")
        probe.chmod(0)
        try:
            probe.read_text()
        except PermissionError:
            return True
        finally:
            probe.chmod(0o600)
    return False


@contextlib.contextmanager
def without_override() -> Iterator[None]:
    """Mode bits hold for this thread: as root, CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH leave its effective
    capabilities (Linux capabilities are per thread) and come back after; for any other user, nothing to do."""
    if os.geteuid() != 0:
        yield
        return
    saved = _caps()
    dropped = (_CapData * 2)()
    for i in range(2):
        dropped[i].effective, dropped[i].permitted = saved[i].effective, saved[i].permitted
        dropped[i].inheritable = saved[i].inheritable
    dropped[0].effective &= ~_OVERRIDE
    _caps(dropped)
    try:
        yield
    finally:
        _caps(saved)


_ACTIVE = contextlib.ExitStack()  # a child's fault, kept for its whole life


def child(argv: list[str]) -> None:
    """In a child process: install the fault ``argv[0]`` (with its parameter ``argv[1]``), then run the CLI."""
    cause, parameter, *args = argv
    if cause == "efbig":
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(
            resource.RLIMIT_FSIZE, (int(parameter), resource.getrlimit(resource.RLIMIT_FSIZE)[1])
        )
    elif cause == "enospc-inject":
        _ACTIVE.enter_context(disk_full(int(parameter)))
    elif cause == "eacces" and os.geteuid() == 0:
        _ACTIVE.enter_context(without_override())
    sys.argv = ["newssearch", *args]
    from newssearch.__main__ import main

    main()


# --- the index, seen from outside ---------------------------------------------------------------------------


def folder_bytes(path: Path) -> int:
    if not path.exists():
        return 0
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def snapshot(path: Path) -> str | None:
    """A digest of every stored story (id, headline, body), or None when there is no readable index."""
    from newssearch import NewsIndex

    try:
        with NewsIndex.open(path) as ix:
            stories = sorted(
                (s.get("id", ""), s.get("headline", ""), s.get("body", ""))
                for s in ix._store.searcher().all_stored_fields()
            )
    except Exception:
        return None
    return hashlib.sha256(repr(stories).encode()).hexdigest()[:16] + f":{len(stories)}"


def leftovers(path: Path) -> list[str]:
    """Files in the index folder that its latest TOC does not reference (all of them when there is no TOC)."""
    if not path.is_dir():
        return []
    names = sorted(p.name for p in path.iterdir() if not p.name.startswith("."))
    tocs = [int(m.group(1)) for n in names if (m := re.match(r"^_MAIN_(\d+)\.toc$", n))]
    if not tocs:
        return names
    try:
        from whoosh.filedb.filestore import FileStorage
        from whoosh.index import TOC

        toc = TOC.read(FileStorage(str(path)), "MAIN")
        live = {s.segment_id() for s in toc.segments}
    except Exception:
        return names
    keep = OWN_FILES | {f"_MAIN_{max(tocs)}.toc"}
    return [n for n in names if n not in keep and not any(n.startswith(f"{s}.") for s in live)]
