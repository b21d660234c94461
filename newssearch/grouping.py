"""Which group of near-identical copies each article written joins, as it is written (see ``reprints.py``).

An article is compared with the articles written before it by the same writer that share one of its MinHash band
keys (kept in memory for the transaction), and with the articles already in the index that share its rarest words
(read from the index's own word lists: no field of band keys, whose unique terms would cost Whoosh's writer a
third more time); it joins the group of the earliest verified copy (by date, then id), else starts its own, keyed
by its own id. So the same files read in the same order give the same groups whether the index is built at once
or run by run. Only later copies carry fields of their own (``group``: the first copy's id, and ``reprint``), so a
story alone adds nothing to the index. Reads the index through the searcher's methods only (no Whoosh import).
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

#: At most this many stories of one band key are kept (a key shared by thousands of stories, boilerplate, must not
#: make every new story compare them all), and at most this many candidates verified per article.
MAX_POSTINGS = 50
MAX_CANDIDATES = 20
#: Candidates in the index: the stories holding at least half the article's ``RARE_WORDS`` rarest words (among the
#: words of its headline and lead in at most ``MAX_POSTINGS`` stories), those holding the most first.
RARE_WORDS = 10
#: The characters of the body read for those words (with the headline).
LEAD_CHARS = 1500
_LATEST = datetime.max


@dataclass
class _Copy:
    id: str
    group: str
    date: datetime | None
    headline: str  # the article's own strings, not copies: an ``add`` of many stories already holds them
    body: str


def _earliest(copy: _Copy) -> tuple[bool, datetime, str]:
    return (copy.date is None, to_utc_naive(copy.date) if copy.date else _LATEST, copy.id)


class Grouper:
    """Gives each article written in one transaction its ``group`` and ``reprint`` fields (none for a first copy).

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
        # band key (its hash: this process only) -> the position in batch of the first story under it, or a list
        self.keys: dict[int, int | list[int]] = {}

    def fields(self, article: Article) -> dict[str, str]:
        """The grouping fields of the article's document (none for a story that is no later copy); remembers it
        for the articles that follow."""
        runs = reprints.shingles(article.headline, article.body)
        keys = reprints.band_keys(runs)
        group = article.id
        best: _Copy | None = None
        for copy in self._candidates(keys, article):
            if reprints.copies(
                runs, reprints.shingles(copy.headline, copy.body), article.date, copy.date
            ) and (best is None or _earliest(copy) < _earliest(best)):
                best = copy
        if best is not None:
            group = best.group
        position = len(self.batch)
        self.batch.append(_Copy(article.id, group, article.date, article.headline, article.body))
        for key in map(hash, keys):  # most keys are one story's: an int, not a list, keeps memory down
            held = self.keys.setdefault(key, position)
            if isinstance(held, int) and held != position:
                self.keys[key] = [held, position]
            elif isinstance(held, list) and len(held) < MAX_POSTINGS:
                held.append(position)
        return {"group": group, "reprint": "1"} if group != article.id else {}

    def _candidates(self, keys: list[str], article: Article) -> list[_Copy]:
        """Up to ``MAX_CANDIDATES`` stories of this transaction sharing the most band keys with the article, then
        of the index sharing the most of its rarest words."""
        shared: Counter[int] = Counter()
        for key in map(hash, keys):
            held = self.keys.get(key, [])
            shared.update([held] if isinstance(held, int) else held)
        found = [self.batch[n] for n, _ in sorted(shared.items(), key=lambda item: (-item[1], item[0]))]
        if self.searcher is not None:
            words, postings = _rare_postings(self.searcher, article)
            rare: Counter[int] = Counter(postings)
            least = max(2, words // 2)  # a copy holds most of them
            for docnum, held in sorted(rare.items(), key=lambda item: (-item[1], item[0]))[:MAX_CANDIDATES]:
                copy = self._stored(docnum) if held >= least else None
                if copy is not None:
                    found.append(copy)
        return [copy for copy in found if copy.id != article.id][:MAX_CANDIDATES]

    def _stored(self, docnum: int) -> _Copy | None:
        """An indexed story, unless this transaction deletes it."""
        assert self.searcher is not None
        stored = self.searcher.stored_fields(docnum)
        if stored.get("path") in self.leaving or stored["id"] in self.replaced:
            return None
        day = from_utc_naive(stored["date"]) if stored.get("date") else None
        headline, body = stored.get("headline", ""), stored.get("body", "")
        return _Copy(stored["id"], stored.get("group") or stored["id"], day, headline, body)


def _rare_postings(searcher: Any, article: Article) -> tuple[int, list[int]]:
    """The number of the article's rarest words looked up (at most ``RARE_WORDS`` of those in at most
    ``MAX_POSTINGS`` documents, from its headline and lead: a copy shares them), and the live documents holding
    each, one entry per word held."""
    reader = searcher.reader()
    analyzer = searcher.schema["content"].analyzer
    lead = f"{article.headline}\n{article.body[:LEAD_CHARS]}"
    words = {token.text for token in analyzer(" ".join(set(lead.split())))}
    frequencies = [(reader.doc_frequency("content", word), word) for word in words]
    rarest = sorted((df, word) for df, word in frequencies if 0 < df <= MAX_POSTINGS)[:RARE_WORDS]
    found: list[int] = []
    for _, word in rarest:
        found.extend(
            docnum for docnum in reader.postings("content", word).all_ids() if not reader.is_deleted(docnum)
        )
    return len(rarest), found
