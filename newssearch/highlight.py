"""Snippets as data: matched fragments of a text turned into plain text plus the character spans of the matches.

No Whoosh here: ``SpanFormatter`` is handed to Whoosh's highlighter by ``search.py`` and reads the fragments it
finds (objects with ``text``, ``startchar``, ``endchar`` and ``matches``, tokens with ``startchar``/``endchar``).
"""

from __future__ import annotations

import re
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
