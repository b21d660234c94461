"""``NewsIndex``: create, update, check and search a newssearch index on disk.

An index is a Whoosh index directory plus ``newssearch.json`` (schema version, and whether the first build
finished). Every write happens in one Whoosh writer and becomes visible in one commit, so an interrupted or failed
run leaves the index as it was. Segments holding deleted documents are merged away at each commit, so that scores
depend on the articles in the index, not on the history of updates that put them there.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import re
import struct
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import TracebackType

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.collectors import TimeLimit, TimeLimitCollector
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import SegmentReader
from whoosh.writing import CLEAR, MERGE_SMALL

from newssearch import query as query_mod
from newssearch.dates import coerce_bound, from_utc_naive, to_utc_naive
from newssearch.errors import (
    IndexBusyError,
    IndexDamagedError,
    IndexIncompatibleError,
    IndexInterrupted,
    IndexNotFoundError,
    NewsSearchError,
    QueryError,
    ReadError,
)
from newssearch.highlight import body_highlighter, headline_highlighter, lead
from newssearch.models import (
    Article,
    CheckReport,
    FormatCount,
    Hit,
    IndexReport,
    SearchResults,
    Snippet,
)
from newssearch.readers import complete, discover, read_articles
from newssearch.sanitize import clean_article, path_text
from newssearch.schema import SCHEMA_VERSION, StableBM25F, build_schema

META_FILE = "newssearch.json"
#: A cache of each file's (mtime, size) when its content hash was last confirmed: spares hashing unchanged files.
FILES_CACHE = "newssearch-files.json"
SORTS = ("relevance", "date", "oldest")
MAX_LIMIT = 1000
WRITE_LOCK_TIMEOUT = 2.0
#: Seconds a search may take before it is stopped with a QueryError.
DEFAULT_TIMEOUT = 10.0
_INDEX_NAME = "MAIN"
_MISSING_DATE = 2**63  # Whoosh's sortable date column holds 2**64 - 1 for an article without a date
_LEFTOVERS = re.compile(rf"^_{_INDEX_NAME}_\d+\.toc\..+$")  # a TOC whose writer was killed mid-write
#: Errors Whoosh raises when its files are truncated or garbled. Opening an index reads its TOC and schema, where
#: damage shows up as almost anything; later reads fail in the ways of I/O, unpickling and decompression.
_DAMAGE_READING = (
    EOFError,
    OSError,
    MemoryError,
    OverflowError,
    UnicodeDecodeError,
    pickle.UnpicklingError,
    struct.error,
    zlib.error,
)
_DAMAGE_OPENING = (*_DAMAGE_READING, ValueError, IndexError, KeyError, TypeError, AttributeError, ImportError)

#: Called as ``progress(done, total, path)`` while files are read; ``done`` and ``total`` count bytes.
Progress = Callable[[int, int, str], None]


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


@dataclass
class _FileRecord:
    """What the index holds of one file: its size and content hash when read, and how many live articles."""

    size: int
    digest: str
    count: int


def _filesig(key: str, size: int, digest: str) -> str:
    # One term per file. Parsed from the right, so a tab in the file name cannot confuse it.
    return f"{key}\t{size}\t{digest}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _merge_deletions(writer, segments):
    """Merge policy: rewrite every segment that holds deleted documents (so no statistic counts them), then
    Whoosh's usual merging of small segments."""
    kept = []
    for segment in segments:
        if segment.has_deletions():
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
        else:
            kept.append(segment)
    return MERGE_SMALL(writer, kept)


