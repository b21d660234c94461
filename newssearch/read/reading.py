"""Reading one whole story: the stored article, and where a query's words are in its headline and body.

The query is prepared and run as ``search`` runs it, on this one story, and its matched words are found with the
snippets' machinery (``engine/snippets.py``), so that what is marked is what a search's snippet marks: stemmed
forms (``troops`` marks ``troop``), folded accents, the words a wildcard matched.
"""

from __future__ import annotations

from newssearch.engine import Snapshot, Store, matched_in, to_article
from newssearch.errors import QueryError
from newssearch.models import Article, Reading
from newssearch.options import DEFAULT_TIMEOUT


def stored(store: Store, article_id: str) -> Article | None:
    """The stored article with this id, or None."""
    if not isinstance(article_id, str):
        raise QueryError("the article id must be text")
    with store.guard():
        index = Snapshot.of(store)
        docnum = index.docnum(article_id)
        return None if docnum is None else to_article(index.stored(docnum))


def read(
    store: Store, article_id: str, query: str | None = None, timeout: float = DEFAULT_TIMEOUT
) -> Reading:
    """The article with this id and, with ``query``, the spans of the words the query matched in it (none if the
    query does not match the story)."""
    if not isinstance(article_id, str):
        raise QueryError("the article id must be text")
    if query is not None and not isinstance(query, str):
        raise QueryError("the query must be text")
    with store.guard():
        article = to_article(Snapshot.of(store).story(article_id)[1])
    if query is None:
        return Reading(article)
    with store.guard():
        highlights = matched_in(store, query, article_id, timeout)
    reading = Reading(article, query)
    if highlights is None:
        return reading
    reading.body_highlights = highlights.spans("content", article.body)
    # The headline's words matched in "headline" or in "content" (which holds headline and body).
    reading.headline_highlights = sorted(
        set(highlights.spans("headline", article.headline))
        | set(highlights.spans("content", article.headline))
    )
    return reading
