"""Where a file of many records is cut into parts: after a complete record, found by a cutter for its format.

A cutter is given bytes that start at a record's start and says where the first record that ends at or after a
given size ends, and how many records come before that point (CSV rows and JSON array items are numbered by it;
the others are named by their own ids or lines). ``parts`` reads the file (or its decompressed stream) once, a
block at a time, hashing what it reads, and yields its parts from ``since`` on: the bytes before are read too,
to count their lines and records, but not yielded. Memory is bounded: when no record ends within
``MAX_LINE_BYTES`` of a part's size the part is cut at a line end anyway (the reader notes what it cannot parse),
and a line longer than that is kept only by its first bytes (the reader leaves it out by its number).
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

from newssearch.errors import ReadError
from newssearch.ingest.readers import parts as _parts
from newssearch.ingest.readers.encoding import MAX_LINE_BYTES
from newssearch.ingest.readers.parts import Decompressed, Part, compression, file_digest
from newssearch.ingest.readers.source import clean_block

_BLOCK = 1 << 20


class Cutter(Protocol):
    def cut(self, data: bytes | bytearray, at_least: int, final: bool) -> tuple[int, int] | None:
        """The end of the first record of ``data`` (which starts at a record's start) that ends at or after
        ``at_least`` bytes, and the records up to it; at the end of the file (``final``), the end of the data
        when no record ends there. None when more data is needed to say."""
        ...


class LineCutter:
    """JSON Lines: a record a line (numbered by line)."""

    def cut(self, data: bytes | bytearray, at_least: int, final: bool) -> tuple[int, int] | None:
        end = data.find(b"\n", max(at_least - 1, 0))
        if end >= 0:
            return end + 1, data.count(b"\n", 0, end + 1)
        return (len(data), data.count(b"\n")) if final else None


class MarkCutter:
    """Records that end with a mark (Reuters SGML: ``</REUTERS>``) or start with one at a line's start (SMART:
    ``.I``); named by their own ids, so not counted."""

    def __init__(self, end: bytes | None = None, start: re.Pattern[bytes] | None = None) -> None:
        self.end, self.start = end, start

    def cut(self, data: bytes | bytearray, at_least: int, final: bool) -> tuple[int, int] | None:
        if self.end is not None:
            found = data.find(self.end, max(at_least - len(self.end), 0))
            if found >= 0:
                return found + len(self.end), 0
        elif self.start is not None:
            match = self.start.search(data, max(at_least - 1, 0))
            if match:
                return match.start() + 1, 0
        return (len(data), 0) if final else None


class TableCutter:
    """CSV and TSV: a record a row, which may span lines inside quotes; rows found by the csv module in each line
    cleaned as the reader cleans it (``source.clean_block``: a lone CR is a line end there), and each byte decoded
    as one character (quotes, delimiters and line ends are ASCII in every encoding read in parts). A part is cut
    only where a row ends at a line end of the file's own bytes."""

    def __init__(self, delimiter: str) -> None:
        self.delimiter = delimiter

    def cut(self, data: bytes | bytearray, at_least: int, final: bool) -> tuple[int, int] | None:
        state = {
            "pos": 0,
            "ran_out": False,
            "at_end": True,
        }  # at_end: the last line given ends a line of data

        def lines() -> Iterator[str]:
            start = 0
            while start < len(data):
                end = data.find(b"\n", start) + 1
                if not end:
                    if not final:
                        break
                    end = len(data)
                cleaned, _ = clean_block(bytes(data[start:end]), last=True)
                pieces = cleaned.decode("latin-1").split("\n")
                subs = [piece + "\n" for piece in pieces[:-1]] + ([pieces[-1]] if pieces[-1] else [])
                for n, sub in enumerate(subs, 1):
                    state["at_end"] = n == len(subs)
                    state["pos"] = end
                    yield sub
                start = end
            state["ran_out"] = True

        reader = csv.reader(lines(), delimiter=self.delimiter)
        records = 0
        while True:
            line = reader.line_num
            try:
                next(reader)
            except StopIteration:
                break
            except csv.Error:  # left out by the reader, not numbered
                if reader.line_num == line:
                    break
                continue
            if state["ran_out"] and not final:  # the row may go on in the bytes not read yet
                return None
            records += 1
            if state["at_end"] and int(state["pos"]) >= at_least:
                return int(state["pos"]), records
        return (len(data), records) if final else None


