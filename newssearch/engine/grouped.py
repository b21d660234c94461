"""The search path's grouping of copies (``collapse.py`` says how): the first groups of a ranking, the copy shown
for each, and counts of matches with or without reprints. No Whoosh import: it reads through the searcher."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from newssearch.engine import query as query_mod
from newssearch.engine.collapse import Groups, Later, Seen, earliest
from newssearch.engine.collect import collect
from newssearch.engine.columns import NO_DATE, Column

Entries = list[tuple[float, int, list[int]]]


@dataclass
class Grouping:
    """The groups of copies among a query's matches: how many matches fold into another's group, and the first
    groups of the ranking as ``(score, docnum, matching copies)`` (None when none of them shares its group), ranked
    by ``sort``."""

    searcher: Any
    q: query_mod.Query
    seen: Seen
    collapsed: int
    entries: Entries | None
    sort: str = "relevance"

    @classmethod
    def first(
        cls,
        searcher: Any,
        q: query_mod.Query,
        sort: str,
        results: Any,
        seen: Seen,
        later: Later,
        depth: int,
        deadline: float,
        filtered: bool,
    ) -> Grouping | None:
        """The grouping of the first ``depth`` results; None when no match is a later copy."""
        matched = seen.later(later)
        if not matched:
            return None
        found = _find(searcher, matched, seen, later)
        if not found.touches(docnum for _, docnum in results.top_n[:depth]):
            return cls(searcher, q, seen, found.collapsed, None, sort)
        top = seen.top(depth + found.collapsed)
        if top is None:  # the collection kept no scores: rank deeper
            top = collect(searcher, q, sort, depth + found.collapsed, False, deadline, filtered)[0].top_n
        return cls(searcher, q, seen, found.collapsed, found.first_of_each(top, depth), sort)

    def shown(self, start: int, stop: int) -> list[tuple[int, float, int]]:  # with ``entries`` only
        """For results ``start`` to ``stop``: the copy shown, that copy's own score, and how many other matching
        copies it stands for. By relevance, the copy shown is the group's earliest-dated matching copy; by date,
        the copy the group was placed by (the newest for newest first, the oldest for oldest first), so that the
        dates of a page are in order."""
        searcher = self.searcher
        ids, dates = _column(searcher, "id", None, True), _column(searcher, "date", NO_DATE)
        out = []
        for score, docnum, members in (self.entries or [])[start:stop]:
            chosen = docnum
            if len(members) > 1 and self.sort == "relevance":
                chosen = earliest(members, dates.__getitem__, ids.__getitem__)
            if chosen != docnum:
                known = self.seen.score(chosen)
                score = known if known is not None else _score_of(searcher, self.q, chosen)
            out.append((chosen, score, len(members) - 1))
        return out


def collapsed(searcher: Any, docs: list[int], later: Later) -> int:
    """How many of these matching documents (sorted) fold into another's group."""
    seen = Seen(docs=docs)
    matched = seen.later(later)
    return _find(searcher, matched, seen, later).collapsed if matched else 0


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


def _column(searcher: Any, name: str, default: Any, translate: bool = False) -> Column:
    """A column of the searcher's index, kept with the searcher."""
    columns = searcher.__dict__.setdefault("_newssearch_columns", {})
    if name not in columns:
        columns[name] = Column(searcher, name, default, translate=translate)
    column: Column = columns[name]
    return column


def _score_of(searcher: Any, q: query_mod.Query, docnum: int) -> float:
    """One matching document's score."""
    found = searcher.search(q, filter={docnum}, limit=1).top_n
    return float(found[0][0]) if found else 0.0


def folded(searcher: Any, docs: list[int], later: Later) -> set[int]:
    """The matching documents (``docs``, sorted) that fold into another's group: of each group's matching copies,
    every one but the earliest-dated, the copy a search by relevance shows (``Grouping.shown``)."""
    return set(folded_into(searcher, docs, later))


def folded_into(searcher: Any, docs: list[int], later: Later) -> dict[int, int]:
    """``folded``'s documents, each with the copy it folds into (the one shown)."""
    seen = Seen(docs=docs)
    matched = seen.later(later)
    if not matched:
        return {}
    ids, dates = _column(searcher, "id", None, True), _column(searcher, "date", NO_DATE)
    out: dict[int, int] = {}
    for members in _find(searcher, matched, seen, later).members.values():
        shown = earliest(members, dates.__getitem__, ids.__getitem__)
        out.update((docnum, shown) for docnum in members if docnum != shown)
    return out
