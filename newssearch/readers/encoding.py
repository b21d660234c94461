"""Turning file bytes into text: a byte-order mark first, then UTF-8, then a detected encoding, then Windows-1252 /
latin-1; and telling binary files from text."""

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
#: Text with more than this share of control characters (other than line breaks and tabs) is binary data.
BINARY_CONTROL_SHARE = 0.05
_BINARY_MIN_CONTROLS = 4
_BINARY_SAMPLE = 1_000_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    fallback: bool  # True when the encoding was guessed: no byte-order mark and not valid UTF-8


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """The encoding a byte-order mark at the start declares, and the mark's length; None without one."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    return None


def decode(data: bytes) -> Decoded:
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
    high = sum(1 for byte in data if byte >= 0x80)
    if high >= _DETECT_MIN and high / len(data) > _DETECT_SHARE:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None:
            return Decoded(str(best), best.encoding, True)
    try:
        return Decoded(data.decode("cp1252"), "cp1252", True)
    except UnicodeDecodeError:
        return Decoded(data.decode("latin-1"), "latin-1", True)


def decode_text(data: bytes) -> Decoded:
    """Decode the bytes of a text file; ReadError("binary file …") when they are not text.

    Binary: NUL bytes without a UTF-16/UTF-32 byte-order mark, or many control characters once decoded.
    """
    bom = bom_encoding(data)
    if b"\0" in data and not (bom and bom[0].startswith(("utf-16", "utf-32"))):
        raise ReadError("binary file (it holds NUL bytes)")
    decoded = decode(data)
    sample = decoded.text[:_BINARY_SAMPLE]
    controls = len(_CONTROL.findall(sample))
    if controls >= _BINARY_MIN_CONTROLS and controls > BINARY_CONTROL_SHARE * len(sample):
        raise ReadError(f"binary file ({controls / len(sample):.0%} control characters)")
    return decoded
