"""Tests for newssearch.extract: wire datelines and rule-based named entities."""

from __future__ import annotations

import html
import re
import time
from pathlib import Path

import pytest

from newssearch.extract import Dateline, extract_entities, parse_dateline
from newssearch.models import Entities

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "corpus" / "000_fef9c184b96aac0a.txt"
CORPORA = ROOT.parent / "shared" / "corpora"
needs_corpora = pytest.mark.skipif(not CORPORA.is_dir(), reason="shared/corpora is not available")


def _names(e: Entities) -> list[str]:
    return e.people + e.organizations + e.places


@pytest.fixture(scope="module")
def seed() -> tuple[str, str]:
    """Headline and body of the seed article; the page furniture from "Share post:" on is cut off."""
    text = SEED.read_text(encoding="utf-8").split("\nShare post:")[0]
    headline = text.split("\n", 1)[0].strip()
    body = text[text.index("Baghdad (Reuters)") :]
    return headline, body


@pytest.fixture(scope="module")
def seed_entities(seed: tuple[str, str]) -> Entities:
    return extract_entities(*seed)


# ------------------------------------------------------------------------------------------ seed article


def test_seed_dateline(seed: tuple[str, str]) -> None:
    dateline = parse_dateline(seed[1])
    assert dateline.place == "Baghdad"
    assert dateline.source == "Reuters"
    assert dateline.text.startswith("Washington on Friday spurned an Iraqi request")


@pytest.mark.parametrize(
    "name",
    [
        "Donald Trump",
        "Mike Pompeo",
        "Qassem Soleimani",
        "Adel Abdul Mahdi",
        "Ali al-Sistani",
        "Morgan Ortagus",
    ],
)
def test_seed_people(seed_entities: Entities, name: str) -> None:
    assert name in seed_entities.people
    assert name not in seed_entities.organizations + seed_entities.places


@pytest.mark.parametrize("short", ["Trump", "Pompeo", "Soleimani", "Sistani", "al-Sistani", "Abdul Mahdi"])
def test_seed_short_mentions_link_to_full_names(seed_entities: Entities, short: str) -> None:
    assert short not in _names(seed_entities)


def test_seed_titles_are_stripped(seed_entities: Entities) -> None:
    for person in seed_entities.people:
        first = person.split()[0]
        assert first not in {"President", "Prime", "Secretary", "General", "Grand", "Ayatollah", "U.S."}
        assert "spokeswoman" not in person


@pytest.mark.parametrize("name", ["NATO", "State Department"])
def test_seed_organizations(seed_entities: Entities, name: str) -> None:
    assert name in seed_entities.organizations
    assert name not in seed_entities.people + seed_entities.places


def test_seed_state_department_is_normalised(seed_entities: Entities) -> None:
    assert "the State Department" not in seed_entities.organizations
    assert "The State Department" not in seed_entities.organizations


@pytest.mark.parametrize("name", ["Iraq", "Iran", "Baghdad", "Washington", "Kerbala", "United States"])
def test_seed_places(seed_entities: Entities, name: str) -> None:
    assert name in seed_entities.places
    assert name not in seed_entities.people + seed_entities.organizations


def test_seed_us_is_canonical(seed_entities: Entities) -> None:
    assert "U.S." not in _names(seed_entities)
    assert seed_entities.places.count("United States") == 1


@pytest.mark.parametrize(
    "word",
    [
        *("Seeking", "Separately", "In", "The", "We", "I", "President", "Prime Minister", "Grand Ayatollah"),
        *("Friday", "Thursday", "Wednesday", "Jan.", "Jan"),
        *("Iraqi", "Iranian", "Canadian", "Iraqis", "Shi'ite", "Muslim", "Reuters"),
    ],
)
def test_seed_no_false_entities(seed_entities: Entities, word: str) -> None:
    assert word not in _names(seed_entities)


def test_seed_lists_are_short_deduplicated_and_in_order(seed_entities: Entities) -> None:
    for names in (seed_entities.people, seed_entities.organizations, seed_entities.places):
        assert len(names) == len(set(names))
    assert len(_names(seed_entities)) <= 25
    assert seed_entities.places[0] == "Washington"  # the headline comes first
    people = seed_entities.people
    assert people.index("Qassem Soleimani") < people.index("Donald Trump") < people.index("Ali al-Sistani")


def test_seed_extraction_is_fast(seed: tuple[str, str]) -> None:
    extract_entities(*seed)  # the gazetteer loads once, on first use
    start = time.perf_counter()
    for _ in range(20):
        extract_entities(*seed)
    # About 1.5 ms on the development machine; the bound only catches a pathological slowdown.
    assert (time.perf_counter() - start) / 20 < 0.025


# ------------------------------------------------------------------------------------------------ datelines


