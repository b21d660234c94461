"""An OR of plain words with many postings scored as arrays (numpy), to the same floating-point results as the
per-posting loop of ``postings.add_bm25_term``.

Each word's documents and weights are read as arrays from its segment's postings file (``sidecar.py``), or
decoded from its posting blocks (``postings.block_data``: the positions are not built), scored with Whoosh's BM25F arithmetic, operation for operation, and added up word by
word in the order of the query, as the loop adds them; the coordination bonus of ``FastOr`` likewise. The top N
of the preloaded matcher are then picked from the array of scores (``top_indexes``), ties to the lower document
as Whoosh's heap keeps them. numpy is loaded only where it pays (see ``ARRAY_POSTINGS``).
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from typing import Any

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.collectors import TimeLimit

from newssearch.engine import sidecar
from newssearch.engine.deadline import DEADLINE
from newssearch.engine.postings import (
    DocTerms,
    MatchedTerm,
    PreloadedMatcher,
    block_data,
    bm25_leaf,
    length_bytes,
    norm_table,
    term_of,
)

#: The postings (of all the OR's words) from which it is scored as arrays. Loading numpy costs about 75 ms, which
#: a command that runs one search would not win back: it is loaded by the second such OR of a process, or by the
#: first of ``COLD_ARRAY_POSTINGS`` (or by a count).
ARRAY_POSTINGS = 20_000
COLD_ARRAY_POSTINGS = 250_000
#: With numpy loaded already, an OR of this many postings is scored as arrays: cheaper than the loop from about
#: here (each word's arrays read in place from its segment's postings file).
WARM_ARRAY_POSTINGS = 1_000
#: An OR whose postings are fewer than a segment's stories divided by this is summed from the postings alone
#: (``np.unique``, ``np.bincount``), not in arrays as long as the segment (whose fresh pages cost more: 18 words
#: over a segment of 250,000 stories, 10,000 postings: 0.4 ms against 7 ms; 120,000: 13 against 15 ms).
SPARSE_SHARE = 2
#: Whether an OR ranked for a page is pruned (see ``_pruned``): off only to compare with scoring every match.
PRUNE = True
#: An OR of fewer postings (for a segment) is summed whole: about a millisecond.
PRUNE_POSTINGS = 50_000
#: ...and one is pruned only if the words it may leave out hold this share of its postings.
PRUNE_SHARE = 0.5
#: ...nor when more than this many best matches are asked (a page deep down, or many copies of stories).
PRUNE_MOST = 5_000
#: The OR a search ranks and how many of its best matches it keeps, set by ``collect.collect`` around a search
#: whose only use of the OR's scores is its top N (no filter, no grouping of copies, no sort by date).
TOP: ContextVar[tuple[Any, int] | None] = ContextVar("newssearch_top", default=None)
_big_ors: list[Any] = [0, None]  # the ORs of ARRAY_POSTINGS or more this process has run, and the last one


def worth_arrays(subms: list[Any], searcher: Any, query: Any) -> bool:
    """Whether every matcher is a plain term scorable from Whoosh 3 postings and they hold ``ARRAY_POSTINGS`` or
    more."""
    reader, total = searcher.reader(), 0
    for m in subms:
        found, term = bm25_leaf(m, searcher), term_of(m)
        if found is None or term is None or type(found[0]) is not W3LeafMatcher:
            return False
        if length_bytes(reader, term[0]) is None:
            return False
        total += reader.doc_frequency(*term)
    if total < (WARM_ARRAY_POSTINGS if "numpy" in sys.modules else ARRAY_POSTINGS):
        return False
    if _big_ors[1] is not query:  # an OR is asked once for each segment: counted once
        _big_ors[:] = [_big_ors[0] + 1, query]
    return "numpy" in sys.modules or _big_ors[0] > 1 or total >= COLD_ARRAY_POSTINGS


def preload(
    subms: list[Any],
    searcher: Any,
    boost: float,
    scale: float | None,
    termcount: int,
    best: int | None = None,
) -> PreloadedMatcher:
    """``FastOr.matcher``'s result for matchers that ``worth_arrays`` accepted, computed as arrays. ``best``: only
    the top ``best`` matches' scores are asked (and the number of matches), so the others may be left out."""
    import numpy as np

    size = searcher.reader().doc_count_all()
    postings: list[tuple[MatchedTerm, Any]] = []
    scored = []
    for m in subms:
        docs, scores = _term_arrays(np, m, searcher)
        term = term_of(m)
        assert term is not None
        postings.append((term, docs))
        scored.append(scores)
    found = sum(len(docs) for _, docs in postings)
    if best is not None and PRUNE:
        pruned = _pruned(np, postings, scored, (boost, scale, termcount), best, size)
        if pruned is not None:
            return pruned
    if found * SPARSE_SHARE < size:  # few postings for the segment: summed without an array of its size
        ids, where = np.unique(np.concatenate([docs for _, docs in postings]), return_inverse=True)
        # bincount adds each document's scores in the order they come: word by word, as the loop adds them.
        total = np.bincount(where, weights=np.concatenate(scored), minlength=len(ids))
        matched = np.bincount(where, minlength=len(ids))
    else:
        dense, counts = np.zeros(size, dtype=np.float64), np.zeros(size, dtype=np.int64)
        for (_, docs), scores in zip(postings, scored, strict=True):
            dense[docs] += scores
            counts[docs] += 1
        ids = np.flatnonzero(counts)
        total, matched = dense[ids], counts[ids]
    return _matcher(np, ids, _final(total, matched, boost, scale, termcount), matched, postings)


