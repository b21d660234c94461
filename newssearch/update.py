"""An update: what the plan says to read is read, enriched, given unique ids and written in one commit."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from newssearch.documents import filesig, to_document
from newssearch.enrich import enrich
from newssearch.errors import ReadError
from newssearch.models import Article, FormatCount, IndexReport
from newssearch.plan import CacheEntry, FileToRead, plan
from newssearch.readers import read_articles
from newssearch.sanitize import path_text
from newssearch.store import Store

#: Called as ``progress(done, total, path)`` while files are read; ``done`` and ``total`` count bytes.
Progress = Callable[[int, int, str], None]


def check_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The paths resolved; ReadError names the first that does not exist (before anything is written)."""
    roots = [Path(p).resolve() for p in paths]
    for root in roots:
        if not root.exists():
            raise ReadError(f"no such file or folder: {path_text(root)}")
    return roots


def update(
    store: Store, roots: list[Path], rebuild: bool, columns: list[str] | None, progress: Progress | None
) -> IndexReport:
    """Plan, read, enrich and write in one writer, committed once (see ``NewsIndex.update``). A rebuild that
    could read no file at all is refused, so that the index is not emptied by mistake."""
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

            def file_progress(done: int, total: int, work: FileToRead = work, base: int = done_bytes) -> None:
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
                article = _claim_id(store, article, work.key, claimed, leaving, report, check=not rebuild)
                writer.add_document(**to_document(article, sig))
            # A file that changed while it was read is hashed again next time.
            new_cache[work.key] = (
                [work.mtime_ns, work.size, result.digest] if work.size == result.size else None
            )
            report.updated += min(before, len(articles))
            report.added += max(0, len(articles) - before)
            report.removed += max(0, before - len(articles))
        if rebuild and not report.files_read:
            where = ", ".join(path_text(root) for root in roots)
            raise ReadError(f"no article file could be read in {where}: the index is as it was")
    except BaseException as exc:
        raise store.cancel(writer, exc) from None
    store.commit(writer, rebuild=rebuild)
    if not rebuild:
        kept = {k: v for k, v in cache.items() if k in indexed and k not in todo.remove}
        new_cache = {**kept, **new_cache}
    store.save_cache({k: v for k, v in new_cache.items() if v})
    return report


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
