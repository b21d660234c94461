"""Which group of near-identical copies each article written joins, as it is written (see ``reprints.py``).

An article is compared with the articles already in the index that share one of its band keys and with those
written before it by the same writer; it joins the group of the earliest verified copy (by date, then id), else
starts its own, keyed by its own id. So the same files read in the same order give the same groups whether the
index is built at once or run by run. Reads the index through the searcher's methods only (no Whoosh import).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from newssearch import reprints
from newssearch.dates import from_utc_naive, to_utc_naive
from newssearch.models import Article

#: At most this many postings of one band key are read (a key shared by thousands of stories, boilerplate, must
#: not make every new story read them all), and at most this many candidates verified per article.
MAX_POSTINGS = 50
MAX_CANDIDATES = 20
_LATEST = datetime.max


@dataclass
class _Copy:
    id: str
    group: str
    date: datetime | None
    headline: str
    body: str


def _earliest(copy: _Copy) -> tuple[bool, datetime, str]:
    return (copy.date is None, to_utc_naive(copy.date) if copy.date else _LATEST, copy.id)


class Grouper:
    """Gives each article written in one transaction its ``bands``, ``group`` and ``reprint`` fields.

    ``searcher`` reads the index as it was before the transaction (None: nothing to look up, a first build or a
    rebuild); articles from the ``leaving`` paths, or with the ``replaced`` ids, are being deleted by it and are
    no candidates.
    """

    def __init__(
        self, searcher: Any | None, leaving: Collection[str] = (), replaced: Collection[str] = ()
    ) -> None:
        self.searcher = searcher if searcher is not None and searcher.doc_count() else None
        self.leaving = leaving
        self.replaced = replaced
        self.batch: list[_Copy] = []
        self.keys: dict[str, list[int]] = {}  # band key -> positions in batch
        self.shingles: dict[tuple[str, int], frozenset[str]] = {}

    def fields(self, article: Article) -> dict[str, str]:
        """The grouping fields of the article's document; remembers it for the articles that follow."""
        runs = reprints.shingles(article.headline, article.body)
        keys = reprints.band_keys(runs)
        group = article.id
        best: _Copy | None = None
        for copy, theirs in self._candidates(keys, article.id):
            if reprints.copies(runs, theirs, article.date, copy.date) and (
                best is None or _earliest(copy) < _earliest(best)
            ):
                best = copy
        if best is not None:
            group = best.group
        position = len(self.batch)
        self.batch.append(_Copy(article.id, group, article.date, article.headline, article.body))
        for key in keys:
            self.keys.setdefault(key, []).append(position)
        out = {"group": group}
        if keys:
            out["bands"] = " ".join(keys)
        if group != article.id:
            out["reprint"] = "1"
        return out

    def _candidates(self, keys: list[str], own_id: str) -> list[tuple[_Copy, frozenset[str]]]:
        """Up to ``MAX_CANDIDATES`` stories sharing a band key with these, those sharing the most first."""
        shared: Counter[tuple[str, int]] = Counter()
        for key in keys:
            for position in self.keys.get(key, ())[:MAX_POSTINGS]:
                shared["batch", position] += 1
            if self.searcher is not None:
                for docnum in _postings(self.searcher, key):
                    shared["index", docnum] += 1
        out = []
        for (where, number), _ in sorted(shared.items(), key=lambda item: (-item[1], item[0]))[
            :MAX_CANDIDATES
        ]:
            copy = self.batch[number] if where == "batch" else self._stored(number)
            if copy is None or copy.id == own_id:
                continue
            runs = self.shingles.get((where, number))
            if runs is None:
                runs = self.shingles[where, number] = reprints.shingles(copy.headline, copy.body)
            out.append((copy, runs))
        return out

    def _stored(self, docnum: int) -> _Copy | None:
        """An indexed story, unless this transaction deletes it."""
        assert self.searcher is not None
        stored = self.searcher.stored_fields(docnum)
        if stored.get("path") in self.leaving or stored["id"] in self.replaced:
            return None
        day = from_utc_naive(stored["date"]) if stored.get("date") else None
        return _Copy(
            stored["id"],
            stored.get("group") or stored["id"],
            day,
            stored.get("headline", ""),
            stored.get("body", ""),
        )


def _postings(searcher: Any, key: str) -> list[int]:
    """The first ``MAX_POSTINGS`` live documents indexed under a band key."""
    found: list[int] = []
    for reader, offset in searcher.reader().leaf_readers():
        btext = key.encode("utf-8")
        if ("bands", btext) not in reader:
            continue
        postings = reader.postings("bands", btext)
        while postings.is_active() and len(found) < MAX_POSTINGS:
            found.append(offset + postings.id())
            postings.next()
        if len(found) >= MAX_POSTINGS:
            break
    return found
