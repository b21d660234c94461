"""``cooccur``: the pairs of entities named together most often in the stories a query matches, with the
normalised pointwise mutual information of each pair (NPMI, from -1 to 1; 0: together as often as chance
would have them, 1: never apart), over the matching stories.

Pairs are counted among the ``TOP_ENTITIES`` entities most named in the matches (all of them with ``with_name``,
which counts one entity's partners): the work is bounded by those, not by the number of matches.
"""

from __future__ import annotations

import math

from newssearch.analyze.results import Cooccurrence, Pair, Value
from newssearch.engine import Selection, entity_lists, resolve_name, shown_names
from newssearch.errors import QueryError

TOP_ENTITIES = 300


def npmi(n: int, ab: int, a: int, b: int) -> float:
    """Normalised PMI of a pair in ``ab`` of ``n`` stories, its members in ``a`` and ``b``."""
    if not ab or not n:
        return -1.0
    if ab == n:
        return 1.0
    return math.log(n * ab / (a * b)) / -math.log(ab / n)


def cooccur(sel: Selection, kinds: list[str], with_name: str | None, limit: int) -> Cooccurrence:
    """The ``limit`` pairs of entities of ``kinds`` most often named together in the selection's stories."""
    np = sel.np
    n = len(sel.docs)
    out = Cooccurrence(query=sel.options.text if sel.options else "", total=n, notes=list(sel.notes))
    out.index, out.filters = sel.index, sel.filters
    names: list[tuple[str, str]] = []  # (kind, name) of each entity number
    docs_parts, vals_parts = [], []
    for kind in kinds:
        kind_names, docs, vals = entity_lists(sel, kind)
        docs_parts.append(docs.astype(np.int64))
        vals_parts.append(vals.astype(np.int64) + len(names))
        names.extend((kind, name) for name in kind_names)
    docs = np.concatenate(docs_parts) if docs_parts else np.zeros(0, dtype=np.int64)
    vals = np.concatenate(vals_parts) if vals_parts else np.zeros(0, dtype=np.int64)
    counts = np.bincount(vals, minlength=len(names))
    if with_name is not None:
        target = _find(sel, kinds, with_name, names)
        if target is None:
            out.notes.append(f"no matching story names {with_name}")
            return out
        partners = np.bincount(vals[np.isin(docs, docs[vals == target])], minlength=len(names))
        partners[target] = 0
        order = np.lexsort((-counts, -partners))
        pairs = [(target, int(b), int(partners[b])) for b in order.tolist() if partners[b]]
    else:
        top = np.flatnonzero(counts)
        top = top[np.argsort(-counts[top], kind="stable")][:TOP_ENTITIES]
        slot = np.full(len(names), -1, dtype=np.int64)  # an entity's place among the top ones
        slot[top] = np.arange(len(top))
        keep = slot[vals] >= 0
        docs, vals = docs[keep], slot[vals[keep]]
        order = np.lexsort((vals, docs))
        docs, vals = docs[order], vals[order]
        size = len(top)
        together = np.zeros(
            size * size, dtype=np.int64
        )  # memory bounded by the top entities, not the stories
        for step in range(1, size):  # each story's entities paired: entry i with entry i + step
            sel.check_time()
            same = docs[step:] == docs[:-step]
            if not same.any():
                break
            a, b = vals[:-step][same], vals[step:][same]
            together += np.bincount(np.minimum(a, b) * size + np.maximum(a, b), minlength=size * size)
        found = np.flatnonzero(together)
        ends = [(int(top[k // size]), int(top[k % size]), int(together[k])) for k in found.tolist()]
        pairs = [(min(a, b), max(a, b), c) for a, b, c in ends]
    scored = [(a, b, c, npmi(n, c, int(counts[a]), int(counts[b]))) for a, b, c in pairs]
    scored.sort(key=lambda t: (-t[2], -t[3], names[t[0]][1], names[t[1]][1]))
    scored = scored[:limit]
    shown: dict[tuple[str, str], str] = {}
    for kind in kinds:
        wanted = sorted({names[i][1] for a, b, _, _ in scored for i in (a, b) if names[i][0] == kind})
        shown.update({(kind, k): v for k, v in shown_names(sel, kind, wanted).items()})
    for a, b, c, score in scored:
        (ka, na), (kb, nb) = names[a], names[b]
        out.pairs.append(Pair(shown[(ka, na)], ka, shown[(kb, nb)], kb, c, score))
    for i in dict.fromkeys(i for a, b, _, _ in scored for i in (a, b)):
        kind, name = names[i]
        out.nodes.append(Value(shown[(kind, name)], int(counts[i]), int(counts[i]) / n if n else 0.0, kind))
    return out


def _find(sel: Selection, kinds: list[str], typed: str, names: list[tuple[str, str]]) -> int | None:
    """The entity number of a typed name, in the first kind that has it."""
    where = {pair: n for n, pair in enumerate(names)}
    for kind in kinds:
        name = resolve_name(sel, kind, typed)
        if (kind, name) in where:
            return where[(kind, name)]
    return None


def check_kinds(kinds: list[str] | None) -> list[str]:
    from newssearch.analyze.results import ENTITY_KINDS

    kinds = list(dict.fromkeys(kinds or ENTITY_KINDS))
    bad = [k for k in kinds if k not in ENTITY_KINDS]
    if bad:
        raise QueryError(f"unknown kind {bad[0]!r}: use people, orgs or places")
    return kinds
