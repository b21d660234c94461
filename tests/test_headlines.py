"""newssearch.extract.headlines: Title Case headlines (as most news sites write them) and ALL-CAPS lines."""

from __future__ import annotations

import json

import pytest

from benchmarks import entities as bench
from newssearch.extract import extract_entities
from newssearch.extract.headlines import is_title_case
from newssearch.extract.tokens import tokenize

from .helpers import DATA

FIXTURE = DATA / "titlecase" / "huffpost-style.jsonl"
RECORDS = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
# Names the rules cannot tell in Title Case: "Alexandria" is a city; "Rishi" is a word in Webster's (a sage),
# and the body names only "Sunak".
MISSED = {"Alexandria Ocasio-Cortez", "Rishi Sunak"}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Nancy Pelosi Hits Donald Trump Where It Hurts", True),
        ("President Joe Biden Has a Cold", True),  # short function words may stay in lower case
        ("Kamala Harris Lands In Ghana To Start A Week In Africa", True),
        ("Nancy Pelosi hits Donald Trump where it hurts", False),
        ("Blair says Labour will win", False),
        ("Tony Blair", False),  # a name alone, not a Title Case sentence
        ("Arsenal Chelsea Liverpool", False),  # names only: nothing sentence case would write in lower case
    ],
)
def test_title_case_lines_are_told_from_sentence_case(line: str, expected: bool) -> None:
    assert is_title_case(tokenize(line, 0, set())) is expected


@pytest.mark.parametrize("record", RECORDS, ids=[r["headline"][:30] for r in RECORDS])
def test_fixture_people_in_title_case_headlines(record: dict) -> None:
    """Each HuffPost-style story's people, from a Title Case headline and a short text; no wrong person."""
    people = extract_entities(record["headline"], bench.fixture_body(record)).people
    assert set(people) <= set(record["expected"]["people"])
    assert set(record["expected"]["people"]) - MISSED <= set(people)


@pytest.mark.parametrize(
    ("headline", "body", "people"),
    [
        # The cases: no people, a person running to the end of the line, nobody.
        (
            "Nancy Pelosi Hits Donald Trump Where It Hurts",
            "She said Trump did not answer.",
            ["Nancy Pelosi", "Donald Trump"],
        ),
        ("President Joe Biden Has A Cold", "He was resting.", ["Joe Biden"]),
        ("Senator Ron Johnson Says He Will Run Again", "He told a radio host.", ["Ron Johnson"]),
        # A name the body writes with a capital; "McConnell" kept as written.
        ("Mitch McConnell Warns Against A Shutdown", "McConnell spoke to colleagues.", ["Mitch McConnell"]),
        # "Sue" is also a verb: it needs the body's "Sue" to open a name.
        ("Fans Sue Ticketmaster Over Tour Chaos", "The fans say Ticketmaster sold seats to bots.", []),
        # Capitalised words are no names without evidence.
        ("Reading The Riot Act To Big Oil", "The minister spoke to oil firms.", []),
        # A name past the line's start: the body names the surname mid-sentence ("Joe", "Nancy" are also words).
        (
            "Why Joe Biden Signed The Bill",
            "The law funds roads, and Biden signed it on Friday.",
            ["Joe Biden"],
        ),
        ("Voters Turn On Nancy Pelosi", "Polls show that Pelosi is losing support.", ["Nancy Pelosi"]),
        # The body opens a sentence with the surname, as news leads do.
        (
            "Nancy Pelosi Hits Donald Trump Where It Hurts",
            "The speaker was blunt. Trump did not respond.",
            ["Nancy Pelosi", "Donald Trump"],
        ),
        (
            "Bernie Sanders Endorses Joe Biden",
            "Sanders said Biden would win.",
            ["Bernie Sanders", "Joe Biden"],
        ),
        ("Taylor Swift Releases New Album", "Swift said the record took two years.", ["Taylor Swift"]),
        ("Elon Musk Buys Another Company", "Musk, the Tesla chief, agreed the deal.", ["Elon Musk"]),
    ],
)
def test_title_case_headline_people(headline: str, body: str, people: list[str]) -> None:
    assert extract_entities(headline, body).people == people


