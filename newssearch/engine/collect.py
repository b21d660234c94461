"""Running a query with Whoosh's collectors: under a time limit, counting every match exactly, keeping what
highlighting and the grouping of copies (``collapse.py``) need.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Generator, Iterator
from contextlib import closing
from typing import Any

from whoosh.collectors import Collector, TermsCollector, TimeLimit, TopCollector, WrappingCollector
from whoosh.matching import NullMatcherClass
from whoosh.searching import Results, Searcher

from newssearch.engine import pruning, vectors
from newssearch.engine import query as query_mod
from newssearch.engine.collapse import NONE, Later, Seen
from newssearch.engine.columns import MISSING_DATE, NO_DATE, Column
from newssearch.engine.deadline import DEADLINE
from newssearch.engine.postings import PreloadedMatcher
from newssearch.errors import QueryTimeoutError


def too_slow() -> QueryTimeoutError:
    return QueryTimeoutError("the search took too long and was stopped: use more specific words")


def collect(
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
        raise too_slow()
    by_date = sort != "relevance"
    top: Collector
    if by_date or depth >= searcher.doc_count():
        top = searcher.collector(limit=None)
    else:
        # optimize=False: Whoosh's block-quality skipping trips an assertion inside Require (the date filter).
        top = _CountingTop(depth, usequality=not filtered)
        top.parts = [] if later else None
        top.pruned = {}
    collector = _Deadline(_MatchedTerms(top) if terms else top, deadline)
    token = DEADLINE.set(deadline)  # for the matchers that read whole posting lists first
    # A plain OR ranked for its top N may leave the rest unscored. Grouping copies reads one more match for each
    # match folded into another's group (``collapse.py``): a margin is kept, and past it grouping ranks again.
    best = depth + min(len(later.docs), pruning.COPIES_MARGIN)
    prunable = (
        isinstance(top, _CountingTop)
        and best <= pruning.PRUNE_MOST
        and not searcher.weighting.use_final  # Whoosh's loop would then read the matcher: every match needed
    )
    pruned = pruning.TOP.set((q, best) if prunable else None)
    try:
        searcher.search_with_collector(q, collector)
    except TimeLimit:
        raise too_slow() from None
    finally:
        DEADLINE.reset(token)
        pruning.TOP.reset(pruned)
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
    if by_date or not isinstance(top, _CountingTop):  # it kept every match
        return results, len(results.top_n), Seen(ranked=results.top_n) if later else None
    if top.exact:
        return results, top.total, Seen(parts=top.parts, pruned=top.pruned) if later else None
    if not later:
        return results, count(searcher, q, deadline), None
    docs = list(matching(searcher, q, deadline))
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
    pruned: dict[int, tuple[Any, int]]  # ...and, by offset, every match of a pruned segment

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
        self.total += len(ids) if matcher.total is None else matcher.total
        if self.parts is not None:
            self.parts.append((offset, ids, scores))
            if matcher.pruned is not None:
                self.pruned[offset] = matcher.pruned
        # The best of this segment first, without a tuple for every match: nlargest keeps the order of equal
        # scores, so the lower docnum wins a tie, as in the heap.
        if matcher.arrays is not None and not matcher._i:  # scored as arrays (``vectors.py``): picked so too
            import numpy as np

            best = vectors.top_indexes(np, matcher.arrays, self.limit)
        else:
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


def matching(searcher: Searcher, q: query_mod.Query, deadline: float) -> Generator[int, None, None]:
    """Every matching document, unscored, one at a time; QueryTimeoutError once past the deadline. Consume it whole."""
    token = DEADLINE.set(deadline)
    try:
        for count, docnum in enumerate(searcher.docs_for_query(q), 1):
            if not count & 4095 and time.monotonic() > deadline:
                raise too_slow()
            yield docnum
    except TimeLimit:
        raise too_slow() from None
    finally:
        DEADLINE.reset(token)


def count(searcher: Searcher, q: query_mod.Query, deadline: float) -> int:
    return sum(1 for _ in matching(searcher, q, deadline))


def finds_any(searcher: Searcher, q: query_mod.Query, deadline: float) -> bool:
    """Whether anything matches, read up to the first match."""
    with closing(matching(searcher, q, deadline)) as docs:
        return next(docs, None) is not None
