"""Coverage analysis on ``NewsIndex`` (a base class of it): how much a topic was covered and when, who and what
its stories name, and what they are about, over every story a query matches (``analyze/``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, TypedDict

from newssearch.analyze.cooccur import check_kinds, cooccur
from newssearch.analyze.facets import MAX_VALUES, check_kind, facet
from newssearch.analyze.results import Cooccurrence, Facet, Keywords, Spike, Timeline
from newssearch.analyze.timeline import check_by, timeline
from newssearch.analyze.why import keywords, period_options, spike
from newssearch.engine import Names, Store, filter_values, reading, select
from newssearch.errors import QueryError
from newssearch.models import Matches
from newssearch.options import DEFAULT_TIMEOUT, SearchOptions
from newssearch.search.searching import matches, search

if TYPE_CHECKING:
    from typing_extensions import Unpack

Bound = datetime | date | str | None


class Filters(TypedDict, total=False):
    """The filters every analysis takes, as ``search`` takes them: ``author``, ``section`` and ``source`` (any
    of the values given), ``person``, ``org`` and ``place`` (every one given, as the index names it:
    ``person="Thatcher"`` counts as "Margaret Thatcher" where the index mostly names her so)."""

    author: Names
    section: Names
    source: Names
    person: Names
    org: Names
    place: Names


def _options(
    text: str,
    since: Bound,
    until: Bound,
    syntax: bool,
    all_versions: bool,
    timeout: float | None,
    filters: Filters,
) -> SearchOptions:
    unknown = set(filters) - set(Filters.__annotations__)
    if unknown:
        raise QueryError(f"unknown filter {sorted(unknown)[0]!r}: use {', '.join(Filters.__annotations__)}")
    return SearchOptions.of(
        text, since=since, until=until, syntax=syntax, all_versions=all_versions, timeout=timeout,
        filters=filter_values(**filters),
    )  # fmt: skip


def _limit(limit: object, most: int = MAX_VALUES) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= most:
        raise QueryError(f"limit must be a whole number from 1 to {most}")
    return limit


class Coverage:
    """What ``NewsIndex`` counts over all of a query's matches. An empty query is every story; ``since``,
    ``until``, ``syntax``, ``all_versions``, ``timeout`` and the filters are as in ``search``."""

    _store: Store

    @reading
    def matches(
        self, text: str, since: Bound = None, until: Bound = None, *, syntax: bool = True,
        timeout: float | None = DEFAULT_TIMEOUT, all_versions: bool = False, **filters: Unpack[Filters],
    ) -> Matches:  # fmt: skip
        """Every story the query matches (with ``since``/``until`` and the filters as in ``search``), as ids and
        dates in index order, unranked: the fast path for work over a whole result set. ``len(...)`` is
        ``count``'s number. Of near-identical copies, the one ``search`` shows; ``all_versions=True`` gives every
        copy."""
        return matches(self._store, _options(text, since, until, syntax, all_versions, timeout, filters))

    @reading
    def top(
        self, kind: str, text: str = "", limit: int = 10, since: Bound = None, until: Bound = None, *,
        syntax: bool = True, all_versions: bool = False, timeout: float | None = DEFAULT_TIMEOUT,
        **filters: Unpack[Filters],
    ) -> Facet:  # fmt: skip
        """The ``limit`` most common values of ``kind`` (people, orgs, places, sources, topics, authors,
        sections or words) among every story the query matches, with their counts and share of the matches.
        A person, organisation or place is counted once under one name (its aliases and variants merged)."""
        kind, limit = check_kind(kind), _limit(limit)
        options = _options(text, since, until, syntax, all_versions, timeout, filters)
        with self._store.guard():
            return facet(select(self._store, options), kind, limit)

    @reading
    def facets(
        self, text: str = "", kinds: Iterable[str] = ("people", "orgs", "places", "sources"), limit: int = 5,
        since: Bound = None, until: Bound = None, *, syntax: bool = True, all_versions: bool = False,
        timeout: float | None = DEFAULT_TIMEOUT, **filters: Unpack[Filters],
    ) -> list[Facet]:  # fmt: skip
        """``top`` of several kinds at once, on one reading of the matches (``query --facets``)."""
        kinds, limit = [check_kind(k) for k in kinds], _limit(limit)
        options = _options(text, since, until, syntax, all_versions, timeout, filters)
        with self._store.guard():
            selection = select(self._store, options)
            return [facet(selection, kind, limit) for kind in kinds]

    @reading
    def timeline(
        self, text: str = "", by: str | None = None, since: Bound = None, until: Bound = None, *,
        syntax: bool = True, all_versions: bool = False, timeout: float | None = DEFAULT_TIMEOUT,
        **filters: Unpack[Filters],
    ) -> Timeline:  # fmt: skip
        """Matching stories per ``by`` (day, week, month or year; None: the finest giving at most 60 periods),
        as counts and as a share of all the stories of each period, undated ones apart, with the peaks named."""
        by = check_by(by)
        options = _options(text, since, until, syntax, all_versions, timeout, filters)
        with self._store.guard():
            return timeline(select(self._store, options), by, all_versions)

    @reading
    def spike(
        self, text: str = "", period: str = "peak", by: str | None = None, limit: int = 10, stories: int = 5,
        since: Bound = None, until: Bound = None, *, syntax: bool = True, all_versions: bool = False,
        timeout: float | None = DEFAULT_TIMEOUT, **filters: Unpack[Filters],
    ) -> Spike:  # fmt: skip
        """Why a period stands out: the words and entities most characteristic of its matching stories against
        the query's other periods (log-likelihood ratio), and its ``stories`` best-matching stories. ``period``
        is a label as the timeline gives it (``1987-03``, ``1987-W10``...) or ``peak`` (its highest peak)."""
        if not isinstance(period, str):
            raise QueryError("period must be text such as 1987-03, or peak")
        by, limit, stories = check_by(by), _limit(limit), _limit(stories, 100) if stories else 0
        options = _options(text, since, until, syntax, all_versions, timeout, filters)
        with self._store.guard():
            found = spike(select(self._store, options), period.strip(), by, limit)
        if stories and text.strip():
            found.stories = search(self._store, period_options(options, found, stories)).hits
        return found

    @reading
    def keywords(
        self, text: str, limit: int = 20, since: Bound = None, until: Bound = None, *, syntax: bool = True,
        all_versions: bool = False, timeout: float | None = DEFAULT_TIMEOUT, **filters: Unpack[Filters],
    ) -> Keywords:  # fmt: skip
        """The words most characteristic of the stories the query matches against the rest of the index
        (significant terms, by log-likelihood ratio): what this coverage is about."""
        limit = _limit(limit)
        options = _options(text, since, until, syntax, all_versions, timeout, filters)
        if not (text.strip() or options.filters or options.start or options.end):
            raise QueryError("keywords compares a query's stories with the others: give a query or a filter")
        with self._store.guard():
            return keywords(select(self._store, options), limit)

    @reading
    def cooccur(
        self, text: str = "", kinds: Iterable[str] | None = None, with_name: str | None = None, limit: int = 20,
        since: Bound = None, until: Bound = None, *, syntax: bool = True, all_versions: bool = False,
        timeout: float | None = DEFAULT_TIMEOUT, **filters: Unpack[Filters],
    ) -> Cooccurrence:  # fmt: skip
        """The ``limit`` pairs of entities (of ``kinds``: people, orgs, places; default all three) named together
        in most matching stories, with their association (NPMI); ``with_name``: only the pairs with that entity."""
        kinds_list, limit = check_kinds(list(kinds) if kinds is not None else None), _limit(limit)
        if with_name is not None and (not isinstance(with_name, str) or not with_name.strip()):
            raise QueryError("with_name must be a name")
        options = _options(text, since, until, syntax, all_versions, timeout, filters)
        with self._store.guard():
            return cooccur(select(self._store, options), kinds_list, with_name, limit)
