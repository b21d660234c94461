"""newssearch: full-text search for news articles, from the command line or from Python.

``NewsIndex`` opens, fills and searches an index; the other names are what its methods take and return
(``Article`` going in; ``SearchResults``, ``Hit``, ``HitStream``, ``Reading``… coming out) and the errors they
raise: each a ``NewsSearchError``, but ``IndexInterrupted`` (a ``KeyboardInterrupt``).

The public names are imported on first use, so that ``newssearch`` starts (and answers Ctrl-C) quickly. Every
error newssearch raises and every type its API takes or returns is one of them (``tests/test_public_names.py``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from newssearch import startup  # noqa: F401  (first: Whoosh's imports made lean)

__version__ = "0.1.0"

_MODELS = ["Article", "Context", "Contribution", "Entities", "Hit", "HitStream", "IndexStats", "Matches"]
_MODELS += ["Reading", "SearchResults", "Snippet"]
_REPORTS = ["CheckReport", "FormatCount", "IndexReport"]
_ANALYSES = ["Cooccurrence", "Facet", "Keywords", "Pair", "Period", "Spike", "Term", "Timeline", "Value"]
_ERRORS = ["ArticleNotFoundError", "ClusterError", "IndexAccessError", "IndexBusyError", "IndexDamagedError"]
_ERRORS += ["IndexIncompatibleError", "IndexInterrupted", "IndexLayoutError", "IndexNotFoundError"]
_ERRORS += ["IndexUnfinishedError"]
_ERRORS += ["IndexUntrustedError", "NewsSearchError", "NotAnIndexError", "QueryError", "QueryTimeoutError"]
_ERRORS += ["ReadError", "StaleResultsError"]
_EXPORTS = {
    "NewsIndex": "newssearch.index",
    **dict.fromkeys(_MODELS, "newssearch.models"),
    **dict.fromkeys(_REPORTS, "newssearch.reports"),
    **dict.fromkeys(_ANALYSES, "newssearch.analyze.results"),
    "Coverage": "newssearch.coverage",
    "Filters": "newssearch.coverage",
    **dict.fromkeys(_ERRORS, "newssearch.errors"),
}

__all__ = [
    "Article",
    "ArticleNotFoundError",
    "CheckReport",
    "ClusterError",
    "Context",
    "Contribution",
    "Cooccurrence",
    "Coverage",
    "Entities",
    "Facet",
    "Filters",
    "FormatCount",
    "Hit",
    "HitStream",
    "IndexAccessError",
    "IndexBusyError",
    "IndexDamagedError",
    "IndexIncompatibleError",
    "IndexInterrupted",
    "IndexLayoutError",
    "IndexNotFoundError",
    "IndexReport",
    "IndexStats",
    "IndexUnfinishedError",
    "IndexUntrustedError",
    "Keywords",
    "Matches",
    "NewsIndex",
    "NewsSearchError",
    "NotAnIndexError",
    "Pair",
    "Period",
    "QueryError",
    "QueryTimeoutError",
    "ReadError",
    "Reading",
    "SearchResults",
    "Snippet",
    "Spike",
    "StaleResultsError",
    "Term",
    "Timeline",
    "Value",
]

if TYPE_CHECKING:
    from newssearch.analyze.results import (
        Cooccurrence,
        Facet,
        Keywords,
        Pair,
        Period,
        Spike,
        Term,
        Timeline,
        Value,
    )
    from newssearch.coverage import Coverage, Filters
    from newssearch.errors import (
        ArticleNotFoundError,
        ClusterError,
        IndexAccessError,
        IndexBusyError,
        IndexDamagedError,
        IndexIncompatibleError,
        IndexInterrupted,
        IndexLayoutError,
        IndexNotFoundError,
        IndexUnfinishedError,
        IndexUntrustedError,
        NewsSearchError,
        NotAnIndexError,
        QueryError,
        QueryTimeoutError,
        ReadError,
        StaleResultsError,
    )
    from newssearch.index import NewsIndex
    from newssearch.models import (
        Article,
        Context,
        Contribution,
        Entities,
        Hit,
        HitStream,
        IndexStats,
        Matches,
        Reading,
        SearchResults,
        Snippet,
    )
    from newssearch.reports import CheckReport, FormatCount, IndexReport


def __getattr__(name: str) -> object:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'newssearch' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
