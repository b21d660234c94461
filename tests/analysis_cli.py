"""The hand-counted index of twelve stories the CLI analysis tests share (``test_cli_analysis*.py``), and helpers
to read what the CLI prints."""

import csv
import io
import json
from pathlib import Path

import pytest

from newssearch import Article, NewsIndex

from .helpers import invoke as cli

# An organisation's name with Rich markup and a terminal escape sequence: ``add`` removes control characters and
# escape sequences from every field, so the index holds it as "[red]Evil[/red] Corp"; the markup must then be shown
# literally, never interpreted.
HOSTILE = "[red]Evil[/red]\x1b[31m Corp"
HOSTILE_STORED = "[red]Evil[/red] Corp"

# id, date, source, people, organizations, places, topics, headline, body. Every body says "Officials"; "vaccine" is
# in the bodies of s06, s07, s08 and s11 only; "NATO" in the bodies of s01, s03, s05, s06 and s09 only.
STORIES = [
    ("s01", "2021-01-05", "Reuters", ["Margaret Thatcher", "Ronald Reagan"], ["NATO"], ["London", "Washington"],
     ["defence"], "Thatcher and Reagan meet on missiles",
     "Officials said Margaret Thatcher and Ronald Reagan discussed missiles with NATO in London and Washington."),
    ("s02", "2021-01-12", "Reuters", ["Margaret Thatcher", "Helmut Kohl"], ["European Commission"],
     ["London", "Bonn"], ["economy"], "Thatcher presses Kohl on the budget rebate",
     "Officials said Margaret Thatcher pressed Helmut Kohl about the rebate owed by the European Commission."),
    ("s03", "2021-01-19", "AP", ["George Shultz"], ["NATO"], ["Moscow"], ["defence"],
     "Shultz flies to Moscow for arms talks",
     "Officials said George Shultz carried a NATO proposal on arms control to Moscow."),
    ("s04", "2021-01-26", "BBC", ["Thatcher", "Jacques Delors"], ["European Commission"], ["Brussels", "London"],
     ["economy"], "Delors answers Thatcher",
     "Officials said Thatcher and Jacques Delors quarrelled over the single market in Brussels."),
    ("s05", "2021-01-29", "AP", ["Helmut Kohl"], ["NATO"], ["Bonn"], ["defence"], "Kohl hosts allied generals",
     "Officials said Helmut Kohl received NATO generals in Bonn for a briefing on readiness."),
    ("s06", "2021-02-03", "Reuters", ["Margaret Thatcher", "Helmut Kohl"], ["NATO"], ["London", "Bonn"],
     ["defence"], "Allies plan shipments for troops",
     "Officials said Margaret Thatcher and Helmut Kohl agreed vaccine deliveries to NATO troops in Bonn."),
    ("s07", "2021-02-10", "BBC", ["Jacques Delors"], ["World Health Organization"], ["Brussels"], ["health"],
     "Delors backs a common purchase",
     "Officials said Jacques Delors wanted the World Health Organization to approve each vaccine bought in Brussels."),
    ("s08", "2021-02-17", "AP", ["Ronald Reagan"], ["World Health Organization"], ["Washington"], ["health"],
     "Reagan signs supply order",
     "Officials said Ronald Reagan ordered a vaccine supply after advice from the World Health Organization."),
    ("s09", "2021-02-24", "Reuters", ["Helmut Kohl"], ["NATO"], ["Bonn"], ["defence"], "Kohl reviews the garrison",
     "Officials said Helmut Kohl inspected a NATO garrison near Bonn."),
    ("s10", "2021-03-03", "BBC", ["Jacques Delors"], ["European Commission", HOSTILE], ["Brussels"], ["economy"],
     "Delors opens a tender", "Officials said Jacques Delors opened a European Commission tender in Brussels."),
    ("s11", "2021-03-10", "AP", ["Helmut Kohl"], ["World Health Organization"], ["Bonn"], ["health"],
     "Kohl visits a clinic",
     "Officials said Helmut Kohl toured a vaccine clinic in Bonn run with the World Health Organization."),
    ("s12", "2021-03-17", "Reuters", ["Helmut Kohl"], ["European Commission"], ["Bonn"], ["economy", "trade"],
     "Kohl signs a trade accord", "Officials said Helmut Kohl signed a European Commission trade accord in Bonn."),
]  # fmt: skip

