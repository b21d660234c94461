"""The index folder's upkeep: the system's refusals told apart from damage, leftovers swept, segment files summed.

- A read or write the system refuses (no permission, a read-only or full disk, the file-size limit) is not damage:
  ``refusal`` makes it an ``IndexAccessError`` that names the file and how to fix the cause, and ``--rebuild``
  (which replaces a damaged index) is never advised for it.
- A write that fails, or a writer that is killed, leaves partial segment files, Whoosh's temporary folder and
  half-written TOC or meta files. ``sweep`` removes every such file that no TOC references: it must run only
  while the write lock is held (a writer holding it may be writing exactly such files).
- Each segment file a commit writes is recorded with its size and CRC-32 (``SUMS_FILE``); ``changed`` finds a
  segment file overwritten since, which reading may never reach (an incremental update reads little of the index).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import zlib
from collections.abc import Iterable
from pathlib import Path

from newssearch.errors import IndexAccessError, IndexUntrustedError
from newssearch.text.sanitize import path_text

META_FILE = "newssearch.json"
#: A sharded index's manifest: the generation of each shard that readers open (``shards.py``).
MANIFEST_FILE = "newssearch-manifest.json"
#: A sharded index's shard folders, by number.
SHARD_NAME = "shard-{:02d}"
_SHARD = re.compile(r"^shard-\d+$")
#: A cache of each file's (mtime, size) when its content hash was last confirmed: spares hashing unchanged files.
FILES_CACHE = "newssearch-files.json"
INDEX_NAME = "MAIN"
#: Each segment file's ``[size, crc32]``, by file name: written after each commit, pruned of files gone.
SUMS_FILE = "newssearch-sums.json"
#: Seconds a writer waits for another's write lock before IndexBusyError ($NEWSSEARCH_LOCK_TIMEOUT overrides it).
WRITE_LOCK_TIMEOUT = 2.0


def lock_timeout(seconds: float | None = None) -> float:
    """How long a writer waits for the write lock: ``seconds`` if given, else $NEWSSEARCH_LOCK_TIMEOUT seconds,
    else ``WRITE_LOCK_TIMEOUT``."""
    if seconds is not None:
        return max(0.0, seconds)
    try:
        return max(0.0, float(os.environ.get("NEWSSEARCH_LOCK_TIMEOUT") or WRITE_LOCK_TIMEOUT))
    except ValueError:
        return WRITE_LOCK_TIMEOUT


#: What the system refuses, by errno: the cause and how to fix it ({folder} is the index folder).
_PERMISSION = "give your user read and write access to the folder and its files (`chmod -R u+rwX {folder}`)"
REFUSALS = {
    errno.EACCES: ("permission denied", _PERMISSION),
    errno.EPERM: ("operation not permitted", _PERMISSION),
    errno.EROFS: ("the file system is read-only", "choose an --index folder on a writable disk"),
    errno.ENOSPC: ("no space left on the device", "free some space and run again"),
    errno.EDQUOT: ("disk quota exceeded", "free some space and run again"),
    errno.EFBIG: ("a file would exceed the file-size limit", "raise the limit (`ulimit -f`) and run again"),
}
_CHUNK = 1 << 20
UNCHANGED = "; the index is unchanged"


def refused(exc: BaseException) -> bool:
    """Whether ``exc`` is the system refusing a read or write, not a sign of damage."""
    return isinstance(exc, OSError) and exc.errno in REFUSALS


def refusal(folder: Path, exc: BaseException, *, writing: bool, unchanged: bool = True) -> BaseException:
    """The one-line error for a refused read or write of the index at ``folder`` (``exc`` itself if it is not a
    refusal)."""
    if isinstance(exc, IndexUntrustedError):
        return exc.at(folder)
    if not isinstance(exc, OSError) or exc.errno not in REFUSALS:
        return exc
    cause, remedy = REFUSALS[exc.errno]
    name = os.fsdecode(exc.filename) if isinstance(exc.filename, str | bytes | os.PathLike) else ""
    inside = os.path.dirname(os.path.abspath(name)) == os.path.abspath(folder)
    where = f" ({path_text(os.path.basename(name) if inside else name)})" if name else ""
    if name and os.path.abspath(name) == os.path.abspath(folder):
        where = ""  # the folder itself: named already
    verb = "write to" if writing else "read"
    outcome = ""
    if writing:
        outcome = UNCHANGED if unchanged else "; this run's changes were committed"
    fix = remedy.format(folder=path_text(folder))
    return IndexAccessError(f"cannot {verb} the index at {path_text(folder)}{where}: {cause}{outcome}; {fix}")


def from_storage(exc: BaseException) -> bool:
    """Whether ``exc`` was raised where Whoosh decodes its files (its codec and file layers, and the files over
    memory-mapped segments in ``segments.py``): the file does not hold what Whoosh wrote there (it raises a plain
    ``Exception("Block tag error …")``, a ``ValueError`` and the like)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return False
    where = Path(tb.tb_frame.f_code.co_filename).parts
    if where[-2:] == ("newssearch", "segments.py"):  # its files over the memory-mapped segments
        return True
    return len(where) >= 3 and where[-3] == "whoosh" and where[-2] in ("codec", "filedb")


