"""``NewsIndex``: create, update, check and search a newssearch index on disk.

A short facade over the packages (README "Architecture"): ``ingest/`` reads files into the index, ``search/``
answers queries, ``read/`` shows stories and the index's overview, all through the interface of ``engine/``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from newssearch.coverage import Coverage
from newssearch.engine import (
    DEFAULT_SIZE,
    FILES_CACHE,
    META_FILE,
    WRITE_LOCK_TIMEOUT,
    Names,
    Snapshot,
    check_options,
    commit_count,
    filter_values,
    index_state,
    open_store,
    reading,
    writing,
)
from newssearch.models import Article, HitStream, IndexStats, Reading, SearchResults
from newssearch.options import SearchOptions
from newssearch.reports import CheckReport, IndexReport
from newssearch.search.searching import DEFAULT_TIMEOUT, MAX_LIMIT, SORTS, count_matches, search
from newssearch.search.stream import stream
from newssearch.values import PathLike, flag, texts

if TYPE_CHECKING:
    from newssearch.ingest.update import Progress

__all__ = ["DEFAULT_TIMEOUT", "FILES_CACHE", "MAX_LIMIT", "META_FILE", "SORTS", "WRITE_LOCK_TIMEOUT"]
__all__ += ["NewsIndex", "commit_count", "index_state"]


class NewsIndex(Coverage):
    """A newssearch index on disk.

    ``NewsIndex(path)`` opens an existing index; ``NewsIndex(path, create=True)`` opens it or creates an empty one.
    Use it as a context manager, and share one across threads: searches run at once (up to ``searchers`` of
    them; more wait for a turn) and while another thread writes; writes take turns, each waiting at most
    ``lock_timeout`` seconds (default ``$NEWSSEARCH_LOCK_TIMEOUT``, else 2) for another thread's or process's:

        with NewsIndex.open("index") as index:
            for hit in index.search("NATO Iraq").hits:
                print(hit.headline)
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        create: bool = False,
        overwrite: bool = False,
        lock_timeout: float | None = None,
        searchers: int = DEFAULT_SIZE,
        shards: int | None = None,
        parallel: bool | None = None,
        scheduler: str | None = None,
    ):
        check_options(lock_timeout, searchers)
        self.path = Path(path)
        self._write = threading.RLock()
        kwargs: dict[str, Any] = dict(create=create, overwrite=overwrite, lock_timeout=lock_timeout)
        self._store = open_store(
            self.path, shards=shards, parallel=parallel, scheduler=scheduler, searchers=searchers, **kwargs
        )

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        lock_timeout: float | None = None,
        searchers: int = DEFAULT_SIZE,
        parallel: bool | None = None,
        scheduler: str | None = None,
    ) -> NewsIndex:
        """Open an existing index; raises IndexNotFoundError when there is none. A sharded index is searched by
        processes at once (``parallel``; by default from a million stories), or a Dask cluster's (``scheduler``)."""
        return cls(
            path, lock_timeout=lock_timeout, searchers=searchers, parallel=parallel, scheduler=scheduler
        )

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        *,
        overwrite: bool = False,
        lock_timeout: float | None = None,
        searchers: int = DEFAULT_SIZE,
        shards: int | None = None,
    ) -> NewsIndex:
        """Open the index at ``path``, creating an empty one if there is none (or, with ``overwrite``, always), of
        ``shards`` shards (default 1; another number than an existing index's raises IndexLayoutError)."""
        kwargs: dict[str, Any] = dict(overwrite=overwrite, lock_timeout=lock_timeout, searchers=searchers)
        return cls(path, create=True, shards=shards, **kwargs)

    @classmethod
    def rebuild(
        cls,
        path: str | os.PathLike[str],
        paths: PathLike | Iterable[PathLike],
        *,
        columns: str | Iterable[str] | None = None,
        progress: Progress | None = None,
        shards: int | None = None,
        workers: int | None = None,
        scheduler: str | None = None,
        aliases: PathLike | None = None,
    ) -> IndexReport:
        """Build the index at ``path`` afresh from ``paths`` (a path, or a list of them). An index that cannot be used as it is (built by
        another version of newssearch, or damaged) is replaced; a usable one is emptied and refilled in one commit,
        so an interrupted rebuild leaves it as it was. ``shards``: the number of shards (default: as it has, or 1);
        another number than the index has replaces it. ``workers``, ``scheduler`` and ``aliases``: as ``update``'s."""
        from newssearch.ingest.update import rebuild  # the readers and extraction load only when used

        cluster = {"workers": workers, "scheduler": scheduler, "aliases": aliases}
        return rebuild(cls.create, path, paths, columns, progress, shards, cluster)

    @staticmethod
    def exists(path: str | os.PathLike[str]) -> bool:
        """True when ``path`` holds an index (finished or not)."""
        return index_state(path) in ("ready", "building")

    def close(self) -> None:
        """Close the index's files (after a write under way in another thread); searches in progress finish,
        and a stream being read then raises StaleResultsError. A later call opens them again."""
        with self._write:
            self._store.close()

    def __enter__(self) -> NewsIndex:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @reading
    def __len__(self) -> int:
        count: int = Snapshot.of(self._store).doc_count()
        return count

    # -- writing -------------------------------------------------------------------------------------------

    @writing
    def add(self, articles: Article | Iterable[Article], *, extract: bool = True) -> int:
        """Add or replace (by id) articles (one ``Article``, or a list or any iterable of them), all in one commit;
        returns how many were written. The articles given are not changed; TypeError for anything but ``Article``
        objects. They are read as they come, ``ADD_BATCH`` at a time, so an iterator of any length is not held
        whole; of articles with one id, the last one wins.

        The index's aliases (``update``'s ``aliases``) name the entities. With ``extract`` (the default), the dateline place and source and the named entities are filled in where an
        article does not carry them, as ``update`` does for files. Control characters and terminal escape
        sequences are removed from every field.
        """
        from newssearch.ingest.adding import add

        articles = [articles] if isinstance(articles, Article) else articles
        return add(self._store, articles, flag(extract, "extract"))

    @writing
    def delete(self, ids: str | Iterable[str]) -> int:
        """Delete articles by id (one id, or a list of them); returns how many were deleted."""
        from newssearch.ingest.adding import delete

        return delete(self._store, set(texts(ids, "ids")))

    @writing
    def update(
        self,
        paths: PathLike | Iterable[PathLike],
        *,
        rebuild: bool = False,
        columns: str | Iterable[str] | None = None,
        progress: Progress | None = None,
        workers: int | None = None,
        scheduler: str | None = None,
        aliases: PathLike | None = None,
    ) -> IndexReport:
        """Bring the index up to date with the article files under ``paths`` (a file or folder, or a list of them).

        New and changed files are read, unchanged ones skipped (a file whose time stamp moved but whose content did
        not is unchanged), and files gone from a given folder removed from the index. With ``rebuild=True`` the
        index is emptied and everything read again. A file or folder that cannot be read is reported in
        ``IndexReport.skipped`` and whatever was indexed from it before is kept. ``columns`` names the columns of
        CSV/TSV files that have no header row (one text is one column). An id already taken by another file's article is never
        overwritten: the newcomer gets a longer id, and a note says so. ``workers`` (a local Dask cluster of that
        many processes) or ``scheduler`` (one at ``tcp://HOST:PORT``; ``$NEWSSEARCH_SCHEDULER``): see "Shards".
        ``aliases``: an alias file (README "One name per entity"), kept with the index and applied to this run and
        later ones; other aliases than the index's mean every story is read again (an empty file removes them).
        """
        from newssearch.ingest.update import check_columns, check_paths, run

        roots, columns, rebuild = check_paths(paths), check_columns(columns), flag(rebuild, "rebuild")
        report = run(self._store, roots, rebuild, columns, progress, workers, scheduler, aliases)
        report.total = len(self)
        return report

    # -- reading -------------------------------------------------------------------------------------------

    @reading
    def check(self) -> CheckReport:
        """Read every stored article and every posting list; report what cannot be read."""
        return self._store.check()

    @reading
    def get(self, article_id: str) -> Article | None:
        """The stored article with this id, or None (QueryError for an id that is not text)."""
        from newssearch.read.reading import stored

        return stored(self._store, article_id)

    @reading
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
        recent: float | None = None,
        exact: bool = False,
        kwic: bool = False,
        all_versions: bool = False,
        author: Names = None,
        section: Names = None,
        source: Names = None,
        person: Names = None,
        org: Names = None,
        place: Names = None,
    ) -> SearchResults:
        """Ranked search (BM25 over headline and body, with a bonus for headline and entity matches).

        See the README for the query syntax; with ``syntax=False`` the text is taken as plain words (no operators,
        phrases or fields). With ``snippets=False`` each hit's snippet is the lead of the story, which is faster.

        ``since``/``until`` bound the article date (inclusive): a ``datetime`` (naive ones are UTC), a ``date`` or
        text (``2020``, ``2020-01``, ``2020-01-10``; a partial ``until`` covers its whole period). ``sort`` is
        ``"relevance"``, ``"date"`` or ``"newest"`` (newest first) or ``"oldest"``; by date, undated articles come
        last and each hit keeps its relevance score. ``recent`` (a half-life in days, e.g. 7) ranks by relevance
        times freshness: a story as new as the newest in the index keeps its score, one a half-life older three
        quarters of it, old and undated ones half (``recency.py``). A search that runs longer than ``timeout``
        seconds is stopped (QueryTimeoutError). With ``explain=True`` each hit's ``explanation`` lists what each field and word added
        to its score; with ``kwic=True`` each hit's ``kwic`` lists its body's matches in context. With
        ``exact=True`` the text is matched literally: case, punctuation and spelling as typed, no stemming or
        folding (each quoted part, and each word outside quotes, is then one literal). Raises QueryError for text
        or options that cannot be searched.

        Near-identical copies of a story (wire reprints) are one result, at the rank of the best-scoring copy,
        showing the earliest-dated matching copy with ``hit.versions`` the number of other copies (sorted by date:
        at, and showing, its newest or oldest matching copy); totals count stories and ``results.with_reprints``
        every copy. ``all_versions=True`` lists every copy.

        ``author``, ``section`` and ``source`` (a name, or a list of names any of which may match) keep the stories
        whose byline, section or source has that name's words: ``author="Papenfuss"`` finds "Mary Papenfuss".
        ``person``, ``org`` and ``place`` (a name, or a list of names all of which must be named) keep the stories
        naming that entity as the index counts it: ``person="Thatcher"`` keeps those naming "Margaret Thatcher"
        where the index mostly names her so, and a name of the index's alias file stands for the entity's.
        """
        options = SearchOptions.of(
            text, limit, page, since, until, sort, syntax=syntax, snippets=snippets, timeout=timeout,
            explain=explain, recent=recent, exact=exact, kwic=kwic, all_versions=all_versions,
            filters=filter_values(author=author, section=section, source=source, person=person, org=org, place=place),
        )  # fmt: skip
        return search(self._store, options)

    @reading
    def count(
        self,
        text: str,
        since: datetime | date | str | None = None,
        until: datetime | date | str | None = None,
        *,
        syntax: bool = True,
        all_versions: bool = False,
        timeout: float | None = DEFAULT_TIMEOUT,
        author: Names = None,
        section: Names = None,
        source: Names = None,
        person: Names = None,
        org: Names = None,
        place: Names = None,
    ) -> int:
        """The number of stories the query matches, without ranking: ``search(...).total``, near-identical copies
        once (``all_versions=True``: every copy, ``results.with_reprints``). ``since``/``until`` and the filters
        (``author``... ``place``) are as in ``search``."""
        options = SearchOptions.of(
            text, since=since, until=until, syntax=syntax, all_versions=all_versions, timeout=timeout,
            filters=filter_values(author=author, section=section, source=source, person=person, org=org, place=place),
        )  # fmt: skip
        return count_matches(self._store, options)

    @reading
    def iter_search(
        self,
        text: str,
        since: datetime | date | str | None = None,
        until: datetime | date | str | None = None,
        sort: str = "relevance",
        *,
        syntax: bool = True,
        snippets: bool = True,
        kwic: bool = False,
        timeout: float | None = DEFAULT_TIMEOUT,
        recent: float | None = None,
        exact: bool = False,
        all_versions: bool = False,
        author: Names = None,
        section: Names = None,
        source: Names = None,
        person: Names = None,
        org: Names = None,
        place: Names = None,
    ) -> HitStream:
        """Every hit of the query, ranked, one at a time: the rows of ``search``'s pages one after another, with no
        limit, each hit built when it is read (memory holds only the matches' scores and numbers).

        The options are ``search``'s; ``timeout`` bounds finding and ranking the matches, not reading the hits.
        ``total``, ``notes`` and ``index`` (the fingerprint) are known at once. The stream reads the commit it
        was ranked on to its end, whatever is written meanwhile; closing the index ends it with StaleResultsError.
        """
        options = SearchOptions.of(
            text, 1, 1, since, until, sort, syntax=syntax, snippets=snippets, kwic=kwic,
            timeout=timeout, recent=recent, exact=exact, all_versions=all_versions,
            filters=filter_values(author=author, section=section, source=source, person=person, org=org, place=place),
        )  # fmt: skip
        return stream(self._store, options)

    @property
    @reading
    def fingerprint(self) -> str:
        """A short hash of the index's committed state (generation, segments, article count, schema version): the
        same while nothing is written, another after every commit. Exports carry it."""
        with self._store.guard():
            return Snapshot.of(self._store).fingerprint()

    @reading
    def similar(
        self,
        article_id: str | None = None,
        text: str | None = None,
        limit: int = 10,
        page: int = 1,
        since: datetime | date | str | None = None,
        until: datetime | date | str | None = None,
        *,
        exclude: str | Iterable[str] = (),
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> SearchResults:
        """Stories like the stored one with ``article_id``, or like ``text`` (pasted; its first 100,000
        characters): its key words (tf-idf with the index's own statistics) and entities as one ranked query.

        The story itself, the ids in ``exclude`` (an id, or a list of them) and every story with the same headline
        and body (a reprint) are left out; ``limit``, ``page``, ``since`` and ``until`` are as in ``search``. Raises ArticleNotFoundError
        for an unknown id, QueryError for a text with nothing to search.
        """
        from newssearch.search.similar import similar

        return similar(
            self._store, article_id, text, limit, page, since, until, exclude=exclude, timeout=timeout
        )

    @reading
    def read(self, article_id: str, query: str | None = None) -> Reading:
        """The whole stored article with this id and, with ``query``, the character spans of the words the query
        matched in its headline and body (analysed as ``search`` analyses them: ``troops`` marks ``troop``).
        Raises ArticleNotFoundError for an unknown id, QueryError for a query that cannot be searched."""
        from newssearch.read.reading import read

        return read(self._store, article_id, query)

    @reading
    def stats(self) -> IndexStats:
        """What the index holds: stories, dates, sources, files by format, size on disk, last commit, schema."""
        from newssearch.read.stats import stats

        return stats(self._store)
