"""An index's overview: stories, dates, sources, files, size and age, read from its columns and word lists.

Nothing here reads the stored articles but one per source listed (for the source's name as written): dates come
from the date column, sources from the source field's words and lengths, files from the ``filesig`` words, so it
takes milliseconds on tens of thousands of stories.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from newssearch.collapse import later_copies
from newssearch.columns import MISSING_DATE, Column
from newssearch.dates import from_utc_naive
from newssearch.diskfiles import INDEX_NAME, META_FILE
from newssearch.models import IndexStats
from newssearch.reports import FormatCount
from newssearch.schema import length_bytes
from newssearch.store import Store

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


def _files(store: Store, out: IndexStats) -> None:
    for key, record in store.indexed_files().items():
        ending = Path(key).suffix.lower()
        counts = out.formats.setdefault(ending, FormatCount())
        counts.files += 1
        counts.articles += record.count
        out.files += 1
    out.unfiled = max(0, out.articles - sum(c.articles for c in out.formats.values()))


def _disk(store: Store, out: IndexStats) -> None:
    with os.scandir(store.path) as entries:
        for entry in entries:
            if entry.is_file(follow_symlinks=False):
                out.size_bytes += entry.stat(follow_symlinks=False).st_size
    toc = store.path / f"_{INDEX_NAME}_{store.generation()}.toc"
    try:
        out.last_commit = datetime.fromtimestamp(toc.stat().st_mtime, timezone.utc)
    except OSError:
        out.last_commit = None
    try:
        meta = json.loads((store.path / META_FILE).read_text())
        out.schema_version = int(meta.get("schema_version", 0))
    except (OSError, ValueError, TypeError, AttributeError):
        out.schema_version = 0


def stats(store: Store) -> IndexStats:
    """The overview of the index in ``store`` (see ``NewsIndex.stats``)."""
    out = IndexStats(path=str(store.path))
    searcher = store.searcher()
    with store.guard():
        out.articles = searcher.doc_count()
        leaves = [reader for reader, _ in searcher.reader().leaf_readers()]
        out.segments = len(leaves)
        _dates(leaves, out)
        _sources(leaves, out)
        _files(store, out)
        _reprints(searcher, out)
    _disk(store, out)
    return out


def _reprints(searcher: Any, out: IndexStats) -> None:
    """The later copies (``collapse.later_copies``) and the groups they belong to, from the group column."""
    later = later_copies(searcher)
    if later:
        groups = Column(searcher, "group", None, translate=True)
        out.reprints, out.reprint_groups = len(later.docs), len({groups[docnum] for docnum in later.docs})
