"""A file's bytes read under limits, a block at a time: the whole file over ``MAX_FILE_BYTES`` (or a
single-article file over ``MAX_SINGLE_BYTES``) is refused as soon as the limit is passed, and in the formats
read a line or a record at a time a line over ``MAX_LINE_BYTES`` is cut out as it is read (its number is kept,
and the record that held it is left out). So a hostile file costs no more memory than its limit, and a huge
line none. The bytes are hashed as they are read."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import BinaryIO

from newssearch.errors import ReadError
from newssearch.readers.encoding import MAX_LINE_BYTES, bom_encoding

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


def read_limited(handle: BinaryIO, first: bytes, fmt: str | None) -> Raw:
    """The rest of an open file read after its ``first`` bytes, under the limits of its format."""
    limit = limit_for(fmt)
    digest = hashlib.sha256()
    data = bytearray()
    cut_lines = fmt in LINE_FORMATS and not (bom_encoding(first) or ("", 0))[0].startswith(
        ("utf-16", "utf-32")
    )
    long_lines: list[int] = []
    size, line, current, skipping = 0, 1, 0, False  # current: bytes of the line being read so far
    block = first
    while block:
        size += len(block)
        if size > limit:
            raise too_large(size, fmt)
        digest.update(block)
        if not cut_lines:
            data += block
        else:
            end = block.find(b"\n")
            if end < 0:  # the line goes on
                if not skipping and current + len(block) > MAX_LINE_BYTES:
                    del data[len(data) - current :]
                    long_lines.append(line)
                    skipping = True
                elif not skipping:
                    data += block
                current += len(block)
                block = handle.read(BLOCK_BYTES)
                continue
            if skipping:
                data += block[end:]
            elif current + end > MAX_LINE_BYTES:
                del data[len(data) - current :]
                long_lines.append(line)
                data += block[end:]
            else:
                data += block
            line += block.count(b"\n")
            current = len(block) - block.rfind(b"\n") - 1
            skipping = False
        block = handle.read(BLOCK_BYTES)
    return Raw(data, digest.hexdigest(), size, long_lines)
