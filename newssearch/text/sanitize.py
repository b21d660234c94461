"""Text that is safe to index and to print: no terminal escape sequences, no control characters.

``clean_text`` and ``clean_article`` clean what is read from files before it is indexed; ``terminal_safe``
makes any text (file names, query text, error messages) safe to print; ``path_text`` turns a file path into
valid UTF-8 text.
"""

from __future__ import annotations

import dataclasses
import os
import re

from newssearch.models import Article

# Escape sequences, removed whole: CSI (ESC [ or U+009B, parameters, intermediates, final byte); OSC, DCS, SOS,
# PM and APC strings up to their terminator (BEL, ESC \ or U+009C); other ESC sequences (ESC, intermediates,
# final byte). Whatever stays of a broken sequence loses its ESC below and is plain text.
_ESCAPE = re.compile(
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d-\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]"
)
# C0 controls but newline and tab, DEL, C1.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"\s*[\n\t]\s*")
# For printing: every control character, the line and paragraph separators, bidirectional overrides (they
# reorder what is shown), and lone surrogates (from file names that are not valid UTF-8; they cannot be printed).
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def clean_text(s: str) -> str:
    """Remove terminal escape sequences and control characters (newline and tab stay); CR and CRLF become LF."""
    if not _CONTROL.search(s):
        return s
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", _ESCAPE.sub("", s))


def _one_line(s: str) -> str:
    return _LINE_BREAKS.sub(" ", clean_text(s)).strip()


def _optional(s: str | None) -> str | None:
    return (_one_line(s) or None) if s is not None else None


def clean_article(article: Article) -> Article:
    """A copy of the article with every text field cleaned (``clean_text``); the article given is not changed.

    Single-line fields (id, headline, source, place, url, author, section, entity names) also have their line breaks and
    tabs turned into spaces. TypeError for anything but an ``Article``; ValueError when nothing is left of its id.
    """
    if not isinstance(article, Article):
        raise TypeError(f"expected an Article, not {type(article).__name__}")
    return dataclasses.replace(
        article,
        id=_one_line(article.id),
        headline=_one_line(article.headline),
        body=clean_text(article.body),
        source=_optional(article.source),
        place=_optional(article.place),
        url=_optional(article.url),
        author=_optional(article.author),
        section=_optional(article.section),
        people=[n for n in map(_one_line, article.people) if n],
        organizations=[n for n in map(_one_line, article.organizations) if n],
        places=[n for n in map(_one_line, article.places) if n],
        topics=[n for n in map(_one_line, article.topics) if n],
        metadata={
            _one_line(key): [clean_text(v) for v in values] for key, values in article.metadata.items()
        },
    )


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def terminal_safe(s: str) -> str:
    """Text of any origin made safe to print: control characters (newline and tab too) shown as escapes.

    Nothing in the result can move the cursor, set the window title or reorder the line.
    """
    return _UNPRINTABLE.sub(_visible, s)


_KEY_ESCAPES = re.compile(r"[\udc80-\udcff]|\\(?=\\|x[0-9a-fA-F]{2}|[\udc80-\udcff])")


def _key_escape(match: re.Match[str]) -> str:
    char = match.group()
    return "\\\\" if char == "\\" else f"\\x{ord(char) - 0xDC00:02x}"


def path_text(path: str | os.PathLike[str]) -> str:
    """A file path as valid UTF-8 text, one text for each path (it is the key of a file in the index): a byte of
    a name that is not UTF-8 becomes ``\\xNN``, and a backslash that would read as the start of such an escape
    (one before ``xNN``, before another backslash or before such a byte) is doubled. Every other path, and so
    every UTF-8 name without such a backslash, is its text unchanged."""
    text = os.fsdecode(os.fsencode(path))  # bytes that are not UTF-8 as lone surrogates (surrogateescape)
    return _KEY_ESCAPES.sub(_key_escape, text) if "\\" in text or not text.isascii() else text


def one_line(text: str) -> str:
    return " ".join(text.split())


def shorten(text: str, limit: int = 60) -> str:
    """``text`` on one line, printable, at most ``limit`` characters."""
    text = one_line("".join(c if c.isprintable() else " " for c in text))
    return text if len(text) <= limit else text[: limit - 1] + "…"
