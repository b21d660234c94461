"""Posting lists read a block at a time, scored by BM25F directly, and the matcher that serves the result.

``FastOr`` and ``Expanded`` (``matchers.py``) read every posting of their words before the first match is
collected; here is how: ``add_bm25_term`` scores a term's postings with Whoosh's arithmetic without its calls per
document, and ``PreloadedMatcher`` serves the documents, scores and matched terms to Whoosh's collectors. Reading
stops at the running search's ``DEADLINE``.
"""

from __future__ import annotations

import io
import operator
import time
import zlib
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator, Sequence
from itertools import accumulate
from typing import Any, ClassVar, overload

from whoosh import matching
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.collectors import TimeLimit
from whoosh.matching import ReadTooFar
from whoosh.matching.wrappers import FilterMatcher
from whoosh.scoring import BM25FScorer

from newssearch.engine import safeload
from newssearch.engine.deadline import DEADLINE, tick
from newssearch.engine.schema import BYTE_LENGTHS, length_bytes

#: A matched term as Whoosh records it: (field name, the word's bytes).
MatchedTerm = tuple[str, bytes]


class DocTerms(Sequence[Sequence[MatchedTerm]]):
    """The matched terms of each document of a ``PreloadedMatcher``, by position, worked out from each term's
    documents only when asked: most searches need only the terms matched anywhere (for highlighting) and how many
    each document matched (for the coordination bonus), not every document's list."""

    def __init__(self, ids: list[int], postings: list[tuple[MatchedTerm, list[int]]]) -> None:
        self._ids = ids
        self._postings = postings
        self._sets: list[tuple[MatchedTerm, set[int]]] | None = None
        self._counts: Counter[int] | None = None

    @property
    def counts(self) -> Counter[int]:
        """How many terms each document matched."""
        if self._counts is None:
            self._counts = Counter()
            for _, docs in self._postings:
                self._counts.update(docs)
        return self._counts

    def most(self) -> int:
        """The most terms any one document matched."""
        if len(self._postings) == 1:
            return 1 if self._postings[0][1] else 0
        return max(self.counts.values(), default=0)

    def matched(self) -> list[MatchedTerm]:
        """Every term that matched at least one document."""
        return [term for term, docs in self._postings if docs]

    def __len__(self) -> int:
        return len(self._ids)

    @overload
    def __getitem__(self, i: int) -> Sequence[MatchedTerm]: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[Sequence[MatchedTerm]]: ...

    def __getitem__(self, i: int | slice) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if self._sets is None:
            self._sets = [(term, set(docs)) for term, docs in self._postings]
        docnum = self._ids[i]
        return [term for term, docs in self._sets if docnum in docs]


def term_of(m: matching.Matcher) -> MatchedTerm | None:
    """The term of a term matcher, boosted (WrappingMatcher) or not, in a segment with deletions (FilterMatcher)
    or not; None for any other matcher."""
    while type(m) in (matching.WrappingMatcher, FilterMatcher):
        m = m.child
    term: MatchedTerm | None = m.term()
    return term


def bm25_leaf(m: matching.Matcher, searcher: Any) -> tuple[Any, float, frozenset[int] | set[int], Any] | None:
    """A (boosted) term's posting reader, its boost, the segment's deleted documents and its BM25F scorer, if
    its scores can be worked out from its postings as Whoosh works them out (one segment, Whoosh's BM25F);
    else None."""
    boost, leaf = (m.boost, m.child) if type(m) is matching.WrappingMatcher else (1.0, m)
    deleted: frozenset[int] | set[int] = frozenset()
    if type(leaf) is FilterMatcher:  # a segment's deleted documents, left out (SegmentReader.postings)
        if not leaf._exclude or leaf.boost != 1.0:
            return None
        deleted, leaf = leaf._ids, leaf.child
    scorer: Any = getattr(leaf, "scorer", None)
    if type(scorer) is not BM25FScorer or not searcher.is_atomic():
        return None
    return leaf, boost, deleted, scorer


