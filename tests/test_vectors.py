"""``engine/vectors.py``: an OR scored as arrays gives the same ranked ids, scores, totals and highlights as the
per-posting loop, over random corpora and queries; its top N are the heap's, ties to the lower document."""

from __future__ import annotations

import heapq
import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from newssearch import Article, NewsIndex
from newssearch.engine import vectors

from .helpers import property_settings

WORDS = ["oil", "price", "bank", "rate", "iraq", "nato", "troop", "vote", "strike", "port", "crude", "share"]
SETTINGS = property_settings(120)


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    """One segment, with deleted documents (the array path needs one segment, as the loop does) and copies of
    stories (every seventh repeats an earlier one: the grouping of copies reads the arrays too)."""
    rng = random.Random(5)
    path = tmp_path_factory.mktemp("vectors") / "ix"
    articles = []
    for i in range(1500):
        if i % 7 == 6:
            earlier = articles[rng.randrange(len(articles))]
            articles.append(Article(id=f"d{i}", headline=earlier.headline, body=earlier.body))
            continue
        articles.append(
            Article(
                id=f"d{i}",
                headline=" ".join(rng.choices(WORDS, k=rng.randint(1, 4))),
                body=" ".join(rng.choices(WORDS, k=rng.randint(1, 60))) + ".",
            )
        )
    with NewsIndex.create(path) as ix:
        ix.add(articles, extract=False)
        ix.delete([f"d{i}" for i in range(0, 1500, 9)])
    ix = NewsIndex.open(path)
    yield ix
    ix.close()


def _run(ix, monkeypatch, threshold, text, sparse=False, matchers=False, **options):
    with monkeypatch.context() as patched:
        patched.setattr(vectors, "ARRAY_POSTINGS", threshold)
        patched.setattr(vectors, "WARM_ARRAY_POSTINGS", threshold)
        if matchers:  # each word's postings read through its Whoosh matcher, not straight from the file
            patched.setattr(vectors, "direct", lambda *args: None)
        patched.setattr(
            vectors, "SPARSE_SHARE", 0 if sparse else 10**9
        )  # summed from the postings, or densely
        results = ix.search(text, syntax=False, **options)
    return (
        results.total,
        [(hit.id, hit.score, hit.snippet.text, hit.snippet.highlights) for hit in results.hits],
    )


@SETTINGS
@given(
    words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=6),
    limit=st.sampled_from([1, 3, 10, 50]),
    page=st.integers(1, 3),
)
def test_arrays_rank_as_the_loop_does(index, monkeypatch, words, limit, page):
    text = " ".join(words)
    looped = _run(index, monkeypatch, 10**12, text, limit=limit, page=page)
    arrayed = _run(index, monkeypatch, 0, text, limit=limit, page=page)
    sparse = _run(index, monkeypatch, 0, text, sparse=True, limit=limit, page=page)
    through_matchers = _run(index, monkeypatch, 0, text, matchers=True, limit=limit, page=page)
    assert arrayed == looped
    assert sparse == looped
    assert through_matchers == looped


def test_the_array_path_is_taken(index, monkeypatch):
    taken = []
    summed = vectors._summed
    monkeypatch.setattr(vectors, "ARRAY_POSTINGS", 0)
    monkeypatch.setattr(vectors, "WARM_ARRAY_POSTINGS", 0)
    monkeypatch.setattr(vectors, "_summed", lambda *a: taken.append(1) or summed(*a))
    assert index.search("oil price", syntax=False).total > 0 and taken


@pytest.mark.parametrize("seed", range(30))
def test_top_indexes_are_the_heap_s(seed):
    rng = random.Random(seed)
    scores = [float(rng.choice([1, 2, 2, 3, 3, 3, 0.5])) for _ in range(rng.randint(1, 60))]
    limit = rng.randint(1, 20)
    expected = heapq.nlargest(limit, range(len(scores)), key=scores.__getitem__)
    assert vectors.top_indexes(np, np.array(scores), limit) == expected
    assert vectors.top_indexes(np, np.array(scores), 0) == []


def test_numpy_is_loaded_by_the_second_big_or_of_a_process(index, monkeypatch):
    """A command that runs one search does not pay for loading numpy; a process that runs more does."""
    import types

    taken = []
    preload = vectors.preload
    monkeypatch.setattr(vectors, "sys", types.SimpleNamespace(modules={}))  # as if numpy were not loaded
    monkeypatch.setattr(vectors, "_big_ors", [0, None])
    monkeypatch.setattr(vectors, "ARRAY_POSTINGS", 1)
    monkeypatch.setattr(vectors, "WARM_ARRAY_POSTINGS", 1)
    monkeypatch.setattr(vectors, "preload", lambda *a: taken.append(1) or preload(*a))
    first = index.search("oil price", syntax=False)
    assert taken == []
    second = index.search("oil price", syntax=False)
    assert taken == [1]
    assert [(h.id, h.score) for h in first.hits] == [(h.id, h.score) for h in second.hits]
    monkeypatch.setattr(vectors, "_big_ors", [0, None])
    monkeypatch.setattr(vectors, "COLD_ARRAY_POSTINGS", 1)  # an OR big enough to pay for loading it at once
    index.search("oil price", syntax=False)
    assert taken == [1, 1]


