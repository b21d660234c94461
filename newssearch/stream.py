"""Every match of a query, ranked, built into hits one at a time: what exports read (``NewsIndex.iter_search``).

The matches are found and ranked at once under the search's time limit, keeping only their scores and document
numbers; each hit's article, snippet and contexts are read when the hit is asked for, so memory does not grow
with the number of rows, and writing a long stream is not limited in time. The order is ``search``'s: by score,
ties by document number (or by date, as asked), so the same query on the same index gives the same rows.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any

from newssearch import query as query_mod
from newssearch.dates import from_utc_naive
from newssearch.errors import QueryError
from newssearch.models import Hit, HitStream
from newssearch.search import DEFAULT_TIMEOUT, Bound, _bounds, _check, _collect, fingerprint, make_hit
from newssearch.snippets import Highlights
from newssearch.store import Store


def stream(
    store: Store,
    lock: AbstractContextManager[Any],
    text: str,
    since: Bound = None,
    until: Bound = None,
    sort: str = "relevance",
    *,
    syntax: bool = True,
    snippets: bool = True,
    kwic: bool = True,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> HitStream:
    """Every hit of the query, in order (see ``NewsIndex.iter_search``). ``lock`` is held while each hit is read."""
    _check(text, 1, 1, sort)
    start, end = _bounds(since, until)
    deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
    searcher = store.searcher()
    with store.guard():
        prepared = query_mod.prepare(searcher.schema, text, searcher.reader(), syntax=syntax)
        q = prepared.query
        filtered = bool(start or end)
        if filtered:
            q = query_mod.require(q, query_mod.date_range(start, end))
        depth = searcher.doc_count()  # all of them
        results, total = _collect(searcher, q, sort, depth, snippets or kwic, deadline, filtered)
        index = fingerprint(searcher)
    highlights = Highlights(results) if snippets or kwic else None

    def hits() -> Iterator[Hit]:
        for position in range(total):
            with lock:
                if searcher.is_closed:
                    raise QueryError(
                        "the index was changed or closed while its results were read: search again"
                    )
                hit = make_hit(
                    store,
                    results[position],
                    position + 1,
                    highlights,
                    float("inf"),
                    snippets=snippets,
                    kwic=kwic,
                )
            yield hit

    return HitStream(
        query=text,
        index=index,
        total=total,
        sort=sort,
        since=from_utc_naive(start).isoformat() if start else None,
        until=from_utc_naive(end).isoformat() if end else None,
        syntax=syntax,
        notes=list(prepared.notes),
        hits=hits(),
    )
