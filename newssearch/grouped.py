"""The search path's grouping of copies (``collapse.py`` says how): the first groups of a ranking, the copy shown
for each, and counts of matches with or without reprints. No Whoosh import: it reads through ``search.py``."""

from __future__ import annotations

import time
from typing import Any

from newssearch import query as query_mod
from newssearch.collapse import NONE, Groups, Later, Seen, earliest, later_copies
from newssearch.search import (
    _MISSING_DATE,
    _NO_DATE,
    DEFAULT_TIMEOUT,
    Bound,
    _bounds,
    _check,
    _collect,
    _Column,
    _matching,
    datetime_to_long,
)
from newssearch.store import Store

Entries = list[tuple[float, int, list[int]]]


def page_groups(
    searcher: Any,
    q: query_mod.Query,
    sort: str,
    results: Any,
    seen: Seen,
    later: Later,
    page: int,
    limit: int,
    deadline: float,
    filtered: bool,
) -> tuple[int, list[tuple[int, float, int]] | None]:
    """How many matches are folded into another's group, and the page's hits as ``(docnum, score, versions)``
    (see ``shown``); None when they are the ungrouped ranking's."""
    collapsed, entries = first_groups(
        searcher, q, sort, results, seen, later, page * limit, deadline, filtered
    )
    if entries is None:
        return collapsed, None
    return collapsed, shown(searcher, q, seen, entries[(page - 1) * limit : page * limit])


def first_groups(
    searcher: Any,
    q: query_mod.Query,
    sort: str,
    results: Any,
    seen: Seen,
    later: Later,
    depth: int,
    deadline: float,
    filtered: bool,
) -> tuple[int, Entries | None]:
    """How many matches are folded into another's group, and the first ``depth`` groups as ``(score, docnum,
    matching copies)``; None when no match among the first ``depth`` shares its group with another match."""
    matched = seen.later(later)
    if not matched:
        return 0, None
    found = _find(searcher, matched, seen, later)
    if not found.touches(docnum for _, docnum in results.top_n[:depth]):
        return found.collapsed, None
    top = seen.top(depth + found.collapsed)
    if top is None:  # the collection kept no scores: rank deeper
        top = _collect(searcher, q, sort, depth + found.collapsed, False, deadline, filtered)[0].top_n
    return found.collapsed, found.first_of_each(top, depth)


def _find(searcher: Any, matched: list[int], seen: Seen, later: Later) -> Groups:
    keys, firsts = later.keys, later.firsts  # kept with the searcher: each is looked up once

    def key_of(docnum: int) -> str:
        if docnum not in keys:
            keys[docnum] = _column(searcher, "group", None, True)[docnum]
        return keys[docnum]

    def first_of(key: str) -> int | None:
        if key not in firsts:
            firsts[key] = searcher.document_number(id=key)
        return firsts[key]

    return Groups.find(matched, key_of, first_of, seen.is_match)


def _column(searcher: Any, name: str, default: Any, translate: bool = False) -> _Column:
    """A column of the searcher's index, kept with the searcher."""
    columns = searcher.__dict__.setdefault("_newssearch_columns", {})
    if name not in columns:
        columns[name] = _Column(searcher, name, default, translate=translate)
    column: _Column = columns[name]
    return column


def shown(searcher: Any, q: query_mod.Query, seen: Seen, entries: Entries) -> list[tuple[int, float, int]]:
    """For each group of a page: the copy shown (its earliest-dated matching copy), that copy's own score, and
    how many other matching copies it stands for."""
    ids, dates = _column(searcher, "id", None, True), _column(searcher, "date", _NO_DATE)
    out = []
    for score, docnum, members in entries:
        chosen = earliest(members, dates.__getitem__, ids.__getitem__) if len(members) > 1 else docnum
        if chosen != docnum:
            known = seen.score(chosen)
            score = known if known is not None else _score_of(searcher, q, chosen)
        out.append((chosen, score, len(members) - 1))
    return out


def _score_of(searcher: Any, q: query_mod.Query, docnum: int) -> float:
    """One matching document's score."""
    found = searcher.search(q, filter={docnum}, limit=1).top_n
    return float(found[0][0]) if found else 0.0


def count(
    store: Store,
    text: str,
    since: Bound = None,
    until: Bound = None,
    *,
    syntax: bool = True,
    reprints: bool = True,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> int:
    """The number of matching stories (see ``NewsIndex.count``)."""
    _check(text, 1, 1, "relevance")
    start, end = _bounds(since, until)
    deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
    searcher = store.searcher()
    with store.guard():
        prepared = query_mod.prepare(searcher.schema, text, searcher.reader(), syntax=syntax)
        docs = list(_matching(searcher, prepared.query, deadline))
        if start or end:  # on the date column, as ``matches`` does: undated articles are left out
            dates = _Column(searcher, "date", _NO_DATE)
            low = datetime_to_long(start) if start else 0
            high = datetime_to_long(end) if end else _MISSING_DATE - 1
            docs = [docnum for docnum in docs if low <= dates[docnum] <= high]
        later = NONE if reprints else later_copies(searcher)
        if not later:
            return len(docs)
        seen = Seen(docs=docs)
        matched = seen.later(later)
        return len(docs) - (_find(searcher, matched, seen, later).collapsed if matched else 0)
