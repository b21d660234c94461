"""``newssearch.query``: the tree ``parse`` makes of what people type, and ``prepare``'s promise: a query that
finds what was asked, with one-line notes, or a one-line QueryError, nothing else. The cost limits are in
test_query_limits.py."""

import copy
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import query as wq
from whoosh.qparser import QueryParser

from newssearch import QueryError, bounds
from newssearch import query as query_mod
from newssearch.matchers import FastOr, SafeAndNot, SafeRequire, TimedPhrase
from newssearch.query import date_range, make_parser, parse, plain_words, prepare, require, stop_words_only
from newssearch.schema import DEFAULT_FIELDS, FIELD_BOOSTS, build_schema

from .helpers import SEED, found, refused, sample_searcher
from .helpers import run_query as run

PARSER = make_parser(build_schema())
SEED_NAME = SEED.name


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    with sample_searcher(tmp_path_factory.mktemp("query")) as s:
        yield s


def every_field(q, cls, **attributes) -> None:
    """``q`` is an OR of one ``cls`` per default field, boosted as FIELD_BOOSTS says, with these attributes."""
    assert isinstance(q, wq.Or) and [s.fieldname for s in q.subqueries] == DEFAULT_FIELDS
    for sub in q.subqueries:
        assert type(sub) is cls and sub.boost == pytest.approx(FIELD_BOOSTS[sub.fieldname])
        assert {name: getattr(sub, name) for name in attributes} == attributes


def nodes(q):
    yield q
    for child in q.children():
        yield from nodes(child)


# --- the parse tree ---------------------------------------------------------------------------------------------


def test_words_are_searched_in_every_default_field():
    every_field(parse(PARSER, "troops"), wq.Term)
    q = parse(PARSER, "NATO Iraq")
    assert isinstance(q, wq.Or) and len(q.subqueries) == 2 * len(DEFAULT_FIELDS)
    assert [t.text for t in q.subqueries if t.fieldname == "content"] == ["nato", "iraq"]
    assert {(t.fieldname, t.text) for t in parse(PARSER, "troops").subqueries} >= {
        ("content", "troop"),
        ("person_text", "troops"),  # names are not stemmed
    }


def test_boolean_operators():
    nato, iraq = parse(PARSER, "NATO"), parse(PARSER, "Iraq")
    assert parse(PARSER, "NATO AND Iraq") == wq.And([nato, iraq])
    assert parse(PARSER, "+NATO +Iraq") == wq.And([nato, iraq])
    assert parse(PARSER, "NATO OR Iraq") == parse(PARSER, "NATO Iraq")
    assert parse(PARSER, "+NATO Iraq") == wq.AndMaybe(nato, iraq)
    for text in ["NATO NOT Iraq", "NATO -Iraq", "NATO ANDNOT Iraq", "NATO AND -Iraq", "NATO AND NOT Iraq"]:
        q = parse(PARSER, text)
        assert type(q) is SafeAndNot and (q.a, q.b) == (nato, iraq), text
    assert parse(PARSER, "(NATO OR Iraq) AND oil") == wq.And([wq.Or([*nato, *iraq]), parse(PARSER, "oil")])
    q = parse(PARSER, "NATO REQUIRE Iraq")
    assert type(q) is SafeRequire and (q.a, q.b) == (nato, iraq)
    # "a AND NOT b" as "a ANDNOT b": Whoosh's Not would add a flat 1 to the score
    q = parse(PARSER, "oil AND NATO AND NOT Iraq AND NOT Iran")
    assert type(q) is SafeAndNot and q.a == wq.And([parse(PARSER, "oil"), nato])
    assert q.b == wq.Or([iraq, parse(PARSER, "Iran")])
    assert parse(PARSER, "NOT NATO") == wq.Not(nato)


def test_words_then_not_mean_any_of_the_words_but_not_the_excluded():
    """In an OR group Whoosh reads ``a b NOT c`` as "a or b or not-c"."""
    q = parse(PARSER, "Iraq oil NOT NATO NOT OPEC")
    assert type(q) is SafeAndNot
    assert q.a == parse(PARSER, "Iraq oil") and q.b == wq.Or([parse(PARSER, "NATO"), parse(PARSER, "OPEC")])


