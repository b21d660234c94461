"""``NewsIndex``: create, update and search a newssearch index on disk.

An index is a Whoosh index directory plus ``newssearch.json`` (the schema version). Every write happens in one
Whoosh writer and becomes visible in one commit, so an interrupted or failed run leaves the index as it was.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from types import TracebackType

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.index import LockError
from whoosh.writing import CLEAR

from newssearch import query as query_mod
from newssearch.dates import from_utc_naive, to_utc_naive
from newssearch.errors import (
    IndexBusyError,
    IndexIncompatibleError,
    IndexNotFoundError,
    QueryError,
    ReadError,
)
from newssearch.highlight import body_highlighter, headline_highlighter, lead
from newssearch.models import Article, FormatCount, Hit, IndexReport, SearchResults, Snippet
from newssearch.readers import complete, discover, read_articles
from newssearch.schema import SCHEMA_VERSION, build_schema

META_FILE = "newssearch.json"
SORTS = ("relevance", "date")
MAX_LIMIT = 1000
WRITE_LOCK_TIMEOUT = 2.0

#: Called as ``progress(done, total, path)`` while files are read.
Progress = Callable[[int, int, str], None]


def _file_signature(path: Path) -> str:
    stat = path.stat()
    return f"{path}\t{stat.st_mtime_ns}\t{stat.st_size}"


def _clean_names(names: Iterable[str]) -> list[str]:
    # Commas separate values in the exact-match fields, so they cannot appear inside one.
    seen: dict[str, None] = {}
    for name in names:
        name = " ".join(name.replace(",", " ").split())
        if name:
            seen.setdefault(name, None)
    return list(seen)


def article_fields(article: Article, filesig: str | None = None) -> dict:
    """The Whoosh document for an article."""
    people = _clean_names(article.people)
    orgs = _clean_names(article.organizations)
    places = _clean_names(article.places)
    place = " ".join((article.place or "").replace(",", " ").split())
    doc = {
        "id": article.id,
        "headline": article.headline,
        "body": article.body,
        "content": f"{article.headline}\n{article.body}",
        "people": ",".join(people),
        "organizations": ",".join(orgs),
        "places": ",".join(places),
        "person_text": "\n".join(people),
        "org_text": "\n".join(orgs),
        "place_text": "\n".join([place, *places]) if place else "\n".join(places),
    }
    optional = {
        "path": article.path,
        "filesig": filesig,
        "source": article.source,
        "place": place or None,
        "topics": ",".join(_clean_names(article.metadata.get("topics", []))) or None,
        "metadata": article.metadata or None,
        "url": article.url,
        "author": article.author,
        "date": to_utc_naive(article.date) if article.date else None,
    }
    doc.update({key: value for key, value in optional.items() if value})
    return doc


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v]


def stored_to_article(stored: dict) -> Article:
    return Article(
        id=stored["id"],
        headline=stored.get("headline", ""),
        body=stored.get("body", ""),
        date=from_utc_naive(stored["date"]) if stored.get("date") else None,
        source=stored.get("source"),
        place=stored.get("place"),
        url=stored.get("url"),
        author=stored.get("author"),
        people=_split(stored.get("people")),
        organizations=_split(stored.get("organizations")),
        places=_split(stored.get("places")),
        path=stored.get("path"),
        metadata=stored.get("metadata") or {},
    )


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
        self._searcher = None
        if overwrite:
            self._ix = self._create()
        elif self.exists(self.path):
            self._check_version()
            self._ix = whoosh_index.open_dir(str(self.path))
        elif create:
            self._ix = self._create()
        else:
            raise IndexNotFoundError(f"no index at {self.path}")

    # -- opening and creating ------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> NewsIndex:
        """Open an existing index; raises IndexNotFoundError when there is none."""
        return cls(path)

    @classmethod
    def create(cls, path: str | os.PathLike[str], *, overwrite: bool = False) -> NewsIndex:
        """Open the index at ``path``, creating an empty one if there is none (or, with ``overwrite``, always)."""
        return cls(path, create=True, overwrite=overwrite)

    @staticmethod
    def exists(path: str | os.PathLike[str]) -> bool:
        path = Path(path)
        return path.is_dir() and whoosh_index.exists_in(str(path))

    def _check_version(self) -> None:
        try:
            meta = json.loads((self.path / META_FILE).read_text())
            version = meta.get("schema_version")
        except (OSError, ValueError, AttributeError):
            version = None
        if version != SCHEMA_VERSION:
            raise IndexIncompatibleError(
                f"the index at {self.path} was built by another version of newssearch; "
                "run `newssearch index --rebuild`"
            )

    def _create(self):
        self.path.mkdir(parents=True, exist_ok=True)
        ix = whoosh_index.create_in(str(self.path), build_schema())
        tmp = self.path / f"{META_FILE}.tmp"
        tmp.write_text(json.dumps({"schema_version": SCHEMA_VERSION}) + "\n")
        os.replace(tmp, self.path / META_FILE)
        return ix

    # -- lifecycle -----------------------------------------------------------------------------------------

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def __enter__(self) -> NewsIndex:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _get_searcher(self):
        # Not Searcher.refresh(): it fails on an index that has no segments yet.
        if self._searcher is not None and not self._searcher.up_to_date():
            self._searcher.close()
            self._searcher = None
        if self._searcher is None:
            self._searcher = self._ix.searcher()
        return self._searcher

    def __len__(self) -> int:
        return self._get_searcher().doc_count()

    # -- writing -------------------------------------------------------------------------------------------

    def _writer(self):
        try:
            return self._ix.writer(limitmb=256, timeout=WRITE_LOCK_TIMEOUT)
        except LockError:
            raise IndexBusyError(
                f"another process is writing to the index at {self.path}; try again later"
            ) from None

    def add(self, articles: Iterable[Article], *, extract: bool = True) -> int:
        """Add or replace (by id) articles; returns how many were written.

        With ``extract`` (the default), the dateline place and source and the named entities are filled in where an
        article does not carry them, as ``update`` does for files.
        """
        writer = self._writer()
        count = 0
        try:
            for article in articles:
                writer.update_document(**article_fields(complete(article) if extract else article))
                count += 1
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return count

    def delete(self, ids: Iterable[str]) -> int:
        """Delete articles by id; returns how many were deleted."""
        writer = self._writer()
        try:
            count = sum(writer.delete_by_term("id", article_id) for article_id in ids)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return count

    def _indexed_files(self) -> dict[str, str]:
        """Map each indexed file path to its signature as recorded when it was read."""
        reader = self._get_searcher().reader()
        files = {}
        for term in reader.lexicon("filesig"):
            sig = term.decode("utf-8")
            files[sig.split("\t", 1)[0]] = sig
        return files

    def update(
        self,
        paths: Iterable[str | os.PathLike[str]],
        *,
        rebuild: bool = False,
        columns: list[str] | None = None,
        progress: Progress | None = None,
    ) -> IndexReport:
        """Bring the index up to date with the article files under ``paths`` (files or folders).

        New and changed files are read, unchanged ones skipped, and files gone from a given folder removed from the
        index. With ``rebuild=True`` the index is emptied and everything read again. A file that cannot be read is
        reported in ``IndexReport.skipped`` and whatever was indexed from it before is kept. ``columns`` names the
        columns of CSV/TSV files that have no header row.
        """
        roots = [Path(p).resolve() for p in paths]
        for root in roots:
            if not root.exists():
                raise ReadError(f"no such file or folder: {root}")
        report = IndexReport(rebuilt=rebuild)
        indexed = {} if rebuild else self._indexed_files()
        found = list(discover(roots))
        seen = {str(file) for _, file in found}
        work = []
        for root, file in found:
            try:
                sig = _file_signature(file)
            except OSError as exc:
                report.skipped.append((str(file), exc.strerror or str(exc)))
                continue
            if indexed.get(str(file)) == sig:
                report.files_unchanged += 1
            else:
                work.append((root, file, sig))
        gone = [
            path
            for path in indexed
            if path not in seen
            and any(root.is_dir() and path.startswith(f"{root}{os.sep}") for root in roots)
        ]
        searcher = self._get_searcher()
        writer = self._writer()
        try:
            for path in gone:
                report.removed += writer.delete_by_term("path", path)
                report.files_removed += 1
            for done, (root, file, sig) in enumerate(work, 1):
                if progress:
                    progress(done, len(work), str(file))
                try:
                    result = read_articles(file, root, columns)
                except ReadError as exc:
                    report.skipped.append((str(file), str(exc)))
                    continue
                except Exception as exc:  # a reader bug on odd input: report the file, keep going
                    report.skipped.append((str(file), f"unexpected {type(exc).__name__}: {exc}"))
                    continue
                report.files_read += 1
                counts = report.formats.setdefault(result.format, FormatCount())
                counts.files += 1
                counts.articles += len(result.articles)
                report.notes.extend((str(file), note) for note in result.notes)
                before = 0 if rebuild else searcher.doc_frequency("path", str(file))
                if before:
                    writer.delete_by_term("path", str(file))
                for article in result.articles:
                    writer.update_document(**article_fields(article, sig))
                n = len(result.articles)
                report.updated += min(before, n)
                report.added += max(0, n - before)
                report.removed += max(0, before - n)
            # With rebuild, the old segments are dropped only now, when the new ones are committed.
            writer.commit(mergetype=CLEAR) if rebuild else writer.commit()
        except BaseException:
            writer.cancel()
            raise
        report.total = len(self)
        return report

    # -- reading -------------------------------------------------------------------------------------------

    def get(self, article_id: str) -> Article | None:
        """The stored article with this id, or None."""
        stored = self._get_searcher().document(id=article_id)
        return stored_to_article(stored) if stored else None

    def search(
        self,
        text: str,
        limit: int = 10,
        page: int = 1,
        since: datetime | None = None,
        until: datetime | None = None,
        sort: str = "relevance",
        *,
        syntax: bool = True,
        snippets: bool = True,
    ) -> SearchResults:
        """Ranked search (BM25 over headline and body, with a bonus for headline and entity matches).

        See the README for the query syntax; with ``syntax=False`` the text is taken as plain words (no operators,
        phrases or fields). With ``snippets=False`` each hit's snippet is the lead of the story, which is faster.

        ``since``/``until`` bound the article date (inclusive); ``sort`` is ``"relevance"`` or ``"date"`` (newest
        first). Raises QueryError for text or options that cannot be searched.
        """
        if sort not in SORTS:
            raise QueryError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
        if not 1 <= limit <= MAX_LIMIT:
            raise QueryError(f"limit must be between 1 and {MAX_LIMIT}")
        if page < 1:
            raise QueryError("page must be 1 or more")
        if since and until and since > until:
            raise QueryError("--since is after --until")
        searcher = self._get_searcher()
        q = query_mod.parse(
            query_mod.make_parser(self._ix.schema), text if syntax else query_mod.plain_words(text)
        )
        date_filter = None
        if since or until:
            date_filter = wq.DateRange(
                "date", to_utc_naive(since) if since else None, to_utc_naive(until) if until else None
            )
        kwargs = {"sortedby": "date", "reverse": True} if sort == "date" else {}
        try:
            results = searcher.search_page(
                q, page, pagelen=limit, filter=date_filter, terms=snippets, **kwargs
            )
        except ValueError as exc:
            raise QueryError(f"cannot run query: {exc}") from None
        results.results.highlighter = body_highlighter()
        out = SearchResults(query=text, total=results.total, page=page, limit=limit)
        offset = (page - 1) * limit
        if offset >= results.total:
            return out
        headline_hl = headline_highlighter()
        for number, hit in enumerate(results, 1):
            stored = hit.fields()
            article = stored_to_article(stored)
            snippet, titled = None, None
            if snippets:
                # The body's words are indexed in "content": highlight it with that field's matched terms.
                snippet = hit.highlights("content", text=article.body, top=2)
                titled = headline_hl.highlight_hit(hit, "headline", top=1) or headline_hl.highlight_hit(
                    hit, "content", text=article.headline, top=1
                )
            out.hits.append(
                Hit(
                    rank=offset + number,
                    id=article.id,
                    score=float(hit.score or 0.0),
                    headline=article.headline,
                    snippet=snippet if isinstance(snippet, Snippet) else lead(article.body),
                    headline_highlights=titled.highlights if isinstance(titled, Snippet) else [],
                    date=article.date,
                    source=article.source,
                    place=article.place,
                    url=article.url,
                    author=article.author,
                    path=article.path,
                    people=article.people,
                    organizations=article.organizations,
                    places=article.places,
                )
            )
        return out
