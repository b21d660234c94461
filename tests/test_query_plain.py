"""Plain words parsed without the parser: the same query the parser makes, the fast path, and a word typed
twice counting twice. The parse tree is in test_query_parse.py."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import query as wq

from newssearch.engine import query as query_mod
from newssearch.engine.query import make_parser, parse
from newssearch.engine.schema import build_schema

from .helpers import SEED

PARSER = make_parser(build_schema())
SEED_NAME = SEED.name


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
