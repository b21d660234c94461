"""The search path: options checked, the query prepared and filtered, run under a time limit, hits built.

Everything here reads a Whoosh searcher; results leave as the plain dataclasses of ``models.py``.
"""

from __future__ import annotations

import heapq
import re
import time
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from whoosh.analysis import (
    CharsetFilter,
    CompositeAnalyzer,
    LowercaseFilter,
    RegexTokenizer,
    StopFilter,
    Token,
)
from whoosh.analysis.morph import StemFilter
from whoosh.collectors import Collector, TermsCollector, TimeLimit, TimeLimitCollector, TopCollector
from whoosh.highlight import ContextFragmenter, Highlighter, WholeFragmenter
from whoosh.matching import NullMatcherClass
from whoosh.searching import Results, Searcher
from whoosh.util.times import datetime_to_long, long_to_datetime

from newssearch import query as query_mod
from newssearch.dates import coerce_bound, from_utc_naive, to_utc_naive
from newssearch.documents import to_article
from newssearch.errors import QueryError
from newssearch.highlight import SpanFormatter, Tokens, context_fragments, lead, top_fragments, whole_fragment
from newssearch.matchers import PreloadedMatcher
from newssearch.models import Hit, Matches, SearchResults, Snippet
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
    highlights = _Highlights(results) if snippets else None
    for number, hit in enumerate(results[offset : offset + limit], 1):
        with store.guard():
            article = to_article(hit.fields())
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
        reader = searcher.reader()
        ids, dates = reader.column_reader("id"), reader.column_reader("date", translate=False)
        # Dates are filtered on the column: cheaper than the range query's many terms.
        low = datetime_to_long(start) if start else 0
        high = datetime_to_long(end) if end else _MISSING_DATE
        out = Matches(query=text, notes=list(prepared.notes))
        for count, docnum in enumerate(searcher.docs_for_query(prepared.query), 1):
            if not count % 4096 and time.monotonic() > deadline:
                raise _too_slow()
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


_BODY = ContextFragmenter(maxchars=220, surround=60)
_HEADLINE = WholeFragmenter()
_PER_WORD_FILTERS = (LowercaseFilter, StopFilter, StemFilter, CharsetFilter)
_TERM_CACHE_SIZE = 100_000
#: id(analyzer) -> (analyzer, the words whose terms are known, term -> the words that make it)
_TERMS: dict[int, tuple[Any, set[str], dict[str, set[str]]]] = {}
_WHOOSH_WORD = r"[\w\*]+(\.?[\w\*]+)*"  # Whoosh's default tokenizer expression
#: The same words, found faster: its first run takes every word character, so the group only goes on after a dot.
_WORD = re.compile(r"[\w*]+(?:\.[\w*]+)*")


class _Highlights:
    """A page's snippet and headline highlights: what Whoosh's highlighter gives (a ``ContextFragmenter`` on the
    body, a ``WholeFragmenter`` on the headline), found faster.

    Whoosh runs each text through the field's analyzer to find the words whose terms matched. Each word's term
    depends on the word alone, so here the words are found with the analyzer's own tokenizer expression and each
    distinct word's term is worked out once (through the analyzer's filters) and kept; a text with no matched word
    is not fragmented at all, and the headline is scanned once for both of its fields. Analyzers of another shape
    are left to Whoosh.
    """

    def __init__(self, results: Results):
        self.results = results
        self.schema = results.searcher.schema
        self.words: dict[str, set[str]] | None = None  # the matched terms by field (None: Whoosh highlights)
        if results.has_matched_terms():
            self.words = {}
            for fieldname, btext in results.matched_terms():
                self.words.setdefault(fieldname, set()).add(self.schema[fieldname].from_bytes(btext))
        self.body_hl = Highlighter(fragmenter=_BODY, formatter=SpanFormatter())
        self.headline_hl = Highlighter(fragmenter=_HEADLINE, formatter=SpanFormatter(elide=False))
        self._scanned: tuple[str, list[re.Match[str]], list[str], set[str]] | None = None

    def hit(self, hit: Any, body: str, headline: str) -> tuple[Snippet | None, Snippet | None]:
        """The snippet of the body and the headline's highlights (None for no match)."""
        tokens = self._tokens("content", body)
        if tokens is None:
            self.results.highlighter = self.body_hl
            snippet = hit.highlights("content", text=body, top=2)
        else:
            fragments = context_fragments(body, tokens, _BODY.maxchars, _BODY.surround, _BODY.charlimit)
            snippet = self.body_hl.formatter.format(top_fragments(fragments, 2))
        titled = None
        # The headline's words matched in "headline" (its stored text, as Whoosh reads it), else in "content".
        for fieldname, text in (("headline", hit["headline"]), ("content", headline)):
            tokens = self._tokens(fieldname, text)
            if tokens is None:
                titled = self.headline_hl.highlight_hit(hit, fieldname, text=text, top=1)
            else:
                titled = self.headline_hl.formatter.format(
                    top_fragments(whole_fragment(text, tokens, _HEADLINE.charlimit), 1)
                )
            if titled:
                break
        return snippet, titled

    def _tokens(self, fieldname: str, text: str) -> Tokens | None:
        """The text's words and their matched terms, or None to leave the text to Whoosh."""
        analyzer = self.schema[fieldname].analyzer
        if self.words is None:
            return None
        cached = _TERMS.get(id(analyzer))
        if cached is None or cached[0] is not analyzer or len(cached[1]) > _TERM_CACHE_SIZE:
            if not _per_word(analyzer):
                return None
            if len(_TERMS) >= 8:
                _TERMS.clear()
            # Replaced, never emptied: a search on another thread keeps a consistent one.
            cached = _TERMS[id(analyzer)] = (analyzer, set(), {})
        _, seen, words_of = cached
        if self._scanned is not None and self._scanned[0] == text:  # the headline, for its second field
            _, spans, raw, distinct = self._scanned
        else:
            spans = list(_WORD.finditer(text))
            raw = [m.group() for m in spans]
            distinct = set(raw)
            self._scanned = (text, spans, raw, distinct)
        new = distinct - seen
        for word in new:
            term = _term(analyzer, word)
            if term is not None:
                words_of.setdefault(term, set()).add(word)
        seen |= new  # after words_of: a word seen has its term's entry
        found: dict[str, str] = {}
        for term in self.words.get(fieldname, ()):
            for word in distinct.intersection(words_of.get(term, ())):
                found[word] = term
        return Tokens(spans, raw, found)


