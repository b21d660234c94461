"""Writing a sharded index: each story to the writer of its shard, in this process or on a Dask worker.

``ShardedWriter`` is what the ingest code writes to, as to one Whoosh writer. Behind it each shard has a writer
in this process (``LocalShard``) or, for a build on a cluster, a Dask actor on a worker (``ShardActor``, driven
by ``RemoteShard``): the adds and deletions are sent to it in batches, one batch at a time a shard, so the
shards' workers analyse and write while this process reads on; at the commit every shard commits at once. No
Dask import: the client is given.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from newssearch.engine.diskfiles import INDEX_NAME
from newssearch.engine.schema import build_schema
from newssearch.engine.writer import ColumnWriter
from newssearch.errors import ClusterError

#: Operations sent to a remote shard at a time.
REMOTE_BATCH = 400
#: Seconds a shard's writer may take to start on a worker.
ACTOR_START_SECONDS = 60
#: Seconds between looks at whether the worker writing a shard is still in the cluster, while waiting for it.
WORKER_CHECK_SECONDS = 2.0


def shard_of(article_id: str, shards: int) -> int:
    """The shard of the story with this id: stable across runs, machines and Python versions."""
    return zlib.crc32(article_id.encode("utf-8", "surrogatepass")) % shards


class _ShardWriter(ColumnWriter):
    """A shard's writer: its commit writes the new TOC and leaves the old generation's files for its readers
    (the store removes them once the manifest names the new one)."""

    def _commit_toc(self, segments: list[Any]) -> None:
        whoosh_index.TOC(self.schema, segments, self.generation).write(self.storage, self.indexname)


def _apply(writer: _ShardWriter, ops: list[tuple[Any, ...]]) -> None:
    for op in ops:
        if op[0] == "add":
            writer.add_document(**op[1])
        elif op[0] == "update":
            writer.update_document(**op[1])
        elif op[0] == "delete":
            writer.delete_by_term(op[1], op[2])
        else:  # "forget": a story added in this run taken back
            writer.newsegment.delete_document(op[1])


def _commit(writer: _ShardWriter, mergetype: Any) -> tuple[int, str]:
    writer.commit(mergetype=mergetype)
    return writer.generation, writer.newsegment.segment_id()


class ShardActor:
    """On a Dask worker: the writer of one shard (a folder every worker reaches)."""

    def __init__(self, folder: str, limitmb: int):
        from newssearch.engine import safeload

        self.writer = _ShardWriter(safeload.open_dir(Path(folder), INDEX_NAME), limitmb=limitmb, _lk=False)

    def apply(self, ops: list[tuple[Any, ...]]) -> int:
        _apply(self.writer, ops)
        return int(self.writer.docnum)

    def commit(self, mergetype: Any) -> tuple[int, str]:
        return _commit(self.writer, mergetype)

    def cancel(self) -> None:
        self.writer.cancel()


class LocalShard:
    """A shard written in this process."""

    def __init__(self, writer: _ShardWriter):
        self.writer, self.touched = writer, False

    @property
    def docnum(self) -> int:
        return int(self.writer.docnum)

    def send(self, op: tuple[Any, ...]) -> None:
        self.touched = True
        _apply(self.writer, [op])

    def start_commit(self, mergetype: Any) -> Callable[[], tuple[int, str]]:
        made = _commit(self.writer, mergetype)
        return lambda: made

    def cancel(self) -> None:
        self.writer.cancel()


def _gone(exc: BaseException) -> bool:
    """Whether Dask says an actor's worker is gone (its errors for it are a RuntimeError and an OSError)."""
    return "Actor was lost" in str(exc) or "contact Actor" in str(exc)


