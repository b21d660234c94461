"""Each story's values of an exact-match field (people, organizations, places, source, topics, authors,
section) as two arrays, story numbers and value numbers, read from the field's posting lists, not from stored
stories: what facets and co-occurrence count.

A segment's arrays are read once (a vectorised gather from its postings file, ``sidecar.py``) and kept while the
segment lives; the index's (``FieldValues``) are joined from them once per searcher, with deleted stories left
out and the variants of one name (``Merge``) counted as one value, each story once.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from newssearch.engine import sidecar
from newssearch.errors import QueryTimeoutError

#: The fields that hold whole values, by the name analyses give them.
VALUE_FIELDS = {
    "people": "people",
    "orgs": "organizations",
    "places": "places",
    "sources": "source",
    "topics": "topics",
    "authors": "authors",
    "sections": "section",
}
#: Segments' arrays kept per index (its storage: a segment's name is unique within it), the newest used.
_KEPT = 256
_SEGMENTS: weakref.WeakKeyDictionary[Any, OrderedDict[tuple[str, str, int], _Segment]] = (
    weakref.WeakKeyDictionary()
)
_LOCK = threading.Lock()

#: Maps the distinct values of a field (lower-cased, with the number of stories holding each) to the value each
#: is counted as: ``{index: canonical index}`` for the values that are variants of another.
Merge = Callable[[list[str], list[int]], dict[int, int]]


@dataclass
class _Segment:
    terms: list[str]
    docs: Any  #: segment document numbers (int32), grouped by value
    vals: Any  #: the value (an index into ``terms``, int32) of each


def _segment(reader: Any, fieldname: str, np: Any, deadline: float) -> _Segment:
    segment = reader.segment() if hasattr(reader, "segment") else None
    storage = getattr(reader, "_storage", None)
    kept = None
    if segment is not None and storage is not None:
        key = (segment.segment_id(), fieldname, reader.doc_count_all())
        with _LOCK:
            kept = _SEGMENTS.setdefault(storage, OrderedDict())
            found = kept.get(key)
            if found is not None:
                kept.move_to_end(key)
                return found
    btexts = []
    for n, btext in enumerate(reader.lexicon(fieldname) if fieldname in reader.schema else ()):
        btexts.append(btext)
        if not n & 4095 and time.monotonic() > deadline:
            raise QueryTimeoutError("the analysis took too long and was stopped: use more specific words")
    side = sidecar.of(reader, np)
    counts = np.zeros(len(btexts), dtype=np.int64)
    starts = np.zeros(len(btexts), dtype=np.int64)
    held = np.zeros(len(btexts), dtype=bool)
    if side is not None and btexts:
        keys = np.fromiter(
            (sidecar.term_key(fieldname, b) for b in btexts), dtype=np.uint64, count=len(btexts)
        )
        at = np.minimum(side.keys.searchsorted(keys), len(side.keys) - 1)
        held = side.keys[at] == keys
        starts[held], counts[held] = side.starts[at[held]], side.counts[at[held]]
    parts_docs, parts_vals = [], []
    if (
        side is not None and held.any()
    ):  # every held term's postings in one gather (the others have a count of 0 here)
        first = np.cumsum(counts) - counts  # where each term's postings go in the output
        where = np.repeat(starts - first, counts) + np.arange(int(counts.sum()))
        parts_docs.append(side.docs[where].astype(np.int32))
        parts_vals.append(np.repeat(np.arange(len(btexts), dtype=np.int32), counts))
    for n in np.flatnonzero(~held).tolist():  # from Whoosh's blocks
        if time.monotonic() > deadline:
            raise QueryTimeoutError("the analysis took too long and was stopped: use more specific words")
        ids = np.fromiter(reader.postings(fieldname, btexts[n]).all_ids(), dtype=np.int32)
        parts_docs.append(ids)
        parts_vals.append(np.full(len(ids), n, dtype=np.int32))
    docs = np.concatenate(parts_docs) if parts_docs else np.zeros(0, dtype=np.int32)
    vals = np.concatenate(parts_vals) if parts_vals else np.zeros(0, dtype=np.int32)
    found = _Segment([b.decode("utf-8", "replace") for b in btexts], docs, vals)
    if kept is not None:
        with _LOCK:
            kept[key] = found
            while len(kept) > _KEPT:
                kept.popitem(last=False)
    return found


class FieldValues:
    """The values of one field over the live stories a searcher reads: ``names`` (lower-cased, as indexed; each
    the canonical form of its variants), ``docs`` and ``vals`` (a story and a value number, each pair once),
    and ``variants`` (each name's indexed forms, itself first)."""

    def __init__(self, searcher: Any, fieldname: str, np: Any, deadline: float, merge: Merge | None = None):
        self.fieldname = fieldname
        vocab: dict[str, int] = {}  # a value's number, in the order first seen (a dict keeps it)
        all_docs, all_vals = [], []
        for reader, offset in searcher.reader().leaf_readers():
            seg = _segment(reader, fieldname, np, deadline)
            count = len(seg.terms)
            ids = np.fromiter(
                (vocab.setdefault(t, len(vocab)) for t in seg.terms), dtype=np.int32, count=count
            )
            docs, vals = seg.docs, seg.vals
            if reader.has_deletions():
                live = ~np.isin(docs, np.fromiter(reader.deleted_docs_set, dtype=np.int32))
                docs, vals = docs[live], vals[live]
            all_docs.append(docs + np.int32(offset) if offset else docs)
            same = len(ids) == len(vocab) and bool((ids == np.arange(len(ids), dtype=np.int32)).all())
            all_vals.append(vals if same or not len(vals) else ids[vals])  # the first segment's numbers stand
        names = list(vocab)
        docs = np.concatenate(all_docs) if all_docs else np.zeros(0, dtype=np.int32)
        vals = np.concatenate(all_vals) if all_vals else np.zeros(0, dtype=np.int32)
        counts = np.bincount(vals, minlength=len(names)) if len(names) else np.zeros(0, dtype=np.int64)
        merged = merge(names, counts.tolist()) if merge and names else {}
        canon = np.arange(len(names))
        for variant, target in merged.items():
            canon[variant] = target
        self.variants: dict[str, list[str]] = {name: [name] for name in names}
        for variant, target in merged.items():
            self.variants[names[target]].append(names[variant])
            del self.variants[names[variant]]
        if merged:  # renumbered: the canonical values only, each story once per value
            kept = np.flatnonzero(canon == np.arange(len(names)))
            number = np.full(len(names), -1, dtype=np.int64)
            number[kept] = np.arange(len(kept))
            vals = number[canon[vals]]
            names = [names[k] for k in kept.tolist()]
            pairs = np.unique(docs.astype(np.int64) * len(names) + vals)
            docs, vals = (pairs // len(names)).astype(np.int32), (pairs % len(names)).astype(np.int32)
        self.names = names
        self.docs, self.vals = docs, vals
        self.number = {name: n for n, name in enumerate(names)}
        self.owner = {form: name for name, forms in self.variants.items() for form in forms[1:]}
        self._folded: dict[str, str] | None = None
        self._first: Any = None
        self._counts: Any = None
        self.shown: dict[str, str] = {}  #: names as the stories write them, as they are looked up
        self._surnames: dict[str, list[str]] | None = None

    def folded(self, key: str) -> str | None:
        """The name that is ``key`` without case, accents or extra spaces, if any."""
        from newssearch.extract.aliases import fold

        if self._folded is None:
            self._folded = {}
            for name in self.names:
                self._folded.setdefault(fold(name), name)
        return self._folded.get(fold(key))

    def by_surname(self, surname: str) -> list[str]:
        """The names of several words whose last word is ``surname``, most stories first."""
        if self._surnames is None:
            found: dict[str, list[str]] = {}
            for name in self.names:
                words = name.split()
                if len(words) > 1:
                    found.setdefault(words[-1], []).append(name)
            story_counts = self.counts_all()
            self._surnames = {
                last: sorted(names, key=lambda n: -int(story_counts[self.number[n]]))
                for last, names in found.items()
            }
        return self._surnames.get(surname, [])

    def counts_all(self) -> Any:
        """How many live stories hold each value (worked out once)."""
        if self._counts is None:
            import numpy as np

            self._counts = np.bincount(self.vals, minlength=len(self.names))
        return self._counts

    def counts(self, mask: Any, np: Any) -> Any:
        """How many of the stories flagged in ``mask`` (a bool per document number) have each value."""
        if not len(self.names):
            return np.zeros(0, dtype=np.int64)
        return np.bincount(self.vals[mask[self.docs]], minlength=len(self.names))

    def first_doc(self, name: str) -> int | None:
        """A story holding a value (its first in the arrays), found without a scan after the first call."""
        import numpy as np

        n = self.number.get(name)
        if n is None:
            return None
        if self._first is None:
            values, where = np.unique(self.vals, return_index=True)
            self._first = np.full(len(self.names), -1, dtype=np.int64)
            self._first[values] = self.docs[where]
        first = int(self._first[n])
        return first if first >= 0 else None


def field_values(
    searcher: Any, kind: str, np: Any, deadline: float, merge: Merge | None = None
) -> FieldValues:
    """The ``FieldValues`` of a kind (``VALUE_FIELDS``), kept with the searcher."""
    cache = searcher.__dict__.setdefault("_newssearch_values", {})
    if kind not in cache:
        cache[kind] = FieldValues(searcher, VALUE_FIELDS[kind], np, deadline, merge)
    found: FieldValues = cache[kind]
    return found


def people_merge(names: list[str], counts: list[int]) -> dict[int, int]:
    from newssearch.extract.aliases import surname_merges

    return surname_merges(names, counts)


#: The merge of variants each kind's values get at query time (a user's aliases were applied as they were indexed).
MERGES: dict[str, Merge] = {"people": people_merge}
#: The kind of entity an alias line names, by field.
ALIAS_KINDS = {"people": "person", "organizations": "org", "places": "place"}
_KIND_OF = {field: kind for kind, field in VALUE_FIELDS.items()}


def values_of(searcher: Any, kind: str, deadline: float = float("inf")) -> FieldValues:
    """A kind's ``FieldValues`` with its variants merged (numpy imported here, not by a plain search)."""
    import numpy as np

    return field_values(searcher, kind, np, deadline, MERGES.get(kind))


def resolve(
    searcher: Any, fieldname: str, typed: str, aliases: Any, deadline: float
) -> tuple[str, list[str]]:
    """The name a typed entity or value is counted as, and the indexed forms that stand for it (none when no
    story has it): its alias's name, the extractor's canonical form of a place or organisation, a variant's name
    (``Thatcher`` is ``margaret thatcher`` where the index mostly names her so; a surname no full name clearly
    leads stands for all of them)."""
    from newssearch.engine.entities import _canonical
    from newssearch.extract.aliases import DOMINANCE, MIN_STORIES, bare_name

    kind = ALIAS_KINDS.get(fieldname)
    name = aliases.canonical(kind, typed) if kind and aliases else typed
    if kind in ("place", "org"):
        name = _canonical(f"{kind}_text", name) or name
    key = " ".join(name.replace(",", " ").lower().split())
    values = values_of(searcher, _KIND_OF[fieldname], deadline)
    if key not in values.number and fieldname == "people":
        key = bare_name(key)  # "mrs thatcher" is "thatcher"
    if key not in values.number:
        owner = values.owner.get(key)
        if owner is None and fieldname == "people" and " " not in key:  # a surname the index has not alone
            full = values.by_surname(key)
            counts = values.counts_all()
            if full:
                first = int(counts[values.number[full[0]]])
                second = int(counts[values.number[full[1]]]) if len(full) > 1 else 0
                if first < MIN_STORIES or first < DOMINANCE * second:  # no clear lead: any of them
                    forms = [form for name in full for form in values.variants[name]]
                    return key, forms
                owner = full[0]
        key = owner or values.folded(key) or key
    return key, values.variants.get(key, [])
