"""newssearch: full-text search for news articles, from the command line or from Python."""

from newssearch.errors import (
    IndexBusyError,
    IndexIncompatibleError,
    IndexNotFoundError,
    NewsSearchError,
    QueryError,
    ReadError,
)
from newssearch.index import NewsIndex
from newssearch.models import Article, Entities, Hit, IndexReport, SearchResults, Snippet

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Entities",
    "Hit",
    "IndexBusyError",
    "IndexIncompatibleError",
    "IndexNotFoundError",
    "IndexReport",
    "NewsIndex",
    "NewsSearchError",
    "QueryError",
    "ReadError",
    "SearchResults",
    "Snippet",
]
