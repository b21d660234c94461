"""Reading an update's files: each file, or each part of a large file of many records (``readers/parts.py``),
read and enriched, in this process or in forked worker processes (one per core) a bounded number of bytes ahead
of the writer; the results in order. A worker also analyses its stories' fields for the writer and works out what
grouping copies needs of them (``_prepare``), so that the writing process, which the whole build waits on, does
the least."""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from newssearch.errors import ClusterError, ReadError
from newssearch.extract.aliases import Aliases
from newssearch.extract.enrich import enrich
from newssearch.ingest.grouping import Features, features
from newssearch.ingest.plan import FileToRead
from newssearch.ingest.readers import EXTENSIONS, FileResult, read_articles, read_part
from newssearch.ingest.readers.parts import PART_BYTES, Part, compression, inner_suffix, parted_format
from newssearch.ingest.readers.splitting import parts
from newssearch.ingest.readers.tabular import head_reader
from newssearch.models import Article

#: Called as ``progress(done, total, path)`` while files are read; ``done`` and ``total`` count bytes.
Progress = Callable[[int, int, str], None]
#: Files are read and enriched in worker processes when there are at least two and this many bytes to read
#: (fewer are done here: starting workers would cost more than it saves).
PARALLEL_MIN_BYTES = 2_000_000
#: Files go to a worker in batches of about this many bytes: one round trip per batch, not per file.
BATCH_BYTES = 256_000
#: At most about this many bytes read ahead of the writer (and one batch more, so that a part of a big file is
#: read while the one before it is written), so that results waiting to be written stay bounded: with the
#: analysis and grouping features worked out ahead, a result is about 4 to 5 times the bytes read.
READ_AHEAD_BYTES = 16_000_000
#: Workers at most, one per core: a worker also analyses its stories for the writer and works out what grouping
#: copies needs of them (``_prepare``), so the writing process is left the lighter part.
MAX_WORKERS = 4
#: In a worker: the writer's analysis (``engine.Ahead``), inherited from the writing process.
_ahead: Callable[[Article], Any] | None = None


@dataclass(frozen=True)
class Task:
    """A file to read whole, or one part of it (``part``); ``error``: why the file cannot be read, found while it
    was cut into parts. ``last``: the last task of its file."""

    work: FileToRead
    part: Part | None = None
    error: str | None = None
    last: bool = True

    @property
    def size(self) -> int:
        """The bytes it reads (of the decompressed stream, for a part of a compressed file)."""
        return self.part.end - self.part.start if self.part else self.work.size

    @property
    def done(self) -> int:
        """The bytes of its file read once it is: what the progress counts."""
        return (self.part.read_to if self.part else self.work.size) - self.work.since


def tasks(works: Iterable[FileToRead], columns: list[str] | None = None) -> Iterator[Task]:
    """The files, in order, each as one task or as its parts (``parted``); a compressed file is decompressed
    here as its tasks are taken. A file that makes one part only is read whole, as a small file is."""
    for work in works:
        fmt = parted(work)
        if fmt is None:
            yield Task(work)
            continue
        try:
            found = parts(work.file, fmt, work.since, head_reader(fmt, columns))
            part = next(found, None)
            if part is None:  # a compressed file of nothing
                yield Task(work, error="empty file")
                continue
            following = next(found, None)
            if following is None and not work.since:
                yield Task(work)
                continue
            while following is not None:
                yield Task(work, part, last=False)
                part, following = following, next(found, None)
            yield Task(work, part)
        except ReadError as exc:
            yield Task(work, error=str(exc))
        except OSError as exc:
            yield Task(work, error=exc.strerror or str(exc))
        except (KeyboardInterrupt, MemoryError):
            raise
        except Exception as exc:  # a cutter's bug on odd input: report the file, keep going
            yield Task(work, error=f"unexpected {type(exc).__name__}: {exc}")


def parted(work: FileToRead) -> str | None:
    """The format a file is read in parts as (``parts.parted_format``), when it is compressed or larger than a
    part; else None (read whole)."""
    large = work.size > PART_BYTES or compression(work.file) is not None or work.since > 0
    return parted_format(work.file, work.format or EXTENSIONS.get(inner_suffix(work.file))) if large else None


