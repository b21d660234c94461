"""newssearch.extract (the package's entry points): entities of whole stories, the seed article and real corpora."""

from __future__ import annotations

import html
import re
import time

import pytest

from newssearch.extract import (
    body_dateline,
    extract_after_dateline,
    extract_entities,
    parse_dateline,
)
from newssearch.models import Entities

from .helpers import CORPORA, SEED, needs_corpora


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


def test_seed_entities_in_order_of_first_mention(seed_entities: Entities) -> None:
    assert seed_entities == Entities(
        people=[
            *("Qassem Soleimani", "Donald Trump", "Adel Abdul Mahdi", "Mike Pompeo", "Morgan Ortagus"),
            *("Francois-Philippe Champagne", "Ali al-Sistani"),
        ],
        organizations=["NATO", "Fox News", "State Department"],
        places=[
            *("Washington", "Baghdad", "United States", "Iran", "Iraq", "Tehran", "Middle East", "Kerbala"),
        ],
    )


@pytest.mark.parametrize(
    "word",
    [
        *("Trump", "Pompeo", "Soleimani", "Sistani", "al-Sistani", "Abdul Mahdi", "U.S."),
        *("Seeking", "Separately", "In", "The", "We", "I", "President", "Prime Minister", "Grand Ayatollah"),
        *("Friday", "Thursday", "Wednesday", "Jan.", "Jan"),
        *("Iraqi", "Iranian", "Canadian", "Iraqis", "Shi'ite", "Muslim", "Reuters"),
    ],
)
def test_seed_short_mentions_and_cue_words_are_no_entities(seed_entities: Entities, word: str) -> None:
    assert word not in _names(seed_entities)


def test_seed_extraction_is_fast(seed: tuple[str, str]) -> None:
    extract_entities(*seed)  # the gazetteer loads once, on first use
    start = time.perf_counter()
    for _ in range(20):
        extract_entities(*seed)
    # About 1.5 ms on the development machine; the bound only catches a pathological slowdown.
    assert (time.perf_counter() - start) / 20 < 0.025


# -------------------------------------------------------------------------------------- datelines


def test_dateline_place_counts_as_a_place() -> None:
    e = extract_entities("Shares fall", "LONDON (Reuters) - Shares fell on Monday.")
    assert e.places == ["London"]
    assert e.organizations == []  # the agency of the dateline is no mention


def test_given_dateline_place_comes_first_and_wins() -> None:
    e = extract_entities("", "LONDON (Reuters) - Shares fell in Paris.", dateline_place="Frankfurt")
    assert e.places == ["Frankfurt", "Paris"]


def test_combined_dateline_place_gives_two_places() -> None:
    e = extract_entities("Strikes", "Israel said on Sunday it had struck.", dateline_place="Jerusalem/Beirut")
    assert e.places[:2] == ["Jerusalem", "Beirut"]


def test_body_dateline_reads_the_cleaned_body() -> None:
    body = "LONDON\u00a0(Reuters) - Chrysler Corp <C> said so.\n\nReuter"
    dateline = body_dateline(body)
    assert (dateline.place, dateline.source, dateline.text) == (
        "London",
        "Reuters",
        "Chrysler Corp   said so.",
    )


def test_extraction_after_a_parsed_dateline_is_the_same(seed: tuple[str, str]) -> None:
    headline, body = seed
    assert extract_after_dateline(headline, body_dateline(body)) == extract_entities(headline, body)
    assert extract_after_dateline(headline, body_dateline(body), "Kerbala") == extract_entities(
        headline, body, "Kerbala"
    )


# ----------------------------------------------------------------------------------- real corpora


@pytest.mark.slow
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
        assert 0 < len(_names(e)) < 40


@pytest.mark.slow
@needs_corpora
def test_reuters_stories() -> None:
    sgml = (CORPORA / "reuters21578" / "reut2-000.sgm").read_text(encoding="latin-1")
    stories = re.findall(r"<REUTERS.*?</REUTERS>", sgml, re.S)[:200]
    elapsed = 0.0
    with_place = 0
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
            with_place += 1
            assert place in e.places
        headline_only = extract_entities(title_text, "")  # ALL-CAPS headlines
        assert headline_only.people == []
        assert len(_names(headline_only)) <= 3
    assert with_place > 150
    assert elapsed / len(stories) < 0.01
