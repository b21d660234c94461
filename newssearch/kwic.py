"""Keyword in context: each match in a story's body shown in its sentence, or in a window of it, for exports.

No Whoosh here: the matched words' spans come from ``snippets.Highlights.spans``, so a match here is a
word the snippet highlights. Every context is bounded (a sentence of at most ``SENTENCE`` characters, else
``SIDE`` characters each side) and so is their number per story, so a long story cannot make a huge row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from newssearch.highlight import ELLIPSIS
from newssearch.models import Context

#: Contexts kept per story (the first ones in the text); the rest are only counted.
MAX_CONTEXTS = 20
#: A sentence up to this long is shown whole; in a longer one each side of a match is cut to ``SIDE`` characters.
SENTENCE = 200
SIDE = 60
#: Where a sentence ends: a line break, or . ! ? (and closing quotes or brackets) before a space, but not after a
#: capital letter ("U.S. officials", "J. Smith").
_END = re.compile(r"(?<![A-Z])[.!?][\"'\u201d\u2019)\]]*(?=\s)|\n")
_SPACE = re.compile(r"\s+")
#: What may separate two matched words that read as one match ("State Department").
_JOIN = re.compile(r"[ \t]{1,3}")


def contexts(
    text: str, spans: Iterable[tuple[int, int]], limit: int = MAX_CONTEXTS
) -> tuple[list[Context], int]:
    """The contexts of the first ``limit`` matches (character spans into ``text``) and how many more there are.
    Matched words separated by a space or two are one match."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            continue  # overlaps the previous one
        if merged and _JOIN.fullmatch(text, merged[-1][1], start):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    shown = [_context(text, start, end) for start, end in merged[:limit]]
    return shown, len(merged) - len(shown)


def _context(text: str, start: int, end: int) -> Context:
    first = _sentence_start(text, start)
    last = _sentence_end(text, end)
    if first is not None and last is not None and last - first <= SENTENCE:
        left, right = text[first:start], text[end:last]
    else:
        left, right = _left(text, start, first), _right(text, end, last)
    return Context(_flat(left).lstrip(), _flat(text[start:end]), _flat(right).rstrip())


def _sentence_start(text: str, start: int) -> int | None:
    """Where the sentence holding ``start`` begins, or None when that is more than ``SENTENCE`` characters back."""
    begin = max(0, start - SENTENCE)
    found = None
    for match in _END.finditer(text, begin, start):
        found = match.end()
    if found is None:
        return 0 if begin == 0 else None
    return found


def _sentence_end(text: str, end: int) -> int | None:
    """Where the sentence holding ``end`` ends (its full stop included), or None when that is more than
    ``SENTENCE`` characters on."""
    stop = min(len(text), end + SENTENCE)
    match = _END.search(text, end, stop + 1)
    if match:
        return match.end()
    return len(text) if stop == len(text) else None


def _left(text: str, start: int, first: int | None) -> str:
    if first is not None and start - first <= SIDE:
        return text[first:start]
    cut = start - SIDE
    space = text.find(" ", cut, start)  # start at a word
    return f"{ELLIPSIS} " + text[space + 1 if space >= 0 else cut : start].lstrip()


def _right(text: str, end: int, last: int | None) -> str:
    if last is not None and last - end <= SIDE:
        return text[end:last]
    cut = end + SIDE
    space = text.rfind(" ", end + 1, cut)  # end at a word
    return text[end : space if space > end else cut].rstrip() + f" {ELLIPSIS}"


def _flat(text: str) -> str:
    return _SPACE.sub(" ", text)
