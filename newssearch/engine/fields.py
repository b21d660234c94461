"""Field names as people type them in a query (``title:``, ``date:2005``, ``nosuch:word``), and the byline,
section and source filters of a search (``--author``, ``--section``, ``--source``). No Whoosh here.

``read_fields`` runs before the query is parsed: a ``date:`` value becomes a date filter (Whoosh would read
``date:2005-03`` as all of 2005), the names people guess (``title:``, ``byline:``, ``category:``) are said to be
read as the fields they mean, and a name that is not a field gets one note, its words being searched as words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta

from newssearch.dates import parse_bound, to_utc_naive
from newssearch.engine.schema import FIELD_ALIASES, build_schema
from newssearch.errors import QueryError
from newssearch.text.sanitize import shorten
from newssearch.values import texts

#: The fields a query can name, as the README lists them (each with the names it also answers to).
QUERY_FIELDS = ("headline", "body", "person", "org", "place", "author", "section", "source", "topic", "date")
#: Names people guess for a field, and the name the field goes by: said in a note when used.
GUESSED = {"title": "headline", "byline": "author", "category": "section"}
#: The filters a search takes, and the field each reads: the words of a byline, section or source (any value
#: given may match), or an entity as the index counts it (every one given must be named).
FILTER_FIELDS = {"author": "author_text", "section": "section_text", "source": "source_text"}
FILTER_FIELDS |= {"person": "people", "org": "organizations", "place": "places"}
MAX_FILTER_VALUES = 20
MAX_FILTER_CHARS = 200  # a name, a section or a source: far longer is no name

_KNOWN = frozenset(
    [name.lower() for name in build_schema().names()]
    + [alias.lower() for aliases in FIELD_ALIASES.values() for alias in aliases]
)
# A name before a colon: at the start of a word, a letter first (so "10:30" is a time), and a value after it that
# does not start with "/" ("http://…" is an address).
_FIELD = re.compile(r"(?<![^\s(+\-])([^\W\d]\w*):(?=[^\s/])")
_DATE = re.compile(r"(?<![^\s(+\-])date:(\[[^\]]*\]?|\"[^\"]*\"?|\S+)", re.IGNORECASE)
_QUOTED = re.compile(r"(\"[^\"]*\"?)")
_WORDS = re.compile(r"[^\W_]+")
_RANGE_TO = re.compile(r"\s+to\s+", re.IGNORECASE)

DateBounds = tuple[datetime | None, datetime | None]
_TICK = timedelta(microseconds=1)
#: A filter's value: a name, or names any of which may match.
Names = str | Iterable[str] | None


def read_fields(text: str, notes: list[str]) -> tuple[str, DateBounds | None]:
    """The query text with its ``date:`` parts taken out, and the date bounds they give (naive UTC, as the index
    stores dates; None when there is no ``date:``). Notes say how guessed and unknown field names, and ``date:``
    values that are not dates (searched as words), were read. QueryError when the dates asked for exclude each
    other."""
    bounds: DateBounds | None = None
    guessed: dict[str, None] = {}
    unknown: dict[str, None] = {}
    undated: dict[str, None] = {}

    def take_date(match: re.Match[str]) -> str:
        nonlocal bounds
        value = match.group(1)
        found = _date_bounds(value.strip('"'))
        if found is None:
            undated.setdefault(shorten(value, 40), None)
            words = " ".join(_WORDS.findall(value)) if value.startswith("[") else value
            return f" {words} "
        bounds = _narrow(bounds, found)
        return " "

    parts = _QUOTED.split(_DATE.sub(take_date, text))  # odd parts are quoted: "title:" inside quotes is text
    for i in range(0, len(parts), 2):
        for match in _FIELD.finditer(parts[i]):
            name = match.group(1).lower()
            if name in GUESSED:
                guessed.setdefault(f"{match.group(1)}: as {GUESSED[name]}:", None)
            elif name not in _KNOWN:
                unknown.setdefault(match.group(1), None)
    if guessed:
        notes.append(f"read {_some(guessed)}")
    if unknown:
        names = _some(f"{name}:" for name in unknown)
        notes.append(
            f"{names} {'is not a field' if len(unknown) == 1 else 'are not fields'}, so searched as words; "
            f"the fields are {', '.join(f'{name}:' for name in QUERY_FIELDS)}"
        )
    if undated:
        notes.append(
            f"{_some(f'date:{value}' for value in undated)} is not a date, so searched as words (a date is date:2005, "
            "date:2005-03, date:2005-03-14, date:>2005 or date:[2005 TO 2006])"
        )
    if bounds is None:
        return "".join(parts) if undated else text, None  # unchanged unless a date: value was not a date
    start, end = bounds
    if start and end and start > end:
        raise QueryError("the date: parts of the query leave no date to search")
    first, last = (value.date().isoformat() if value else None for value in bounds)
    dated = first if first == last else f"from {first}" if not last else f"until {last}" if not first else ""
    notes.append(f"date: read as a filter, stories dated {dated or f'{first} to {last}'}")
    return "".join(parts), bounds


def _some(names: Iterable[str], shown: int = 5) -> str:
    """The first few names, then how many more: a note stays one line, however long the query."""
    names = list(names)
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def _date_bounds(value: str) -> DateBounds | None:
    """The first and last moment (naive UTC) a ``date:`` value covers: a year, month or day, ``>2005`` (``>=``,
    ``<``, ``<=``) or ``[from TO to]`` (either side open); None when it is not a date."""
    try:
        if value.startswith("["):
            sides = _RANGE_TO.split(f" {value.strip('[]')} ", maxsplit=1)
            if len(sides) == 1 or not "".join(sides).strip():
                return None
            return _moment(sides[0]), _moment(sides[1], end=True)
        operator = re.match(r"[<>]=?", value)
        op = operator.group() if operator else ""
        day = value[len(op) :]
        first, last = _moment(day), _moment(day, end=True)
        if op == ">":  # after the whole period
            bounds: DateBounds = (last + _TICK if last else None), None
        elif op == "<":  # before it starts
            bounds = None, (first - _TICK if first else None)
        else:
            bounds = (None if op == "<=" else first), (None if op == ">=" else last)
    except (ValueError, OverflowError):
        return None
    return bounds if any(bounds) else None


def _moment(text: str, end: bool = False) -> datetime | None:
    """The first (or, with ``end``, last) moment of a date's period, naive UTC; None for no text."""
    return to_utc_naive(parse_bound(text, end=end)) if text.strip() else None


