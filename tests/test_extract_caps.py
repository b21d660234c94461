"""newssearch.extract.caps: ALL-CAPS wire copy, and the benchmark's mixed-case / ALL-CAPS overlap."""

from __future__ import annotations

import pytest

from benchmarks import entities as bench
from newssearch.extract import extract_entities
from newssearch.extract.caps import caps_company, caps_org, caps_person
from newssearch.extract.gazetteer import gazetteer
from newssearch.models import Article, Entities


@pytest.mark.parametrize(
    "text",
    [
        "THE MAN WHO TOLD US ABOUT IT SAID SO.",
        "IT IS THE AIDS VIRUS, SHE TOLD US.",
        "THE PRESIDENT DECLINED TO COMMENT ON IT.",
        "THE COMPANY'S ABILITY TO ACT IS LIMITED.",
        "THEY USE IBM AS A SUPPLIER OF CHIPS.",
    ],
)
def test_pronouns_and_common_words_are_no_entities(text: str) -> None:
    assert extract_entities(text, text) == Entities()


def test_who_and_us_in_mixed_case_still_count() -> None:
    e = extract_entities("", "The WHO said the US would pay.")
    assert (e.organizations, e.places) == (["WHO"], ["United States"])


@pytest.mark.parametrize(
    ("text", "people"),
    [
        ("PRESIDENT RONALD REAGAN WILL VISIT DETROIT.", ["Ronald Reagan"]),
        ("TREASURY SECRETARY JAMES BAKER SAID SO.", ["James Baker"]),
        ("THE CHANCELLOR OF THE EXCHEQUER NIGEL LAWSON SAID SO.", ["Nigel Lawson"]),
        ("WHITE HOUSE SPOKESMAN MARLIN FITZWATER SAID SO.", ["Marlin Fitzwater"]),
        ("MINISTER GERHARD STOLTENBERG DECLINED TO COMMENT.", ["Gerhard Stoltenberg"]),
        ("U.S. TREASURY'S BAKER SAYS PARIS PACT ONLY A START", ["Baker"]),
        ("FOREIGN SECRETARY GEOFFREY HOWE AND OTHERS MET.", ["Geoffrey Howe"]),
        ("FOREIGN SECRETARY GEOFFREY HOWE WENT HOME.", []),  # "HOWE" may be a word: no "Geoffrey" alone
    ],
)
def test_titled_people_in_all_caps(text: str, people: list[str]) -> None:
    assert extract_entities(text, "").people == people


def test_a_lone_surname_links_to_the_titled_full_name() -> None:
    e = extract_entities(
        "REAGAN VETOES BILL", "PRESIDENT RONALD REAGAN VETOED THE BILL. REAGAN SAID HE WOULD NOT."
    )
    assert e.people == ["Ronald Reagan"]


@pytest.mark.parametrize(
    ("text", "orgs"),
    [
        ("CHRYSLER CORP SAID PROFITS ROSE.", ["Chrysler Corp"]),
        ("NORTON CO SAYS PROFIT UP.", ["Norton Co"]),  # the company, not the town
        ("CHEMICAL NEW YORK CORP 1ST QTR NET", []),
        ("BANK OF JAPAN SAYS IT WILL INTERVENE.", ["Bank of Japan"]),
        ("OPEC WITHIN OUTPUT CEILING, SUBROTO SAYS", ["OPEC"]),
        ("ANALYSTS AT MERRILL LYNCH SAID SO.", ["Merrill Lynch"]),
        ("THE JUSTICE DEPARTMENT SAID SO.", ["Justice Department"]),
        ("THE DUTCH BANK AND THE TV NETWORK SAID SO.", []),
        ("THE HOLDING COMPANY SAID FOREIGN EXCHANGE RATES FELL.", []),
    ],
)
def test_organisations_in_all_caps(text: str, orgs: list[str]) -> None:
    e = extract_entities(text, "")
    assert e.organizations == orgs and e.places == []


def test_caps_helpers() -> None:
    gaz = gazetteer()
    assert caps_org("WHO") is None and caps_org("MERRILL LYNCH") == "Merrill Lynch"
    assert caps_person(["SAID", "PRESIDENT", "RONALD", "REAGAN"], 1, gaz) == (3, "Ronald Reagan", "President")
    assert caps_company(["UNITED", "CHRYSLER", "CORP"], 1, gaz) == (2, "Chrysler Corp")
    assert caps_company(["CO", "INC"], 0, gaz) is None


def test_an_all_caps_headline_acronym_links_to_the_body() -> None:
    e = extract_entities(
        "OPEC MEETS", "The Organization of Petroleum Exporting Countries (OPEC) meets today."
    )
    assert e.organizations == ["OPEC"]


def test_caps_overlap_compares_a_story_with_its_upper_case_copy() -> None:
    docs = [
        Article(
            id="a",
            headline="Reagan meets Volcker",
            body="President Ronald Reagan talked with Federal Reserve Chairman Paul Volcker in Washington.",
        ),
        Article(id="b", headline="Nothing", body=""),
    ]
    result = bench.caps_overlap(docs, size=5, seed=1)
    assert result["stories"] == 1  # only stories with a body
    people = result["types"]["people"]
    assert (people["mixed"], people["caps"], people["both"]) == (2, 2, 2)
    assert people["jaccard"] == 1.0 and people["kept"] == 1.0
    assert set(result["types"]) == {"places", "people", "organizations"}


def test_a_two_word_all_caps_line_is_read_as_all_caps() -> None:
    e = extract_entities(
        "Year results", "Shr loss two cts vs profit seven cts\n\nSIX MTHS\n\nShr profit nil."
    )
    assert e.organizations == []


def test_a_verb_after_a_title_is_no_name() -> None:
    assert extract_entities("HARTMARX <HMX> UNIT PRESIDENT RESIGNS", "").people == []


def test_a_company_after_a_title_word_is_no_person() -> None:
    e = extract_entities("", "THE LEAD MANAGER NOMURA INTERNATIONAL LTD SAID IT WOULD PRICE THE ISSUE.")
    assert (e.people, e.organizations) == ([], ["Nomura International Ltd"])
