"""Read corpus files into ``Article`` records: one small reader per input format, auto-detected per file.

``read_articles(path, root)`` is the single entry point: it detects the format, decodes the bytes, runs the
reader and completes each record (dateline place and source, named entities). A reader raises ``ReadError`` for a
file it cannot use at all, and leaves notes (records left out, a guessed layout) in its ``ReadContext``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from newssearch.errors import ReadError
from newssearch.extract import extract_entities, parse_dateline
from newssearch.models import Article
from newssearch.readers.context import ReadContext
from newssearch.readers.encoding import decode
from newssearch.readers.html import read_html
from newssearch.readers.jsonl import read_json, read_jsonl
from newssearch.readers.reuters import read_reuters
from newssearch.readers.smart import looks_like_smart, read_smart
from newssearch.readers.tabular import read_table
from newssearch.readers.text import parse_text, read_text

__all__ = [
    "FileResult",
    "ReadContext",
    "decode",
    "detect_format",
    "discover",
    "parse_text",
    "read_articles",
]

READERS: dict[str, Callable[[str, ReadContext], Iterator[Article]]] = {
    "text": read_text,
    "json": read_json,
    "jsonl": read_jsonl,
    "csv": read_table,
    "tsv": partial(read_table, delimiter="\t"),
    "html": read_html,
    "reuters-sgml": read_reuters,
    "smart": read_smart,
}

#: File endings read as each format. Files with other endings are sniffed for JSON and SMART; files without an
#: ending may also be plain text.
EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".sgm": "reuters-sgml",
    ".sgml": "reuters-sgml",
}
IGNORED_NAMES = re.compile(r"^(readme|license|licence|changelog|copying)(\..*)?$", re.IGNORECASE)
_SNIFF_BYTES = 4096


def detect_format(path: Path) -> str | None:
    """The format name for a file, or None when it is not an article file."""
    if path.name.startswith(".") or IGNORED_NAMES.match(path.name):
        return None
    fmt = EXTENSIONS.get(path.suffix.lower())
    if fmt:
        return fmt
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES).decode("utf-8", "replace")
    except OSError:
        return None
    if "\0" in head:
        return None
    start = head.lstrip()
    if looks_like_smart(head):
        return "smart"
    if start.startswith("{"):
        return "jsonl" if "\n{" in start else "json"
    if start.startswith("["):
        return "json"
    first_line = start.split("\n", 1)[0]
    if not path.suffix and sum(c.isalpha() for c in first_line) >= 2:
        return "text"
    return None


def _walk(folder: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            yield Path(dirpath) / name


def discover(paths: Iterable[Path]) -> Iterator[tuple[Path, Path]]:
    """Yield ``(root, file)`` for every article file under the given files and folders, sorted."""
    for given in paths:
        if given.is_dir():
            for file in sorted(_walk(given)):
                if detect_format(file):
                    yield given, file
        elif given.exists():
            yield given.parent, given


def complete(article: Article) -> Article:
    """Fill in dateline place and source and the named entities the record did not already carry."""
    dateline = parse_dateline(article.body)
    article.place = article.place or dateline.place
    article.source = article.source or dateline.source
    if not (article.people or article.organizations or article.places):
        entities = extract_entities(article.headline, article.body, article.place)
        article.people, article.organizations, article.places = (
            entities.people,
            entities.organizations,
            entities.places,
        )
    return article


@dataclass
class FileResult:
    """What reading one file gave: its complete articles, its format, and notes for the report."""

    articles: list[Article]
    format: str
    notes: list[str] = field(default_factory=list)


def read_articles(path: Path, root: Path, columns: list[str] | None = None) -> FileResult:
    """Read every article in one corpus file. Raises ReadError when the file cannot be used at all.

    ``columns`` names the columns of a CSV/TSV file that has no header row.
    """
    fmt = detect_format(path)
    if fmt is None:
        raise ReadError("not an article file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReadError(exc.strerror or str(exc)) from None
    decoded = decode(raw)
    if not decoded.text.strip():
        raise ReadError("empty file")
    ctx = ReadContext(rel=path.relative_to(root).as_posix(), columns=columns)
    if decoded.fallback:
        ctx.notes.append(f"not UTF-8, read as {decoded.encoding}")
    articles = []
    for article in READERS[fmt](decoded.text, ctx):
        article.path = str(path)
        articles.append(complete(article))
    if not articles:
        raise ReadError("no articles found")
    return FileResult(articles, fmt, ctx.notes)
