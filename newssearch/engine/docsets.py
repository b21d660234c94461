"""The set of documents a query matches, counted rather than scored: posting ids decoded a block at a time into
arrays and combined as sorted sets (numpy), for ``count`` and match lists.

Terms, ORs (of any kind: plain, ``FastOr``, expanded wildcards), ANDs, AND NOTs, requirements and ``Excluding``
are combined here; any other query (a phrase, a range not yet expanded) is run by Whoosh's matchers, unscored,
and its documents joined in as an array. Deleted documents are left out. Reading stops at the search's deadline.
numpy is imported on the first count, not by a plain search.
"""

from __future__ import annotations

import time
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher

from newssearch.engine import sidecar
from newssearch.engine.collect import matching
from newssearch.engine.matchers import Excluding, Expanded
from newssearch.engine.postings import block_data
from newssearch.engine.vectors import block_ids
from newssearch.errors import QueryTimeoutError


def docset(searcher: Any, q: wq.Query, deadline: float) -> Any:
    """The live documents ``q`` matches, as a sorted numpy array of document numbers (int64)."""
    import numpy as np

    return _Sets(searcher, np, deadline).of(q)


class _Sets:
    def __init__(self, searcher: Any, np: Any, deadline: float) -> None:
        self.searcher, self.np, self.deadline = searcher, np, deadline
        self.leaves = list(searcher.reader().leaf_readers())
        self.empty = np.zeros(0, dtype=np.int64)
        self.size = (
            searcher.reader().doc_count_all()
        )  # document numbers run below this, deleted ones included

    def of(self, q: wq.Query) -> Any:
        np = self.np
        if time.monotonic() > self.deadline:
            raise QueryTimeoutError("the search took too long and was stopped: use more specific words")
        if isinstance(q, wq.Term):
            return self.term(q.fieldname, q.text)
        if isinstance(q, Expanded):
            return self.union([self.term(q.fieldname, btext) for btext in q.btexts])
        if q is wq.NullQuery:
            return self.empty
        if isinstance(q, Excluding):
            return self.without(self.of(q.child), self.union([self.term("id", i) for i in q.ids]))
        if isinstance(q, wq.AndNot):
            return self.without(self.of(q.a), self.of(q.b))
        if isinstance(q, (wq.Require, wq.And)) and not isinstance(q, wq.AndMaybe):
            parts = sorted((self.of(sub) for sub in q.subqueries), key=len)
            found = parts[0] if parts else self.empty
            for part in parts[1:]:
                found = found[self.mask(part)[found]] if len(found) else found
            return found
        if isinstance(q, wq.AndMaybe):
            return self.of(q.a)
        if type(q) in (wq.Or, wq.DisjunctionMax) or (isinstance(q, wq.Or) and q.minmatch in (0, 1, None)):
            return self.union([self.of(sub) for sub in q.subqueries])
        # Anything else (a phrase, say): Whoosh's matchers, unscored.
        return np.fromiter(matching(self.searcher, q, self.deadline), dtype=np.int64)

    def mask(self, *parts: Any) -> Any:
        """A flag for each document number of the index, set for the documents of ``parts``."""
        flags = self.np.zeros(self.size, dtype=bool)
        for part in parts:
            flags[part] = True
        return flags

    def union(self, parts: list[Any]) -> Any:
        parts = [part for part in parts if len(part)]
        if len(parts) < 2:
            return parts[0] if parts else self.empty
        return self.np.flatnonzero(self.mask(*parts))

    def without(self, found: Any, other: Any) -> Any:
        return found[~self.mask(other)[found]] if len(found) and len(other) else found

    def term(self, fieldname: str, text: Any) -> Any:
        """The live documents holding a term, over every segment."""
        np, parts = self.np, []
        for reader, offset in self.leaves:
            try:
                btext = reader._text_to_bytes(fieldname, text)
            except Exception:  # a text the field cannot hold: no document holds it
                continue
            if (fieldname, btext) not in reader:
                continue
            ids = self._ids(reader, fieldname, btext)
            if reader.has_deletions():
                deleted = np.fromiter(reader.deleted_docs_set, dtype=np.int64)
                ids = ids[~np.isin(ids, deleted, assume_unique=True)]
            parts.append(ids + offset if offset else ids)
        if not parts:
            return self.empty
        return parts[0] if len(parts) == 1 else np.concatenate(parts)  # segments are in document order

    def _ids(self, reader: Any, fieldname: str, btext: bytes) -> Any:
        """A segment's postings of a term, deleted documents included: from the segment's postings file
        (``sidecar.py``) if it holds the term, else a block at a time from Whoosh 3's blocks (their ids are
        delta-coded), or one at a time from any other matcher."""
        np = self.np
        side = sidecar.of(reader, np)
        found = side.postings(fieldname, btext) if side is not None else None
        if found is not None:
            return found[0].astype(np.int64)
        m = reader._terms.matcher(fieldname, btext, reader.schema[fieldname].format)
        if type(m) is not W3LeafMatcher:
            return np.fromiter(m.all_ids(), dtype=np.int64)
        blocks = []
        while m.is_active():
            blocks.append(block_ids(np, m, block_data(m)[0]))
            m._next_block()
            if time.monotonic() > self.deadline:
                raise QueryTimeoutError("the search took too long and was stopped: use more specific words")
        return blocks[0] if len(blocks) == 1 else np.concatenate(blocks)