def _final(total: Any, matched: Any, boost: float, scale: float | None, termcount: int) -> Any:
    """The OR's scores from its words' sums and the number of its words each document matched (arrays, or
    floats), times the boost, with Whoosh's coordination bonus (``CoordMatcher``, "SQR") as FastOr adds it."""
    final = total * boost
    if scale and termcount:
        if termcount == scale:
            final = final * 0.0 + 0.0  # +0.0 whatever the sign
        else:
            bonus = (matched - 1) / (termcount - scale) ** 2
            final = (final + bonus) * ((termcount - 1) / termcount)
    return final


def _matcher(np: Any, ids: Any, final: Any, matched: Any, postings: list[tuple[MatchedTerm, Any]]) -> Any:
    top = float(final.max()) if len(final) else 0.0
    terms = ArrayDocTerms(np, ids, matched, postings)
    matcher = PreloadedMatcher(Items(ids, int), Items(final, float), terms, top=top)  # type: ignore[arg-type]
    matcher.arrays = final
    return matcher


def _pruned(
    np: Any,
    postings: list[tuple[MatchedTerm, Any]],
    scored: list[Any],
    how: tuple[float, float | None, int],
    best: int,
    size: int,
) -> PreloadedMatcher | None:
    """The ``best`` top matches of the OR with their exact scores, found without summing every match (MaxScore,
    Turtle and Flood 1995, on arrays); None where that would not pay.

    A floor for the ``best``-th score comes from the documents of the word with the highest bound (its best
    score), each scored in full: every word's score found by binary search and added in query order, as the
    sums add them, so the floats are the same. The words whose bounds added up (with the most coordination bonus
    they could earn) stay below that floor cannot bring a document holding only them into the top: the
    candidates are the documents of the other words, scored in full. Worth it only when the words left out hold
    ``PRUNE_SHARE`` of the postings. The matcher holds the candidates only, ``total`` the number of matches and
    ``pruned`` every match (a mask as long as the segment) with ``best``."""
    boost = how[0]
    sizes = [len(docs) for _, docs in postings]
    found = sum(sizes)
    if len(postings) < 2 or best < 1 or boost <= 0 or found < PRUNE_POSTINGS:
        return None
    bounds = [float(scores.max()) if len(scores) else 0.0 for scores in scored]
    if min(bounds) < 0:  # a negative score would break the bounds
        return None
    enough = [i for i in range(len(postings)) if sizes[i] >= best]
    if not enough:
        return None
    first = max(enough, key=lambda i: (bounds[i], -sizes[i]))
    floor = _kth(np, _scored_at(np, postings[first][1], postings, scored, how), best)
    out: list[int] = []
    for i in sorted(range(len(postings)), key=lambda i: (bounds[i], -sizes[i])):
        if i == first or _bound(bounds, sorted([*out, i]), how) >= floor:
            break
        out.append(i)
    if sum(sizes[i] for i in out) < PRUNE_SHARE * found:
        return None
    kept = [postings[i][1] for i in range(len(postings)) if i not in out]
    ids = np.unique(np.concatenate(kept))
    final, matched = _scored_at(np, ids, postings, scored, how, counts=True)
    if not _bound(bounds, sorted(out), how) < _kth(np, final, best):  # at least the floor: never, but checked
        return None
    mask = np.zeros(size, dtype=bool)
    for _, docs in postings:
        mask[docs] = True
    matcher = _matcher(np, ids, final, matched, postings)
    matcher.total = int(np.count_nonzero(mask))
    matcher.pruned = (mask, best)
    return matcher


