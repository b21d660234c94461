"""Snippets as data: matched fragments of a text turned into plain text plus the character spans of the matches.

No Whoosh here: ``SpanFormatter`` is handed to Whoosh's highlighter by ``engine/snippets.py`` and reads the fragments it
finds (objects with ``text``, ``startchar``, ``endchar`` and ``matches``, tokens with ``startchar``/``endchar``).
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Any

from newssearch.models import Snippet

ELLIPSIS = "…"
_SPACE = re.compile(r"\s+")


class SpanFormatter:
    """Formats fragments into a ``Snippet``, whitespace collapsed, fragments joined with an ellipsis."""

    def __init__(self, elide: bool = True):
        self.elide = elide

    def __call__(self, text: str, fragments: Sequence[Any]) -> Snippet | None:
        return self.format(fragments)  # what Whoosh's Highlighter calls

    def format(self, fragments: Sequence[Any], replace: bool = False) -> Snippet | None:
        parts: list[str] = []
        spans: list[tuple[int, int]] = []
        length = 0

        def emit(piece: str, highlight: bool = False) -> None:
            nonlocal length
            piece = _SPACE.sub(" ", piece)
            if not piece:
                return
            if highlight:
                spans.append((length, length + len(piece)))
            parts.append(piece)
            length += len(piece)

        for number, fragment in enumerate(fragments):
            text = fragment.text
            if number:
                emit(f" {ELLIPSIS} ")
            elif self.elide and fragment.startchar > 0:
                emit(f"{ELLIPSIS} ")
            index = fragment.startchar
            for token in sorted(fragment.matches, key=lambda t: (t.startchar, -(t.endchar - t.startchar))):
                if token.startchar is None or token.startchar < index:
                    continue
                emit(text[index : token.startchar])
                emit(text[token.startchar : token.endchar], highlight=True)
                index = token.endchar
            emit(text[index : fragment.endchar])
            if self.elide and number == len(fragments) - 1 and fragment.endchar < len(text):
                emit(f" {ELLIPSIS}")
        return Snippet("".join(parts).strip(), spans) if parts else None


def lead(text: str, maxchars: int = 240) -> Snippet:
    """The opening of a story, cut at a word boundary: the snippet when the body itself did not match."""
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= maxchars:
        return Snippet(text, [])
    cut = text.rfind(" ", 0, maxchars)
    return Snippet(text[: cut if cut > 0 else maxchars].rstrip(" ,;:") + f" {ELLIPSIS}", [])


class Match:
    """A matched word in a text: its term (for the fragment score) and its characters."""

    __slots__ = ("boost", "endchar", "startchar", "text")

    def __init__(self, text: str, startchar: int, endchar: int):
        self.text, self.startchar, self.endchar, self.boost = text, startchar, endchar, 1.0


class Fragment:
    """A passage of ``text`` with its matches: what ``SpanFormatter`` reads (as it reads Whoosh's fragments)."""

    __slots__ = ("endchar", "matched_terms", "matches", "startchar", "text")

    def __init__(self, text: str, matches: list[Match], startchar: int, endchar: int):
        self.text, self.matches, self.startchar, self.endchar = text, matches, startchar, endchar
        self.matched_terms = {m.text for m in matches}

    def __lt__(self, other: Fragment) -> bool:
        return self.startchar < other.startchar


class Tokens:
    """A text's words as Whoosh's analyzer finds them (their regular expression matches, and their text) and the
    query term each matched word makes. Only the words' characters and matches count for highlighting."""

    __slots__ = ("found", "matched", "spans", "words")

    def __init__(self, spans: Sequence[re.Match[str]], words: Sequence[str], found: dict[str, str]):
        self.spans, self.words, self.found = spans, words, found
        self.matched = [i for i, word in enumerate(words) if word in found] if found else []


def _fragment(text: str, matches: list[Match], startchar: int | None, endchar: int) -> Fragment:
    """Whoosh's ``mkfrag`` (no extra characters either side)."""
    if startchar is None:
        startchar = matches[0].startchar if matches else 0
    return Fragment(text, matches, max(0, startchar), min(len(text), endchar))


def _context_start(spans: Sequence[re.Match[str]], window: int, i: int, surround: int) -> int | None:
    """The start of the context before matched word ``i`` reached outside a fragment: the first start left in
    Whoosh's window, to which each word since ``window`` was added and from which starts more than ``surround``
    characters before its end were dropped; None if the window is empty."""
    if i <= window:
        return None
    k = bisect_left(spans, spans[i - 1].end() - surround, window, i, key=re.Match.start)
    return spans[k].start() if k < i else None


def whole_fragment(text: str, tokens: Tokens, charlimit: int | None) -> list[Fragment]:
    """Whoosh's ``WholeFragmenter``: the whole text, with its matches up to the character limit."""
    spans, words, found = tokens.spans, tokens.words, tokens.found
    matches = [
        Match(found[words[i]], spans[i].start(), spans[i].end())
        for i in tokens.matched
        if not charlimit or spans[i].end() <= charlimit
    ]
    return [Fragment(text, matches, 0, len(text))]


def top_fragments(fragments: list[Fragment], count: int, minscore: int = 1) -> list[Fragment]:
    """Whoosh's ``top_fragments`` with its ``BasicFragmentScorer``, in text order (its ``FIRST``)."""
    scored = heapq.nlargest(
        count, ((sum(m.boost for m in f.matches) * ((len(f.matched_terms) * 100) or 1), f) for f in fragments)
    )
    best = [f for score, f in scored if score >= minscore]
    best.sort(key=lambda f: f.startchar)
    return best


def context_fragments(
    text: str, tokens: Tokens, maxchars: int, surround: int, charlimit: int | None
) -> list[Fragment]:
    """The fragments of Whoosh's ``ContextFragmenter.fragment_tokens``, the same ones in the same order.

    Whoosh walks every word; here the words between fragments, which only keep a window of recent start
    characters (the context before the next match), are skipped over to the next matched word, and that window is
    worked out from the positions (see ``_context_start``).
    """
    spans, words, found, matched = tokens.spans, tokens.words, tokens.found, tokens.matched
    if not matched:
        return []
    stop = (
        bisect_right(spans, charlimit, key=re.Match.end) if charlimit else len(spans)
    )  # Whoosh stops at the first word past it
    out: list[Fragment] = []
    first: int | None = None
    countdown = -1
    tks: list[Match] = []
    endchar = 0
    currentlen = 0
    window = 0  # the first word since the last fragment ended (Whoosh's deque of starts is emptied then)
    next_match = 0  # index into matched
    i = 0
    while i < stop:
        term = found.get(words[i])
        if countdown < 0 and term is None:
            # Outside a fragment: jump to the next matched word, if any before the limit.
            while next_match < len(matched) and matched[next_match] < i:
                next_match += 1
            if next_match == len(matched) or matched[next_match] >= stop:
                break  # no fragment is open (tks is empty): nothing more can come out
            i = matched[next_match]
            continue
        startchar, endchar = spans[i].span()
        tlength = endchar - startchar
        if currentlen + tlength > maxchars:
            countdown = 0
        elif term is not None:
            outside = countdown < 0  # else a fragment just ended here, and Whoosh's window of starts is empty
            countdown = surround
            if first is None:
                first = _context_start(spans, window, i, surround) if outside else None
                if first is None:
                    first = startchar
                    countdown += surround
            tks.append(Match(term, startchar, endchar))
        if countdown >= 0:
            currentlen += tlength
            countdown -= tlength
            if countdown <= 0:
                out.append(_fragment(text, tks, first, endchar))
                tks, first, currentlen = [], None, 0
                window = i + 1
        i += 1
    if tks:
        if stop < len(spans):
            endchar = spans[stop].end()
        out.append(_fragment(text, tks, first, endchar))
    return out
