"""A file's bytes read under limits, a block at a time: the whole file over ``MAX_FILE_BYTES`` (or a
single-article file over ``MAX_SINGLE_BYTES``) is refused as soon as the limit is passed, and in the formats
read a line or a record at a time a line over ``MAX_LINE_BYTES`` is cut out as it is read (its number is kept,
and the record that held it is left out). So a hostile file costs no more memory than its limit, and a huge
line none. The bytes are hashed, and cleaned of control characters, as they are read."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from newssearch.errors import ReadError
from newssearch.ingest.readers.encoding import MAX_LINE_BYTES, bom_encoding

#: Larger files are not read (ReadError "too large").
MAX_FILE_BYTES = 100_000_000
#: A file that holds one article (plain text, an HTML page) and is larger is not one: refused before it is read.
#: An article is at most ``MAX_ARTICLE_CHARS`` (500,000) characters; these leave room for markup and encodings.
MAX_SINGLE_BYTES = {"text": 4_000_000, "html": 2_000_000}
#: The formats whose records are a line or a few lines: over-long lines are cut out as they are read.
LINE_FORMATS = frozenset({"jsonl", "csv", "tsv", "reuters-sgml", "smart"})
BLOCK_BYTES = 1 << 20  # less than MAX_LINE_BYTES: a line within one block is never too long


@dataclass
class Raw:
    """What was read of a file: its bytes (without the lines cut out), their SHA-256, the file's size, and the
    numbers of the lines cut out."""

    data: bytearray
    digest: str
    size: int
    long_lines: list[int] = field(default_factory=list)


def limit_for(fmt: str | None) -> int:
    return MAX_SINGLE_BYTES.get(fmt or "", MAX_FILE_BYTES)


def too_large(size: int, fmt: str | None) -> ReadError:
    limit = limit_for(fmt)
    what = "the limit" if limit == MAX_FILE_BYTES else f"the limit for one {fmt} article"
    shown = f"{size / 1e6:,.0f} MB" if size >= 1e6 else f"{size:,} bytes"
    return ReadError(f"too large ({shown}; {what} is {limit / 1e6:,.0f} MB)")


# Cleaned from the bytes as they are read (files in an encoding that keeps ASCII as ASCII), so that the text needs
# no cleaning pass of its own, which would copy it whole (``sanitize.clean_text`` does the same to text): line
# breaks CR LF and CR become LF; 7-bit escape sequences go whole, then C0 controls and DEL. NUL stays: it becomes
# ``NUL_MARK`` once decoded. A block's tail from a CR or an ESC near its end waits for the next block.
_BYTE_CONTROLS = re.compile(rb"[\x01-\x08\x0b-\x1f\x7f]")
_BYTE_ESCAPE = re.compile(
    rb"\x1b\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]"
    rb"|\x1b[\]PX^_][^\x07\x1b]*?(?:\x07|\x1b\\|\xc2\x9c)"
    rb"|\x1b[\x20-\x2f]*[\x30-\x7e]"
)
_DROPPED = bytes([*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_TAIL = 256
_OPENERS = {b"[", b"]", b"P", b"X", b"^", b"_"}  # CSI, and strings (OSC, DCS…)


def _incomplete(block: bytes) -> int | None:
    """Where an escape sequence starts near the end of a block and is not complete in it, if one does."""
    pos = block.find(b"\x1b", max(0, len(block) - _TAIL))
    while pos >= 0:
        match = _BYTE_ESCAPE.match(block, pos)
        # A CSI or a string (OSC, DCS…) not finished yet would be cut short to its first two bytes.
        if match is None or (block[pos + 1 : pos + 2] in _OPENERS and match.end() == pos + 2):
            return pos
        pos = block.find(b"\x1b", match.end())
    return None


def clean_block(block: bytes, last: bool) -> tuple[bytes, bytes]:
    """A block of bytes cleaned of control characters, and its tail kept for the next block (see above)."""
    if not _BYTE_CONTROLS.search(block):
        return block, b""
    tail = b""
    if not last:
        cut = _incomplete(block)
        if cut is None and block.endswith(b"\r"):
            cut = len(block) - 1
        if cut is not None:
            block, tail = block[:cut], block[cut:]
    block = _BYTE_ESCAPE.sub(b"", block.replace(b"\r\n", b"\n").replace(b"\r", b"\n"))
    return block.translate(None, _DROPPED), tail


class _Lines:
    """The bytes kept of a file, a block at a time, with the lines over ``MAX_LINE_BYTES`` cut out (``cut``)."""

    def __init__(self, cut: bool) -> None:
        self.cut = cut
        self.data = bytearray()
        self.long: list[int] = []  # the numbers of the lines cut out
        self.line, self.current, self.skipping = 1, 0, False  # current: bytes of the line being read so far

    def add(self, block: bytes) -> None:
        if not self.cut:
            self.data += block
            return
        end = block.find(b"\n")
        if end < 0:  # the line goes on
            if not self.skipping and self.current + len(block) > MAX_LINE_BYTES:
                del self.data[len(self.data) - self.current :]
                self.long.append(self.line)
                self.skipping = True
            elif not self.skipping:
                self.data += block
            self.current += len(block)
            return
        if self.skipping:
            self.data += block[end:]
        elif self.current + end > MAX_LINE_BYTES:
            del self.data[len(self.data) - self.current :]
            self.long.append(self.line)
            self.data += block[end:]
        else:
            self.data += block
        self.line += block.count(b"\n")
        self.current = len(block) - block.rfind(b"\n") - 1
        self.skipping = False


def read_limited(handle: Any, first: bytes, fmt: str | None, whole: bool = True) -> Raw:
    """The rest of an open file read after its ``first`` bytes, under the limits of its format (a part of a file,
    not ``whole``: only its lines'), cleaned of control characters (unless it is UTF-16 or UTF-32) and hashed as
    it is read."""
    limit = limit_for(fmt) if whole else float("inf")
    digest = hashlib.sha256()
    wide = (bom_encoding(first) or ("", 0))[0].startswith(("utf-16", "utf-32"))
    lines = _Lines(cut=fmt in LINE_FORMATS and not wide)
    size, tail, block = 0, b"", first
    while block:
        size += len(block)
        if size > limit:
            raise too_large(size, fmt)
        digest.update(block)
        following = handle.read(BLOCK_BYTES)
        if not wide:
            block, tail = clean_block(tail + block, last=not following)
        lines.add(block)
        block = following
    return Raw(lines.data, digest.hexdigest(), size, lines.long)