def _kth(np: Any, final: Any, best: int) -> float:
    return float(np.partition(final, len(final) - best)[len(final) - best])


def _bound(bounds: list[float], words: list[int], how: tuple[float, float | None, int]) -> float:
    """The most a document holding only these words (in query order) could score."""
    total = 0.0
    for i in words:  # added as the sums add them
        total += bounds[i]
    return float(_final(total, len(words), *how))


def _scored_at(
    np: Any,
    ids: Any,
    postings: list[tuple[MatchedTerm, Any]],
    scored: list[Any],
    how: tuple[float, float | None, int],
    counts: bool = False,
) -> Any:
    """The OR's scores of the documents ``ids`` (sorted), and with ``counts`` how many words each holds."""
    total, matched = _sums(np, ids, postings, scored)
    final = _final(total, matched, *how)
    return (final, matched) if counts else final


def _sums(np: Any, ids: Any, postings: list[tuple[MatchedTerm, Any]], scored: list[Any]) -> tuple[Any, Any]:
    """The sums of the words' scores of the documents ``ids`` (sorted), added word by word in query order, and
    how many words each holds."""
    total = np.zeros(len(ids), dtype=np.float64)
    matched = np.zeros(len(ids), dtype=np.int64)
    for (_, docs), scores in zip(postings, scored, strict=True):
        if not len(docs):
            continue
        at = np.minimum(np.searchsorted(docs, ids), len(docs) - 1)
        hit = docs[at] == ids
        total[hit] += scores[at[hit]]
        matched[hit] += 1
    return total, matched


class Items(Sequence[Any]):
    """A numpy array seen as a list of Python numbers (``kind``), made one item at a time: a preloaded matcher
    is mostly asked for its length and its top N, not for all its documents."""

    def __init__(self, array: Any, kind: Any) -> None:
        self.array, self.kind = array, kind

    def __len__(self) -> int:
        return len(self.array)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return self.array[i].tolist()
        return self.kind(self.array[i])

    def __iter__(self) -> Iterator[Any]:
        return iter(self.array.tolist())


class ArrayDocTerms(DocTerms):
    """``DocTerms`` over numpy arrays: each term's documents stay a sorted array, looked up by binary search."""

    def __init__(self, np: Any, ids: Any, counts: Any, postings: list[tuple[MatchedTerm, Any]]) -> None:
        self._array_ids, self._array_counts, self._arrays = ids, counts, postings
        self._sets = None
        self._counts = None
        self._lists: list[tuple[MatchedTerm, list[int]]] | None = None

    @property
    def _postings(self) -> list[tuple[MatchedTerm, list[int]]]:  # type: ignore[override]
        """As lists, for what ``DocTerms`` does with them (``PreloadedMatcher.without``)."""
        if self._lists is None:
            self._lists = [(term, docs.tolist()) for term, docs in self._arrays]
        return self._lists

    @property
    def counts(self) -> Counter[int]:
        if self._counts is None:
            self._counts = Counter(
                dict(zip(self._array_ids.tolist(), self._array_counts.tolist(), strict=True))
            )
        return self._counts

    def most(self) -> int:
        return int(self._array_counts.max()) if len(self._array_counts) else 0

    def matched(self) -> list[MatchedTerm]:
        return [term for term, docs in self._arrays if len(docs)]

    def __len__(self) -> int:
        return len(self._array_ids)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        docnum = self._array_ids[i]
        found = []
        for term, docs in self._arrays:
            at = int(docs.searchsorted(docnum))
            if at < len(docs) and docs[at] == docnum:
                found.append(term)
        return found


