"""Results grouped by copies: each group of near-identical stories (``grouping.py``) shown once.

Every copy of a group but its first one indexed carries the term ``reprint:1``. A query's matches that carry it
(few, and none at all in most searches) are all this needs: with their groups' first copies, they are the only
matches that may share a group. So a search that matches no later copy costs nothing more, and one that does
needs only the top ``page * limit + collapsed`` matches to fill its page exactly, since each story folded into
another's group is one more match ranked above some group's best. Reads the index through the searcher's
methods only (no Whoosh import).
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Later:
    """The live documents that are a later copy of another story: all, and by segment (offset -> local ids); and,
    as searches ask, each one's group key and each key's first copy (None: gone), kept with the searcher."""

    docs: frozenset[int]
    by_offset: dict[int, frozenset[int]]
    keys: dict[int, str] = field(default_factory=dict)
    firsts: dict[str, int | None] = field(default_factory=dict)
    arrays: dict[int, Any] = field(default_factory=dict)  # by_offset's sets as sorted numpy arrays, as asked

    def __bool__(self) -> bool:
        return bool(self.docs)

    def among(self, offset: int, ids: Any, mask: Any = None) -> Iterable[int]:
        """The later copies of the segment at ``offset`` among its documents ``ids`` (a list, or a numpy array
        seen as one: ``vectors.Items``), or among those ``mask`` (a numpy mask by document) holds."""
        found = self.by_offset.get(offset)
        if not found:
            return ()
        array = getattr(ids, "array", None)
        if array is None and mask is None:
            return found.intersection(ids)
        import numpy as np

        if offset not in self.arrays:
            self.arrays[offset] = np.array(sorted(found), dtype=np.int64)
        later = self.arrays[offset]
        if mask is not None:
            inside = later[mask[later]]
        else:
            assert array is not None
            inside = later[np.isin(later, array, assume_unique=True)]
        # As a set made as the old intersection made it: which group a copy joins may depend on the order.
        return found.intersection(inside.tolist())


NONE = Later(frozenset(), {})


def later_copies(searcher: Any) -> Later:
    """The later copies of the searcher's index (cached with the searcher)."""
    cache = searcher.__dict__
    found: Later | None = cache.get("_newssearch_later")
    if found is None:
        by_offset = {}
        for reader, offset in searcher.reader().leaf_readers():
            if ("reprint", b"1") in reader:
                by_offset[offset] = frozenset(reader.postings("reprint", b"1").all_ids())
        docs = frozenset(offset + local for offset, ids in by_offset.items() for local in ids)
        found = cache["_newssearch_later"] = Later(docs, by_offset) if docs else NONE
    return found


@dataclass
class Groups:
    """The groups with more than one copy among a query's matches.

    ``matched_later`` are the later copies among the matches; ``group_of(docnum)`` is a document's group key,
    ``first_of(key)`` the document of the group's first copy (None when it is gone), ``is_match(docnum)`` whether a
    document matches the query.
    """

    members: dict[str, list[int]] = field(default_factory=dict)  # key -> its matching documents
    key_of: dict[int, str] = field(default_factory=dict)
    #: How many matches are folded into another's group: the number of matches less the number of groups.
    collapsed: int = 0

    @classmethod
    def find(
        cls,
        matched_later: Iterable[int],
        group_of: Callable[[int], str],
        first_of: Callable[[str], int | None],
        is_match: Callable[[int], bool],
    ) -> Groups:
        out = cls()
        by_key: dict[str, list[int]] = {}
        for docnum in matched_later:
            by_key.setdefault(group_of(docnum), []).append(docnum)
        for key, docs in by_key.items():
            first = first_of(key)
            if first is not None and first not in docs and is_match(first):
                docs.append(first)
            if len(docs) > 1:
                out.members[key] = sorted(docs)
                out.key_of.update(dict.fromkeys(docs, key))
                out.collapsed += len(docs) - 1
        return out

    def touches(self, docnums: Iterable[int]) -> bool:
        """Whether any of these documents shares its group with another match."""
        return any(docnum in self.key_of for docnum in docnums)

    def first_of_each(
        self, ranked: Iterable[tuple[Any, int]], count: int
    ) -> list[tuple[Any, int, list[int]]]:
        """The first ``count`` groups of a ranked list of ``(score, docnum)``: for each, the score and document of
        its first member in that order, and all its matching documents."""
        out: list[tuple[Any, int, list[int]]] = []
        seen: set[str] = set()
        for score, docnum in ranked:
            if len(out) >= count:
                break
            key = self.key_of.get(docnum)
            if key is None:
                out.append((score, docnum, [docnum]))
            elif key not in seen:
                seen.add(key)
                out.append((score, docnum, self.members[key]))
        return out


