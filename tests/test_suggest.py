"""Did you mean: misspellings as people type them (letters swapped, left out, endings kept), each word of the query
on its own, the common spelling over a rare typo.

On ``tests/data/spelling`` (short stories written for these cases); the slow tests on the BBC collection.
"""

import json

import pytest

from newssearch import Article, NewsIndex
from newssearch.engine.snapshot import Snapshot
from newssearch.search import suggest as suggest_mod

from .helpers import DATA, invoke, needs_corpora


@pytest.fixture(scope="module")
def spelling(tmp_path_factory):
    path = tmp_path_factory.mktemp("spelling") / "index"
    with NewsIndex.create(path) as ix:
        ix.update([DATA / "spelling"])
    return path


def assert_kept(index_path, typed):
    """The words typed find stories, and none is offered another spelling."""
    with NewsIndex.open(index_path) as ix:
        results = ix.search(typed)
    assert results.total > 0
    assert results.suggestion is None


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("electoin", "election"),  # two letters swapped
        ("Arsnal", "Arsenal"),  # a letter left out: the stem "arsen" is not near "arsnal", the word is
        ("Manchster", "Manchester"),
        ("Mnchester", "Manchester"),  # the second letter left out
        ("impeachmnet", "impeachment"),  # the ending misspelt: "impeachmnet" does not stem
        ("impechment", "impeachment"),  # not the typo "imeachment", in one story
        ("Tony Bliar", "Tony Blair"),  # Tony finds stories: Bliar is corrected all the same
        ("electoin Arsnal", "election Arsenal"),  # each word its own correction
        ("Arsenal Manchster", "Arsenal Manchester"),  # a word the stories hold is kept as typed
        ("exprots", "exports"),  # the first stories holding "export" write "export" and "Exporting" only
    ],
)
def test_misspelt_words_are_corrected(spelling, typed, meant):
    with NewsIndex.open(spelling) as ix:
        results = ix.search(typed)
        assert results.suggestion == meant
        assert ix.search(meant).total > results.total


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        (
            "Nancy Pelsoi",
            "Nancy Pelosi",
        ),  # "Nancy" finds the same stories as "Nancy Pelosi": Pelsoi is misspelt all the same
        ("Donald Trmup", "Donald Trump"),
        ("goverment election", "government election"),
        ("Trump impeachmnet", "Trump impeachment"),
        ("Goverment", "Government"),  # a capital typed: not a name the stories hold
    ],
)
def test_a_misspelt_word_is_corrected_whatever_the_query_finds(spelling, typed, meant):
    with NewsIndex.open(spelling) as ix:
        results = ix.search(typed)
        assert results.suggestion == meant
        assert ix.search(meant).suggestion is None  # the spelling offered is one the index holds as it is


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("author:Whitfeild", "author:Whitfield"),  # the words of the bylines
        ("byline:Whitfeild", "byline:Whitfield"),
        ("section:poltics", "section:politics"),  # the words of the sections
        ("person:Bliar", "person:Blair"),
    ],
)
def test_a_field_is_corrected_with_its_own_words(spelling, typed, meant):
    with NewsIndex.open(spelling) as ix:
        assert ix.search(typed).total == 0
        assert ix.search(typed).suggestion == meant
        assert ix.search(meant).total > 0


@pytest.mark.parametrize(
    "typed",
    [
        "Ruth Kelly",  # Ruth is a person of the stories, not "Rush" (in six stories)
        "ruth kelly",  # a name typed in lower case is a name all the same
        "Boateng",  # not "beaten"
        "Leo",  # not "Lee"
        "person:Leo",  # a person the index holds, however rare
        "author:Brook",
        "section:travel",
        "org:Conservatives",  # searched as the organisation's name (a note says so): not misspelt
    ],
)
def test_names_the_index_holds_are_kept(spelling, typed):
    assert_kept(spelling, typed)


def test_no_suggestion_for_words_spelt_as_the_stories_do(spelling):
    with NewsIndex.open(spelling) as ix:
        for typed in ("election", "Arsenal Manchester", "impeachment trial", "Tony Blair"):
            assert ix.search(typed).suggestion is None, typed


def test_a_common_word_beats_a_rare_one_at_the_same_distance(spelling):
    # "impachment" is one edit from both "impeachment" (four stories) and the typo "imeachment" (one).
    with NewsIndex.open(spelling) as ix:
        assert ix.search("impachment").suggestion == "impeachment"