@pytest.mark.parametrize(
    ("text", "place", "source", "rest"),
    [
        (
            "Baghdad (Reuters) \u2013 Washington on Friday spurned",
            "Baghdad",
            "Reuters",
            "Washington on Friday spurned",
        ),
        ("WASHINGTON, March 2 - The U.S. Treasury said", "Washington", None, "The U.S. Treasury said"),
        ("    WASHINGTON, March 2 - The U.S. Treasury said", "Washington", None, "The U.S. Treasury said"),
        ("LONDON (AP) \u2014 Prime Minister Boris Johnson", "London", "AP", "Prime Minister Boris Johnson"),
        ("NEW YORK (Reuters) - Stocks fell", "New York", "Reuters", "Stocks fell"),
        ("Jerusalem/Beirut (Reuters) - Israel said", "Jerusalem/Beirut", "Reuters", "Israel said"),
        (
            "Vatican City (Reuters) - Pope Francis on Sunday",
            "Vatican City",
            "Reuters",
            "Pope Francis on Sunday",
        ),
        ("ST. LOUIS, Mo., March 3 - Monsanto Co said", "St. Louis", None, "Monsanto Co said"),
        ("SAO PAULO, April 1 - Brazil's", "Sao Paulo", None, "Brazil's"),
        ("RIO DE JANEIRO, Feb 26 -- Petrobras said", "Rio de Janeiro", None, "Petrobras said"),
        ("TOKYO, March 3 (Reuters) - The yen", "Tokyo", "Reuters", "The yen"),
        ("Kuwait (Reuters) - Sheikh Meshal", "Kuwait", "Reuters", "Sheikh Meshal"),
        ("BAGHDAD \u2014 The attack", "Baghdad", None, "The attack"),
        ("SAO PAULO, April 1 -", "Sao Paulo", None, ""),
    ],
)
def test_dateline_variants(text: str, place: str, source: str | None, rest: str) -> None:
    assert parse_dateline(text) == Dateline(place, source, rest)


def test_dateline_keeps_following_paragraphs() -> None:
    body = "LONDON (Reuters) - First paragraph.\n\nSecond paragraph."
    assert parse_dateline(body).text == "First paragraph.\n\nSecond paragraph."


@pytest.mark.parametrize(
    "text",
    [
        "Iraq could bear the brunt - of it.",
        "The U.S. - Iran talks resumed on Monday.",
        "THE U.S. - IRAN TALKS RESUMED",
        "NATO - the alliance - met on Friday.",
        "Washington on Friday spurned an Iraqi request.",
        "President Donald Trump said - again - that",
        "Apple Inc (AAPL) - shares rose",
        "BAGHDAD\u2014The attack",
        "",
        "   ",
    ],
)
def test_no_dateline(text: str) -> None:
    assert parse_dateline(text) == Dateline(None, None, text)


def test_dateline_place_counts_as_a_place() -> None:
    e = extract_entities("Shares fall", "LONDON (Reuters) - Shares fell on Monday.")
    assert e.places == ["London"]
    assert e.organizations == []  # the agency of the dateline is no mention


def test_combined_dateline_place_gives_two_places() -> None:
    e = extract_entities("Strikes", "Israel said on Sunday it had struck.", dateline_place="Jerusalem/Beirut")
    assert e.places[:2] == ["Jerusalem", "Beirut"]


# ----------------------------------------------------------------------------- false-positive guards


def test_all_caps_headline_yields_few_entities() -> None:
    e = extract_entities("U.S. TREASURY SAYS BANKS MAY FACE NEW RULES", "")
    assert len(_names(e)) <= 2
    assert e.places == ["United States"]
    assert e.people == []
    assert set(e.organizations) <= {"Treasury"}
    for word in ("Says", "Banks", "May", "Face", "New", "Rules", "SAYS", "BANKS", "MAY", "NEW", "RULES"):
        assert word not in _names(e)


def test_all_caps_body_is_not_every_word() -> None:
    body = (
        "THE BANK SAID IT HAD PROVIDED THE MONEY MARKET WITH ASSISTANCE WORTH 200 MLN STG IN THE MORNING "
        "SESSION. LONDON DEALERS SAID THE SHORTAGE WAS LARGER THAN EXPECTED AND RATES MAY RISE AGAIN."
    )
    e = extract_entities("MONEY MARKET SHORTAGE FORECAST REVISED", body)
    assert e.people == []
    assert e.organizations == []
    assert set(e.places) <= {"London"}


def test_acronyms_count_only_in_mixed_case_text() -> None:
    e = extract_entities("", "Officials from NATO and the EU met the CEO of the company on TV.")
    assert e.organizations == ["NATO", "EU"]


@pytest.mark.parametrize(
    "text",
    [
        "Seeking to tighten pressure, the government acted.",
        "Separately, the minister resigned. In the aftermath, prices fell.",
        "Asked about the plan, he declined to comment. Nevertheless the talks went on.",
        "The President said on Friday that talks would resume in Jan. and March.",
        "Iraqi, Iranian and Canadian officials met. Iraqis voted on Monday.",
        "We will tell you. I can reveal that. They said so.",
        "Meanwhile, Shares Fell Sharply.",
    ],
)
def test_sentence_initial_and_cue_words_are_not_entities(text: str) -> None:
    assert _names(extract_entities("", text)) == []


# ------------------------------------------------------------------------------------------ gazetteer traps


