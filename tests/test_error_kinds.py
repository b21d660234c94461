"""Errors a service can tell apart: a search stopped at its time limit (QueryTimeoutError) and a result stream whose
index was closed under it (StaleResultsError) are each their own QueryError, apart from a query that cannot be
searched (a plain QueryError); ``except QueryError`` still catches all three."""

import pytest

from newssearch import Article, NewsIndex, QueryError, QueryTimeoutError, StaleResultsError


@pytest.fixture
def index(corpus, index_path):
    with NewsIndex.create(index_path) as ix:
        ix.update([corpus])
        yield ix


def test_a_search_stopped_at_its_time_limit_is_a_query_timeout(index):
    calls = {
        "search": lambda: index.search("oil OR troops", timeout=0),
        "search exact": lambda: index.search("oil", exact=True, timeout=0),
        "search recent": lambda: index.search("oil", recent=7, timeout=0),
        "iter_search": lambda: index.iter_search("oil", timeout=0),
        "similar": lambda: index.similar(text="Oil prices rose as NATO troops moved", timeout=0),
    }
    for name, call in calls.items():
        with pytest.raises(QueryTimeoutError, match="took too long and was stopped") as info:
            call()
        assert isinstance(info.value, QueryError), name


def test_a_query_that_cannot_be_searched_is_a_plain_query_error(index):
    for call in (
        lambda: index.search(""),
        lambda: index.search("oil", sort="size"),
        lambda: index.count("oil", since="soon"),
    ):
        with pytest.raises(QueryError) as info:
            call()
        assert not isinstance(info.value, (QueryTimeoutError, StaleResultsError)), info.value


def test_a_stream_whose_index_was_closed_is_stale(index):
    streamed = index.iter_search("oil OR troops OR storm OR election")
    hits = iter(streamed)
    next(hits)
    assert streamed.total > 2
    index.add([Article(id="late", headline="Late oil", body="Oil.")])
    index.close()
    with pytest.raises(StaleResultsError, match="closed while its results were read") as info:
        list(hits)
    assert isinstance(info.value, QueryError)
