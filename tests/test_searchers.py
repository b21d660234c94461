"""One NewsIndex shared by threads: a pool of searchers, writes that take turns, and ``add`` reading its
iterable in batches (issue 18)."""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from collections.abc import Iterator

import pytest

import newssearch.ingest.adding as adding
from newssearch import Article, NewsIndex
from newssearch.engine.searchers import SHARED_CACHES
from newssearch.errors import IndexBusyError, IndexDamagedError


def _articles(count: int, prefix: str = "a", word: str = "oil") -> list[Article]:
    return [
        Article(
            id=f"{prefix}{n}", headline=f"Story {n} about {word}", body=f"The {word} story number {n}. " * 4
        )
        for n in range(count)
    ]


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(adding, "ADD_BATCH", 3)


def test_add_reads_its_iterable_a_batch_at_a_time_and_lets_the_read_articles_go(tmp_path, small_batches):
    """No Article of the first batch (given, cleaned or enriched) is alive once three batches were read: add()
    held a cleaned copy of every article until its commit."""
    alive_later: list[int] = []
    first = {"a0", "a1", "a2"}

    def articles() -> Iterator[Article]:
        for n in range(12):
            if n == 9:  # three batches read: the first one's articles are written and let go
                gc.collect()
                alive_later.append(sum(isinstance(o, Article) and o.id in first for o in gc.get_objects()))
            yield _articles(n + 1)[n]  # made here: the generator holds none of them

    with NewsIndex.create(tmp_path / "ix") as index:
        assert index.add(articles(), extract=False) == 12
        assert len(index) == 12 and index.count("oil") == 12
    assert alive_later == [0], "add() held every article it was given until the end"


def test_an_id_given_again_in_a_later_batch_replaces_the_earlier_one(tmp_path, small_batches):
    given = _articles(7)
    given.append(Article(id="a1", headline="Replaced story", body="The gas story replaced it."))
    given.append(Article(id="a5", headline="Another replaced story", body="The gas story again."))
    given.append(Article(id="a5", headline="Replaced twice", body="The gas story, last version."))
    with NewsIndex.create(tmp_path / "ix") as index:
        assert index.add(iter(given), extract=False) == 7
        assert len(index) == 7
        assert index.count("oil") == 5 and index.count("gas") == 2
        assert index.get("a1").headline == "Replaced story"
        assert index.get("a5").headline == "Replaced twice"
        assert index.check().problems == []  # no duplicate id
        assert sorted(index.matches("gas").ids) == ["a1", "a5"]


def test_a_replaced_article_is_no_group_for_the_articles_that_follow(tmp_path, small_batches):
    body = (
        "Oil prices rose sharply on Monday after the cartel agreed to cut output by a million barrels. " * 3
    )
    given = [
        Article(id="first", headline="Oil prices rise", body=body),
        *_articles(3, prefix="x", word="gas"),
        Article(id="first", headline="Elections held", body="Voters went to the polls on Sunday."),
        Article(id="copy", headline="Oil prices rise", body=body),
    ]
    with NewsIndex.create(tmp_path / "ix") as index:
        index.add(given, extract=False)
        hit = index.search("oil prices").hits[0]
        assert hit.id == "copy" and hit.versions == 0  # not a copy of the story "first" no longer is


def test_add_refuses_what_is_not_an_article_and_writes_nothing(tmp_path, small_batches):
    with NewsIndex.create(tmp_path / "ix") as index:
        index.add(_articles(2, prefix="kept"), extract=False)
        with pytest.raises(TypeError, match="add\\(\\) takes Article objects, not dict"):
            index.add([*_articles(5), {"id": "x", "headline": "A dict"}], extract=False)  # type: ignore[list-item]
        assert len(index) == 2 and index.count("oil") == 2


def test_add_takes_one_article_as_one(tmp_path):
    with NewsIndex.create(tmp_path / "ix") as index:
        assert index.add(Article(id="one", headline="Oil", body="Oil."), extract=False) == 1  # type: ignore[arg-type]
        assert index.get("one") is not None and len(index) == 1


def _paused_add(index: NewsIndex, reached: threading.Event, release: threading.Event) -> threading.Thread:
    """A thread whose add() stops after its first batch, holding the write, until ``release`` is set."""

    def articles() -> Iterator[Article]:
        yield from _articles(5, prefix="new", word="gas")
        reached.set()
        release.wait(30)
        yield from _articles(5, prefix="late", word="gas")

    thread = threading.Thread(target=index.add, args=(articles(),), kwargs={"extract": False})
    thread.start()
    assert reached.wait(30)
    return thread