def test_minus_excludes_only_at_the_start_of_a_word():
    q = parse(PARSER, "U.S.-Iranian")
    assert not [n for n in nodes(q) if isinstance(n, (wq.AndNot, wq.Not))]
    assert "iranian" in {t.text for t in q.leaves()}
    q = parse(PARSER, 'Iraq -"State Department"')
    assert type(q) is SafeAndNot and isinstance(q.b.subqueries[0], wq.Phrase)


def test_phrases():
    every_field(parse(PARSER, '"State Department"'), TimedPhrase, slop=1)
    assert parse(PARSER, '"State Department"').subqueries[0].words == ["state", "depart"]
    assert parse(PARSER, 'headline:"oil prices"~3') == TimedPhrase("headline", ["oil", "price"], slop=3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("headline:troops", wq.Term("headline", "troop")),
        ("body:Kerbala", wq.Term("content", "kerbala")),
        ("text:Kerbala", wq.Term("content", "kerbala")),
        ("person:Pompeo", wq.Term("person_text", "pompeo")),
        ('people:"Mike Pompeo"', TimedPhrase("person_text", ["mike", "pompeo"])),
        ("org:NATO", wq.Term("org_text", "nato")),
        ("org:the", wq.Term("org_text", "the")),  # entity fields keep stop words
        ("place:Kerbala", wq.Term("place_text", "kerbala")),
        ("source:AP", wq.Term("source_text", "ap")),
        ("topic:grain", wq.Term("topics", "grain")),
        (
            "person:(Blair OR Brown)",
            wq.Or([wq.Term("person_text", "blair"), wq.Term("person_text", "brown")]),
        ),
    ],
)
def test_fields_and_their_aliases(text, expected):
    assert parse(PARSER, text) == expected


def test_fuzzy_terms():
    every_field(parse(PARSER, "Bolsonaro~"), wq.FuzzyTerm, text="bolsonaro", maxdist=1, prefixlength=0)
    every_field(parse(PARSER, "Bolsonaro~2"), wq.FuzzyTerm, maxdist=2, prefixlength=0)
    every_field(parse(PARSER, "Bolsonaro~2/3"), wq.FuzzyTerm, maxdist=2, prefixlength=3)


def test_wildcards_ranges_and_boosts():
    every_field(parse(PARSER, "Soleim*"), wq.Prefix, text="soleim")
    every_field(parse(PARSER, "Soleiman?"), wq.Wildcard, text="soleiman?")
    for text, expected in [
        ("text:[iraq TO iraqi]", ("iraq", "iraqi", False, False)),
        ("text:{iraq TO}", ("iraq", None, True, True)),
    ]:
        q = parse(PARSER, text)
        assert type(q) is wq.TermRange and q.fieldname == "content"
        assert (q.start, q.end, q.startexcl, q.endexcl) == expected
    assert [t.boost for t in parse(PARSER, "oil^2").subqueries] == pytest.approx(
        [2 * FIELD_BOOSTS[f] for f in DEFAULT_FIELDS]
    )


def test_terms_that_cannot_be_searched_become_nothing():
    """Whoosh cannot turn "was" into a date: the term is dropped, not an error."""
    assert parse(PARSER, 'date:"was"') is wq.NullQuery
    assert parse(PARSER, 'Iraq date:"was"') == parse(PARSER, "Iraq")


def test_exclusions_are_the_safe_ones():
    """Whoosh's AndNot and Require crash when skipping runs off the end: parse uses newssearch.matchers'."""
    for text in [
        "Iraq -NATO",
        "Iraq NOT NATO",
        "Iraq ANDNOT NATO",
        "+Iraq NATO -Bolsonaro",
        "(Iraq NOT NATO) AND oil",
        "Iraq REQUIRE (NATO NOT oil)",
    ]:
        q = parse(PARSER, text)
        assert not [n for n in nodes(q) if type(n) in (wq.AndNot, wq.Require)], text
        assert [n for n in nodes(q) if type(n) is SafeAndNot], text


def test_nesting_too_deep_is_read_as_plain_words():
    text = "".join(f"(w{i} {'AND' if i % 2 else 'OR'} " for i in range(query_mod.MAX_NESTING)) + "oil"
    text += ")" * query_mod.MAX_NESTING
    assert parse(PARSER, text) == parse(PARSER, plain_words(text))
    assert not [n for n in nodes(parse(PARSER, text)) if isinstance(n, wq.And)]
    shallow = text.replace("(w0 OR ", "").replace("(w1 AND ", "")[:-2]
    assert [n for n in nodes(parse(PARSER, shallow)) if isinstance(n, wq.And)]


