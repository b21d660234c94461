"""Turning file bytes into text: a byte-order mark first, then UTF-8, then a detected encoding, then Windows-1252 /
latin-1; telling binary files from text; and marking where a NUL byte or a line too long to read was, so that
the record holding it is left out (``damage``)."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from newssearch.errors import ReadError

#: With this many non-ASCII bytes, making up this share of the file, it is likely in a non-Western encoding:
#: ask the detector. Fewer give it too little to go on.
_DETECT_MIN = 16
_DETECT_SHARE = 0.02
#: UTF-32 first: its little-endian mark starts with the UTF-16 one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: Text with more than this share of control characters (NUL bytes included; not line breaks and tabs) is binary
#: data, judged on its first ``_BINARY_SAMPLE`` bytes, then characters (as ``file`` and git judge on a sample, but
#: on a share, not on one NUL byte: a stray NUL leaves out the record that holds it, not the whole file).
BINARY_CONTROL_SHARE = 0.05
_BINARY_MIN_CONTROLS = 4
_BINARY_SAMPLE = 1_000_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
#: Put where a NUL byte was, and where a line too long to read was cut out (``newssearch.ingest.readers.source``):
#: noncharacters, which no text holds (any already in the file become U+FFFD). A record that holds one is left
#: out (a single-article file is skipped), with the reason ``damage`` gives.
NUL_MARK = "\uffff"
#: A line longer than this (in a format read a line or a record at a time) is cut out while the file is read.
MAX_LINE_BYTES = 10_000_000
LONG_MARK = "\ufffe"
_HIGH_BYTES = bytes(range(0x80, 0x100))
_MARKS = re.compile("[\ufffe\uffff]")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    fallback: bool  # True when the encoding was guessed: no byte-order mark and not valid UTF-8


def bom_encoding(data: bytes | bytearray) -> tuple[str, int] | None:
    """The encoding a byte-order mark at the start declares, and the mark's length; None without one."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    return None


def decode(data: bytes | bytearray) -> Decoded:
    """Decode file bytes; never fails.

    A byte-order mark (UTF-8, UTF-16, UTF-32) is honoured. Detectors guess wildly on mostly-ASCII text with a
    stray byte (a latin-1 "£" came back as Shift-JIS), so detection is used only when non-ASCII bytes are common;
    otherwise Windows-1252, then latin-1, is assumed.
    """
    bom = bom_encoding(data)
    if bom:
        name, length = bom
        try:
            return Decoded(data[length:].decode(name), name, False)
        except UnicodeDecodeError:
            return Decoded(data[length:].decode(name, "replace"), f"{name} with invalid bytes replaced", True)
    try:
        return Decoded(data.decode("utf-8"), "utf-8", False)
    except UnicodeDecodeError:
        pass
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    if high >= _DETECT_MIN and high / len(data) > _DETECT_SHARE:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None:
            return Decoded(str(best), best.encoding, True)
    try:
        return Decoded(data.decode("cp1252"), "cp1252", True)
    except UnicodeDecodeError:
        return Decoded(data.decode("latin-1"), "latin-1", True)


def _wide(data: bytes | bytearray) -> bool:
    bom = bom_encoding(data)
    return bool(bom and bom[0].startswith(("utf-16", "utf-32")))


def binary_reason(data: bytes | bytearray) -> str | None:
    """Why bytes are not text (a share of NUL and control bytes over ``BINARY_CONTROL_SHARE`` in the first
    ``_BINARY_SAMPLE``), or None. A UTF-16 or UTF-32 file with its byte-order mark is judged once decoded."""
    if _wide(data):
        return None
    sample = data[:_BINARY_SAMPLE]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls >= _BINARY_MIN_CONTROLS and controls > BINARY_CONTROL_SHARE * len(sample):
        nul = " NUL and" if b"\0" in sample else ""
        return f"binary file ({controls / len(sample):.0%}{nul} control bytes)"
    return None


def mark_lines(text: str, lines: list[int]) -> str:
    """The text with ``LONG_MARK`` put at the start of each of these (emptied) lines, numbered from 1."""
    pieces: list[str] = []
    start, pos, line = 0, 0, 1
    for target in sorted(lines):
        while line < target:
            pos = text.index("\n", pos) + 1
            line += 1
        pieces.extend((text[start:pos], LONG_MARK))
        start = pos
    return "".join([*pieces, text[start:]]) if pieces else text


def damage(text: str) -> str | None:
    """Why a record's text cannot be read whole (a NUL byte, a line too long), or None."""
    found = _MARKS.search(text)
    if found is None:
        return None
    if found.group() == NUL_MARK and LONG_MARK not in text:
        return "holds a NUL byte (the file is damaged here)"
    return f"holds a line over {MAX_LINE_BYTES / 1e6:,.0f} MB, not read"


def decode_text(data: bytes | bytearray, long_lines: list[int] | None = None) -> Decoded:
    """Decode the bytes of a text file; ReadError("binary file …") when they are not text.

    Binary: many NUL and control bytes, or many control characters once decoded. A few NUL bytes are text:
    each becomes ``NUL_MARK``, and the lines of ``long_lines`` (emptied when read) get ``LONG_MARK``.
    """
    reason = binary_reason(data)
    if reason:
        raise ReadError(reason)
    decoded = decode(data)
    sample = decoded.text[:_BINARY_SAMPLE]
    controls = len(_CONTROL.findall(sample))
    if controls >= _BINARY_MIN_CONTROLS and controls > BINARY_CONTROL_SHARE * len(sample):
        raise ReadError(f"binary file ({controls / len(sample):.0%} control characters)")
    text = decoded.text
    if _MARKS.search(text):
        text = _MARKS.sub("\ufffd", text)
    if "\0" in text:
        text = text.replace("\0", NUL_MARK)
    text = mark_lines(text, long_lines or [])
    return Decoded(text, decoded.encoding, decoded.fallback) if text is not decoded.text else decoded
