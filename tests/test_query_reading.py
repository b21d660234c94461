"""Reading queries as written: proximity and boolean operators, exact search, entity queries, did you mean.

On ``tests/data/reading`` (short stories written for these cases) plus the seed article.
"""

import json
import re
import shutil

import pytest

from newssearch import NewsIndex
from newssearch.engine.exact import literals, pattern
from newssearch.errors import QueryError
from newssearch.text.sentences import sentence_bounds, sentence_snippet

from .helpers import CORPORA, DATA, SEED, invoke, needs_corpora

READING = DATA / "reading"


@pytest.fixture(scope="module")
def reading(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reading")
    shutil.copytree(READING, folder / "corpus")
    shutil.copy(SEED, folder / "corpus")
    with NewsIndex.create(folder / "index") as ix:
        ix.update([folder / "corpus"])
    return folder / "index"


def _texts() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in [*READING.iterdir(), SEED]}


def _ids(results) -> list[str]:
    return [hit.id.rsplit("/", 1)[-1] for hit in results.hits]


def _having(*words: str) -> list[set[str]]:
    """For each word, the files whose text holds it as a word (any case)."""
    texts = _texts()
    return [{name for name, text in texts.items() if re.search(rf"\b{word}\b", text, re.I)} for word in words]


def _marked(snippet) -> list[str]:
    return [snippet.text[start:end] for start, end in snippet.highlights]


# -- boolean operators and proximity ---------------------------------------------------------------------------


def test_an_or_of_four_words_finds_every_story_with_any_of_them(reading):
    coal, wind, gas, baghdad = _having("coal", "wind", "gas", "Baghdad")
    with NewsIndex.open(reading) as ix:
        results = ix.search("coal OR wind OR gas OR Baghdad", limit=50)
    assert set(_ids(results)) == coal | wind | gas | baghdad
    assert results.total == len(coal | wind | gas | baghdad) == 4


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("interest AND rates", lambda i, r, g: i & r),
        ("rates NOT government", lambda i, r, g: r - g),
        ("rates -government", lambda i, r, g: r - g),
        ("(interest OR government) AND rates", lambda i, r, g: (i | g) & r),
        ("government OR interest AND rates", lambda i, r, g: g | (i & r)),
    ],
)
def test_and_not_and_grouping_match_the_stories_holding_the_words(reading, query, expected):
    interest, rates, government = _having("interest", "rates", "government")
    with NewsIndex.open(reading) as ix:
        results = ix.search(query, limit=50)
    assert set(_ids(results)) == expected(interest, rates, government)
    assert results.total == len(results.hits)


def test_proximity_finds_the_words_in_order_within_the_distance(reading):
    with NewsIndex.open(reading) as ix:
        adjacent = _ids(ix.search('"rates unchanged"', limit=50))
        near = _ids(
            ix.search('"rates unchanged"~2', limit=50)
        )  # "rates were left unchanged" ("were": a stop word)
        backwards = _ids(ix.search('"unchanged rates"~5', limit=50))
        phrase = ix.search('"interest rates"~3', limit=50)
    assert adjacent == [] and backwards == []
    assert near == ["gas_prices.txt"]
    assert set(_ids(phrase)) == {"gas_prices.txt", "us_economy.txt"}
    for hit in phrase.hits:
        assert {"interest", "rates"} <= {word.lower() for word in _marked(hit.snippet)}


def test_proximity_through_the_cli(reading):
    result = invoke("query", '"rates unchanged"~2', "--index", reading, "--json")
    assert result.exit_code == 0, result.output
    assert [hit["id"].rsplit("/", 1)[-1] for hit in json.loads(result.stdout)["hits"]] == ["gas_prices.txt"]


# -- exact search -----------------------------------------------------------------------------------------------


