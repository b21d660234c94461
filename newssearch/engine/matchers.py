"""Whoosh queries and matchers that change how a query runs, not what it matches or how it scores.

``SafeAndNot`` and ``SafeRequire`` fix a crash in Whoosh's own matchers; ``TimedPhrase`` stops at the running
search's deadline. ``Expanded`` (a wildcard, fuzzy or range
term expanded to a fixed list of words) and ``FastOr`` (every OR of words) score exactly as the Whoosh queries
they replace, but read each word's postings once into a ``PreloadedMatcher`` instead of stepping a tree of unions.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from whoosh import matching
from whoosh import query as wq
from whoosh.collectors import TimeLimit

from newssearch.engine import pruning, vectors
from newssearch.engine.deadline import DEADLINE, tick
from newssearch.engine.postings import (
    DocTerms,
    MatchedTerm,
    PreloadedMatcher,
    add_bm25_term,
    term_of,
)
from newssearch.errors import QueryError


class SafeAndNotMatcher(matching.AndNotMatcher):
    """Whoosh's AndNotMatcher with three flaws mended: it reads past the end (IndexError) when skipping
    low-scoring blocks exhausts its positive side, as in ``-heavy Lee valued because`` on Reuters-21578; it
    gives the first positive document even when that holds the excluded word, if the excluded side starts on an
    earlier document; and it then steps an exhausted positive side (ReadTooFar)."""

    def _find_first(self) -> None:
        if self.a.is_active() and self.b.is_active():
            self._find_next()

    def _find_next(self) -> bool:
        if not self.a.is_active():
            return False
        found: bool = super()._find_next() or False
        return found

    def skip_to_quality(self, minquality: float) -> int:
        skipped: int = self.a.skip_to_quality(minquality)
        if self.a.is_active():
            self._find_next()
        return skipped


class SafeRequireMatcher(matching.RequireMatcher):
    """The same flaw in RequireMatcher (where it also trips an assertion)."""

    def skip_to_quality(self, minquality: float) -> int:
        skipped: int = self.a.skip_to_quality(minquality)
        self.child._find_first()  # re-aligns both sides only if both are still active
        return skipped


class SafeAndNot(wq.AndNot):
    """``a ANDNOT b`` run by SafeAndNotMatcher."""

    def matcher(self, searcher: Any, context: Any = None) -> matching.Matcher:
        scored = self.a.matcher(searcher, context)
        return SafeAndNotMatcher(scored, self.b.matcher(searcher, searcher.boolean_context()))


class SafeRequire(wq.Require):
    """``a`` where ``b`` also matches, scored by ``a`` alone, run by SafeRequireMatcher."""

    def matcher(self, searcher: Any, context: Any = None) -> matching.Matcher:
        scored = self.a.matcher(searcher, context)
        return SafeRequireMatcher(scored, self.b.matcher(searcher, searcher.boolean_context()))


#: Words a phrase may hold: a longer one is refused (an exact search looks for its first words, then checks all).
MAX_PHRASE_WORDS = 100


class _TimedSpans(wq.SpanNear2.SpanNear2Matcher):
    """Whoosh's phrase matcher, which checks the deadline at each candidate: between two matches it may check the
    positions of thousands of candidates inside Whoosh (a long phrase of common words: minutes)."""

    def _get_spans(self) -> list[Any]:
        if time.monotonic() > DEADLINE.get():
            raise TimeLimit
        spans: list[Any] = super()._get_spans()
        return spans


class TimedPhrase(wq.Phrase):
    """Whoosh's phrase query (same matches, same scores), whose matcher stops at the running search's deadline
    (``postings.DEADLINE``) with Whoosh's ``TimeLimit``."""

    @classmethod
    def of(cls, q: wq.Phrase) -> TimedPhrase:
        """Whoosh's phrase ``q`` as a TimedPhrase; QueryError for one of more than MAX_PHRASE_WORDS words."""
        if len(q.words) > MAX_PHRASE_WORDS:
            raise QueryError(
                f"a phrase may hold at most {MAX_PHRASE_WORDS} words (this one has {len(q.words):,} "
                "that are searched, leaving out the commonest): "
                "search for a shorter part of it"
            )
        if isinstance(q, TimedPhrase):
            return q
        return cls(q.fieldname, q.words, slop=q.slop, boost=q.boost, char_ranges=q.char_ranges)

    def matcher(self, searcher: Any, context: Any = None) -> matching.Matcher:
        fieldname, schema = self.fieldname, searcher.schema
        if fieldname not in schema or not schema[fieldname].format.supports("positions"):
            return super().matcher(searcher, context)
        fieldobj, reader = schema[fieldname], searcher.reader()
        subs = []
        for (
            word
        ) in self.words:  # as Whoosh's own: a word the field cannot hold or the index lacks matches nothing
            try:
                btext = fieldobj.to_bytes(word)
            except ValueError:
                return matching.NullMatcher()
            if (fieldname, btext) not in reader:
                return matching.NullMatcher()
            subs.append(wq.Term(fieldname, btext).matcher(searcher, context))
        m: matching.Matcher = _TimedSpans(subs, slop=self.slop, ordered=True, mindist=1)
        return matching.WrappingMatcher(m, boost=self.boost) if self.boost != 1.0 else m


