"""Read corpus files into ``Article`` records, one small reader per input format, auto-detected per file.

``read_articles(path, root)`` is the single entry point: it detects the format, runs the reader and completes each
record (dateline place and source, named entities). Readers raise ``ReadError`` for a file they cannot use.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newssearch.dates import parse_date
from newssearch.errors import ReadError
from newssearch.extract import extract_entities, parse_dateline
from newssearch.models import Article

#: File endings read as each format; files with other endings are sniffed or ignored.
EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
IGNORED_NAMES = re.compile(r"^(readme|license|licence|changelog)(\..*)?$", re.IGNORECASE)

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


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    fallback: bool


def decode(data: bytes) -> Decoded:
    """UTF-8 (with or without BOM) first, then latin-1, which never fails; ``fallback`` says which."""
    try:
        return Decoded(data.decode("utf-8-sig"), "utf-8", False)
    except UnicodeDecodeError:
        return Decoded(data.decode("latin-1"), "latin-1", True)


def detect_format(path: Path) -> str | None:
    """The format name for a file, or None when it is not an article file."""
    if path.name.startswith(".") or IGNORED_NAMES.match(path.name):
        return None
    fmt = EXTENSIONS.get(path.suffix.lower())
    if fmt or path.suffix:
        return fmt
    try:
        head = path.read_bytes()[:512].lstrip()
    except OSError:
        return "text"  # let the reader report the error
    if b"\0" in head:
        return None
    if head.startswith((b"{", b"[")):
        return "jsonl" if head.startswith(b"{") and b"\n{" in path.read_bytes() else "json"
    return "text"


def discover(paths: Iterable[Path]) -> Iterator[tuple[Path, Path]]:
    """Yield ``(root, file)`` for every article file under the given files and folders, sorted."""
    for given in paths:
        if given.is_dir():
            found = []
            for dirpath, dirnames, filenames in os.walk(given):
                dirnames[:] = [d for d in dirnames if not d.startswith(".")]
                found.extend(Path(dirpath) / name for name in filenames)
            for file in sorted(found):
                if detect_format(file):
                    yield given, file
        elif given.exists():
            yield given.parent, given


def ignored_files(paths: Iterable[Path]) -> list[Path]:
    """Files under the given folders that are not article files (README, unknown endings)."""
    out = []
    for given in paths:
        if given.is_dir():
            for dirpath, dirnames, filenames in os.walk(given):
                dirnames[:] = [d for d in dirnames if not d.startswith(".")]
                out.extend(
                    Path(dirpath) / n
                    for n in filenames
                    if not n.startswith(".") and not detect_format(Path(dirpath) / n)
                )
    return sorted(out)


def relative_id(root: Path, file: Path) -> str:
    return file.relative_to(root).as_posix()


# --- plain text ------------------------------------------------------------------------------------------


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
    """A plain-text article: headline line, optional ``Key: value`` header lines (Date, Source, Author, URL), body."""
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
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", "\n".join(body_lines)) if p.strip()]
    return Article(
        id=article_id,
        headline=headline,
        body="\n\n".join(paragraphs),
        date=parse_date(meta.get("date") or meta.get("published")),
        source=meta.get("source") or None,
        url=meta.get("url") or meta.get("link") or None,
        author=meta.get("author") or meta.get("by") or None,
    )


def read_text(data: str, rel: str) -> Iterator[Article]:
    yield parse_text(data, rel)


# --- JSON and JSON Lines ---------------------------------------------------------------------------------

_KEYS = {
    "id": ("id", "_id", "guid", "uuid"),
    "headline": ("headline", "title"),
    "body": ("body", "text", "content", "article", "description", "summary"),
    "date": (
        "date",
        "published",
        "published_at",
        "publishedat",
        "pubdate",
        "datetime",
        "timestamp",
        "created_at",
    ),
    "source": ("source", "publisher", "site", "site_name", "outlet"),
    "url": ("url", "link", "permalink"),
    "author": ("author", "byline", "authors", "creator"),
    "place": ("place", "dateline", "location"),
    "people": ("people", "persons"),
    "organizations": ("organizations", "organisations", "orgs"),
    "places": ("places", "locations"),
}
_LIST_KEYS = ("articles", "items", "data", "results", "documents", "docs", "records")


def _scalar(value: Any) -> str | None:
    """A record value as text: names of nested objects (``{"name": "BBC"}``), lists joined with commas."""
    if value is None:
        return None
    if isinstance(value, dict):
        return _scalar(value.get("name") or value.get("title") or value.get("id"))
    if isinstance(value, list):
        parts = [p for p in (_scalar(v) for v in value) if p]
        return ", ".join(parts) or None
    text = str(value).strip()
    return text or None


def _strings(value: Any) -> list[str]:
    if isinstance(value, list):
        return [s for s in (_scalar(v) for v in value) if s]
    text = _scalar(value)
    return [p.strip() for p in text.split(",") if p.strip()] if text else []


def record_to_article(record: Any, default_id: str) -> Article:
    """Map a JSON object with the usual key names (case-insensitive) to an Article."""
    if not isinstance(record, dict):
        raise ReadError(f"expected a JSON object, found {type(record).__name__}")
    lowered = {str(k).lower(): v for k, v in record.items()}

    def pick(name: str) -> Any:
        for key in _KEYS[name]:
            if lowered.get(key) not in (None, "", []):
                return lowered[key]
        return None

    headline, body = _scalar(pick("headline")) or "", _scalar(pick("body")) or ""
    if not headline and not body:
        raise ReadError("record has no headline or body")
    raw_date = pick("date")
    if isinstance(raw_date, (int, float)) and not isinstance(raw_date, bool):
        from datetime import datetime, timezone

        date = datetime.fromtimestamp(raw_date / 1000 if raw_date > 1e11 else raw_date, tz=timezone.utc)
    else:
        date = parse_date(_scalar(raw_date))
    return Article(
        id=_scalar(pick("id")) or default_id,
        headline=headline,
        body=body,
        date=date,
        source=_scalar(pick("source")),
        place=_scalar(pick("place")),
        url=_scalar(pick("url")),
        author=_scalar(pick("author")),
        people=_strings(pick("people")),
        organizations=_strings(pick("organizations")),
        places=_strings(pick("places")),
    )


def _records(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        for key in _LIST_KEYS:
            if isinstance(value.get(key), list):
                return value[key]
        return [value]
    raise ReadError(f"expected a JSON object or array, found {type(value).__name__}")


def read_json(data: str, rel: str) -> Iterator[Article]:
    try:
        value = json.loads(data)
    except json.JSONDecodeError as exc:
        raise ReadError(f"invalid JSON: {exc.msg} at line {exc.lineno}") from None
    records = _records(value)
    if len(records) == 1:
        yield record_to_article(records[0], rel)
        return
    for n, record in enumerate(records, 1):
        yield record_to_article(record, f"{rel}#{n}")


def read_jsonl(data: str, rel: str) -> Iterator[Article]:
    for n, line in enumerate(data.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ReadError(f"invalid JSON on line {n}: {exc.msg}") from None
        yield record_to_article(record, f"{rel}#{n}")


READERS: dict[str, Callable[[str, str], Iterator[Article]]] = {
    "text": read_text,
    "json": read_json,
    "jsonl": read_jsonl,
}


# --- completion ------------------------------------------------------------------------------------------


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
    """What reading one file gave: its articles (complete), its format, and a note (an encoding fallback)."""

    articles: list[Article]
    format: str
    note: str | None = None


def read_articles(path: Path, root: Path) -> FileResult:
    """Read every article in one corpus file. Raises ReadError when the file cannot be used at all."""
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
    rel = relative_id(root, path)
    articles = []
    for article in READERS[fmt](decoded.text, rel):
        article.path = str(path)
        articles.append(complete(article))
    if not articles:
        raise ReadError("no articles found")
    note = f"not UTF-8, read as {decoded.encoding}" if decoded.fallback else None
    return FileResult(articles, fmt, note)
