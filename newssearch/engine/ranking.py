"""Ranking a query on one commit: the query prepared and filtered, run under a time limit, copies of a story
grouped; also the unranked counts and match lists. ``search/`` turns a ``Ranked`` into pages of hits.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from whoosh import query as wq
from whoosh.collectors import TimeLimit
from whoosh.searching import Hit as WhooshHit
from whoosh.searching import Results, Searcher
from whoosh.util.times import datetime_to_long, long_to_datetime

from newssearch.dates import from_utc_naive
from newssearch.engine import entities as entity_query
from newssearch.engine import exact as exact_mod
from newssearch.engine import grouped, recency
from newssearch.engine import query as query_mod
from newssearch.engine.aliasfile import stored_aliases
from newssearch.engine.collapse import NONE, Seen, later_copies
from newssearch.engine.collect import collect, finds_any, too_slow
from newssearch.engine.columns import MISSING_DATE, NO_DATE, Column, ager, fingerprint
from newssearch.engine.deadline import DEADLINE
from newssearch.engine.docsets import docset
from newssearch.engine.explain import explain as explain_scores
from newssearch.engine.explain import typed_words
from newssearch.engine.fieldvalues import ALIAS_KINDS, resolve
from newssearch.engine.grouped import Grouping
from newssearch.engine.matchers import TimedPhrase
from newssearch.engine.snippets import Highlights
from newssearch.engine.store import Store
from newssearch.models import Contribution, Matches
from newssearch.options import Filters, SearchOptions, deadline_of


@dataclass
class Found:
    """A ranked story of a page: its document, its score, and the engine's hit (what highlighting reads)."""

    docnum: int
    score: float | None
    hit: Any


