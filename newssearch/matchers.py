"""Whoosh queries and matchers that change how a query runs, not what it matches or how it scores.

``SafeAndNot`` and ``SafeRequire`` fix a crash in Whoosh's own matchers. ``Expanded`` (a wildcard, fuzzy or range
term expanded to a fixed list of words) and ``FastOr`` (every OR of words) score exactly as the Whoosh queries
they replace, but read each word's postings once into a ``PreloadedMatcher`` instead of stepping a tree of unions.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from whoosh import matching
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching import ReadTooFar
from whoosh.matching.wrappers import FilterMatcher
from whoosh.scoring import BM25FScorer
from whoosh.util.numeric import byte_to_length

#: A matched term as Whoosh records it: (field name, the word's bytes).
MatchedTerm = tuple[str, bytes]


class SafeAndNotMatcher(matching.AndNotMatcher):
    """Whoosh's AndNotMatcher reads past the end (IndexError) when skipping low-scoring blocks exhausts its
    positive side, as in ``-heavy Lee valued because`` on Reuters-21578."""

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
        subms = [m for m in (s.matcher(searcher, context) for s in self.subqueries) if m.is_active()]
        if not subms:
            return matching.NullMatcher()
        termcount = sum(1 for m in subms for _ in m.term_matchers())
        boolean = context is not None and context.weighting is None
        scores: dict[int, float] = {}
        terms: dict[int, list[MatchedTerm]] = {}
        for m in subms:
            single = _term_of(m)
            if single is not None and not boolean and _add_bm25_term(m, searcher, single, scores, terms):
                continue
            is_active, current, score, advance = m.is_active, m.id, m.score, m.next
            while is_active():
                docnum = current()
                found = terms.get(docnum)
                if found is None:
                    found = terms[docnum] = []
                    scores[docnum] = 0.0
                if single is not None:
                    found.append(single)
                else:
                    found.extend(m.matching_terms(docnum))
                if not boolean:
                    scores[docnum] += score()
                advance()
        ids = sorted(terms)
        boost, scale = self.boost, self.scale
        final = []
        for docnum in ids:
            total = scores[docnum] * boost
            if scale and termcount:  # Whoosh's CoordMatcher ("SQR")
                if termcount == scale:
                    total = 0.0
                else:
                    matched = len(terms[docnum])
                    total = (total + (matched - 1) / (termcount - scale) ** 2) * ((termcount - 1) / termcount)
            final.append(total)
        return PreloadedMatcher(ids, final, [terms[d] for d in ids])


def _term_of(m: matching.Matcher) -> MatchedTerm | None:
    """The term of a term matcher, boosted (WrappingMatcher) or not, in a segment with deletions (FilterMatcher)
    or not; None for any other matcher."""
    while type(m) in (matching.WrappingMatcher, FilterMatcher):
        m = m.child
    term: MatchedTerm | None = m.term()
    return term


def _add_bm25_term(
    m: matching.Matcher,
    searcher: Any,
    term: MatchedTerm,
    scores: dict[int, float],
    terms: dict[int, list[MatchedTerm]],
) -> bool:
    """Add the matches of a (boosted) term scored by BM25F to ``scores`` and ``terms``: Whoosh's arithmetic
    (``whoosh.scoring.bm25``, times the boost), without its chain of calls for each document. False, and nothing
    added, for any other matcher."""
    boost, leaf = (m.boost, m.child) if type(m) is matching.WrappingMatcher else (1.0, m)
    deleted: frozenset[int] | set[int] = frozenset()
    if type(leaf) is FilterMatcher:  # a segment's deleted documents, left out (SegmentReader.postings)
        if not leaf._exclude or leaf.boost != 1.0:
            return False
        deleted, leaf = leaf._ids, leaf.child
    scorer: Any = getattr(leaf, "scorer", None)
    if type(scorer) is not BM25FScorer or not searcher.is_atomic():
        return False
    lengths = _field_lengths(searcher, term[0])
    if lengths is None:
        return False
    idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    get = scores.get
    for docnum, tf in _postings(leaf):
        if deleted and docnum in deleted:
            continue
        score = idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * lengths[docnum] / avgfl))) * boost
        old = get(docnum)
        if old is None:
            scores[docnum] = score
            terms[docnum] = [term]
        else:
            scores[docnum] = old + score
            terms[docnum].append(term)
    return True


def _postings(leaf: Any) -> Iterator[tuple[int, float]]:
    """(document, weight) of a term's postings from the current one on: a block at a time from Whoosh's own
    posting reader (``W3LeafMatcher`` of the pinned whoosh-reloaded 2.7.5), one by one from another matcher."""
    if type(leaf) is not W3LeafMatcher:
        while leaf.is_active():
            yield leaf.id(), leaf.weight()
            leaf.next()
        return
    while leaf.is_active():
        leaf.id(), leaf.weight()  # load the block's documents and weights
        start = leaf._i
        yield from zip(leaf._ids[start:], leaf._weights[start:], strict=True)
        leaf._i = leaf._blocklength - 1
        leaf.next()  # to the next block


def _field_lengths(searcher: Any, fieldname: str) -> list[int] | None:
    """Each document's length in a field, as ``doc_field_length`` gives it, for a searcher on one segment."""
    cache = searcher.__dict__.setdefault("_newssearch_lengths", {})
    if fieldname not in cache:
        perdoc = getattr(searcher.reader(), "_perdoc", None)
        column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN) if perdoc else None
        cache[fieldname] = None if column is None else [_BYTE_LENGTHS[byte] for byte in column]
    lengths: list[int] | None = cache[fieldname]
    return lengths