def _read(
    task: Task,
    columns: list[str] | None,
    progress: Callable[[int, int], None] | None = None,
    aliases: Aliases | None = None,
) -> FileResult | str:
    """The file or part read, its articles enriched; or why the file is skipped."""
    if task.error is not None:
        return task.error
    work = task.work
    try:
        if task.part is None:
            result = read_articles(work.file, work.root, columns, work.format)
        else:
            result = read_part(work.file, work.root, task.part, columns)
        articles = []
        for article in result.articles:  # entity extraction is the slow part of reading
            article = enrich(article)
            articles.append(aliases.apply(article) if aliases else article)
            if progress:
                progress(len(articles), len(result.articles))
    except ReadError as exc:
        return str(exc)
    except (KeyboardInterrupt, MemoryError):
        raise
    except Exception as exc:  # a reader bug on odd input: report the file, keep going
        return f"unexpected {type(exc).__name__}: {exc}"
    if _ahead is not None:
        return dataclasses.replace(result, articles=articles, ahead=_prepare(articles, _ahead))
    return dataclasses.replace(result, articles=articles)


def _prepare(articles: list[Article], ahead: Callable[[Article], Any]) -> list[tuple[Any, Features]] | None:
    """For each article, its fields analysed as the writer would and its features for grouping copies; None if
    that fails (the writer then works them out itself)."""
    try:
        return [(ahead(article), features(article)) for article in articles]
    except (KeyboardInterrupt, MemoryError):
        raise
    except Exception:
        return None


def _workers(works: list[FileToRead]) -> int:
    """How many worker processes read and enrich ``works`` (0: this process does)."""
    many = len(works) >= 2 or any(parted(work) for work in works)
    if not many or sum(w.size for w in works) < PARALLEL_MIN_BYTES or sys.platform != "linux":
        return 0
    cores = os.cpu_count() or 1
    return min(MAX_WORKERS, cores) if cores > 1 else 0