def add_bm25_term(m: matching.Matcher, searcher: Any, scores: dict[int, float]) -> list[int] | None:
    """Add the scores of a (boosted) term's matches, scored by BM25F, to ``scores`` and return its documents:
    Whoosh's arithmetic (``whoosh.scoring.bm25``, times the boost), without its chain of calls for each document.
    None, and nothing added, for any other matcher."""
    found = bm25_leaf(m, searcher)
    if found is None:
        return None
    leaf, boost, deleted, scorer = found
    idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    norms = _field_norms(searcher, leaf.term()[0], B, K1, avgfl)
    if norms is None:
        return None
    get = scores.get
    docs = []
    for docnum, tf in _postings(leaf):
        if deleted and docnum in deleted:
            continue
        docs.append(docnum)
        score = idf * ((tf * (K1 + 1)) / (tf + norms[docnum])) * boost
        old = get(docnum)
        scores[docnum] = score if old is None else old + score
    return docs


def _postings(leaf: Any) -> Iterator[tuple[int, float]]:
    """(document, weight) of a term's postings from the current one on: a block at a time from Whoosh's own
    posting reader (``W3LeafMatcher`` of the pinned whoosh-reloaded 2.7.5), one by one from another matcher."""
    if type(leaf) is not W3LeafMatcher:
        while leaf.is_active():
            yield leaf.id(), leaf.weight()
            leaf.next()
            tick()
        return
    deadline = DEADLINE.get()
    while leaf.is_active():
        if time.monotonic() > deadline:
            raise TimeLimit
        start = leaf._i
        if leaf._ids is None and leaf._weights is None:  # the block not read yet: its ids and weights alone
            ids, weights = block_postings(leaf)
        else:
            leaf.id(), leaf.weight()  # load the block's documents and weights
            ids, weights = leaf._ids, leaf._weights
        yield from zip(ids[start:], weights[start:], strict=True)
        leaf._i = leaf._blocklength - 1
        leaf.next()  # to the next block


class _PostingsUnpickler(safeload.DataUnpickler):
    """A posting block's data as ``safeload`` reads it, but for the values (a word's positions in each
    document), which scoring and counting do not read: each is pickled as a call of ``_codecs.encode``, here a C
    function that makes no value (a bool), rather than the Python check that builds the bytes (most of a block's
    reading time). Every other name a pickle may give is checked as ``safeload`` checks it, and nothing is
    built from the values: they are dropped."""

    allowed: ClassVar[dict[tuple[str, str], Any]] = {
        **safeload.DATA_GLOBALS,
        ("_codecs", "encode"): operator.is_,
    }


def block_data(leaf: W3LeafMatcher) -> tuple[Any, Any]:
    """The raw ids (delta-coded unless the field's ids are bytes) and weights of the block a Whoosh 3 posting
    reader is on, read as its ``_read_data`` reads them, without the values."""
    data = leaf._postfile.get(leaf._dataoffset, leaf._nextoffset - leaf._dataoffset)
    ids, weights, _ = _PostingsUnpickler(
        io.BufferedReader(io.BytesIO(zlib.decompress(data) if leaf._compression else data))
    ).load()
    return ids, weights


def block_postings(leaf: W3LeafMatcher) -> tuple[Sequence[int], Sequence[float]]:
    """The documents and weights of the block a Whoosh 3 posting reader is on, as its ``id()`` and ``weight()``
    give them (``_read_ids``, ``_read_weights``)."""
    ids, weights = block_data(leaf)
    if not leaf._byteids:
        ids = tuple(accumulate(ids))
    count = leaf._blocklength
    if weights is None:
        weights = (1.0,) * count
    elif isinstance(weights, float):  # one weight for the block, kept in a float array as Whoosh keeps it
        weights = (array("f", (weights,))[0],) * count
    return ids, weights


