"""Files of many records read in parts: a JSON Lines, CSV or SGML export of a million stories is no larger a
problem than a thousand small files.

A file of a format of many records (``PARTED``; a JSON file that is JSON Lines or an array) and larger than
``PART_BYTES`` is cut after a record into parts of about that size (``splitting.py``), found in one pass over its
bytes. Each part is read like a small file (by a worker process, in parallel with the others), with the number of
its first line and of the records before it, so its records get the ids and notes a whole read would give them
(a table's later parts also get the column names found in its first part). The file's size cap does not apply:
each line is capped as it is read (``source.MAX_LINE_BYTES``), so memory is bounded by a part, whatever the
file's size.

Each part knows the SHA-256 of the file's bytes up to its end. Its articles are indexed under that size and hash,
so the index knows how much of the file it holds: when the file has grown and its first bytes are still those
hashed (a dump that is appended to), only the new part is read; a build cut short between parts goes on from the
last part it committed.

Compressed files (``.gz``, ``.bz2``, ``.xz``) are read as streams, decompressed in this process and cut into
parts the same way; a file that expands more than ``MAX_EXPANSION`` times is refused (a compression bomb). They
are read whole each time they change."""

from __future__ import annotations

import bz2
import gzip
import hashlib
import json
import lzma
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from newssearch.errors import ReadError

#: The formats of many records, read in parts (a JSON file may be JSON Lines or an array: ``parted_format``).
PARTED = frozenset({"jsonl", "csv", "tsv", "reuters-sgml", "smart"})
#: A part's size: larger files of those formats are read in parts.
PART_BYTES = 4_000_000
#: A compressed file may expand at most this many times (text compresses 3 to 10 times; a bomb a thousand).
MAX_EXPANSION = 100
#: Expansion below this many bytes is not judged (a small file's header weighs in its ratio).
_EXPANSION_FLOOR = 10_000_000
_BLOCK = 1 << 20
_SNIFF_BYTES = 1 << 16
COMPRESSIONS: dict[str, Callable[[BinaryIO, str], BinaryIO]] = {
    ".gz": gzip.open,  # type: ignore[dict-item]
    ".bz2": bz2.open,  # type: ignore[dict-item]
    ".xz": lzma.open,  # type: ignore[dict-item]
}


@dataclass(frozen=True)
class Part:
    """Bytes ``start`` to ``end`` of a file (of its decompressed stream, for a compressed one, whose ``data``
    they are), starting at line ``first_line``; ``size`` and ``digest`` are what its articles are indexed under
    (the bytes of the file up to the part's end and their SHA-256, or the whole compressed file's); ``read_to``:
    the bytes of the file as stored read once the part is."""

    start: int
    end: int
    first_line: int
    size: int
    digest: str
    data: bytes | None = None
    read_to: int = 0
    fmt: str = "jsonl"  # the format it is read as (``splitting.cutter``)
    first_record: int = 0  # the records of the file before it (rows of a table, items of a JSON array)
    head: object = None  # what the reader of a table needs from its first part (``tabular.TableHead``)


def parted_format(path: Path, fmt: str | None) -> str | None:
    """The format a file of many records is read as in parts (``splitting.cutter``), or None for a file read
    whole: JSON Lines (a ".json" file whose first lines are JSON objects each, as many dumps named ".json" are,
    included), a JSON array, CSV and TSV, Reuters SGML and SMART; not a file in UTF-16 or UTF-32, nor one whose
    lines end with CR alone."""
    if fmt not in PARTED and fmt != "json":
        return None
    try:
        with Decompressed(path) if compression(path) else path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except (OSError, ReadError):
        return None
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return None
    if b"\r" in head and b"\n" not in head:  # lines ended by CR alone: parts are cut at LF
        return None
    if fmt != "json":
        return fmt
    lines = [line for line in head.split(b"\n")[:-1] if line.strip()][:2]
    try:
        if len(lines) == 2 and all(isinstance(json.loads(line), dict) for line in lines):
            return "jsonl"
    except ValueError:
        pass
    return "json-array" if head.lstrip(b" \t\r\n\xef\xbb\xbf").startswith(b"[") else None


def compression(path: Path) -> str | None:
    """The compression of a file by its ending (".gz", ".bz2", ".xz"), or None."""
    suffix = path.suffix.lower()
    return suffix if suffix in COMPRESSIONS else None


def inner_suffix(path: Path) -> str:
    """The ending that names a file's format: ".jsonl" of "day.jsonl.gz"."""
    return Path(path.stem).suffix.lower() if compression(path) else path.suffix.lower()


def prefix(path: Path, size: int) -> tuple[str, int, bool]:
    """The SHA-256 of a file's first ``size`` bytes, the double quotes in them (``plan._record_ends``), and
    whether they end with a line end."""
    digest, quotes, left, last = hashlib.sha256(), 0, size, b""
    with path.open("rb") as handle:
        while left > 0:
            block = handle.read(min(_BLOCK, left))
            if not block:
                break
            digest.update(block)
            quotes += block.count(b'"')
            left -= len(block)
            last = block[-1:]
    return digest.hexdigest(), quotes, last == b"\n"


class Decompressed:
    """A compressed file's decompressed bytes, read like a file; ReadError when they cannot be decompressed or
    expand more than ``MAX_EXPANSION`` times."""

    def __init__(self, path: Path) -> None:
        self.raw = path.open("rb")
        try:
            self.stream = COMPRESSIONS[compression(path) or ""](self.raw, "rb")
        except BaseException:
            self.raw.close()
            raise
        self.out = 0

    def read(self, size: int = -1) -> bytes:
        try:
            data: bytes = self.stream.read(size)
        except (OSError, EOFError, lzma.LZMAError, ValueError) as exc:
            raise ReadError(f"cannot be decompressed: {exc}") from None
        self.out += len(data)
        if self.out > _EXPANSION_FLOOR and self.out > MAX_EXPANSION * max(self.raw.tell(), 1):
            raise ReadError(
                f"expands more than {MAX_EXPANSION} times when decompressed (a compression bomb?): not read"
            )
        return data

    def close(self) -> None:
        self.stream.close()
        self.raw.close()

    def __enter__(self) -> Decompressed:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def file_digest(path: Path) -> tuple[str, int]:
    """The SHA-256 and size of a file's bytes as stored."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


class RangeReader:
    """Bytes ``start`` to ``end`` of an open file, read like a file of their own."""

    def __init__(self, handle: BinaryIO, start: int, end: int) -> None:
        self.handle, self.left = handle, end - start
        handle.seek(start)

    def read(self, size: int = -1) -> bytes:
        size = self.left if size < 0 else min(size, self.left)
        data = self.handle.read(size) if size > 0 else b""
        self.left -= len(data)
        return data


class BytesReader:
    """Bytes in memory read like a file."""

    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.at + size
        chunk = self.data[self.at : end]
        self.at += len(chunk)
        return chunk
