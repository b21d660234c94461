"""``newssearch.engine.query.prepare``'s promise: a query that finds what was asked, with one-line notes, or a one-line
QueryError, nothing else, for any text at all. The parse tree is in test_query_parse.py."""

import copy
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import query as wq

from newssearch import QueryError
from newssearch.engine import bounds
from newssearch.engine.matchers import FastOr, SafeRequire
from newssearch.engine.query import date_range, make_parser, parse, prepare, require
from newssearch.engine.schema import build_schema

from .helpers import SEED, found, nodes, refused
from .helpers import run_query as run

PARSER = make_parser(build_schema())
SEED_NAME = SEED.name


# --- prepare ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "must", "must_not"),
    [
        ("NATO AND Iraq", {SEED_NAME}, set()),
        ("NATO AND Bolsonaro", set(), {SEED_NAME}),
        ("Bolsonaro OR Lagarde", {"election.txt", "wire-1"}, {SEED_NAME}),
        ("Iraq NOT NATO", set(), {SEED_NAME}),
        ("Reuters -Iraq", {"oil_prices.txt"}, {SEED_NAME}),
        ('"State Department"', {SEED_NAME}, set()),
        ('"Department State"', set(), {SEED_NAME}),
        ("headline:troops", {SEED_NAME}, set()),
        ("headline:Kerbala", set(), {SEED_NAME}),
        ("body:Kerbala", {SEED_NAME}, set()),
        ("person:Pompeo", {SEED_NAME}, set()),
        ('person:"Mike Pompeo"', {SEED_NAME}, set()),
        ("org:NATO", {SEED_NAME}, set()),
        ("place:Kerbala", {SEED_NAME}, set()),
        ("source:AP", {"storm.txt"}, {SEED_NAME}),
        ("Soleim*", {SEED_NAME}, set()),
        ("Soleimany~", {SEED_NAME}, set()),
        ("Bolsonaro~2", {"election.txt"}, set()),
    ],
)
def test_prepared_queries_find_what_was_asked(searcher, text, must, must_not):
    prepared = prepare(searcher.schema, text, searcher.reader())
    hits = found(searcher.search(prepared.query, limit=50))
    assert must <= hits and not (must_not & hits)
    assert prepared.notes == []


def as_whoosh(q: wq.Query) -> wq.Query:
    """The query with every FastOr made the Whoosh Or it stands for."""
    if isinstance(q, FastOr):
        return wq.Or([as_whoosh(s) for s in q.subqueries], boost=q.boost, minmatch=q.minmatch, scale=q.scale)
    if isinstance(q, wq.CompoundQuery) and not isinstance(q, wq.BinaryQuery):
        new = copy.copy(q)
        new.subqueries = [as_whoosh(s) for s in q.subqueries]
        return new
    return q.apply(as_whoosh)


def test_every_or_runs_on_fastor(searcher):
    """Every OR (even one word in the default fields) is a FastOr: it visits every match, so the total comes with
    the top hits (``search._CountingTop``)."""
    for text in ["NATO", "NATO Iraq", "(Iraq OR Iran) AND sanctions"]:
        q = prepare(searcher.schema, text, searcher.reader()).query
        ors = [n for n in nodes(q) if isinstance(n, wq.Or)]
        assert ors and all(type(n) is FastOr for n in ors), text


def test_ordinary_queries_are_left_as_parsed(searcher):
    """Queries without wildcards are what ``parse`` makes, but for their ORs run by FastOr: the same ranking."""
    for text in [
        "NATO Iraq",
        "NATO AND Iraq",
        "Iraq NOT NATO",
        '"State Department"',
        'person:"Mike Pompeo"',
        "org:NATO place:Kerbala",
        "(Iraq OR Iran) AND sanctions",
        "the Hague",
    ]:
        prepared = prepare(searcher.schema, text, searcher.reader())
        parsed = parse(PARSER, text)
        assert as_whoosh(prepared.query) == parsed and prepared.notes == [], text
        assert [getattr(n, "scale", None) for n in nodes(prepared.query)] == [
            getattr(n, "scale", None) for n in nodes(parsed)
        ]
    # no coordination bonus in a bracketed group either: a word scores the same anywhere
    assert {getattr(n, "scale", None) for n in nodes(parse(PARSER, "(Iraq OR Iran) AND sanctions"))} == {None}