# Hand counts over all twelve stories (5 in January, 4 in February, 3 in March), read off the table above; a share
# is the count over 12. "Thatcher" (s04) is counted under "Margaret Thatcher" (s01, s02, s06): 4.
#   people:  Helmut Kohl 6 (s02 s05 s06 s09 s11 s12), Margaret Thatcher 4, Jacques Delors 3 (s04 s07 s10),
#            Ronald Reagan 2 (s01 s08), George Shultz 1 (s03)
#   orgs:    NATO 5 (s01 s03 s05 s06 s09), European Commission 4 (s02 s04 s10 s12),
#            World Health Organization 3 (s07 s08 s11), the hostile name 1 (s10)
#   places:  Bonn 6 (s02 s05 s06 s09 s11 s12), London 4 (s01 s02 s04 s06), Brussels 3 (s04 s07 s10),
#            Washington 2 (s01 s08), Moscow 1 (s03)
#   sources: Reuters 5 (s01 s02 s06 s09 s12), AP 4 (s03 s05 s08 s11), BBC 3 (s04 s07 s10)
#   topics:  defence 5 (s01 s03 s05 s06 s09), economy 4 (s02 s04 s10 s12), health 3 (s07 s08 s11), trade 1 (s12)
EVERY_STORY = {
    "people": [("Helmut Kohl", 6, "50.0%"), ("Margaret Thatcher", 4, "33.3%"), ("Jacques Delors", 3, "25.0%"),
               ("Ronald Reagan", 2, "16.7%"), ("George Shultz", 1, "8.3%")],
    "orgs": [("NATO", 5, "41.7%"), ("European Commission", 4, "33.3%"), ("World Health Organization", 3, "25.0%"),
             (HOSTILE_STORED, 1, "8.3%")],
    "places": [("Bonn", 6, "50.0%"), ("London", 4, "33.3%"), ("Brussels", 3, "25.0%"), ("Washington", 2, "16.7%"),
               ("Moscow", 1, "8.3%")],
    "sources": [("Reuters", 5, "41.7%"), ("AP", 4, "33.3%"), ("BBC", 3, "25.0%")],
    "topics": [("defence", 5, "41.7%"), ("economy", 4, "33.3%"), ("health", 3, "25.0%"), ("trade", 1, "8.3%")],
}  # fmt: skip
# The stories matching "vaccine": s06 s07 s08 s11 (4). Their people: Helmut Kohl 2 (s06 s11), and one story each for
# Jacques Delors (s07), Margaret Thatcher (s06) and Ronald Reagan (s08); ties are listed by name.
VACCINE_PEOPLE = [("Helmut Kohl", 2, "50.0%"), ("Jacques Delors", 1, "25.0%"), ("Margaret Thatcher", 1, "25.0%"),
                  ("Ronald Reagan", 1, "25.0%")]  # fmt: skip


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("analysis") / "index"
    with NewsIndex.create(path) as ix:
        ix.add(
            [
                Article(id=id_, headline=headline, body=body, date=date, source=source, people=people,
                        organizations=orgs, places=places, topics=topics)
                for id_, date, source, people, orgs, places, topics, headline, body in STORIES
            ],
            extract=False,
        )  # fmt: skip
    return path


@pytest.fixture
def run(index):
    """The CLI on the fixture index; whatever it prints carries no terminal escape (the runner is not a terminal)."""

    def run(*args):
        result = cli(*args, "--index", index)
        assert "\x1b" not in result.stdout and "\x1b" not in result.stderr
        assert "Traceback" not in result.stdout + result.stderr
        return result

    return run


def ok(result) -> str:
    assert result.exit_code == 0, result.stdout + result.stderr
    return result.stdout


def refused(result, *words: str) -> str:
    """A usage error: exit code 2, one line on stderr naming ``words``, no traceback, nothing on stdout."""
    assert result.exit_code == 2, result.stdout + result.stderr
    assert isinstance(result.exception, SystemExit)  # a clean exit, not an exception the runner caught
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert result.stdout == ""
    return lines[0]


def table(text: str) -> list[list[str]]:
    """The body rows of the Rich tables in ``text``, as lists of cells."""
    return [
        [cell.strip() for cell in line.strip("│").split("│")]
        for line in text.splitlines()
        if line.startswith("│")
    ]


def headers(text: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip("┃").split("┃")]
        for line in text.splitlines()
        if line.startswith("┃")
    ]


def as_json(result) -> dict:
    return json.loads(ok(result))


def values(document: dict) -> list[tuple[str, int, float]]:
    return [(v["name"], v["count"], v["share"]) for v in document["values"]]


def csv_rows(text: str) -> list[dict[str, str]]:
    """CSV rows, after any ``#`` header line of an export."""
    return list(csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#")))
