"""``top``: the most common values of a kind over every story a query matches, with counts and shares."""

from __future__ import annotations

from newssearch.analyze import significance
from newssearch.analyze.results import KINDS, Facet, Value
from newssearch.engine import Selection, shown_names, value_counts
from newssearch.errors import QueryError

#: Values a facet may list.
MAX_VALUES = 1000


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise QueryError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
    return kind


def facet(sel: Selection, kind: str, limit: int) -> Facet:
    """The ``limit`` most common values of ``kind`` among the selection's stories (ties by name)."""
    total = len(sel.docs)
    out = Facet(query=sel.options.text if sel.options else "", kind=kind, total=total, notes=list(sel.notes))
    out.index, out.filters = sel.index, sel.filters
    if kind == "words":
        mask = sel.mask()
        terms = significance.words(sel, mask, ~mask, limit, by_count=True)
        out.values = [Value(t.name, t.count, t.count / total if total else 0.0, kind) for t in terms]
        out.distinct = len(out.values)
        if total > significance.SAMPLE:
            out.notes.append(
                f"the words are chosen from {significance.SAMPLE} of the {total:,} stories, and counted in all"
            )
        return out
    names, counts = value_counts(sel, kind)
    np = sel.np
    held = np.flatnonzero(counts)
    out.distinct = len(held)
    order = (
        held[np.lexsort((np.array(names, dtype=object)[held], -counts[held]))][:limit] if len(held) else held
    )
    top = [names[i] for i in order.tolist()]
    shown = shown_names(sel, kind, top)
    out.values = [
        Value(shown[names[i]], int(counts[i]), int(counts[i]) / total, kind) for i in order.tolist()
    ]
    return out