def test_parser_failure_falls_back_to_plain_words(monkeypatch):
    def broken(self, text, normalize=True, debug=False):
        raise IndexError("list index out of range")

    real = QueryParser.parse
    calls = []

    def fails_once(self, text, normalize=True, debug=False):
        calls.append(text)
        return broken(self, text) if len(calls) == 1 else real(self, text, normalize, debug)

    monkeypatch.setattr(QueryParser, "parse", fails_once)
    assert parse(PARSER, 'Kerbala "unbalanced') == real(PARSER, "kerbala unbalanced")
    assert calls == ['Kerbala "unbalanced', "kerbala unbalanced"]
    monkeypatch.setattr(QueryParser, "parse", broken)
    with pytest.raises(QueryError, match=r"^cannot parse query: list index out of range$"):
        parse(PARSER, "Kerbala AND Basra")  # not plain words: the parser is asked


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty query"),
        (" \t\n", "empty query"),
        ("x" * (query_mod.MAX_QUERY_CHARS + 1), "query is too long (10,001 characters; the limit is 10,000)"),
        (" ".join(f"w{i}" for i in range(query_mod.MAX_TERMS + 1)), "too many distinct words"),
    ],
)
def test_text_that_cannot_be_parsed(text, message):
    with pytest.raises(QueryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(PARSER, text)


def test_plain_words():
    assert plain_words('headline:"NATO" AND (Iraq OR oil~2) -Iran*') == "headline nato and iraq or oil 2 iran"
    assert plain_words("!!! ???") == ""


# --- stop words -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the and of", True),
        ("THE And OF", True),
        ("headline:the", True),
        ("OR OR", True),
        ("WHO", True),
        ("the Hague", False),
        ("the*", False),
        ("th?", False),
        ("Iraq", False),
        ("", False),
        ("!!!", False),
        ("the 2020", False),
        ("org:WHO", False),  # asked for in an entity field: searched as typed
        ('place:"The Hague"', False),
        ("person:(the OR who)", False),
    ],
)
def test_stop_words_only(text, expected):
    assert stop_words_only(text) is expected


@pytest.mark.parametrize(
    "text",
    ["the and of", "The", "to be or not to be", '"the who"', "the AND of", "NOT " * 1200, "headline:the"],
)
def test_only_stop_words_is_refused(searcher, text):
    message = refused(searcher, text)
    assert (
        "only common words (stop words), which are not searched; add a word that is more specific" in message
    )


def test_only_stop_words_is_refused_in_plain_words_mode(searcher):
    assert refused(searcher, "The AND of", syntax=False).startswith("“The AND of” has only common words")


def test_a_stop_word_with_a_real_word_or_in_an_entity_field_is_searched(searcher):
    assert SEED_NAME in found(run(searcher, "the Kerbala")[1])
    assert run(searcher, "org:the")[0].query == wq.Term("org_text", "the")


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


# --- plain words, parsed without the parser -------------------------------------------------------------------

_VOCABULARY = [
    "oil", "Oil", "OIL", "prices", "the", "of", "NATO", "Iraq", "1987", "u2", "café", "Ölpreis", "naïve", "x",
    "AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE", "TO", "and", "or", "running", "São", "Paulo", "Köln",
]  # fmt: skip


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(_VOCABULARY), min_size=1, max_size=8), st.sampled_from([" ", "  ", " + ", "-"])
)
def test_plain_words_give_exactly_the_parsers_query(words, separator):
    schema = query_mod.build_schema()
    parser = query_mod.make_parser(schema)
    text = separator.join(words)
    fast = query_mod._plain_or(schema, text)
    if fast is not None:
        parsed = query_mod._parse_counted(parser, text)
        assert fast == parsed and getattr(fast, "scale", None) == getattr(
            parsed, "scale", None
        )  # == ignores scale
    assert query_mod.parse(parser, text) == query_mod._safe(
        query_mod._exclusions_to_andnot(query_mod._parse_or_words(parser, text)), schema
    )


def test_plain_words_are_the_fast_path_and_operators_are_not():
    schema = query_mod.build_schema()
    assert query_mod._plain_or(schema, "NATO Iraq oil prices 1987") is not None
    for text in (
        "oil AND gas",
        "oil REQUIRE gas",
        "NOT oil",
        "oil  gas",
        "oil-gas",
        '"oil gas"',
        "oil*",
        "a:b",
    ):
        assert query_mod._plain_or(schema, text) is None, text


