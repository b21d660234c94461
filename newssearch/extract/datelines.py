"""Wire datelines: "BAGHDAD (Reuters) -", "WASHINGTON, March 2 -" split off the start of a story."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from newssearch.extract.gazetteer import known_place
from newssearch.extract.words import MONTHS, ORG_SUFFIXES, PLACE_LOWER, PLACE_PARTICLES


@dataclass(frozen=True)
class Dateline:
    """A wire dateline split off the start of a story."""

    place: str | None
    source: str | None
    text: str  # the text with the dateline prefix removed


def _alternatives(options: Iterable[str]) -> str:
    """A regex group matching any of ``options``, longest first."""
    return "(?:" + "|".join(re.escape(o) for o in sorted(options, key=lambda o: (-len(o), o))) + ")"


_MONTH_RE = _alternatives(MONTHS)
_WEEKDAY_RE = r"(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?"
_DATE_RE = (
    rf"(?i:{_MONTH_RE}\.?[ \t]+\d{{1,2}}(?:,?[ \t]+\d{{4}})?"
    rf"|\d{{1,2}}[ \t]+{_MONTH_RE}\.?(?:,?[ \t]+\d{{4}})?|{_WEEKDAY_RE})"
)
_DASH_RE = r"(?:-{1,2}|[\u2012\u2013\u2014\u2015\u2212])"
_PLACE_WORD_RE = r"[A-Z][\w.'&\u2019-]*(?:/[A-Z][\w.'&\u2019-]*)*"
_DATELINE_RE = re.compile(
    # place: one to five capitalised words (lower-case particles allowed inside, "Rio de Janeiro")
    rf"\A\s*(?P<place>{_PLACE_WORD_RE}"
    rf"(?:[ \t]+(?:{_PLACE_WORD_RE}|{_alternatives(PLACE_PARTICLES)}(?=[ \t]+[A-Z]))){{0,4}})"
    # optional state/country after a comma: "ST. LOUIS, Mo.,", "KUWAIT CITY, Kuwait"
    rf"(?:,[ \t]*{_PLACE_WORD_RE}(?:[ \t]+{_PLACE_WORD_RE})?(?=,|[ \t]*\())?"
    rf"(?:,[ \t]*(?P<date>{_DATE_RE}))?"
    r"[ \t]*(?:\([ \t]*(?P<source>[A-Za-z][A-Za-z&.' ]{0,30}?)[ \t]*\))?"
    rf"(?P<dash>[ \t]*{_DASH_RE})\s*"
)


def is_all_caps(s: str) -> bool:
    return any(c.isalpha() for c in s) and not any(c.islower() for c in s)


def _cap_run(m: re.Match[str]) -> str:
    run = m.group()
    if len(run) == 1 and m.start() and m.string[m.start() - 1] in "'\u2019":  # "JOHN'S" -> "John's"
        return run.lower()
    return run[0].upper() + run[1:].lower()


def title_case(s: str) -> str:
    """Title-case an ALL-CAPS place name: "ST. LOUIS" -> "St. Louis", "RIO DE JANEIRO" -> "Rio de Janeiro"."""
    out = []
    for i, word in enumerate(s.split()):
        if i and word.lower() in PLACE_LOWER:
            out.append(word.lower())
        elif re.fullmatch(r"(?:[A-Za-z]\.)+", word):  # "U.S.", "N.Y."
            out.append(word.upper())
        else:
            out.append(re.sub(r"[^\W\d_]+", _cap_run, word))
    return " ".join(out)


def parse_dateline(text: str) -> Dateline:
    """Split a wire dateline ("BAGHDAD (Reuters) -", "WASHINGTON, March 2 -") off the start of ``text``.

    The place must be one to five capitalised words followed by a comma and a date and/or a
    parenthesised agency, then a hyphen, "--", en or em dash. A bare "PLACE -" is accepted only when the
    place is ALL CAPS and a known place name. ALL-CAPS places are title-cased ("ST. LOUIS" -> "St. Louis");
    a trailing state ("Mo.") is dropped; a combined dateline stays whole ("Jerusalem/Beirut").
    Without a dateline the result is ``Dateline(None, None, text)``.
    """
    m = _DATELINE_RE.match(text)
    if m is None:
        return Dateline(None, None, text)
    place = m.group("place").rstrip(",")
    if place.split()[-1].rstrip(".") in ORG_SUFFIXES:  # "Apple Inc (AAPL) - shares rose"
        return Dateline(None, None, text)
    # A bare "LONDON - ..." is trusted only for an all-caps, known place with a spaced dash.
    spaced = text[m.end("place")].isspace() and (m.end() > m.end("dash") or m.end() == len(text))
    if (
        m.group("date") is None
        and m.group("source") is None
        and not (is_all_caps(place) and spaced and known_place(title_case(place)))
    ):
        return Dateline(None, None, text)
    if is_all_caps(place):
        place = title_case(place)
    source = m.group("source")
    return Dateline(place, source.strip() if source else None, text[m.end() :])


def dateline_place(dateline: str) -> str | None:
    """The place of a dateline given on its own, as a wire header carries it ("BAGHDAD, March 3 -")."""
    return parse_dateline(dateline.strip()).place
