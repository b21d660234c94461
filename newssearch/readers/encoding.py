"""Turning file bytes into text: UTF-8 first, then a detected encoding, then Windows-1252 / latin-1."""

from __future__ import annotations

from dataclasses import dataclass

#: With this many non-ASCII bytes, making up this share of the file, it is likely in a non-Western encoding:
#: ask the detector. Fewer give it too little to go on.
_DETECT_MIN = 16
_DETECT_SHARE = 0.02


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    fallback: bool  # True when the file was not valid UTF-8


def decode(data: bytes) -> Decoded:
    """Decode file bytes; never fails.

    Detectors guess wildly on mostly-ASCII text with a stray byte (a latin-1 "£" came back as Shift-JIS), so
    detection is used only when non-ASCII bytes are common; otherwise Windows-1252, then latin-1, is assumed.
    """
    try:
        return Decoded(data.decode("utf-8-sig"), "utf-8", False)
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