def earliest(docnums: list[int], date_of: Callable[[int], int], id_of: Callable[[int], str]) -> int:
    """The earliest-dated document (undated ones last; ties: the smaller id)."""
    return min(docnums, key=lambda docnum: (date_of(docnum), id_of(docnum)))


class Seen:
    """What the collection of a query's matches saw, for grouping them: every matching document (with its score,
    when the collection kept it), in one of three shapes: whole segments' arrays of a preloaded matcher
    (``parts``: offset, ids, scores; for a pruned one, its best matches, and every match in ``pruned``), a
    ranking of every match (``ranked``), or the sorted documents alone (``docs``)."""

    def __init__(
        self,
        parts: list[tuple[int, list[int], list[float]]] | None = None,
        ranked: list[tuple[float, int]] | None = None,
        docs: list[int] | None = None,
        pruned: dict[int, tuple[Any, int]] | None = None,
    ) -> None:
        self.parts = parts
        self.pruned = pruned or {}  # offset -> (mask of every match, N) of a part holding only its N best
        self.ranked = ranked
        self.scores: dict[int, float] = {}
        if ranked is not None:
            self.scores = {docnum: score for score, docnum in ranked}
        self.docs = docs

    def later(self, later: Later) -> list[int]:
        """The later copies among the matches."""
        if self.parts is not None:
            return [
                offset + local
                for offset, ids, _ in self.parts
                for local in later.among(offset, ids, self.pruned.get(offset, (None, 0))[0])
            ]
        if self.ranked is not None:
            return [docnum for docnum in self.scores if docnum in later.docs]
        return [docnum for docnum in self.docs or () if docnum in later.docs]

    def is_match(self, docnum: int) -> bool:
        if self.ranked is not None:
            return docnum in self.scores
        if self.parts is not None:
            for offset, (mask, _) in self.pruned.items():
                if offset <= docnum < offset + len(mask):
                    return bool(mask[docnum - offset])
            return self.score(docnum) is not None
        docs = self.docs or []
        at = bisect_left(docs, docnum)
        return at < len(docs) and docs[at] == docnum

    def score(self, docnum: int) -> float | None:
        """A match's score, if the collection kept it (a pruned part keeps its best matches' only)."""
        if self.parts is None:
            return self.scores.get(docnum)
        for offset, ids, scores in self.parts:
            array = getattr(ids, "array", None)  # a numpy array seen as a list (``vectors.Items``)
            at = (
                int(array.searchsorted(docnum - offset))
                if array is not None
                else bisect_left(ids, docnum - offset)
            )
            if at < len(ids) and ids[at] == docnum - offset:
                return scores[at]
        return None

    def top(self, count: int) -> list[tuple[float, int]] | None:
        """The ``count`` best ``(score, docnum)``, best first, ties to the smaller docnum (None: not kept)."""
        if self.ranked is not None:
            return self.ranked[:count]
        if self.parts is None or any(kept < count for _, kept in self.pruned.values()):
            return None
        best: list[tuple[float, int]] = []
        for offset, ids, scores in self.parts:  # each segment's best first, as ``search._CountingTop`` does
            array = getattr(scores, "array", None)  # scored as arrays (``vectors.py``): picked so too
            if array is not None:
                import numpy as np

                from newssearch.engine.vectors import top_indexes

                mine = top_indexes(np, array, count)
            else:
                mine = heapq.nlargest(count, range(len(ids)), key=scores.__getitem__)
            best = heapq.nlargest(count, best + [(scores[i], -(offset + ids[i])) for i in mine])
        return [(score, -negative) for score, negative in best]
