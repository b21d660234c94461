"""JSON and JSON Lines records with the usual key names."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

from newssearch.dates import article_date
from newssearch.errors import ReadError
from newssearch.models import Article, DatePrecision
from newssearch.readers.context import ReadContext

KEYS = {
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


def scalar(value: Any) -> str | None:
    """A record value as text: names of nested objects (``{"name": "BBC"}``), lists joined with commas."""
    if value is None:
        return None
    if isinstance(value, dict):
        return scalar(value.get("name") or value.get("title") or value.get("id"))
    if isinstance(value, list):
        parts = [p for p in (scalar(v) for v in value) if p]
        return ", ".join(parts) or None
    text = str(value).strip()
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


def record_to_article(record: Any, default_id: str) -> Article:
    """Map an object with the usual key names (any case) to an Article; unknown keys are ignored."""
    if not isinstance(record, dict):
        raise ReadError(f"expected a JSON object, found {type(record).__name__}")
    lowered = {str(k).lower(): v for k, v in record.items()}

    def pick(name: str) -> Any:
        for key in KEYS[name]:
            if lowered.get(key) not in (None, "", []):
                return lowered[key]
        return None

    headline, body = scalar(pick("headline")) or "", scalar(pick("body")) or ""
    if not headline and not body:
        raise ReadError("record has no headline or body")
    date, precision = _date(pick("date"))
    return Article(
        id=scalar(pick("id")) or default_id,
        headline=headline,
        body=body,
        date=date,
        date_precision=precision,
        source=scalar(pick("source")),
        place=scalar(pick("place")),
        url=scalar(pick("url")),
        author=scalar(pick("author")),
        people=_strings(pick("people")),
        organizations=_strings(pick("organizations")),
        places=_strings(pick("places")),
    )


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


def read_json(data: str, ctx: ReadContext) -> Iterator[Article]:
    """A JSON object or array of records; a bad item of an array is left out with a note."""
    try:
        value = json.loads(data)
    except json.JSONDecodeError as exc:
        raise ReadError(f"invalid JSON: {exc.msg} at line {exc.lineno}") from None
    except RecursionError:
        raise ReadError("invalid JSON: nested too deeply") from None
    records = _records(value)
    if len(records) == 1:
        yield record_to_article(records[0], ctx.rel)
        return
    for n, record in enumerate(records, 1):
        try:
            yield record_to_article(record, f"{ctx.rel}#{n}")
        except ReadError as exc:
            ctx.leave_out(f"item {n}", str(exc))


def read_jsonl(data: str, ctx: ReadContext) -> Iterator[Article]:
    """One record a line; a bad line is left out with a note."""
    for n, line in enumerate(data.split("\n"), 1):  # not splitlines(): U+2028 may sit inside a string
        if not line.strip():
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
            yield record_to_article(record, f"{ctx.rel}#{n}")
        except ReadError as exc:
            ctx.leave_out(f"line {n}", str(exc))
