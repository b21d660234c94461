"""Top-N pruning of an OR scored as arrays (``vectors.preload``): MaxScore (Turtle and Flood 1995) on arrays.

A search that shows the best N matches of an OR of words and counts the rest needs every match's number but only
the best matches' scores. Each word's bound (its best score in the segment) tells which words cannot, together,
lift a document into the top N: the documents holding only those words are counted (a mask) but not summed,
which is most of an OR's work when it holds a common word. The top N, their scores (the same floats, added in the
same order) and ties are those of summing every match: ``tests/test_pruning.py`` compares them.

It is off (``PRUNE``): numpy sums a segment's postings densely at a few nanoseconds each, the count needs every
match marked anyway, and scoring the candidates by binary search cost more than it saved (README, "How the speed
is got").
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from newssearch.engine.postings import MatchedTerm

#: Whether an OR ranked for a page is pruned. Off: on the million-story index summing every match as arrays was
#: faster, on the latency queries and on queries of common words alike (``python -m benchmarks.pruning``).
PRUNE = False
#: An OR of fewer postings (for a segment) is summed whole: about a millisecond.
PRUNE_POSTINGS = 50_000
#: ...and one is pruned only if the words it may leave out hold this share of its postings.
PRUNE_SHARE = 0.5
#: ...nor when more than this many best matches are asked (a page deep down).
PRUNE_MOST = 5_000
#: Matches kept beyond the page when the index holds copies of stories: grouping them needs one more for each
#: match folded into another's group, and ranks again, deeper, when more are folded (``grouped.Grouping.first``).
COPIES_MARGIN = 50
#: The OR a search ranks and how many of its best matches it keeps, set by ``collect.collect`` around a search
#: whose only use of the OR's scores is its top N (and the number of matches, and which they are).
TOP: ContextVar[tuple[Any, int] | None] = ContextVar("newssearch_top", default=None)


def pruned(
    np: Any,
    postings: list[tuple[MatchedTerm, Any]],
    scored: list[Any],
    how: tuple[float, float | None, int],
    best: int,
    size: int,
) -> tuple[Any, Any, Any, Any] | None:
    """The ``best`` top matches of the OR with their exact scores, found without summing every match (MaxScore,
    Turtle and Flood 1995, on arrays); None where that would not pay.

    A floor for the ``best``-th score comes from the documents of the word with the highest bound (its best
    score), each scored in full: every word's score found by binary search and added in query order, as the
    sums add them, so the floats are the same. The words whose bounds added up (with the most coordination bonus
    they could earn) stay below that floor cannot bring a document holding only them into the top: the
    candidates are the documents of the other words, scored in full. Worth it only when the words left out hold
    ``PRUNE_SHARE`` of the postings. Returns the candidates (sorted), their scores, how many words each holds, and
    every match (a mask as long as the segment)."""
    boost = how[0]
    sizes = [len(docs) for _, docs in postings]
    found = sum(sizes)
    if len(postings) < 2 or best < 1 or boost <= 0 or found < PRUNE_POSTINGS:
        return None
    bounds = [float(scores.max()) if len(scores) else 0.0 for scores in scored]
    if not min(bounds) >= 0:  # a negative score (or NaN) would break the bounds
        return None
    enough = [i for i in range(len(postings)) if sizes[i] >= best]
    if not enough:
        return None
    first = max(enough, key=lambda i: (bounds[i], -sizes[i]))
    if found - sizes[first] < PRUNE_SHARE * found:  # too little could be left out
        return None
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
    return ids, final, matched, mask


def _kth(np: Any, final: Any, best: int) -> float:
    return float(np.partition(final, len(final) - best)[len(final) - best])


def _bound(bounds: list[float], words: list[int], how: tuple[float, float | None, int]) -> float:
    """The most a document holding only these words (in query order) could score."""
    total = 0.0
    for i in words:  # added as the sums add them
        total += bounds[i]
    return float(final_scores(total, len(words), *how))


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
    final = final_scores(total, matched, *how)
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


def final_scores(total: Any, matched: Any, boost: float, scale: float | None, termcount: int) -> Any:
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
