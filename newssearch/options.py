"""A search's options as one value (``SearchOptions``): checked once where they come in (``NewsIndex.search``,
``iter_search``, ``count``, ``matches``; ``similar`` for its own query) and passed whole down the search path,
instead of a dozen keywords handed on by each layer. The keyword API of ``NewsIndex`` stays as it is."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime

from newssearch.dates import coerce_bound, to_utc_naive
from newssearch.errors import QueryError
from newssearch.text.sanitize import shorten
from newssearch.values import check_options

#: Seconds a search may take before it is stopped with a QueryError.
DEFAULT_TIMEOUT = 10.0

Bound = datetime | date | str | None
#: The byline, section and source filters of a search: the field searched and the values, any of which may match.
Filters = dict[str, list[str]] | None


def bounds(since: Bound, until: Bound) -> tuple[datetime | None, datetime | None]:
    """The date bounds as Whoosh stores dates (naive UTC), checked: QueryError (one line) for a bound that is not a
    usable date, such as a datetime whose zone gives an offset of a day or more, or no offset at all."""
    try:
        since_dt, until_dt = coerce_bound(since), coerce_bound(until, end=True)
        start = to_utc_naive(since_dt) if since_dt else None
        end = to_utc_naive(until_dt) if until_dt else None
    except Exception as exc:  # a datetime's own tzinfo runs code: whatever it raises, the bound is unusable
        raise QueryError(f"not a usable date: {shorten(str(exc), 200) or type(exc).__name__}") from None
    if start and end and start > end:
        raise QueryError(f"the since date ({start.date()}) is after the until date ({end.date()})")
    return start, end


def deadline_of(timeout: object) -> float:
    """The time (``time.monotonic()``) a search with this ``timeout`` in seconds must stop; QueryError for a
    timeout that is not a number of seconds, 0 or more (None: no limit)."""
    if timeout is None:
        return float("inf")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout >= 0:
        raise QueryError("timeout must be a number of seconds, 0 or more (or None: no limit)")
    return time.monotonic() + timeout


@dataclass(frozen=True)
class SearchOptions:
    """What one search asks for. ``start``/``end`` are the date bounds read (naive UTC; None: open), ``sort`` its
    canonical name (``"newest"`` is ``"date"``); the rest as ``NewsIndex.search`` takes them."""

    text: str
    limit: int = 10
    page: int = 1
    start: datetime | None = None
    end: datetime | None = None
    sort: str = "relevance"
    syntax: bool = True
    snippets: bool = True
    kwic: bool = False
    explain: bool = False
    timeout: float | None = DEFAULT_TIMEOUT
    recent: float | None = None
    exact: bool = False
    all_versions: bool = False
    filters: Filters = None

    @classmethod
    def of(
        cls,
        text: str,
        limit: int = 10,
        page: int = 1,
        since: Bound = None,
        until: Bound = None,
        sort: str = "relevance",
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        recent: float | None = None,
        filters: Filters = None,
        **flags: bool,
    ) -> SearchOptions:
        """The options checked (QueryError naming a bad one): ``flags`` are ``syntax``, ``snippets``, ``kwic``,
        ``explain``, ``exact`` and ``all_versions``, each True or False."""
        sort = check_options(text, limit, page, sort, recent, **flags)
        deadline_of(timeout)  # checked now; the clock starts when the search runs
        start, end = bounds(since, until)
        return cls(
            text, limit, page, start, end, sort, timeout=timeout, recent=recent, filters=filters, **flags
        )

    @property
    def terms(self) -> bool:
        """Whether the matched words of each hit are needed (for snippets or matches in context)."""
        return self.snippets or self.kwic
