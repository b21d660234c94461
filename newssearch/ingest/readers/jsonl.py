"""JSON and JSON Lines records with the usual key names."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

from newssearch.dates import article_date
from newssearch.errors import ReadError
from newssearch.ingest.readers.context import ReadContext
from newssearch.ingest.readers.encoding import damage
from newssearch.models import Article, DatePrecision

KEYS = {
    "id": ("id", "_id", "guid", "uuid"),
    "headline": ("headline", "title"),
    # The story's text, and a shorter lead (standfirst, summary) that opens the body when both are given.
    "body": ("body", "text", "content", "article", "full_text", "story"),
    "lead": (
        "short_description",
        "description",
        "summary",
        "abstract",
        "lead",
        "lede",
        "standfirst",
        "excerpt",
        "teaser",
    ),
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
    "author": ("author", "authors", "byline", "creator", "writer"),
    "section": ("section", "category", "categories", "section_name", "desk"),
    "place": ("place", "dateline", "location"),
    "people": ("people", "persons"),
    "organizations": ("organizations", "organisations", "orgs"),
    "places": ("places", "locations"),
}
_NOT_SPACE = re.compile(r"\S")
_LIST_KEYS = ("articles", "items", "data", "results", "documents", "docs", "records")


#: How deep ``scalar`` reads nested lists and objects: deeper values are left out, not a RecursionError.
MAX_DEPTH = 20
#: What a record keeps as metadata (stored, shown by ``show``, not searched): at most this many keys, this many
#: values a key, each cut to this many characters. The rest is dropped, and the file's note says how much.
MAX_METADATA_KEYS = 50
MAX_METADATA_VALUES = 100
MAX_METADATA_CHARS = 2_000
#: A value longer than this makes its record too long for one article (500,000 characters, ``MAX_ARTICLE_CHARS``
#: in ``readers``): the record is left out at once, before its text is copied to be cleaned.
MAX_VALUE_CHARS = 2_000_000


def scalar(value: Any, depth: int = 0) -> str | None:
    """A record value as text: names of nested objects (``{"name": "BBC"}``), lists joined with commas."""
    if value is None or depth > MAX_DEPTH:
        return None
    if isinstance(value, dict):
        return scalar(value.get("name") or value.get("title") or value.get("id"), depth + 1)
    if isinstance(value, list):
        parts = [p for p in (scalar(v, depth + 1) for v in value) if p]
        return ", ".join(parts) or None
    text = str(value)
    if len(text) > MAX_VALUE_CHARS:
        raise ReadError(f"too long for one article (a value of {len(text):,} characters)")
    text = text.strip()
    return text or None


def _strings(value: Any) -> list[str]:
    """A list of names: a JSON list, or text separated by commas."""
    if isinstance(value, list):
        return [s for s in (scalar(v) for v in value) if s]
    text = scalar(value)
    return [p.strip() for p in text.split(",") if p.strip()] if text else []


def _date(value: Any) -> tuple[datetime | None, DatePrecision]:
    """A date and its precision from a year (``2021``), epoch seconds or milliseconds, or from text."""
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return datetime(value, 1, 1, tzinfo=timezone.utc), "year"  # not 33 minutes past midnight, 1 Jan 1970
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value  # epoch milliseconds or seconds
        try:
            return datetime.fromtimestamp(seconds, tz=timezone.utc), "time"
        except (OverflowError, OSError, ValueError):
            return None, "time"
    return article_date(scalar(value))


def _metadata(value: Any) -> list[str]:
    """A kept record value as metadata values: a list's items, or the value as text (an object with no name, title
    or id: its values joined, so that ``{"payload": {"text": …}}`` is kept, not dropped)."""
    values = value[:MAX_METADATA_VALUES] if isinstance(value, list) else [value]
    texts = (scalar(v) or (scalar(list(v.values()), 1) if isinstance(v, dict) else None) for v in values)
    return [
        text if len(text) <= MAX_METADATA_CHARS else f"{text[: MAX_METADATA_CHARS - 1]}…"
        for text in texts
        if text
    ]


def _with_lead(lead: str, body: str) -> str:
    """The body with the lead as its first paragraph, unless it already opens with it."""
    if not lead or " ".join(body[: 2 * len(lead) + 100].split()).startswith(" ".join(lead.split())):
        return body or lead
    return f"{lead}\n\n{body}" if body else lead


def record_to_article(
    record: Any, default_id: str, ctx: ReadContext | None = None, where: str = ""
) -> Article:
    """Map an object with the usual key names (any case) to an Article; the other keys are kept as metadata.

    A lead (``short_description``, ``summary``…) opens the body as its first paragraph (the body alone, when it
    is the text's start already). ``ctx`` sums up the keys used and the records (``where``) that have no text.
    """
    if not isinstance(record, dict):
        raise ReadError(f"expected a JSON object, found {type(record).__name__}")
    lowered: dict[str, tuple[str, Any]] = {}
    for key, value in record.items():
        lowered.setdefault(str(key).lower(), (str(key), value))
    used: dict[str, str] = {}  # field -> key

    def pick(name: str) -> Any:
        for key in KEYS[name]:
            original, value = lowered.get(key, ("", None))
            if value not in (None, "", []):
                used[name] = original
                return value
        return None

    headline, body = scalar(pick("headline")) or "", scalar(pick("body")) or ""
    body = _with_lead(scalar(pick("lead")) or "", body)
    if "lead" in used and "body" not in used:  # the lead is all the text there is
        used["body"] = used.pop("lead")
    if not headline and not body:
        raise ReadError("record has no headline or body")
    article_id = scalar(pick("id")) or default_id  # picked first: the fields note lists keys in this order
    date, precision = _date(pick("date"))
    article = Article(
        id=article_id,
        headline=headline,
        body=body,
        date=date,
        date_precision=precision,
        source=scalar(pick("source")),
        place=scalar(pick("place")),
        url=scalar(pick("url")),
        author=scalar(pick("author")),
        section=scalar(pick("section")),
        people=_strings(pick("people")),
        organizations=_strings(pick("organizations")),
        places=_strings(pick("places")),
    )
    taken = set(used.values())
    dropped = 0
    for original, value in lowered.values():
        if original in taken or value in (None, "", []):
            continue
        if len(article.metadata) >= MAX_METADATA_KEYS:
            dropped += 1
        elif kept := _metadata(value):
            article.metadata[original[:MAX_METADATA_CHARS]] = kept
    if ctx is not None:
        ctx.fields.dropped += dropped
        ctx.fields.records += 1
        ctx.fields.used.update(used.items())
        ctx.fields.kept.update(article.metadata.keys())
        if not body.strip():
            ctx.fields.no_text.append(where or default_id)
    return article


def _records(value: Any) -> list[Any]:
    """The records of a JSON document: an array, an object's list of articles (``{"articles": [...]}``), or the
    object itself."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        for key in _LIST_KEYS:
            records = value.get(key)
            if isinstance(records, list):
                return records
        return [value]
    raise ReadError(f"expected a JSON object or array, found {type(value).__name__}")


def _first_line_record(data: str) -> bool:
    """True when the first line that is not blank is a JSON object by itself (as in JSON Lines)."""
    first = _NOT_SPACE.search(data)  # not data.lstrip(): no copy of the file's text
    start = data.rfind("\n", 0, first.start() if first else len(data)) + 1  # the start of that line
    end = data.find("\n", start)
    line = data[start : end if end >= 0 else len(data)]
    try:
        return isinstance(json.loads(line), dict)
    except (json.JSONDecodeError, RecursionError):
        return False


def read_json(data: str, ctx: ReadContext) -> Iterator[Article]:
    """A JSON object or array of records; a bad item of an array is left out with a note. JSON Lines (one record a
    line) is read as such, whatever the file's ending."""
    try:
        value = json.loads(data)
    except json.JSONDecodeError as exc:
        # A record on its first line and more after it, or a first line that is broken and others that start
        # records: JSON Lines.
        if (exc.msg == "Extra data" and _first_line_record(data)) or (
            exc.lineno == 1 and re.search(r"\n[ \t]*\{", data)
        ):
            ctx.notes.append("read as JSON Lines (one record a line)")
            yield from _read_lines(data, ctx)
            return
        raise ReadError(f"invalid JSON: {exc.msg} at line {exc.lineno}") from None
    except RecursionError:
        raise ReadError("invalid JSON: nested too deeply") from None
    yield from _read_value(value, ctx)


def _read_value(value: Any, ctx: ReadContext) -> Iterator[Article]:
    records = _records(value)
    if len(records) == 1:
        yield record_to_article(records[0], ctx.rel, ctx, "the record")
        return
    for n, record in enumerate(records, 1):
        try:
            yield record_to_article(record, f"{ctx.rel}#{n}", ctx, f"item {n}")
        except ReadError as exc:
            ctx.leave_out(f"item {n}", str(exc))


_GAP = re.compile(r"[\s,]*")


def read_json_items(data: str, ctx: ReadContext) -> Iterator[Article]:
    """A part of a JSON array read in parts (``splitting.py``): its items one after the other (the array's
    opening bracket, in its first part, and its closing one, in its last, are passed over), numbered after the
    items before it (``ctx.first_record``)."""
    decoder = json.JSONDecoder()
    pos = _GAP.match(data).end()  # type: ignore[union-attr]
    if ctx.first_record == 0 and data.startswith("[", pos):
        pos += 1
    n = ctx.first_record
    while True:
        pos = _GAP.match(data, pos).end()  # type: ignore[union-attr]
        if pos >= len(data) or data[pos] == "]":
            return
        n += 1
        try:
            record, pos = decoder.raw_decode(data, pos)
        except json.JSONDecodeError as exc:
            raise ReadError(f"invalid JSON: {exc.msg} in item {n:,}") from None
        except ValueError as exc:  # an integer too long to read
            raise ReadError(f"invalid JSON: {exc} in item {n:,}") from None
        except RecursionError:
            raise ReadError(f"invalid JSON: nested too deeply in item {n:,}") from None
        try:
            yield record_to_article(record, f"{ctx.rel}#{n}", ctx, f"item {n}")
        except ReadError as exc:
            ctx.leave_out(f"item {n}", str(exc))


def read_jsonl(data: str, ctx: ReadContext) -> Iterator[Article]:
    """One record a line; a bad line is left out with a note. A file holding one JSON document over several lines
    (an array, say) is read as JSON."""
    if not _first_line_record(data):
        try:
            value = json.loads(data)
        except (json.JSONDecodeError, RecursionError):
            pass
        else:
            ctx.notes.append("read as one JSON document, not JSON Lines")
            yield from _read_value(value, ctx)
            return
    yield from _read_lines(data, ctx)


def _read_lines(data: str, ctx: ReadContext) -> Iterator[Article]:
    for n, line in enumerate(data.split("\n"), ctx.first_line):  # not splitlines(): U+2028 may be in a string
        if not line.strip():
            continue
        damaged = damage(line)
        if damaged:
            ctx.leave_out(f"line {n}", damaged)
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            ctx.leave_out(f"line {n}", f"invalid JSON: {exc.msg}")
            continue
        except RecursionError:
            ctx.leave_out(f"line {n}", "invalid JSON: nested too deeply")
            continue
        try:
            yield record_to_article(record, f"{ctx.rel}#{n}", ctx, f"line {n}")
        except ReadError as exc:
            ctx.leave_out(f"line {n}", str(exc))
