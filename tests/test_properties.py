"""Property tests of ``NewsIndex.search`` over arbitrary query text and options: it returns consistent results or
raises a NewsSearchError, never anything else.

Consistent: at most ``limit`` hits, ``total`` at least their number (exactly the number left on that page), ranks
consecutive from ``(page - 1) * limit + 1``, the same total for every sort and for every page and limit, dates
within ``since``/``until`` and in the order asked, highlight spans inside their text. The `newssearch query`
command gets the same treatment through Typer's test runner: exit 0 with a JSON document, or 1/2 with one line.
"""

from __future__ import annotations

import json
import math
import os
import shutil
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from newssearch import NewsIndex, NewsSearchError
from newssearch.cli import app
from newssearch.dates import coerce_bound
from newssearch.index import MAX_LIMIT, SORTS

from .helpers import DATA, SEED

#: Examples per property (PROPERTY_EXAMPLES=5000 for a deeper run).
EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "400"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The conftest corpus (the user's example article and hand-written articles in every format), indexed once."""
    folder = tmp_path_factory.mktemp("properties")
    shutil.copytree(DATA / "mixed", folder / "corpus")
    shutil.copy(SEED, folder / "corpus" / SEED.name)
    with NewsIndex.create(folder / "index") as index:
        index.update([folder / "corpus"])
    return folder / "index"


@pytest.fixture(scope="module")
def index(built):
    with NewsIndex.open(built) as opened:  # one searcher for every example, as an application would keep it
        yield opened


# --- strategies -----------------------------------------------------------------------------------------------

SYNTAX = [
    "AND", "OR", "NOT", "TO", "ANDNOT", "ANDMAYBE", '"', "'", "*", "?", "~", "~2", "~1/2", "/", ":", "(", ")",
    "[", "]", "{", "}", "^", "^3", "+", "-", "!", "\\", " ", "\t", "\n",
    "headline:", "body:", "text:", "person:", "people:", "org:", "place:", "source:", "topic:", "date:", "id:",
    "nosuch:", "[a TO z]", "{2019 TO 2021}",
]  # fmt: skip
WORDS = [
    "Iraq", "iraq", "NATO", "troops", "Bolsonaro", "Brazil", "election", "oil", "prices", "OPEC", "storm",
    "typhoon", "Philippines", "Reuters", "AP", "London", "museum", "bronzes", "Nigeria", "chess", "bank", "rates",
    "Lagarde", "Apple", "wildfire", "Sydney", "the", "of", "and", "Bolso", "Soleim", "pric", "x", "s",
    "François", "Ирак", "伊拉克", "🙂", "ß", "\x00", "\x1b[2J", "\u200b", "2020", "1e308",
]  # fmt: skip


def mostly(usual, unusual, share: int = 85):
    """``usual`` in about ``share`` % of the examples, else ``unusual`` (one_of would pick each half the time)."""
    return st.integers(0, 99).flatmap(lambda n: usual if n < share else unusual)


_words = st.sampled_from(WORDS)
_pieces = mostly(_words, st.one_of(st.sampled_from(SYNTAX), st.text(max_size=5)), share=60)
texts = mostly(
    st.lists(_words, min_size=1, max_size=4).map(" ".join),  # words that find articles
    st.one_of(
        st.lists(_pieces, max_size=12).map(" ".join),
        st.lists(_pieces, max_size=16).map("".join),
        st.text(max_size=40),
    ),
    share=50,
)

#: Mostly valid values, some at the edges, some of the wrong type (the API checks what it is given).
limits = mostly(
    st.integers(1, 12), st.sampled_from([1, MAX_LIMIT, 0, -1, MAX_LIMIT + 1, 10**12, None, "10", 2.5])
)
pages = mostly(st.integers(1, 3), st.sampled_from([1, 0, -5, 10**9, None, "1", 1.0]))
_zones = st.integers(-14 * 60, 14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))
_date_texts = st.sampled_from(
    ["2019", "2020-01", "2018-10-28", "2020-03-05T12:00:00+05:00", "2022", "0001", "9999", "9999-12-31",
     "2020-13", "2021-02-30", "0000", "", " ", "yesterday", "2020-1-5", "20200105", "-1", "1e9", "2020-01-10 10:00"]
)  # fmt: skip
_usual_bounds = st.one_of(
    st.datetimes(min_value=datetime(2017, 1, 1), max_value=datetime(2023, 1, 1)),  # where the articles are
    st.datetimes(min_value=datetime(2017, 1, 1), max_value=datetime(2023, 1, 1), timezones=_zones),
    st.dates(min_value=date(2017, 1, 1), max_value=date(2023, 1, 1)),
    st.sampled_from(["2018", "2019", "2020", "2020-03", "2018-10-28", "2021", "2022-11"]),
)
_unusual_bounds = st.one_of(
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=_zones),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    _date_texts,
    st.text(max_size=12),
    st.sampled_from([5, 3.5, b"2020", [2020]]),
)
bounds = mostly(st.none(), mostly(_usual_bounds, _unusual_bounds, share=75), share=70)
sorts = mostly(st.sampled_from(SORTS), st.sampled_from(["", "Date", "newest", "RELEVANCE"]), share=90)