def _segment_file(name: str) -> re.Pattern[str]:
    return re.compile(rf"^({re.escape(name)}_[0-9a-z]+)\.[A-Za-z0-9_.]+$")


def sweep(folder: Path, name: str, live: set[str] | None) -> list[str]:
    """Remove what failed or killed writes left in ``folder`` (an index named ``name``): Whoosh's temporary folder,
    half-written TOC, meta and sums files, and, when ``live`` (the segment ids the latest TOC holds) is known,
    every segment file not among them. The names removed. Only ever call it holding the write lock."""
    segment = _segment_file(name)
    partial = re.compile(rf"^_{re.escape(name)}_\d+\.toc\..+$|^newssearch(-sums)?\.json\.tmp$")
    removed: list[str] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for entry in names:
        found = segment.match(entry)
        if entry == f"{name}.tmp":
            shutil.rmtree(folder / entry, ignore_errors=True)
        elif partial.match(entry) or (found and live is not None and found.group(1) not in live):
            try:
                (folder / entry).unlink()
            except OSError:
                continue
        else:
            continue
        removed.append(entry)
    return removed


def _crc(path: Path) -> list[int]:
    """``[size, crc32, mtime_ns]`` of a file."""
    crc, size = 0, 0
    with path.open("rb") as f:
        mtime = os.fstat(f.fileno()).st_mtime_ns
        while chunk := f.read(_CHUNK):
            crc = zlib.crc32(chunk, crc)
            size += len(chunk)
    return [size, crc, mtime]


def _load(folder: Path) -> dict[str, list[int]]:
    try:
        sums = json.loads((folder / SUMS_FILE).read_text())
    except (OSError, ValueError):
        return {}
    return sums if isinstance(sums, dict) else {}


def record(folder: Path, name: str, segment_id: str) -> None:
    """After a commit (holding the write lock): add the files of the segment ``segment_id`` just written, if the
    commit kept it, and drop the entries of files gone. Sums are an aid: a failure to write them is ignored."""
    sums = _load(folder)
    with contextlib.suppress(OSError):
        names = set(os.listdir(folder))
        sums = {k: v for k, v in sums.items() if k in names}
        segment = _segment_file(name)
        for entry in names:
            found = segment.match(entry)
            if found and found.group(1) == segment_id:
                sums[entry] = _crc(folder / entry)
        tmp = folder / f"{SUMS_FILE}.tmp"
        try:
            tmp.write_text(json.dumps(sums))
            os.replace(tmp, folder / SUMS_FILE)
        except OSError:
            tmp.unlink(missing_ok=True)
            raise


def changed(folder: Path, name: str, live: Iterable[str], known: set[str] | None = None) -> list[str]:
    """The segment files of the ``live`` segments whose size or checksum is not what their commit recorded. With
    ``known`` (a quick look, before a write), a file whose size and time stamp are as recorded is not read, nor one
    found intact before (in ``known``; those found intact are added to it); without it every file is read."""
    sums = _load(folder)
    segment = _segment_file(name)
    live = set(live)
    problems = []
    for entry, expected in sorted(sums.items()):
        found = segment.match(entry)
        if not found or found.group(1) not in live or (known is not None and entry in known):
            continue
        try:
            stat = (folder / entry).stat()
            quick = known is not None and [stat.st_size, stat.st_mtime_ns] == [expected[0], expected[-1]]
            actual = expected if quick else _crc(folder / entry)
        except FileNotFoundError:
            problems.append(f"{entry} is missing")
            continue
        if actual[:2] != expected[:2]:
            problems.append(f"{entry} has changed since it was written")
        elif known is not None:
            known.add(entry)
    return problems


_OURS = re.compile(rf"^_?{INDEX_NAME}[_.]|^newssearch[-\w]*\.json")


def special_files(folder: Path) -> list[str]:
    """The names of the index's own files that are not plain files (or Whoosh's temporary folder): a link (a
    cloned repository may hold one to /dev/zero or a file elsewhere), a pipe, a device. Reading them could read
    forever, block, or read what is not the index's: such a folder is refused before anything is read."""
    found = []
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if _SHARD.match(entry.name) and entry.is_dir(follow_symlinks=False):
                continue  # a shard's own files are looked at when it is opened
            if not _OURS.match(entry.name) or entry.is_file(follow_symlinks=False):
                continue
            if not (entry.name == f"{INDEX_NAME}.tmp" and entry.is_dir(follow_symlinks=False)):
                found.append(entry.name)
    return sorted(found)


