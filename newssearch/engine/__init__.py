"""The engine: everything that touches Whoosh, and the one door the rest of newssearch goes through.

Only modules in this package import ``whoosh``; the packages above (``search/``, ``read/``, ``ingest/``, the facade
``index.py`` and ``cli/``) import the names below from ``newssearch.engine`` and never its modules (both checked by
``lint-imports``, contracts in ``pyproject.toml``). The engine may import ``options``, ``extract/``, ``text/`` and
the value modules under them, nothing above.

What the rest asks of an index, and where it is answered:

- **An index's files** (``Store``, ``store.py``): open, create and check it; take the write lock, write documents
  (``to_document``; a worker may analyse them ahead, ``Ahead``; ``writer.py`` keeps a segment's postings in columns and writes them a block at a time) and
  commit; the files it holds (``FileRecord``, ``CacheEntry``); the searchers threads share
  (``searchers.py``: ``reading`` and ``writing`` wrap the facade's methods).
- **One commit's words, postings and stored stories** (``Snapshot``, ``snapshot.py``): terms as a field analyses
  them, document frequencies, the live documents holding a term, the field's words by prefix, stored fields by
  document number (``to_article`` makes an ``Article``), the document of an id, the commit's fingerprint.
- **A query ranked** (``ranking.py``): ``rank`` runs the options' query (parsed and bounded by ``query.py`` and
  ``bounds.py``, filtered, timed by ``deadline.py``, copies of a story grouped by ``collapse.py`` and
  ``grouped.py``; a large OR scored as arrays by ``vectors.py``) and gives a ``Ranked``: its totals and notes, a
  page of ``Found`` stories with their stored fields, highlights (``snippets.py``) and score explanations
  (``explain.py``). ``count_matches`` and ``matches`` count and list matches unranked, from posting ids
  (``docsets.py``; a segment's posting ids and weights are read as arrays from its postings file, ``sidecar.py``); ``finds`` says whether a query finds anything (did you mean); ``matched_in`` gives a query's
  matched words in one story. ``any_of`` builds a ranked query from weighted terms (similar stories).
- **Coverage analysis** (``tally.py``): a query's matches as an array (``select``), counted by the values of a
  field (``fieldvalues.py``: each story's people, organisations, places, sources... read from posting lists into
  arrays once per segment, variants of a name counted as one), by date (``dates_of``), and by word (posting
  lists, and a sample re-analysed); the index's alias file (``aliasfile.py``).
- **Summaries** (``summary.py``): stories, segments, dates, sources and copies, for ``stats``.

- **Shards** (``shards.py``): an index of N Whoosh indexes switched together by a manifest; ``open_store`` opens
  either kind, and a sharded one's searchers read every shard as one index (the whole index's statistics), so
  everything above reads it unchanged; ``shardwriter.py`` writes the shards (here, or on a Dask cluster's
  workers) and ``fanout.py`` has worker processes (or Dask actors) collect a query over their shards at once.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newssearch.engine.ahead import Ahead
    from newssearch.engine.aliasfile import ALIASES_FILE, save_aliases, stored_aliases
    from newssearch.engine.columns import fingerprint
    from newssearch.engine.diskfiles import (
        FILES_CACHE,
        INDEX_NAME,
        META_FILE,
        UNCHANGED,
        WRITE_LOCK_TIMEOUT,
        disk_usage,
        index_state,
        remove_created,
    )
    from newssearch.engine.documents import CacheEntry, FileRecord, filesig, to_article, to_document
    from newssearch.engine.entities import canonical_names
    from newssearch.engine.fields import Names, filter_values
    from newssearch.engine.fieldvalues import VALUE_FIELDS
    from newssearch.engine.query import OPERATORS, Prepared, plain_words
    from newssearch.engine.ranking import Found, Ranked, count_matches, finds, matched_in, matches, rank
    from newssearch.engine.recency import HALF_LIFE_DAYS
    from newssearch.engine.schema import FIELD_ALIASES, TOKEN_PATTERN
    from newssearch.engine.searchers import DEFAULT_SIZE, check_options, reading, writing
    from newssearch.engine.shards import MAX_SHARDS, check_shards, open_store, shard_count
    from newssearch.engine.snapshot import Snapshot
    from newssearch.engine.store import Store, commit_count
    from newssearch.engine.summary import summarise
    from newssearch.engine.tally import (
        Selection,
        dates_of,
        entity_lists,
        resolve_name,
        sample_words,
        select,
        shown_names,
        stories,
        term_docs,
        value_counts,
    )
    from newssearch.engine.weighted import any_of

#: Where each name of the interface lives: the package imports a module the first time one of its names is asked
#: for, so that importing ``documents`` or a reader does not load the whole engine (and Whoosh).
_MODULES = {
    "ahead": "Ahead",
    "aliasfile": "ALIASES_FILE save_aliases stored_aliases",
    "columns": "fingerprint",
    "diskfiles": "FILES_CACHE INDEX_NAME META_FILE UNCHANGED WRITE_LOCK_TIMEOUT disk_usage index_state remove_created",
    "documents": "CacheEntry FileRecord filesig to_article to_document",
    "entities": "canonical_names",
    "fieldvalues": "VALUE_FIELDS",
    "fields": "Names filter_values",
    "query": "OPERATORS Prepared plain_words",
    "ranking": "Found Ranked count_matches finds matched_in matches rank",
    "recency": "HALF_LIFE_DAYS",
    "schema": "FIELD_ALIASES TOKEN_PATTERN",
    "searchers": "DEFAULT_SIZE check_options reading writing",
    "shards": "MAX_SHARDS check_shards open_store shard_count",
    "snapshot": "Snapshot",
    "store": "Store commit_count",
    "summary": "summarise",
    "tally": "Selection dates_of entity_lists resolve_name sample_words select shown_names stories term_docs value_counts",
    "weighted": "any_of",
}  # fmt: skip
_WHERE = {name: module for module, names in _MODULES.items() for name in names.split()}


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "ALIASES_FILE",
    "DEFAULT_SIZE",
    "FIELD_ALIASES",
    "FILES_CACHE",
    "HALF_LIFE_DAYS",
    "INDEX_NAME",
    "MAX_SHARDS",
    "META_FILE",
    "OPERATORS",
    "TOKEN_PATTERN",
    "UNCHANGED",
    "VALUE_FIELDS",
    "WRITE_LOCK_TIMEOUT",
    "Ahead",
    "CacheEntry",
    "FileRecord",
    "Found",
    "Names",
    "Prepared",
    "Ranked",
    "Selection",
    "Snapshot",
    "Store",
    "any_of",
    "canonical_names",
    "check_options",
    "check_shards",
    "commit_count",
    "count_matches",
    "dates_of",
    "disk_usage",
    "entity_lists",
    "filesig",
    "filter_values",
    "finds",
    "fingerprint",
    "index_state",
    "matched_in",
    "matches",
    "open_store",
    "plain_words",
    "rank",
    "reading",
    "remove_created",
    "resolve_name",
    "sample_words",
    "save_aliases",
    "select",
    "shard_count",
    "shown_names",
    "stored_aliases",
    "stories",
    "summarise",
    "term_docs",
    "to_article",
    "to_document",
    "value_counts",
    "writing",
]  # fmt: skip