def test_a_write_from_another_thread_waits_at_most_the_index_lock_timeout(tmp_path, small_batches):
    NewsIndex.create(tmp_path / "ix").add(_articles(3), extract=False)
    reached, release = threading.Event(), threading.Event()
    with NewsIndex.open(tmp_path / "ix", lock_timeout=0.2) as index:
        writer = _paused_add(index, reached, release)
        try:
            started = time.monotonic()
            with pytest.raises(IndexBusyError, match="another thread is writing"):
                index.delete(["a0"])
            waited = time.monotonic() - started
            assert index.search("oil").total == 3  # reads go on meanwhile, on the last commit
        finally:
            release.set()
            writer.join(30)
        assert waited < 2.0, "it waited for the default, not the index's own lock_timeout"
        assert len(index) == 13 and index.get("a0") is not None


def test_another_process_lock_is_waited_for_as_long_as_the_index_says(tmp_path):
    from newssearch.engine.store import Store

    NewsIndex.create(tmp_path / "ix").add(_articles(1), extract=False)
    holder = Store(tmp_path / "ix")
    writer = holder.writer()  # holds the index's write lock, as another process would
    try:
        started = time.monotonic()
        with pytest.raises(IndexBusyError), NewsIndex.open(tmp_path / "ix", lock_timeout=0.1) as index:
            index.add(_articles(1, prefix="b"), extract=False)
        assert time.monotonic() - started < 2.0
    finally:
        holder.cancel(writer, RuntimeError("done"))
        holder.close()


@pytest.mark.parametrize("bad", ["5", -1.0, True])
def test_options_of_the_pool_are_checked(tmp_path, bad):
    NewsIndex.create(tmp_path / "ix").close()
    with pytest.raises((TypeError, ValueError)):
        NewsIndex.open(tmp_path / "ix", lock_timeout=bad, searchers=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="searchers must be a whole number"):
        NewsIndex.open(tmp_path / "ix", searchers=bad)  # type: ignore[arg-type]
    if not isinstance(bad, float):  # a negative wait is no wait
        with pytest.raises(TypeError, match="lock_timeout must be a number of seconds"):
            NewsIndex.open(tmp_path / "ix", lock_timeout=bad)  # type: ignore[arg-type]


