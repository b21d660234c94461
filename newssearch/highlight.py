"""Snippets as data: Whoosh fragments turned into plain text plus the character spans of matched terms."""

from __future__ import annotations

import re

from whoosh.highlight import ContextFragmenter, Formatter, Highlighter, WholeFragmenter

from newssearch.models import Snippet

ELLIPSIS = "…"
_SPACE = re.compile(r"\s+")


class SpanFormatter(Formatter):
    """Formats fragments into a ``Snippet``, whitespace collapsed, fragments joined with an ellipsis."""

    def __init__(self, elide: bool = True):
        self.elide = elide

    def format(self, fragments, replace=False):
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


def body_highlighter(maxchars: int = 220, surround: int = 60) -> Highlighter:
    return Highlighter(
        fragmenter=ContextFragmenter(maxchars=maxchars, surround=surround), formatter=SpanFormatter()
    )


def headline_highlighter() -> Highlighter:
    return Highlighter(fragmenter=WholeFragmenter(), formatter=SpanFormatter(elide=False))


def lead(text: str, maxchars: int = 240) -> Snippet:
    """The opening of a story, cut at a word boundary: the snippet when the body itself did not match."""
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= maxchars:
        return Snippet(text, [])
    cut = text.rfind(" ", 0, maxchars)
    return Snippet(text[: cut if cut > 0 else maxchars].rstrip(" ,;:") + f" {ELLIPSIS}", [])