@pytest.mark.parametrize(
    "text",
    [
        "Police said on Monday that the figures were wrong.",
        "Reading the report, analysts said the outlook was poor.",
        "Nice work, she said.",
        "Split the difference, he told them.",
        "Sale of the unit closed on Friday.",
        "Mobile phone makers said sales of the devices rose.",
        "The Opportunity Fund said it would close. Of the 20 banks, five failed.",
        "Bath time is over, he said.",
    ],
)
def test_common_word_cities_are_not_places(text: str) -> None:
    assert extract_entities("", text).places == []


def test_common_word_city_counts_when_used_as_a_place() -> None:
    e = extract_entities(
        "", "He moved to Nice in 2003 and later studied in Reading before settling in Paris."
    )
    assert e.places == ["Nice", "Reading", "Paris"]


def test_common_word_city_needs_a_preposition() -> None:
    assert extract_entities("", "The mayor of Reading said so.").places == ["Reading"]
    assert extract_entities("", "Officials said Reading rose 2 pct.").places == []


def test_small_city_that_speaks_is_no_place() -> None:
    assert extract_entities("", "Officials met on Monday. Later Jackson said the deal was off.").places == []
    assert extract_entities("", "Officials met on Monday. Later Washington said it would act.").places == [
        "Washington"
    ]


def test_common_word_city_not_when_the_text_uses_the_word() -> None:
    e = extract_entities("", "It was a nice day. The conference was held in Nice.")
    assert "Nice" not in e.places


def test_places_are_canonical_and_deduplicated() -> None:
    e = extract_entities("", "U.S. officials met UK ministers in Britain, then flew to the United States.")
    assert e.places == ["United States", "United Kingdom"]


def test_first_names_that_are_towns_stay_people() -> None:
    e = extract_entities("", "Sen. David Boren said so. But David Frost, director general, warned otherwise.")
    assert e.people == ["David Boren", "David Frost"]
    assert "David" not in e.places


def test_washington_the_person_and_washington_the_place() -> None:
    e = extract_entities("", "George Washington crossed the Delaware. Officials in Washington said so.")
    assert e.people == ["George Washington"]
    assert e.places == ["Delaware", "Washington"]


# ----------------------------------------------------------------------------------------- linking


def test_titled_surname_alone_is_a_person() -> None:
    e = extract_entities("", "President Trump said on Friday that the talks would go on.")
    assert e.people == ["Trump"]


def test_surname_in_headline_links_to_full_name_in_body() -> None:
    e = extract_entities("Pompeo meets Iraqi delegation", "Secretary of State Mike Pompeo met officials.")
    assert e.people == ["Mike Pompeo"]


def test_company_short_name_links_to_full_name() -> None:
    e = extract_entities("", "Chrysler Corp said profits rose. Chrysler shares gained 2 pct.")
    assert e.organizations == ["Chrysler Corp"]
    assert e.people == []


def test_organisation_with_of_and_and() -> None:
    text = (
        "The Securities and Exchange Commission and the Bank of England said Standard Oil Co and BP Inc rose."
    )
    e = extract_entities("", text)
    assert e.organizations == [
        "Securities and Exchange Commission",
        "Bank of England",
        "Standard Oil Co",
        "BP Inc",
    ]


# ----------------------------------------------------------------------------------- real corpora


@needs_corpora
def test_bbc_politics_stories() -> None:
    bbc = CORPORA / "bbc" / "politics"
    text = (bbc / "001.txt").read_text(encoding="utf-8")
    headline, _, body = text.partition("\n")
    e = extract_entities(headline.strip(), body.strip())
    assert {"Patricia Hewitt", "Gordon Brown", "Tony Blair", "Theresa May"} <= set(e.people)
    assert {"Labour Party", "Liberal Democrats"} <= set(e.organizations)
    assert "May" not in _names(e)
    for n in range(1, 11):
        headline, _, body = (bbc / f"{n:03d}.txt").read_text(encoding="utf-8").partition("\n")
        e = extract_entities(headline.strip(), body.strip())
        assert len(_names(e)) < 40


@needs_corpora
def test_reuters_stories() -> None:
    sgml = (CORPORA / "reuters21578" / "reut2-000.sgm").read_text(encoding="latin-1")
    stories = re.findall(r"<REUTERS.*?</REUTERS>", sgml, re.S)[:200]
    elapsed = 0.0
    for story in stories:
        title = re.search(r"<TITLE>(.*?)</TITLE>", story, re.S)
        body = re.search(r"<BODY>(.*?)</BODY>", story, re.S)
        dateline = re.search(r"<DATELINE>(.*?)</DATELINE>", story, re.S)
        title_text = html.unescape(title.group(1)) if title else ""
        body_text = html.unescape(re.sub(r"&#\d+;", "", body.group(1))) if body else ""
        place = parse_dateline(dateline.group(1)).place if dateline else None
        start = time.perf_counter()
        e = extract_entities(title_text, body_text, place)
        elapsed += time.perf_counter() - start
        if place:
            assert place in e.places
        headline_only = extract_entities(title_text, "")  # ALL-CAPS headlines
        assert headline_only.people == []
        assert len(_names(headline_only)) <= 3
    assert elapsed / len(stories) < 0.01
