"""A page of results: the query ranked by the engine (``engine/ranking.py``), its hits made, their scores
explained, did you mean worked out. Results leave as the plain dataclasses of ``models.py``."""

from __future__ import annotations

import time

from newssearch.engine import OPERATORS, Prepared, Snapshot, Store, finds, plain_words, rank
from newssearch.engine import Ranked as Ranked
from newssearch.engine import count_matches as count_matches
from newssearch.engine import matches as matches
from newssearch.models import SearchResults
from newssearch.options import DEFAULT_TIMEOUT as DEFAULT_TIMEOUT
from newssearch.options import SearchOptions, deadline_of
from newssearch.search import suggest as suggest_mod
from newssearch.search.hits import make_hit
from newssearch.values import MAX_LIMIT as MAX_LIMIT
from newssearch.values import SORTS as SORTS


def search(store: Store, options: SearchOptions, made: Prepared | None = None) -> SearchResults:
    """One page of ranked results (see ``NewsIndex.search``); copies of a story grouped unless ``all_versions``.
    ``made``: a query built by newssearch itself (similar stories), run instead of the options' text, which then
    only names it."""
    text, limit, page, snippets, kwic = (
        options.text,
        options.limit,
        options.page,
        options.snippets,
        options.kwic,
    )
    deadline = deadline_of(options.timeout)
    with store.guard():
        ranked = rank(store, options, page * limit, deadline, terms=options.terms, made=made)
    total = ranked.shown
    out = SearchResults(
        query=text, total=total, page=page, limit=limit, notes=list(ranked.prepared.notes), index=ranked.index,
        with_reprints=ranked.total,
    )  # fmt: skip
    if ranked.literal is None and made is None:
        out.suggestion = suggestion(store, options, total, deadline)
    offset = (page - 1) * limit
    if offset >= total:
        return out
    with store.guard():
        page_hits = ranked.hits(offset, offset + limit)
    explained = None
    if options.explain:
        with store.guard():
            explained = ranked.explain(text, [found for found, _ in page_hits], deadline)
        if explained is None:
            out.notes.append("the search took too long to explain its scores, so they are left out")
    for number, (found, versions) in enumerate(page_hits, 1):
        if (
            kwic and time.monotonic() > deadline
        ):  # past the limit: no more matches in context (snippets: the lead)
            kwic = False
            out.notes.append(
                f"the search took too long to show matches in context after hit {offset + number - 1}"
            )
        made_hit = make_hit(store, ranked, found, offset + number, deadline, snippets=snippets, kwic=kwic)
        made_hit.versions = versions
        if explained is not None:
            made_hit.explanation = explained[number - 1]
            made_hit.has_explanation = True
        out.hits.append(made_hit)
    return out


def suggestion(store: Store, options: SearchOptions, total: int, deadline: float) -> str | None:
    """The query with its misspelt words corrected, if that finds something (see ``suggest``)."""
    text, syntax = options.text, options.syntax
    filtered = bool(options.start or options.end or options.filters)

    def count_of(corrected: str) -> int:  # 1 at the first match: whether it finds anything, not how much
        words = corrected.split()
        if not filtered and all(w.isalnum() and w not in OPERATORS for w in words):
            return 1  # words ORed, each corrected to a word the index holds: found without searching
        return int(finds(store, options, corrected, deadline))

    typed = text if syntax else plain_words(text)  # its words are all that was searched
    with store.guard():
        return suggest_mod.suggest(Snapshot.of(store), typed, total, count_of, deadline)