def read_all(
    works: list[FileToRead],
    columns: list[str] | None,
    progress: Callable[[int, str], None],
    analyse: Callable[[Article], Any] | None = None,
    client: Any = None,
    aliases: Aliases | None = None,
) -> Generator[tuple[Task, FileResult | str], None, None]:
    """Each file or part with what reading it gave, in order; ``progress(bytes done, key)`` as it goes. Read in
    worker processes, each result's ``ahead`` holds what they worked out for the writer, its stories analysed
    with ``analyse`` (``_prepare``). ``client``: a Dask client whose workers read (``cluster.py``); ``aliases``:
    the names each story's entities are given."""
    done = 0
    workers = _workers(works)
    if client is not None:
        reader = read_on(client, tasks(works, columns), columns, analyse, aliases)
    elif workers:
        reader = _read_in_workers(tasks(works, columns), columns, workers, analyse, aliases)
    else:
        for task in tasks(works, columns):

            def file_progress(n: int, total: int, task: Task = task, base: int = done) -> None:
                progress(base + max(task.done, 1) * n // max(total, 1), task.work.key)

            file_progress(0, 1)
            yield task, _read(task, columns, file_progress, aliases)
            if task.last:
                done += task.done
        return
    with contextlib.closing(reader) as results:
        for task, result in results:
            progress(done + task.done, task.work.key)
            if task.last:
                done += task.done
            yield task, result


def _read_in_workers(
    todo: Iterator[Task],
    columns: list[str] | None,
    workers: int,
    analyse: Callable[[Article], Any] | None,
    aliases: Aliases | None = None,
) -> Generator[tuple[Task, FileResult | str], None, None]:
    """``_read`` of each task in forked worker processes, a bounded number of bytes ahead; the results in
    order. The workers are stopped when the generator is closed (an interrupt or an error of the writer)."""
    for stream in (sys.stdout, sys.stderr):  # a child must not write out a copy of what is buffered
        with contextlib.suppress(Exception):
            stream.flush()
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(
        workers, mp_context=context, initializer=_worker_start, initargs=(os.getpid(), analyse)
    )
    finished = False
    try:
        queue: deque[tuple[list[Task], Future[list[FileResult | str]]]] = deque()
        ahead = 0
        for batch in _batches_then_none(todo):
            if batch is not None:  # submitted before the writer is given the oldest: the worker never waits
                queue.append((batch, pool.submit(_read_batch, batch, columns, aliases)))
                ahead += sum(t.size for t in batch)
            while queue and (batch is None or (len(queue) > 1 and ahead > READ_AHEAD_BYTES)):
                done, future = queue.popleft()
                ahead -= sum(t.size for t in done)
                yield from zip(done, future.result(), strict=True)
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
            # A worker stopped while it sent a result leaves the pool's thread reading the rest of it for ever,
            # and the shutdown below waiting for that thread: this process's own write end of the results pipe,
            # closed, ends the read (the pool then sees itself broken and stops).
            with contextlib.suppress(Exception):
                pool._result_queue._writer.close()  # type: ignore[attr-defined]
        pool.shutdown(wait=True, cancel_futures=True)


def _batches_then_none(todo: Iterator[Task]) -> Iterator[list[Task] | None]:
    """The tasks in batches of about ``BATCH_BYTES``, in order, taken as they are needed; then None."""
    batch: list[Task] = []
    size = 0
    for task in todo:
        batch.append(task)
        size += task.size
        if size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch
    yield None


def _read_batch(
    todo: list[Task], columns: list[str] | None, aliases: Aliases | None = None
) -> list[FileResult | str]:
    return [_read(task, columns, None, aliases) for task in todo]


def _worker_start(parent: int, analyse: Callable[[Article], Any] | None) -> None:
    """In a worker: Ctrl-C (sent to the whole process group) is the parent's to handle; die with the parent.
    ``analyse``: the writer's analysis (forked, not pickled)."""
    global _ahead
    _ahead = analyse
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(Exception):  # PR_SET_PDEATHSIG: killed when the parent dies, even by SIGKILL
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before that was set
        os._exit(1)


def _read_batch_on(
    todo: list[Task], columns: list[str] | None, analyse: Any, aliases: Aliases | None = None
) -> list[FileResult | str]:
    """On a worker: each task read, its stories analysed for the writer (their grouping features are left to
    the writer: they rest on ``hash``, whose seed differs between processes that were not forked)."""
    out: list[FileResult | str] = []
    for task in todo:
        result = _read(task, columns, None, aliases)
        if analyse is not None and not isinstance(result, str):
            try:
                result.ahead = [(analyse(article), None) for article in result.articles]
            except Exception:  # the writer analyses them itself
                result.ahead = None
        out.append(result)
    return out


def read_on(
    client: Any,
    todo: Iterator[Task],
    columns: list[str] | None,
    analyse: Callable[[Article], Any] | None,
    aliases: Aliases | None = None,
) -> Generator[tuple[Task, FileResult | str], None, None]:
    """``_read`` of each task on the cluster's workers, a bounded number of bytes ahead; the results in order.
    What is left is cancelled when the generator is closed (an interrupt or an error of the writer)."""
    from newssearch.ingest.cluster import RETRIES, distributed_module

    distributed = distributed_module()
    queue: deque[tuple[list[Task], Any]] = deque()
    try:
        ahead = 0
        for batch in _batches_then_none(todo):
            if batch is not None:
                future = client.submit(
                    _read_batch_on, batch, columns, analyse, aliases, pure=False, retries=RETRIES
                )
                queue.append((batch, future))
                ahead += sum(t.size for t in batch)
            while queue and (batch is None or (len(queue) > 1 and ahead > READ_AHEAD_BYTES)):
                done, future = queue.popleft()
                ahead -= sum(t.size for t in done)
                try:
                    results = future.result()
                except distributed.KilledWorker:
                    raise ClusterError(
                        f"a worker of the cluster died reading {done[0].work.key} {RETRIES + 1} times: nothing "
                        "was written"
                    ) from None
                except (OSError, TimeoutError, distributed.client.FutureCancelledError) as exc:
                    raise ClusterError(f"the cluster failed: {exc}"[:250] + "; nothing was written") from None
                yield from zip(done, results, strict=True)
    except OSError as exc:  # the client lost its scheduler while it sent a task
        raise ClusterError(f"the cluster failed: {exc}"[:250] + "; nothing was written") from None
    finally:
        for _, future in queue:
            with contextlib.suppress(Exception):
                future.cancel()