def test_cost_of_a_suggestion_stays_bounded(spelling, monkeypatch):
    monkeypatch.setattr(
        suggest_mod, "MAX_SCANNED", 3
    )  # too few words read: none kept, no suggestion, no error
    with NewsIndex.open(spelling) as ix:
        assert ix.search("Manchster").suggestion is None
    with NewsIndex.open(spelling) as ix, ix._store.guard():  # out of time: no words compared, no suggestion
        late = suggest_mod.suggest(Snapshot.of(ix._store), "Manchster", 0, lambda _: 5, 0.0)
    assert late is None


def test_exports_carry_the_suggestion(spelling):
    for args in ([], ["--all"]):
        out = invoke("query", "Tony Bliar", "--index", spelling, "--format", "csv", *args)
        assert out.exit_code == 0, out.output
        assert 'suggestion="Tony Blair"' in out.stdout.splitlines()[0]
        rows = [
            json.loads(line)
            for line in invoke(
                "query", "Tony Bliar", "--index", spelling, "--format", "jsonl", *args
            ).stdout.splitlines()
        ]
        assert rows and all(row["suggestion"] == "Tony Blair" for row in rows)
        data = json.loads(
            invoke("query", "Tony Bliar", "--index", spelling, "--format", "json", *args).stdout
        )
        assert data["suggestion"] == "Tony Blair"
    nothing = invoke("query", "electoin", "--index", spelling, "--format", "jsonl")
    assert nothing.stdout == "" and "Did you mean: election?" in nothing.stderr  # no rows to carry it


# -- the BBC collection -----------------------------------------------------------------------------------------


@pytest.fixture
def bbc(bbc_index):
    return bbc_index


@needs_corpora
@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("electoin", "election"),
        ("Arsnal", "Arsenal"),
        ("Manchster", "Manchester"),
        ("Tony Bliar", "Tony Blair"),
        ("Bagdad", "Baghdad"),
        ("Gordon Brwon", "Gordon Brown"),
        ("goverment", "government"),  # in one story, as a typo: "government" is in hundreds
        ("Goverment", "Government"),  # the story writes it in lower case: not a name
    ],
)
def test_bbc_misspellings(bbc, typed, meant):
    with NewsIndex.open(bbc) as ix:
        assert ix.search(typed).suggestion == meant


@needs_corpora
@pytest.mark.parametrize(
    "typed",
    [
        "Mido",  # in two stories, written with a capital (the extractor misses him): not "Mid"
        "Jol",  # people of the stories, not Joe, Take, beaten, salary, Anna, Rush or Lee
        "Tate",
        "Boateng",
        "Shalaby",
        "Annan",
        "Ruth Kelly",
        "person:Leo",
        "org:Conservatives",  # searched as org:"Conservative Party"
    ],
)
def test_bbc_names_are_kept(bbc, typed):
    assert_kept(bbc, typed)


def test_a_query_that_finds_plenty_corrects_only_words_in_one_story_or_none(tmp_path):
    stories = [
        Article(id=f"e{n}", headline=f"Election day {n}", body="The government counted the votes.")
        for n in range(12)
    ]
    stories += [
        Article(id="typo", headline="Count", body="The goverment counted again."),
        *(Article(id=f"t{n}", headline=f"Tram {n}", body="The tram line opened.") for n in range(3)),
        *(Article(id=f"m{n}", headline=f"Team {n}", body="The team won.") for n in range(20)),
    ]
    with NewsIndex.create(tmp_path / "ix") as ix:
        ix.add(stories)
        assert ix.search("goverment election").suggestion == "government election"  # 12 found, a typo
        assert ix.search("tram election").suggestion is None  # 15 found; "tram" is in 3 stories: meant
        assert ix.search("tram").suggestion == "team"  # 3 found: a rare word near a far commoner one


def test_no_suggestion_of_a_word_held_only_by_deleted_stories(tmp_path):
    with NewsIndex.create(tmp_path / "ix") as ix:
        ix.add(
            [
                *(
                    Article(id=f"g{n}", headline=f"Vote {n}", body="The government counted.")
                    for n in range(6)
                ),
                *(Article(id=f"f{n}", headline=f"Ferry {n}", body="The ferry sailed.") for n in range(40)),
                Article(id="typo", headline="Count", body="The goverment counted."),
            ]
        )
        assert ix.search("goverment").suggestion == "government"
        ix.delete([f"g{n}" for n in range(6)])  # their words stay in the segment, counted, until it is merged
        assert ix.search("goverment").suggestion is None
