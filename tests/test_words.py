"""newssearch.extract.words: each cue word is written once, and the lists built from others stay in step."""

from __future__ import annotations

import re

from newssearch.extract import words as w
from newssearch.extract.words import words


def test_words_splits_on_whitespace() -> None:
    assert words(" Mr  Mrs\nMs ") == frozenset({"Mr", "Mrs", "Ms"})


def test_particles_shared_by_places_and_names() -> None:
    shared = {"de", "da", "do", "dos", "das", "del", "di", "du", "la", "le", "al", "el"}
    assert shared <= w.PLACE_PARTICLES
    assert shared <= w.NAME_PARTICLES
    assert "am" in w.PLACE_PARTICLES and "am" not in w.NAME_PARTICLES  # "Frankfurt am Main"
    assert "van" in w.NAME_PARTICLES and "van" not in w.PLACE_PARTICLES  # "Ludwig van Beethoven"


def test_derived_particle_lists() -> None:
    lower_in_places = w.PLACE_LOWER - w.PLACE_PARTICLES
    assert lower_in_places == {"an", "y", "e"}
    joining = w.CONNECTORS - w.NAME_PARTICLES
    assert joining == {"of", "the", "for", "and", "&"}


def test_abbreviations_come_from_the_lists_they_abbreviate() -> None:
    assert w.MONTH_ABBREVIATIONS <= w.MONTHS & w.ABBREVIATIONS
    assert w.CORP_ABBREVIATIONS <= w.CORP_SUFFIXES & w.ABBREVIATIONS
    assert w.NAME_SUFFIX_ABBREVIATIONS <= w.NAME_SUFFIXES & w.ABBREVIATIONS
    assert {"Jr.", "Sr."} <= w.NAME_SUFFIXES
    for short, full in w.ABBREVIATED_TITLES.items():
        assert {short, full} <= w.TITLES
        assert short in w.ABBREVIATIONS


def test_weak_titles_are_titles_with_their_abbreviations() -> None:
    assert w.WEAK_TITLES <= w.TITLES
    assert {"General", "Gen", "Major", "Maj"} <= w.WEAK_TITLES
    assert "Col" not in w.WEAK_TITLES  # "Colonel" is no weak title


def test_subset_lists() -> None:
    assert w.CORP_SUFFIXES <= w.ORG_SUFFIXES
    assert w.DOCUMENTS <= w.NON_PERSON_LAST
    first_only = w.DOCUMENT_FIRST - w.DOCUMENTS
    assert first_only == {"Resolution"}
    assert w.GOVERNMENT_BRANCHES <= w.TITLE_MODIFIERS & w.GOV_WORDS
    assert w.COMPASS_ADJECTIVES <= w.COMPASS
    assert {"Bank", "Ministry", "Party"} <= w.ORG_HEADS_OF & w.ORG_SUFFIXES
    assert {"Sea", "Gulf", "Strait"} <= w.GEO_HEADS_OF & w.GEO_SUFFIXES


def test_titles_are_no_organisation_acronyms() -> None:
    assert {"MP", "MEP"} <= w.NON_ORG_ACRONYMS
    assert not any(re.fullmatch(r"[IVXLC]+", a) for a in w.NON_ORG_ACRONYMS)  # told by their letters


def test_lists_keep_their_case() -> None:
    assert all(p.islower() or p == "&" for p in w.CONNECTORS)
    assert all(c.islower() for c in w.PERSON_CUES)
    assert all(t[0].isupper() for t in w.TITLES)
    assert all(m[0].isupper() for m in w.MONTHS | w.WEEKDAYS)


def test_known_organisations_map_to_canonical_names() -> None:
    assert w.KNOWN_ORGS["Reuter"] == "Reuters"
    assert w.KNOWN_ORGS["Tories"] == "Conservative Party"
    canonical = set(w.KNOWN_ORGS.values())
    assert all(w.KNOWN_ORGS.get(name, name) == name for name in canonical)
