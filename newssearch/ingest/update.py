"""An update: what the plan says to read is read, enriched, given unique ids and written in one commit."""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from newssearch import values
from newssearch.engine import CacheEntry, Snapshot, Store, filesig, index_state, remove_created, to_document
from newssearch.errors import IndexDamagedError, IndexIncompatibleError, ReadError
from newssearch.extract.enrich import enrich
from newssearch.ingest.grouping import Grouper
from newssearch.ingest.plan import FileToRead, plan
from newssearch.ingest.readers import FileResult, read_articles
from newssearch.models import Article
from newssearch.reports import FormatCount, IndexReport
from newssearch.text.sanitize import path_text
from newssearch.values import PathLike

#: Called as ``progress(done, total, path)`` while files are read; ``done`` and ``total`` count bytes.
Progress = Callable[[int, int, str], None]
#: Files are read and enriched in worker processes when there are at least two and this many bytes to read
#: (fewer are done here: starting workers would cost more than it saves).
PARALLEL_MIN_BYTES = 2_000_000
#: Files go to a worker in batches of about this many bytes: one round trip per batch, not per file.
BATCH_BYTES = 256_000
#: At most about this many bytes read ahead of the writer, so that results waiting to be written stay small.
READ_AHEAD_BYTES = 16_000_000
#: One worker keeps up with the writer (Whoosh's analysis and writing is the larger part); more only compete
#: with it for the cores (measured on 2 cores: BBC 6.1 s with one worker, 6.6 s with two, 8.8 s with none).
MAX_WORKERS = 1
#: A first build commits what it has written (a checkpoint) after the file that brings this many stories, or
#: this many seconds, since the last: a build cut short loses no more, and the next run reads only what is left.
#: Each checkpoint is a segment, and queries cost more the more segments an index has (Reuters-21578 in 5
#: segments: 20% slower than in one), so checkpoints come about once a minute of work at today's rate.
CHECKPOINT_STORIES = 25_000
CHECKPOINT_SECONDS = 60.0


def check_paths(paths: PathLike | Iterable[PathLike]) -> list[Path]:
    """The paths resolved (one path given alone is one path); ReadError names the first that does not exist
    (before anything is written), TypeError anything that is not a path."""
    given = values.paths(paths)
    if any(os.fspath(p) == "" for p in given):  # Path("") is the current folder: not what was meant
        raise ReadError("an empty path names no file or folder")
    roots = [Path(p).resolve() for p in given]
    for root in roots:
        if not root.exists():
            raise ReadError(f"no such file or folder: {path_text(root)}")
    return roots


def check_columns(columns: str | Iterable[str] | None) -> list[str] | None:
    """The column names of a header-less CSV/TSV file (one text is one name); TypeError for anything else."""
    return None if columns is None else values.texts(columns, "columns")


def rebuild(
    create: Callable[..., Any],
    path: str | os.PathLike[str],
    paths: PathLike | Iterable[PathLike],
    columns: str | Iterable[str] | None,
    progress: Progress | None,
) -> IndexReport:
    """``NewsIndex.rebuild``: ``create`` is ``NewsIndex.create``."""
    roots, names = check_paths(paths), check_columns(columns)  # before anything is created or emptied
    location = Path(path)
    existed, fresh = location.exists(), index_state(location) == "missing"
    try:
        index = create(path)
    except (IndexIncompatibleError, IndexDamagedError):
        index = create(path, overwrite=True)
    try:
        with index:
            report: IndexReport = index.update(roots, rebuild=True, columns=names, progress=progress)
            return report
    except IndexDamagedError:  # damage found only while reading it: start afresh
        with create(path, overwrite=True) as index:
            report = index.update(roots, rebuild=True, columns=names, progress=progress)
            return report
    except ReadError:  # nothing could be read: a location that held no index is left as it was
        if fresh:
            remove_created(location, existed)
        raise