def index_state(path: str | os.PathLike[str]) -> str:
    """What is at ``path``: ``"missing"`` (nothing, or an empty folder), ``"ready"``, ``"building"`` (a first
    build that has not finished: interrupted, or still running in another process), ``"unfinished"`` (creation
    was cut short) or ``"foreign"`` (a folder holding other files)."""
    path = Path(path)
    try:
        names = [name for name in os.listdir(path) if not name.startswith(".")]
    except FileNotFoundError:
        return "missing"
    except OSError:  # a file, or a folder that cannot be listed
        return "foreign"
    ours = re.compile(rf"^_?{_INDEX_NAME}[_.]|^{re.escape(META_FILE)}|^{re.escape(FILES_CACHE)}")
    if not names:
        return "missing"
    has_toc = any(re.match(rf"^_{_INDEX_NAME}_\d+\.toc$", name) for name in names)
    if META_FILE not in names:
        if has_toc:
            return "unfinished"
        return "foreign" if any(not ours.match(name) for name in names) else "missing"
    if not has_toc:
        return "unfinished"
    try:
        meta = json.loads((path / META_FILE).read_text())
    except (OSError, ValueError):
        return "ready"  # the version check says it is damaged
    return "building" if isinstance(meta, dict) and meta.get("complete") is False else "ready"


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
        self._lock = None  # the write lock, while this object holds it
        self._complete = True
        state = index_state(self.path)
        if state == "foreign":
            raise IndexNotFoundError(
                f"{self.path} is not a newssearch index (it holds other files); choose another --index folder"
            )
        if overwrite or (create and state in ("missing", "unfinished")):
            self._ix = self._create()
        elif state == "missing":
            raise IndexNotFoundError(f"no index at {self.path}")
        elif state in ("building", "unfinished") and not create and self._locked():
            raise IndexBusyError(
                f"the index at {self.path} is being built by another process; try again when it finishes"
            )
        elif state == "unfinished":
            raise IndexDamagedError(
                f"the index at {self.path} was never finished (its creation was interrupted); "
                "run `newssearch index` to build it"
            )
        else:
            self._complete = state != "building"
            self._check_version()
            with self._guard(_DAMAGE_OPENING):
                self._ix = whoosh_index.open_dir(str(self.path), indexname=_INDEX_NAME)

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
        """True when ``path`` holds an index (finished or not)."""
        return index_state(path) in ("ready", "building")

    @contextlib.contextmanager
    def _guard(self, damage: tuple[type[BaseException], ...] = _DAMAGE_READING) -> Iterator[None]:
        """Turn the errors of reading truncated or garbled index files into one IndexDamagedError."""
        try:
            yield
        except NewsSearchError:
            raise
        except damage as exc:
            detail = f"{type(exc).__name__}: {exc}"[:200]
            raise IndexDamagedError(
                f"the index at {self.path} is damaged ({detail}); rebuild it with `newssearch index --rebuild`"
            ) from None

    def _check_version(self) -> None:
        try:
            meta = json.loads((self.path / META_FILE).read_text())
        except OSError as exc:
            raise IndexDamagedError(f"cannot read {self.path / META_FILE}: {exc.strerror}") from None
        except ValueError:
            raise IndexDamagedError(
                f"the index at {self.path} is damaged ({META_FILE} is not valid JSON); "
                "rebuild it with `newssearch index --rebuild`"
            ) from None
        version = meta.get("schema_version") if isinstance(meta, dict) else None
        if not isinstance(version, int):
            raise IndexDamagedError(
                f"the index at {self.path} is damaged ({META_FILE} has no schema version); "
                "rebuild it with `newssearch index --rebuild`"
            )
        if version != SCHEMA_VERSION:
            raise IndexIncompatibleError(
                f"the index at {self.path} was built by another version of newssearch (schema {version}, this "
                f"one reads {SCHEMA_VERSION}); run `newssearch index --rebuild`"
            )

    def _write_meta(self, complete: bool) -> None:
        tmp = self.path / f"{META_FILE}.tmp"
        tmp.write_text(json.dumps({"schema_version": SCHEMA_VERSION, "complete": complete}) + "\n")
        os.replace(tmp, self.path / META_FILE)
        self._complete = complete

    def _create(self):
        """A new, empty index. The write lock is taken first and kept until the first commit (or ``close``), so
        another process sees an index that is being built, never one that looks finished or abandoned."""
        self.path.mkdir(parents=True, exist_ok=True)
        self._take_lock()
        with contextlib.suppress(FileNotFoundError):
            (self.path / FILES_CACHE).unlink()
        # The meta file last: a folder with Whoosh's files and no meta file is an unfinished creation.
        with contextlib.suppress(FileNotFoundError):
            (self.path / META_FILE).unlink()
        ix = whoosh_index.create_in(str(self.path), build_schema(), indexname=_INDEX_NAME)
        self._write_meta(complete=False)
        return ix

    def _lock_file(self):
        return FileStorage(str(self.path)).lock(f"{_INDEX_NAME}_WRITELOCK")

    def _take_lock(self) -> None:
        if self._lock is not None:
            return
        lock = self._lock_file()
        deadline = time.monotonic() + WRITE_LOCK_TIMEOUT
        while not lock.acquire(blocking=False):
            if time.monotonic() > deadline:
                raise IndexBusyError(
                    f"another process is writing to the index at {self.path}; try again when it finishes"
                )
            time.sleep(0.05)
        self._lock = lock

    def _drop_lock(self) -> None:
        if self._lock is not None:
            with contextlib.suppress(Exception):
                self._lock.release()
            self._lock = None

    def _locked(self) -> bool:
        """True when another writer (another process, or another object of this one) holds the write lock."""
        if self._lock is not None:
            return False
        lock = self._lock_file()
        try:
            if lock.acquire(blocking=False):
                lock.release()
                return False
        except OSError:
            return False
        return True

    # -- lifecycle -----------------------------------------------------------------------------------------

    def close(self) -> None:
        self._drop_lock()
        if self._searcher is not None:
            with contextlib.suppress(Exception):
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
        with self._guard(_DAMAGE_OPENING):
            if self._searcher is not None and not self._searcher.up_to_date():
                self._searcher.close()
                self._searcher = None
            if self._searcher is None:
                self._searcher = self._ix.searcher(weighting=StableBM25F())
        return self._searcher

    def __len__(self) -> int:
        return self._get_searcher().doc_count()

    # -- writing -------------------------------------------------------------------------------------------

    def _writer(self):
        """A Whoosh writer; this object holds the write lock (Whoosh's own locking is off) until commit or cancel."""
        self._take_lock()
        try:
            with self._guard():
                writer = self._ix.writer(limitmb=256, _lk=False)
        except BaseException:
            self._drop_lock()
            raise
        # Holding the lock: clear half-written TOC files that killed writers left behind.
        for name in os.listdir(self.path):
            if _LEFTOVERS.match(name):
                with contextlib.suppress(OSError):
                    (self.path / name).unlink()
        return writer

    def _commit(self, writer, *, rebuild: bool = False) -> None:
        """Commit, or cancel on any failure. An interrupt says whether the commit had reached the disk."""
        generation = self._ix.latest_generation()
        try:
            writer.commit(mergetype=CLEAR if rebuild else _merge_deletions)
            if not self._complete:
                self._write_meta(complete=True)
        except KeyboardInterrupt:
            committed = self._ix.latest_generation() > generation
            if not committed:
                with contextlib.suppress(Exception):
                    writer.cancel()
            raise IndexInterrupted(committed) from None
        except BaseException:
            with contextlib.suppress(Exception):
                writer.cancel()
            raise
        finally:
            self._drop_lock()

    def _cancel(self, writer, exc: BaseException) -> BaseException:
        with contextlib.suppress(Exception):
            writer.cancel()
        self._drop_lock()
        if isinstance(exc, KeyboardInterrupt) and not isinstance(exc, IndexInterrupted):
            return IndexInterrupted(False)
        return exc

    def add(self, articles: Iterable[Article], *, extract: bool = True) -> int:
        """Add or replace (by id) articles; returns how many were written.

        With ``extract`` (the default), the dateline place and source and the named entities are filled in where an
        article does not carry them, as ``update`` does for files. Control characters and terminal escape
        sequences are removed from every field.
        """
        batch: dict[str, Article] = {}
        for article in articles:
            article = clean_article(article)
            batch[article.id] = complete(article) if extract else article  # the last one of an id wins
        writer = self._writer()
        try:
            for article in batch.values():
                writer.update_document(**article_fields(article))
        except BaseException as exc:
            raise self._cancel(writer, exc) from None
        self._commit(writer)
        return len(batch)

    def delete(self, ids: Iterable[str]) -> int:
        """Delete articles by id; returns how many were deleted."""
        ids = list(ids)
        searcher = self._get_searcher()
        with self._guard():
            count = sum(1 for article_id in set(ids) if searcher.document_number(id=article_id) is not None)
        writer = self._writer()
        try:
            for article_id in set(ids):
                writer.delete_by_term("id", article_id)
        except BaseException as exc:
            raise self._cancel(writer, exc) from None
        self._commit(writer)
        return count

    def _indexed_files(self) -> dict[str, _FileRecord]:
        """Each indexed file, as recorded when it was read, with its number of live articles."""
        reader = self._get_searcher().reader()
        files = {}
        with self._guard():
            for term in reader.lexicon("filesig"):
                live = sum(1 for _ in reader.postings("filesig", term).all_ids())  # deleted ones are skipped
                if live:
                    key, size, digest = term.decode("utf-8").rsplit("\t", 2)
                    files[key] = _FileRecord(int(size), digest, live)
        return files

    def _id_owner(self, article_id: str) -> tuple[bool, str | None]:
        """Whether an article with this id is in the index, and the file it came from."""
        searcher = self._get_searcher()
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            return False, None
        return True, searcher.stored_fields(docnum).get("path")

    def _load_cache(self) -> dict[str, list]:
        try:
            cache = json.loads((self.path / FILES_CACHE).read_text())
            return cache if isinstance(cache, dict) else {}
        except (OSError, ValueError):
            return {}

    def _save_cache(self, cache: dict[str, list]) -> None:
        with contextlib.suppress(OSError):
            tmp = self.path / f"{FILES_CACHE}.tmp"
            tmp.write_text(json.dumps(cache))
            os.replace(tmp, self.path / FILES_CACHE)

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
        generation = self._ix.latest_generation()
        try:
            report = self._update(roots, rebuild, columns, progress)
            report.total = len(self)
            return report
        except IndexInterrupted:
            raise
        except KeyboardInterrupt:
            # After the commit (or during it): say truthfully whether the work reached the index.
            raise IndexInterrupted(self._ix.latest_generation() > generation) from None

    def _update(self, roots: list[Path], rebuild: bool, columns, progress) -> IndexReport:
        report = IndexReport(rebuilt=rebuild)
        indexed = {} if rebuild else self._indexed_files()
        cache = {} if rebuild else self._load_cache()
        new_cache: dict[str, list] = {}
        problems: list[tuple[Path, str]] = []
        found = list(discover(roots, problems))
        unreadable = []
        for path, reason in problems:
            report.skipped.append((path_text(path), reason))
            if path.is_dir():
                unreadable.append(path_text(path))
        seen = set()
        work = []
        for root, file in found:
            key = path_text(file)
            seen.add(key)
            try:
                stat = file.stat()
                stamp = [stat.st_mtime_ns, stat.st_size]
                record = indexed.get(key)
                if record and record.size == stat.st_size:
                    known = cache.get(key)
                    if known == [*stamp, record.digest] or _sha256(file) == record.digest:
                        report.files_unchanged += 1
                        new_cache[key] = [*stamp, record.digest]
                        continue
            except OSError as exc:
                report.skipped.append((key, exc.strerror or str(exc)))
                continue
            work.append((root, file, key, stamp))

        def under(key: str, folders: Iterable[str]) -> bool:
            return any(key.startswith(f"{folder}{os.sep}") for folder in folders)

        folders = [path_text(root) for root in roots if root.is_dir()]
        gone = [
            key for key in indexed if key not in seen and under(key, folders) and not under(key, unreadable)
        ]
        # Ids of articles whose files are read again or gone: they are deleted in this run, so free to reuse.
        leaving = {key for _, _, key, _ in work} | set(gone)
        claimed: dict[str, str] = {}
        total_bytes = sum(stamp[1] for *_, stamp in work) or 1
        done_bytes = 0
        searcher = None if rebuild else self._get_searcher()
        writer = self._writer()
        try:
            for key in gone:
                writer.delete_by_term("path", key)
                report.removed += indexed[key].count
                report.files_removed += 1
            for root, file, key, stamp in work:
                size = max(stamp[1], 1)

                def file_progress(done: int, total: int, key=key, size=size, base=done_bytes) -> None:
                    if progress:
                        progress(base + size * done // max(total, 1), total_bytes, key)

                file_progress(0, 1)
                try:
                    result = read_articles(file, root, columns, progress=file_progress)
                except ReadError as exc:
                    report.skipped.append((key, str(exc)))
                    continue
                except (KeyboardInterrupt, MemoryError):
                    raise
                except Exception as exc:  # a reader bug on odd input: report the file, keep going
                    report.skipped.append((key, f"unexpected {type(exc).__name__}: {exc}"))
                    continue
                finally:
                    done_bytes += stamp[1]
                report.files_read += 1
                counts = report.formats.setdefault(result.format, FormatCount())
                counts.files += 1
                counts.articles += len(result.articles)
                report.notes.extend((key, note) for note in result.notes)
                before = indexed[key].count if key in indexed else 0
                if before:
                    writer.delete_by_term("path", key)
                sig = _filesig(key, result.size, result.digest)
                for article in result.articles:
                    article.path = key
                    self._claim_id(article, key, claimed, leaving, report, searcher)
                    writer.add_document(**article_fields(article, sig))
                new_cache[key] = [*stamp, result.digest] if stamp[1] == result.size else None
                n = len(result.articles)
                report.updated += min(before, n)
                report.added += max(0, n - before)
                report.removed += max(0, before - n)
        except BaseException as exc:
            raise self._cancel(writer, exc) from None
        self._commit(writer, rebuild=rebuild)
        if not rebuild:
            new_cache = {**{k: v for k, v in cache.items() if k in indexed and k not in gone}, **new_cache}
        self._save_cache({k: v for k, v in new_cache.items() if v})
        return report

    def _claim_id(self, article, key, claimed, leaving, report, searcher) -> None:
        """Give the article an id no other article holds; note it when its own id was taken."""
        wanted = article.id
        candidate = wanted
        for attempt in range(1, 1000):
            owner = claimed.get(candidate)
            if owner is None and searcher is not None:
                with self._guard():
                    exists, path = self._id_owner(candidate)
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
        article.id = candidate

    # -- checking ------------------------------------------------------------------------------------------

    def check(self) -> CheckReport:
        """Read every stored article and every posting list; report what cannot be read."""
        report = CheckReport()
        with self._guard():
            searcher = self._get_searcher()
            readers = [r for r, _ in searcher.reader().leaf_readers()] or [searcher.reader()]
        for reader in readers:
            for docnum in range(reader.doc_count_all()):
                if reader.is_deleted(docnum):
                    continue
                try:
                    reader.stored_fields(docnum)
                    report.documents += 1
                except Exception as exc:
                    report.problems.append(f"stored article {docnum}: {type(exc).__name__}: {exc}"[:300])
            for fieldname in reader.indexed_field_names():
                try:
                    for term in reader.lexicon(fieldname):
                        try:
                            matcher = reader.postings(fieldname, term)
                            while matcher.is_active():
                                matcher.weight()
                                matcher.next()
                            report.terms += 1
                        except Exception as exc:
                            report.problems.append(
                                f"postings of {fieldname}:{term!r}: {type(exc).__name__}: {exc}"[:300]
                            )
                except Exception as exc:
                    report.problems.append(
                        f"word list of field {fieldname}: {type(exc).__name__}: {exc}"[:300]
                    )
        return report

    # -- reading -------------------------------------------------------------------------------------------

    def get(self, article_id: str) -> Article | None:
        """The stored article with this id, or None."""
        with self._guard():
            stored = self._get_searcher().document(id=article_id)
        return stored_to_article(stored) if stored else None

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
        text as the CLI takes it (``2020``, ``2020-01``, ``2020-01-10``; a partial ``until`` covers its whole
        period). ``sort`` is ``"relevance"``, ``"date"`` (newest first) or ``"oldest"``; by date, undated articles
        come last and each hit keeps its relevance score. A search that runs longer than ``timeout`` seconds is
        stopped. Raises QueryError for text or options that cannot be searched.
        """
        if sort not in SORTS:
            raise QueryError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
        if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
            raise QueryError(f"limit must be between 1 and {MAX_LIMIT}")
        if not isinstance(page, int) or page < 1:
            raise QueryError("page must be 1 or more")
        if not isinstance(text, str):
            raise QueryError("the query must be text")
        try:
            since_dt = coerce_bound(since)
            until_dt = coerce_bound(until, end=True)
            bounds = [to_utc_naive(d) if d else None for d in (since_dt, until_dt)]
        except (ValueError, OverflowError) as exc:
            raise QueryError(str(exc)) from None
        if since_dt and until_dt and since_dt > until_dt:
            raise QueryError("--since is after --until")
        deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
        searcher = self._get_searcher()
        with self._guard():
            prepared = query_mod.prepare(self._ix.schema, text, searcher.reader(), syntax=syntax)
            q = prepared.query
            if since_dt or until_dt:  # matched by both, scored by the words alone
                q = wq.Require(q, wq.DateRange("date", *bounds))
            results, total = self._collect(searcher, q, sort, page * limit, snippets, deadline)
        out = SearchResults(query=text, total=total, page=page, limit=limit, notes=list(prepared.notes))
        offset = (page - 1) * limit
        if offset >= total:
            return out
        results.highlighter = body_highlighter()
        headline_hl = headline_highlighter()
        for number, hit in enumerate(results[offset : offset + limit], 1):
            with self._guard():
                article = stored_to_article(hit.fields())
            snippet, titled = None, None
            if snippets and time.monotonic() < deadline:
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

    def _collect(self, searcher, q, sort, depth, terms, deadline):
        """Run the query: the scored results (sorted as asked) and the exact number of matching articles."""
        timeout = deadline - time.monotonic()
        if timeout <= 0:
            raise self._too_slow()
        by_date = sort != "relevance"
        # optimize=False: Whoosh's block-quality skipping trips an assertion inside Require (the date filter).
        filtered = isinstance(q, wq.Require)
        collector = searcher.collector(limit=None if by_date else depth, terms=terms, optimize=not filtered)
        if timeout != float("inf"):
            collector = TimeLimitCollector(collector, timeout, use_alarm=False)
        try:
            searcher.search_with_collector(q, collector)
        except TimeLimit:
            raise self._too_slow() from None
        finally:
            timer = getattr(collector, "timer", None)
            if timer is not None:
                timer.cancel()
        results = collector.results()
        if by_date:
            dates = searcher.reader().column_reader("date", translate=False)
            newest = sort == "date"

            def key(item):
                score, docnum = item
                value = dates[docnum]
                if value >= _MISSING_DATE:
                    return (1, 0, -score)
                return (0, -value if newest else value, -score)

            results.top_n = sorted(results.top_n, key=key)
            return results, len(results.top_n)
        return results, self._count(searcher, q, deadline)

    def _count(self, searcher, q, deadline) -> int:
        count = 0
        for count, _ in enumerate(searcher.docs_for_query(q), 1):
            if not count % 4096 and time.monotonic() > deadline:
                raise self._too_slow()
        return count

    @staticmethod
    def _too_slow() -> QueryError:
        return QueryError("the search took too long and was stopped: use more specific words")