def test_literals_of_a_text():
    assert literals("Tony Blair") == ["Tony Blair"]
    assert literals('"Mr Blair" Iraq, "U.S."') == ["Mr Blair", "U.S.", "Iraq,"]
    assert literals('"unclosed quote') == ["unclosed quote"]
    assert literals('  ""  ') == []
    assert pattern("Blair").search("Blairite") is None
    assert pattern("U.S.").search("the U.S.-Iranian row")
    assert pattern("Tony Blair").search("Tony\n  Blair")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Blair's", {"third_term.txt"}),
        ("Tony Blair", {"third_term.txt", "rail_fares.txt"}),
        ("tony blair", set()),
        ("U.S.", {"us_economy.txt", "000_fef9c184b96aac0a.txt"}),
        ("US", {"us_economy.txt"}),
        ("Bank of England", {"gas_prices.txt"}),
        ("bank of england", set()),
        ('"Mr Blair" government', {"third_term.txt"}),
        ('"Interest rates" "rates of interest"', {"gas_prices.txt"}),
    ],
)
def test_exact_search_matches_case_punctuation_and_spelling(reading, text, expected):
    texts = _texts()
    with NewsIndex.open(reading) as ix:
        results = ix.search(text, limit=50, exact=True)
    assert set(_ids(results)) == expected
    assert results.total == len(expected)
    for name in expected:  # what the verification promises, checked on the files themselves
        assert all(pattern(literal).search(texts[name]) for literal in literals(text))


def test_exact_snippet_is_the_sentence_with_the_literal_highlighted(reading):
    with NewsIndex.open(reading) as ix:
        hit = ix.search("Blair's", exact=True).hits[0]
        both = ix.search("Tony Blair", exact=True)
    assert hit.snippet.text == "Blair's critics said the speech offered little that was new."
    assert _marked(hit.snippet) == ["Blair's"]
    assert all(_marked(h.snippet) == ["Tony Blair"] for h in both.hits)
    assert both.hits[0].headline_highlights == []


def test_exact_search_is_refused_for_stop_words_alone(reading):
    with NewsIndex.open(reading) as ix, pytest.raises(QueryError, match="stop word"):
        ix.search("The And", exact=True)


def test_exact_search_through_the_cli(reading):
    result = invoke("query", "--exact", "U.S.", "--index", reading, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["total"] == 2
    for hit in data["hits"]:
        assert "U.S." in [hit["snippet"][a:b] for a, b in hit["snippet_highlights"]]
    text = invoke("query", "--exact", "bank of england", "--index", reading)
    assert text.exit_code == 0 and "No results" in text.stdout
    refused = invoke("query", "--exact", "the", "--index", reading)
    assert refused.exit_code == 2 and "stop word" in refused.stderr and "Traceback" not in refused.output


# -- entity queries ---------------------------------------------------------------------------------------------


def test_a_story_about_the_person_ranks_above_a_passing_mention(reading):
    with NewsIndex.open(reading) as ix:
        results = ix.search('person:"Tony Blair"')
        plain = ix.search("Blair")
    assert _ids(results) == ["third_term.txt", "rail_fares.txt"]
    assert results.hits[0].score > results.hits[1].score
    assert plain.total == 2  # plain words find what they found before


def test_entity_snippet_is_the_sentence_that_names_the_person(reading):
    with NewsIndex.open(reading) as ix:
        full = ix.search('person:"Tony Blair"')
        surname = ix.search("person:Blair")
    passing = full.hits[1]
    assert passing.snippet.text == (
        "The rise was first announced in a document published before Tony Blair visited a depot in Derby last year."
    )
    assert _marked(passing.snippet) == ["Tony Blair"]
    about = full.hits[0]
    assert _marked(about.snippet) == ["Tony Blair"]
    assert about.headline[slice(*about.headline_highlights[0])] == "Blair"
    assert surname.hits[0].snippet.text.startswith("Tony Blair has told Labour activists")
    assert _marked(surname.hits[0].snippet) == ["Blair"]


def test_entity_snippet_falls_back_to_the_surname(tmp_path):
    from newssearch.models import Article

    with NewsIndex.create(tmp_path / "ix") as ix:
        ix.add(
            [
                Article(
                    id="a",
                    headline="Minister under fire",
                    body="The minister faced questions on Monday. Mr Blair said he would answer them in time.",
                    people=["Tony Blair"],
                )
            ],
            extract=False,
        )
        hit = ix.search('person:"Tony Blair"').hits[0]
    assert hit.snippet.text == "Mr Blair said he would answer them in time."
    assert _marked(hit.snippet) == ["Blair"]


def test_entity_query_with_other_words_keeps_the_usual_snippet(reading):
    with NewsIndex.open(reading) as ix:
        hit = ix.search('person:"Tony Blair" overcrowded').hits[0]
    assert hit.id.endswith("rail_fares.txt")
    assert "overcrowded" in _marked(hit.snippet)


def test_entity_queries_through_the_cli(reading):
    result = invoke("query", "place:Derby", "--index", reading, "--json")
    assert result.exit_code == 0, result.output
    hit = json.loads(result.stdout)["hits"][0]
    assert [hit["snippet"][a:b] for a, b in hit["snippet_highlights"]] == ["Derby"]


# -- did you mean -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "suggestion"),
    [
        ("Pompei", "Pompeo"),
        ("Bagdad", "Baghdad"),
        ("goverment", "government"),
        ("Soleimany Iraq", None),  # Iraq finds the seed; Soleimani would find no more
        ("person:Blari", "person:Blair"),
        ("Bagdad AND Tehran", "Baghdad AND Tehran"),
        ("xylophone", None),
    ],
)
def test_did_you_mean_offers_real_words_that_find_more(reading, typed, suggestion):
    with NewsIndex.open(reading) as ix:
        results = ix.search(typed)
        if suggestion is not None:
            assert ix.search(suggestion).total > results.total
    assert results.suggestion == suggestion
    assert results.to_dict()["suggestion"] == suggestion


