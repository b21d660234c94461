"""Places inside longer names (events, teams, companies, pacts) are no place mentions; regions the gazetteer
adds by hand keep a province from being read as a town of its last word."""

from __future__ import annotations

import pytest

from newssearch.extract import extract_entities


@pytest.mark.parametrize(
    "text",
    [
        "Roddick won the US Open last year.",
        "Smith scored for London Irish on Saturday.",
        "Shares of Union Pacific rose two dlrs.",
        "The loan pays 1/2 point over the London Interbank Offered Rate.",
        "Dealers doubted the Paris Accord would hold.",
        "The peso fell against the U.S. Dollar today.",
        "Reserves rose to 6.28 billion U.S. Dlrs in January.",
        "He scored against AC Milan.",
        "Sofia Coppola won the award.",
    ],
)
def test_place_inside_a_name_is_no_place(text: str) -> None:
    assert extract_entities("", text).places == []


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("Growth slowed in Greater London last year.", ["London"]),
        ("Growth slowed in Inner Mongolia last year.", ["Mongolia"]),
        ("Exports from February U.S. output rose.", ["United States"]),
        ("The talks between Rosneft and China failed.", ["China"]),
        ("Most US TV networks carried it.", ["United States"]),
        ("Demand in the U.S. And Japan fell.", ["United States", "Japan"]),
    ],
)
def test_place_beside_other_words_stays_a_place(text: str, places: list[str]) -> None:
    assert extract_entities("", text).places == places


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("The builder opened a New England office.", "New England"),
        ("Mines at Trail, British Columbia, were closed.", "British Columbia"),
        ("A New South Wales state inquiry criticised it.", "New South Wales"),
    ],
)
def test_regions_named_like_other_places(text: str, place: str) -> None:
    assert extract_entities("", text).places == [place]
