"""newssearch: full-text search for news articles, from the command line or from Python.

The public names are imported on first use, so that ``newssearch`` starts (and answers Ctrl-C) quickly.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from newssearch import startup  # noqa: F401  (first: Whoosh's imports made lean)

__version__ = "0.1.0"

_EXPORTS = {
    "NewsIndex": "newssearch.index",
    "Article": "newssearch.models",
    "CheckReport": "newssearch.reports",
    "Context": "newssearch.models",
    "Contribution": "newssearch.models",
    "Entities": "newssearch.models",
    "Hit": "newssearch.models",
    "HitStream": "newssearch.models",
    "IndexReport": "newssearch.reports",
    "Matches": "newssearch.models",
    "SearchResults": "newssearch.models",
    "Snippet": "newssearch.models",
    "ArticleNotFoundError": "newssearch.errors",
    "IndexAccessError": "newssearch.errors",
    "IndexBusyError": "newssearch.errors",
    "IndexDamagedError": "newssearch.errors",
    "IndexIncompatibleError": "newssearch.errors",
    "IndexInterrupted": "newssearch.errors",
    "IndexNotFoundError": "newssearch.errors",
    "NewsSearchError": "newssearch.errors",
    "QueryError": "newssearch.errors",
    "ReadError": "newssearch.errors",
}

__all__ = [
    "Article",
    "ArticleNotFoundError",
    "CheckReport",
    "Context",
    "Contribution",
    "Entities",
    "Hit",
    "HitStream",
    "IndexAccessError",
    "IndexBusyError",
    "IndexDamagedError",
    "IndexIncompatibleError",
    "IndexInterrupted",
    "IndexNotFoundError",
    "IndexReport",
    "Matches",
    "NewsIndex",
    "NewsSearchError",
    "QueryError",
    "ReadError",
    "SearchResults",
    "Snippet",
]

if TYPE_CHECKING:
    from newssearch.errors import (
        ArticleNotFoundError,
        IndexAccessError,
        IndexBusyError,
        IndexDamagedError,
        IndexIncompatibleError,
        IndexInterrupted,
        IndexNotFoundError,
        NewsSearchError,
        QueryError,
        ReadError,
    )
    from newssearch.index import NewsIndex
    from newssearch.models import (
        Article,
        Context,
        Contribution,
        Entities,
        Hit,
        HitStream,
        Matches,
        SearchResults,
        Snippet,
    )
    from newssearch.reports import CheckReport, IndexReport


def __getattr__(name: str) -> object:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'newssearch' has no attribute {name!r}")