def test_an_exclusion_inside_brackets_joined_by_and_is_read_as_not(searcher):
    minus = query_mod.prepare(searcher.schema, "(Iraq -NATO) AND oil", searcher.reader())
    spelled = query_mod.prepare(searcher.schema, "(Iraq NOT NATO) AND oil", searcher.reader())
    assert minus.query == spelled.query and minus.notes == []
    assert "AndNot" in repr(minus.query)


def test_a_query_read_as_plain_words_says_so():
    deep = "".join(f"(w{i} {'AND' if i % 2 else 'OR'} " for i in range(query_mod.MAX_NESTING)) + "oil"
    deep += ")" * query_mod.MAX_NESTING
    schema = query_mod.build_schema()
    notes: list[str] = []
    q = query_mod._parse(schema, deep, lambda: query_mod.make_parser(schema), notes)
    assert notes == ["the query's operators could not be read together, so its words were searched instead"]
    assert {t for _, t in q.iter_all_terms()} >= {"oil", "w0"}
    notes.clear()
    query_mod._parse(schema, "Iraq AND (oil OR gas)", lambda: query_mod.make_parser(schema), notes)
    assert notes == []


def test_a_repeated_word_counts_as_often_as_it_is_typed():
    """Long questions repeat their key words: each repeat adds the word's weight again, in every default field,
    with or without operators; the same word in a phrase is not a repeat."""
    schema = query_mod.build_schema()
    parser = query_mod.make_parser(schema)
    for text in ("oil prices oil", "oil prices OR oil", "(oil prices) oil"):
        boosts = {(t.fieldname, t.text): t.boost for t in parse(parser, text).leaves()}
        assert boosts[("content", "oil")] == 2.0 and boosts[("content", "price")] == 1.0, text
        assert boosts[("headline", "oil")] == 2 * query_mod.FIELD_BOOSTS["headline"], text
    assert {t.boost for t in parse(parser, "oil prices").leaves() if t.fieldname == "content"} == {1.0}
    phrase = parse(parser, '"oil oil" gas')
    assert [q.words for q in phrase.leaves() if isinstance(q, wq.Phrase) and q.fieldname == "content"] == [
        ["oil", "oil"]
    ]
    assert [t.boost for t in phrase.leaves() if isinstance(t, wq.Term) and t.fieldname == "content"] == [1.0]


def test_words_joined_by_dots_are_words_of_their_own():
    """``Salesforce.com`` is indexed as two words, so ``salesforce`` finds it; abbreviations (``U.S.``) and
    decimals (``3.5``) stay one word."""
    analyzer = query_mod.build_schema()["content"].analyzer
    assert [t.text for t in analyzer("Salesforce.com says U.S. growth hit 3.5 pct; see www.bbc.co.uk")] == [
        "salesforc", "com", "sai", "u.", "growth", "hit", "3.5", "pct", "see", "www", "bbc", "co", "uk"
    ]  # fmt: skip
    assert {("content", "salesforc"), ("content", "com")} <= {
        (t.fieldname, t.text) for t in parse(PARSER, "Salesforce.com").leaves()
    }


def test_a_quoted_word_keeps_its_field_weights():
    """Whoosh makes a one-word phrase a term without its boost: "oil" counted as much in the headline as in the
    body."""
    assert parse(PARSER, '"oil"') == parse(PARSER, "oil")
    assert parse(PARSER, 'oil "oil"') == parse(PARSER, "oil oil")


def test_repeated_phrases_and_wildcards_count_too():
    for once in ('"oil prices"', "pet*", "oil~"):
        single = {(type(q).__name__, q.fieldname, q.boost) for q in parse(PARSER, once).leaves()}
        double = {
            (type(q).__name__, q.fieldname, q.boost / 2) for q in parse(PARSER, f"{once} {once}").leaves()
        }
        assert single == double, once


def test_fields_with_equal_analyzers_analyse_a_plain_word_once():
    schema = query_mod.build_schema()
    groups = query_mod._analyzer_groups(schema)
    assert groups["content"] == groups["headline"] != groups["person_text"] == groups["org_text"]
    assert query_mod._plain_or(schema, "Prices rose") == query_mod._parse_counted(PARSER, "Prices rose")