class Expanded(wq.MultiTerm):
    """A wildcard, fuzzy or range term already expanded against the index to a fixed list of words.

    Scored as Whoosh scores the term it replaces (its words' scores added up, times the boost), but Whoosh leaves
    the boost out when a term expands to one word; this does not, so a headline-only (×0.3) match stays a bonus.
    """

    def __init__(
        self,
        fieldname: str,
        btexts: Iterable[bytes],
        text: str,
        boost: float = 1.0,
        constantscore: bool = True,
    ) -> None:
        self.fieldname = fieldname
        self.btexts = tuple(btexts)
        self.text = text
        self.boost = boost
        self.constantscore = constantscore

    def _btexts(self, ixreader: Any) -> tuple[bytes, ...]:
        return self.btexts

    def matcher(self, searcher: Any, context: Any = None) -> matching.Matcher:
        # Whoosh would OR one matcher per word: a binary tree of unions that took seconds for 100 common words.
        reader = searcher.reader()
        scores: dict[int, float] = {}
        first: dict[int, int] = {}  # document -> index of the first of its words it matched
        boolean = context is not None and context.weighting is None  # only which documents match: no scores
        if boolean:
            for k, btext in enumerate(self.btexts):
                if (self.fieldname, btext) in reader:
                    for docnum in reader.postings(self.fieldname, btext).all_ids():
                        first.setdefault(docnum, k)
                        tick()
        else:
            weighting = (context.weighting if context is not None else None) or searcher.weighting
            for k, btext in enumerate(self.btexts):
                if (self.fieldname, btext) not in reader:
                    continue
                m = searcher.postings(self.fieldname, btext, weighting=weighting)
                is_active, current, score, advance, get = m.is_active, m.id, m.score, m.next, scores.get
                while is_active():
                    docnum = current()
                    old = get(docnum)
                    if old is None:
                        scores[docnum] = score()
                        first[docnum] = k
                    else:
                        scores[docnum] = old + score()
                    advance()
                    tick()
        if not first:
            return matching.NullMatcher()
        ids = sorted(first)
        boost, fieldname, btexts = self.boost, self.fieldname, self.btexts
        final = [0.0] * len(ids) if boolean else [scores[d] * boost for d in ids]
        return PreloadedMatcher(ids, final, [[(fieldname, btexts[first[d]])] for d in ids])

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Expanded)
            and self.__class__ is other.__class__
            and self.fieldname == other.fieldname
            and self.btexts == other.btexts
            and self.boost == other.boost
            and self.constantscore == other.constantscore
        )

    def __hash__(self) -> int:
        return hash((self.__class__.__name__, self.fieldname, self.btexts, self.boost, self.constantscore))

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.fieldname!r}, {self.text!r}, {len(self.btexts)} words)"

    def __str__(self) -> str:
        return f"{self.fieldname}:{self.text}"


