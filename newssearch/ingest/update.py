"""An update: what the plan says to read is read, enriched, given unique ids and written in one commit."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from newssearch import values
from newssearch.engine import (
    Ahead,
    CacheEntry,
    FileRecord,
    Snapshot,
    Store,
    filesig,
    index_state,
    remove_created,
    save_aliases,
    stored_aliases,
    to_document,
)
from newssearch.errors import (
    IndexDamagedError,
    IndexIncompatibleError,
    IndexInterrupted,
    IndexLayoutError,
    ReadError,
)
from newssearch.extract.aliases import Aliases
from newssearch.extract.aliases import load as load_aliases
from newssearch.ingest.grouping import Grouper
from newssearch.ingest.plan import FileToRead, plan
from newssearch.ingest.readers import FileResult
from newssearch.ingest.readers.parts import Part
from newssearch.ingest.reading import Progress, read_all
from newssearch.models import Article
from newssearch.reports import FormatCount, IndexReport
from newssearch.text.sanitize import path_text
from newssearch.values import PathLike

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
    shards: int | None = None,
    cluster: dict[str, Any] | None = None,
) -> IndexReport:
    """``NewsIndex.rebuild``: ``create`` is ``NewsIndex.create``; ``cluster``: ``update``'s options of one."""
    roots, names = check_paths(paths), check_columns(columns)  # before anything is created or emptied
    location = Path(path)
    existed, fresh = location.exists(), index_state(location) == "missing"
    try:
        index = create(path, shards=shards)
    except (IndexIncompatibleError, IndexDamagedError, IndexLayoutError):
        index = create(path, overwrite=True, shards=shards)
    try:
        with index:
            report: IndexReport = index.update(
                roots, rebuild=True, columns=names, progress=progress, **(cluster or {})
            )
            return report
    except IndexDamagedError:  # damage found only while reading it: start afresh
        with create(path, overwrite=True, shards=shards) as index:
            report = index.update(roots, rebuild=True, columns=names, progress=progress, **(cluster or {}))
            return report
    except ReadError:  # nothing could be read: a location that held no index is left as it was
        if fresh:
            remove_created(location, existed)
        raise


def run(
    store: Store,
    roots: list[Path],
    rebuild: bool,
    columns: list[str] | None,
    progress: Progress | None,
    workers: int | None,
    scheduler: str | None,
    aliases: PathLike | None = None,
) -> IndexReport:
    """``NewsIndex.update``: ``update`` on the cluster asked for, if any; an interrupt says truthfully whether the
    work reached the index (it may come after the commit, or during it). ``aliases``: an alias file, kept as the
    index's once the run commits; other aliases than the index's mean every story is read again."""
    commits = store.commits
    names, kept, reread = stored_aliases(store), None, False
    if aliases is not None:
        given = load_aliases(aliases)
        if given.text != (names.text if names else ""):
            names, kept = given, given
            with store.guard():
                reread = not rebuild and Snapshot.of(store).doc_count() > 0  # stories named otherwise before
            rebuild = rebuild or reread
    try:
        with on_cluster(workers, scheduler) as client:
            report = update(store, roots, rebuild, columns, progress, client, names)
            if kept is not None:
                save_aliases(store, kept)
            if reread:
                report.notes.append((str(aliases), "new aliases: every story was read again"))
            return report
    except IndexInterrupted:
        raise
    except KeyboardInterrupt:
        raise store.interrupted(store.commits > commits) from None


@contextlib.contextmanager
def on_cluster(workers: object, scheduler: object) -> Iterator[Any]:
    """A Dask client (``cluster.py``) when ``workers`` or a scheduler (given, or ``$NEWSSEARCH_SCHEDULER``) asks
    for one; else None, and Dask is not imported."""
    from newssearch.ingest.cluster import MAX_WORKERS, SCHEDULER_VARIABLE

    if workers is not None and (
        isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= MAX_WORKERS
    ):
        raise ValueError(f"workers must be a whole number from 1 to {MAX_WORKERS}, not {workers!r}")
    if scheduler is not None and not isinstance(scheduler, str):
        raise TypeError(f"scheduler must be an address such as tcp://127.0.0.1:8786, not {scheduler!r}")

    if workers is None and not (scheduler or os.environ.get(SCHEDULER_VARIABLE)):
        yield None
        return
    from newssearch.ingest.cluster import connect, scheduler_address

    with connect(workers, scheduler_address(scheduler or None)) as client:
        yield client


def update(
    store: Store,
    roots: list[Path],
    rebuild: bool,
    columns: list[str] | None,
    progress: Progress | None,
    client: Any = None,
    aliases: Aliases | None = None,
) -> IndexReport:
    """Plan, read, enrich and write (see ``NewsIndex.update``), all under the write lock: a run that waited for
    another plans after its commit and does only what is left. One commit, but for a first build: it commits in
    checkpoints (``CHECKPOINT_STORIES``, ``CHECKPOINT_SECONDS``) and a run cut short is resumed after the last
    one. A rebuild that could read no file at all is refused, so that the index is not emptied by mistake."""
    store.cluster = client  # a sharded index's shards are then written on the cluster's workers
    try:
        names = aliases if aliases is not None else stored_aliases(store)
        return _update(store, roots, rebuild, columns, progress, client, names)
    finally:
        store.cluster = None