def index_state(path: str | os.PathLike[str]) -> str:
    """What is at ``path``: ``"missing"`` (nothing, or an empty folder), ``"ready"``, ``"building"`` (a first
    build that has not finished: interrupted, or still running in another process), ``"unfinished"`` (creation
    was cut short), ``"foreign"`` (a folder holding other files, or a Whoosh index newssearch did not make) or ``"special"`` (a name of the index's files is
    a link, a pipe or a device: ``special_files``)."""
    path = Path(path)
    try:
        names = [name for name in os.listdir(path) if not name.startswith(".")]
    except FileNotFoundError:
        return "missing"
    except OSError:  # a file, or a folder that cannot be listed
        return "foreign"
    if special_files(path):
        return "special"
    if not names:
        return "missing"
    sharded = MANIFEST_FILE in names
    has_toc = sharded or any(re.match(rf"^_{INDEX_NAME}_\d+\.toc$", name) for name in names)
    others = any(not (_OURS.match(name) or _SHARD.match(name)) for name in names)
    if META_FILE not in names and sharded:
        return "foreign" if others else "unfinished"
    if META_FILE not in names:
        if has_toc:  # newssearch's creation cut short, or a Whoosh index another program made (also "MAIN")
            return "foreign" if others or not _newssearch_schema(path) else "unfinished"
        return "foreign" if others else "missing"
    if not has_toc:
        return "foreign" if others else "unfinished"
    try:
        meta = json.loads((path / META_FILE).read_text())
    except (OSError, ValueError):
        return "ready"  # the version check says it is damaged
    return "building" if isinstance(meta, dict) and meta.get("complete") is False else "ready"


def clear(folder: Path) -> None:
    """Remove an index's own files and shard folders from ``folder`` (an index made afresh there), the meta file
    first: what an interruption leaves is an unfinished creation."""
    with contextlib.suppress(FileNotFoundError):
        (folder / META_FILE).unlink()
    for entry in sorted(os.listdir(folder)):
        where = folder / entry
        if (_SHARD.match(entry) and where.is_dir() and not where.is_symlink()) or (
            entry == f"{INDEX_NAME}.tmp" and not where.is_symlink()
        ):
            shutil.rmtree(where, ignore_errors=True)
        elif _OURS.match(entry) and entry != f"{INDEX_NAME}_WRITELOCK":  # the lock the caller holds stays
            with contextlib.suppress(OSError):
                where.unlink()


def disk_usage(folder: Path) -> tuple[int, float | None]:
    """The bytes of the index's files (its shards' included) and the time of its last commit (its newest TOC or
    manifest), or None."""
    size, newest = 0, None
    toc = re.compile(rf"^_{INDEX_NAME}_\d+\.toc$|^{re.escape(MANIFEST_FILE)}$")
    sharded = (folder / MANIFEST_FILE).exists()
    for where in [folder, *(sorted(folder.glob("shard-*")) if sharded else [])]:
        with contextlib.suppress(OSError), os.scandir(where) as entries:
            for entry in entries:
                if not entry.is_file(follow_symlinks=False):
                    continue
                stat = entry.stat(follow_symlinks=False)
                size += stat.st_size
                if toc.match(entry.name) and (where == folder or not sharded):
                    newest = max(newest or 0.0, stat.st_mtime)
    return size, newest


def _newssearch_schema(path: Path) -> bool:
    """Whether the Whoosh index at ``path`` has newssearch's schema (read data-only, ``safeload``)."""
    from newssearch.engine import safeload

    return safeload.made_here(path, INDEX_NAME)


def not_ours(path: Path) -> str:
    """What a "foreign" folder holds, said in a NotAnIndexError's words."""
    with contextlib.suppress(OSError):
        if any(re.match(r"^_\w+_\d+\.toc$", name) for name in os.listdir(path)):  # a TOC of any index name
            return f"{path} is not a newssearch index (it holds a Whoosh index newssearch did not make)"
    return f"{path} is not a newssearch index (it holds other files)"


def remove_created(location: Path, existed: bool) -> None:
    """Remove the index files a refused first build created (and the folder, if it made that too)."""
    if not existed:
        shutil.rmtree(location, ignore_errors=True)
        return
    for entry in location.iterdir():
        if not entry.name.startswith("."):  # it held none but hidden files before
            with contextlib.suppress(OSError):
                entry.unlink()