def update(
    store: Store, roots: list[Path], rebuild: bool, columns: list[str] | None, progress: Progress | None
) -> IndexReport:
    """Plan, read, enrich and write (see ``NewsIndex.update``), all under the write lock: a run that waited for
    another plans after its commit and does only what is left. One commit, but for a first build: it commits in
    checkpoints (``CHECKPOINT_STORIES``, ``CHECKPOINT_SECONDS``) and a run cut short is resumed after the last
    one. A rebuild that could read no file at all is refused, so that the index is not emptied by mistake."""
    report = IndexReport(rebuilt=rebuild)
    # The write lock first: the plan sees every commit made before it was taken (a rebuild reads nothing of it).
    writer = store.writer(verify=not rebuild)
    results = grouper = None
    try:
        indexed = {} if rebuild else store.indexed_files()
        cache = {} if rebuild else store.load_cache()
        todo = plan(roots, indexed, cache)
        report.skipped.extend(todo.skipped)
        report.files_unchanged = len(todo.unchanged)
        new_cache: dict[str, CacheEntry | None] = dict(todo.unchanged)
        # Ids of articles whose files are read again or gone: they are deleted in this run, so free to reuse.
        leaving = {work.key for work in todo.read} | set(todo.remove)
        claimed: dict[str, str] = {}
        first = store.building and not rebuild  # a first build, perhaps resumed: checkpoints
        grouper = Grouper(None if rebuild or first else Snapshot.of(store), leaving, folder=str(store.path))
        if first:
            _resume(Snapshot.of(store), list(todo.unchanged), leaving, grouper, claimed)
        check = not rebuild and not first and Snapshot.of(store).doc_count() > 0  # else no id to look up
        total_bytes = todo.bytes_to_read or 1

        def file_progress(done: int, key: str) -> None:
            if progress:
                progress(done, total_bytes, key)

        def cache_now() -> dict[str, CacheEntry]:
            kept = (
                {} if rebuild else {k: v for k, v in cache.items() if k in indexed and k not in todo.remove}
            )
            return {k: v for k, v in {**kept, **new_cache}.items() if v}

        results = _read_all(todo.read, columns, file_progress)
        for key in todo.remove:
            writer.delete_by_term("path", key)
            report.removed += indexed[key].count
            report.files_removed += 1
        since, written = time.monotonic(), 0  # the last checkpoint, and the stories written after it
        for work, result in results:
            if isinstance(result, str):
                report.skipped.append((work.key, result))
                continue
            articles = result.articles
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
                article = _claim_id(store, article, work.key, claimed, leaving, report, check=check)
                writer.add_document(**to_document(article, sig), **grouper.fields(article))
            # A file that changed while it was read is hashed again next time.
            new_cache[work.key] = (
                [work.mtime_ns, work.size, result.digest] if work.size == result.size else None
            )
            report.updated += min(before, len(articles))
            report.added += max(0, len(articles) - before)
            report.removed += max(0, before - len(articles))
            written += len(articles)
            if first and (written >= CHECKPOINT_STORIES or time.monotonic() - since >= CHECKPOINT_SECONDS):
                writer = store.checkpoint(writer)  # after a whole file: a file is in the index whole or not
                store.save_cache(cache_now())
                since, written = time.monotonic(), 0
        if rebuild and not report.files_read:
            where = ", ".join(path_text(root) for root in roots)
            raise ReadError(f"no article file could be read in {where}: the index is as it was")
    except BaseException as exc:
        if results is not None:
            results.close()  # stops the workers, if any
        raise store.cancel(writer, exc) from None
    finally:
        if grouper is not None:
            grouper.close()
    store.commit(writer, rebuild=rebuild)
    store.save_cache(cache_now())
    return report


def _resume(
    index: Snapshot, order: list[str], leaving: set[str], grouper: Grouper, claimed: dict[str, str]
) -> None:
    """A first build resumed after a checkpoint: the stories its checkpoints committed are given to the grouper
    and their ids claimed in the order a build run at once wrote them (by file, in ``order``, then in the file),
    so that the rest is grouped and named as that build would."""
    if not index.doc_count():
        return
    position = {key: n for n, key in enumerate(order)}
    stories = []
    for docnum in index.live():
        path: str = index.stored(docnum).get("path") or ""  # "": added through the API, in no file
        if path not in leaving:
            stories.append((position.get(path, len(order)), docnum))
    for _, docnum in sorted(stories):
        stored = index.stored(docnum)
        grouper.remember(stored)
        claimed[stored["id"]] = stored.get("path") or "an article added through the API"


