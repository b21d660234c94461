"""Keyword in context: the matches in a story's body shown in their sentence (one row a sentence, all its matches
marked), or each in a window of a long sentence, for exports.

No Whoosh here: the matched words' spans come from ``snippets.Highlights.spans``, so a match here is a
word the snippet highlights. Every context is bounded (a sentence of at most ``SENTENCE`` characters, else
``SIDE`` characters each side) and so is their number per story, so a long story cannot make a huge row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from newssearch.models import Context
from newssearch.text.highlight import ELLIPSIS

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
    """The first ``limit`` contexts of the matches (character spans into ``text``) and how many more matches
    there are. Matched words separated by a space or two are one match; a sentence shown whole is one context
    with all its matches marked (``Context.marks``), not one for each."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            continue  # overlaps the previous one
        if merged and _JOIN.fullmatch(text, merged[-1][1], start):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    shown: list[Context] = []
    used = 0  # matches shown
    while used < len(merged) and len(shown) < limit:
        start, end = merged[used]
        first, last = _sentence_start(text, start), _sentence_end(text, end)
        if first is None or last is None or last - first > SENTENCE:
            shown.append(_context(text, start, end))
            used += 1
            continue
        # Every match of a sentence shown whole is marked in the one context.
        group = [merged[used]]
        while used + len(group) < len(merged) and merged[used + len(group)][1] <= last:
            group.append(merged[used + len(group)])
        used += len(group)
        shown.append(_sentence(text, first, last, group))
    return shown, len(merged) - used


def _sentence(text: str, first: int, last: int, group: list[tuple[int, int]]) -> Context:
    """A sentence with all its matches: the text from the first match to the last is ``match``, the matches
    in it ``marks``."""
    if len(group) == 1:
        start, end = group[0]
        return Context(
            _flat(text[first:start]).lstrip(), _flat(text[start:end]), _flat(text[end:last]).rstrip()
        )
    middle = ""
    spans = []
    previous = group[0][0]
    for start, end in group:
        middle += _flat(text[previous:start])
        word = _flat(text[start:end])
        spans.append((len(middle), len(middle) + len(word)))
        middle += word
        previous = end
    marks = tuple(spans)
    left, right = text[first : group[0][0]], text[group[-1][1] : last]
    return Context(_flat(left).lstrip(), middle, _flat(right).rstrip(), marks)


def _context(text: str, start: int, end: int) -> Context:
    """One match in a window of a sentence too long to show whole."""
    left = _left(text, start, _sentence_start(text, start))
    right = _right(text, end, _sentence_end(text, end))
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
