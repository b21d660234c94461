"""Which group of near-identical copies each article written joins, as it is written (see ``reprints.py``).

An article is compared with the articles written before it by the same writer that share one of its MinHash band
keys (kept in memory for the transaction), and with the articles already in the index that share its rarest words
(read from the index's own word lists: no field of band keys, whose unique terms would cost Whoosh's writer a
third more time); and, in both, with the stories whose headline may name the same story (the same headline, or a
correction's: a shortened copy or a correction shares too little text for a band key). It joins the group of the
earliest verified copy (by date, then id), else starts its own, keyed by its own id. So the same files read in the
same order give the same groups whether the index is built at once or run by run. Only later copies carry fields
of their own (``group``: the first copy's id, and ``reprint``), so a story alone adds nothing to the index. Reads
the index through ``engine.Snapshot``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from newssearch.dates import from_utc_naive, to_utc_naive
from newssearch.engine import Snapshot
from newssearch.ingest import reprints
from newssearch.models import Article

#: At most this many stories of one band key are kept (a key shared by thousands of stories, boilerplate, must not
#: make every new story compare them all; of a headline word, the last ones), and at most this many candidates
#: verified per article and way of finding them.
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
    gone: bool = False  # replaced by a later article of its id in the same transaction

    @cached_property
    def named(self) -> tuple[tuple[str, ...], bool]:
        """The headline's words and whether it marks a correction (``reprints.related``)."""
        return reprints.headline_words(self.headline), reprints.is_correction(self.headline)


def _earliest(copy: _Copy) -> tuple[bool, datetime, str]:
    return (copy.date is None, to_utc_naive(copy.date) if copy.date else _LATEST, copy.id)


