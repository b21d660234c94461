"""``newssearch.engine.query.parse``: the tree it makes of what people type (operators, phrases, fields, fuzzy terms,
wildcards, ranges, the safe exclusions, its fallbacks to plain words), and queries of stop words only. Preparing
a query is in test_query_prepare.py, plain words in test_query_plain.py, the cost limits in test_bounds.py."""

import pytest
from whoosh import query as wq
from whoosh.qparser import QueryParser

from newssearch import QueryError
from newssearch.engine import query as query_mod
from newssearch.engine.matchers import SafeAndNot, SafeRequire, TimedPhrase
from newssearch.engine.query import make_parser, parse, plain_words, stop_words_only
from newssearch.engine.schema import DEFAULT_FIELDS, FIELD_BOOSTS, build_schema

from .helpers import SEED, found, nodes, refused
from .helpers import run_query as run

PARSER = make_parser(build_schema())
SEED_NAME = SEED.name


def every_field(q, cls, **attributes) -> None:
    """``q`` is an OR of one ``cls`` per default field, boosted as FIELD_BOOSTS says, with these attributes."""
    assert isinstance(q, wq.Or) and [s.fieldname for s in q.subqueries] == DEFAULT_FIELDS
    for sub in q.subqueries:
        assert type(sub) is cls and sub.boost == pytest.approx(FIELD_BOOSTS[sub.fieldname])
        assert {name: getattr(sub, name) for name in attributes} == attributes


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
    """Whoosh's AndNot and Require crash when skipping runs off the end: parse uses newssearch.engine.matchers'."""
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
