"""What is read of the whole index without its stored articles: columns segment by segment, the newest date,
the fingerprint of its committed state."""

from __future__ import annotations

import hashlib
import weakref
from bisect import bisect_right
from collections.abc import Callable
from typing import Any

from newssearch.engine.schema import SCHEMA_VERSION

#: At or above: Whoosh's sortable date column holds no date (it holds 2**64 - 1 for an undated article).
MISSING_DATE = 2**63
NO_DATE = 2**64 - 1


class Column:
    """A column of the whole index, read segment by segment. Whoosh's own multi-segment column reader
    leaves out segments that lack the column (one whose articles are all undated has no date column) and so
    reads the others' documents at the wrong places; here such a segment gives ``default``."""

    def __init__(self, searcher: Any, fieldname: str, default: Any, translate: bool = False):
        self.default = default
        self.parts: list[tuple[int, Any]] = []
        for leaf, offset in searcher.reader().leaf_readers():
            has = leaf.has_column(fieldname)
            self.parts.append((offset, leaf.column_reader(fieldname, translate=translate) if has else None))
        self.offsets = [offset for offset, _ in self.parts]

    def __getitem__(self, docnum: int) -> Any:
        offset, column = self.parts[bisect_right(self.offsets, docnum) - 1]
        return self.default if column is None else column[docnum - offset]


def ager(searcher: Any) -> Callable[[int], float | None]:
    """A document's age in seconds before the newest story in the index (None: undated)."""
    dates = Column(searcher, "date", NO_DATE)
    newest = newest_date(searcher)

    def age(docnum: int) -> float | None:
        value: int = dates[docnum]
        return None if value >= MISSING_DATE or newest is None else (newest - value) / 1e6

    return age


_NEWEST: weakref.WeakKeyDictionary[Any, int | None] = weakref.WeakKeyDictionary()


def newest_date(searcher: Any) -> int | None:
    """The newest date of the index's live stories (Whoosh's long), read once per searcher."""
    if searcher not in _NEWEST:
        newest = None
        for leaf, _ in searcher.reader().leaf_readers():
            if leaf.has_column("date"):
                values = leaf.column_reader("date", translate=False)
                if leaf.has_deletions():  # a deleted story's date stays in the column until a merge
                    values = [v for docnum, v in enumerate(values) if not leaf.is_deleted(docnum)]
                dated = [v for v in values if v < MISSING_DATE]
                if dated:
                    newest = max(dated) if newest is None else max(newest, max(dated))
        _NEWEST[searcher] = newest
    return _NEWEST[searcher]


def fingerprint(searcher: Any) -> str:
    """A short hash of the committed state a searcher reads: its generation, segments and live articles, and
    the schema version. The same while nothing is written; another after every commit."""
    reader = searcher.reader()
    parts = [f"v{SCHEMA_VERSION}", f"g{reader.generation()}"]
    for leaf, offset in reader.leaf_readers():
        segment = leaf.segment()  # None for an index with no segment
        name = segment.segment_id() if segment is not None else "-"
        parts.append(f"{name}:{offset}:{leaf.doc_count_all()}:{leaf.doc_count()}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]