def _term_arrays(np: Any, m: Any, searcher: Any) -> tuple[Any, Any]:
    """A term's documents (deleted ones left out) and their scores, as ``add_bm25_term`` computes them."""
    found = bm25_leaf(m, searcher)
    assert found is not None
    leaf, boost, deleted, scorer = found
    idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    norms = _norms(np, searcher, leaf.term()[0], B, K1, avgfl)
    deadline = DEADLINE.get()
    id_parts, weight_parts = [], []
    whole = _whole_term(np, leaf, searcher)
    if whole is not None:  # from the segment's postings file, the term's matcher not yet moved
        id_parts, weight_parts = [whole[0].astype(np.int64)], [whole[1].astype(np.float64)]
    while whole is None and leaf.is_active():
        if time.monotonic() > deadline:
            raise TimeLimit
        start, count = leaf._i, leaf._blocklength
        if leaf._ids is None and leaf._weights is None:
            raw_ids, raw_weights = block_data(leaf)
            ids = block_ids(np, leaf, raw_ids)
            if raw_weights is None:
                weights = np.ones(count, dtype=np.float64)
            elif isinstance(raw_weights, float):  # kept by Whoosh in a float (32-bit) array
                weights = np.full(count, np.float32(raw_weights), dtype=np.float64)
            else:
                weights = np.asarray(raw_weights, dtype=np.float64)
        else:
            leaf.id(), leaf.weight()
            ids = np.asarray(leaf._ids, dtype=np.int64)
            weights = np.asarray(leaf._weights, dtype=np.float64)
        id_parts.append(ids[start:])
        weight_parts.append(weights[start:])
        leaf._i = count - 1
        leaf.next()
    docs = np.concatenate(id_parts) if id_parts else np.zeros(0, dtype=np.int64)
    tf = np.concatenate(weight_parts) if weight_parts else np.zeros(0, dtype=np.float64)
    if deleted:
        keep = ~np.isin(docs, np.fromiter(deleted, dtype=np.int64))
        docs, tf = docs[keep], tf[keep]
    k1 = K1 + 1
    return docs, (idf * ((tf * k1) / (tf + norms[docs]))) * boost


def _whole_term(np: Any, leaf: Any, searcher: Any) -> tuple[Any, Any] | None:
    """A term's story numbers and weights from its segment's postings file (``sidecar.py``), when the file
    holds it and the matcher is still on its first posting; else None."""
    term = leaf.term()
    if not searcher.is_atomic() or term is None or not leaf.is_active():
        return None
    side = sidecar.of(searcher.reader(), np)
    found = side.postings(*term) if side is not None else None
    if found is None or not len(found[0]) or not _at_first_posting(leaf):
        return None
    return found


def _at_first_posting(leaf: W3LeafMatcher) -> bool:
    """Whether a Whoosh 3 matcher is on its first posting, told from where it is without decoding its block: the
    first block's length is read from its header."""
    if leaf._i != 0 or not leaf.is_active():
        return False
    length = abs(leaf._postfile.get_int(leaf._baseoffset))
    return bool(leaf._nextoffset == leaf._baseoffset + 4 + length)


def block_ids(np: Any, leaf: W3LeafMatcher, raw: Any) -> Any:
    """A Whoosh 3 block's raw ids (``postings.block_data``) as document numbers: delta-coded unless bytes."""
    ids = np.asarray(raw, dtype=np.int64)
    return ids if leaf._byteids else np.cumsum(ids)


def _norms(np: Any, searcher: Any, fieldname: str, B: float, K1: float, avgfl: float) -> Any:
    """``postings._field_norms`` as an array, kept with the searcher."""
    cache = searcher.__dict__.setdefault("_newssearch_norm_arrays", {})
    key = (fieldname, B, K1, avgfl)
    if key not in cache:
        table = np.array(norm_table(B, K1, avgfl), dtype=np.float64)
        lengths = length_bytes(searcher.reader(), fieldname)
        cache[key] = table[np.frombuffer(lengths, dtype=np.uint8)]
    return cache[key]


def top_indexes(np: Any, scores: Any, limit: int) -> list[int]:
    """The positions of the ``limit`` best scores, best first, a tie going to the lower position (as
    ``heapq.nlargest`` gives them)."""
    n = len(scores)
    if limit <= 0:
        return []
    if limit >= n:
        chosen = np.arange(n)
    else:
        threshold = np.partition(scores, n - limit)[n - limit]
        above = np.flatnonzero(scores > threshold)
        chosen = np.concatenate([above, np.flatnonzero(scores == threshold)[: limit - len(above)]])
    order = np.lexsort((chosen, -scores[chosen]))
    return chosen[order].tolist()
