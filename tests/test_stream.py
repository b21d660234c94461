"""``NewsIndex.iter_search``: every hit, in search's order, built one at a time; the index fingerprint."""

from datetime import datetime, timedelta, timezone

import pytest

from newssearch import Article, NewsIndex, QueryError
from newssearch.errors import StaleResultsError
from newssearch.text.kwic import MAX_CONTEXTS

from .helpers import CORPORA, needs_corpora

START = datetime(1987, 3, 1, tzinfo=timezone.utc)


@pytest.fixture
def index(corpus, index_path):
    """The sample corpus plus 25 oil stories, many of them scoring the same (ties), some undated; none a copy of
    another."""
    with NewsIndex.create(index_path) as ix:
        ix.update([corpus])
        ix.add(
            Article(
                id=f"oil-{n:02d}",
                headline=f"Crude oil market report {n % 3}",
                # a word of its own in each, so that none is a near-identical copy of another (``reprints.py``)
                body=f"Crude oil prices moved on desk{n:02d} on the day. Traders said the oil market was quiet"
                + "." * (n % 2),
                date=START + timedelta(days=n % 7) if n % 5 else None,
            )
            for n in range(25)
        )
    with NewsIndex.open(index_path) as ix:
        yield ix


def pages(ix: NewsIndex, text: str, **options) -> list:
    out, page = [], 1
    while hits := ix.search(text, limit=4, page=page, **options).hits:
        out += hits
        page += 1
    return out


@pytest.mark.parametrize("sort", ["relevance", "date", "oldest"])
@pytest.mark.parametrize("text", ["oil", "said", 'oil OR "State Department"', "crude AND market"])
def test_the_stream_is_search_s_pages_one_after_another(index, text, sort):
    streamed = index.iter_search(text, sort=sort, kwic=False)
    hits = list(streamed)
    paged = pages(index, text, sort=sort)
    assert [h.to_dict() for h in hits] == [h.to_dict() for h in paged]
    assert [h.rank for h in hits] == list(range(1, streamed.total + 1))
    assert streamed.total == len(hits) == index.search(text, sort=sort).total


def test_equal_scores_come_in_a_stable_order(index):
    hits = list(index.iter_search("oil", kwic=False))
    scores = [h.score for h in hits]
    assert len(set(scores)) < len(scores)  # the fixture has ties
    assert scores == sorted(scores, reverse=True)
    with NewsIndex.open(index.path) as again:
        assert [h.id for h in again.iter_search("oil", kwic=False)] == [h.id for h in hits]


@pytest.mark.parametrize(
    "bounds", [{}, {"since": "1987-03-03"}, {"since": "1987-03-02", "until": "1987-03-04"}]
)
def test_the_stream_holds_exactly_the_matches(index, bounds):
    streamed = index.iter_search("oil OR troops", **bounds)
    ids = [h.id for h in streamed]
    matches = index.matches("oil OR troops", **bounds)
    assert len(ids) == streamed.total == matches.total and sorted(ids) == sorted(matches.ids)


def test_kwic_shows_the_words_the_snippet_highlights(index):
    for hit in index.iter_search("troops NATO", kwic=True):
        assert hit.kwic, hit.id
        matched = {c.match.lower() for c in hit.kwic}
        assert matched <= {"troop", "troops", "nato"}
        lit = {hit.snippet.text[a:b].lower() for a, b in hit.snippet.highlights}
        assert lit <= matched
        assert all(str(c).count("[") >= 1 for c in hit.kwic)


def test_kwic_in_search_and_in_to_dict(index):
    hit = index.search("troops", kwic=True).hits[0]
    data = hit.to_dict()
    assert data["kwic"] == [c.to_dict() for c in hit.kwic] and data["kwic_more"] == hit.kwic_more
    assert all(set(c) == {"left", "match", "right"} for c in data["kwic"])
    plain = index.search("troops").hits[0]
    assert plain.kwic == [] and not plain.has_kwic and "kwic" not in plain.to_dict()
    assert next(iter(index.iter_search("troops", kwic=False))).kwic == []


def test_a_headline_only_match_has_no_contexts(index):
    hit = next(iter(index.iter_search("headline:report", kwic=True)))
    assert "report" not in hit.article.body.lower() and hit.kwic == [] and hit.has_kwic
    assert hit.to_dict()["kwic"] == []  # asked for: listed even when there is nothing to list


def test_a_huge_story_makes_a_bounded_row(index_path, tmp_path):
    with NewsIndex.create(tmp_path / "big") as ix:
        ix.add([Article(id="big", headline="Big", body="The oil price rose. " * 25_000)], extract=False)
        (hit,) = ix.iter_search("oil", kwic=True)
    assert len(hit.kwic) == MAX_CONTEXTS and hit.kwic_more == 25_000 - MAX_CONTEXTS
    assert sum(len(str(c)) for c in hit.kwic) < 2_000


