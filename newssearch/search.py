"""The search path: options checked, the query prepared and filtered, run under a time limit, hits built.

Everything here reads a Whoosh searcher; results leave as the plain dataclasses of ``models.py``.
"""

from __future__ import annotations

import time
from datetime import date, datetime

from whoosh.collectors import TimeLimit, TimeLimitCollector
from whoosh.highlight import ContextFragmenter, Highlighter, WholeFragmenter
from whoosh.searching import Results, Searcher

from newssearch import query as query_mod
from newssearch.dates import coerce_bound, to_utc_naive
from newssearch.documents import to_article
from newssearch.errors import QueryError
from newssearch.highlight import SpanFormatter, lead
from newssearch.models import Hit, SearchResults, Snippet
from newssearch.store import Store

SORTS = ("relevance", "date", "oldest")
MAX_LIMIT = 1000
#: Seconds a search may take before it is stopped with a QueryError.
DEFAULT_TIMEOUT = 10.0
_MISSING_DATE = 2**63  # Whoosh's sortable date column holds 2**64 - 1 for an article without a date

Bound = datetime | date | str | None


def _bounds(since: Bound, until: Bound) -> tuple[datetime | None, datetime | None]:
    """The date bounds as Whoosh stores dates (naive UTC), checked."""
    try:
        since_dt = coerce_bound(since)
        until_dt = coerce_bound(until, end=True)
    except (ValueError, OverflowError) as exc:
        raise QueryError(str(exc)) from None
    if since_dt and until_dt and since_dt > until_dt:
        raise QueryError(f"the since date ({since_dt.date()}) is after the until date ({until_dt.date()})")
    try:
        return (to_utc_naive(since_dt) if since_dt else None, to_utc_naive(until_dt) if until_dt else None)
    except (ValueError, OverflowError) as exc:
        raise QueryError(str(exc)) from None


def _check(text: object, limit: object, page: object, sort: str) -> None:
    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"limit must be between 1 and {MAX_LIMIT}")
    if not isinstance(page, int) or page < 1:
        raise QueryError("page must be 1 or more")
    if not isinstance(text, str):
        raise QueryError("the query must be text")


def search(
    store: Store,
    text: str,
    limit: int = 10,
    page: int = 1,
    since: Bound = None,
    until: Bound = None,
    sort: str = "relevance",
    *,
    syntax: bool = True,
    snippets: bool = True,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> SearchResults:
    """One page of ranked results (see ``NewsIndex.search``)."""
    _check(text, limit, page, sort)
    start, end = _bounds(since, until)
    deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
    searcher = store.searcher()
    with store.guard():
        prepared = query_mod.prepare(searcher.schema, text, searcher.reader(), syntax=syntax)
        q = prepared.query
        filtered = bool(start or end)
        if filtered:  # matched by both, scored by the words alone
            q = query_mod.require(q, query_mod.date_range(start, end))
        results, total = _collect(searcher, q, sort, page * limit, snippets, deadline, filtered)
    out = SearchResults(query=text, total=total, page=page, limit=limit, notes=list(prepared.notes))
    offset = (page - 1) * limit
    if offset >= total:
        return out
    results.highlighter = Highlighter(
        fragmenter=ContextFragmenter(maxchars=220, surround=60), formatter=SpanFormatter()
    )
    headline_hl = Highlighter(fragmenter=WholeFragmenter(), formatter=SpanFormatter(elide=False))
    for number, hit in enumerate(results[offset : offset + limit], 1):
        with store.guard():
            article = to_article(hit.fields())
        snippet, titled = None, None
        if snippets and time.monotonic() < deadline:
            # The body's words are indexed in "content": highlight it with that field's matched terms.
            snippet = hit.highlights("content", text=article.body, top=2)
            titled = headline_hl.highlight_hit(hit, "headline", top=1) or headline_hl.highlight_hit(
                hit, "content", text=article.headline, top=1
            )
        out.hits.append(
            Hit(
                rank=offset + number,
                score=float(hit.score or 0.0),
                article=article,
                snippet=snippet if isinstance(snippet, Snippet) else lead(article.body),
                headline_highlights=titled.highlights if isinstance(titled, Snippet) else [],
            )
        )
    return out


def _too_slow() -> QueryError:
    return QueryError("the search took too long and was stopped: use more specific words")


def _collect(
    searcher: Searcher,
    q: query_mod.Query,
    sort: str,
    depth: int,
    terms: bool,
    deadline: float,
    filtered: bool,
) -> tuple[Results, int]:
    """Run the query: the scored results (sorted as asked) and the exact number of matching articles."""
    timeout = deadline - time.monotonic()
    if timeout <= 0:
        raise _too_slow()
    by_date = sort != "relevance"
    # optimize=False: Whoosh's block-quality skipping trips an assertion inside Require (the date filter).
    collector = searcher.collector(limit=None if by_date else depth, terms=terms, optimize=not filtered)
    if timeout != float("inf"):
        collector = TimeLimitCollector(collector, timeout, use_alarm=False)
    try:
        searcher.search_with_collector(q, collector)
    except TimeLimit:
        raise _too_slow() from None
    finally:
        timer = getattr(collector, "timer", None)
        if timer is not None:
            timer.cancel()
    results: Results = collector.results()
    if by_date:
        dates = searcher.reader().column_reader("date", translate=False)
        newest = sort == "date"

        def key(item: tuple[float, int]) -> tuple[int, int, float]:
            score, docnum = item
            value: int = dates[docnum]
            if value >= _MISSING_DATE:
                return (1, 0, -score)
            return (0, -value if newest else value, -score)

        results.top_n = sorted(results.top_n, key=key)
        return results, len(results.top_n)
    return results, _count(searcher, q, deadline)


def _count(searcher: Searcher, q: query_mod.Query, deadline: float) -> int:
    count = 0
    for count, _ in enumerate(searcher.docs_for_query(q), 1):
        if not count % 4096 and time.monotonic() > deadline:
            raise _too_slow()
    return count
