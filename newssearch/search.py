"""The search path: options checked, the query prepared and filtered, run under a time limit, hits built.

Everything here reads a Whoosh searcher; results leave as the plain dataclasses of ``models.py``.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from whoosh.collectors import Collector, TermsCollector, TimeLimit, TopCollector, WrappingCollector
from whoosh.matching import NullMatcherClass
from whoosh.searching import Results, Searcher
from whoosh.util.times import datetime_to_long, long_to_datetime

from newssearch import entity_query, recency
from newssearch import exact as exact_mod
from newssearch import query as query_mod
from newssearch import suggest as suggest_mod
from newssearch.columns import MISSING_DATE, NO_DATE, Column, ager, fingerprint
from newssearch.dates import coerce_bound, from_utc_naive, to_utc_naive
from newssearch.errors import QueryError
from newssearch.explain import explain as explain_scores
from newssearch.explain import typed_words
from newssearch.hits import make_hit
from newssearch.models import Matches, SearchResults
from newssearch.postings import DEADLINE, PreloadedMatcher
from newssearch.snippets import Highlights
from newssearch.store import Store

SORTS = ("relevance", "date", "newest", "oldest")  # "newest" is "date"
MAX_LIMIT = 1000
#: Seconds a search may take before it is stopped with a QueryError.
DEFAULT_TIMEOUT = 10.0

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


def _check(text: object, limit: object, page: object, sort: str, recent: object = None) -> str:
    """The options checked (QueryError for a bad one); the sort order by its canonical name."""
    if recent is not None and not (isinstance(recent, (int, float)) and 0 < recent < float("inf")):
        raise QueryError("recent must be a half-life in days, more than 0")
    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"limit must be between 1 and {MAX_LIMIT}")
    if not isinstance(page, int) or page < 1:
        raise QueryError("page must be 1 or more")
    if not isinstance(text, str):
        raise QueryError("the query must be text")
    return "date" if sort == "newest" else sort


@dataclass
class Ranked:
    """A query found and ranked: its Whoosh results (``top_n`` in order), the exact total, and what building its
    hits needs (see ``hits.make_hit``)."""

    prepared: query_mod.Prepared
    results: Results
    total: int
    raw: dict[int, float]  # each reranked hit's relevance score (``--recent``)
    literal: exact_mod.Literal | None
    mentions: entity_query.Mentions | None
    highlights: Highlights | None
    index: str


def rank(
    store: Store,
    text: str,
    sort: str,
    depth: int,
    start: datetime | None,
    end: datetime | None,
    deadline: float,
    *,
    syntax: bool = True,
    terms: bool = True,
    recent: float | None = None,
    made: query_mod.Prepared | None = None,
    exact: bool = False,
) -> Ranked:
    """Find the matches and rank at least the first ``depth`` of them (under the store's guard)."""
    searcher = store.searcher()
    literal = exact_mod.prepare(searcher.schema, text) if exact and made is None else None
    mentions = None
    if made is not None:
        prepared = made
    elif literal is not None:
        prepared = literal.prepared
    else:
        prepared = query_mod.prepare(searcher.schema, text, searcher.reader(), syntax=syntax)
        if syntax:
            prepared.query, mentions = entity_query.focus(searcher.schema, text, prepared.query)
    q = prepared.query
    filtered = bool(start or end)
    if filtered:  # matched by both, scored by the words alone
        q = query_mod.require(q, query_mod.date_range(start, end))
    raw: dict[int, float] = {}
    fresh = recent is not None and sort == "relevance"
    terms = terms and literal is None
    if literal is not None:  # every candidate, in order, then those that hold the literals
        results, _ = _collect(searcher, q, sort, searcher.doc_count(), False, deadline, filtered)
        results.top_n = literal.keep(results.top_n, searcher.stored_fields, deadline, _too_slow)
        total = len(results.top_n)
        if fresh:
            raw = {docnum: score for score, docnum in results.top_n}
            results.top_n = recency.rerank(results.top_n, ager(searcher), recent or 0.0, total)[0]
    elif fresh:
        results, total, raw = _fresh(searcher, q, depth, terms, deadline, filtered, recent or 0.0)
    else:
        results, total = _collect(searcher, q, sort, depth, terms, deadline, filtered)
    highlights = Highlights(results) if terms else None
    return Ranked(prepared, results, total, raw, literal, mentions, highlights, fingerprint(searcher))


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
    explain: bool = False,
    recent: float | None = None,
    made: query_mod.Prepared | None = None,
    exact: bool = False,
    kwic: bool = False,
) -> SearchResults:
    """One page of ranked results (see ``NewsIndex.search``). ``made``: a query built by newssearch itself
    (similar stories), run instead of ``text``, which then only names it."""
    sort = _check(text, limit, page, sort, recent)
    start, end = _bounds(since, until)
    deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
    searcher = store.searcher()
    with store.guard():
        ranked = rank(
            store, text, sort, page * limit, start, end, deadline,
            syntax=syntax, terms=snippets or kwic, recent=recent, made=made, exact=exact,
        )  # fmt: skip
    total = ranked.total
    out = SearchResults(
        query=text, total=total, page=page, limit=limit, notes=list(ranked.prepared.notes), index=ranked.index
    )
    if ranked.literal is None and made is None and total < suggest_mod.FEW_RESULTS:
        filtered = bool(start or end)

        def count(corrected: str) -> int:
            q = query_mod.prepare(searcher.schema, corrected, searcher.reader(), syntax=syntax).query
            return _count(
                searcher, query_mod.require(q, query_mod.date_range(start, end)) if filtered else q, deadline
            )

        typed = text if syntax else query_mod.plain_words(text)  # its words are all that was searched
        with store.guard():
            out.suggestion = suggest_mod.suggest(
                searcher.reader(), searcher.schema, typed, total, count, deadline
            )
    offset = (page - 1) * limit
    if offset >= total:
        return out
    page_hits = ranked.results[offset : offset + limit]
    explained = None
    if explain:
        with store.guard():
            explained = explain_scores(
                searcher,
                ranked.prepared.query,
                [(hit.docnum, ranked.raw.get(hit.docnum, hit.score or 0.0)) for hit in page_hits],
                typed_words(searcher.schema, text),
                deadline,
            )
        if explained is None:
            out.notes.append("the search took too long to explain its scores, so they are left out")
    for number, hit in enumerate(page_hits, 1):
        made_hit = make_hit(store, ranked, hit, offset + number, deadline, snippets=snippets, kwic=kwic)
        if explained is not None:
            made_hit.explanation = recency.with_recency(explained[number - 1], hit, ranked.raw)
        out.hits.append(made_hit)
    return out