def _claim_id(
    store: Store,
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
            exists, path = store.id_owner(candidate)
            if exists and path not in leaving:
                owner = path or "an article added through the API"
        if owner is None:
            break
        candidate = (
            f"{key}#{wanted}" if attempt == 1 and not wanted.startswith(key) else f"{wanted}~{attempt}"
        )
    if candidate != wanted:
        where = "another article of this file" if claimed.get(wanted) == key else claimed.get(wanted) or owner
        report.notes.append((key, f"id {wanted!r} is already used by {where}: indexed as {candidate!r}"))
    claimed[candidate] = key
    return dataclasses.replace(article, id=candidate, path=key)


def _read(
    work: FileToRead, columns: list[str] | None, progress: Callable[[int, int], None] | None = None
) -> FileResult | str:
    """The file read, its articles enriched; or why it was skipped."""
    try:
        result = read_articles(work.file, work.root, columns, work.format)
        articles = []
        for article in result.articles:  # entity extraction is the slow part of reading
            articles.append(enrich(article))
            if progress:
                progress(len(articles), len(result.articles))
    except ReadError as exc:
        return str(exc)
    except (KeyboardInterrupt, MemoryError):
        raise
    except Exception as exc:  # a reader bug on odd input: report the file, keep going
        return f"unexpected {type(exc).__name__}: {exc}"
    return dataclasses.replace(result, articles=articles)


def _workers(works: list[FileToRead]) -> int:
    """How many worker processes read and enrich ``works`` (0: this process does)."""
    if len(works) < 2 or sum(w.size for w in works) < PARALLEL_MIN_BYTES or sys.platform != "linux":
        return 0
    return MAX_WORKERS if (os.cpu_count() or 1) > 1 else 0


def _read_all(
    works: list[FileToRead], columns: list[str] | None, progress: Callable[[int, str], None]
) -> Generator[tuple[FileToRead, FileResult | str], None, None]:
    """Each file with what reading it gave, in order; ``progress(bytes done, key)`` as it goes."""
    done = 0
    workers = _workers(works)
    if not workers:
        for work in works:

            def file_progress(n: int, total: int, work: FileToRead = work, base: int = done) -> None:
                progress(base + max(work.size, 1) * n // max(total, 1), work.key)

            file_progress(0, 1)
            yield work, _read(work, columns, file_progress)
            done += work.size
        return
    with contextlib.closing(_read_in_workers(works, columns, workers)) as results:
        for work, result in results:
            done += work.size
            progress(done, work.key)
            yield work, result


def _read_in_workers(
    works: list[FileToRead], columns: list[str] | None, workers: int
) -> Generator[tuple[FileToRead, FileResult | str], None, None]:
    """``_read`` of each file in forked worker processes, a bounded number ahead; the results in file order.
    The workers are stopped when the generator is closed (an interrupt or an error of the writer)."""
    for stream in (sys.stdout, sys.stderr):  # a child must not write out a copy of what is buffered
        with contextlib.suppress(Exception):
            stream.flush()
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(
        workers, mp_context=context, initializer=_worker_start, initargs=(os.getpid(),)
    )
    finished = False
    try:
        queue: deque[tuple[list[FileToRead], Future[list[FileResult | str]]]] = deque()
        ahead = 0
        for batch in [*_batches(works), None]:
            while queue and (batch is None or ahead + sum(w.size for w in batch) > READ_AHEAD_BYTES):
                done, future = queue.popleft()
                ahead -= sum(w.size for w in done)
                yield from zip(done, future.result(), strict=True)
            if batch is not None:
                queue.append((batch, pool.submit(_read_batch, batch, columns)))
                ahead += sum(w.size for w in batch)
        finished = True
    except BrokenProcessPool:  # a worker was killed (out of memory, say)
        raise ReadError(
            "a worker process reading the files stopped unexpectedly: nothing was written"
        ) from None
    finally:
        if not finished:  # stop at once: no public way before Python 3.14
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                with contextlib.suppress(Exception):
                    process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)


def _batches(works: list[FileToRead]) -> Iterator[list[FileToRead]]:
    """The files in batches of about ``BATCH_BYTES``, in order."""
    batch: list[FileToRead] = []
    size = 0
    for work in works:
        batch.append(work)
        size += work.size
        if size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _read_batch(works: list[FileToRead], columns: list[str] | None) -> list[FileResult | str]:
    return [_read(work, columns) for work in works]


def _worker_start(parent: int) -> None:
    """In a worker: Ctrl-C (sent to the whole process group) is the parent's to handle; die with the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(Exception):  # PR_SET_PDEATHSIG: killed when the parent dies, even by SIGKILL
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before that was set
        os._exit(1)
