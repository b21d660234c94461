"""newssearch.extract.linking: short mentions linked to full names, one deduplicated list per kind."""

from __future__ import annotations

from newssearch.extract import extract_entities
from newssearch.extract.gazetteer import gazetteer
from newssearch.extract.linking import link
from newssearch.extract.mentions import Kind, Mention
from newssearch.models import Entities


def _link(*mentions: Mention, lower_words: frozenset[str] = frozenset()) -> Entities:
    return link(list(mentions), gazetteer(), set(lower_words))


def test_surnames_and_titled_names_link_to_the_full_name() -> None:
    e = _link(
        Mention(Kind.TITLED, "Trump", 0, "President"),
        Mention(Kind.PERSON, "Donald Trump", 10),
        Mention(Kind.CANDIDATE, "Trump", 30),
    )
    assert e == Entities(people=["Donald Trump"], organizations=[], places=[])


def test_candidates_without_a_link_are_dropped() -> None:
    assert _link(Mention(Kind.CANDIDATE, "Kent", 0)) == Entities()


def test_organisations_link_by_stem_and_initials() -> None:
    e = _link(
        Mention(Kind.ORG, "Chrysler Corp", 0),
        Mention(Kind.CANDIDATE, "Chrysler", 10),
        Mention(Kind.ORG, "European Union", 20),
        Mention(Kind.ORG, "EU", 30),
        Mention(Kind.ORG, "Energy Information Administration", 40),
        Mention(Kind.ORG, "EIA", 50),
    )
    # A known expansion is its acronym; another pair is named by both.
    assert e.organizations == ["Chrysler Corp", "EU", "Energy Information Administration (EIA)"]


def test_a_surname_is_no_town() -> None:
    e = _link(Mention(Kind.PERSON, "Charles Kennedy", 0), Mention(Kind.PLACE, "Kennedy", 10))
    assert e == Entities(people=["Charles Kennedy"], organizations=[], places=[])


def test_weak_titles_need_a_real_name() -> None:
    e = _link(
        Mention(Kind.TITLED, "Election", 0, "General"),
        Mention(Kind.TITLED, "Brown", 5, "Mr"),
        Mention(Kind.TITLED, "P.", 9, "Mr"),
    )
    assert e.people == ["Brown"]


def test_sir_links_by_first_name() -> None:
    e = _link(Mention(Kind.PERSON, "Digby Jones", 0), Mention(Kind.TITLED, "Digby", 10, "Sir"))
    assert e.people == ["Digby Jones"]


def test_order_of_first_mention_without_case_duplicates() -> None:
    e = _link(
        Mention(Kind.PLACE, "PARIS", 50), Mention(Kind.PLACE, "London", 20), Mention(Kind.PLACE, "Paris", 5)
    )
    assert e.places == ["Paris", "London"]


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


def test_arabic_article_is_ignored_when_linking() -> None:
    e = extract_entities("", "Grand Ayatollah Ali al-Sistani spoke. Later Sistani said more.")
    assert e.people == ["Ali al-Sistani"]