_BYTE_LENGTHS = [byte_to_length(byte) if byte else None for byte in range(256)]


class PreloadedMatcher(matching.Matcher):
    """Documents whose scores and matched terms were computed in advance, in docnum order.

    To Whoosh it shows term matchers ("faces"): the j-th is active on a document that matched at least j + 1
    terms, and its term is the j-th of them. So recording matched terms for highlighting and an OR's
    coordination bonus (which counts the term matchers matching a document) work as on Whoosh's own matchers.
    """

    def __init__(
        self,
        ids: list[int],
        scores: list[float],
        terms: Sequence[Sequence[MatchedTerm]],
        position: int = 0,
        top: float | None = None,
    ) -> None:
        self._ids = ids
        self._scores = scores
        self._terms = terms
        self._i = position
        self._top = max(scores, default=0.0) if top is None else top
        self._faces = [_Face(self, j) for j in range(max(map(len, terms), default=0))]

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__} {len(self._ids)} docs>"

    def current_terms(self) -> Sequence[MatchedTerm]:
        return self._terms[self._i] if self._i < len(self._ids) else ()

    def is_active(self) -> bool:
        return self._i < len(self._ids)

    def remaining_scores(self) -> Iterator[tuple[int, float]]:
        """(document, score) from the current document on."""
        return zip(self._ids[self._i :], self._scores[self._i :], strict=True)

    def remaining_terms(self) -> Iterator[tuple[int, Sequence[MatchedTerm]]]:
        """(document, its matched terms) from the current document on."""
        return zip(self._ids[self._i :], self._terms[self._i :], strict=True)

    def reset(self) -> None:
        self._i = 0

    def id(self) -> int:
        if self._i >= len(self._ids):
            raise ReadTooFar
        return self._ids[self._i]

    def next(self) -> None:
        if self._i >= len(self._ids):
            raise ReadTooFar
        self._i += 1

    def skip_to(self, id: int) -> None:
        if self._i >= len(self._ids):
            raise ReadTooFar
        if id > self._ids[self._i]:
            self._i = bisect_left(self._ids, id, self._i)

    def all_ids(self) -> Iterator[int]:
        return iter(self._ids[self._i :])

    def copy(self) -> PreloadedMatcher:
        return PreloadedMatcher(self._ids, self._scores, self._terms, self._i, self._top)

    def replace(self, minquality: float = 0) -> matching.Matcher:
        if not self.is_active() or (minquality and self._top < minquality):
            return matching.NullMatcher()
        return self

    def children(self) -> list[_Face]:
        return self._faces

    def matching_terms(self, id: int | None = None) -> Iterator[MatchedTerm]:
        if self.is_active() and (id is None or id == self._ids[self._i]):
            yield from self._terms[self._i]

    def max_quality(self) -> float:
        return self._top  # an upper bound for the documents left, as Whoosh asks

    def block_quality(self) -> float:
        return self._top

    def supports(self, astype: str) -> bool:
        return False

    def weight(self) -> float:
        return self._scores[self._i]

    def score(self) -> float:
        return self._scores[self._i]


class _Face(matching.Matcher):
    """The j-th term matcher of a ``PreloadedMatcher``: positioned as its parent, active where the parent's
    current document matched more than j terms."""

    def __init__(self, parent: PreloadedMatcher, j: int) -> None:
        self._parent = parent
        self._j = j

    def is_active(self) -> bool:
        return self._j < len(self._parent.current_terms())

    def reset(self) -> None:
        pass

    def id(self) -> int:
        return self._parent.id()

    def next(self) -> None:
        raise ReadTooFar

    def term(self) -> MatchedTerm:
        terms = self._parent.current_terms() or self._parent._terms[0]
        return terms[self._j] if self._j < len(terms) else terms[0]

    def copy(self) -> _Face:
        return self

    def supports(self, astype: str) -> bool:
        return False

    def score(self) -> float:
        return 0.0
