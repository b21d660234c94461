"""``NewsIndex.add``: articles given in Python written in one commit, read from their iterable a batch at a time."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

from newssearch.engine import Snapshot, Store, stored_aliases, to_document
from newssearch.extract.enrich import enrich
from newssearch.ingest.grouping import Grouper
from newssearch.models import Article
from newssearch.text.sanitize import clean_article

#: Articles read from the iterable at a time: of one id within a batch only the last is cleaned and enriched.
ADD_BATCH = 1000


def add(store: Store, articles: Iterable[Article], extract: bool) -> int:
    """Write the articles (cleaned, and enriched with ``extract``) in one commit; the last one of an id wins.
    Returns how many ids were written."""
    writer = store.writer()  # the lock first: the grouper reads the index as this writer sees it
    # id -> its document in the new segment, its place in the grouper
    written: dict[str, tuple[int, int]] = {}
    grouper = None
    try:
        grouper = Grouper(Snapshot.of(store), replaced=written.keys(), folder=str(store.path))
        aliases = stored_aliases(store)
        items = iter(articles)
        while batch := list(islice(items, ADD_BATCH)):
            last: dict[str, Article] = {}
            for item in batch:
                if not isinstance(item, Article):
                    raise TypeError(f"add() takes Article objects, not {type(item).__name__}")
                last[item.id] = item
            del batch
            for article in last.values():
                article = clean_article(article)
                if article.id in written:  # given in an earlier batch too
                    document, place = written[article.id]
                    store.forget(writer, document)
                    grouper.forget(place)
                written[article.id] = (writer.docnum, len(grouper))
                article = enrich(article) if extract else article
                article = aliases.apply(article) if aliases else article
                writer.update_document(**to_document(article), **grouper.fields(article))
    except BaseException as exc:
        raise store.cancel(writer, exc) from None
    finally:
        if grouper is not None:
            grouper.close()
    store.commit(writer)
    return len(written)


def delete(store: Store, ids: set[str]) -> int:
    """``NewsIndex.delete``: the stories of these ids deleted in one commit; how many there were."""
    writer = store.writer()
    try:
        count = sum(1 for article_id in ids if store.id_owner(article_id)[0])
        for article_id in ids:
            writer.delete_by_term("id", article_id)
    except BaseException as exc:
        raise store.cancel(writer, exc) from None
    store.commit(writer)
    return count
