"""Reading one whole story: the stored article, and where a query's words are in its headline and body.

The query is prepared and run as ``search`` runs it, on this one story, and its matched words are found with the
snippets' machinery (``snippets.Highlights``), so that what is marked is what a search's snippet marks: stemmed
forms (``troops`` marks ``troop``), folded accents, the words a wildcard matched.
"""

from __future__ import annotations

import time

from whoosh import query as wq
from whoosh.collectors import TimeLimit

from newssearch import query as query_mod
from newssearch.bounds import shorten
from newssearch.collect import too_slow
from newssearch.documents import to_article
from newssearch.errors import ArticleNotFoundError, QueryError
from newssearch.models import Article, Reading
from newssearch.postings import DEADLINE
from newssearch.search import DEFAULT_TIMEOUT
from newssearch.snippets import Highlights
from newssearch.store import Store


def stored(store: Store, article_id: str) -> Article | None:
    """The stored article with this id, or None."""
    if not isinstance(article_id, str):
        raise QueryError("the article id must be text")
    searcher = store.searcher()
    with store.guard():
        fields = searcher.document(id=article_id)
    return to_article(fields) if fields else None


def read(
    store: Store, article_id: str, query: str | None = None, timeout: float = DEFAULT_TIMEOUT
) -> Reading:
    """The article with this id and, with ``query``, the spans of the words the query matched in it (none if the
    query does not match the story)."""
    if not isinstance(article_id, str):
        raise QueryError("the article id must be text")
    if query is not None and not isinstance(query, str):
        raise QueryError("the query must be text")
    searcher = store.searcher()
    with store.guard():
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            raise ArticleNotFoundError(f"no article with id {shorten(article_id, 200)!r} in the index")
        article = to_article(searcher.stored_fields(docnum))
    if query is None:
        return Reading(article)
    with store.guard():
        prepared = query_mod.prepare(searcher.schema, query, searcher.reader())
        q = query_mod.require(prepared.query, wq.Term("id", article_id))
        token = DEADLINE.set(time.monotonic() + timeout)  # for the matchers that read whole posting lists
        try:
            results = searcher.search(q, limit=1, terms=True)
        except TimeLimit:
            raise too_slow() from None
        finally:
            DEADLINE.reset(token)
    reading = Reading(article, query)
    if not results.scored_length():
        return reading
    highlights = Highlights(results)
    reading.body_highlights = highlights.spans("content", article.body)
    # The headline's words matched in "headline" or in "content" (which holds headline and body).
    reading.headline_highlights = sorted(
        set(highlights.spans("headline", article.headline))
        | set(highlights.spans("content", article.headline))
    )
    return reading