def test_title_case_and_sentence_case_agree_on_the_fixture_headline() -> None:
    body = "The House speaker said the former president, Trump, had gone too far."
    titled = extract_entities("Nancy Pelosi Hits Donald Trump Where It Hurts", body)
    sentence = extract_entities("Nancy Pelosi hits Donald Trump where it hurts", body)
    assert titled.people == sentence.people == ["Nancy Pelosi", "Donald Trump"]


def test_title_case_headline_keeps_acronyms_and_places() -> None:
    e = extract_entities(
        "Zelensky Asks NATO For More Air Defenses In Kyiv", "Ukraine's president spoke by video."
    )
    assert "NATO" in e.organizations and "Kyiv" in e.places


def test_benchmark_title_case_conversion() -> None:
    assert (
        bench.to_title_case("OPEC SAYS OIL OUTPUT TO RISE IN U.S.") == "OPEC Says Oil Output To Rise In U.S."
    )
    assert bench.to_title_case("Blair says UK will win") == "Blair Says UK Will Win"
    assert (
        bench.truecase("Pelosi Hits Trump Where It Hurts", "Trump said so")
        == "Pelosi hits Trump where it hurts"
    )


@pytest.mark.parametrize(
    ("headline", "body"),
    [
        (
            "Box Office Blow For Alexander",
            "The film took little at the box office.",
        ),  # the story's "box office"
        (
            "Famed Music Director Viotti Dies",
            "The conductor died on Tuesday.",
        ),  # "Dies" is no part of the name
        ("Usher Leads Billboard Nominations", "The singer is leading the race for the Billboard awards."),
        ("Deutsche Boerse Boosts Dividend", "Shares in Deutsche Boerse rose."),  # the body's organisation
        ("JP Morgan Admits Slavery Links", "The bank apologised."),  # an acronym beside a name
    ],
)
def test_title_case_words_are_no_names_without_evidence(headline: str, body: str) -> None:
    e = extract_entities(headline, body)
    assert "Box Office" not in e.organizations and "JP" not in e.organizations
    assert all(name in ("Viotti",) for name in e.people), e.people


def test_taylor_swift_is_no_place() -> None:
    e = extract_entities("Taylor Swift Releases New Album", "Swift said the record took two years.")
    assert e.places == [] and e.people == ["Taylor Swift"]


@pytest.mark.parametrize(
    ("headline", "body"),
    [
        ("Grand Jury Indicts Former Mayor", "Jury selection begins next week. The mayor denies it."),
        ("Taylor Releases New Album", "Album sales rose in May."),
        ("Stocks Slide On Wall Street", "Street traders were gloomy. Stocks fell."),
        ("Will Power Return To Texas", "Power was cut for days."),
        # A word before a name the body confirms: a verb ("Mars", "Tame"), an article ("Al"), a common word
        # opening a sentence before "in" ("Shares in American Express").
        ("Downing Injury Mars Uefa Victory", "The winger was hurt in the Uefa Cup win."),
        ("Reds Tame Cubs", "The Reds beat the Cubs on Sunday."),
        ("Five Killed In Al Qaeda Jailbreak", "Inmates linked to Qaeda escaped."),
        ("Amex Shares Up On Spin-Off News", "Shares in American Express surged."),
    ],
)
def test_body_capitals_make_no_person_of_common_words(headline: str, body: str) -> None:
    assert extract_entities(headline, body).people == []


@pytest.mark.parametrize(
    ("headline", "body", "places", "orgs"),
    [
        # A town before "beat", "drew" or a plural verb, and a town and club word after "beat", are clubs.
        ("Chelsea win", "Chelsea beat Manchester City 2-0 at Stamford Bridge.", [], ["Manchester City"]),
        ("Arsenal Beat Manchester United", "Arsenal won 2-1.", [], ["Manchester United"]),
        ("More Newcastle United Stories", "Fans wrote in.", [], ["Newcastle United"]),
        # A city named with "City" stays a place without a club cue; "Athletic Director" is a title.
        ("Floods Hit Kansas City", "Kansas City was flooded.", ["Kansas City"], []),
        ("New Columbia Athletic Director Sounds Off", "The school named him.", ["Columbia"], []),
    ],
)
def test_clubs_named_like_towns_are_no_places(
    headline: str, body: str, places: list[str], orgs: list[str]
) -> None:
    e = extract_entities(headline, body)
    assert (e.places, e.organizations) == (places, orgs)
