"""Snippets cut at sentences: the sentence that holds a match, with its matches highlighted (no Whoosh here).

Exact searches (``engine/exact.py``) and entity queries (``engine/entities.py``) know the character spans of what they
matched; this turns the first of them into a ``Snippet`` of its sentence, whitespace collapsed, long sentences
cut to a window around the match.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from newssearch.models import Snippet

ELLIPSIS = "…"
#: A sentence longer than this is cut to a window around its first match.
MAX_CHARS = 300
_SPACE = re.compile(r"\s+")
#: A full stop, question or exclamation mark (and closing quotes or brackets) before a space and a capital, a
#: digit or an opening quote; or a blank line (a paragraph).
_BOUNDARY = re.compile(r"[.!?][\"'’”)\]]*\s+(?=[\"'‘“(\[]?[A-Z0-9])|\n\s*\n")
#: Words whose full stop does not end a sentence: titles and single letters (``Mr. Blair``, ``U.S. forces``).
_NO_END = frozenset(
    [
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "St",
        "Sen",
        "Rep",
        "Gov",
        "Gen",
        "Col",
        "Lt",
        "Sgt",
        "Prof",
        "Rev",
        "No",
        "Co",
        "Corp",
        "Inc",
        "Ltd",
        "Jr",
        "Sr",
    ]
)
_LAST_WORD = re.compile(r"\w+$")


def sentence_bounds(text: str, position: int) -> tuple[int, int]:
    """The start and end of the sentence of ``text`` that holds the character at ``position``."""
    start, end = 0, len(text)
    for m in _BOUNDARY.finditer(text):
        if m.group()[0] == "." and _abbreviation(text, m.start()):
            continue
        if m.end() <= position:
            start = m.end()
        elif m.start() >= position:
            end = m.start() + (1 if m.group()[0] in ".!?" else 0)
            break
    return start, end


def _abbreviation(text: str, stop: int) -> bool:
    """Whether the word before the full stop at ``stop`` is a title or a single letter."""
    word = _LAST_WORD.search(text[max(0, stop - 6) : stop])
    return word is not None and (len(word.group()) == 1 or word.group() in _NO_END)


def sentence_snippet(text: str, spans: Sequence[tuple[int, int]]) -> Snippet | None:
    """The sentence holding the first span, with every span inside it highlighted (None without spans).

    Spans are ``[start, end)`` character offsets into ``text``; those of the snippet are offsets into its text.
    """
    if not spans:
        return None
    spans = sorted(spans)
    first_start, first_end = spans[0]
    start, end = sentence_bounds(text, first_start)
    end = max(end, first_end)
    prefix, suffix = "", ""
    if end - start > MAX_CHARS:  # a window around the match, cut at spaces
        low = max(start, first_start - MAX_CHARS // 3)
        high = min(end, max(first_end, low + MAX_CHARS))
        if low > start:
            space = text.find(" ", low, first_start)
            low = space + 1 if space >= 0 else low
            prefix = f"{ELLIPSIS} "
        if high < end:
            space = text.rfind(" ", first_end, high)
            high = space if space >= 0 else high
            suffix = f" {ELLIPSIS}"
        start, end = low, high
    return _collapsed(text, start, end, [s for s in spans if s[0] >= start and s[1] <= end], prefix, suffix)


def _collapsed(
    text: str, start: int, end: int, spans: Sequence[tuple[int, int]], prefix: str, suffix: str
) -> Snippet:
    """``text[start:end]`` with whitespace runs made one space and stripped, the spans moved along with it."""
    parts: list[str] = [prefix]
    length = len(prefix)
    highlights: list[tuple[int, int]] = []
    index = start
    pieces: list[tuple[int, int, bool]] = []
    for low, high in spans:
        if low < index:
            continue
        pieces.append((index, low, False))
        pieces.append((low, high, True))
        index = high
    pieces.append((index, end, False))
    for number, (low, high, marked) in enumerate(pieces):
        piece = _SPACE.sub(" ", text[low:high])
        if number == 0:
            piece = piece.lstrip()
        if number == len(pieces) - 1:
            piece = piece.rstrip()
        if marked and piece:
            highlights.append((length, length + len(piece)))
        parts.append(piece)
        length += len(piece)
    parts.append(suffix)
    return Snippet("".join(parts), highlights)
