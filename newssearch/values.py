"""Values the API takes, checked where they come in: one text where a list of texts belongs is one item (not a
list of its letters), a path where a list of paths belongs is one path, and a flag is True or False.

Each check raises the error its caller gives (``TypeError`` by default; a search option's is ``QueryError``) with
one line that names the parameter. ``check_options`` checks the options every search method shares.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from newssearch.errors import QueryError

SORTS = ("relevance", "date", "newest", "oldest")  # "newest" is "date"
MAX_LIMIT = 1000


def _kind(value: object) -> str:
    return type(value).__name__


def texts(value: str | Iterable[str], name: str, error: type[Exception] = TypeError) -> list[str]:
    """``value`` as a list of texts: one text is one item (``"bbc/001.txt"`` is one id, not eleven letters); a
    list, tuple, set or any other iterable of texts is its items, in order. A list of texts is returned as it is
    (not copied)."""
    if isinstance(value, str):
        return [value]
    if type(value) is list:  # the usual case first: the checks of abstract types below cost more
        items = value
    elif isinstance(value, (bytes, bytearray, Mapping)) or not isinstance(value, Iterable):
        raise error(f"{name} must be text or a list of texts, not {_kind(value)}")
    else:
        items = list(value)
    for item in items:
        if not isinstance(item, str):
            raise error(f"{name} must be text or a list of texts, not a list holding {_kind(item)}")
    return items


PathLike = str | os.PathLike[str]


def paths(value: PathLike | Iterable[PathLike], name: str = "paths") -> list[PathLike]:
    """``value`` as a list of paths: one path (text or ``pathlib.Path``) is one item; TypeError for anything
    that is neither a path nor a list of paths."""
    if isinstance(value, (str, os.PathLike)):
        return [value]
    if isinstance(value, (bytes, bytearray, Mapping)) or not isinstance(value, Iterable):
        raise TypeError(f"{name} must be a path or a list of paths, not {_kind(value)}")
    items = list(value)
    for item in items:
        if not isinstance(item, (str, os.PathLike)):
            raise TypeError(f"{name} must be a path or a list of paths, not a list holding {_kind(item)}")
    return items


def flag(value: object, name: str, error: type[Exception] = TypeError) -> bool:
    """``value`` when it is True or False; else the error (``"no"`` and ``0`` are not False here: a truthy
    ``rebuild="no"`` would empty an index)."""
    if not isinstance(value, bool):
        raise error(f"{name} must be True or False, not {_kind(value)}")
    return value


def check_options(
    text: object, limit: object, page: object, sort: object, recent: object = None, **flags: object
) -> str:
    """A search's options checked (QueryError naming the bad one: options may come from a request, so a wrong
    type is told as a wrong value); the sort order by its canonical name. ``flags`` (``syntax=…``, ``exact=…``)
    must be True or False."""
    if recent is not None and (
        isinstance(recent, bool) or not (isinstance(recent, (int, float)) and 0 < recent < float("inf"))
    ):
        raise QueryError("recent must be a half-life in days, more than 0")
    if not isinstance(sort, str) or sort not in SORTS:
        raise QueryError(f"unknown sort {repr(sort)[:40]}: use one of {', '.join(SORTS)}")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        raise QueryError("page must be a whole number, 1 or more")
    for name, value in flags.items():
        flag(value, name, QueryError)
    if not isinstance(text, str):
        raise QueryError("the query must be text")
    return "date" if sort == "newest" else sort