def test_plain_words_mode_ignores_syntax(searcher):
    assert found(run(searcher, "Iraq NOT NATO")[1]) == set()
    assert SEED_NAME in found(run(searcher, "Iraq NOT NATO", syntax=False)[1])  # "not" is a stop word
    assert SEED_NAME in found(run(searcher, 'headline:"zzz" Kerbala', syntax=False)[1])
    assert "empty query" in refused(searcher, "!!!", syntax=False)


def test_long_natural_text_finds_itself(searcher):
    paragraph = SEED.read_text(encoding="utf-8")[:9_000]
    for syntax in (True, False):
        assert run(searcher, paragraph, syntax=syntax)[1][0]["id"].endswith(SEED_NAME)


def test_require_filters_without_changing_scores(searcher):
    q = prepare(searcher.schema, "Reuters OR oil OR wildfire OR bank", searcher.reader()).query
    year = date_range(datetime(2020, 1, 1), datetime(2020, 12, 31, 23, 59))
    filtered = require(q, year)
    assert type(filtered) is SafeRequire
    everything = {h.docnum: (h.score, h.fields().get("date")) for h in searcher.search(q, limit=None)}
    expected = {d: score for d, (score, day) in everything.items() if day and day.year == 2020}
    assert 0 < len(expected) < len(everything)
    assert {h.docnum: h.score for h in searcher.search(filtered, limit=None)} == expected
    assert sorted(searcher.docs_for_query(filtered)) == sorted(expected)
    (best,) = searcher.search(filtered, limit=1)  # skipping low-scoring blocks
    assert best.score == max(expected.values())
    open_ended = {
        h.fields().get("date") for h in searcher.search(require(q, date_range(datetime(2021, 1, 1), None)))
    }
    assert open_ended and all(day >= datetime(2021, 1, 1) for day in open_ended)