def test_the_same_query_gives_the_same_rows(index):
    first = index.iter_search("oil OR said", sort="date")
    second = index.iter_search("oil OR said", sort="date")
    assert first.header() == second.header()
    assert [h.to_dict() for h in first] == [h.to_dict() for h in second]


def test_the_header_says_what_was_searched(index):
    streamed = index.iter_search("oil", since="1987-03", until="1987-03-04", sort="oldest", syntax=False)
    assert streamed.header() == {
        "query": "oil",
        "index": index.fingerprint,
        "total": streamed.total,
        "total_with_reprints": streamed.total,  # no story here is a copy of another
        "sort": "oldest",
        "since": "1987-03-01T00:00:00+00:00",
        "until": "1987-03-04T23:59:59.999999+00:00",
        "syntax": False,
        "notes": [],
        "suggestion": None,  # "did you mean", when the search made one
    }


def test_the_fingerprint_changes_with_every_commit_only(index):
    first = index.fingerprint
    assert first == index.fingerprint == index.search("oil").index == index.iter_search("oil").index
    assert len(first) == 16
    with NewsIndex.open(index.path) as again:
        assert again.fingerprint == first
    index.add([Article(id="new", headline="New oil find", body="Oil was found.")])
    added = index.fingerprint
    index.delete(["new"])
    deleted = index.fingerprint
    assert len({first, added, deleted}) == 3
    assert index.search("oil").to_dict()["index"] == deleted


def test_a_stream_reads_the_commit_it_ranked_to_its_end_whatever_is_written_meanwhile(index):
    expected = [(hit.id, hit.score, hit.snippet.text) for hit in index.iter_search("oil")]
    streamed = index.iter_search("oil")
    hits = iter(streamed)
    rows = [next(hits)]
    index.add([Article(id="late", headline="Late oil", body="Oil.")])
    index.delete([expected[-1][0]])
    assert index.search("oil").total == streamed.total  # one added, one deleted: searches see the new commit
    rows += list(hits)
    assert [(hit.id, hit.score, hit.snippet.text) for hit in rows] == expected


def test_closing_the_index_ends_a_stream_being_read_with_a_stale_results_error(index):
    hits = iter(index.iter_search("oil"))
    next(hits)
    index.close()
    with pytest.raises(StaleResultsError, match="closed while its results were read"):
        next(hits)
    assert issubclass(StaleResultsError, QueryError)
    assert index.search("oil").total >= 1  # a closed index opens its files again when next asked


def test_other_searches_may_run_while_a_stream_is_read(index):
    streamed = index.iter_search("oil", kwic=False)
    ids = []
    for hit in streamed:
        ids.append(hit.id)
        assert index.search("troops").total == 1
    assert len(ids) == streamed.total


def test_bad_options_are_query_errors(index):
    with pytest.raises(QueryError):
        index.iter_search("oil", sort="size")
    with pytest.raises(QueryError):
        index.iter_search("oil", since="1988", until="1987")
    with pytest.raises(QueryError):
        index.iter_search("the and of")


@needs_corpora
def test_every_match_of_a_common_word_on_reuters(tmp_path):
    with NewsIndex.create(tmp_path / "ix") as ix:
        ix.update([CORPORA / "reuters21578" / "reut2-000.sgm"])
        streamed = ix.iter_search("bank", kwic=True, snippets=False)
        hits = list(streamed)
        assert len(hits) == streamed.total == ix.count("bank") > 50  # each story once
        every_copy = ix.matches("bank", all_versions=True).total
        assert streamed.with_reprints == every_copy > streamed.total  # Reuters repeats stories
        assert sum(h.versions for h in hits) == streamed.with_reprints - streamed.total
        assert [h.id for h in hits[:30]] == [h.id for h in ix.search("bank", limit=30).hits]
        every = ix.iter_search("bank", kwic=False, snippets=False, all_versions=True)
        assert every.total == len(list(every)) == ix.matches("bank", all_versions=True).total
        assert all(c.match.lower().startswith("bank") for h in hits for c in h.kwic or ())


def test_an_empty_index_has_a_fingerprint_and_no_hits(tmp_path):
    with NewsIndex.create(tmp_path / "empty") as ix:
        streamed = ix.iter_search("oil")
        assert list(streamed) == [] and streamed.total == 0 and len(ix.fingerprint) == 16
        ix.add([Article(id="a", headline="Oil", body="Oil.")])
        ix.delete(["a"])
        assert ix.search("oil").index == ix.fingerprint
