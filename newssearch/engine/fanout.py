"""Searching a sharded index's shards at once: in worker processes on this machine, or Dask actors on a cluster.

A worker (``ShardSearcher``) opens the whole index at the generation the query's searcher reads, and collects the
query over the segments of its own shards only: statistics (document counts, frequencies, average lengths) are
the whole index's, and document numbers are those of the searcher over every shard, so the workers' top matches,
merged as Whoosh's collector orders them (score, then the lower document number), their totals and what grouping
copies needs of their matches (``collapse.Seen``) are exactly what one process collecting every segment finds.
The calling process then ranks, groups and highlights as it always does (``ranking.rank``).

Only the collection of a query ranked by relevance fans out; the rest (dates order, freshness, exact phrases,
counts) runs in the calling process. A query that cannot be sent (its pickle fails), a worker that dies or a
generation a worker can no longer open is collected in the calling process instead: the answer is the same.
"""

from __future__ import annotations

import contextlib
import heapq
import multiprocessing
import os
import pickle
import threading
import time
import weakref
from pathlib import Path
from typing import Any

from whoosh.searching import Results

from newssearch.engine import safeload
from newssearch.engine.collapse import NONE, Seen, later_copies
from newssearch.engine.collect import collect
from newssearch.engine.diskfiles import INDEX_NAME, SHARD_NAME
from newssearch.engine.schema import StableBM25F
from newssearch.engine.shardset import ShardSet
from newssearch.errors import ClusterError, QueryTimeoutError

#: Seconds to wait for a cluster's scheduler to answer.
CONNECT_TIMEOUT = 30


class ShardSearcher:
    """The index at ``path`` opened whole, collecting queries over the segments of ``shards`` only."""

    def __init__(self, path: str, shards: list[int], count: int):
        self.path, self.shards, self.count = Path(path), set(shards), count
        self._searcher: Any = None
        self._at: Any = None

    def _open(self, at: tuple[int, list[int]]) -> Any:
        if self._searcher is not None and self._at == at:
            return self._searcher
        self.close()
        indexes = [safeload.open_dir(self.path / SHARD_NAME.format(n), INDEX_NAME) for n in range(self.count)]
        shardset = ShardSet(self.path, indexes, at=at)
        searcher = shardset.searcher(weighting=StableBM25F())
        owners = searcher.reader()._newssearch_shards if not searcher.is_atomic() else []
        searcher.subsearchers = [
            sub for sub, owner in zip(searcher.subsearchers, owners, strict=True) if owner in self.shards
        ]
        self._searcher, self._at = searcher, at
        return searcher

    def search(self, request: tuple[Any, ...]) -> tuple[Any, ...]:
        """Collect one query (see ``collect_on``): (top matches, total, exact, matched terms, what grouping needs)."""
        at, query, depth, terms, seconds, filtered, grouped = request
        searcher = self._open(at)
        q = pickle.loads(query)
        later = later_copies(searcher) if grouped else NONE
        deadline = time.monotonic() + seconds
        results, total, seen = collect(searcher, q, "relevance", depth, terms, deadline, filtered, later)
        matched = set(results.termdocs) if terms and results.has_matched_terms() else None
        shape: Any = None
        if seen is not None and seen.ranked is not None:  # every match kept, ranked: the merge has them all
            shape = ("ranked",)
        elif seen is not None:
            shape = ("parts", seen.parts, seen.pruned) if seen.parts is not None else ("docs", seen.docs)
        return list(results.top_n), total, matched, shape

    def close(self) -> None:
        if self._searcher is not None:
            with contextlib.suppress(Exception):
                self._searcher.close()
        self._searcher = self._at = None


