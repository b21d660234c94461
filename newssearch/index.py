"""``NewsIndex``: create, update, check and search a newssearch index on disk.

A short facade: ``store.py`` keeps the index's files, ``plan.py`` decides what an update reads, ``readers`` and
``enrich.py`` turn files into articles, ``documents.py`` maps them to stored documents, ``search.py`` answers
queries.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from types import TracebackType

from newssearch.documents import filesig, to_article, to_document
from newssearch.enrich import enrich
from newssearch.errors import IndexDamagedError, IndexIncompatibleError, IndexInterrupted, ReadError
from newssearch.models import Article, CheckReport, FormatCount, IndexReport, SearchResults
from newssearch.plan import CacheEntry, FileToRead, plan
from newssearch.readers import read_articles
from newssearch.sanitize import clean_article, path_text
from newssearch.search import DEFAULT_TIMEOUT, MAX_LIMIT, SORTS, search
from newssearch.store import FILES_CACHE, META_FILE, WRITE_LOCK_TIMEOUT, Store, index_state

__all__ = [
    "DEFAULT_TIMEOUT",
    "FILES_CACHE",
    "MAX_LIMIT",
    "META_FILE",
    "SORTS",
    "WRITE_LOCK_TIMEOUT",
    "NewsIndex",
    "Progress",
    "index_state",
]

#: Called as ``progress(done, total, path)`` while files are read; ``done`` and ``total`` count bytes.
Progress = Callable[[int, int, str], None]


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
        paths = list(paths)
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

    @staticmethod
    def exists(path: str | os.PathLike[str]) -> bool:
        """True when ``path`` holds an index (finished or not)."""
        return index_state(path) in ("ready", "building")

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> NewsIndex:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __len__(self) -> int:
        count: int = self._store.searcher().doc_count()
        return count

    # -- writing -------------------------------------------------------------------------------------------

    def add(self, articles: Iterable[Article], *, extract: bool = True) -> int:
        """Add or replace (by id) articles; returns how many were written. The articles given are not changed.

        With ``extract`` (the default), the dateline place and source and the named entities are filled in where an
        article does not carry them, as ``update`` does for files. Control characters and terminal escape
        sequences are removed from every field.
        """
        batch: dict[str, Article] = {}
        for article in articles:
            article = clean_article(article)
            batch[article.id] = enrich(article) if extract else article  # the last one of an id wins
        writer = self._store.writer()
        try:
            for article in batch.values():
                writer.update_document(**to_document(article))
        except BaseException as exc:
            raise self._store.cancel(writer, exc) from None
        self._store.commit(writer)
        return len(batch)

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
        roots = [Path(p).resolve() for p in paths]
        for root in roots:
            if not root.exists():
                raise ReadError(f"no such file or folder: {path_text(root)}")
        generation = self._store.generation()
        try:
            report = self._update(roots, rebuild, columns, progress)
            report.total = len(self)
            return report
        except IndexInterrupted:
            raise
        except KeyboardInterrupt:
            # After the commit (or during it): say truthfully whether the work reached the index.
            raise IndexInterrupted(self._store.generation() > generation) from None

    def _update(
        self, roots: list[Path], rebuild: bool, columns: list[str] | None, progress: Progress | None
    ) -> IndexReport:
        store = self._store
        report = IndexReport(rebuilt=rebuild)
        indexed = {} if rebuild else store.indexed_files()
        cache = {} if rebuild else store.load_cache()
        todo = plan(roots, indexed, cache)
        report.skipped.extend(todo.skipped)
        report.files_unchanged = len(todo.unchanged)
        new_cache: dict[str, CacheEntry | None] = dict(todo.unchanged)
        # Ids of articles whose files are read again or gone: they are deleted in this run, so free to reuse.
        leaving = {work.key for work in todo.read} | set(todo.remove)
        claimed: dict[str, str] = {}
        total_bytes = todo.bytes_to_read or 1
        done_bytes = 0
        writer = store.writer()
        try:
            for key in todo.remove:
                writer.delete_by_term("path", key)
                report.removed += indexed[key].count
                report.files_removed += 1
            for work in todo.read:

                def file_progress(
                    done: int, total: int, work: FileToRead = work, base: int = done_bytes
                ) -> None:
                    if progress:
                        progress(base + max(work.size, 1) * done // max(total, 1), total_bytes, work.key)

                file_progress(0, 1)
                try:
                    result = read_articles(work.file, work.root, columns, work.format)
                    articles = []
                    for article in result.articles:  # entity extraction is the slow part of reading
                        articles.append(enrich(article))
                        file_progress(len(articles), len(result.articles))
                except ReadError as exc:
                    report.skipped.append((work.key, str(exc)))
                    continue
                except (KeyboardInterrupt, MemoryError):
                    raise
                except Exception as exc:  # a reader bug on odd input: report the file, keep going
                    report.skipped.append((work.key, f"unexpected {type(exc).__name__}: {exc}"))
                    continue
                finally:
                    done_bytes += work.size
                report.files_read += 1
                counts = report.formats.setdefault(result.format, FormatCount())
                counts.files += 1
                counts.articles += len(articles)
                report.notes.extend((work.key, note) for note in result.notes)
                before = indexed[work.key].count if work.key in indexed else 0
                if before:
                    writer.delete_by_term("path", work.key)
                sig = filesig(work.key, result.size, result.digest)
                for article in articles:
                    article = self._claim_id(article, work.key, claimed, leaving, report, check=not rebuild)
                    writer.add_document(**to_document(article, sig))
                # A file that changed while it was read is hashed again next time.
                new_cache[work.key] = (
                    [work.mtime_ns, work.size, result.digest] if work.size == result.size else None
                )
                report.updated += min(before, len(articles))
                report.added += max(0, len(articles) - before)
                report.removed += max(0, before - len(articles))
        except BaseException as exc:
            raise store.cancel(writer, exc) from None
        store.commit(writer, rebuild=rebuild)
        if not rebuild:
            kept = {k: v for k, v in cache.items() if k in indexed and k not in todo.remove}
            new_cache = {**kept, **new_cache}
        store.save_cache({k: v for k, v in new_cache.items() if v})
        return report

    def _claim_id(
        self,
        article: Article,
        key: str,
        claimed: dict[str, str],
        leaving: set[str],
        report: IndexReport,
        *,
        check: bool,
    ) -> Article:
        """The article from file ``key``, with its path, under an id no other article holds (``check``: look in the
        index too); a note says when its own id was taken."""
        wanted = article.id
        candidate = wanted
        owner: str | None = None
        for attempt in range(1, 1000):
            owner = claimed.get(candidate)
            if owner is None and check:
                exists, path = self._store.id_owner(candidate)
                if exists and path not in leaving:
                    owner = path or "an article added through the API"
            if owner is None:
                break
            candidate = (
                f"{key}#{wanted}" if attempt == 1 and not wanted.startswith(key) else f"{wanted}~{attempt}"
            )
        if candidate != wanted:
            where = (
                "another article of this file" if claimed.get(wanted) == key else claimed.get(wanted) or owner
            )
            report.notes.append((key, f"id {wanted!r} is already used by {where}: indexed as {candidate!r}"))
        claimed[candidate] = key
        return dataclasses.replace(article, id=candidate, path=key)

    # -- reading -------------------------------------------------------------------------------------------

    def check(self) -> CheckReport:
        """Read every stored article and every posting list; report what cannot be read."""
        return self._store.check()

    def get(self, article_id: str) -> Article | None:
        """The stored article with this id, or None."""
        searcher = self._store.searcher()
        with self._store.guard():
            stored = searcher.document(id=article_id)
        return to_article(stored) if stored else None

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
    ) -> SearchResults:
        """Ranked search (BM25 over headline and body, with a bonus for headline and entity matches).

        See the README for the query syntax; with ``syntax=False`` the text is taken as plain words (no operators,
        phrases or fields). With ``snippets=False`` each hit's snippet is the lead of the story, which is faster.

        ``since``/``until`` bound the article date (inclusive): a ``datetime`` (naive ones are UTC), a ``date`` or
        text (``2020``, ``2020-01``, ``2020-01-10``; a partial ``until`` covers its whole period). ``sort`` is
        ``"relevance"``, ``"date"`` (newest first) or ``"oldest"``; by date, undated articles come last and each
        hit keeps its relevance score. A search that runs longer than ``timeout`` seconds is stopped. Raises
        QueryError for text or options that cannot be searched.
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
        )
