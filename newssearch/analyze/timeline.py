"""``timeline``: a query's matching stories per day, week, month or year, as counts and as a share of all the
stories of each period (attention, as Media Cloud normalises it), undated stories apart; the peaks named. The
periods run over every dated story within the bounds, so that timelines of several queries line up.

A peak is a period whose share stands out from the query's other periods: at least ``PEAK_Z`` robust z-scores
(median and median absolute deviation) above the median, with ``PEAK_MIN`` stories or more, and at least as
high as the periods next to it. Shares are used where the index's coverage varies; counts when every story
matches.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from newssearch.analyze.results import Period, Timeline
from newssearch.engine import Selection, dates_of, stories
from newssearch.errors import QueryError

BYS = ("day", "week", "month", "year")
#: An automatic ``by`` is the finest with at most this many periods.
AUTO_PERIODS = 60
MAX_PERIODS = 20_000
PEAK_Z = 3.0
PEAK_MIN = 3
MAX_PEAKS = 5
_UNITS = {"day": "D", "week": "D", "month": "M", "year": "Y"}


def check_by(by: str | None) -> str | None:
    if by is not None and by not in BYS:
        raise QueryError(f"unknown period {by!r}: use day, week, month or year")
    return by


def _days(np: Any, longs: Any) -> Any:
    """Whoosh's dates (microseconds since year 1) as numpy days."""
    base = np.datetime64("0001-01-01", "us")
    return (base + longs.astype("timedelta64[us]")).astype("datetime64[D]")


def _buckets(np: Any, days: Any, by: str) -> Any:
    """The start of each day's period, as numpy days."""
    if by == "week":  # ISO weeks start on Monday; 1970-01-01 was a Thursday
        n = days.astype(np.int64)
        return (n - (n + 3) % 7).astype("datetime64[D]")
    return days.astype(f"datetime64[{_UNITS[by]}]").astype("datetime64[D]")


def _label(start: date, by: str) -> str:
    if by == "year":
        return f"{start.year:04d}"
    if by == "month":
        return f"{start.year:04d}-{start.month:02d}"
    if by == "week":
        year, week, _ = start.isocalendar()
        return f"{year:04d}-W{week:02d}"
    return start.isoformat()


def _next(np: Any, start: Any, by: str) -> Any:
    if by == "day":
        return start + np.timedelta64(1, "D")
    if by == "week":
        return start + np.timedelta64(7, "D")
    unit = _UNITS[by]
    return (start.astype(f"datetime64[{unit}]") + np.timedelta64(1, unit)).astype("datetime64[D]")


def auto_by(np: Any, days: Any) -> str:
    """The finest period giving at most ``AUTO_PERIODS`` periods over these days."""
    if not len(days):
        return "month"
    for by in BYS:
        buckets = _buckets(np, days[[days.argmin(), days.argmax()]], by)
        if _span(np, buckets[0], buckets[1], by) <= AUTO_PERIODS:
            return by
    return "year"


def timeline(sel: Selection, by: str | None, all_versions: bool = False) -> Timeline:
    """The selection's stories per period (``by``: day, week, month or year; None: chosen by the dates)."""
    np = sel.np
    dates = dates_of(sel.searcher, np)
    mine = dates[sel.docs]
    dated = mine >= 0
    days = _days(np, mine[dated])
    span, undated_total = _every_story(sel)
    if by is None:
        by = auto_by(np, span if span is not None else days)
    out = Timeline(query=sel.options.text if sel.options else "", by=by, total=len(sel.docs))
    out.notes, out.index, out.filters = list(sel.notes), sel.index, sel.filters
    out.undated, out.undated_total = int((~dated).sum()), undated_total
    if not len(days):
        return out
    starts = _buckets(np, days, by)
    first, last = starts.min(), starts.max()
    if span is not None:
        ends = _buckets(np, span, by)
        first, last = min(first, ends[0]), max(last, ends[1])
    count = _span(np, first, last, by)
    if count > MAX_PERIODS:
        raise QueryError(
            f"--by {by} gives {count:,} periods here (the limit is {MAX_PERIODS:,}): use a longer period"
        )
    totals = _totals(sel, by)
    keys, counts = np.unique(starts, return_counts=True)
    matched = dict(zip(keys.tolist(), counts.tolist(), strict=True))
    at = first
    while at <= last:
        nxt = _next(np, at, by)
        start = at.item()
        out.periods.append(
            Period(
                _label(start, by),
                start,
                (nxt - np.timedelta64(1, "D")).item(),  # the end of year 9999 too
                matched.get(start, 0),
                totals.get(start, 0),
            )
        )
        at = nxt
    out.peaks = peaks(np, out.periods)
    return out


