"""An index's overview: stories, dates, sources, files, size and age, read from its columns and word lists.

Nothing here reads the stored articles but one per source listed (for the source's name as written): dates come
from the date column, sources from the source field's words and lengths, files from the ``filesig`` words, so it
takes milliseconds on tens of thousands of stories.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from newssearch.engine import META_FILE, Store, disk_usage, summarise
from newssearch.models import IndexStats
from newssearch.reports import FormatCount


def _files(store: Store, out: IndexStats) -> None:
    for key, record in store.indexed_files().items():
        ending = Path(key).suffix.lower()
        counts = out.formats.setdefault(ending, FormatCount())
        counts.files += 1
        counts.articles += record.count
        out.files += 1
    out.unfiled = max(0, out.articles - sum(c.articles for c in out.formats.values()))


def _disk(store: Store, out: IndexStats) -> None:
    out.size_bytes, last = disk_usage(store.path)
    out.last_commit = None if last is None else datetime.fromtimestamp(last, timezone.utc)
    try:
        meta = json.loads((store.path / META_FILE).read_text())
        out.schema_version = int(meta.get("schema_version", 0))
    except (OSError, ValueError, TypeError, AttributeError):
        out.schema_version = 0


def stats(store: Store) -> IndexStats:
    """The overview of the index in ``store`` (see ``NewsIndex.stats``)."""
    out = IndexStats(path=str(store.path))
    with store.guard():
        summarise(store, out)
        _files(store, out)
    _disk(store, out)
    return out