def test_an_unexpected_failure_while_preparing_is_a_query_error(searcher, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("unexpected\nfailure")

    monkeypatch.setattr(bounds._Bounder, "_scan", boom)
    assert refused(searcher, "Soleim*") == "cannot search this query: unexpected failure"


# --- any text at all: results or a one-line QueryError ---------------------------------------------------------

STOP = "only common words (stop words)"
WILDCARD = "a wildcard needs at least 2 letters before the first * or ?"

#: Text -> what prepare makes of it: a QueryError with this in its message, or results with these stories in them.
HOSTILE = {
    '"unbalanced quote': set(),
    "unbalanced paren (": set(),
    "))))": set(),
    "AND": STOP,
    "OR OR OR": STOP,
    "NOT": STOP,
    "a AND": STOP,
    "field:": set(),
    ":": set(),
    "*": WILDCARD,
    "?": WILDCARD,
    "~": set(),
    "^": set(),
    "headline:": set(),
    "nosuchfield:value": set(),
    "date:[2020 to": set(),
    "[a TO b]": set(),
    "{}": set(),
    "\\": set(),
    "'single": set(),
    "Iraq^abc": {SEED_NAME},
    "Iraq~abc": {SEED_NAME},
    "-": set(),
    "+": set(),
    "!!!???": set(),
    "ANDAND[topic:\n]": set(),  # found by Hypothesis: the range's note held the line break
    "\x00\x01\x02": set(),
    "Ирак НАТО": set(),
    "伊拉克 北约": set(),
    "العراق": set(),
    "🙂 emoji": set(),
    "x" * 10_000: set(),
    "Iraq " * 1_999: {SEED_NAME},
    # what used to crash
    "oil~1/4": {"oil_prices.txt"},
    "oil~9/99": {"oil_prices.txt"},
    "NOT " * 1200: STOP,
    "NOT " * 1200 + "oil": {"oil_prices.txt"},
    "(" * 3000 + "oil": {"oil_prices.txt"},
    "oil" + ")" * 3000: {"oil_prices.txt"},
    "(a AND (b OR (" * 300 + "oil": {"oil_prices.txt"},
    "(x AND (y OR " * 700: set(),
    '"' * 4000: set(),
    "oil~" * 2000: {"oil_prices.txt"},
    "oil^" * 2000: {"oil_prices.txt"},
    "a:" * 3000: STOP,
    "[a TO b] " * 800: set(),
    "NOT (" * 1500: STOP,
    "date:[2020 TO]": {"oil_prices.txt", "wire-1"},
    "date:>2020": set(),
    "*:*": WILDCARD,
    "oil^99999999999999999999999999": {"oil_prices.txt"},
    "oil~2/9999999999999999999": {"oil_prices.txt"},
    "\x00*\x01~\x02": WILDCARD,
    "İstanbul* ǅ~2 ß?": WILDCARD,
    "text:[z TO a]": set(),
    "person:{ TO }": STOP,
    'date:"was"~2': set(),
    'date:"2020 2021"': set(),
    "-HEAVY Lee valued + Because": set(),
}


@pytest.mark.parametrize(("text", "expected"), HOSTILE.items(), ids=range(len(HOSTILE)))
def test_hostile_text(searcher, text, expected):
    if isinstance(expected, str):
        assert expected in refused(searcher, text)
    else:
        prepared, results = run(searcher, text)
        assert expected <= found(results) and len(results.top_n) <= 10
        assert all(note and "\n" not in note for note in prepared.notes)


SYNTAX = [
    "AND", "OR", "NOT", "TO", "ANDNOT", "ANDMAYBE", '"', "'", "*", "?", "~", "~2", "~9/3", "/", ":", "(", ")", "[",
    "]", "{", "}", "^", "^2", "+", "-", "!", "\\", " ", "  ", "\t", "\n",
    "headline:", "text:", "person:", "org:", "place:", "source:", "topic:", "date:", "id:", "nosuch:",
]  # fmt: skip
WORDS = [
    "iraq", "Iraq", "NATO", "Kerbala", "Soleimani", "Bolsonaro", "oil", "price", "storm", "the", "and", "of", "a",
    "st", "pr", "s", "x", "Ирак", "伊拉克", "العراق", "🙂", "ǅ", "İ", "ß", "2020", "1e308", "\x00", "\x07", "\u200b",
]  # fmt: skip
pieces = st.one_of(st.sampled_from(SYNTAX), st.sampled_from(WORDS), st.text(max_size=4))
query_texts = st.lists(pieces, max_size=24).map("".join) | st.lists(pieces, max_size=12).map(" ".join)


def _results_or_query_error(searcher, text: str, syntax: bool) -> None:
    """Either a one-line QueryError, or one-line notes and a query whose top hits are among its matches, best
    first; counting its matches (no scores) works too."""
    try:
        prepared = prepare(searcher.schema, text, searcher.reader(), syntax=syntax)
    except QueryError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert all(note and "\n" not in note for note in prepared.notes)
    results = searcher.search(prepared.query, limit=10, terms=True)
    matching = set(searcher.docs_for_query(prepared.query))
    assert len(results) == len(matching) and {hit.docnum for hit in results} <= matching
    scores = [hit.score for hit in results]
    assert scores == sorted(scores, reverse=True) and len(scores) == min(10, len(matching))
    for hit in results:
        hit.matched_terms()


# 600 examples: about 2 s.
@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=query_texts, syntax=st.booleans())
def test_any_text_gives_results_or_a_query_error(searcher, text, syntax):
    _results_or_query_error(searcher, text, syntax=syntax)
