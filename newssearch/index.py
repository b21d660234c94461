"""``NewsIndex``: create, update, check and search a newssearch index on disk.

A short facade: ``store.py`` keeps the index's files; ``update.py`` runs an update (``plan.py`` decides what it
reads, ``readers`` and ``enrich.py`` turn files into articles, ``documents.py`` maps them to stored documents);
``search.py`` answers queries.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import wraps
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from newssearch.documents import to_article, to_document
from newssearch.errors import IndexDamagedError, IndexIncompatibleError, IndexInterrupted, ReadError
from newssearch.models import Article, CheckReport, IndexReport, Matches, SearchResults
from newssearch.sanitize import clean_article
from newssearch.search import DEFAULT_TIMEOUT, MAX_LIMIT, SORTS, matches, search
from newssearch.store import FILES_CACHE, META_FILE, WRITE_LOCK_TIMEOUT, Store, commit_count, index_state

if TYPE_CHECKING:
    from newssearch.update import Progress

__all__ = [
    "DEFAULT_TIMEOUT",
    "FILES_CACHE",
    "MAX_LIMIT",
    "META_FILE",
    "SORTS",
    "WRITE_LOCK_TIMEOUT",
    "NewsIndex",
    "commit_count",
    "index_state",
]


T = TypeVar("T")


def _locked(method: Callable[..., T]) -> Callable[..., T]:
    """Run the method holding the index's lock: Whoosh's readers keep file positions, so one NewsIndex serves
    one thread at a time (searches from several threads take turns; processes are not limited)."""

    @wraps(method)
    def run(self: NewsIndex, *args: Any, **kwargs: Any) -> T:
        with self._lock:
            return method(self, *args, **kwargs)

    return run


class NewsIndex:
    """A newssearch index on disk.

    ``NewsIndex(path)`` opens an existing index; ``NewsIndex(path, create=True)`` opens it or creates an empty one.
    Use it as a context manager to reuse one searcher across searches::

        with NewsIndex.open("index") as index:
            for hit in index.search("NATO Iraq").hits:
                print(hit.headline)
    """

    def __init__(self, path: str | os.PathLike[str], *, create: bool = False, overwrite: bool = False):
        self.path = Path(path)
        self._lock = threading.RLock()
        self._store = Store(self.path, create=create, overwrite=overwrite)

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> NewsIndex:
        """Open an existing index; raises IndexNotFoundError when there is none."""
        return cls(path)

    @classmethod
    def create(cls, path: str | os.PathLike[str], *, overwrite: bool = False) -> NewsIndex:
        """Open the index at ``path``, creating an empty one if there is none (or, with ``overwrite``, always)."""
        return cls(path, create=True, overwrite=overwrite)

    @classmethod
    def rebuild(
        cls,
        path: str | os.PathLike[str],
        paths: Iterable[str | os.PathLike[str]],
        *,
        columns: list[str] | None = None,
        progress: Progress | None = None,
    ) -> IndexReport:
        """Build the index at ``path`` afresh from ``paths``. An index that cannot be used as it is (built by
        another version of newssearch, or damaged) is replaced; a usable one is emptied and refilled in one commit,
        so an interrupted rebuild leaves it as it was."""
        from newssearch.update import check_paths  # the readers and extraction load only when used

        paths = check_paths(paths)  # before anything is created or emptied
        location = Path(path)
        existed, fresh = location.exists(), index_state(location) == "missing"
        try:
            index = cls.create(path)
        except (IndexIncompatibleError, IndexDamagedError):
            index = cls.create(path, overwrite=True)
        try:
            with index:
                return index.update(paths, rebuild=True, columns=columns, progress=progress)
        except IndexDamagedError:  # damage found only while reading it: start afresh
            with cls.create(path, overwrite=True) as index:
                return index.update(paths, rebuild=True, columns=columns, progress=progress)
        except ReadError:  # nothing could be read: a location that held no index is left as it was
            if fresh:
                _remove_created(location, existed)
            raise

    @staticmethod
    def exists(path: str | os.PathLike[str]) -> bool:
        """True when ``path`` holds an index (finished or not)."""
        return index_state(path) in ("ready", "building")

    @_locked
    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> NewsIndex:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @_locked
    def __len__(self) -> int:
        count: int = self._store.searcher().doc_count()
        return count

    # -- writing -------------------------------------------------------------------------------------------

    @_locked
    def add(self, articles: Iterable[Article], *, extract: bool = True) -> int:
        """Add or replace (by id) articles; returns how many were written. The articles given are not changed.

        With ``extract`` (the default), the dateline place and source and the named entities are filled in where an
        article does not carry them, as ``update`` does for files. Control characters and terminal escape
        sequences are removed from every field.
        """
        from newssearch.enrich import enrich
        from newssearch.grouping import Grouper

        batch: dict[str, Article] = {}
        for article in articles:
            article = clean_article(article)
            batch[article.id] = enrich(article) if extract else article  # the last one of an id wins
        grouper = Grouper(self._store.searcher(), replaced=batch.keys())
        writer = self._store.writer()
        try:
            for article in batch.values():
                writer.update_document(**to_document(article), **grouper.fields(article))
        except BaseException as exc:
            raise self._store.cancel(writer, exc) from None
        self._store.commit(writer)
        return len(batch)

    @_locked
    def delete(self, ids: Iterable[str]) -> int:
        """Delete articles by id; returns how many were deleted."""
        unique = set(ids)
        count = sum(1 for article_id in unique if self._store.id_owner(article_id)[0])
        writer = self._store.writer()
        try:
            for article_id in unique:
                writer.delete_by_term("id", article_id)
        except BaseException as exc:
            raise self._store.cancel(writer, exc) from None
        self._store.commit(writer)
        return count

    @_locked
    def update(
        self,
        paths: Iterable[str | os.PathLike[str]],
        *,
        rebuild: bool = False,
        columns: list[str] | None = None,
        progress: Progress | None = None,
    ) -> IndexReport:
        """Bring the index up to date with the article files under ``paths`` (files or folders).

        New and changed files are read, unchanged ones skipped (a file whose time stamp moved but whose content did
        not is unchanged), and files gone from a given folder removed from the index. With ``rebuild=True`` the
        index is emptied and everything read again. A file or folder that cannot be read is reported in
        ``IndexReport.skipped`` and whatever was indexed from it before is kept. ``columns`` names the columns of
        CSV/TSV files that have no header row. An id already taken by another file's article is never
        overwritten: the newcomer gets a longer id, and a note says so.
        """
        from newssearch.update import check_paths
        from newssearch.update import update as run_update

        roots = check_paths(paths)
        generation = self._store.generation()
        try:
            report = run_update(self._store, roots, rebuild, columns, progress)
            report.total = len(self)
            return report
        except IndexInterrupted:
            raise
        except KeyboardInterrupt:
            # After the commit (or during it): say truthfully whether the work reached the index.
            raise IndexInterrupted(self._store.generation() > generation) from None

    # -- reading -------------------------------------------------------------------------------------------

    @_locked
    def check(self) -> CheckReport:
        """Read every stored article and every posting list; report what cannot be read."""
        return self._store.check()

    @_locked
    def get(self, article_id: str) -> Article | None:
        """The stored article with this id, or None."""
        searcher = self._store.searcher()
        with self._store.guard():
            stored = searcher.document(id=article_id)
        return to_article(stored) if stored else None

    @_locked
    def search(
        self,
        text: str,
        limit: int = 10,
        page: int = 1,
        since: datetime | date | str | None = None,
        until: datetime | date | str | None = None,
        sort: str = "relevance",
        *,
        syntax: bool = True,
        snippets: bool = True,
        timeout: float | None = DEFAULT_TIMEOUT,
        explain: bool = False,
        all_versions: bool = False,
    ) -> SearchResults:
        """Ranked search (BM25 over headline and body, with a bonus for headline and entity matches).

        See the README for the query syntax; with ``syntax=False`` the text is taken as plain words (no operators,
        phrases or fields). With ``snippets=False`` each hit's snippet is the lead of the story, which is faster.

        ``since``/``until`` bound the article date (inclusive): a ``datetime`` (naive ones are UTC), a ``date`` or
        text (``2020``, ``2020-01``, ``2020-01-10``; a partial ``until`` covers its whole period). ``sort`` is
        ``"relevance"``, ``"date"`` (newest first) or ``"oldest"``; by date, undated articles come last and each
        hit keeps its relevance score. A search that runs longer than ``timeout`` seconds is stopped. With
        ``explain=True`` each hit's ``explanation`` lists what each field and word added to its score. Raises
        QueryError for text or options that cannot be searched.

        Near-identical copies of a story (wire reprints) are one result, at the rank of the best-scoring copy,
        showing the earliest-dated matching copy with ``hit.versions`` the number of other copies; totals count
        stories and ``results.with_reprints`` every copy. ``all_versions=True`` lists every copy.
        """
        return search(
            self._store,
            text,
            limit,
            page,
            since,
            until,
            sort,
            syntax=syntax,
            snippets=snippets,
            timeout=timeout,
            explain=explain,
            all_versions=all_versions,
        )

    @_locked
    def count(
        self,
        text: str,
        since: datetime | date | str | None = None,
        until: datetime | date | str | None = None,
        *,
        syntax: bool = True,
        reprints: bool = True,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> int:
        """The number of stories the query matches (with ``since``/``until`` as in ``matches``), without ranking;
        ``reprints=False`` counts each group of near-identical copies once."""
        from newssearch.grouped import count

        return count(self._store, text, since, until, syntax=syntax, reprints=reprints, timeout=timeout)

    @_locked
    def matches(
        self,
        text: str,
        since: datetime | date | str | None = None,
        until: datetime | date | str | None = None,
        *,
        syntax: bool = True,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> Matches:
        """Every article the query matches (with ``since``/``until`` as in ``search``), as ids and dates in index
        order, unranked: the fast path for work over a whole result set. ``len(...)`` is the exact count."""
        return matches(self._store, text, since, until, syntax=syntax, timeout=timeout)


def _remove_created(location: Path, existed: bool) -> None:
    """Remove the index files a refused first build created (and the folder, if it made that too)."""
    if not existed:
        shutil.rmtree(location, ignore_errors=True)
        return
    for entry in location.iterdir():
        if not entry.name.startswith("."):  # it held none but hidden files before
            with contextlib.suppress(OSError):
                entry.unlink()
