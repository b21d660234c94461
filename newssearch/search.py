"""The search path: options checked, the query prepared and filtered, run under a time limit, hits built.

Everything here reads a Whoosh searcher; results leave as the plain dataclasses of ``models.py``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from whoosh import query as wq
from whoosh.searching import Hit as WhooshHit
from whoosh.searching import Results, Searcher
from whoosh.util.times import datetime_to_long, long_to_datetime

from newssearch import entity_query, grouped, recency
from newssearch import exact as exact_mod
from newssearch import query as query_mod
from newssearch import suggest as suggest_mod
from newssearch.collapse import NONE, Seen, later_copies
from newssearch.collect import collect, finds_any, matching, too_slow
from newssearch.columns import MISSING_DATE, NO_DATE, Column, ager, fingerprint
from newssearch.dates import from_utc_naive
from newssearch.explain import explain as explain_scores
from newssearch.explain import typed_words
from newssearch.grouped import Grouping
from newssearch.hits import make_hit
from newssearch.matchers import TimedPhrase
from newssearch.models import Matches, SearchResults
from newssearch.options import DEFAULT_TIMEOUT as DEFAULT_TIMEOUT
from newssearch.options import Bound as Bound
from newssearch.options import Filters, SearchOptions, deadline_of
from newssearch.snippets import Highlights
from newssearch.store import Store
from newssearch.values import MAX_LIMIT as MAX_LIMIT
from newssearch.values import SORTS as SORTS


def field_filter(schema: Any, filters: Filters) -> query_mod.Query | None:
    """Stories whose byline, section or source has the words of one of the values given for each (a name's words
    in order, as a phrase: ``Ann Lee`` matches "Ann Lee" and "Ann Lee, AP"); None without filters."""
    if not filters:
        return None
    conditions = []
    for fieldname, values in filters.items():
        options = []
        for value in values:
            words = list(schema[fieldname].process_text(value, mode="query"))
            options.append(wq.Term(fieldname, words[0]) if len(words) == 1 else TimedPhrase(fieldname, words))
        conditions.append(wq.Or(options))
    return wq.And(conditions).normalize()


def _filtered(q: query_mod.Query, condition: query_mod.Query | None) -> query_mod.Query:
    return q if condition is None else query_mod.require(q, condition)


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
    grouping: Grouping | None = None  # copies of a story among the matches, when there are any

    @property
    def shown(self) -> int:
        """The number of results: stories, each group of copies counted once."""
        return self.total - (self.grouping.collapsed if self.grouping else 0)

    def hits(self, start: int, stop: int) -> list[tuple[Any, int]]:
        """Results ``start`` to ``stop`` as Whoosh hits, each with the number of other copies it stands for."""
        if (
            self.grouping is None or self.grouping.entries is None
        ):  # no result on these pages shares its group
            return [(hit, 0) for hit in self.results[start:stop]]
        chosen = self.grouping.shown(start, stop)
        return [
            (WhooshHit(self.results, doc, start + i, score), n) for i, (doc, score, n) in enumerate(chosen)
        ]


def rank(
    store: Store,
    options: SearchOptions,
    depth: int,
    deadline: float,
    *,
    terms: bool = True,
    made: query_mod.Prepared | None = None,
) -> Ranked:
    """Find the matches and rank at least the first ``depth`` of them (under the store's guard); copies of a
    story are grouped (``collapse.py``) unless ``all_versions``. ``made``: a query newssearch built itself
    (similar stories), run instead of the options' text."""
    text, sort, syntax, recent = options.text, options.sort, options.syntax, options.recent
    start, end, exact, all_versions = options.start, options.end, options.exact, options.all_versions
    searcher = store.searcher()
    later = NONE if all_versions else later_copies(searcher)
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
    condition = field_filter(searcher.schema, options.filters)
    q = _filtered(prepared.query, condition)
    filtered = bool(start or end or condition)
    if start or end:  # matched by both, scored by the words alone
        q = query_mod.require(q, query_mod.date_range(start, end))
    raw: dict[int, float] = {}
    fresh = recent is not None and sort == "relevance"
    terms = terms and literal is None
    if literal is not None:  # every candidate, in order, then those that hold the literals
        results = collect(searcher, q, sort, searcher.doc_count(), False, deadline, filtered)[0]
        results.top_n = literal.keep(results.top_n, searcher.stored_fields, deadline, too_slow)
        total = len(results.top_n)
        if fresh:
            raw = {docnum: score for score, docnum in results.top_n}
            results.top_n = recency.rerank(results.top_n, ager(searcher), recent or 0.0, total)[0]
        seen = Seen(ranked=results.top_n) if later else None
    elif fresh:  # grouping needs every match ranked: reranking may bring any up
        deep = searcher.doc_count() if later else depth
        results, total, raw = _fresh(searcher, q, deep, terms, deadline, filtered, recent or 0.0)
        seen = Seen(ranked=results.top_n) if later else None
    else:
        results, total, seen = collect(searcher, q, sort, depth, terms, deadline, filtered, later)
    grouping = None
    if seen is not None:
        grouping = Grouping.first(searcher, q, sort, results, seen, later, depth, deadline, filtered)
    highlights = Highlights(results) if terms else None
    index = fingerprint(searcher)
    return Ranked(prepared, results, total, raw, literal, mentions, highlights, index, grouping)


def search(store: Store, options: SearchOptions, made: query_mod.Prepared | None = None) -> SearchResults:
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
    searcher = store.searcher()
    with store.guard():
        ranked = rank(store, options, page * limit, deadline, terms=options.terms, made=made)
    total = ranked.shown
    out = SearchResults(
        query=text, total=total, page=page, limit=limit, notes=list(ranked.prepared.notes), index=ranked.index,
        with_reprints=ranked.total,
    )  # fmt: skip
    if ranked.literal is None and made is None:
        out.suggestion = suggestion(store, searcher, options, total, deadline)
    offset = (page - 1) * limit
    if offset >= total:
        return out
    with store.guard():
        page_hits = ranked.hits(offset, offset + limit)
    explained = None
    if options.explain:
        with store.guard():
            explained = explain_scores(
                searcher,
                ranked.prepared.query,
                [(hit.docnum, ranked.raw.get(hit.docnum, hit.score or 0.0)) for hit, _ in page_hits],
                typed_words(searcher.schema, text),
                deadline,
            )
        if explained is None:
            out.notes.append("the search took too long to explain its scores, so they are left out")
    for number, (hit, versions) in enumerate(page_hits, 1):
        if (
            kwic and time.monotonic() > deadline
        ):  # past the limit: no more matches in context (snippets: the lead)
            kwic = False
            out.notes.append(
                f"the search took too long to show matches in context after hit {offset + number - 1}"
            )
        made_hit = make_hit(store, ranked, hit, offset + number, deadline, snippets=snippets, kwic=kwic)
        made_hit.versions = versions
        if explained is not None:
            made_hit.explanation = recency.with_recency(explained[number - 1], hit, ranked.raw)
            made_hit.has_explanation = True
        out.hits.append(made_hit)
    return out


def suggestion(
    store: Store, searcher: Searcher, options: SearchOptions, total: int, deadline: float
) -> str | None:
    """The query with its misspelt words corrected, if that finds something (see ``suggest``)."""
    text, syntax, start, end = options.text, options.syntax, options.start, options.end
    filtered = bool(start or end)
    condition = field_filter(searcher.schema, options.filters)

    def count_of(corrected: str) -> int:  # 1 at the first match: whether it finds anything, not how much
        words = corrected.split()
        if not (filtered or condition) and all(w.isalnum() and w not in query_mod.OPERATORS for w in words):
            return 1  # words ORed, each corrected to a word the index holds: found without searching
        q = query_mod.prepare(searcher.schema, corrected, searcher.reader(), syntax=syntax).query
        q = _filtered(q, condition)
        q = query_mod.require(q, query_mod.date_range(start, end)) if filtered else q
        return int(finds_any(searcher, q, deadline))

    typed = text if syntax else query_mod.plain_words(text)  # its words are all that was searched
    with store.guard():
        return suggest_mod.suggest(searcher.reader(), searcher.schema, typed, total, count_of, deadline)


def matches(store: Store, options: SearchOptions) -> Matches:
    """Every matching story's id and date (see ``NewsIndex.matches``), read from the id and date columns, not from
    the stored articles: of a story's copies, the one ``search`` shows (every copy with ``all_versions``)."""
    deadline = deadline_of(options.timeout)
    searcher = store.searcher()
    with store.guard():
        prepared, q = _unranked(searcher, options)
        ids = Column(searcher, "id", None, translate=True)
        out = Matches(query=options.text, notes=list(prepared.notes))
        found = list(_dated(searcher, q, options.start, options.end, deadline))
        later = NONE if options.all_versions else later_copies(searcher)
        folded = grouped.folded(searcher, [docnum for docnum, _ in found], later) if later else set()
        for docnum, value in (pair for pair in found if pair[0] not in folded):
            out.ids.append(ids[docnum])
            out.dates.append(from_utc_naive(long_to_datetime(value)) if value is not None else None)
    return out


def _unranked(searcher: Searcher, options: SearchOptions) -> tuple[query_mod.Prepared, query_mod.Query]:
    """The query as ``matches`` and ``count`` run it: parsed, then filtered by byline, section and source."""
    prepared = query_mod.prepare(searcher.schema, options.text, searcher.reader(), syntax=options.syntax)
    return prepared, _filtered(prepared.query, field_filter(searcher.schema, options.filters))


def _dated(
    searcher: Searcher, q: query_mod.Query, start: datetime | None, end: datetime | None, deadline: float
) -> Iterator[tuple[int, int | None]]:
    """Every matching document within the date bounds, with its date (Whoosh's long; None: undated, kept only
    when no bound is given). Dates are read on the column: cheaper than the range query's many terms."""
    dates = Column(searcher, "date", NO_DATE)
    low = datetime_to_long(start) if start else 0
    high = datetime_to_long(end) if end else MISSING_DATE - 1
    for docnum in matching(searcher, q, deadline):
        value = dates[docnum]
        if value >= MISSING_DATE:
            if not (start or end):
                yield docnum, None
        elif low <= value <= high:
            yield docnum, value


def count_matches(store: Store, options: SearchOptions) -> int:
    """The number of matching stories, unranked, copies of a story once unless ``all_versions`` (see
    ``NewsIndex.count``)."""
    deadline = deadline_of(options.timeout)
    searcher = store.searcher()
    with store.guard():
        _, q = _unranked(searcher, options)
        if options.start or options.end:
            docs = [docnum for docnum, _ in _dated(searcher, q, options.start, options.end, deadline)]
        else:  # no date to read
            docs = list(matching(searcher, q, deadline))
        later = NONE if options.all_versions else later_copies(searcher)
        return len(docs) - (grouped.collapsed(searcher, docs, later) if later else 0)


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
    results, total, _ = collect(searcher, q, "relevance", max(4 * depth, 100), terms, deadline, filtered)
    ranked, exact = recency.rerank(sorted(results.top_n, reverse=True), age, half_life, depth)
    if not exact and len(results.top_n) < total:
        results, total, _ = collect(searcher, q, "relevance", searcher.doc_count(), terms, deadline, filtered)
        ranked, _ = recency.rerank(sorted(results.top_n, reverse=True), age, half_life, depth)
    raw = {docnum: score for score, docnum in results.top_n}
    results.top_n = ranked
    return results, total, raw