def test_an_or_over_several_segments_counts_once(tmp_path, monkeypatch):
    import types

    with NewsIndex.create(tmp_path / "ix") as ix:
        for part in range(3):  # three segments
            ix.add(
                [Article(id=f"{part}-{i}", headline="oil", body="oil price " * (i + 1)) for i in range(20)]
            )
        taken = []
        preload = vectors.preload
        monkeypatch.setattr(vectors, "sys", types.SimpleNamespace(modules={}))
        monkeypatch.setattr(vectors, "_big_ors", [0, None])
        monkeypatch.setattr(vectors, "ARRAY_POSTINGS", 1)
        monkeypatch.setattr(vectors, "WARM_ARRAY_POSTINGS", 1)
        monkeypatch.setattr(vectors, "preload", lambda *a: taken.append(1) or preload(*a))
        with ix._store.guard():
            assert len(ix._store.searcher().reader().leaf_readers()) == 3
        ix.search("oil price", syntax=False)
        assert taken == [] and vectors._big_ors[0] == 1


def test_items_are_a_list_of_python_numbers_made_one_at_a_time():
    """What a preloaded matcher holds when scored as arrays: its documents and scores read as the lists they
    stand for (Python ints and floats, slices, iteration, a binary search), never numpy scalars."""
    import bisect

    import numpy as np

    ids = vectors.Items(np.array([2, 5, 9], dtype=np.int64), int)
    scores = vectors.Items(np.array([0.5, 1.25, 3.0]), float)
    assert len(ids) == 3 and ids[1] == 5 and type(ids[1]) is int and type(scores[2]) is float
    assert ids[1:] == [5, 9] and type(ids[1:][0]) is int and list(scores) == [0.5, 1.25, 3.0]
    assert bisect.bisect_left(ids, 6) == 2


def test_a_matcher_is_on_its_first_posting_only_until_it_moves(index):
    """The postings file is read for a term only while its matcher has not moved: told without decoding."""
    searcher = index._store.searcher()
    reader = next(iter(searcher.reader().leaf_readers()))[0]
    leaf = reader._terms.matcher("content", b"oil", reader.schema["content"].format)  # no deletions filter
    assert reader.doc_frequency("content", "oil") > 300  # more than one block of 128
    assert vectors._at_first_posting(leaf)
    leaf.next()
    assert not vectors._at_first_posting(leaf)
    leaf.reset()
    assert vectors._at_first_posting(leaf)
    leaf.skip_to(1_000)  # into a later block
    assert leaf.is_active() and not vectors._at_first_posting(leaf)


@pytest.mark.parametrize("fillers", range(12))
def test_copies_join_the_same_groups_from_arrays_as_from_the_loop(tmp_path, monkeypatch, fillers):
    """A story re-added under its id as a copy of another: which group a copy joins depends on the order the
    later copies are read in, which the array path keeps as the loop has it."""
    from datetime import datetime, timedelta, timezone

    day = datetime(2024, 3, 5, 9, tzinfo=timezone.utc)

    def body(n, edits=()):
        words = [f"w{n}x{i}" for i in range(90)]
        words[0] = "harbour"
        for at, word in edits:
            words[at] = word
        return " ".join(words)

    with NewsIndex.create(tmp_path / "ix") as ix:
        ix.add(
            [
                Article(id="a", headline="Story A", body=body(1), date=day),
                Article(
                    id="b",
                    headline="Story A again",
                    body=body(1, ((50, "fix"),)),
                    date=day + timedelta(hours=1),
                ),
                Article(id="c", headline="Story C", body=body(2), date=day),
            ],
            extract=False,
        )
        fill = [
            Article(id=f"f{i}", headline=f"filler {i}", body=body(100 + i), date=day) for i in range(fillers)
        ]
        again = Article(
            id="a",
            headline="Story C harbour",
            body=body(2, ((50, "harbour"),)),
            date=day + timedelta(hours=2),
        )
        ix.add([*fill, again], extract=False)
        runs = []
        for threshold in (10**12, 0):
            with monkeypatch.context() as patched:
                patched.setattr(vectors, "ARRAY_POSTINGS", threshold)
                patched.setattr(vectors, "WARM_ARRAY_POSTINGS", threshold)
                results = ix.search("harbour story", syntax=False, limit=2)
            runs.append([(hit.id, hit.score, hit.versions, hit.group) for hit in results.hits])
    assert runs[0] == runs[1] and len(runs[0]) == 2


def test_the_coordination_bonus_counts_the_words_found_as_the_loop_does(index, monkeypatch):
    """An OR with Whoosh's coordination bonus (``scale``): the words a segment holds (an absent one left out)
    are counted the same way read straight from the postings file as through the loop."""
    from whoosh import query as wq

    from newssearch.engine.matchers import FastOr

    searcher = index._store.searcher()
    terms = [wq.Term("content", word) for word in ("oil", "price", "nato", "absentword")]
    q = FastOr([*terms, wq.Term("headline", "oil", boost=0.3)], scale=0.9)
    runs = []
    for threshold in (10**12, 0):
        with monkeypatch.context() as patched:
            patched.setattr(vectors, "ARRAY_POSTINGS", threshold)
            patched.setattr(vectors, "WARM_ARRAY_POSTINGS", threshold)
            runs.append(searcher.search(q, limit=30).top_n)
    assert runs[0] == runs[1] and len(runs[0]) == 30