def _update(
    store: Store,
    roots: list[Path],
    rebuild: bool,
    columns: list[str] | None,
    progress: Progress | None,
    client: Any,
    aliases: Aliases | None,
) -> IndexReport:
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
        leaving = {work.key for work in todo.read if not work.since} | set(todo.remove)
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

        results = read_all(todo.read, columns, file_progress, Ahead(writer), client, aliases)
        for key in todo.remove:
            writer.delete_by_term("path", key)
            report.removed += indexed[key].count
            report.files_removed += 1
        since, written = time.monotonic(), 0  # the last checkpoint, and the stories written after it
        failed: set[str] = set()
        file: _FileWrite | None = None  # the file being written, part by part
        for task, result in results:
            work = task.work
            if work.key in failed:
                continue
            if isinstance(result, str):
                if file is not None and file.key == work.key:  # its earlier parts are taken back
                    file.undo(store, writer, grouper, claimed)
                failed.add(work.key)
                report.skipped.append((work.key, result))
                file = None
                continue
            if file is None or file.key != work.key:
                file = _FileWrite(work.key, writer.docnum, len(grouper))
            file.notes.extend(note for note in result.notes if note not in file.notes)
            part = task.part
            sig = (
                filesig(work.key, part.size, part.digest)
                if part
                else filesig(work.key, result.size, result.digest)
            )
            for n, article in enumerate(result.articles):
                article = _claim_id(store, article, work.key, claimed, leaving, report, check=check)
                file.ids.append(article.id)
                analysed, found = result.ahead[n] if result.ahead else (None, None)
                fields = grouper.fields(article, found)
                writer.add_document(**to_document(article, sig), **fields, _analysed=analysed)
            file.count += len(result.articles)
            written += len(result.articles)
            if task.last and part is not None and not file.count and not work.since:
                # No story in any part: skipped as a whole file without one is; what the index had stays.
                failed.add(work.key)
                report.skipped.append((work.key, "; ".join(["no articles found", *file.notes])[:300]))
                file = None
            elif task.last:
                _finish(file, work, result, part, indexed, writer, report, new_cache)
                file = None
            # A checkpoint after a whole file, or a part of an uncompressed one (indexed as the file's first bytes):
            # what a checkpoint holds of a file is what the index says it holds.
            whole = task.last or (part is not None and part.data is None)
            if (
                first
                and whole
                and (written >= CHECKPOINT_STORIES or time.monotonic() - since >= CHECKPOINT_SECONDS)
            ):
                writer = store.checkpoint(writer)
                if file is not None:
                    file.start, file.position = writer.docnum, len(grouper)  # what is committed stays
                    file.ids = []
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
    store.commit(writer, rebuild=rebuild, tidy=first)  # a first build's tail of small segments merged
    store.save_cache(cache_now())
    return report


@dataclasses.dataclass
class _FileWrite:
    """A file being written, part by part: where its stories start in the writer and the grouper, and its ids."""

    key: str
    start: int
    position: int
    count: int = 0
    ids: list[str] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)

    def undo(self, store: Store, writer: Any, grouper: Grouper, claimed: dict[str, str]) -> None:
        """Take back the stories written of a file that failed in a later part (its old ones stay)."""
        for docnum in range(self.start, writer.docnum):
            store.forget(writer, docnum)
        for position in range(self.position, len(grouper)):
            grouper.forget(position)
        for article_id in self.ids:
            claimed.pop(article_id, None)


def _finish(
    file: _FileWrite,
    work: FileToRead,
    result: FileResult,
    part: Part | None,
    indexed: dict[str, FileRecord],
    writer: Any,
    report: IndexReport,
    new_cache: dict[str, CacheEntry | None],
) -> None:
    """A file whose every part is written: its earlier articles deleted (unless it was appended to), counted."""
    report.files_read += 1
    if work.since:
        report.files_appended.append(work.key)
    counts = report.formats.setdefault(result.format, FormatCount())
    counts.files += 1
    counts.articles += file.count
    report.notes.extend((work.key, note) for note in file.notes)
    before = indexed[work.key].count if work.key in indexed and not work.since else 0
    if before:
        writer.delete_by_term("path", work.key)  # the stories in the index before this run only
    size, digest = (part.size, part.digest) if part else (result.size, result.digest)
    # A file that changed while it was read is hashed again next time.
    new_cache[work.key] = [work.mtime_ns, work.size, digest] if work.size == size else None
    report.updated += min(before, file.count)
    report.added += max(0, file.count - before)
    report.removed += max(0, before - file.count)


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
    first_owner: str | None = None  # who holds the id wanted
    for attempt in range(1, 1000):
        owner = claimed.get(candidate)
        if owner is None and check:
            exists, path = store.id_owner(candidate)
            if exists and path not in leaving:
                owner = path or "an article added through the API"
        if owner is None:
            break
        first_owner = first_owner or owner
        candidate = (
            f"{key}#{wanted}" if attempt == 1 and not wanted.startswith(key) else f"{wanted}~{attempt}"
        )
    if candidate != wanted:
        where = "another article of this file" if first_owner == key else first_owner
        report.notes.append((key, f"id {wanted!r} is already used by {where}: indexed as {candidate!r}"))
    claimed[candidate] = key
    return dataclasses.replace(article, id=candidate, path=key)
