"""Files of many records read in parts: a JSON Lines export of a million stories is no larger a problem than a
thousand small files.

A file of a format read a line at a time (``STREAMED``) and larger than ``PART_BYTES`` is cut at line ends into
parts of about that size, found in one pass over its bytes that also hashes them. Each part is read like a small
file (by a worker process, in parallel with the others), with the number of its first line, so its records get
the ids and notes a whole read would give them. The file's size cap does not apply: each line is capped as it is
read (``source.MAX_LINE_BYTES``), so memory is bounded by a part, whatever the file's size.

Each part knows the SHA-256 of the file's bytes up to its end. Its articles are indexed under that size and hash,
so the index knows how much of the file it holds: when the file has grown and its first bytes are still those
hashed (a dump that is appended to), only the new part is read; a build cut short between parts goes on from the
last part it committed.

Compressed files (``.gz``, ``.bz2``, ``.xz``) are read as streams, decompressed in this process and cut into
parts the same way; a file that expands more than ``MAX_EXPANSION`` times is refused (a compression bomb). They
are read whole each time they change.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import json
import lzma
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from newssearch.errors import ReadError
from newssearch.ingest.readers.encoding import MAX_LINE_BYTES

#: The formats of one record a line, read in parts.
STREAMED = frozenset({"jsonl"})
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


def record_lines(path: Path, fmt: str | None) -> bool:
    """Whether a file holds one record a line: JSON Lines, or a ".json" file whose first lines are JSON objects
    each (a dump named ".json", as many are)."""
    if fmt in STREAMED:
        return True
    if fmt != "json":
        return False
    try:
        with Decompressed(path) if compression(path) else path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except (OSError, ReadError):
        return False
    lines = [line for line in head.split(b"\n")[:-1] if line.strip()][:2]
    try:
        return len(lines) == 2 and all(isinstance(json.loads(line), dict) for line in lines)
    except ValueError:
        return False


def compression(path: Path) -> str | None:
    """The compression of a file by its ending (".gz", ".bz2", ".xz"), or None."""
    suffix = path.suffix.lower()
    return suffix if suffix in COMPRESSIONS else None


def inner_suffix(path: Path) -> str:
    """The ending that names a file's format: ".jsonl" of "day.jsonl.gz"."""
    return Path(path.stem).suffix.lower() if compression(path) else path.suffix.lower()


def prefix(path: Path, size: int) -> tuple[str, int, bool]:
    """The SHA-256 of a file's first ``size`` bytes, the number of lines they end (so the next line's number is
    one more), and whether they end with a line end."""
    digest, lines, left, last = hashlib.sha256(), 0, size, b""
    with path.open("rb") as handle:
        while left > 0:
            block = handle.read(min(_BLOCK, left))
            if not block:
                break
            digest.update(block)
            lines += block.count(b"\n")
            left -= len(block)
            last = block[-1:]
    return digest.hexdigest(), lines, last == b"\n"


def split(path: Path, start: int = 0, first_line: int = 1) -> list[Part]:
    """An uncompressed file's parts from byte ``start`` (a line's start, numbered ``first_line``) to its end as
    it is now, cut after a line end once a part has ``PART_BYTES``."""
    parts: list[Part] = []
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        at = 0
        while at < start:  # the bytes before: hashed, already read
            block = handle.read(min(_BLOCK, start - at))
            if not block:
                raise ReadError("the file got shorter while it was read")
            digest.update(block)
            at += len(block)
        begin, line, lines = start, first_line, 0
        while block := handle.read(_BLOCK):
            cut = -1
            if at + len(block) - begin >= PART_BYTES:
                cut = block.find(b"\n", max(0, begin + PART_BYTES - at - 1))
            if cut < 0:
                digest.update(block)
                lines += block.count(b"\n")
                at += len(block)
                continue
            head = block[: cut + 1]
            digest.update(head)
            lines += head.count(b"\n")
            at += len(head)
            parts.append(Part(begin, at, line, at, digest.hexdigest(), read_to=at))
            begin, line, lines = at, line + lines, 0
            handle.seek(at)
    if at > begin or not parts:
        parts.append(Part(begin, at, line, at, digest.hexdigest(), read_to=at))
    return parts


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


def decompressed_parts(path: Path) -> Iterator[Part]:
    """A compressed file's decompressed stream in parts that carry their bytes (cut after a line end), each
    indexed under the whole compressed file's size and hash; ReadError for a file that cannot be decompressed or
    expands more than ``MAX_EXPANSION`` times."""
    digest, size = file_digest(path)
    with Decompressed(path) as stream:
        pending, begin, line, skipping = bytearray(), 0, 1, False
        while True:
            block = stream.read(_BLOCK)
            if skipping:  # the rest of a line too long to read: its first bytes stand for it
                end = block.find(b"\n")
                block, skipping = (b"", bool(block)) if end < 0 else (block[end:], False)
                if skipping:
                    continue
            pending += block
            if block and len(pending) < PART_BYTES:
                continue
            cut = pending.rfind(b"\n") + 1 if block else len(pending)
            if not block and not pending:
                return
            if cut == 0:  # one line longer than a part so far
                if len(pending) > MAX_LINE_BYTES:  # the reader leaves it out (too long) from these bytes
                    del pending[MAX_LINE_BYTES + 1 :]
                    skipping = True
                continue
            data = bytes(pending[:cut])
            del pending[:cut]
            if data:
                yield Part(begin, begin + len(data), line, size, digest, data, stream.raw.tell())
                begin, line = begin + len(data), line + data.count(b"\n")
            if not block:
                return


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
