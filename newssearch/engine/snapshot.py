"""``Snapshot``: one commit of the index, as the layers above the engine read it.

Everything outside ``engine/`` that looks up words, postings or stored stories does it through these methods, in
the terms of the index's fields: analysed terms as text, document numbers as ints, stored fields as dicts. A
snapshot wraps the searcher the calling thread has borrowed (``searchers.py``): it is cheap to make, and what it
keeps (``cache``) lives as long as that searcher, that is, as long as the commit is the newest.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh import query as wq

from newssearch.engine.columns import fingerprint
from newssearch.engine.store import Store
from newssearch.errors import ArticleNotFoundError
from newssearch.text.sanitize import shorten


class Snapshot:
    """One commit's words, postings and stored stories (see the module's docstring)."""

    def __init__(self, searcher: Any):
        self._searcher = searcher
        self.reader = searcher.reader()  # for the engine's own modules; the layers above use the methods

    @classmethod
    def of(cls, store: Store) -> Snapshot:
        """The commit the calling thread reads (the searcher it borrowed, or the pool's newest)."""
        return cls(store.searcher())

    def doc_count(self) -> int:
        """The number of live documents."""
        return int(self._searcher.doc_count())

    def live(self) -> Iterator[int]:
        """Every live document, in document order."""
        return iter(self.reader.all_doc_ids())

    def analyse(self, fieldname: str, text: str, mode: str = "index") -> list[str]:
        """The terms the field's analyzer makes of ``text`` (``mode="query"`` as a query's words are analysed)."""
        return [token.text for token in self._searcher.schema[fieldname].analyzer(text, mode=mode)]

    def doc_frequency(self, fieldname: str, term: str) -> int:
        """The number of documents holding the term (deleted ones included until a merge)."""
        return int(self.reader.doc_frequency(fieldname, term))

    def docs(self, fieldname: str, term: str) -> Iterator[int]:
        """The live documents holding the term, in document order, read lazily."""
        reader = self.reader
        if (fieldname, term) not in reader:
            return
        postings = reader.postings(fieldname, term)
        while postings.is_active():
            docnum = postings.id()
            postings.next()
            if not reader.is_deleted(docnum):
                yield docnum

    def docs_with_all(self, fieldname: str, terms: list[str]) -> Iterator[int]:
        """The live documents holding every one of the terms, in document order."""
        return iter(self._searcher.docs_for_query(wq.And([wq.Term(fieldname, term) for term in terms])))

    def words(self, fieldname: str, prefix: str = "") -> Iterator[str]:
        """The field's terms that start with ``prefix``, in order."""
        for word in self.reader.expand_prefix(fieldname, prefix):
            yield word.decode("utf-8", "replace") if isinstance(word, bytes) else word

    def stored(self, docnum: int) -> dict[str, Any]:
        """The stored fields of a document (``documents.to_article`` makes an ``Article`` of them)."""
        return dict(self._searcher.stored_fields(docnum))

    def story(self, article_id: str) -> tuple[int, dict[str, Any]]:
        """The live document of the story with this id and its stored fields; ArticleNotFoundError if there is
        none."""
        docnum = self.docnum(article_id)
        if docnum is None:
            raise ArticleNotFoundError(f"no article with id {shorten(article_id, 200)!r} in the index")
        return docnum, self.stored(docnum)

    def docnum(self, article_id: str) -> int | None:
        """The live document of the story with this id, or None."""
        found = self._searcher.document_number(id=article_id)
        return None if found is None else int(found)

    def cache(self, name: str) -> dict[Any, Any]:
        """A dict kept with this commit's reader, for what is worth working out once per commit."""
        return self.reader.__dict__.setdefault(f"_newssearch_{name}", {})

    def fingerprint(self) -> str:
        """What identifies this commit's contents (``columns.fingerprint``): a result carries it as ``index``."""
        return fingerprint(self._searcher)
