"""Queries newssearch builds itself rather than parses: weighted terms, some stories left out (similar stories)."""

from __future__ import annotations

from whoosh import query as wq

from newssearch.engine.bounds import bound
from newssearch.engine.matchers import Excluding
from newssearch.engine.query import Prepared
from newssearch.engine.snapshot import Snapshot


def any_of(
    index: Snapshot, terms: list[tuple[str, str, float]], exclude: set[str], notes: list[str]
) -> Prepared:
    """Stories holding any of the ``(field, term, boost)`` terms, ranked by them (BM25, as any query), bounded as
    a typed query is (notes added to ``notes``), the stories with an id in ``exclude`` left out."""
    q = bound(
        wq.Or([wq.Term(fieldname, term, boost=boost) for fieldname, term, boost in terms]),
        index.reader,
        notes,
    )
    return Prepared(Excluding(q, exclude) if exclude else q, notes)