class RemoteShard:
    """A shard written by a ``ShardActor``: operations sent ``REMOTE_BATCH`` at a time, one batch in flight."""

    def __init__(self, actor: Any, client: Any, worker: str):
        self.actor, self.touched, self.docnum = actor, False, 0
        self._client, self._worker = client, worker
        self._ops: list[tuple[Any, ...]] = []
        self._pending: Any = None

    def _wait(self, future: Any) -> Any:
        """The result of a call to the actor; WorkerLost when its worker is gone (Dask would wait for ever)."""
        while True:
            try:
                return future.result(timeout=WORKER_CHECK_SECONDS)
            except TimeoutError:
                if self._worker not in self._client.scheduler_info()["workers"]:
                    raise self._lost() from None
            except (
                RuntimeError,
                OSError,
            ) as exc:  # Dask's "Worker holding Actor was lost", "Unable to contact"
                if _gone(exc) or self._worker not in self._client.scheduler_info()["workers"]:
                    raise self._lost() from None
                raise

    def _call(self, method: str, *args: Any) -> Any:
        """Call the actor (Dask raises RuntimeError at once when its worker is known to be gone)."""
        try:
            return getattr(self.actor, method)(*args)
        except (RuntimeError, OSError) as exc:
            if _gone(exc):
                raise self._lost() from None
            raise

    def _lost(self) -> ClusterError:
        return ClusterError(
            f"the worker writing a shard ({self._worker}) left the cluster: nothing was committed"
        )

    def send(self, op: tuple[Any, ...]) -> None:
        self.touched = True
        self._ops.append(op)
        self.docnum += op[0] in ("add", "update")
        if len(self._ops) >= REMOTE_BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._pending is not None:
            self._wait(self._pending)  # the actor's error, if any, is raised here
            self._pending = None
        if self._ops:
            self._pending, self._ops = self._call("apply", self._ops), []

    def start_commit(self, mergetype: Any) -> Callable[[], tuple[int, str]]:
        self._flush()  # waits for the batch in flight, sends the rest
        self._flush()  # waits for the rest
        future = self._call("commit", mergetype)
        return lambda: tuple(self._wait(future))

    def cancel(self) -> None:
        with contextlib.suppress(Exception):
            if self._worker in self._client.scheduler_info()["workers"]:
                self.actor.cancel().result(timeout=WORKER_CHECK_SECONDS * 5)


def local_writers(indexes: list[Any], limitmb: int) -> list[LocalShard]:
    """A writer in this process for each shard's Whoosh index."""
    shards: list[LocalShard] = []
    try:
        for ix in indexes:
            shards.append(LocalShard(_ShardWriter(ix, limitmb=limitmb, _lk=False)))
    except BaseException:
        for shard in shards:
            shard.cancel()
        raise
    return shards


def remote_writers(client: Any, folders: list[Path], limitmb: int) -> list[RemoteShard]:
    """A ``ShardActor`` for each shard folder, spread over the cluster's workers in turn (on another one if that
    worker is gone meanwhile)."""
    workers = sorted(client.scheduler_info()["workers"])
    futures = [
        client.submit(
            ShardActor,
            str(folder),
            limitmb,
            actor=True,
            workers=[workers[n % len(workers)]],
            allow_other_workers=True,
            pure=False,
        )
        for n, folder in enumerate(folders)
    ]
    shards = []
    for future in futures:
        try:
            actor = future.result(timeout=ACTOR_START_SECONDS)
        except (TimeoutError, RuntimeError, OSError) as exc:  # "Worker holding Actor was lost", …
            raise ClusterError(
                f"no worker of the cluster kept a shard's writer ({exc or 'timed out'}): nothing was written"
            ) from None
        shards.append(RemoteShard(actor, client, actor._address))
    return shards


class ShardedWriter:
    """One writer per shard behind the writer interface the ingest code uses: ``add_document``,
    ``update_document``, ``delete_by_term``, ``docnum`` (stories added so far) and ``schema``."""

    def __init__(self, shards: list[Any]):
        self.shards = shards
        self.schema = build_schema()
        self._shard_of = shard_of
        self._where: list[tuple[int, int]] = []  # each story added: its shard and its number there

    @property
    def docnum(self) -> int:
        return len(self._where)

    def _send(self, kind: str, fields: dict[str, Any]) -> None:
        n = self._shard_of(fields["id"], len(self.shards))
        self._where.append((n, self.shards[n].docnum))
        self.shards[n].send((kind, fields))

    def add_document(self, **fields: Any) -> None:
        self._send("add", fields)

    def update_document(self, **fields: Any) -> None:
        self._send("update", fields)

    def delete_by_term(self, fieldname: str, text: str) -> None:
        count = len(self.shards)
        targets = [self.shards[self._shard_of(text, count)]] if fieldname == "id" else self.shards
        for shard in targets:
            shard.send(("delete", fieldname, text))

    def forget(self, position: int) -> None:
        n, docnum = self._where[position]
        self.shards[n].send(("forget", docnum))

    def commit(self, mergetype: Any, *, everything: bool = False) -> list[tuple[int, str] | None]:
        """Each shard touched (``everything``: each shard) committed, all at once; for each, its new generation
        and segment, or None (left as it was)."""
        finishing = [
            shard.start_commit(mergetype) if shard.touched or everything else None for shard in self.shards
        ]
        made = [finish() if finish is not None else None for finish in finishing]
        for shard, finish in zip(self.shards, finishing, strict=True):
            if finish is None:
                shard.cancel()
        return made

    def cancel(self) -> None:
        for shard in self.shards:
            with contextlib.suppress(Exception):
                shard.cancel()