def line_ends(data: bytes | bytearray) -> int:
    """The lines ``data`` ends as the reader counts them: LF, CR LF and a lone CR each end one."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


class ArrayCutter:
    """A JSON array of records: an item at a time (numbered), each byte decoded as one character, as above."""

    _GAP = re.compile(r"[\s,]*")

    def __init__(self) -> None:
        self.decoder = json.JSONDecoder(strict=False)  # control characters are the reader's to clean
        self.opened = False
        self.complete = 0  # the items complete in the data of the last call that found no cut

    def cut(self, data: bytes | bytearray, at_least: int, final: bool) -> tuple[int, int] | None:
        found = self._cut(data.decode("latin-1"), at_least, final)
        if found is not None:
            self.opened = True
        return found

    def _cut(self, text: str, at_least: int, final: bool) -> tuple[int, int] | None:
        pos, records = 0, 0
        if not self.opened:
            pos = self._GAP.match(text, 3 if text.startswith("\xef\xbb\xbf") else 0).end()  # type: ignore[union-attr]
            if not text.startswith("[", pos):
                raise ReadError("not a JSON array")
            pos += 1
        while True:
            pos = self._GAP.match(text, pos).end()  # type: ignore[union-attr]
            if pos >= len(text) or text[pos] == "]":
                break
            try:
                _, pos = self.decoder.raw_decode(text, pos)
            except (ValueError, RecursionError):  # JSONDecodeError, or an integer too long to read
                if not final:  # the item may go on in the bytes not read yet
                    self.complete = records
                    return None
                return len(text), records  # the reader says what is wrong with it
            records += 1
            if pos >= at_least:
                return self._GAP.match(text, pos).end(), records  # type: ignore[union-attr]
        return (len(text), records) if final else None


_SMART_START = re.compile(rb"\n\.I\s")


def cutter(fmt: str, delimiter: str = ",") -> Cutter:
    """The cutter of a format read in parts (``parts.PARTED``)."""
    if fmt == "jsonl":
        return LineCutter()
    if fmt in ("csv", "tsv"):
        return TableCutter(delimiter)
    if fmt == "json-array":
        return ArrayCutter()
    if fmt == "reuters-sgml":
        return MarkCutter(end=b"</REUTERS>")
    if fmt == "smart":
        return MarkCutter(start=_SMART_START)
    raise ValueError(f"not read in parts: {fmt}")


class _Source:
    """A file's bytes (its decompressed stream, for a compressed one), a block at a time, up to ``limit``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.compressed = compression(path) is not None
        if self.compressed:
            self.digest, self.size = file_digest(path)
            self.stream: Decompressed | None = Decompressed(path)
            self.handle = self.stream.raw
        else:
            self.stream = None
            self.handle = path.open("rb")
            self._hasher, self._hashed = hashlib.sha256(), 0
        self.at = 0

    def read(self, limit: int | None) -> bytes:
        size = _BLOCK if limit is None else min(_BLOCK, limit - self.at)
        if size <= 0:
            return b""
        block = self.stream.read(size) if self.stream is not None else self.handle.read(size)
        self.at += len(block)
        return block

    def signature(self, end: int) -> tuple[int, str]:
        """The size and hash the articles of the bytes up to ``end`` are indexed under (a compressed file's:
        the whole file's); the bytes are read again to be hashed, from the page cache."""
        if self.compressed:
            return self.size, self.digest
        with self.path.open("rb") as handle:
            handle.seek(self._hashed)
            while self._hashed < end:
                block = handle.read(min(_BLOCK, end - self._hashed))
                if not block:
                    raise ReadError("the file got shorter while it was read")
                self._hasher.update(block)
                self._hashed += len(block)
        return end, self._hasher.hexdigest()

    def read_to(self, end: int) -> int:
        """The bytes of the file as stored read once a part that ends at ``end`` is."""
        return self.handle.tell() if self.compressed else end

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
        else:
            self.handle.close()


#: ``head(first bytes)``: a table's delimiter, what a later part's reader needs (``tabular.TableHead``), and the
#: rows of its header (not numbered).
Head = Callable[[bytes], tuple[str, object, int]]


