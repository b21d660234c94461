"""The index on disk: Whoosh's files, newssearch's meta file, the write lock, writers and commits.

An index is a Whoosh index directory plus ``newssearch.json`` (schema version, and whether the first build
finished). Every write happens in one Whoosh writer and becomes visible in one commit, so an interrupted or failed
run leaves the index as it was. A segment is merged away once a quarter of it is deleted; until then scores leave
its deleted documents out (``schema.StableBM25F``), so they depend on the articles in the index, not on the history
of updates that put them there.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import struct
import time
import traceback
import weakref
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.searching import Searcher
from whoosh.writing import CLEAR, SegmentWriter

from newssearch.engine import diskfiles, safeload
from newssearch.engine.diskfiles import FILES_CACHE, INDEX_NAME, META_FILE, index_state, lock_timeout
from newssearch.engine.documents import CacheEntry, FileRecord, parse_filesig
from newssearch.engine.schema import SCHEMA_VERSION, StableBM25F, build_schema
from newssearch.engine.searchers import DEFAULT_SIZE, Searchers
from newssearch.engine.segments import check_reader, duplicate_ids, merge_policy, tidy_policy
from newssearch.errors import (
    IndexBusyError,
    IndexDamagedError,
    IndexIncompatibleError,
    IndexInterrupted,
    IndexNotFoundError,
    IndexUnfinishedError,
    NewsSearchError,
    NotAnIndexError,
)
from newssearch.reports import CheckReport

#: Errors Whoosh raises when its files are truncated or garbled. Opening an index reads its TOC and schema, where
#: damage shows up as almost anything; later reads fail in the ways of I/O, unpickling and decompression.
DAMAGE_READING: tuple[type[BaseException], ...] = (
    EOFError,
    OSError,
    MemoryError,
    OverflowError,
    UnicodeDecodeError,
    pickle.UnpicklingError,
    struct.error,
    zlib.error,
)
DAMAGE_OPENING = (*DAMAGE_READING, ValueError, IndexError, KeyError, TypeError, AttributeError, ImportError)


_COMMITS = [0]


def commit_count() -> int:
    """How many commits this process has made: an interrupt that comes after a run's commit (while it closes
    the index, say) can tell from it that the work reached the index."""
    return _COMMITS[0]


class Store:
    """One index folder, opened (or created) for reading and writing."""

    cluster: Any = None  # a Dask client whose workers write a sharded index's shards (``shardwriter.py``)
    fanout: Any = None  # the workers that search a sharded index's shards at once (``fanout.py``)

    def __init__(
        self,
        path: Path,
        *,
        create: bool = False,
        overwrite: bool = False,
        lock_timeout: float | None = None,
        searchers: int = DEFAULT_SIZE,
    ):
        self.path = path
        self.lock_timeout = lock_timeout
        # Not Searcher.refresh() (it fails on an index with no segments yet); weakly: the pool keeps no files alive.
        store = weakref.ref(self)
        self.searchers = Searchers(lambda: store()._ix.searcher(weighting=StableBM25F()), searchers)  # type: ignore[union-attr]
        self._lock: Any = None  # the write lock, while this object holds it
        self._complete, self.commits = True, 0  # commits: made by ``commit`` (not checkpoints)
        self._intact: set[str] = set()  # segment files whose checksums were confirmed
        state = index_state(self.path)
        if state == "special":
            names = ", ".join(diskfiles.special_files(self.path)[:3])
            raise safeload.IndexUntrustedError(
                f"not an index newssearch wrote: refuses to read {names} (a link or a special file, not a plain file)"
            ).at(path)
        if state == "foreign":
            raise NotAnIndexError(diskfiles.not_ours(self.path))
        if overwrite or (create and state in ("missing", "unfinished")):
            self._ix = self._create(overwrite)
        elif state == "missing":
            raise IndexNotFoundError(f"no index at {self.path}")
        elif state in ("building", "unfinished") and not create and self._locked():
            raise IndexBusyError(
                f"the index at {self.path} is being built by another process; try again when it finishes"
            )
        elif state == "unfinished":
            raise IndexUnfinishedError(
                f"the index at {self.path} was never finished (its creation was interrupted)"
            )
        else:
            self._ix = self._open(state)

    def _open(self, state: str) -> whoosh_index.FileIndex:
        self._complete = state != "building"
        self._check_version()
        with self.guard(DAMAGE_OPENING):
            return safeload.open_dir(self.path, INDEX_NAME)  # schema from code, checked

    @contextlib.contextmanager
    def guard(
        self, damage: tuple[type[BaseException], ...] = DAMAGE_READING, *, writing: bool = False
    ) -> Iterator[None]:
        """Turn the errors of reading truncated or garbled index files (or of Whoosh's file formats) into one
        IndexDamagedError, and the system's refusals (no permission, a full disk) into IndexAccessError."""
        try:
            yield
        except NewsSearchError as exc:
            raise exc.at(self.path) if isinstance(exc, safeload.IndexUntrustedError) else exc  # noqa: B904
        except Exception as exc:
            if diskfiles.refused(exc):
                raise diskfiles.refusal(self.path, exc, writing=writing) from None
            if not isinstance(exc, damage) and not diskfiles.from_storage(exc):
                raise
            detail = f"{type(exc).__name__}: {exc}"[:200]
            raise IndexDamagedError(f"the index at {self.path} is damaged ({detail})") from None

    def _check_version(self) -> None:
        try:
            with self.guard(()):  # a refused read (no permission, say) is no damage
                meta = json.loads((self.path / META_FILE).read_text())
        except ValueError:
            raise IndexDamagedError(
                f"the index at {self.path} is damaged ({META_FILE} is not valid JSON)"
            ) from None
        version = meta.get("schema_version") if isinstance(meta, dict) else None
        if not isinstance(version, int):
            raise IndexDamagedError(
                f"the index at {self.path} is damaged ({META_FILE} has no schema version)"
            )
        if version != SCHEMA_VERSION:
            raise IndexIncompatibleError(
                f"the index at {self.path} was built by another version of newssearch (schema {version}, this "
                f"one reads {SCHEMA_VERSION})"
            )

    def _write_meta(self, complete: bool) -> None:
        tmp = self.path / f"{META_FILE}.tmp"
        tmp.write_text(json.dumps({"schema_version": SCHEMA_VERSION, "complete": complete}) + "\n")
        os.replace(tmp, self.path / META_FILE)
        self._complete = complete

    def _create(self, overwrite: bool = True) -> whoosh_index.FileIndex:
        """A new, empty index. The write lock is taken first and kept until the first commit (or ``close``), so
        another process sees an index that is being built, never one that looks finished or abandoned."""
        with self.guard((), writing=True):
            self.path.mkdir(parents=True, exist_ok=True)
            self._take_lock()
            state = index_state(self.path)
            if not overwrite and state in ("ready", "building"):  # another process created it meanwhile
                try:
                    return self._open(state)
                except BaseException:
                    self._drop_lock()
                    raise
            diskfiles.clear(self.path)  # a sharded index's folders too
            ix = whoosh_index.create_in(str(self.path), build_schema(), indexname=INDEX_NAME)
            self._write_meta(complete=False)
        return ix

    # -- the write lock ------------------------------------------------------------------------------------

    def _lock_file(self) -> Any:
        return FileStorage(str(self.path)).lock(f"{INDEX_NAME}_WRITELOCK")

    def _take_lock(self) -> None:
        if self._lock is not None:
            return
        lock = self._lock_file()
        deadline = time.monotonic() + lock_timeout(self.lock_timeout)
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

    def close(self) -> None:
        self._drop_lock()
        self.searchers.close()

    # -- reading -------------------------------------------------------------------------------------------

    def searcher(self) -> Searcher:
        """This thread's searcher (``searchers.Searchers.current``): reads borrow one with ``searchers.borrow()``."""
        with self.guard(DAMAGE_OPENING):
            searcher: Searcher = self.searchers.current()
        return searcher

    def generation(self) -> int:
        generation: int = self._ix.latest_generation()
        return generation

    def indexed_files(self) -> dict[str, FileRecord]:
        """Each indexed file, as recorded when it was read, with its number of live articles."""
        counts: dict[bytes, int] = {}
        with self.guard():
            for reader, _ in self.searcher().reader().leaf_readers():
                # The files of the segment's deleted articles (their stored path is the file's key): only their
                # terms may count deleted articles, so only theirs are counted one posting at a time.
                deleted = [d for d in range(reader.doc_count_all()) if reader.is_deleted(d)]
                changed = {reader.stored_fields(d).get("path") for d in deleted}
                for term, info in reader.iter_field("filesig"):
                    live = info.doc_frequency()
                    if changed and (None in changed or parse_filesig(term.decode("utf-8"))[0] in changed):
                        live = sum(
                            1 for _ in reader.postings("filesig", term).all_ids()
                        )  # skips deleted ones
                    counts[term] = counts.get(term, 0) + live
        files: dict[str, FileRecord] = {}
        for term, live in counts.items():
            if live:
                key, size, digest = parse_filesig(term.decode("utf-8"))
                # A file indexed in parts (appended to, or a build's checkpoint between its parts) holds one
                # signature a part: the index has the file up to the largest.
                held = files.get(key, FileRecord(-1, "", 0))
                files[key] = FileRecord(*max((size, digest), (held.size, held.digest)), held.count + live)
        return files

    def id_owner(self, article_id: str) -> tuple[bool, str | None]:
        """Whether an article with this id is in the index, and the file it came from."""
        searcher = self.searcher()
        with self.guard():
            docnum = searcher.document_number(id=article_id)
            if docnum is None:
                return False, None
            return True, searcher.stored_fields(docnum).get("path")

    def load_cache(self) -> dict[str, CacheEntry]:
        try:
            cache = json.loads((self.path / FILES_CACHE).read_text())
            return cache if isinstance(cache, dict) else {}
        except (OSError, ValueError):
            return {}

    def save_cache(self, cache: dict[str, CacheEntry]) -> None:
        tmp = self.path / f"{FILES_CACHE}.tmp"
        try:
            tmp.write_text(json.dumps(cache))
            os.replace(tmp, self.path / FILES_CACHE)
        except OSError:  # the cache only spares work
            tmp.unlink(missing_ok=True)

    # -- writing -------------------------------------------------------------------------------------------

    def writer(self, *, verify: bool = True) -> SegmentWriter:
        """A Whoosh writer; this object holds the write lock (Whoosh's own locking is off) until commit or cancel.
        Leftovers of failed writes are swept first; with ``verify`` a segment file changed on disk is damage."""
        with self.guard((), writing=True):
            self._take_lock()
        try:
            live = self._sweep()
            with self.guard(()):
                changed = diskfiles.changed(self.path, INDEX_NAME, live or (), self._intact) if verify else []
            if changed:
                raise IndexDamagedError(f"the index at {self.path} is damaged ({changed[0]})")
            with self.guard(writing=True):
                from newssearch.engine.writer import ColumnWriter  # not loaded by a command that only reads

                writer = ColumnWriter(self._ix, limitmb=128, _lk=False)
            # Another process may have finished the first build while this one waited.
            self._complete = self._complete or index_state(self.path) != "building"
        except BaseException:
            self._drop_lock()
            raise
        return writer

    def _sweep(self) -> set[str] | None:
        """Holding the write lock: remove what no TOC references; the live segment ids (None: TOC unreadable)."""
        try:
            live = {segment.segment_id() for segment in self._ix._read_toc().segments}
        except Exception:
            live = None
        diskfiles.sweep(self.path, INDEX_NAME, live)
        return live

    def _discard(self, writer: SegmentWriter, committed: bool, exc: BaseException) -> None:
        """After a failed write, holding the lock: the writer's files go, whatever Whoosh's cancel managed. The
        failure's frames are cleared first: Whoosh's readers of sorted runs close while their files are there."""
        traceback.clear_frames(exc.__traceback__)
        with contextlib.suppress(Exception):
            if not committed:
                writer.cancel()
        self._sweep()

    building = property(lambda self: not self._complete)  # a first build not finished (its meta file says so)

    def _commit_writer(self, writer: SegmentWriter, mergetype: Any) -> None:
        """The writer's work committed, seen by the next read, its segment's files summed."""
        writer.commit(mergetype=mergetype)
        _COMMITS[0] += 1
        self.searchers.refresh()
        diskfiles.record(self.path, INDEX_NAME, writer.newsegment.segment_id())

    def checkpoint(self, writer: SegmentWriter) -> SegmentWriter:
        """A first build's work so far committed, and a new writer under the same lock (still "building")."""
        try:
            self._commit_writer(writer, merge_policy)
        except BaseException as exc:
            raise self.cancel(writer, exc) from None
        return self.writer()

    def interrupted(self, committed: bool) -> IndexInterrupted:
        """An interrupt: whether the commit was made; the stories committed by a first build's checkpoints."""
        kept = None
        with contextlib.suppress(Exception):  # unreadable: the message says nothing of them
            kept = None if committed or self._complete else int(self._ix.doc_count())
        return IndexInterrupted(committed, checkpointed=kept)

    def commit(self, writer: SegmentWriter, *, rebuild: bool = False, tidy: bool = False) -> None:
        """Commit (``tidy``: ``segments.tidy_policy``), or cancel and remove its files on any failure."""
        generation = self.generation()
        try:
            self._commit_writer(writer, CLEAR if rebuild else tidy_policy if tidy else merge_policy)
            self.commits += 1
            if not self._complete:
                self._write_meta(complete=True)
        except BaseException as exc:
            committed = self.generation() > generation
            self._discard(writer, committed, exc)
            if isinstance(exc, KeyboardInterrupt):
                raise self.interrupted(committed) from None
            raise diskfiles.refusal(self.path, exc, writing=True, unchanged=not committed) from None
        finally:
            self._drop_lock()

    @staticmethod
    def forget(writer: SegmentWriter, position: int) -> None:
        """Delete a document the writer added, by its number in the new segment (an id given twice in one add)."""
        writer.newsegment.delete_document(position)

    def cancel(self, writer: SegmentWriter, exc: BaseException) -> BaseException:
        """Cancel the writer after ``exc`` and remove its files; returns the exception to raise (an interrupt says
        nothing was committed; a refusal of the system is IndexAccessError)."""
        self._discard(writer, False, exc)
        self._drop_lock()
        if isinstance(exc, KeyboardInterrupt) and not isinstance(exc, IndexInterrupted):
            return self.interrupted(False)
        return diskfiles.refusal(self.path, exc, writing=True)

    # -- checking ------------------------------------------------------------------------------------------

    def check(self) -> CheckReport:
        """Read every stored article and every posting list; report what cannot be read, and duplicate ids."""
        report = CheckReport()
        with self.guard():
            searcher = self.searcher()
            readers = [r for r, _ in searcher.reader().leaf_readers()] or [searcher.reader()]
            live = {segment.segment_id() for segment in self._ix._read_toc().segments}
            report.problems.extend(diskfiles.changed(self.path, INDEX_NAME, live))
            ids: Counter[str] = Counter()
            for reader in readers:  # a refusal to load a pickle is raised at the folder (guard)
                check_reader(reader, report, ids)
        report.problems.extend(duplicate_ids(ids))
        return report