def field_filter(
    searcher: Any, filters: Filters, aliases: Any = None, deadline: float = float("inf")
) -> query_mod.Query | None:
    """Stories whose byline, section or source has the words of one of the values given for each (a name's words
    in order, as a phrase: ``Ann Lee`` matches "Ann Lee" and "Ann Lee, AP"), and that name every entity given
    (``people``, ``organizations``, ``places``: a name as the index counts it, any of its variants,
    ``fieldvalues.resolve``); None without filters."""
    if not filters:
        return None
    schema = searcher.schema
    conditions: list[query_mod.Query] = []
    for fieldname, values in filters.items():
        if fieldname in ALIAS_KINDS:  # every entity given
            for value in values:
                forms = resolve(searcher, fieldname, value, aliases, deadline)[1]
                conditions.append(wq.Or([wq.Term(fieldname, f) for f in forms]) if forms else wq.NullQuery)
            continue
        options = []
        for value in values:
            words = list(schema[fieldname].process_text(value, mode="query"))
            options.append(wq.Term(fieldname, words[0]) if len(words) == 1 else TimedPhrase(fieldname, words))
        conditions.append(wq.Or(options))
    if any(c is wq.NullQuery for c in conditions):
        return wq.NullQuery
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

    def hits(self, start: int, stop: int) -> list[tuple[Found, int]]:
        """Results ``start`` to ``stop``, each with the number of other copies it stands for."""
        if (
            self.grouping is None or self.grouping.entries is None
        ):  # no result on these pages shares its group
            return [(Found(hit.docnum, hit.score, hit), 0) for hit in self.results[start:stop]]
        chosen = self.grouping.shown(start, stop)
        hits = [WhooshHit(self.results, doc, start + i, score) for i, (doc, score, _) in enumerate(chosen)]
        return [(Found(hit.docnum, hit.score, hit), n) for hit, (_, _, n) in zip(hits, chosen, strict=True)]

    def stored(self, found: Found) -> dict[str, Any]:
        """The stored fields of a ranked story."""
        return dict(found.hit.fields())

    def explain(self, text: str, page: list[Found], deadline: float) -> list[list[Contribution]] | None:
        """How each story's score adds up (see ``explain.py``), reranking by freshness included; None when the
        time ran out."""
        searcher = self.results.searcher
        scored = [(found.docnum, self.raw.get(found.docnum, found.score or 0.0)) for found in page]
        explained = explain_scores(
            searcher, self.prepared.query, scored, typed_words(searcher.schema, text), deadline
        )
        if explained is None:
            return None
        return [
            recency.with_recency(parts, found, self.raw) for parts, found in zip(explained, page, strict=True)
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
    condition = field_filter(searcher, options.filters, stored_aliases(store), deadline)
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
        fanned = None
        if store.fanout is not None and sort == "relevance":  # a sharded index: its shards' workers collect
            from newssearch.engine.fanout import collect_on

            fanned = collect_on(store.fanout, searcher, q, depth, terms, deadline, filtered, bool(later))
        if fanned is None:
            fanned = collect(searcher, q, sort, depth, terms, deadline, filtered, later)
        results, total, seen = fanned
    grouping = None
    if seen is not None:
        grouping = Grouping.first(searcher, q, sort, results, seen, later, depth, deadline, filtered)
    highlights = Highlights(results) if terms else None
    index = fingerprint(searcher)
    return Ranked(prepared, results, total, raw, literal, mentions, highlights, index, grouping)


def finds(store: Store, options: SearchOptions, text: str, deadline: float) -> bool:
    """Whether ``text`` (the options' query corrected, by did you mean) finds a story within the options' dates
    and filters."""
    searcher = store.searcher()
    q = query_mod.prepare(searcher.schema, text, searcher.reader(), syntax=options.syntax).query
    q = _filtered(q, field_filter(searcher, options.filters, stored_aliases(store), deadline))
    if options.start or options.end:
        q = query_mod.require(q, query_mod.date_range(options.start, options.end))
    return finds_any(searcher, q, deadline)


def matches(store: Store, options: SearchOptions) -> Matches:
    """Every matching story's id and date (see ``NewsIndex.matches``), read from the id and date columns, not from
    the stored articles: of a story's copies, the one ``search`` shows (every copy with ``all_versions``)."""
    deadline = deadline_of(options.timeout)
    searcher = store.searcher()
    with store.guard():
        prepared, q = _unranked(searcher, options, stored_aliases(store), deadline)
        ids = Column(searcher, "id", None, translate=True)
        out = Matches(query=options.text, notes=list(prepared.notes))
        found = list(_dated(searcher, q, options.start, options.end, deadline))
        later = NONE if options.all_versions else later_copies(searcher)
        folded = grouped.folded(searcher, [docnum for docnum, _ in found], later) if later else set()
        for docnum, value in (pair for pair in found if pair[0] not in folded):
            out.ids.append(ids[docnum])
            out.dates.append(from_utc_naive(long_to_datetime(value)) if value is not None else None)
    return out


def _unranked(
    searcher: Searcher, options: SearchOptions, aliases: Any = None, deadline: float = float("inf")
) -> tuple[query_mod.Prepared, query_mod.Query]:
    """The query as ``matches`` and ``count`` run it: parsed, then filtered by byline, section, source and
    entities."""
    prepared = query_mod.prepare(searcher.schema, options.text, searcher.reader(), syntax=options.syntax)
    return prepared, _filtered(prepared.query, field_filter(searcher, options.filters, aliases, deadline))


def _dated(
    searcher: Searcher, q: query_mod.Query, start: datetime | None, end: datetime | None, deadline: float
) -> Iterator[tuple[int, int | None]]:
    """Every matching document within the date bounds, with its date (Whoosh's long; None: undated, kept only
    when no bound is given). Dates are read on the column: cheaper than the range query's many terms."""
    dates = Column(searcher, "date", NO_DATE)
    low = datetime_to_long(start) if start else 0
    high = datetime_to_long(end) if end else MISSING_DATE - 1
    for n, docnum in enumerate(docset(searcher, q, deadline).tolist(), 1):
        if not n & 65535 and time.monotonic() > deadline:
            raise too_slow()
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
        _, q = _unranked(searcher, options, stored_aliases(store), deadline)
        if options.start or options.end:
            docs = [docnum for docnum, _ in _dated(searcher, q, options.start, options.end, deadline)]
        else:  # no date to read
            docs = docset(searcher, q, deadline).tolist()
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


def matched_in(store: Store, text: str, article_id: str, timeout: float) -> Highlights | None:
    """The words ``text`` (a query) matched in the story with this id, as highlighting reads them; None when the
    query does not match it."""
    searcher = store.searcher()
    prepared = query_mod.prepare(searcher.schema, text, searcher.reader())
    q = query_mod.require(prepared.query, wq.Term("id", article_id))
    token = DEADLINE.set(time.monotonic() + timeout)  # for the matchers that read whole posting lists
    try:
        results = searcher.search(q, limit=1, terms=True)
    except TimeLimit:
        raise too_slow() from None
    finally:
        DEADLINE.reset(token)
    return Highlights(results) if results.scored_length() else None
