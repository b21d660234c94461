"""Places inside longer names: "US Open", "London Irish", "Union Pacific", "Paris Accord" name an event, a team,
a company or a pact, not the place. A place found in a capitalised run counts only when the run's other words
leave it a place: compass words and the like before it ("South East Asia", "Greater London"), dates ("February
U.S."), an acronym after it ("US TV"), a government after a country ("UK Treasury")."""

from __future__ import annotations

from newssearch.extract.english import is_pure_common
from newssearch.extract.gazetteer import Gazetteer
from newssearch.extract.tokens import is_acronym
from newssearch.extract.words import (
    CLUB_CUES,
    CLUB_SUFFIXES,
    CLUB_VERBS,
    COMPASS,
    CURRENCY_WORDS,
    GEO_MODIFIERS,
    GOV_WORDS,
    MONTHS,
    TITLE_MODIFIERS,
    WEEKDAYS,
)

_SEPARATORS = frozenset({"and", "&", "or", ","})


def _word_ok(texts: list[str], i: int, covered: list[bool], gaz: Gazetteer) -> bool:
    """Whether ``texts[i]``, no place itself, leaves the places of its stretch of the run places."""
    t = texts[i]
    bare = t.rstrip(".")
    if bare in MONTHS or t in WEEKDAYS or t in _SEPARATORS:
        return True
    place_after = any(covered[i + 1 :])
    if place_after and (t in COMPASS or t in GEO_MODIFIERS or t in gaz.demonyms or t in TITLE_MODIFIERS):
        return True  # "South East Asia", "Soviet Central Asia", "Former Yugoslavia"
    if i and covered[i - 1]:  # right after a place
        if t.lower() in CURRENCY_WORDS:
            return False  # "U.S. Dollar" is a currency
        if is_acronym(t) or t in GOV_WORDS:
            return True  # "US TV", "UK Treasury"
        # Wire copy capitalises the word after "U.S." ("the U.S. Carries out"): an ordinary word goes on.
        return texts[i - 1].endswith(".") and is_pure_common(t)
    return False


def place_words(texts: list[str], gaz: Gazetteer) -> list[bool]:
    """Which words of a run belong to a known place, longest names first ("New York" in "New York Fed")."""
    covered = [False] * len(texts)
    i = 0
    while i < len(texts):
        n = next(
            (n for n in (3, 2, 1) if " ".join(texts[i : i + n]) in gaz.places and i + n <= len(texts)), 0
        )
        covered[i : i + n] = [True] * n
        i += n or 1
    return covered


def places_stand_alone(texts: list[str], covered: list[bool], gaz: Gazetteer) -> bool:
    """Whether the places of a run (``covered[i]``: ``texts[i]`` is part of a place) are place mentions rather
    than words of a longer name. Stretches between "and", "&" are judged apart ("Rosneft and China")."""
    start = 0
    for end in [*(k for k, t in enumerate(texts) if t in _SEPARATORS), len(texts)]:
        if any(covered[start:end]) and not all(
            covered[i] or _word_ok(texts, i, covered, gaz) for i in range(start, end)
        ):
            return False
        start = end + 1
    return True


def club(texts: list[str], prev: str, nxt: str, gaz: Gazetteer) -> bool:
    """A town or a town and a club word ("City", "United") that a match names as a club, not a place: after
    "beat", "joined" or "against", or before "beat" or "drew": "Chelsea beat Manchester City"; not "Kansas
    City" alone, nor a major place ("Paris")."""
    town = " ".join(texts[:-1]) if len(texts) > 1 and texts[-1] in CLUB_SUFFIXES else " ".join(texts)
    return (prev.lower() in CLUB_CUES or nxt in CLUB_VERBS) and town in gaz.places and town not in gaz.big
