"""``engine/docsets.py``: the documents a query matches, counted from posting ids, are exactly the documents
Whoosh's own matchers find, over random corpora (several segments, deleted documents) and random queries."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh import query as wq

from newssearch import Article, NewsIndex, QueryTimeoutError
from newssearch.engine.docsets import docset
from newssearch.engine.matchers import Excluding, Expanded, FastOr, SafeAndNot, SafeRequire, TimedPhrase
from newssearch.engine.query import prepare

from .helpers import property_settings, word_stories

WORDS = ["oil", "price", "bank", "rate", "iraq", "nato", "troop", "vote", "strike", "port"]
SETTINGS = property_settings(150)


def _corpus(seed: int, n: int) -> list[Article]:
    return word_stories(seed, n, WORDS, 40)


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    """Three segments (three adds), some documents deleted and some replaced."""
    path = tmp_path_factory.mktemp("docsets") / "ix"
    with NewsIndex.create(path) as ix:
        for seed in range(3):
            ix.add(_corpus(seed, 300), extract=False)
        ix.delete([f"d0-{i}" for i in range(0, 300, 7)] + [f"d2-{i}" for i in range(0, 300, 11)])
        ix.add(_corpus(1, 40), extract=False)  # the first 40 of d1-*, replaced
    ix = NewsIndex.open(path)
    yield ix
    ix.close()


def _term(draw: st.DrawFn) -> wq.Query:
    field = draw(st.sampled_from(["content", "headline"]))
    return wq.Term(field, draw(st.sampled_from(WORDS)))


@st.composite
def queries(draw: st.DrawFn, depth: int = 3) -> wq.Query:
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        kind = draw(st.sampled_from(["term", "phrase", "expanded", "missing"]))
        if kind == "term":
            return _term(draw)
        if kind == "phrase":
            return TimedPhrase("content", draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=3)))
        if kind == "expanded":
            words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4, unique=True))
            return Expanded("content", [w.encode() for w in words], "x*")
        return wq.Term("content", "absent")
    subs = draw(st.lists(queries(depth - 1), min_size=2, max_size=3))
    kind = draw(st.sampled_from(["or", "fastor", "and", "andnot", "require", "andmaybe", "excluding"]))
    if kind == "or":
        return wq.Or(subs)
    if kind == "fastor":
        return FastOr([_term(draw) for _ in subs])
    if kind == "and":
        return wq.And(subs)
    if kind == "andnot":
        return SafeAndNot(subs[0], subs[1])
    if kind == "require":
        return SafeRequire(subs[0], subs[1])
    if kind == "andmaybe":
        return wq.AndMaybe(subs[0], subs[1])
    ids = draw(
        st.lists(st.sampled_from([f"d{s}-{i}" for s in range(3) for i in range(0, 300, 13)]), max_size=5)
    )
    return Excluding(subs[0], ids)


@SETTINGS
@given(q=queries())
def test_a_query_s_documents_are_those_whoosh_finds(index, q):
    with index._store.guard():
        searcher = index._store.searcher()
        expected = sorted(searcher.docs_for_query(q))
        found = docset(searcher, q, math.inf)
    assert found.tolist() == expected


@pytest.mark.parametrize(
    "text", ["oil", "oil price", "oil AND NOT bank", '"oil price"', "oi*", "headline:strike OR port", "-oil"]
)
def test_parsed_queries_match_whoosh(index, text):
    with index._store.guard():
        searcher = index._store.searcher()
        q = prepare(searcher.schema, text, searcher.reader()).query
        assert docset(searcher, q, math.inf).tolist() == sorted(searcher.docs_for_query(q))


def test_deleted_and_replaced_documents_are_left_out(index):
    with index._store.guard():
        searcher = index._store.searcher()
        found = set(docset(searcher, wq.Term("content", "oil"), math.inf).tolist())
        ids = {searcher.stored_fields(docnum)["id"] for docnum in found}
    assert "d0-7" not in ids and "d2-11" not in ids
    assert len(found) == len(ids)  # a replaced story once


def test_a_count_past_its_deadline_is_a_timeout(index):
    with index._store.guard(), pytest.raises(QueryTimeoutError):
        docset(index._store.searcher(), wq.Term("content", "oil"), 0.0)
