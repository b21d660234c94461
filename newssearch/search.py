"""The search path: options checked, the query prepared and filtered, run under a time limit, hits built.

Everything here reads a Whoosh searcher; results leave as the plain dataclasses of ``models.py``.
"""

from __future__ import annotations

import heapq
import time
from bisect import bisect_right
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from whoosh.collectors import Collector, TermsCollector, TimeLimit, TopCollector, WrappingCollector
from whoosh.matching import NullMatcherClass
from whoosh.searching import Hit as WhooshHit
from whoosh.searching import Results, Searcher
from whoosh.util.times import datetime_to_long, long_to_datetime

from newssearch import query as query_mod
from newssearch.collapse import NONE, Later, Seen, later_copies
from newssearch.dates import coerce_bound, from_utc_naive, to_utc_naive
from newssearch.documents import to_article
from newssearch.errors import QueryError
from newssearch.explain import explain as explain_scores
from newssearch.explain import typed_words
from newssearch.highlight import lead
from newssearch.models import Hit, Matches, SearchResults, Snippet
from newssearch.postings import DEADLINE, PreloadedMatcher
from newssearch.snippets import Highlights
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
    explain: bool = False,
    all_versions: bool = False,
) -> SearchResults:
    """One page of ranked results (see ``NewsIndex.search``); copies of a story grouped unless ``all_versions``."""
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
        later = NONE if all_versions else later_copies(searcher)
        results, total, seen = _collect(searcher, q, sort, page * limit, snippets, deadline, filtered, later)
        collapsed, chosen = 0, None
        if seen is not None:
            from newssearch.grouped import page_groups

            collapsed, chosen = page_groups(
                searcher, q, sort, results, seen, later, page, limit, deadline, filtered
            )
    out = SearchResults(
        query=text,
        total=total - collapsed,
        page=page,
        limit=limit,
        notes=list(prepared.notes),
        with_reprints=total,
    )
    offset = (page - 1) * limit
    if offset >= out.total:
        return out
    highlights = Highlights(results) if snippets else None
    page_hits = results[offset : offset + limit]
    versions = [0] * len(page_hits)
    if chosen is not None:  # the copy shown for each group of the page, and how many others it stands for
        page_hits = [WhooshHit(results, doc, offset + i, score) for i, (doc, score, _) in enumerate(chosen)]
        versions = [count for _, _, count in chosen]
    explained = None
    if explain:
        with store.guard():
            explained = explain_scores(
                searcher,
                prepared.query,
                [(hit.docnum, hit.score or 0.0) for hit in page_hits],
                typed_words(searcher.schema, text),
                deadline,
            )
        if explained is None:
            out.notes.append("the search took too long to explain its scores, so they are left out")
    for number, hit in enumerate(page_hits, 1):
        with store.guard():
            stored = hit.fields()
            article = to_article(stored)
        snippet, titled = None, None
        if highlights is not None and time.monotonic() < deadline:
            snippet, titled = highlights.hit(hit, article.body, article.headline)
        out.hits.append(
            Hit(
                rank=offset + number,
                score=float(hit.score or 0.0),
                article=article,
                snippet=snippet if isinstance(snippet, Snippet) else lead(article.body),
                headline_highlights=titled.highlights if isinstance(titled, Snippet) else [],
                explanation=explained[number - 1] if explained is not None else None,
                versions=versions[number - 1],
                group=stored.get("group") or article.id,
            )
        )
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
        ids, dates = _Column(searcher, "id", None, translate=True), _Column(searcher, "date", _NO_DATE)
        # Dates are filtered on the column: cheaper than the range query's many terms.
        low = datetime_to_long(start) if start else 0
        high = datetime_to_long(end) if end else _MISSING_DATE
        out = Matches(query=text, notes=list(prepared.notes))
        for docnum in _matching(searcher, prepared.query, deadline):
            value = dates[docnum]
            if value >= _MISSING_DATE:  # undated: kept unless dates are bounded
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


_NO_DATE = 2**64 - 1


class _Column:
    """A column of the whole index, read segment by segment. Whoosh's own multi-segment column reader
    leaves out segments that lack the column (one whose articles are all undated has no date column) and so
    reads the others' documents at the wrong places; here such a segment gives ``default``."""

    def __init__(self, searcher: Searcher, fieldname: str, default: Any, translate: bool = False):
        self.default = default
        self.parts: list[tuple[int, Any]] = []
        for leaf, offset in searcher.reader().leaf_readers():
            has = leaf.has_column(fieldname)
            self.parts.append((offset, leaf.column_reader(fieldname, translate=translate) if has else None))
        self.offsets = [offset for offset, _ in self.parts]

    def __getitem__(self, docnum: int) -> Any:
        offset, column = self.parts[bisect_right(self.offsets, docnum) - 1]
        return self.default if column is None else column[docnum - offset]


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
    later: Later = NONE,
) -> tuple[Results, int, Seen | None]:
    """Run the query: the scored results (sorted as asked), the exact number of matching articles and, when the
    index holds ``later`` copies, what grouping the matches needs to know of them."""
    if time.monotonic() > deadline:
        raise _too_slow()
    by_date = sort != "relevance"
    top: Collector
    if by_date or depth >= searcher.doc_count():
        top = searcher.collector(limit=None)
    else:
        # optimize=False: Whoosh's block-quality skipping trips an assertion inside Require (the date filter).
        top = _CountingTop(depth, usequality=not filtered)
        top.parts = [] if later else None
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
        dates = _Column(searcher, "date", _NO_DATE)
        newest = sort == "date"

        def key(item: tuple[float, int]) -> tuple[int, int, float]:
            score, docnum = item
            value: int = dates[docnum]
            if value >= _MISSING_DATE:
                return (1, 0, -score)
            return (0, -value if newest else value, -score)

        results.top_n = sorted(results.top_n, key=key)
    if by_date or not isinstance(top, _CountingTop):  # it kept every match
        return results, len(results.top_n), Seen(ranked=results.top_n) if later else None
    if top.exact:
        return results, top.total, Seen(parts=top.parts) if later else None
    if not later:
        return results, _count(searcher, q, deadline), None
    docs = list(_matching(searcher, q, deadline))
    return results, len(docs), Seen(docs=docs)


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
    parts: list[tuple[int, list[int], list[float]]] | None = None  # with later copies: what grouping reads

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
        if self.parts is not None:
            self.parts.append((offset, ids, scores))
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
