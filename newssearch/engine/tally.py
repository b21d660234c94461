"""Counting over every story a query matches, for coverage analysis: the match set as an array (the query's
filters and dates applied, copies of a story once), each story's date read as an array, the values of a field
counted over a set (``fieldvalues.py``), words counted from posting lists, and a few stories' words re-analysed.

Memory is bounded by the index's story count (one flag per story) and the field's distinct values, never by a
list of hits; numpy is imported on the first analysis, not by a plain search.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from newssearch.engine import grouped
from newssearch.engine.aliasfile import stored_aliases
from newssearch.engine.collapse import NONE, later_copies
from newssearch.engine.columns import MISSING_DATE, NO_DATE, fingerprint
from newssearch.engine.docsets import _Sets, docset
from newssearch.engine.fieldvalues import VALUE_FIELDS, resolve, values_of
from newssearch.engine.ranking import _unranked
from newssearch.engine.store import Store
from newssearch.errors import QueryTimeoutError
from newssearch.options import SearchOptions, deadline_of


@dataclass
class Selection:
    """The stories an analysis counts over (``docs``: sorted document numbers) on one searcher."""

    searcher: Any
    np: Any
    docs: Any
    deadline: float
    notes: list[str] = field(default_factory=list)
    index: str = ""
    options: SearchOptions | None = None
    aliases: Any = None
    #: Each matching copy that folds into another (one story), with the copy shown: a story has a value when
    #: any of its matching copies has it, as a filter on that value finds it.
    copies: dict[int, int] = field(default_factory=dict)
    _mask: Any = field(default=None, repr=False)

    def mask(self, docs: Any = None) -> Any:
        """One flag per document number of the index, set for ``docs`` (default: the selection's, made once: do
        not change it)."""
        if docs is None and self._mask is not None:
            return self._mask
        flags = self.np.zeros(self.searcher.reader().doc_count_all(), dtype=bool)
        flags[self.docs if docs is None else docs] = True
        if docs is None:
            self._mask = flags
        return flags

    @property
    def filters(self) -> dict[str, list[str]]:
        """The filters of the selection, by option name (``person``, ``source``...)."""
        from newssearch.engine.fields import FILTER_FIELDS

        given = (self.options.filters if self.options else None) or {}
        return {name: list(given[f]) for name, f in FILTER_FIELDS.items() if f in given}

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise QueryTimeoutError("the analysis took too long and was stopped: use more specific words")


def select(store: Store, options: SearchOptions) -> Selection:
    """The stories ``options`` match (see ``NewsIndex.top``): an empty query is every story. Call under the
    store's guard."""
    import numpy as np

    deadline = deadline_of(options.timeout)
    searcher = store.searcher()
    notes: list[str] = []
    aliases = stored_aliases(store)
    if options.text.strip():
        prepared, q = _unranked(searcher, options, aliases, deadline)
        notes = list(prepared.notes)
        docs = docset(searcher, q, deadline)
    else:
        docs = live_docs(searcher, np)
        if options.filters:
            from newssearch.engine.ranking import field_filter

            condition = field_filter(searcher, options.filters, aliases, deadline)
            if condition is not None:
                docs = docs[_member(np, docs, docset(searcher, condition, deadline))]
    if options.start or options.end:
        dates = dates_of(searcher, np)[docs]
        low, high = _longs(options.start, options.end)
        docs = docs[(dates >= low) & (dates <= high)]
    docs, copies = _fold(searcher, np, docs, options.all_versions)
    return Selection(searcher, np, docs, deadline, notes, fingerprint(searcher), options, aliases, copies)


def _fold(searcher: Any, np: Any, docs: Any, all_versions: bool) -> tuple[Any, dict[int, int]]:
    """The documents with each story's copies folded into the one shown, and those folded (unless
    ``all_versions``)."""
    later = NONE if all_versions else later_copies(searcher)
    if later is NONE or not len(docs):
        return docs, {}
    copies = grouped.folded_into(searcher, docs.tolist(), later)
    if copies:
        docs = docs[~_member(np, docs, np.fromiter(copies, dtype=np.int64))]
    return docs, copies


def _member(np: Any, docs: Any, other: Any) -> Any:
    return np.isin(docs, other, assume_unique=True)


def live_docs(searcher: Any, np: Any) -> Any:
    """Every live story's document number."""
    parts = []
    for reader, offset in searcher.reader().leaf_readers():
        docs = np.arange(reader.doc_count_all(), dtype=np.int64)
        if reader.has_deletions():
            docs = docs[~np.isin(docs, np.fromiter(reader.deleted_docs_set, dtype=np.int64))]
        parts.append(docs + offset)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def stories(sel: Selection) -> Any:
    """Every live story within the selection's date bounds, near-identical copies folded as a query's matches
    are (unless ``all_versions``): what a share of all coverage is taken of. Kept with the searcher."""
    options, np, searcher = sel.options, sel.np, sel.searcher
    start, end = (options.start, options.end) if options else (None, None)
    every = bool(options and options.all_versions)
    cache = searcher.__dict__.setdefault("_newssearch_stories", {})
    if (start, end, every) not in cache:
        docs = live_docs(searcher, np)
        if start or end:
            dates = dates_of(searcher, np)[docs]
            low, high = _longs(start, end)
            docs = docs[(dates >= low) & (dates <= high)]
        cache[(start, end, every)] = _fold(searcher, np, docs, every)[0]
    return cache[(start, end, every)]


def _longs(start: Any, end: Any) -> tuple[int, int]:
    """Date bounds as Whoosh's longs, open ends as the extremes of dated stories."""
    from whoosh.util.times import datetime_to_long

    return (datetime_to_long(start) if start else 0), (datetime_to_long(end) if end else MISSING_DATE - 1)


