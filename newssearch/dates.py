"""Dates of articles and the bounds of a date filter (not Whoosh's date plugin).

A date is read with the precision its text gives (``year``, ``month``, ``day`` or ``time``) and stored as the first
moment of that period, in UTC. Nothing depends on today's date: text that only makes sense relative to when it was
written ("yesterday", "2 hours ago"), that has no year, or whose day and month could be either way round is not
guessed at; an article reader leaves such a story undated and says so in the file's notes (``FileDates``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Literal, NamedTuple

#: How much of a date its source gave: a year, a month, a day, or a time of day. A date is stored as the first
#: moment of its period.
DatePrecision = Literal["year", "month", "day", "time"]
PRECISIONS: tuple[DatePrecision, ...] = ("year", "month", "day", "time")

_YEAR = re.compile(r"^\d{4}$")
_YEAR_MONTH = re.compile(r"^\d{4}-\d{1,2}$")
_DAY = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_ISO_DAY = re.compile(r"^\d{4}-?\d{2}-?\d{2}$")
#: Day and month in numbers, before a year: ``01/03/1987``, ``4.3.2021``, ``1-3-87``.
_NUMERIC = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})\b")
_RELATIVE = re.compile(
    r"\b(yesterday|today|tonight|tomorrow|now|ago|last|next|this\s+(morning|afternoon|evening|week|month|year))\b",
    re.IGNORECASE,
)
_A_YEAR = re.compile(r"\b\d{4}\b")
#: Longer text is not a date (and dateutil's time grows with it).
MAX_DATE_CHARS = 100
# Two defaults that differ in every part: a part that comes out the same under both was given by the text.
_DEFAULTS = (datetime(2000, 1, 1), datetime(2004, 2, 2, 1, 1, 1, 1))

#: Time zone abbreviations as English-language news uses them, in hours from UTC. Ambiguous ones are left out
#: (IST: India, Ireland or Israel; AST: Atlantic or Arabia); CST is the US zone and BST British Summer Time.
ZONES: dict[str, float] = {
    "UTC": 0, "UT": 0, "GMT": 0, "Z": 0, "WET": 0,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10, "NST": -3.5, "NDT": -2.5,
    "BST": 1, "WEST": 1, "CET": 1, "CEST": 2, "MET": 1, "MEST": 2, "EET": 2, "EEST": 3, "MSK": 3,
    "HKT": 8, "SGT": 8, "AWST": 8, "JST": 9, "KST": 9, "ACST": 9.5, "AEST": 10, "AEDT": 11,
    "NZST": 12, "NZDT": 13,
}  # fmt: skip


class Dated(NamedTuple):
    """A date as read: the first moment of the period its text gives, that precision, and a note on the reading
    (an unknown time zone, read as UTC) or None."""

    value: datetime
    precision: DatePrecision
    note: str | None = None


class DateError(ValueError):
    """Text that is not read as a date; ``kind`` says why (``relative``, ``ambiguous``, ``no year``,
    ``unreadable``)."""

    def __init__(self, kind: str, text: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.text = text


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def _parse_with_dateutil(text: str, dayfirst: bool) -> Dated:
    from dateutil import parser as dateutil_parser  # loaded for the formats ISO 8601 does not cover

    unknown: list[str] = []

    def zone(name: str | None, offset: int | None) -> tzinfo | None:
        # A callable, so dateutil never falls back on the machine's own zone names nor warns of unknown ones.
        if name and name.upper() in ZONES:
            return timezone(timedelta(hours=ZONES[name.upper()]))
        if offset is not None:
            return timezone(timedelta(seconds=offset))
        if name:
            unknown.append(name)
        return None

    try:
        first, second = (
            dateutil_parser.parse(text, default=default, dayfirst=dayfirst, tzinfos=zone)
            for default in _DEFAULTS
        )
    except (ValueError, OverflowError):
        raise DateError("unreadable", text, f"not a date: {text!r}") from None
    if first.year != second.year:
        raise DateError("no year", text, f"not a date: {text!r} has no year")
    given_time = (first.hour, first.minute) == (second.hour, second.minute)
    precision: DatePrecision = (
        "year"
        if first.month != second.month
        else "month"
        if first.day != second.day
        else "time"
        if given_time
        else "day"
    )
    value = first.replace(month=1) if precision == "year" else first
    if precision != "time":
        value = value.replace(
            day=1 if precision in ("year", "month") else value.day, hour=0, minute=0, second=0
        )
        value = value.replace(
            microsecond=0, tzinfo=None
        )  # a whole day is a UTC day, whatever zone came with it
    note = (
        f"unknown time zone {unknown[0]!r} in {text!r}, read as UTC"
        if unknown and precision == "time"
        else None
    )
    return Dated(_aware(value), precision, note)


def read_date(text: str | None, *, dayfirst: bool | None = None) -> Dated | None:
    """Read a date with the precision its text gives; None for no text. Raises ``DateError`` for text that is not
    read as a date: relative dates, dates without a year, dates out of range (year 0, 9999-12-31 23:59 EST) and
    (unless ``dayfirst`` says) dates such as ``01/03/1987`` whose day and month could be either way round."""
    if text is None or not text.strip():
        return None
    text = " ".join(text.split())
    try:
        dated = _read_date(text, dayfirst)
        to_utc_naive(dated.value)  # as the index stores it: in UTC, within years 1 to 9999
    except (ValueError, OverflowError) as exc:
        if isinstance(exc, DateError):
            raise
        raise DateError("unreadable", text, f"not a date: {text!r} is out of range") from None
    return dated


def _read_date(text: str, dayfirst: bool | None) -> Dated:
    if len(text) > MAX_DATE_CHARS:
        raise DateError("unreadable", text[:40] + "…", f"not a date: {text[:40]!r}… (too long)")
    if _YEAR.match(text):
        return Dated(datetime(int(text), 1, 1, tzinfo=timezone.utc), "year")
    if _YEAR_MONTH.match(text):
        year, month = (int(p) for p in text.split("-"))
        if 1 <= month <= 12:
            return Dated(datetime(year, month, 1, tzinfo=timezone.utc), "month")
        raise DateError("unreadable", text, f"not a valid month: {text!r}")
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    else:
        return Dated(_aware(value), "day" if _ISO_DAY.match(text) else "time")
    if _RELATIVE.search(text) and not _A_YEAR.search(text):  # not "Last updated 12 March 2021"
        raise DateError("relative", text, f"not a date: {text!r} is relative to when it was written")
    numeric = _NUMERIC.match(text)
    if numeric and dayfirst is None:
        first, second = int(numeric.group(1)), int(numeric.group(3))
        if first != second and first <= 12 and second <= 12:
            raise DateError("ambiguous", text, f"not a date: {text!r} could be read day first or month first")
        dayfirst = first > 12
    return _parse_with_dateutil(text, bool(dayfirst))


def parse_date(text: str | None) -> datetime | None:
    """The first moment of the date a text gives, timezone-aware (UTC when no zone is given); None for no text
    or text that is not read as a date (see ``read_date``)."""
    try:
        dated = read_date(text)
    except DateError:
        return None
    return dated.value if dated else None


_NUMERIC_IN_TEXT = re.compile(r"(?<![\d./-])(\d{1,2})([./-])(\d{1,2})\2(?:\d{4}|\d{2})(?![\d])")
_NOTES = {  # kind: (which dates, what became of them)
    "relative": ("relative to when the story was written", "left undated"),
    "no year": ("without a year", "left undated"),
    "ambiguous": (
        "with day and month either way round and no other date in the file to say which",
        "left undated (write YYYY-MM-DD)",
    ),
    "unreadable": ("not understood", "left undated"),
    "dayfirst": ("with day and month either way round", "read day first, as the file's other dates are"),
    "monthfirst": ("with day and month either way round", "read month first, as the file's other dates are"),
    "zone": ("in an unknown time zone", "read as UTC"),
}
_FILE: ContextVar[FileDates | None] = ContextVar("newssearch_file_dates", default=None)


@dataclass
class FileDates:
    """The dates of one file's articles as its reader reads them: what was not read as written, for the file's
    notes, and the file's order of day and month (from the dates in its text that can only be read one way)."""

    text: str
    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, str] = field(default_factory=dict)
    _order: list[bool | None] = field(default_factory=list)  # [dayfirst] once worked out

    def note(self, kind: str, text: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        self.examples.setdefault(kind, text if len(text) <= 40 else f"{text[:39]}…")

    def dayfirst(self) -> bool | None:
        """True when the file writes day before month (``25/03/1987``), False when month first, None when it
        does not say or says both."""
        if not self._order:
            days = months = 0
            for match in _NUMERIC_IN_TEXT.finditer(self.text):
                first, second = int(match.group(1)), int(match.group(3))
                days += first > 12 and 1 <= second <= 12
                months += second > 12 and 1 <= first <= 12
            self._order.append(None if bool(days) == bool(months) else bool(days))
        return self._order[0]

    def notes(self) -> list[str]:
        """One note a kind: how many dates, an example, and what became of them."""
        return [
            f"{n:,} date{'s' if n != 1 else ''} {_NOTES[kind][0]} (such as {self.examples[kind]!r}): {_NOTES[kind][1]}"
            for kind, n in self.counts.items()
        ]


@contextmanager
def reading_file(text: str) -> Iterator[FileDates]:
    """While a file is read: its articles' dates (``article_date``) are noted in the ``FileDates`` given."""
    file_dates = FileDates(text)
    token = _FILE.set(file_dates)
    try:
        yield file_dates
    finally:
        _FILE.reset(token)


def article_date(text: str | None) -> tuple[datetime | None, DatePrecision]:
    """An article's date and its precision (None when undated), as a reader takes it from the text its file
    gives: within ``reading_file``, a date not read as written is noted for the file, and a date whose day and
    month could be either way round is read the way the file's other dates are written, when they say."""
    file_dates = _FILE.get()
    try:
        dated = _settled_date(text, file_dates)
    except DateError as exc:
        if file_dates:
            file_dates.note(exc.kind, exc.text)
        return None, "time"
    if dated is None:
        return None, "time"
    if dated.note and file_dates:
        file_dates.note("zone", " ".join(text.split()) if text else "")
    return dated.value, dated.precision


def _settled_date(text: str | None, file_dates: FileDates | None) -> Dated | None:
    """``read_date``, with the order of day and month the file settles for a date that could be either."""
    try:
        return read_date(text)
    except DateError as exc:
        order = file_dates.dayfirst() if file_dates and exc.kind == "ambiguous" else None
        if file_dates is None or order is None:
            raise
        dated = read_date(exc.text, dayfirst=order)
        file_dates.note("dayfirst" if order else "monthfirst", exc.text)
        return dated


def period_end(start: datetime, precision: DatePrecision) -> datetime:
    """The last moment of the period that starts at ``start``."""
    if precision == "time":
        return start
    try:
        if precision == "year":
            following = start.replace(year=start.year + 1, month=1, day=1)
        elif precision == "month":
            following = start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1, day=1)
        else:
            following = start + timedelta(days=1)
        return following - timedelta(microseconds=1)
    except (OverflowError, ValueError):  # the end of year 9999
        return datetime.max.replace(tzinfo=timezone.utc)


