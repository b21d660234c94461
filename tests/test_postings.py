"""``newssearch.engine.postings``: terms per document worked out when asked, matched terms, and the deadline that stops
reading posting lists."""

import time

import pytest
from whoosh import query as wq
from whoosh.collectors import TimeLimit

from newssearch.engine.deadline import DEADLINE
from newssearch.engine.matchers import Expanded, FastOr
from newssearch.engine.postings import DocTerms, PreloadedMatcher

from .helpers import sample_searcher

A, B, C = ("content", b"a"), ("content", b"b"), ("headline", b"c")


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    with sample_searcher(tmp_path_factory.mktemp("postings")) as s:
        yield s


def test_doc_terms_are_each_documents_matched_terms_in_term_order():
    terms = DocTerms([2, 5, 9], [(A, [2, 5]), (B, [5, 9]), (C, [])])
    assert len(terms) == 3 and [list(t) for t in terms] == [[A], [A, B], [B]]
    assert terms[1:] == [[A, B], [B]]
    assert terms.counts == {2: 1, 5: 2, 9: 1} and terms.most() == 2 and terms.matched() == [A, B]


def test_a_preloaded_matcher_on_doc_terms_shows_the_same_faces_and_matched_terms():
    m = PreloadedMatcher([2, 5, 9], [1.0, 3.0, 2.0], DocTerms([2, 5, 9], [(A, [2, 5]), (B, [5, 9])]))
    assert len(m.children()) == 2 and m.matched_terms() == {A, B}
    m.next()
    assert list(m.matching_terms()) == [A, B] and [f.is_active() for f in m.children()] == [True, True]
    m.next()
    assert m.matched_terms() == {B}  # from the current document on


def test_fast_or_matched_terms_are_those_whoosh_records(searcher):
    q = FastOr([wq.Term("content", w) for w in ("oil", "iraq", "nato", "nosuchword")])
    ours = q.matcher(searcher.subsearchers[0][0] if searcher.subsearchers else searcher)
    whoosh = searcher.search(wq.Or(list(q.subqueries)), terms=True, limit=None)
    assert ours.matched_terms() == whoosh.matched_terms() and ours.matched_terms()


@pytest.mark.parametrize(
    "query",
    [
        FastOr([wq.Term("content", "oil"), wq.Term("content", "iraq")]),
        Expanded("content", [b"oil", b"iraq", b"nato"], "o*"),
    ],
)
def test_reading_postings_stops_at_the_deadline(searcher, query):
    leaf = searcher.subsearchers[0][0] if searcher.subsearchers else searcher
    assert query.matcher(leaf).is_active()
    token = DEADLINE.set(time.monotonic() - 1)
    try:
        with pytest.raises(TimeLimit):
            for _ in range(5000):  # the deadline is checked every block, or every 4,096 documents
                query.matcher(leaf)
    finally:
        DEADLINE.reset(token)
    assert query.matcher(leaf).is_active()  # once reset, nothing is left over
