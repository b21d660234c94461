"""An OR of plain words with many postings scored as arrays (numpy), to the same floating-point results as the
per-posting loop of ``postings.add_bm25_term``.

Each word's posting blocks are decoded into arrays of documents and weights (``postings.block_data``: the
positions are not built), scored with Whoosh's BM25F arithmetic, operation for operation, and added up word by
word in the order of the query, as the loop adds them; the coordination bonus of ``FastOr`` likewise. The top N
of the preloaded matcher are then picked from the array of scores (``top_indexes``), ties to the lower document
as Whoosh's heap keeps them. numpy is loaded only where it pays (see ``ARRAY_POSTINGS``).
"""

from __future__ import annotations

import sys
import time
from typing import Any

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.collectors import TimeLimit

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
    if total < ARRAY_POSTINGS:
        return False
    if _big_ors[1] is not query:  # an OR is asked once for each segment: counted once
        _big_ors[:] = [_big_ors[0] + 1, query]
    return "numpy" in sys.modules or _big_ors[0] > 1 or total >= COLD_ARRAY_POSTINGS


def preload(
    subms: list[Any], searcher: Any, boost: float, scale: float | None, termcount: int
) -> PreloadedMatcher:
    """``FastOr.matcher``'s result for matchers that ``worth_arrays`` accepted, computed as arrays."""
    import numpy as np

    size = searcher.reader().doc_count_all()
    total = np.zeros(size, dtype=np.float64)
    counts = np.zeros(size, dtype=np.int64)
    postings: list[tuple[MatchedTerm, Any]] = []
    for m in subms:
        docs, scores = _term_arrays(np, m, searcher)
        total[docs] += scores
        counts[docs] += 1
        term = term_of(m)
        assert term is not None
        postings.append((term, docs))
    ids = np.flatnonzero(counts)
    final = total[ids] * boost
    if scale and termcount:  # Whoosh's CoordMatcher ("SQR"), as FastOr computes it
        if termcount == scale:
            final[:] = 0.0
        else:
            bonus = (counts[ids] - 1) / (termcount - scale) ** 2
            final = (final + bonus) * ((termcount - 1) / termcount)
    id_list = ids.tolist()
    matcher = PreloadedMatcher(
        id_list, final.tolist(), DocTerms(id_list, [(t, d.tolist()) for t, d in postings])
    )
    matcher.arrays = final
    return matcher


def _term_arrays(np: Any, m: Any, searcher: Any) -> tuple[Any, Any]:
    """A term's documents (deleted ones left out) and their scores, as ``add_bm25_term`` computes them."""
    found = bm25_leaf(m, searcher)
    assert found is not None
    leaf, boost, deleted, scorer = found
    idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    norms = _norms(np, searcher, leaf.term()[0], B, K1, avgfl)
    deadline = DEADLINE.get()
    id_parts, weight_parts = [], []
    while leaf.is_active():
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