def test_no_suggestion_for_a_query_that_finds_enough(tmp_path):
    from newssearch.models import Article

    stories = [
        Article(id=str(n), headline=f"Budget story {n}", body="The goverment budget.") for n in range(10)
    ]
    stories.append(Article(id="x", headline="Budget", body="The government budget."))
    with NewsIndex.create(tmp_path / "ix") as ix:
        ix.add(stories, extract=False)
        assert ix.search("goverment").suggestion is None  # ten stories found: a page
        assert ix.search("goverment budget").suggestion is None


def test_did_you_mean_through_the_cli(reading):
    text = invoke("query", "Bagdad", "--index", reading)
    assert text.exit_code == 0
    assert "No results" in text.stdout and "Did you mean: Baghdad?" in text.stdout
    data = json.loads(invoke("query", "Bagdad", "--index", reading, "--json").stdout)
    assert data["suggestion"] == "Baghdad" and data["total"] == 0


def test_sentences_do_not_end_at_titles_or_initials():
    text = "He spoke. Mr. Blair met U.S. officials in Washington. Then he left."
    start, end = sentence_bounds(text, text.index("Washington"))
    assert text[start:end] == "Mr. Blair met U.S. officials in Washington."
    long = "word " * 200 + "Blair " + "word " * 200
    snippet = sentence_snippet(long, [(1000, 1005)])
    assert snippet.text.startswith("… ") and snippet.text.endswith(" …") and len(snippet.text) < 320
    assert _marked(snippet) == ["Blair"]


# -- the real corpora -------------------------------------------------------------------------------------------


@needs_corpora
def test_bbc_entity_ranking_and_suggestions(tmp_path):
    with NewsIndex.create(tmp_path / "bbc") as ix:
        ix.update([CORPORA / "bbc" / "politics"])
        blair = ix.search('person:"Tony Blair"')
        in_headline = sum("Blair" in hit.headline for hit in blair.hits)
        assert in_headline >= 8
        for hit in blair.hits:
            assert any("Blair" in part for part in _marked(hit.snippet)), hit.id
        assert ix.search("Bagdad").suggestion == "Baghdad"
        assert ix.search("goverment").suggestion == "government"
        exact = ix.search("Tony Blair's", exact=True)
        assert exact.total and all("Tony Blair's" in _marked(hit.snippet) for hit in exact.hits)