# --- checks ---------------------------------------------------------------------------------------------------


def _search(index: NewsIndex, text, **options):
    """The results, or the NewsSearchError raised; any other exception fails the test."""
    try:
        return index.search(text, **options)
    except NewsSearchError as exc:
        message = str(exc)
        assert message and "\n" not in message, f"{type(exc).__name__} message {message!r}"
        return exc


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _check_page(results, limit: int, page: int, since, until, sort: str) -> None:
    hits = results.hits
    offset = (page - 1) * limit
    assert results.page == page
    assert 0 <= len(hits) <= limit
    assert results.total >= len(hits)
    assert len(hits) == max(0, min(limit, results.total - offset))
    assert [hit.rank for hit in hits] == list(range(offset + 1, offset + 1 + len(hits)))
    assert results.pages == max(1, math.ceil(results.total / limit))
    assert len({hit.id for hit in hits}) == len(hits)
    for hit in hits:
        assert math.isfinite(hit.score) and hit.score >= 0
        for start, end in hit.snippet.highlights:
            assert 0 <= start < end <= len(hit.snippet.text)
        for start, end in hit.headline_highlights:
            assert 0 <= start < end <= len(hit.headline)
    low = coerce_bound(since)
    high = coerce_bound(until, end=True)
    if low or high:
        for hit in hits:
            assert hit.date is not None, "an undated article passed a date filter"
            # Whoosh keeps dates to the microsecond; the slack is added on the hit's side, which cannot overflow
            # (a bound can be the first or last moment Python has).
            if low:
                assert _aware(hit.date) + timedelta(microseconds=1) >= low
            if high:
                assert _aware(hit.date) - timedelta(microseconds=1) <= high
    if sort in ("date", "oldest"):
        dated = [_aware(hit.date) for hit in hits if hit.date]
        assert [hit.date for hit in hits[len(dated) :]] == [None] * (len(hits) - len(dated)), (
            "undated come last"
        )
        assert dated == sorted(dated, reverse=sort == "date")
    elif sort == "relevance":
        scores = [hit.score for hit in hits]
        assert scores == sorted(scores, reverse=True)