def format_date(value: datetime, precision: DatePrecision, *, time: bool = True) -> str:
    """A date as its precision gives it: ``2021``, ``2021-03``, ``2021-03-06``, or the full ISO date and time
    (with ``time=False``, the day)."""
    if precision == "year":
        return f"{value.year:04d}"
    if precision == "month":
        return f"{value.year:04d}-{value.month:02d}"
    if precision == "day" or not time:
        return value.date().isoformat()
    return value.isoformat()


def parse_bound(text: str, *, end: bool = False) -> datetime:
    """Parse a ``--since``/``--until`` value: ``2020``, ``2020-01``, ``2020-01-10``, ``March 2020`` or a full date.

    A partial date means its whole period: its start, or with ``end=True`` its end, so ``--until 2020-01``
    includes all of January. Raises ValueError with a readable message.
    """
    value = " ".join(text.split())
    if _DAY.match(value):
        try:
            dated: Dated | None = Dated(
                datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=timezone.utc), "day"
            )
        except ValueError:
            raise ValueError(f"not a valid date: {text!r}") from None
    else:
        try:
            dated = read_date(value)
        except DateError as exc:
            raise ValueError(f"{exc} (use YYYY, YYYY-MM or YYYY-MM-DD)") from None
    if dated is None:
        raise ValueError(f"not a date: {text!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
    return period_end(dated.value, dated.precision) if end else dated.value


def coerce_bound(value: datetime | date | str | None, *, end: bool = False) -> datetime | None:
    """A ``since``/``until`` bound as the API takes it: a ``datetime`` (naive ones are UTC), a ``date`` (its whole
    day), or text as ``--since``/``--until`` take it. Raises ValueError for anything else."""
    if value is None or isinstance(value, datetime):
        return _aware(value) if value is not None else None
    if isinstance(value, date):
        start = datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
        return period_end(start, "day") if end else start
    if isinstance(value, str):
        return parse_bound(value, end=end)
    raise ValueError(f"not a date: {value!r} (give a date, a datetime or text such as 2020-01)")


def to_utc_naive(value: datetime) -> datetime:
    """Whoosh stores naive datetimes: normalise to UTC and drop the zone."""
    return _aware(value).astimezone(timezone.utc).replace(tzinfo=None)


def from_utc_naive(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc)