def _every_story(sel: Selection) -> tuple[Any, int]:
    """The first and last day of the stories a share is taken of (None: none is dated), and how many of them
    are undated (none within date bounds). Kept with the searcher."""
    np = sel.np
    options = sel.options
    key = ("span", options.start, options.end, options.all_versions) if options else ("span",)
    cache = sel.searcher.__dict__.setdefault("_newssearch_periods", {})
    if key not in cache:
        dates = dates_of(sel.searcher, np)[stories(sel)]
        dated = dates[dates >= 0]
        span = _days(np, np.array([dated.min(), dated.max()])) if len(dated) else None
        bounded = bool(options and (options.start or options.end))
        cache[key] = span, 0 if bounded else int(len(dates) - len(dated))
    found: tuple[Any, int] = cache[key]
    return found


def _totals(sel: Selection, by: str) -> dict[date, int]:
    """The number of stories a share is taken of in each period (by its first day). Kept with the searcher."""
    np = sel.np
    options = sel.options
    key = ("totals", by, options.start, options.end, options.all_versions) if options else ("totals", by)
    cache = sel.searcher.__dict__.setdefault("_newssearch_periods", {})
    if key not in cache:
        dates = dates_of(sel.searcher, np)[stories(sel)]
        starts = _buckets(np, _days(np, dates[dates >= 0]), by)
        cache[key] = dict(zip(*(x.tolist() for x in np.unique(starts, return_counts=True)), strict=True))
    found: dict[date, int] = cache[key]
    return found


def _span(np: Any, first: Any, last: Any, by: str) -> int:
    if by in ("day", "week"):
        return int((last - first).astype(np.int64)) // (7 if by == "week" else 1) + 1
    unit = _UNITS[by]
    return (
        int((last.astype(f"datetime64[{unit}]") - first.astype(f"datetime64[{unit}]")).astype(np.int64)) + 1
    )


def peaks(np: Any, periods: list[Period]) -> list[str]:
    """The labels of the periods that stand out (see the module), highest first."""
    if len(periods) < 3:
        return []
    shares = np.array([p.share for p in periods])
    counts = np.array([p.count for p in periods], dtype=float)
    values = counts if np.allclose(shares[counts > 0], shares[counts > 0][0]) else shares
    median = float(np.median(values))
    spread = 1.4826 * float(np.median(np.abs(values - median)))
    if spread == 0:
        spread = float(values.std()) or 1.0
    found = []
    for n, p in enumerate(periods):
        value = values[n]
        neighbours = values[max(n - 1, 0) : n + 2]
        if p.count >= PEAK_MIN and (value - median) / spread >= PEAK_Z and value >= neighbours.max():
            found.append((float(value), p.label))
    found.sort(key=lambda pair: -pair[0])
    return [label for _, label in found[:MAX_PEAKS]]


def by_of_label(label: str) -> str | None:
    """The period a label names (``1987``: year, ``1987-03``: month, ``1987-W10``: week, ``1987-03-02``: day)."""
    for by, pattern in (
        ("year", r"[0-9]{4}"), ("month", r"[0-9]{4}-[0-9]{2}"), ("week", r"[0-9]{4}-W[0-9]{2}"), ("day", r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
    ):  # fmt: skip
        if re.fullmatch(pattern, label):
            return by if _real(label, by) else None
    return None


def _real(label: str, by: str) -> bool:
    """Whether a label of that shape names a real period (no month 13, no week 54)."""
    try:
        if not 1 <= int(label[:4]) <= 9999:
            return False
        if by == "month":
            date(int(label[:4]), int(label[5:7]), 1)
        elif by == "day":
            date.fromisoformat(label)
        elif by == "week":
            date.fromisocalendar(int(label[:4]), int(label[6:8]), 1)
    except ValueError:
        return False
    return True