@SETTINGS
@given(
    text=texts,
    limit=limits,
    page=pages,
    since=bounds,
    until=bounds,
    sort=sorts,
    syntax=st.booleans(),
    snippets=st.booleans(),
    exact=mostly(st.just(False), st.just(True), share=75),
)
def test_any_query_and_options_give_consistent_results_or_a_newssearch_error(
    index, text, limit, page, since, until, sort, syntax, snippets, exact
):
    options = {"since": since, "until": until, "syntax": syntax, "snippets": snippets, "exact": exact}
    results = _search(index, text, limit=limit, page=page, sort=sort, **options)
    if isinstance(results, NewsSearchError):
        event(f"raised {type(results).__name__}: {str(results)[:30]}")
        return
    event("results" if results.hits else "no hits on this page" if results.total else "nothing found")
    _check_page(results, limit, page, since, until, sort)
    assert results.suggestion is None or (isinstance(results.suggestion, str) and results.suggestion != text)
    # The same search under every sort, and as one big first page: the same total, the same articles.
    everything = {}
    for other in SORTS:
        full = _search(index, text, limit=MAX_LIMIT, page=1, sort=other, **options)
        assert not isinstance(full, NewsSearchError), f"sort={sort!r} worked, sort={other!r} raised {full!r}"
        assert full.total == results.total, (
            f"total {results.total} with sort={sort!r}, {full.total} with {other!r}"
        )
        _check_page(full, MAX_LIMIT, 1, since, until, other)
        everything[other] = [hit.id for hit in full.hits]
        if other == sort:
            offset = (page - 1) * limit
            assert [hit.id for hit in results.hits] == everything[other][offset : offset + limit]
    assert len({frozenset(ids) for ids in everything.values()}) == 1, "the sorts found different articles"


@SETTINGS
@given(text=texts, limit=limits, page=pages, sort=sorts)
def test_a_page_past_the_end_is_empty_with_the_same_total(index, text, limit, page, sort):
    first = _search(index, text, limit=limit, page=1, sort=sort)
    if isinstance(first, NewsSearchError):
        return
    beyond = _search(index, text, limit=limit, page=first.pages + 1, sort=sort)
    assert not isinstance(beyond, NewsSearchError)
    assert beyond.hits == [] and beyond.total == first.total


# --- the same through the command -------------------------------------------------------------------------

runner = CliRunner()
_cli_dates = st.one_of(_date_texts, st.text(max_size=10))


@settings(
    max_examples=max(1, EXAMPLES // 2),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    text=texts,
    limit=st.one_of(st.integers(-2, 15), st.sampled_from([MAX_LIMIT, MAX_LIMIT + 1])),
    page=st.integers(-1, 6),
    since=st.one_of(st.none(), _cli_dates),
    until=st.one_of(st.none(), _cli_dates),
    sort=sorts,
    plain=st.booleans(),
)
def test_the_query_command_prints_json_or_one_line_error(built, text, limit, page, since, until, sort, plain):
    args = [
        "query",
        "--index",
        str(built),
        "--json",
        "--limit",
        str(limit),
        "--page",
        str(page),
        "--sort",
        sort,
    ]
    args += ["--since", since] if since is not None else []
    args += ["--until", until] if until is not None else []
    args += ["--plain"] if plain else []
    result = runner.invoke(app, [*args, "--", text])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    if result.exit_code == 0:
        document = json.loads(result.stdout)
        assert document["total"] >= len(document["hits"])
        assert len(document["hits"]) <= limit
        assert [hit["id"] for hit in document["hits"]] == list(
            dict.fromkeys(h["id"] for h in document["hits"])
        )
    else:
        assert result.exit_code in (1, 2), (result.exit_code, result.output)
        errors = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(errors) == 1 and errors[0].startswith("Error"), result.stderr


def test_until_the_last_day_there_is_is_a_query_error_not_an_unexpected_one(built):
    """Found by the property test above. `newssearch query oil --until 9999-12-31` prints `Error: unexpected
    OverflowError: date value out of range (set NEWSSEARCH_DEBUG=1 for details)` and exits 1, as for a bug;
    `--until 9999-12` and `--until 9999` give `Error: year 10000 is out of range` with exit 2, and the API
    (``search(until="9999-12-31")``) raises QueryError. Expected: a one-line query error with exit 2 (or the
    search, up to the end of time)."""
    result = runner.invoke(app, ["query", "oil", "--index", str(built), "--until", "9999-12-31"])
    assert result.exception is None, repr(result.exception)
    assert result.exit_code == 0 and "1 result for" in result.stdout and result.stderr == ""
