"""``engine/sidecar.py``: a segment's postings file holds every term of its text and keyword fields with the story
numbers and weights of Whoosh's blocks; counts, match sets and rankings are the same read from it or from the
blocks; terms whose keys collide, a damaged file and a segment without one are read from the blocks."""

from __future__ import annotations

import math
import struct

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh import query as wq

from newssearch import Article, NewsIndex
from newssearch.engine import sidecar
from newssearch.engine.docsets import docset

from .helpers import property_settings, word_stories

WORDS = ["oil", "price", "bank", "rate", "iraq", "nato", "troop", "vote", "strike", "port", "Zürich", "1987"]
QUERIES = [
    "oil",
    "oil price",
    "bank OR rate OR troop",
    "oil AND NOT bank",
    '"oil price"',
    "oi*",
    "people:baker",
]


def _corpus(seed: int, n: int) -> list[Article]:
    return word_stories(seed, n, WORDS, 300, shortest=0, people=["James Baker", "Saddam Hussein", "Ann Lee"])


def _build(path, seeds: list[int], n: int) -> NewsIndex:
    """A segment per seed, a few stories deleted and a few replaced."""
    with NewsIndex.create(path) as ix:
        for seed in seeds:
            ix.add(_corpus(seed, n), extract=False)
        ix.delete([f"d{seeds[0]}-{i}" for i in range(0, n, 7)])
        ix.add(_corpus(seeds[-1], n // 5), extract=False)
    return NewsIndex.open(path)


def _segments(ix: NewsIndex):
    searcher = ix._store.searcher()
    return [reader for reader, _ in searcher.reader().leaf_readers()]


def _blocks(reader, fieldname: str, tbytes: bytes) -> tuple[list[int], list[float]]:
    m = reader._terms.matcher(fieldname, tbytes, reader.schema[fieldname].format)
    docs, weights = [], []
    while m.is_active():
        docs.append(m.id())
        weights.append(m.weight())
        m.next()
    return docs, weights


@property_settings(10)
@given(seed=st.integers(0, 1000), n=st.integers(1, 200))
def test_the_file_holds_each_term_as_the_blocks_do(tmp_path_factory, seed, n):
    ix = _build(tmp_path_factory.mktemp("side") / "ix", [seed, seed + 1], n)
    with ix, ix._store.guard():
        for reader in _segments(ix):
            side = sidecar.of(reader, np)
            assert side is not None
            held = 0
            for fieldname in reader.indexed_field_names():
                for tbytes in reader.lexicon(fieldname):
                    found = side.postings(fieldname, tbytes)
                    assert (found is not None) == sidecar.wanted(reader.schema[fieldname])
                    if found is not None:
                        held += 1
                        assert (found[0].tolist(), found[1].tolist()) == _blocks(reader, fieldname, tbytes)
            assert held == len(side.keys) > 0
            assert sidecar.check(reader) == []


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    ix = _build(tmp_path_factory.mktemp("side") / "ix", [1, 2, 3], 300)
    yield ix
    ix.close()


def _answers(ix: NewsIndex) -> list:
    out = []
    for text in QUERIES:
        results = ix.search(text, limit=20)
        out.append((text, ix.count(text), [(h.id, h.score) for h in results.hits], results.total))
    return out


def test_counts_and_rankings_are_the_same_from_the_blocks(index, tmp_path, monkeypatch):
    """The same answers read from the postings files and, with them out of the way, from Whoosh's blocks; the
    files are read."""
    postings = sidecar.Sidecar.postings
    asked = []

    def counted(self, fieldname, btext):
        asked.append(fieldname)
        return postings(self, fieldname, btext)

    monkeypatch.setattr(sidecar.Sidecar, "postings", counted)
    monkeypatch.setattr("newssearch.engine.vectors.ARRAY_POSTINGS", 0)
    monkeypatch.setattr("newssearch.engine.vectors.WARM_ARRAY_POSTINGS", 0)
    with_files = _answers(index)
    assert asked
    monkeypatch.setattr(sidecar, "_open", lambda reader, np: None)
    with NewsIndex.open(index.path) as again:
        asked.clear()
        assert _answers(again) == with_files
        assert not asked


def test_match_sets_are_whoosh_s(index):
    with index._store.guard():
        searcher = index._store.searcher()
        for word in WORDS:
            q = wq.Or([wq.Term("content", word.lower()), wq.Term("headline", "oil")])
            assert docset(searcher, q, math.inf).tolist() == sorted(searcher.docs_for_query(q))


def test_terms_whose_keys_collide_are_read_from_the_blocks(tmp_path, monkeypatch):
    monkeypatch.setattr(sidecar, "term_key", lambda fieldname, btext: len(btext) % 5)
    ix = _build(tmp_path / "ix", [4], 120)
    with ix, ix._store.guard():
        searcher = ix._store.searcher()
        (reader,) = _segments(ix)
        side = sidecar.of(reader, np)
        assert side is not None and len(side.keys) < 5  # most lengths are shared by several terms
        assert side.postings("content", b"oil") is None  # "oil", "vote": both left out
        for word in ["oil", "price", "bank", "iraq"]:
            q = wq.Term("content", word)
            assert docset(searcher, q, math.inf).tolist() == sorted(searcher.docs_for_query(q))
        assert sidecar.check(reader) == []


def test_a_file_that_disagrees_with_the_blocks_is_a_problem_check_reports(index):
    with index._store.guard():
        reader = _segments(index)[0]
        side = sidecar.of(reader, np)
        assert side is not None
        side.weights = side.weights.copy()
        side.weights[0] += 1
        problems = sidecar.check(reader)
        reader.__dict__.pop("_newssearch_sidecar")
    assert len(problems) == 1 and "disagrees" in problems[0]


@pytest.mark.parametrize(
    "data", [b"", b"x" * 40, b"\0" * 16 + b"\2\0\0\0\0\0\0\0NSP1", b"\0" * 16 + b"\1\0\0\0\0\0\0\0NSP0"]
)
def test_a_damaged_file_is_refused(data):
    """Too short, not ours, cut short, another version: refused (the segment's blocks are read instead)."""
    with pytest.raises((ValueError, struct.error)):
        sidecar.Sidecar(np, memoryview(data))
    assert sidecar.Sidecar(np, memoryview(b"\0" * 16 + b"\1\0\0\0\0\0\0\0NSP1")).postings("f", b"t") is None


@pytest.mark.parametrize(
    ("boost", "magic"), [(1.0, sidecar.SMALL_MAGIC), (1.5, sidecar.MAGIC), (300.0, sidecar.MAGIC)]
)
def test_weights_are_kept_in_a_byte_only_when_they_are_small_whole_numbers(tmp_path, boost, magic):
    """Frequencies fit a byte; a boosted story's weights (1.5 times, 300 times) are kept as Whoosh keeps them."""
    from whoosh import index as whoosh_index

    from newssearch.engine import to_document
    from newssearch.engine.schema import build_schema
    from newssearch.engine.writer import ColumnWriter

    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    w = ColumnWriter(ix)
    for n, article in enumerate(_corpus(7, 30)):
        w.add_document(**to_document(article), _boost=boost if n % 2 else 1.0)
    w.commit()
    with ix.reader() as reader:
        (leaf,) = [r for r, _ in reader.leaf_readers()] if not reader.is_atomic() else [reader]
        side = sidecar.of(leaf, np)
        assert side is not None and side.weights.dtype == (
            np.uint8 if magic == sidecar.SMALL_MAGIC else np.float32
        )
        for tbytes in leaf.lexicon("content"):
            found = side.postings("content", tbytes)
            assert found is not None
            assert (found[0].tolist(), found[1].tolist()) == _blocks(leaf, "content", tbytes)
        assert sidecar.check(leaf) == []


@pytest.mark.parametrize("postings", [1, 2, 3, 5, 8])
def test_the_key_table_is_searched_on_8_byte_bounds_whatever_the_postings_before_it(postings):
    """With one-byte weights the key table starts wherever the postings end: it is copied onto 8-byte bounds
    (numpy's binary search of an unaligned table copies it at every lookup), and every term is found."""
    keys = sorted(sidecar.term_key("content", f"w{n}".encode()) for n in range(3))
    buf = (
        struct.pack(f"<{postings}I", *range(postings))
        + bytes([1] * postings)
        + struct.pack("<3Q", *keys)
        + struct.pack("<3Q", 0, 0, 0)
        + struct.pack("<3I", postings, postings, postings)
        + struct.pack("<QQ4s", 3, postings, sidecar.SMALL_MAGIC)
    )
    side = sidecar.Sidecar(np, memoryview(buf))
    assert side.keys.flags.aligned
    for n in range(3):
        found = side.postings("content", f"w{n}".encode())
        assert found is not None and found[0].tolist() == list(range(postings))