def dates_of(searcher: Any, np: Any) -> Any:
    """Each document's date as Whoosh's long (microseconds since year 1; -1 when undated), read from
    the date column in one piece per segment. Kept with the searcher."""
    cache = searcher.__dict__
    if "_newssearch_dates" not in cache:
        parts = []
        for reader, _ in searcher.reader().leaf_readers():
            count = reader.doc_count_all()
            values = np.full(count, NO_DATE, dtype=np.uint64)
            if reader.has_column("date"):
                column = reader.column_reader("date", translate=False)
                raw = getattr(column, "_dbfile", None)
                if raw is not None and getattr(column, "_typecode", None) == "Q" and not column._reverse:
                    n = min(column._count, count)
                    values[:n] = np.frombuffer(raw.get(column._basepos, n * 8), dtype=">u8")
                else:
                    values[:] = np.fromiter((column[d] for d in range(count)), dtype=np.uint64, count=count)
            parts.append(values)
        joined = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)
        undated = joined >= np.uint64(MISSING_DATE)
        joined[undated] = 0
        dates = joined.astype(np.int64)
        dates[undated] = -1
        cache["_newssearch_dates"] = dates
    return cache["_newssearch_dates"]


def value_counts(sel: Selection, kind: str, mask: Any = None) -> tuple[list[str], Any]:
    """The values of a kind (``VALUE_FIELDS``: names as indexed, variants merged) and how many stories of the
    selection (or of ``mask``, a flag per document) hold each: a story holds a value when any of its matching
    copies does."""
    values = values_of(sel.searcher, kind, sel.deadline)
    if mask is not None or not sel.copies:
        return values.names, values.counts(sel.mask() if mask is None else mask, sel.np)
    names, _, vals = entity_lists(sel, kind)
    return names, sel.np.bincount(vals, minlength=len(names))


def entity_lists(sel: Selection, kind: str) -> tuple[list[str], Any, Any]:
    """The (story, value) pairs of a kind among the selection's stories (a story's copies as one: the copy
    shown), each pair once: names, story numbers, value numbers."""
    np = sel.np
    values = values_of(sel.searcher, kind, sel.deadline)
    if not sel.copies:
        keep = sel.mask()[values.docs]
        return values.names, values.docs[keep], values.vals[keep]
    keep = sel.mask()[values.docs]  # the shown copies' pairs: each once already
    docs, vals = values.docs[keep].astype(np.int64), values.vals[keep].astype(np.int64)
    folded = np.fromiter(sel.copies, dtype=np.int64)
    shown_of = np.fromiter(sel.copies.values(), dtype=np.int64)
    extra = sel.mask(folded)[
        values.docs
    ]  # the other copies' pairs, given to the copy shown, if it lacks them
    shown = np.zeros(sel.searcher.reader().doc_count_all(), dtype=np.int64)
    shown[folded] = shown_of
    size = max(len(values.names), 1)
    added = np.unique(shown[values.docs[extra]] * size + values.vals[extra])
    held = sel.mask(shown_of)[docs]
    added = added[~np.isin(added, docs[held] * size + vals[held])]
    pairs = np.concatenate([docs * size + vals, added])
    return values.names, pairs // size, pairs % size


def shown_names(sel: Selection, kind: str, names: list[str]) -> dict[str, str]:
    """The names as the stories write them ("Margaret Thatcher", "OPEC"), from one stored story each: a value
    is indexed lower-cased."""
    values = values_of(sel.searcher, kind, sel.deadline)
    fieldname = VALUE_FIELDS[kind]
    stored_field = {"authors": "author"}.get(fieldname, fieldname)
    out = {}
    for name in names:
        if name not in values.shown:
            first = values.first_doc(name)
            shown = _title(name)
            if first is not None:
                stored = sel.searcher.stored_fields(first).get(stored_field) or ""
                parts = [p.strip() for p in str(stored).replace(";", ",").split(",")]
                shown = next((p for p in parts if " ".join(p.lower().split()) == name), shown)
            values.shown[name] = shown
        out[name] = values.shown[name]
    return out


def _title(name: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in name.split())


def term_docs(sel: Selection, fieldname: str, btext: bytes) -> Any:
    """The live stories holding a term (all of the index's, not the selection's)."""
    return _Sets(sel.searcher, sel.np, sel.deadline).term(fieldname, btext)


def resolve_name(sel: Selection, kind: str, typed: str) -> str:
    """A typed entity name as the index counts it (``fieldvalues.resolve``)."""
    return resolve(sel.searcher, VALUE_FIELDS[kind], typed, sel.aliases, sel.deadline)[0]


#: The characters of a story analysed for its words: its headline and lead carry what it is about.
SAMPLE_CHARS = 3000


def sample_words(sel: Selection, docs: list[int]) -> tuple[dict[bytes, int], dict[bytes, str]]:
    """The words of these stories' headlines and bodies, analysed as the index analyses them: in how many of
    the stories each indexed word is, and a form it is written in (lower-cased: "prices" for ``price``)."""
    analyzer = sel.searcher.schema["content"].analyzer
    frequency: dict[bytes, int] = {}
    forms: dict[bytes, str] = {}
    for docnum in docs:
        sel.check_time()
        stored = sel.searcher.stored_fields(docnum)
        text = f"{stored.get('headline') or ''}\n{stored.get('body') or ''}"[:SAMPLE_CHARS]
        seen: set[str] = set()
        for token in analyzer(text, chars=True, mode="index"):
            if token.text not in seen:
                seen.add(token.text)
                key = token.text.encode("utf-8")
                frequency[key] = frequency.get(key, 0) + 1
                if key not in forms:
                    forms[key] = text[token.startchar : token.endchar].lower()
    return frequency, forms
