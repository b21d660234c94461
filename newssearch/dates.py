"""Date parsing for article metadata and for query bounds (not Whoosh's date plugin)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

_YEAR = re.compile(r"^\d{4}$")
_YEAR_MONTH = re.compile(r"^\d{4}-\d{1,2}$")
_DAY = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def parse_date(text: str | None) -> datetime | None:
    """Parse a date in a common format into a timezone-aware datetime (UTC when no zone is given).

    Returns None for empty or unparseable text.
    """
    if text is None:
        return None
    text = text.strip()
    if not text:
        return None
    try:
        return _aware(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        pass
    from dateutil import parser as dateutil_parser  # loaded for the formats ISO 8601 does not cover

    try:
        return _aware(dateutil_parser.parse(text, fuzzy=False))
    except (ValueError, OverflowError):
        return None


def parse_bound(text: str, *, end: bool = False) -> datetime:
    """Parse a ``--since``/``--until`` value: ``2020``, ``2020-01``, ``2020-01-10`` or a full date.

    With ``end=True`` a partial date means the end of its period, so ``--until 2020-01`` includes all of January.
    Raises ValueError with a readable message.
    """
    value = text.strip()
    # start: the first moment of the period; following: (year, month, day) of the next period's first day, or
    # None for a day (the next day is a day later)
    if _YEAR.match(value):
        start = datetime(int(value), 1, 1, tzinfo=timezone.utc)
        following: tuple[int, int, int] | None = (start.year + 1, 1, 1)
    elif _YEAR_MONTH.match(value):
        year, month = (int(p) for p in value.split("-"))
        if not 1 <= month <= 12:
            raise ValueError(f"not a valid month: {text!r}")
        start = datetime(year, month, 1, tzinfo=timezone.utc)
        following = (year + month // 12, month % 12 + 1, 1)
    elif _DAY.match(value):
        try:
            start = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=timezone.utc)
        except ValueError:
            raise ValueError(f"not a valid date: {text!r}") from None
        following = None
    else:
        parsed = parse_date(value)
        if parsed is None:
            raise ValueError(f"not a date: {text!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
        return parsed
    if not end:
        return start
    try:
        nxt = datetime(*following, tzinfo=timezone.utc) if following else start + timedelta(days=1)
        return nxt - timedelta(microseconds=1)
    except (OverflowError, ValueError):  # the end of year 9999
        return datetime.max.replace(tzinfo=timezone.utc)


def coerce_bound(value: datetime | date | str | None, *, end: bool = False) -> datetime | None:
    """A ``since``/``until`` bound as the API takes it: a ``datetime`` (naive ones are UTC), a ``date`` (its whole
    day), or text as ``--since``/``--until`` take it. Raises ValueError for anything else."""
    if value is None or isinstance(value, datetime):
        return _aware(value) if value is not None else None
    if isinstance(value, date):
        start = datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
        return start + timedelta(days=1) - timedelta(microseconds=1) if end else start
    if isinstance(value, str):
        return parse_bound(value, end=end)
    raise ValueError(f"not a date: {value!r} (give a date, a datetime or text such as 2020-01)")


def to_utc_naive(value: datetime) -> datetime:
    """Whoosh stores naive datetimes: normalise to UTC and drop the zone."""
    return _aware(value).astimezone(timezone.utc).replace(tzinfo=None)


def from_utc_naive(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc)