class Grouper:
    """Gives each article written in one transaction its ``group`` and ``reprint`` fields (none for a first copy).

    ``index`` reads the index as it was before the transaction (None: nothing to look up, a first build or a
    rebuild); articles from the ``leaving`` paths, or with the ``replaced`` ids, are being deleted by it and are
    no candidates.
    """

    def __init__(
        self, index: Snapshot | None, leaving: Collection[str] = (), replaced: Collection[str] = ()
    ) -> None:
        self.index = index if index is not None and index.doc_count() else None
        self.leaving = leaving
        self.replaced = replaced
        self.batch: list[_Copy] = []
        # band key (its hash: this process only) -> the position in batch of the first story under it, or a list
        self.keys: dict[int, int | list[int]] = {}
        # headline word -> the positions of the stories whose headline holds it; and the corrections' first words
        self.words: dict[str, list[int]] = {}
        self.corrections: dict[str, list[int]] = {}

    def fields(self, article: Article) -> dict[str, str]:
        """The grouping fields of the article's document (none for a story that is no later copy); remembers it
        for the articles that follow."""
        runs = reprints.shingles(article.headline, article.body)
        keys = reprints.band_keys(runs)
        group = article.id
        best: _Copy | None = None
        for copy in self._candidates(keys, article):
            if reprints.copies(
                runs,
                reprints.shingles(copy.headline, copy.body),
                article.date,
                copy.date,
                article.headline,
                copy.headline,
            ) and (best is None or _earliest(copy) < _earliest(best)):
                best = copy
        if best is not None:
            group = best.group
        self._remember(_Copy(article.id, group, article.date, article.headline, article.body), keys)
        return {"group": group, "reprint": "1"} if group != article.id else {}

    def forget(self, position: int) -> None:
        """The story written ``position``-th in this transaction is replaced by a later one of its id: it is no
        candidate any more."""
        self.batch[position].gone = True

    def remember(self, stored: dict[str, Any]) -> None:
        """Take a stored story as written earlier in this transaction: a first build resumed after its last
        checkpoint sees the stories of its earlier checkpoints as a build run at once sees them."""
        copy = self._copy(stored)
        self._remember(copy, reprints.band_keys(reprints.shingles(copy.headline, copy.body)))

    def _remember(self, copy: _Copy, keys: list[str]) -> None:
        position = len(self.batch)
        self.batch.append(copy)
        for key in map(hash, keys):  # most keys are one story's: an int, not a list, keeps memory down
            held = self.keys.setdefault(key, position)
            if isinstance(held, int) and held != position:
                self.keys[key] = [held, position]
            elif isinstance(held, list) and len(held) < MAX_POSTINGS:
                held.append(position)
        named, corrects = self.batch[-1].named
        for word in set(named):
            _post(self.words, word, position)
        if corrects and named:
            _post(self.corrections, named[0], position)

    def _named(self, article: Article) -> list[_Copy]:
        """The stories of this transaction whose headline may name the same story as the article's (the same
        words, or a correction's first two words in the other): a shortened copy or a correction shares too few
        band keys to be found by them."""
        named, corrects = reprints.headline_words(article.headline), reprints.is_correction(article.headline)
        if not named:
            return []
        # Every such story holds the article's first two words (or is a correction whose first word it holds):
        # the fewer stories of the two words are all looked at.
        held = min((self.words.get(word, []) for word in reprints.first_two(named)), key=len)
        positions = set(held)
        for word in set(named):
            positions.update(self.corrections.get(word, ()))
        found = []
        for position in sorted(positions):
            copy = self.batch[position]
            if reprints.related(named, corrects, *copy.named):
                found.append(copy)
        return found

    def _candidates(self, keys: list[str], article: Article) -> list[_Copy]:
        """Up to ``MAX_CANDIDATES`` stories found each way: of this transaction, those sharing the most band keys
        with the article and those whose headline names the same story (``_named``); of the index, the latter
        and those sharing the most of its rarest words."""
        shared: Counter[int] = Counter()
        for key in map(hash, keys):
            held = self.keys.get(key, [])
            shared.update([held] if isinstance(held, int) else held)
        found = [self.batch[n] for n, _ in sorted(shared.items(), key=lambda item: (-item[1], item[0]))]
        found = found[:MAX_CANDIDATES] + self._named(article)[:MAX_CANDIDATES]
        if self.index is not None:
            found += self._named_stored(article)[:MAX_CANDIDATES]
            words, postings = _rare_postings(self.index, article)
            rare: Counter[int] = Counter(postings)
            least = max(2, words // 2)  # a copy holds most of them
            for docnum, held in sorted(rare.items(), key=lambda item: (-item[1], item[0]))[:MAX_CANDIDATES]:
                copy = self._stored(docnum) if held >= least else None
                if copy is not None:
                    found.append(copy)
        seen = {article.id}
        unique = []
        for copy in found:
            if copy.id not in seen and not copy.gone:
                seen.add(copy.id)
                unique.append(copy)
        return unique

    def _named_stored(self, article: Article) -> list[_Copy]:
        """``_named`` of the stories in the index: those whose headline holds the rarer of the article's first two
        headline words, if it is in at most ``MAX_POSTINGS`` (a correction indexed before the story it corrects is
        found by the rare words)."""
        index = self.index
        assert index is not None
        named, corrects = reprints.headline_words(article.headline), reprints.is_correction(article.headline)
        first = " ".join(reprints.first_two(named))
        tokens = set(index.analyse("headline", first))
        counts = sorted((index.doc_frequency("headline", token), token) for token in tokens)
        if not counts or not 0 < counts[0][0] <= MAX_POSTINGS:
            return []
        found = []
        for docnum in index.docs("headline", counts[0][1]):
            copy = self._stored(docnum)
            if copy is not None and reprints.related(named, corrects, *copy.named):
                found.append(copy)
        return found

    def _stored(self, docnum: int) -> _Copy | None:
        """An indexed story, unless this transaction deletes it."""
        assert self.index is not None
        stored = self.index.stored(docnum)
        if stored.get("path") in self.leaving or stored["id"] in self.replaced:
            return None
        return self._copy(stored)

    @staticmethod
    def _copy(stored: dict[str, Any]) -> _Copy:
        day = from_utc_naive(stored["date"]) if stored.get("date") else None
        headline, body = stored.get("headline", ""), stored.get("body", "")
        return _Copy(stored["id"], stored.get("group") or stored["id"], day, headline, body)


def _post(postings: dict[str, list[int]], word: str, position: int) -> None:
    """Adds a story's position under a word, keeping the last ``MAX_POSTINGS`` of them (a copy is read near its
    story: files are mostly in the order of their dates)."""
    held = postings.setdefault(word, [])
    if len(held) >= MAX_POSTINGS:
        del held[0]
    held.append(position)


def _rare_postings(index: Snapshot, article: Article) -> tuple[int, list[int]]:
    """The number of the article's rarest words looked up (at most ``RARE_WORDS`` of those in at most
    ``MAX_POSTINGS`` documents, from its headline and lead: a copy shares them), and the live documents holding
    each, one entry per word held."""
    lead = f"{article.headline}\n{article.body[:LEAD_CHARS]}"
    words = set(index.analyse("content", " ".join(set(lead.split()))))
    frequencies = [(index.doc_frequency("content", word), word) for word in words]
    rarest = sorted((df, word) for df, word in frequencies if 0 < df <= MAX_POSTINGS)[:RARE_WORDS]
    found: list[int] = []
    for _, word in rarest:
        found.extend(index.docs("content", word))
    return len(rarest), found
