"""What an incremental update has to do: which files to read, which are unchanged, which are gone.

Pure bookkeeping over the file system and what the index recorded of each file (``engine.documents``'
``FileRecord`` and ``CacheEntry``).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from newssearch.engine import CacheEntry, FileRecord
from newssearch.text.sanitize import path_text


@dataclass(frozen=True)
class FileToRead:
    """A new or changed file: the folder it was found under, the file, its key (the path as text), and its
    modification time and size now; for a file of many records that was appended to, where the new part
    starts."""

    root: Path
    file: Path
    key: str
    mtime_ns: int
    size: int
    format: str | None = None  # as ``discover`` found it (None for a file given alone)
    since: int = 0  # a file appended to: the bytes already indexed, read no more


@dataclass
class Plan:
    read: list[FileToRead] = field(default_factory=list)  # appended files among them: ``since`` > 0
    unchanged: dict[str, CacheEntry] = field(default_factory=dict)  # key -> its confirmed cache entry
    remove: list[str] = field(default_factory=list)  # indexed files gone from a folder given
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason) of what cannot be read

    @property
    def bytes_to_read(self) -> int:
        return sum(work.size - work.since for work in self.read)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _appended(file: Path, fmt: str | None, record: FileRecord | None, size: int) -> int:
    """Where to start reading a file: after what the index holds of it when it is a file of many records
    (``parts.parted_format``; not a JSON array, whose end moves), uncompressed, that has only grown, its first
    bytes those indexed and ending a record (``_record_ends``); else at the start."""
    from newssearch.ingest.readers import EXTENSIONS
    from newssearch.ingest.readers.parts import compression, inner_suffix, parted_format, prefix

    if record is None or not 0 < record.size < size or compression(file):
        return 0
    parted = parted_format(file, fmt or EXTENSIONS.get(inner_suffix(file)))
    if parted in (None, "json-array"):
        return 0
    digest, quotes, whole_lines = prefix(file, record.size)
    if digest != record.digest or not whole_lines or not _record_ends(file, parted, record.size, quotes):
        return 0
    return record.size


#: What the bytes just before and after a record's end look like, by format: a Reuters story ends with its closing
#: tag, a SMART record starts with ``.I``. A table's row may span lines inside quotes: it ended when the quotes
#: before are even (each quoted field opens and closes one, and ``""`` stands for one inside).
_STORY_END = re.compile(rb"</REUTERS>\s*$")
_SMART_START = re.compile(rb"\s*\.I\s")


def _record_ends(file: Path, fmt: str, at: int, quotes: int) -> bool:
    """Whether a record of the file ends at byte ``at``: so what was appended after it starts a new one (not the
    rest of a record that was half written when the file was read)."""
    if fmt in ("csv", "tsv"):
        return quotes % 2 == 0
    if fmt not in ("reuters-sgml", "smart"):
        return True  # JSON Lines: a line end is a record's end
    with file.open("rb") as handle:
        handle.seek(max(0, at - 64))
        before = handle.read(at - max(0, at - 64))
        after = handle.read(64)
    if fmt == "reuters-sgml":
        return _STORY_END.search(before) is not None
    return _SMART_START.match(after) is not None


def _under(key: str, folders: Iterable[str]) -> bool:
    return any(key.startswith(f"{folder}{os.sep}") for folder in folders)


def plan(
    roots: list[Path], indexed: Mapping[str, FileRecord], cache: Mapping[str, CacheEntry] | None = None
) -> Plan:
    """Compare the article files under ``roots`` with the files the index holds (``indexed``, by key).

    A file whose size and content hash match its record is unchanged; ``cache`` spares hashing a file whose time
    stamp and size are as when its hash was last confirmed. An indexed file is removed only when it is gone from a
    folder given, and that folder could be read: what cannot be read is reported, never dropped from the index.
    """
    from newssearch.ingest.readers import (
        discover,  # the readers load only when an update runs, not for a query
    )

    cache = cache or {}
    out = Plan()
    problems: list[tuple[Path, str]] = []
    found = list(discover(roots, problems))
    unreadable = []
    for path, reason in problems:
        out.skipped.append((path_text(path), reason))
        if path.is_dir():
            unreadable.append(path_text(path))
    seen = set()
    for root, file, fmt in found:
        key = path_text(file)
        seen.add(key)
        try:
            stat = file.stat()
            entry = [stat.st_mtime_ns, stat.st_size]
            record = indexed.get(key)
            if (
                record
                and record.size == stat.st_size
                and (cache.get(key) == [*entry, record.digest] or sha256(file) == record.digest)
            ):
                out.unchanged[key] = [*entry, record.digest]
                continue
            since = _appended(file, fmt, record, stat.st_size)
        except OSError as exc:
            out.skipped.append((key, exc.strerror or str(exc)))
            continue
        out.read.append(FileToRead(root, file, key, stat.st_mtime_ns, stat.st_size, fmt, since))
    folders = [path_text(root) for root in roots if root.is_dir()]
    out.remove = [k for k in indexed if k not in seen and _under(k, folders) and not _under(k, unreadable)]
    return out