def _per_word(analyzer: Any) -> bool:
    """Whether the analyzer is Whoosh's default tokenizer followed by filters that each change one word alone."""
    if not isinstance(analyzer, CompositeAnalyzer):
        return False
    items = analyzer.items
    return (
        type(items[0]) is RegexTokenizer
        and not items[0].gaps
        and items[0].expression.pattern == _WHOOSH_WORD
        and items[0].expression.flags == _WORD.flags
        and all(type(item) in _PER_WORD_FILTERS for item in items[1:])
    )


def _term(analyzer: CompositeAnalyzer, word: str) -> str | None:
    """The term the analyzer makes of a word its tokenizer found, as Whoosh's highlighter runs it (stop words are
    marked, not removed: each of these filters gives back one token for one)."""
    token = Token(positions=False, chars=False, removestops=False, mode="index")
    token.text, token.boost, token.stopped = word, 1.0, False
    stream: Iterator[Token] = iter([token])
    for item in analyzer.items[1:]:
        stream = item(stream)
    out = [t.text for t in stream]
    return out[0] if len(out) == 1 else None


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
    top: Collector
    if by_date or depth >= searcher.doc_count():
        top = searcher.collector(limit=None)
    else:
        # optimize=False: Whoosh's block-quality skipping trips an assertion inside Require (the date filter).
        top = _CountingTop(depth, usequality=not filtered)
    collector = _MatchedTerms(top) if terms else top
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
    if not isinstance(top, _CountingTop):  # it kept every match
        return results, len(results.top_n)
    return results, top.total if top.exact else _count(searcher, q, deadline)


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
        matches = [(score, -(offset + docnum)) for docnum, score in matcher.remaining_scores()]
        self.total += len(matches)
        top = heapq.nlargest(self.limit, items + matches)
        heapq.heapify(top)
        self.items[:] = top
        if len(top) == self.limit:
            self.minscore = top[0][0]


class _MatchedTerms(TermsCollector):
    """Whoosh's TermsCollector (the words each match matched, for highlighting), reading a preloaded matcher's
    words all at once instead of asking each of its term matchers at each document (all its documents are
    collected: see ``_CountingTop``)."""

    def set_subsearcher(self, subsearcher: Searcher, offset: int) -> None:
        super().set_subsearcher(subsearcher, offset)
        matcher = self.child.matcher
        if isinstance(matcher, PreloadedMatcher):
            self.termmatchers: list[Any] = []
            for docnum, terms in matcher.remaining_terms():
                docnum += offset
                self.docterms[docnum].extend(terms)
                for term in terms:
                    self.termdocs[term].append(docnum)


def _count(searcher: Searcher, q: query_mod.Query, deadline: float) -> int:
    count = 0
    for count, _ in enumerate(searcher.docs_for_query(q), 1):
        if not count % 4096 and time.monotonic() > deadline:
            raise _too_slow()
    return count
