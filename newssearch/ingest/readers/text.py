"""Plain-text articles: a headline line, optional ``Key: value`` header lines, then the story."""

from __future__ import annotations

import re
from collections.abc import Iterator

from newssearch.dates import article_date
from newssearch.errors import ReadError
from newssearch.ingest.readers.context import ReadContext
from newssearch.models import Article

_HEADER = re.compile(r"^(date|published|source|author|by|url|link)\s*:\s*(.*)$", re.IGNORECASE)
_FURNITURE_START = re.compile(r"^(share (this )?(post|article|story)?:?|share:)$", re.IGNORECASE)
_TEASER_MARKERS = {
    "popular",
    "recent",
    "related",
    "related articles",
    "related stories",
    "read more",
    "more stories",
    "most read",
    "trending",
    "latest",
    "you may also like",
}
_TEASER_LINE_MAX = 200
_PROSE_LINE = re.compile(r"^\W*[^\W\d_]+\S*(?:[ \t]+\S+){2,}", re.MULTILINE)  # a line of three words or more
_SENTENCE_END = re.compile(r"\w[.!?][\"'”’)]*(?=\s|$)")
#: A page of links or menu items: at least this many lines of at most this many words, and no sentence.
_LINKS_MIN_LINES = 5
_LINK_WORDS = 8
_SENTENCE_WORDS = 5


def _cut_furniture(lines: list[str]) -> list[str]:
    """Drop scraped page furniture: everything from a "Share post:" line, and trailing teaser blocks."""
    for i, line in enumerate(lines):
        if _FURNITURE_START.match(line.strip()):
            lines = lines[:i]
            break
    # A trailing block that starts at a marker line ("Popular", "Related") and holds only short lines is teasers.
    for i, line in enumerate(lines):
        if line.strip().lower().rstrip(":") in _TEASER_MARKERS and all(
            len(rest.strip()) <= _TEASER_LINE_MAX for rest in lines[i + 1 :]
        ):
            return lines[:i]
    return lines


def parse_text(text: str, article_id: str) -> Article:
    """A plain-text article: headline line, optional header lines (Date, Source, Author, URL), body."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    pos = 0
    while pos < len(lines) and not lines[pos].strip():
        pos += 1
    if pos == len(lines):
        raise ReadError("empty file")
    headline = lines[pos].strip()
    pos += 1
    meta: dict[str, str] = {}
    while pos < len(lines):
        line = lines[pos].strip()
        match = _HEADER.match(line)
        if not line:
            pos += 1
        elif match and match.group(1).lower() not in meta:
            meta[match.group(1).lower()] = match.group(2).strip()
            pos += 1
        else:
            break
    body_lines = _cut_furniture(lines[pos:])
    date, precision = article_date(meta.get("date") or meta.get("published"))
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", "\n".join(body_lines)) if p.strip()]
    return Article(
        id=article_id,
        headline=headline,
        body="\n\n".join(paragraphs),
        date=date,
        date_precision=precision,
        source=meta.get("source") or None,
        url=meta.get("url") or meta.get("link") or None,
        author=meta.get("author") or meta.get("by") or None,
    )


def _has_sentence(line: str) -> bool:
    """Whether a line holds a sentence: words ending in ".", "!" or "?", enough of them."""
    start = 0
    for match in _SENTENCE_END.finditer(line):
        if len(line[start : match.end()].split()) >= _SENTENCE_WORDS:
            return True
        start = match.end()
    return False


def looks_like_links(text: str) -> bool:
    """Many short lines (mostly) and not one sentence: a page of navigation links or menu items."""
    lines = [line for line in text.splitlines() if line.strip()]
    short = sum(len(line.split()) <= _LINK_WORDS for line in lines)
    return short >= _LINKS_MIN_LINES and 3 * short >= 2 * len(lines) and not any(map(_has_sentence, lines))


def read_text(data: str, ctx: ReadContext) -> Iterator[Article]:
    """The file as one article; ReadError for a word list or a page of links."""
    article = parse_text(data, ctx.rel)
    text = f"{article.headline}\n{article.body}"
    if not _PROSE_LINE.search(text):
        raise ReadError("not an article: no line of text (a word list?)")
    if looks_like_links(text):
        raise ReadError("not an article: short lines and no sentence (a page of links or menu items?)")
    yield article