def _narrow(bounds: DateBounds | None, more: DateBounds) -> DateBounds:
    """Both sets of bounds at once (two ``date:`` parts: the dates in both)."""
    if bounds is None:
        return more
    starts = [b for b in (bounds[0], more[0]) if b]
    ends = [b for b in (bounds[1], more[1]) if b]
    return (max(starts) if starts else None, min(ends) if ends else None)


def filter_values(**given: Names) -> dict[str, list[str]]:
    """The filters given (``author="Ann Lee"``, ``section=["politics", "world news"]``, ``person="Thatcher"``) as
    the field searched and the values; QueryError for a value with no word in it, or too many values."""
    out: dict[str, list[str]] = {}
    for name, value in given.items():
        if value is None:
            continue
        values = texts(value, name, QueryError)  # one name is one value
        if len(values) > MAX_FILTER_VALUES:
            raise QueryError(f"too many {name} values (the limit is {MAX_FILTER_VALUES})")
        for v in values:
            if len(v) > MAX_FILTER_CHARS:
                raise QueryError(
                    f"the {name} filter is too long (the limit is {MAX_FILTER_CHARS} characters)"
                )
            if not re.search(r"\w", v):
                raise QueryError(f"the {name} filter {shorten(v)!r} has no word to match")
        if values:
            out[FILTER_FIELDS[name]] = values
    return out
