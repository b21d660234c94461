"""newssearch.extract.mentions: capitalised runs classified into kinds of mention, and the false positives kept out."""

from __future__ import annotations

import pytest

from newssearch.extract import extract_entities
from newssearch.extract.gazetteer import gazetteer
from newssearch.extract.mentions import Kind, MentionFinder
from newssearch.extract.tokens import paragraphs
from newssearch.models import Entities


def _mentions(text: str) -> list[tuple[Kind, str, str]]:
    lower: set[str] = set()
    pars = paragraphs(text, 0, lower)
    finder = MentionFinder(gazetteer(), lower)
    for toks in pars:
        finder.paragraph(toks)
    return [(m.kind, m.name, m.title) for m in finder.mentions]


def _names(e: Entities) -> list[str]:
    return e.people + e.organizations + e.places


def test_kinds_are_an_enum() -> None:
    assert {k.name for k in Kind} == {"PLACE", "ORG", "PERSON", "TITLED", "CANDIDATE"}


@pytest.mark.parametrize(
    ("text", "mentions"),
    [
        (
            "Secretary of State Mike Pompeo visited the offices of Chrysler Corp in Baghdad.",
            [(Kind.PERSON, "Mike Pompeo", ""), (Kind.ORG, "Chrysler Corp", ""), (Kind.PLACE, "Baghdad", "")],
        ),
        ("President Trump said so.", [(Kind.TITLED, "Trump", "President")]),
        ("He saw an official Kent house.", [(Kind.CANDIDATE, "Kent", "")]),
        (
            "The U.S. State Department said so.",
            [(Kind.PLACE, "United States", ""), (Kind.ORG, "State Department", "")],
        ),
        (
            "The Red Sea and the Strait of Hormuz",
            [(Kind.PLACE, "Red Sea", ""), (Kind.PLACE, "Strait of Hormuz", "")],
        ),
        (
            "Labour MP Diane Abbott spoke.",
            [(Kind.ORG, "Labour Party", ""), (Kind.PERSON, "Diane Abbott", "")],
        ),
        ("He moved to Nice in 2003.", [(Kind.PLACE, "Nice", "")]),
        ("The Patriot Act of 2001 passed.", [(Kind.CANDIDATE, "Patriot Act", "")]),
    ],
)
def test_runs_are_classified(text: str, mentions: list[tuple[Kind, str, str]]) -> None:
    assert _mentions(text) == mentions


def test_all_caps_text_gives_known_names_and_candidates_only() -> None:
    assert _mentions("U.S. TREASURY SAYS BANKS MAY FACE NEW RULES")[:2] == [
        (Kind.PLACE, "United States", ""),
        (Kind.ORG, "Treasury", ""),
    ]
    assert {kind for kind, _, _ in _mentions("U.S. TREASURY SAYS BANKS MAY FACE NEW RULES")[2:]} == {
        Kind.CANDIDATE
    }


def test_all_caps_headline_yields_few_entities() -> None:
    e = extract_entities("U.S. TREASURY SAYS BANKS MAY FACE NEW RULES", "")
    assert e == Entities(people=[], organizations=["Treasury"], places=["United States"])


def test_all_caps_body_is_not_every_word() -> None:
    body = (
        "THE BANK SAID IT HAD PROVIDED THE MONEY MARKET WITH ASSISTANCE WORTH 200 MLN STG IN THE MORNING "
        "SESSION. LONDON DEALERS SAID THE SHORTAGE WAS LARGER THAN EXPECTED AND RATES MAY RISE AGAIN."
    )
    e = extract_entities("MONEY MARKET SHORTAGE FORECAST REVISED", body)
    assert e == Entities(people=[], organizations=[], places=["London"])


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


def test_roman_numerals_and_unit_acronyms_are_no_organisations() -> None:
    e = extract_entities("", "Louis XIV met the CCC, the CEO of IBM Inc and the LNG makers of ABCD.")
    assert e.organizations == ["IBM Inc", "ABCD"]


def test_first_names_that_are_towns_stay_people() -> None:
    e = extract_entities("", "Sen. David Boren said so. But David Frost, director general, warned otherwise.")
    assert e.people == ["David Boren", "David Frost"]
    assert e.places == []


def test_washington_the_person_and_washington_the_place() -> None:
    e = extract_entities("", "George Washington crossed the Delaware. Officials in Washington said so.")
    assert e.people == ["George Washington"]
    assert e.places == ["Delaware", "Washington"]


def test_organisation_with_of_and_and() -> None:
    text = (
        "The Securities and Exchange Commission and the Bank of England said Standard Oil Co and BP Inc rose."
    )
    e = extract_entities("", text)
    assert e.organizations == [
        "SEC",  # a known expansion, recorded by its acronym
        "Bank of England",
        "Standard Oil Co",
        "BP Inc",
    ]