class FastOr(wq.Or):
    """An OR of words, scored exactly as Whoosh scores an OR (the matching subqueries' scores added up, times
    the boost, then the coordination bonus for matching more words), but reading each subquery's matches once.

    Whoosh steps a binary tree of unions and, for the bonus, walks every term of the tree for every matching
    document: seconds for a pasted article even when its words are rare. Every match is read, so the total comes
    with the top N (``search._CountingTop``); plain terms are scored without Whoosh's calls per document.
    """

    def matcher(self, searcher: Any, context: Any = None) -> matching.Matcher:
        boolean = context is not None and context.weighting is None
        top = pruning.TOP.get()
        best = top[1] if top is not None and top[0] is self else None
        if not boolean:  # plain words, numpy loaded: read as arrays with no matcher for each word
            direct: matching.Matcher | None = vectors.direct(self, searcher, context, best)
            if direct is not None:
                return direct
        subms = [m for m in (s.matcher(searcher, context) for s in self.subqueries) if m.is_active()]
        if not subms:
            return matching.NullMatcher()
        termcount = sum(1 for m in subms for _ in m.term_matchers())
        if not boolean and vectors.worth_arrays(subms, searcher, self):  # many postings: scored as arrays
            return vectors.preload(subms, searcher, self.boost, self.scale, termcount, best)
        scores: dict[int, float] = {}
        postings: list[tuple[MatchedTerm, list[int]]] = []  # each matched term and its documents
        for m in subms:
            single = term_of(m)
            if single is not None and not boolean:
                docs = add_bm25_term(m, searcher, scores)
                if docs is not None:
                    postings.append((single, docs))
                    continue
            found: dict[MatchedTerm, list[int]] = {}
            is_active, current, score, advance, get = m.is_active, m.id, m.score, m.next, scores.get
            while is_active():
                docnum = current()
                for term in (single,) if single is not None else m.matching_terms(docnum):
                    found.setdefault(term, []).append(docnum)
                scores[docnum] = get(docnum, 0.0) + (0.0 if boolean else score())
                advance()
                tick()
            postings.extend(found.items())
        ids = sorted(scores)
        terms = DocTerms(ids, postings)
        boost, scale = self.boost, self.scale
        final = [scores[d] * boost for d in ids]
        if scale and termcount:  # Whoosh's CoordMatcher ("SQR")
            counts = terms.counts
            for i, docnum in enumerate(ids):
                if termcount == scale:
                    final[i] = 0.0
                else:
                    bonus = (counts[docnum] - 1) / (termcount - scale) ** 2
                    final[i] = (final[i] + bonus) * ((termcount - 1) / termcount)
        return PreloadedMatcher(ids, final, terms)


class Excluding(wq.WrappingQuery):
    """``child`` without the documents whose id is in ``ids``: a preloaded child (``FastOr``) drops them from its
    lists, so the search keeps its fast path (and its exact total); any other is run as ``child ANDNOT ids``."""

    def __init__(self, child: wq.Query, ids: Iterable[str]):
        super().__init__(child)
        self.ids = frozenset(ids)

    def apply(self, fn: Any) -> wq.Query:
        return self.__class__(fn(self.child), self.ids)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Excluding) and self.child == other.child and self.ids == other.ids

    def __hash__(self) -> int:
        return hash((Excluding, self.child, self.ids))

    def _excluded(self) -> wq.Query:
        return wq.Or([wq.Term("id", i) for i in sorted(self.ids)])

    def matcher(self, searcher: Any, context: Any = None) -> matching.Matcher:
        m = self.child.matcher(searcher, context)
        if not self.ids or not m.is_active():
            return m
        if isinstance(m, PreloadedMatcher):
            return m.without(set(self._excluded().docs(searcher)))
        return SafeAndNotMatcher(m, self._excluded().matcher(searcher, searcher.boolean_context()))
