"""newssearch.extract.datelines: wire datelines split off the start of a story."""

from __future__ import annotations

import pytest

from newssearch.extract import Dateline, dateline_place, parse_dateline
from newssearch.extract.datelines import title_case

from .helpers import SEED


def test_seed_dateline() -> None:
    body = SEED.read_text(encoding="utf-8").split("Date:", 1)[1].strip()
    dateline = parse_dateline(body)
    assert dateline.place == "Baghdad"
    assert dateline.source == "Reuters"
    assert dateline.text.startswith("Washington on Friday spurned an Iraqi request")


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
        # dates in every spelling the month list gives: abbreviated, with a full stop, day first
        ("PARIS, Sept. 3 - Shares rose", "Paris", None, "Shares rose"),
        ("PARIS, 3 September 1987 - Shares rose", "Paris", None, "Shares rose"),
        ("PARIS, Friday - Shares rose", "Paris", None, "Shares rose"),
        # lower-case particles inside a mixed-case place
        ("Frankfurt am Main (Reuters) - Bonds fell", "Frankfurt am Main", "Reuters", "Bonds fell"),
        ("Dar es Salaam (Reuters) - Tanzania said", "Dar es Salaam", "Reuters", "Tanzania said"),
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
        "London - the capital - voted",  # a bare dash needs an ALL-CAPS place
        "ACME - the company said",  # ... that is a known place
        "PARIS, Marc 3 - no month",
        "Ludwig van Beethoven (Reuters) - a name particle is no place particle",
        "",
        "   ",
    ],
)
def test_no_dateline(text: str) -> None:
    assert parse_dateline(text) == Dateline(None, None, text)


@pytest.mark.parametrize(
    ("header", "place"),
    [("    BAGHDAD, March 3 - ", "Baghdad"), ("NEW YORK, March 2 -\n", "New York"), ("  \n", None)],
)
def test_dateline_place_of_a_header_alone(header: str, place: str | None) -> None:
    assert dateline_place(header) == place


@pytest.mark.parametrize(
    ("caps", "title"),
    [
        ("ST. LOUIS", "St. Louis"),
        ("RIO DE JANEIRO", "Rio de Janeiro"),
        ("DAR ES SALAAM", "Dar es Salaam"),
        ("N.Y.", "N.Y."),
        ("ST. JOHN'S", "St. John's"),
        ("DE AAR", "De Aar"),  # a particle keeps its capital as the first word
    ],
)
def test_all_caps_places_are_title_cased(caps: str, title: str) -> None:
    assert title_case(caps) == title
