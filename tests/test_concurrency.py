"""Threads sharing one NewsIndex: each gets the results a lone thread gets, and a search does not wait for a write."""

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from newssearch import Article, NewsIndex

from .helpers import DATA, SEED

THREADS = 8
#: Words, phrases, operators and fields over the fixture stories (oil, storms, elections, rail fares, reprints...).
QUERIES = [
    "oil",
    "NATO Iraq",
    "prices rose",
    '"wind farms"',
    "election OR vote",
    "storm -flood",
    "rail fares",
    "dividend",
    "grain ships",
    "headline:oil",
    "energy mix",
    "smelter strike",
    "third term",
    "economy growth",
]


@pytest.fixture
def shared_index(tmp_path) -> Path:
    """An index of several fixture folders (about forty stories, reprints among them)."""
    path = tmp_path / "index"
    with NewsIndex.create(path) as index:
        index.update([DATA / name for name in ("mixed", "reading", "reprints", "reprints_wire", "similar")])
        index.update([SEED])
    return path


def _results(index: NewsIndex, text: str) -> tuple:
    found = index.search(text, limit=20)
    hits = [(h.id, h.score, h.headline, h.snippet.text, h.versions) for h in found.hits]
    return found.total, found.with_reprints, hits


def test_threads_sharing_one_index_get_the_results_of_one_thread(shared_index):
    with NewsIndex.open(shared_index) as index:
        expected = {text: _results(index, text) for text in QUERIES}
        assert all(expected[text][0] > 0 for text in QUERIES)  # every query finds something
        start = threading.Barrier(THREADS)

        def worker(n: int) -> list[tuple[str, tuple]]:
            start.wait(timeout=30)  # all threads search at once
            order = QUERIES[n:] + QUERIES[:n]  # each thread in another order
            return [(text, _results(index, text)) for _ in range(3) for text in order]

        with ThreadPoolExecutor(THREADS) as pool:
            answers = [pair for got in pool.map(worker, range(THREADS)) for pair in got]
    assert len(answers) == THREADS * 3 * len(QUERIES)
    wrong = [text for text, got in answers if got != expected[text]]
    assert wrong == []


def test_a_search_finishes_while_another_thread_adds_to_the_same_index(shared_index):
    """The add is held mid-way through its articles until the search has finished (or 20 s have passed): the
    search must not wait for it, and sees the index as it was before the add."""
    with NewsIndex.open(shared_index) as index:
        before = index.search("cobalt").total
        paused, searched = threading.Event(), threading.Event()
        added, found = [], []

        def articles():
            for n in range(10):
                if n == 5:
                    paused.set()
                    searched.wait(timeout=20)  # the add stays under way until the search is done
                yield Article(id=f"cobalt-{n}", headline="Cobalt output", body=f"Cobalt mine report {n}.")

        writer = threading.Thread(target=lambda: added.append(index.add(articles(), extract=False)))
        reader = threading.Thread(target=lambda: found.append(index.search("cobalt")))
        writer.start()
        try:
            assert paused.wait(timeout=20), "the add never started reading its articles"
            reader.start()
            reader.join(timeout=10)
            finished_during_add = not reader.is_alive()
        finally:
            searched.set()
            writer.join(timeout=30)
        reader.join(timeout=30)
        assert finished_during_add, "the search waited for another thread's add() to finish"
        assert found[0].total == before  # the last commit, not the add under way
        assert added == [10]
        assert index.search("cobalt").total == before + 10