def _serve(connection: Any, path: str, shards: list[int], count: int) -> None:
    """A worker process's loop: a request in, its answer (or the exception it raised) out, until the pipe closes."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the searching process's to handle
    searcher = ShardSearcher(path, shards, count)
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            break
        try:
            answer: Any = ("ok", searcher.search(request))
        except BaseException as exc:  # sent back whole: the caller raises it or searches itself
            answer = ("error", exc)
        try:
            connection.send(answer)
        except (OSError, pickle.PicklingError):
            break
    searcher.close()


class _Unavailable(Exception):
    """The workers cannot answer this query: it is collected in the calling process."""


class LocalPool:
    """One worker process per group of shards (``workers`` of them), started at the first query."""

    def __init__(self, path: Path, count: int, workers: int):
        self.path, self.count, self.workers = path, count, max(1, min(workers, count))
        self._lock = threading.Lock()
        self._procs: list[tuple[Any, Any]] = []

    def _start(self) -> None:
        context = multiprocessing.get_context("forkserver")
        for n in range(self.workers):
            mine = list(range(n, self.count, self.workers))
            here, there = context.Pipe()
            proc = context.Process(target=_serve, args=(there, str(self.path), mine, self.count), daemon=True)
            proc.start()
            there.close()
            self._procs.append((proc, here))

    def ask(self, request: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with self._lock:
            if not self._procs:
                self._start()
            try:
                for _, connection in self._procs:
                    connection.send(request)
                answers = [connection.recv() for _, connection in self._procs]
            except (EOFError, OSError, pickle.PicklingError):
                self._stop()  # a worker died: the next query starts them again
                raise _Unavailable from None
        return answers

    def _stop(self) -> None:
        for proc, connection in self._procs:
            with contextlib.suppress(Exception):
                connection.close()
            with contextlib.suppress(Exception):
                proc.terminate()
                proc.join(2)
        self._procs = []

    def close(self) -> None:
        with self._lock:
            self._stop()


def connect(scheduler: str) -> Any:
    """A Dask client of the cluster at ``scheduler``; ClusterError when Dask is missing or it does not answer."""
    try:
        import distributed
    except ImportError:
        raise ClusterError('searching on a cluster needs Dask: pip install "newssearch[cluster]"') from None
    address = scheduler if "://" in scheduler else f"tcp://{scheduler}"
    try:
        client = distributed.Client(address, timeout=CONNECT_TIMEOUT)
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
        return client
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"cannot reach {address}: {exc}"[:300]) from None


class DaskPool:
    """One ``ShardSearcher`` actor per worker of a Dask cluster (the index on a path they all reach)."""

    def __init__(self, client: Any, path: Path, count: int):
        workers = sorted(client.scheduler_info()["workers"])[:count]
        self.client = client
        weakref.finalize(
            self, client.close
        )  # the client lives as long as the pool: reopened indexes reuse it
        self._actors = [
            client.submit(
                ShardSearcher,
                str(path),
                list(range(n, count, len(workers))),
                count,
                actor=True,
                workers=[worker],
                pure=False,
            ).result()
            for n, worker in enumerate(workers)
        ]

    def ask(self, request: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        try:
            futures = [actor.search(request) for actor in self._actors]
            return [("ok", future.result(timeout=request[4] + 30)) for future in futures]
        except (OSError, TimeoutError, RuntimeError) as exc:  # RuntimeError: "Worker holding Actor was lost"
            raise _Unavailable from exc

    def close(self) -> None:
        """Nothing: the actors keep the shards open for the index's next searches (``NewsIndex.close`` then
        reopen); the client closes when the pool is collected."""


def collect_on(
    pool: Any, searcher: Any, q: Any, depth: int, terms: bool, deadline: float, filtered: bool, grouped: bool
) -> tuple[Results, int, Seen | None] | None:
    """``collect.collect`` of a query ranked by relevance, run by the pool's workers on their shards and merged;
    None when they cannot (the caller collects it itself)."""
    reader = searcher.reader()
    at = getattr(reader, "_newssearch_at", None)
    if at is None:
        return None
    try:
        query = pickle.dumps(q)
    except Exception:
        return None
    request = (at, query, depth, terms, max(0.0, deadline - time.monotonic()), filtered, grouped)
    try:
        answers = pool.ask(request)
    except _Unavailable:
        return None
    if not answers:
        return None
    found = []
    for status, value in answers:
        if status != "ok":
            if isinstance(value, QueryTimeoutError):
                raise value
            return None  # the worker could not (its generation gone, say): collected here
        found.append(value)
    # Whoosh's order: the best scores, ties to the lower document number. A query as deep as the index keeps
    # every match (``collect``), in every worker.
    keep = sum(len(part[0]) for part in found) if depth >= searcher.doc_count() else depth
    top = heapq.nlargest(keep, ((score, -docnum) for part in found for score, docnum in part[0]))
    results = Results(searcher, q, [(score, -negated) for score, negated in top])
    if terms:
        results.docterms, results.termdocs = {}, {t: [] for part in found for t in part[2] or ()}
    total = sum(part[1] for part in found)
    seen = None
    if grouped:
        shapes = [part[3] for part in found]
        if all(shape[0] == "ranked" for shape in shapes):
            seen = Seen(ranked=results.top_n)
        elif all(shape[0] == "parts" for shape in shapes):
            parts = sorted((p for shape in shapes for p in shape[1]), key=lambda p: p[0])
            pruned = {k: v for shape in shapes for k, v in shape[2].items()}
            seen = Seen(parts=parts, pruned=pruned)
        else:
            docs: list[int] = []
            for shape in shapes:
                docs.extend(shape[1] if shape[0] == "docs" else _docs_of_parts(shape[1], shape[2]))
            seen = Seen(docs=sorted(docs))
    return results, total, seen


def _docs_of_parts(parts: list[Any], pruned: dict[int, Any]) -> list[int]:
    """Every match of a worker's ``parts`` (a pruned part's from its mask)."""
    docs: list[int] = []
    for offset, ids, _ in parts:
        if offset in pruned:
            mask = pruned[offset][0]
            docs.extend(offset + int(local) for local in mask.nonzero()[0])
        else:
            docs.extend(offset + int(local) for local in ids)
    return docs


def workers_for(shards: int) -> int:
    """Worker processes for a sharded index searched here: one per shard, up to the cores."""
    return max(1, min(shards, os.cpu_count() or 1))
