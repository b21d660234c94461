"""Limits that hold: the search time limit on every path, the phrase cap, options that cannot raise anything but a
one-line QueryError (and the quick version of ``tests/fault_limits.py``'s fuzzer)."""

from __future__ import annotations

import math
import time
from datetime import datetime, timedelta

import pytest
from whoosh import query as wq
from whoosh.collectors import TimeLimit

from newssearch import NewsIndex
from newssearch.engine.deadline import DEADLINE
from newssearch.engine.matchers import MAX_PHRASE_WORDS, TimedPhrase
from newssearch.engine.query import prepare, stop_words_only
from newssearch.errors import QueryError
from tests.fault_limits import Zone, fuzz
from tests.helpers import CORPORA, needs_corpora, refused, sample_searcher


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    with sample_searcher(tmp_path_factory.mktemp("limits")) as s:
        yield s


@pytest.fixture
def index(corpus, index_path):
    with NewsIndex.create(index_path) as ix:
        ix.update([corpus])
        yield ix


def _two_words(searcher) -> list[str]:
    """The first two words of a stored body, as the index holds them: a phrase that matches."""
    body = next(
        fields["body"] for fields in searcher.all_stored_fields() if len(fields.get("body") or "") > 200
    )
    return [token.text for token in searcher.schema["content"].analyzer(body, mode="query")][:2]


def test_a_phrase_stops_at_the_deadline(searcher):
    words = _two_words(searcher)
    token = DEADLINE.set(time.monotonic() - 1)  # the running search's deadline has passed
    try:
        wq.Phrase("content", words).matcher(searcher)  # Whoosh's own runs on (it found its first match)
        with pytest.raises(TimeLimit):
            TimedPhrase("content", words).matcher(searcher)
    finally:
        DEADLINE.reset(token)


def test_a_timed_phrase_matches_and_scores_as_whoosh_s_own(searcher):
    words = _two_words(searcher)
    for boost in (1.0, 2.5):
        ours = searcher.search(TimedPhrase("content", words, boost=boost), limit=None)
        theirs = searcher.search(wq.Phrase("content", words, boost=boost), limit=None)
        assert len(ours) > 0 and [(h.docnum, h.score) for h in ours] == [(h.docnum, h.score) for h in theirs]


def test_a_phrase_holds_at_most_so_many_words(searcher):
    words = ["oil", "prices"] * MAX_PHRASE_WORDS
    assert prepare(searcher.schema, '"' + " ".join(words[:MAX_PHRASE_WORDS]) + '"', searcher.reader())
    message = refused(searcher, 'nato "' + " ".join(words[: MAX_PHRASE_WORDS + 1]) + '"')
    assert message.startswith(f"a phrase may hold at most {MAX_PHRASE_WORDS} words (this one has 101 ")


def test_an_exact_search_of_a_long_pasted_text_finds_its_story(index):
    story = max(index.matches("said OR NATO").ids, key=lambda i: len(index.get(i).body.split()))
    body = index.get(story).body
    assert len(body.split()) > MAX_PHRASE_WORDS + 20  # only its first words are looked up; all are checked
    assert [hit.id for hit in index.search(body, exact=True).hits] == [story]
    assert index.search(body + " unwritten", exact=True).total == 0


@needs_corpora
def test_an_exact_search_of_common_words_stops_at_the_limit(tmp_path):
    """On Reuters, a 10,000-character text of four common words ran for minutes (an exact search or a phrase,
    whatever the timeout)."""
    with NewsIndex.create(tmp_path / "index") as ix:
        ix.update([CORPORA / "reuters21578" / f"reut2-00{n}.sgm" for n in range(3)])
        text = " ".join(["said mln dlrs pct"] * 2500)[:10_000].rsplit(" ", 1)[0]
        for call in (lambda: ix.search(text, exact=True, timeout=0.2), lambda: ix.count(f'"{text[:500]}"')):
            started = time.monotonic()
            with pytest.raises(QueryError):  # too long a phrase, or too long a search
                call()
            assert time.monotonic() - started < 2.2


BAD_BOUNDS = [
    {"since": "1987", "until": datetime(1987, 3, 1, tzinfo=Zone(timedelta(hours=30)))},
    {"since": datetime(1987, 3, 1, tzinfo=Zone("x"))},
    {"until": datetime(1987, 3, 1, tzinfo=Zone("raise"))},
]


def _call(index, method, **options):
    """``method`` of ``index`` on a query ("NATO"; a pasted text for ``similar``) with ``options``."""
    if method == "similar":
        return index.similar(text="NATO Iraq", **options)
    return getattr(index, method)("NATO", **options)


@pytest.mark.parametrize("bounds", BAD_BOUNDS)
@pytest.mark.parametrize("method", ["search", "count", "matches", "iter_search", "similar"])
def test_a_date_whose_zone_cannot_be_read_is_a_one_line_error(index, method, bounds):
    with pytest.raises(QueryError, match=r"^not a usable date: ") as info:
        _call(index, method, **bounds)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("timeout", ["2", math.nan, -1, True, [2]])
@pytest.mark.parametrize("method", ["search", "count", "matches", "iter_search", "similar"])
def test_a_timeout_that_is_not_seconds_is_refused(index, method, timeout):
    with pytest.raises(QueryError, match=r"^timeout must be a number of seconds"):
        _call(index, method, timeout=timeout)


def test_ids_and_queries_that_are_not_text_are_refused(index):
    for call in (
        lambda: index.get(5),
        lambda: index.get(None),
        lambda: index.read(index.matches("NATO").ids[0], b"NATO"),
        lambda: index.similar(text="NATO Iraq", exclude=[[1]]),
        lambda: index.similar(text="NATO Iraq", exclude=[5]),
    ):
        with pytest.raises(QueryError):
            call()
    text = index.get(index.matches("NATO").ids[0]).body
    first = index.similar(text=text).hits[0].id
    assert first not in [
        hit.id for hit in index.similar(text=text, exclude=first).hits
    ]  # one id, given as text


def test_a_long_word_is_scanned_for_field_names_in_linear_time():
    started = time.monotonic()  # the scan for "field:" tried every start in the word: minutes for this one
    assert not stop_words_only("x" * 100_000)
    assert time.monotonic() - started < 1.0


def test_fuzzed_calls_raise_only_one_line_errors_within_the_limit(index):
    stats = fuzz(index, 120, seed=17, slack=2.0)
    assert stats["tried"] == 120
    assert (stats["raw"], stats["over"]) == (0, 0), stats["examples"]


def test_matches_in_context_stop_at_the_limit(index, monkeypatch):
    """Building a page of 1,000 hits with their matches in context took seconds past the limit."""
    from newssearch.search import searching as search_mod

    rank = search_mod.rank

    def slow_rank(*args, **kwargs):  # the ranking ends in time, the limit passes before the hits are built
        ranked = rank(*args, **kwargs)
        time.sleep(0.3)
        return ranked

    assert all(hit.kwic for hit in index.search("NATO", kwic=True, timeout=5).hits)
    monkeypatch.setattr(search_mod, "rank", slow_rank)
    results = index.search("NATO", kwic=True, timeout=0.2)
    assert results.hits and not any(hit.kwic for hit in results.hits)
    assert "the search took too long to show matches in context after hit 0" in results.notes
