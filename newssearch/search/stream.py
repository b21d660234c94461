"""Every match of a query, ranked, built into hits one at a time: what exports read (``NewsIndex.iter_search``).

The matches are found and ranked at once under the search's time limit, keeping only their scores and document
numbers; each hit's article, snippet and contexts are read when the hit is asked for, so memory does not grow
with the number of rows, and writing a long stream is not limited in time. The order is ``search``'s: by score,
ties by document number (or by date, as asked), so the same query on the same index gives the same rows. The
stream keeps the searcher it ranked with (out of the pool, ``searchers.py``), so it reads that commit to its end
whatever is written meanwhile; closing the index ends it with StaleResultsError.
"""

from __future__ import annotations

from collections.abc import Iterator

from newssearch.dates import from_utc_naive
from newssearch.engine import Snapshot, Store, rank
from newssearch.errors import StaleResultsError
from newssearch.models import Hit, HitStream
from newssearch.options import SearchOptions, deadline_of
from newssearch.search.hits import make_hit
from newssearch.search.searching import suggestion

CLOSED = "the index was closed while its results were read: search again"


def stream(store: Store, options: SearchOptions) -> HitStream:
    """Every hit of the query, in order (see ``NewsIndex.iter_search``); run with a searcher borrowed."""
    snippets, kwic, start, end = options.snippets, options.kwic, options.start, options.end
    deadline = deadline_of(options.timeout)
    with store.guard():
        ranked = rank(store, options, Snapshot.of(store).doc_count(), deadline, terms=options.terms)
    total = ranked.shown
    hint = suggestion(store, options, total, deadline) if ranked.literal is None else None
    searcher, epoch = store.searchers.detach()  # the one ranked with: a borrow keeps one searcher throughout

    def hits() -> Iterator[Hit]:
        try:
            for position in range(total):
                try:
                    with store.searchers.pinned(searcher), store.guard():
                        [(found, versions)] = ranked.hits(position, position + 1)
                        hit = make_hit(
                            store, ranked, found, position + 1, float("inf"), snippets=snippets, kwic=kwic
                        )
                        hit.versions = versions
                except Exception:
                    if store.searchers.is_closed(
                        searcher
                    ):  # closed by another thread, before or while the hit was read
                        raise StaleResultsError(CLOSED) from None
                    raise
                yield hit
        finally:
            store.searchers.give_back(searcher, epoch)

    return HitStream(
        query=options.text,
        index=ranked.index,
        total=total,
        sort=options.sort,
        since=from_utc_naive(start).isoformat() if start else None,
        until=from_utc_naive(end).isoformat() if end else None,
        syntax=options.syntax,
        notes=list(ranked.prepared.notes),
        hits=hits(),
        with_reprints=ranked.total,
        suggestion=hint,
    )
