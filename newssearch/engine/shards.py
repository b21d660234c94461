"""A sharded index: N Whoosh indexes in one folder, switched together by one manifest.

The folder holds ``newssearch.json`` (with ``"shards": N``), ``newssearch-manifest.json`` and the folders
``shard-00`` … ``shard-NN``, each a Whoosh index of the stories whose id hashes to it (``shard_of``: CRC-32 of the
id, so an update of a story always goes to the same shard).

- **Reading.** A searcher reads every shard's segments as one ``MultiReader`` (``ShardSet``), at the generations
  the manifest names: document counts, document frequencies and field lengths are the whole index's, so scores,
  totals and every reader above the engine are those of one index of the same stories.
- **Writing.** ``ShardedWriter`` sends each story to its shard's writer and a deletion by anything but the id to
  every shard. A commit commits each shard it touched without removing the files of the generation readers use,
  then writes the manifest in one atomic rename: a reader never sees half an update. Only then are the shards'
  old files removed. A run killed before the rename leaves shard generations no manifest names; the next writer
  removes them (``_roll_back``) and does the work again.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.writing import CLEAR

from newssearch.engine import diskfiles, safeload
from newssearch.engine.diskfiles import INDEX_NAME, MANIFEST_FILE, META_FILE, SHARD_NAME, index_state
from newssearch.engine.schema import SCHEMA_VERSION, build_schema
from newssearch.engine.segments import check_reader, duplicate_ids
from newssearch.engine.shardset import ShardSet
from newssearch.engine.store import _COMMITS, DAMAGE_OPENING, Store
from newssearch.errors import IndexDamagedError, IndexInterrupted, IndexLayoutError
from newssearch.reports import CheckReport
from newssearch.values import flag

#: The most shards an index may have: each is a writer's memory and a set of open files.
MAX_SHARDS = 64
#: Stories from which a sharded index is searched by worker processes at once by default (``fanout.py``). At
#: 21,578 and 100,000 stories the processes were measured slower at p50 on 2 cores (README "Shards and
#: clusters"); a million is where queries were expected to be long enough, not a size measured.
FANOUT_MIN_STORIES = 1_000_000


def shard_count(path: Path) -> int:
    """The number of shards the index at ``path`` has (1 for an index of one Whoosh index, or none)."""
    try:
        meta = json.loads((path / META_FILE).read_text())
    except (OSError, ValueError):
        return 1
    shards = meta.get("shards", 1) if isinstance(meta, dict) else 1
    return shards if isinstance(shards, int) and not isinstance(shards, bool) and shards >= 1 else 1


def check_shards(shards: object) -> int:
    """A number of shards given by a caller, checked."""
    if isinstance(shards, bool) or not isinstance(shards, int) or not 1 <= shards <= MAX_SHARDS:
        raise ValueError(f"shards must be a whole number from 1 to {MAX_SHARDS}, not {shards!r}")
    return shards


def open_store(path: Path, *, shards: int | None = None, **kwargs: Any) -> Store:
    """The ``Store`` of the index at ``path``: sharded or not as it was built; a new one (``create`` where there is
    none, or ``overwrite``) with ``shards`` (default: the number it had, or 1). Another number of shards than an existing index's is
    refused: it takes a rebuild."""
    shards = None if shards is None else check_shards(shards)
    parallel, scheduler = kwargs.pop("parallel", None), kwargs.pop("scheduler", None)
    if parallel is not None:
        parallel = flag(parallel, "parallel")
    if scheduler is not None and not isinstance(scheduler, str):
        raise TypeError(f"scheduler must be an address such as tcp://127.0.0.1:8786, not {scheduler!r}")
    reading = {"parallel": parallel, "scheduler": scheduler}
    existing = index_state(path) in ("ready", "building")
    have = shard_count(path) if existing else None
    if kwargs.get("overwrite") or have is None:
        wanted = shards or have or 1  # a damaged index made again keeps its shards
    else:
        if shards is not None and shards != have:
            raise IndexLayoutError(
                f"the index at {path} has {have} shard{'s' * (have != 1)}, not {shards}: rebuild it to change that"
            )
        wanted = have
    return ShardedStore(path, shards=wanted, **reading, **kwargs) if wanted > 1 else Store(path, **kwargs)


class ShardedStore(Store):
    """``Store`` over the shards of a sharded index (see the module's docstring)."""

    def __init__(
        self,
        path: Path,
        *,
        shards: int = 2,
        parallel: bool | None = None,
        scheduler: str | None = None,
        **kwargs: Any,
    ):
        self.shards = check_shards(shards)
        super().__init__(path, **kwargs)
        try:
            self.fanout = self._searchers_of(parallel, scheduler)
        except BaseException:
            super().close()
            raise

    def _searchers_of(self, parallel: bool | None, scheduler: str | None) -> Any:
        """The workers that search the shards at once (``fanout.py``): Dask actors on the cluster at
        ``scheduler``; else processes here when ``parallel``, or by default once the index holds
        ``FANOUT_MIN_STORIES``; else None (one searcher reads every shard)."""
        from newssearch.engine import fanout  # loaded by a sharded index only

        if scheduler is not None:
            return fanout.DaskPool(fanout.connect(scheduler), self.path, self.shards)
        if parallel is None:
            with contextlib.suppress(Exception):
                parallel = sum(seg.doc_count() for toc in self._ix.tocs() for seg in toc.segments) >= (
                    FANOUT_MIN_STORIES
                )
        if not parallel:
            return None
        return fanout.LocalPool(self.path, self.shards, fanout.workers_for(self.shards))

    def close(self) -> None:
        super().close()
        if self.fanout is not None:
            self.fanout.close()

    def _shard_path(self, n: int) -> Path:
        return self.path / SHARD_NAME.format(n)

    def _open(self, state: str) -> Any:
        self._complete = state != "building"
        self._check_version()
        self.shards = shard_count(self.path)
        indexes = []
        with self.guard(DAMAGE_OPENING):
            for n in range(self.shards):
                folder = self._shard_path(n)
                special = diskfiles.special_files(folder) or ([] if folder.is_dir() else [folder.name])
                if folder.is_symlink() or special:
                    raise safeload.IndexUntrustedError(
                        f"not an index newssearch wrote: refuses to read {', '.join(special[:3]) or folder.name}"
                        " (a link or a special file, not a plain file)"
                    ).at(self.path)
                indexes.append(safeload.open_dir(folder, INDEX_NAME))
            shardset = ShardSet(self.path, indexes)
            shardset.manifest()
        return shardset

    def _write_meta(self, complete: bool) -> None:
        tmp = self.path / f"{META_FILE}.tmp"
        meta = {"schema_version": SCHEMA_VERSION, "complete": complete, "shards": self.shards}
        tmp.write_text(json.dumps(meta) + "\n")
        os.replace(tmp, self.path / META_FILE)
        self._complete = complete

    def _write_manifest(self, generation: int, generations: list[int]) -> None:
        tmp = self.path / f"{MANIFEST_FILE}.tmp"
        with tmp.open("w") as f:
            f.write(json.dumps({"generation": generation, "shards": generations}) + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path / MANIFEST_FILE)

    def _create(self, overwrite: bool = True) -> Any:
        with self.guard((), writing=True):
            self.path.mkdir(parents=True, exist_ok=True)
            self._take_lock()
            state = index_state(self.path)
            if not overwrite and state in ("ready", "building"):
                try:
                    return self._open(state)
                except BaseException:
                    self._drop_lock()
                    raise
            diskfiles.clear(self.path)  # the meta file first: what is left is an unfinished creation
            for n in range(self.shards):
                self._shard_path(n).mkdir()
                whoosh_index.create_in(str(self._shard_path(n)), build_schema(), indexname=INDEX_NAME)
            self._write_manifest(0, [0] * self.shards)
            self._write_meta(complete=False)
        return self._open("building")

    def generation(self) -> int:
        return int(self._ix.latest_generation())

    def _roll_back(self) -> None:
        """Holding the write lock: each shard back at the generation the manifest names (a killed commit's newer
        TOC removed) and rid of every file no TOC of it references."""
        _, generations = self._ix.manifest()
        pattern = re.compile(rf"^_{INDEX_NAME}_(\d+)\.toc$")
        for n, gen in enumerate(generations):
            folder = self._shard_path(n)
            for name in os.listdir(folder):
                found = pattern.match(name)
                if found and int(found.group(1)) != gen:
                    (folder / name).unlink()
            try:
                toc = whoosh_index.TOC.read(self._ix.indexes[n].storage, INDEX_NAME, gen=gen)
                live: set[str] | None = {segment.segment_id() for segment in toc.segments}
            except Exception:
                live = None
            diskfiles.sweep(folder, INDEX_NAME, live)

    def _sweep(self) -> set[str] | None:
        """After a failed write (``Store._discard``): the shards back at the manifest's generations."""
        with contextlib.suppress(Exception):
            self._roll_back()
        return None

    def writer(self, *, verify: bool = True) -> Any:
        with self.guard((), writing=True):
            self._take_lock()
        writers: list[Any] = []
        try:
            with self.guard(()):
                self._roll_back()
                if verify:
                    for n, toc in enumerate(self._ix.tocs()):
                        live = {segment.segment_id() for segment in toc.segments}
                        changed = diskfiles.changed(self._shard_path(n), INDEX_NAME, live, self._intact)
                        if changed:
                            raise IndexDamagedError(
                                f"the index at {self.path} is damaged ({self._shard_path(n).name}/{changed[0]})"
                            )
            with self.guard(writing=True):
                from newssearch.engine.shardwriter import local_writers, remote_writers  # not for reading

                limit = max(32, 128 // self.shards)
                if self.cluster is not None:
                    folders = [self._shard_path(n) for n in range(self.shards)]
                    writers = remote_writers(self.cluster, folders, limit)
                else:
                    writers = local_writers(self._ix.indexes, limit)
            self._complete = self._complete or index_state(self.path) != "building"
        except BaseException:
            for writer in writers:
                with contextlib.suppress(Exception):
                    writer.cancel()
            self._drop_lock()
            raise
        from newssearch.engine.shardwriter import ShardedWriter

        return ShardedWriter(writers)

    def _commit_writer(self, writer: Any, mergetype: Any) -> None:
        """Commit each shard the writer touched, switch the manifest, then remove what no reader will open."""
        generation, generations = self._ix.manifest()
        generations = list(generations)
        committed = []
        for n, made in enumerate(writer.commit(mergetype, everything=mergetype is CLEAR)):
            if made is not None:  # this shard's new generation and segment
                generations[n] = made[0]
                committed.append((n, made[1]))
        self._write_manifest(generation + 1, generations)
        _COMMITS[0] += 1
        self.searchers.refresh()
        for n, segment_id in committed:
            with contextlib.suppress(OSError):
                toc = whoosh_index.TOC.read(self._ix.indexes[n].storage, INDEX_NAME, gen=generations[n])
                whoosh_index.clean_files(
                    self._ix.indexes[n].storage, INDEX_NAME, generations[n], toc.segments
                )
                diskfiles.record(self._shard_path(n), INDEX_NAME, segment_id)

    @staticmethod
    def forget(writer: Any, position: int) -> None:
        writer.forget(position)

    def interrupted(self, committed: bool) -> IndexInterrupted:
        kept = None
        with contextlib.suppress(Exception):
            kept = None if committed or self._complete else self._ix.doc_count()
        return IndexInterrupted(committed, checkpointed=kept)

    def check(self) -> CheckReport:
        report = CheckReport()
        with self.guard():
            searcher = self.searcher()
            for n, toc in enumerate(self._ix.tocs()):
                live = {segment.segment_id() for segment in toc.segments}
                folder = self._shard_path(n)
                report.problems.extend(
                    f"{folder.name}/{problem}" for problem in diskfiles.changed(folder, INDEX_NAME, live)
                )
            ids: Counter[str] = Counter()
            for reader, _ in searcher.reader().leaf_readers():
                check_reader(reader, report, ids)
        report.problems.extend(duplicate_ids(ids))
        return report


def remove_shards(path: Path) -> None:
    """Remove the shard folders and manifest at ``path`` (an index made again with one shard)."""
    for entry in os.listdir(path):
        if re.fullmatch(r"shard-\d+", entry) and not os.path.islink(path / entry):
            shutil.rmtree(path / entry, ignore_errors=True)
    with contextlib.suppress(FileNotFoundError):
        (path / MANIFEST_FILE).unlink()
