"""``newssearch.engine.fields`` and the byline, section and source fields: ``author:``, ``section:``, ``source:``, the
names people guess (``title:``), unknown names and ``date:`` in a query, and the ``author``/``section``/``source``
filters, on HuffPost-style records."""

import json

import pytest

from newssearch import NewsIndex
from newssearch.errors import QueryError

from .helpers import DATA
from .helpers import invoke as run


@pytest.fixture
def index(huffpost, tmp_path):
    with NewsIndex.create(tmp_path / "index") as ix:
        ix.update([huffpost])
        yield ix


def ids(results) -> set[str]:
    return {hit.id.rsplit("/", 1)[-1] for hit in results.hits}


def test_bylines_sections_and_sources_are_searchable_fields(index):
    assert ids(index.search("author:Papenfuss")) == {"stories.json#1", "stories.json#5", "stories.csv#2"}
    assert ids(index.search('author:"Lee Chen"')) == {"stories.json#5"}
    assert ids(index.search("byline:okafor")) == {"stories.json#3"}
    assert ids(index.search("section:politics")) == {"stories.json#1", "stories.csv#2"}
    assert ids(index.search('section:"world news"')) == {"stories.json#3"}
    assert ids(index.search("category:sports")) == {"stories.json#4"}
    assert ids(index.search("source:associated")) == {"stories.json#2"}


def test_a_reporters_surname_finds_their_stories(index):
    found = index.search("Papenfuss")
    assert ids(found) == {"stories.json#1", "stories.json#5", "stories.csv#2"}
    mention = index.search("Hollin Papenfuss")  # a word of the story outranks a byline
    assert mention.hits[0].id.endswith("stories.csv#1")


def test_filters_by_author_section_and_source(index):
    assert ids(index.search("pier", author="papenfuss")) == {"stories.json#1"}
    assert ids(index.search("ferry OR tram", author="Mary Papenfuss")) == {
        "stories.json#1",
        "stories.json#5",
        "stories.csv#2",
    }
    assert ids(index.search("ferry OR tram", author="Mary Papenfuss", section="politics")) == {
        "stories.json#1",
        "stories.csv#2",
    }
    assert ids(index.search("ferry OR pier OR tram", section=["world news", "u.s. news"])) == {
        "stories.json#3",
        "stories.json#5",
    }
    assert index.count("ferry OR pier OR tram", author="Papenfuss") == 3
    assert index.count("glaciers", source="Associated Press") == 1
    assert index.count("glaciers", source="Reuters") == 0
    stream = index.iter_search("ferry OR pier OR tram", section="politics")
    assert stream.total == 2 and len(list(stream)) == 2
    hit = index.search("pier", author="papenfuss").hits[0]
    assert (hit.author, hit.section) == ("Mary Papenfuss", "POLITICS")
    assert hit.to_dict()["section"] == "POLITICS"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"author": "  "}, "no word"),
        ({"section": [1]}, "must be text"),
        ({"author": 5}, "must be text"),  # not a raw TypeError from iterating a number
        ({"source": ["x"] * 21}, "too many"),
        ({"author": "Ann " * 100}, "too long"),
    ],
)
def test_bad_filters_are_one_line_errors(index, kwargs, message):
    with pytest.raises(QueryError, match=message):
        index.search("pier", **kwargs)


def test_reuters_bylines_are_searchable(tmp_path):
    with NewsIndex.create(tmp_path / "ix") as ix:
        ix.update([DATA / "formats" / "sample.sgm"])
        found = ix.search("author:writer")
        assert [hit.author for hit in found.hits] == ["Sam Writer"]


def test_guessed_field_names_are_read_as_the_fields_they_mean(index):
    found = index.search("title:pier")
    assert ids(found) == {"stories.json#1"}  # the headline's "pier", not the mayor's lead
    assert found.notes == ["read title: as headline:"]


def test_unknown_field_names_get_one_note(index):
    found = index.search("nosuch:ferry kicker:pier")
    assert found.total == 3  # the words are searched
    assert found.notes == [
        "nosuch:, kicker: are not fields, so searched as words; the fields are headline:, body:, person:, org:, "
        "place:, author:, section:, source:, topic:, date:"
    ]
    assert found.to_dict()["notes"] == found.notes
    for text in ("meeting 10:30", "http://example.com/pier", '"note: pier"', "pier (see: ferry)"):
        assert index.search(text).notes == [], text
    many = index.search(" ".join(f"name{n}:pier" for n in range(300)))
    assert many.notes[0].startswith("name0:, name1:, name2:, name3:, name4: and 295 more are not fields")


def test_date_in_the_query_is_a_date_filter(index):
    found = index.search("date:2022-09-22 ice OR pier")
    assert ids(found) == {"stories.json#2"}
    assert found.notes == ["date: read as a filter, stories dated 2022-09-22"]
    assert ids(index.search("pier date:[2022-09-21 TO 2022-09-23]")) == {"stories.json#1", "stories.json#3"}
    assert index.count("pier OR ferry date:2021") == 0
    assert ids(index.search("pier date:>2022-09-22")) == {"stories.json#1"}
    assert ids(index.search("pier date:<2022-09-22")) == {"stories.json#3"}
    assert index.count("date:2022-09") == 5  # dates alone: every story of the month
    someday = index.search("pier date:someday")
    assert someday.total == 2 and "date:someday is not a date, so searched as words" in someday.notes[0]
    with pytest.raises(QueryError, match="leave no date"):
        index.search("pier date:2021 date:2022")


def test_query_cli_filters_notes_and_json(huffpost, tmp_path):
    location = tmp_path / "ix"
    assert run("index", huffpost, "--index", location).exit_code == 0
    result = run("query", "ferry OR pier", "--author", "Papenfuss", "--section", "politics", "-i", location)
    assert result.exit_code == 0, result.output
    assert "Harbour Council Votes" in result.stdout and "Fares Rise" not in result.stdout
    counted = run("query", "ferry OR pier", "--author", "Papenfuss", "--count", "-i", location)
    assert counted.stdout.split()[0] == "2"
    noted = run("query", "title:pier", "--json", "-i", location)
    assert json.loads(noted.stdout)["notes"] == ["read title: as headline:"]
    assert "read title: as headline:" in run("query", "title:pier", "-i", location).stderr
    streamed = run("query", "pier", "--section", "world news", "--all", "--format", "jsonl", "-i", location)
    rows = [json.loads(line) for line in streamed.stdout.splitlines()]
    assert [(row["headline"], row["section"]) for row in rows] == [
        ("What The New Mayor Of Eastwick Wants From The Harbour", "WORLD NEWS")
    ]


def test_query_help_shows_the_syntax():
    text = " ".join(run("query", "--help").stdout.replace("│", " ").split())
    for part in (
        "person:",
        "org:",
        "place:",
        "author:",
        "section:",
        "source:",
        '"words near"~5',
        "AND, OR, NOT",
    ):
        assert part in text, part
    for option in ("--author", "--section", "--source"):
        assert option in text
