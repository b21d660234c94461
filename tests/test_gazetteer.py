"""newssearch.extract.gazetteer: places, demonyms, and the common-word cities that must not count."""

from __future__ import annotations

import pytest

from newssearch.extract import extract_entities
from newssearch.extract.gazetteer import demonym_forms, fold, gazetteer, known_place


def test_country_aliases_are_canonical() -> None:
    gaz = gazetteer()
    assert gaz.places["U.S."] == "United States"
    assert gaz.places["Britain"] == "United Kingdom"
    assert gaz.places["N.J."] == "New Jersey"
    assert "United States" in gaz.countries
    assert "U.S." not in gaz.countries


def test_cities() -> None:
    gaz = gazetteer()
    assert "Paris" in gaz.places and "Paris" in gaz.big
    assert "Kerbala" in gaz.places  # an alternate spelling of a big city
    assert "Kerbala" not in gaz.big
    assert "White House" not in gaz.places  # an organisation, though some town is called so


def test_common_word_cities_are_guarded_or_dropped() -> None:
    gaz = gazetteer()
    assert {"Nice", "Reading"} <= gaz.guarded
    assert not {"Nice", "Reading", "Police", "Of"} & gaz.places.keys()
    assert known_place("Nice")
    assert not known_place("Police")


def test_all_caps_names() -> None:
    caps = gazetteer().caps
    assert caps["NEW YORK"] == "New York"
    assert caps["UK"] == "United Kingdom"
    assert "US" not in caps  # the pronoun


def test_demonyms() -> None:
    demonyms = gazetteer().demonyms
    assert {"Iraqi", "Iraqis", "Iranian", "French", "Western", "Shi'ite"} <= demonyms
    assert not {"Iraq", "Paris"} & demonyms


@pytest.mark.parametrize(
    ("country", "demonym"),
    [
        ("Iraq", "Iraqi"),
        ("Iran", "Iranian"),
        ("Canada", "Canadian"),
        ("Germany", "German"),
        ("Uzbekistan", "Uzbek"),
    ],
)
def test_demonym_forms(country: str, demonym: str) -> None:
    assert demonym in demonym_forms(country)


def test_fold_drops_accents() -> None:
    assert fold("S\u00e3o Paulo") == "Sao Paulo"


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


def test_common_word_city_not_when_the_text_uses_the_word() -> None:
    e = extract_entities("", "It was a nice day. The conference was held in Nice.")
    assert e.places == []


def test_small_city_that_speaks_is_no_place() -> None:
    assert extract_entities("", "Officials met on Monday. Later Jackson said the deal was off.").places == []
    assert extract_entities("", "Officials met on Monday. Later Washington said it would act.").places == [
        "Washington"
    ]


def test_places_are_canonical_and_deduplicated() -> None:
    e = extract_entities("", "U.S. officials met UK ministers in Britain, then flew to the United States.")
    assert e.places == ["United States", "United Kingdom"]
