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
from typing import Any

from whoosh import matching
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.collectors import TimeLimit

from newssearch.engine import pruning, sidecar
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
from newssearch.engine.schema import StableBM25F, has_lengths

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
_big_ors: list[Any] = [0, None]  # the ORs of ARRAY_POSTINGS or more this process has run, and the last one


def worth_arrays(subms: list[Any], searcher: Any, query: Any) -> bool:
    """Whether every matcher is a plain term scorable from Whoosh 3 postings and they hold ``ARRAY_POSTINGS`` or
    more."""
    reader, total = searcher.reader(), 0
    for m in subms:
        found, term = bm25_leaf(m, searcher), term_of(m)
        if found is None or term is None or type(found[0]) is not W3LeafMatcher:
            return False
        if not has_lengths(reader, term[0]):
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

    postings: list[tuple[MatchedTerm, Any]] = []
    scored = []
    for m in subms:
        docs, scores = _term_arrays(np, m, searcher)
        term = term_of(m)
        assert term is not None
        postings.append((term, docs))
        scored.append(scores)
    size = searcher.reader().doc_count_all()
    return _summed(np, postings, scored, (boost, scale, termcount), best, size)


def direct(query: Any, searcher: Any, context: Any, best: int | None) -> Any:
    """``FastOr.matcher``'s result for an OR of plain words read straight from the segment's postings file
    (``sidecar.py``), with no Whoosh matcher made for each word (their making cost more than the scoring: each
    word is a term of every default field); the same documents and scores as ``preload``. None where it does not
    apply (numpy not loaded, a subquery that is not a plain word, a word the file lacks, fewer postings than
    ``WARM_ARRAY_POSTINGS``): the OR is then run as before."""
    weighting = searcher.weighting if context is None else context.weighting
    if "numpy" not in sys.modules or type(weighting) is not StableBM25F or not searcher.is_atomic():
        return None
    import numpy as np

    reader = searcher.reader()
    side = sidecar.of(reader, np)
    if side is None:
        return None
    schema, deleted = searcher.schema, _deleted(np, reader)
    postings: list[tuple[MatchedTerm, Any]] = []
    scored = []
    deadline = DEADLINE.get()
    for sub in query.subqueries:
        if type(sub) is not wq.Term:
            return None
        if time.monotonic() > deadline:
            raise TimeLimit
        fieldname = sub.fieldname
        if fieldname not in schema:
            continue
        field = schema[fieldname]
        try:
            text = field.to_bytes(sub.text)
        except ValueError:
            continue
        if (
            fieldname,
            text,
        ) not in reader:  # asked first: a key of the file may collide with an absent word's
            continue
        found = side.postings(fieldname, text)
        if found is None or not field.scorable or not has_lengths(reader, fieldname):
            return None  # not in the file: a field left out, or two words whose keys collide
        parameters = weighting.parameters(searcher, fieldname, text)
        docs, tf = found[0].astype(np.int64), found[1].astype(np.float64)
        if deleted is not None:
            keep = ~np.isin(docs, deleted)
            docs, tf = docs[keep], tf[keep]
        if len(docs):  # a word whose stories are all deleted is left out, as Whoosh's matcher is
            postings.append(((fieldname, text), docs))
            scored.append(_bm25(np, searcher, fieldname, docs, tf, parameters, sub.boost))
    if not postings:
        return matching.NullMatcher()
    if sum(len(docs) for _, docs in postings) < WARM_ARRAY_POSTINGS:
        return None
    how = (query.boost, query.scale, len(postings))
    return _summed(np, postings, scored, how, best, reader.doc_count_all())


def _summed(
    np: Any,
    postings: list[tuple[MatchedTerm, Any]],
    scored: list[Any],
    how: tuple[float, float | None, int],
    best: int | None,
    size: int,
) -> PreloadedMatcher:
    """The preloaded matcher of the words' documents and scores: pruned to its ``best`` (see ``pruning.py``), or
    each document's scores added up in query order."""
    boost, scale, termcount = how
    found = sum(len(docs) for _, docs in postings)
    if best is not None and pruning.PRUNE:
        pruned = pruning.pruned(np, postings, scored, (boost, scale, termcount), best, size)
        if pruned is not None:
            ids, final, matched, mask = pruned
            matcher = array_matcher(np, ids, final, matched, postings)
            matcher.total, matcher.pruned = int(np.count_nonzero(mask)), (mask, best)
            return matcher
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
    return array_matcher(
        np, ids, pruning.final_scores(total, matched, boost, scale, termcount), matched, postings
    )


def array_matcher(
    np: Any, ids: Any, final: Any, matched: Any, postings: list[tuple[MatchedTerm, Any]]
) -> PreloadedMatcher:
    """The preloaded matcher of the documents ``ids`` (sorted), their scores and how many words each matched."""
    top = float(final.max()) if len(final) else 0.0
    terms = ArrayDocTerms(np, ids, matched, postings)
    matcher = PreloadedMatcher(Items(ids, int), Items(final, float), terms, top=top)  # type: ignore[arg-type]
    matcher.arrays = final
    return matcher


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
    parameters = (scorer.idf, scorer.avgfl, scorer.B, scorer.K1)
    return docs, _bm25(np, searcher, leaf.term()[0], docs, tf, parameters, boost)


def _bm25(
    np: Any, searcher: Any, fieldname: str, docs: Any, tf: Any, parameters: tuple[float, ...], boost: float
) -> Any:
    """A word's scores in its documents: Whoosh's BM25F (``whoosh.scoring.bm25``) times the boost, operation for
    operation as ``postings.add_bm25_term`` computes them, from the word's (idf, average length, B, K1)."""
    idf, avgfl, B, K1 = parameters
    norms = _norms(np, searcher, fieldname, B, K1, avgfl)
    k1 = K1 + 1
    return (idf * ((tf * k1) / (tf + norms[docs]))) * boost


def _deleted(np: Any, reader: Any) -> Any:
    """A segment's deleted documents as a sorted array (None without), kept with the reader."""
    if not reader.has_deletions():
        return None
    if "_newssearch_deleted_array" not in reader.__dict__:
        reader.__dict__["_newssearch_deleted_array"] = np.array(
            sorted(reader.deleted_docs_set), dtype=np.int64
        )
    return reader.__dict__["_newssearch_deleted_array"]


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