def norm_table(B: float, K1: float, avgfl: float) -> list[float]:
    """BM25's length normalisation, ``K1 * ((1 - B) + B * fl / avgfl)`` as Whoosh computes it, for each of the 256
    stored lengths."""
    return [K1 * ((1 - B) + B * length / avgfl) for length in BYTE_LENGTHS]


def _field_norms(searcher: Any, fieldname: str, B: float, K1: float, avgfl: float) -> list[float] | None:
    """BM25's length normalisation of each document of a one-segment searcher, ``K1 * ((1 - B) + B * fl /
    avgfl)`` computed as Whoosh computes it, for each of the 256 stored lengths once."""
    cache = searcher.__dict__.setdefault("_newssearch_norms", {})
    key = (fieldname, B, K1, avgfl)
    if key not in cache:
        lengths = length_bytes(searcher.reader(), fieldname)
        table = norm_table(B, K1, avgfl)
        cache[key] = None if lengths is None else list(map(table.__getitem__, lengths))
    norms: list[float] | None = cache[key]
    return norms


class PreloadedMatcher(matching.Matcher):
    """Documents whose scores and matched terms were computed in advance, in docnum order.

    To Whoosh it shows term matchers ("faces"): the j-th is active on a document that matched at least j + 1
    terms, and its term is the j-th of them. So recording matched terms for highlighting and an OR's
    coordination bonus (which counts the term matchers matching a document) work as on Whoosh's own matchers.
    """

    arrays: Any = None  # the scores as a numpy array, when ``vectors.preload`` made it
    total: int | None = None  # every match's count, when it holds only the best of them (``pruning.py``)
    pruned: tuple[Any, int] | None = None  # then every match (a mask by document) and how many best it holds

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
        self._faces: list[_Face] | None = None  # made when Whoosh walks the tree

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__} {len(self._ids)} docs>"

    def current_terms(self) -> Sequence[MatchedTerm]:
        return self._terms[self._i] if self._i < len(self._ids) else ()

    def is_active(self) -> bool:
        return self._i < len(self._ids)

    def remaining(self) -> tuple[list[int], list[float]]:
        """The documents from the current one on, and their scores."""
        if not self._i:
            return self._ids, self._scores
        return self._ids[self._i :], self._scores[self._i :]

    def matched_terms(self) -> set[MatchedTerm]:
        """Every term that matched one of the documents from the current one on."""
        if isinstance(self._terms, DocTerms) and self._i == 0:
            return set(self._terms.matched())
        return {term for i in range(self._i, len(self._ids)) for term in self._terms[i]}

    def without(self, docnums: set[int]) -> PreloadedMatcher:
        """A matcher of the same documents but ``docnums``, from the first (scores unchanged)."""
        assert self.total is None, "a pruned matcher holds only its best documents"
        keep = [i for i, docnum in enumerate(self._ids) if docnum not in docnums]
        if len(keep) == len(self._ids):
            return self
        ids = [self._ids[i] for i in keep]
        terms: Sequence[Sequence[MatchedTerm]]
        if isinstance(self._terms, DocTerms):
            postings = [(term, [d for d in docs if d not in docnums]) for term, docs in self._terms._postings]
            terms = DocTerms(ids, postings)
        else:
            terms = [self._terms[i] for i in keep]
        return PreloadedMatcher(ids, [self._scores[i] for i in keep], terms)

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
        copied = PreloadedMatcher(self._ids, self._scores, self._terms, self._i, self._top)
        copied.total, copied.pruned = self.total, self.pruned
        return copied

    def replace(self, minquality: float = 0) -> matching.Matcher:
        if not self.is_active() or (minquality and self._top < minquality):
            return matching.NullMatcher()
        return self

    def children(self) -> list[_Face]:
        if self._faces is None:
            terms = self._terms
            most = terms.most() if isinstance(terms, DocTerms) else max(map(len, terms), default=0)
            self._faces = [_Face(self, j) for j in range(most)]
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
