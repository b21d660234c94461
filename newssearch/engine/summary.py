"""What ``stats`` reads of the index itself: stories, segments, dates, sources and copies, from the columns and
word lists (the stored articles only for a listed source's name as written)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from newssearch.dates import from_utc_naive
from newssearch.engine.collapse import later_copies
from newssearch.engine.columns import MISSING_DATE, Column
from newssearch.engine.schema import length_bytes
from newssearch.engine.store import Store
from newssearch.models import IndexStats

#: Sources listed at most (``source_count`` says how many there are).
MAX_SOURCES = 100


def _datetime(value: int) -> datetime:
    """A date column's value (microseconds since ``datetime.min``, naive UTC) as an aware datetime."""
    return from_utc_naive(datetime.min + timedelta(microseconds=value))


def _live(reader: Any) -> list[int]:
    """The segment's documents that are not deleted."""
    count = reader.doc_count_all()
    if not reader.has_deletions():
        return list(range(count))
    deleted = reader.deleted_docs_set
    return [d for d in range(count) if d not in deleted]


def _dates(leaves: list[Any], out: IndexStats) -> None:
    low, high = None, None
    for reader in leaves:
        live = _live(reader)
        if not reader.has_column("date"):  # a segment whose articles are all undated has no date column
            out.undated += len(live)
            continue
        column = reader.column_reader("date", translate=False)
        values = list(column)
        for docnum in live:
            value = values[docnum]
            if value >= MISSING_DATE:
                out.undated += 1
            else:
                low = value if low is None or value < low else low
                high = value if high is None or value > high else high
    out.earliest = _datetime(low) if low is not None else None
    out.latest = _datetime(high) if high is not None else None


def _sources(leaves: list[Any], out: IndexStats) -> None:
    counts: Counter[bytes] = Counter()
    for reader in leaves:
        lengths = length_bytes(reader, "source")
        live = _live(reader)
        out.unsourced += len(live) if lengths is None else sum(1 for d in live if not lengths[d])
        for term, info in reader.iter_field("source"):
            if reader.has_deletions():
                counts[term] += sum(1 for _ in reader.postings("source", term).all_ids())  # deleted left out
            else:
                counts[term] += info.doc_frequency()
    out.source_count = sum(1 for n in counts.values() if n)
    top = sorted(((n, term) for term, n in counts.items() if n), key=lambda item: (-item[0], item[1]))
    for n, term in top[:MAX_SOURCES]:
        out.sources.append((_source_name(leaves, term), n))


def _source_name(leaves: list[Any], term: bytes) -> str:
    """A source as its first live story writes it (the field holds it lower-cased)."""
    word = term.decode("utf-8")
    for reader in leaves:
        if ("source", term) in reader:
            postings = reader.postings("source", term)
            if postings.is_active():
                stored = reader.stored_fields(postings.id()).get("source") or ""
                return stored if stored.strip().lower() == word else word
    return word


def summarise(store: Store, out: IndexStats) -> None:
    """Fills in the stories, segments, dates, sources and copies of the commit the thread reads (under the store's
    guard)."""
    searcher = store.searcher()
    out.articles = searcher.doc_count()
    leaves = [reader for reader, _ in searcher.reader().leaf_readers()]
    out.segments = len(leaves)
    _dates(leaves, out)
    _sources(leaves, out)
    _reprints(searcher, out)


def _reprints(searcher: Any, out: IndexStats) -> None:
    """The later copies (``collapse.later_copies``) and the groups they belong to, from the group column."""
    later = later_copies(searcher)
    if later:
        groups = Column(searcher, "group", None, translate=True)
        out.reprints, out.reprint_groups = len(later.docs), len({groups[docnum] for docnum in later.docs})