def test_searchers_of_one_commit_share_its_caches_and_a_commit_gives_new_ones(tmp_path):
    with NewsIndex.create(tmp_path / "ix", searchers=2) as index:
        index.add(_articles(4), extract=False)
        seen: list[object] = []
        both = threading.Barrier(2)

        def borrow() -> None:
            with index._store.searchers.borrow():
                searcher = index._store.searcher()
                both.wait(10)  # two searchers out at once
                seen.append(searcher)
                index.search("oil")

        threads = [threading.Thread(target=borrow) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        first, second = seen
        assert first is not second
        for name in SHARED_CACHES:
            assert first.__dict__[name] is second.__dict__[name]
        assert first.__dict__["_newssearch_norms"], "the search filled no shared cache"
        index.add(_articles(1, prefix="b"), extract=False)
        with index._store.searchers.borrow():
            fresh = index._store.searcher()
            assert (
                fresh.up_to_date()
                and fresh.__dict__["_newssearch_norms"] is not first.__dict__["_newssearch_norms"]
            )


def test_a_search_keeps_one_commit_while_another_thread_commits(tmp_path):
    """Every read inside one search sees the commit it started on (the pool refreshes a searcher only when a
    borrow begins), so a search racing writes never mixes document numbers of two commits."""
    with NewsIndex.create(tmp_path / "ix") as index:
        index.add(_articles(20), extract=False)
        with index._store.searchers.borrow():
            before = index._store.searcher()
            articles = _articles(5, prefix="b", word="gas")
            done = threading.Thread(target=index.add, args=(articles,), kwargs={"extract": False})
            done.start()
            done.join(30)
            assert index._store.searcher() is before and not before.up_to_date()
            assert index.count("gas") == 0 and len(index) == 20  # a nested read shares the block's searcher
        assert index.count("gas") == 5 and len(index) == 25


def test_closing_while_another_thread_searches_lets_that_search_finish(tmp_path):
    with NewsIndex.create(tmp_path / "ix") as index:
        index.add(_articles(30), extract=False)
        inside, leave = threading.Event(), threading.Event()
        totals: list[int] = []

        def search() -> None:
            with index._store.searchers.borrow():
                index._store.searcher()
                inside.set()
                leave.wait(30)
                totals.append(index.search("oil").total)

        thread = threading.Thread(target=search)
        thread.start()
        assert inside.wait(30)
        index.close()
        leave.set()
        thread.join(30)
        assert totals == [30]
        assert index.search("oil").total == 30  # opened again


def test_the_schema_analyzer_stems_from_several_threads_past_its_cache_size():
    """Whoosh's own stem cache raised KeyError or RuntimeError once full with two threads evicting (a search
    while an add runs, in a process that has seen over 50,000 words)."""
    from newssearch.engine.schema import build_schema

    analyzer = build_schema()["content"].analyzer

    def words(thread: int) -> list[str]:
        letters = "abcdefghijklmnopqrstuvwxyz"
        return [
            f"{letters[thread]}{letters[n % 26]}{letters[n // 26 % 26]}{letters[n // 676]}ings"
            for n in range(15_000)
        ]

    errors: list[str] = []
    stems: dict[int, list[str]] = {}

    def analyse(thread: int) -> None:
        try:
            stems[thread] = [token.text for word in words(thread) for token in analyzer(word)]
        except Exception as exc:
            errors.append(repr(exc))

    threads = [threading.Thread(target=analyse, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    serial = build_schema()["content"].analyzer
    for thread in range(4):
        assert stems[thread] == [token.text for word in words(thread) for token in serial(word)]
    assert stems[0][0] == "aaaa"  # "aaaaings", stemmed


def test_a_searcher_opened_as_a_commit_removes_its_files_opens_the_next_commit(tmp_path, monkeypatch):
    with NewsIndex.create(tmp_path / "ix") as index:
        index.add(_articles(3), extract=False)
        pool = index._store.searchers
        real, failures = pool._open, [FileNotFoundError("MAIN_x.seg")] * 2

        def racing() -> object:
            if failures:
                raise failures.pop()
            return real()

        monkeypatch.setattr(pool, "_open", racing)
        index.close()
        assert index.search("oil").total == 3 and failures == []
        failures[:] = [FileNotFoundError("MAIN_x.seg")] * 3  # a file that stays missing is damage
        index.close()
        with pytest.raises(IndexDamagedError):
            index.search("oil")


def _loopers(index: NewsIndex, count: int, stop: threading.Event) -> list[threading.Thread]:
    def loop() -> None:
        deadline = time.monotonic() + 30  # a failing test must not hang the suite
        while not stop.is_set() and time.monotonic() < deadline:
            index.search("oil", snippets=False)

    threads = [threading.Thread(target=loop) for _ in range(count)]
    for thread in threads:
        thread.start()
    return threads


def test_readers_in_a_loop_neither_starve_a_write_nor_another_reader(tmp_path):
    """Reads take turns first come, first served, and a write needs no turn: with every searcher of the pool
    kept busy by threads searching in a loop, an add and another thread's search still finish (a plain
    semaphore let the loopers take their turns back at once: the add waited for ever)."""
    with NewsIndex.create(tmp_path / "ix", searchers=1) as index:
        index.add(_articles(20), extract=False)
        stop = threading.Event()
        loopers = _loopers(index, 3, stop)
        try:
            writer = threading.Thread(target=index.add, args=(_articles(5, prefix="b", word="gas"),))
            writer.start()
            writer.join(20)
            added = not writer.is_alive()
            found: list[int] = []
            reader = threading.Thread(target=lambda: found.append(index.count("gas")))
            reader.start()
            reader.join(20)
        finally:
            stop.set()
            for thread in loopers:
                thread.join(40)
        assert added, "the add waited for the readers' turns"
        assert found == [5], "a reader waited while the others kept taking their turns back"


def test_a_closed_index_keeps_no_file_of_its_folder_open_or_mapped(tmp_path):
    """Closing released the searchers' files only once the garbage collector ran (a searcher read outside a
    search stayed referenced, and the pool held the store in a cycle): a tmpfs the index lived on could not be
    unmounted."""
    import os

    folder = tmp_path / "ix"
    with NewsIndex.create(folder) as index:
        index.add(_articles(3), extract=False)

    def held() -> int:
        with open("/proc/self/maps", encoding="utf-8") as lines:
            maps = sum(str(folder) in line for line in lines)
        fds = 0
        for fd in os.listdir("/proc/self/fd"):
            with contextlib.suppress(OSError):
                fds += str(folder) in os.readlink(f"/proc/self/fd/{fd}")
        return maps + fds

    gc.disable()  # what the collector would free is not what close() frees
    try:
        with NewsIndex.open(folder) as index:
            index._store.searcher().doc_count()  # read outside a borrow, as a script reaching in might
            index.search("oil")
            for _ in index.iter_search("oil"):
                pass
        assert held() == 0
        index = NewsIndex.open(folder)
        index.search("oil")
        del index
        assert held() == 0
    finally:
        gc.enable()