def matches(
    store: Store,
    text: str,
    since: Bound = None,
    until: Bound = None,
    *,
    syntax: bool = True,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> Matches:
    """Every matching article's id and date (see ``NewsIndex.matches``): no scores, read from the id and date
    columns, not from the stored articles."""
    _check(text, 1, 1, "relevance")
    start, end = _bounds(since, until)
    deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
    searcher = store.searcher()
    with store.guard():
        prepared = query_mod.prepare(searcher.schema, text, searcher.reader(), syntax=syntax)
        ids, dates = Column(searcher, "id", None, translate=True), Column(searcher, "date", NO_DATE)
        # Dates are filtered on the column: cheaper than the range query's many terms.
        low = datetime_to_long(start) if start else 0
        high = datetime_to_long(end) if end else MISSING_DATE
        out = Matches(query=text, notes=list(prepared.notes))
        for docnum in _matching(searcher, prepared.query, deadline):
            value = dates[docnum]
            if value >= MISSING_DATE:  # undated: kept unless dates are bounded
                if start or end:
                    continue
                day = None
            elif low <= value <= high:
                day = from_utc_naive(long_to_datetime(value))
            else:
                continue
            out.ids.append(ids[docnum])
            out.dates.append(day)
    return out


def _fresh(
    searcher: Searcher,
    q: query_mod.Query,
    depth: int,
    terms: bool,
    deadline: float,
    filtered: bool,
    half_life: float,
) -> tuple[Results, int, dict[int, float]]:
    """The matches ranked by relevance times freshness (``recency.py``): the best by relevance are reranked, and
    all of them when a match below could still reach the page. Also each reranked hit's relevance score."""
    age = ager(searcher)
    results, total = _collect(searcher, q, "relevance", max(4 * depth, 100), terms, deadline, filtered)
    ranked, exact = recency.rerank(sorted(results.top_n, reverse=True), age, half_life, depth)
    if not exact and len(results.top_n) < total:
        results, total = _collect(searcher, q, "relevance", searcher.doc_count(), terms, deadline, filtered)
        ranked, _ = recency.rerank(sorted(results.top_n, reverse=True), age, half_life, depth)
    raw = {docnum: score for score, docnum in results.top_n}
    results.top_n = ranked
    return results, total, raw


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
    if time.monotonic() > deadline:
        raise _too_slow()
    by_date = sort != "relevance"
    top: Collector
    if by_date or depth >= searcher.doc_count():
        top = searcher.collector(limit=None)
    else:
        # optimize=False: Whoosh's block-quality skipping trips an assertion inside Require (the date filter).
        top = _CountingTop(depth, usequality=not filtered)
    collector = _Deadline(_MatchedTerms(top) if terms else top, deadline)
    token = DEADLINE.set(deadline)  # for the matchers that read whole posting lists first
    try:
        searcher.search_with_collector(q, collector)
    except TimeLimit:
        raise _too_slow() from None
    finally:
        DEADLINE.reset(token)
    results: Results = collector.results()
    if by_date:
        dates = Column(searcher, "date", NO_DATE)
        newest = sort == "date"

        def key(item: tuple[float, int]) -> tuple[int, int, float]:
            score, docnum = item
            value: int = dates[docnum]
            if value >= MISSING_DATE:
                return (1, 0, -score)
            return (0, -value if newest else value, -score)

        results.top_n = sorted(results.top_n, key=key)
        return results, len(results.top_n)
    if not isinstance(top, _CountingTop):  # it kept every match
        return results, len(results.top_n)
    return results, top.total if top.exact else _count(searcher, q, deadline)


class _Deadline(WrappingCollector):
    """Whoosh's TimeLimitCollector without its timer thread (which costs more than a short search): the time is
    checked every 1,024 matches."""

    def __init__(self, child: Collector, deadline: float):
        self.child = child
        self.deadline = deadline

    def collect_matches(self) -> None:
        child, deadline = self.child, self.deadline
        for count, sub_docnum in enumerate(child.matches(), 1):
            if not count & 1023 and time.monotonic() > deadline:
                raise TimeLimit
            child.collect(sub_docnum)


class _CountingTop(TopCollector):
    """Whoosh's top-N collector, which also says whether it saw every match, so that its count is the total.

    It did if every segment's matcher was preloaded (``matchers.FastOr``), which has no blocks to skip, and is
    not replaced (a later segment's would be dropped when its best score cannot reach the top N). Whoosh's own
    matchers may skip blocks or drop subtrees that cannot reach the top N: the total is then counted apart.
    """

    exact = True

    def set_subsearcher(self, subsearcher: Searcher, offset: int) -> None:
        super().set_subsearcher(subsearcher, offset)
        preloaded = isinstance(self.matcher, (PreloadedMatcher, NullMatcherClass))
        self.exact = self.exact and preloaded
        self.replace = 0 if preloaded else 10  # Whoosh's default

    def matches(self) -> Iterator[int]:
        """Whoosh's loop over the matches, but a preloaded matcher's top N are taken at once (nothing is yielded:
        the wrapping collectors have nothing to do for it, see ``_MatchedTerms``)."""
        matcher = self.matcher
        if not isinstance(matcher, PreloadedMatcher) or self.final_fn:
            yield from super().matches()
            return
        # The heap of TopCollector._collect: (score, -docnum), the smallest first; ties keep the lower docnum.
        items, offset = self.items, self.offset
        ids, scores = matcher.remaining()
        self.total += len(ids)
        # The best of this segment first, without a tuple for every match: nlargest keeps the order of equal
        # scores, so the lower docnum wins a tie, as in the heap.
        best = heapq.nlargest(self.limit, range(len(ids)), key=scores.__getitem__)
        top = heapq.nlargest(self.limit, items + [(scores[i], -(offset + ids[i])) for i in best])
        heapq.heapify(top)
        self.items[:] = top
        if len(top) == self.limit:
            self.minscore = top[0][0]


class _MatchedTerms(TermsCollector):
    """Whoosh's TermsCollector, for the terms that matched anywhere (what highlighting uses), reading a preloaded
    matcher's all at once instead of asking each of its term matchers at each document (all its documents are
    collected: see ``_CountingTop``). Such a matcher's documents are not listed for each term, nor its terms for
    each document: newssearch reads neither."""

    def set_subsearcher(self, subsearcher: Searcher, offset: int) -> None:
        super().set_subsearcher(subsearcher, offset)
        matcher = self.child.matcher
        if isinstance(matcher, PreloadedMatcher):
            self.termmatchers: list[Any] = []
            for term in matcher.matched_terms():
                self.termdocs[term]


def _matching(searcher: Searcher, q: query_mod.Query, deadline: float) -> Iterator[int]:
    """Every matching document, unscored, one at a time; QueryError once past the deadline. Consume it whole."""
    token = DEADLINE.set(deadline)
    try:
        for count, docnum in enumerate(searcher.docs_for_query(q), 1):
            if not count & 4095 and time.monotonic() > deadline:
                raise _too_slow()
            yield docnum
    except TimeLimit:
        raise _too_slow() from None
    finally:
        DEADLINE.reset(token)


def _count(searcher: Searcher, q: query_mod.Query, deadline: float) -> int:
    return sum(1 for _ in _matching(searcher, q, deadline))