def parts(path: Path, fmt: str, since: int = 0, head: Head | None = None) -> Iterator[Part]:
    """The parts of a file of ``fmt`` from byte ``since`` (where an earlier read ended: a record's start) to its
    end as it is now, each cut after a record once it has ``parts.PART_BYTES``. Compressed parts carry their
    bytes; a part is indexed under the size and hash of the file up to its end (a compressed one's: the whole
    file's). ReadError for a file that cannot be read in parts."""
    source = _Source(path)
    try:
        cutting = _Cutting(source, fmt, head)
        if since:
            for _ in cutting.segment(since):  # counted, not yielded
                pass
        yield from cutting.segment(None)
    finally:
        source.close()


class _Cutting:
    def __init__(self, source: _Source, fmt: str, head: Head | None) -> None:
        self.source, self.fmt, self.head = source, fmt, head
        self.begin, self.line, self.record = 0, 1, 0
        self.cuts: Cutter | None = None
        self.table: object = None

    def segment(self, limit: int | None) -> Iterator[Part]:
        """The parts of the bytes from here to ``limit`` (or the end), the last cut at ``limit``."""
        source, part_bytes = self.source, _parts.PART_BYTES
        pending = bytearray()
        dropped = 0  # the bytes of a long line not kept in ``pending``
        skipping = False  # the rest of that line is dropped as it is read
        while True:
            block = source.read(limit)
            final = not block
            if skipping:  # the rest of a line too long to read: its first bytes stand for it
                end = block.find(b"\n")
                dropped += len(block) if end < 0 else end
                block, skipping = (b"", not final) if end < 0 else (block[end:], False)
                if skipping:
                    continue
            pending += block
            if self.cuts is None:
                if len(pending) < part_bytes and not final:
                    continue
                delimiter = self.head(bytes(pending[:part_bytes]))[0] if self.head else ","
                self.cuts = cutter(self.fmt, delimiter)
            while pending and (len(pending) >= part_bytes + part_bytes // 4 or final):
                found = self.cuts.cut(pending, part_bytes, final)
                if found is None:
                    found, cut_off = self._too_long(pending)
                    if cut_off:
                        dropped, skipping = dropped + cut_off, True
                    if found is None:
                        break
                end, count = found
                data = bytes(pending[:end])
                del pending[:end]
                yield self._part(data, end + dropped, count)
                dropped = 0
            if final:
                return

    def _too_long(self, pending: bytearray) -> tuple[tuple[int, int] | None, int]:
        """When no record ends in reach: a cut at a line end, if ``pending`` is over a part and a line's limit;
        or the current line kept by its first bytes when it is over the limit (the bytes cut off are returned,
        and the rest of the line is then dropped as it is read). A JSON array's item is never cut: ReadError."""
        last = pending.rfind(b"\n")
        long_line = len(pending) - last - 1 > MAX_LINE_BYTES
        if not long_line and (last < 0 or len(pending) < _parts.PART_BYTES + MAX_LINE_BYTES):
            return None, 0
        assert self.cuts is not None
        if isinstance(self.cuts, ArrayCutter):
            item = self.record + self.cuts.complete + 1
            raise ReadError(
                f"item {item:,} is over {MAX_LINE_BYTES / 1e6:g} MB or the JSON is broken there: not read"
            )
        if long_line:
            keep = last + 1 + MAX_LINE_BYTES + 1
            cut_off = len(pending) - keep
            del pending[keep:]
            return None, cut_off
        return self.cuts.cut(pending[: last + 1], last + 1, True) or (last + 1, 0), 0

    def _part(self, data: bytes, length: int, count: int) -> Part:
        source, begin = self.source, self.begin
        end = begin + length
        if self.head and begin == 0:  # what a later part's reader needs, from the first part as read
            _, self.table, header = self.head(data)
            count -= header
        size, digest = source.signature(end)
        part = Part(
            begin,
            end,
            self.line,
            size,
            digest,
            data if source.compressed else None,
            read_to=source.read_to(end),
            fmt=self.fmt,
            first_record=self.record,
            head=self.table if begin else None,
        )
        self.begin, self.line, self.record = end, self.line + line_ends(data), self.record + count
        return part
