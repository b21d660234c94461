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

from array import array
from collections import Counter
from collections.abc import Callable, Collection
from datetime import datetime
from typing import TYPE_CHECKING, Any

from newssearch.dates import from_utc_naive, to_utc_naive
from newssearch.engine import Snapshot
from newssearch.ingest import reprints
from newssearch.ingest.written import Copy, Written, runs_of
from newssearch.models import Article

if TYPE_CHECKING:
    import numpy as np

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
#: Document frequencies remembered at most (then forgotten all at once).
MAX_FREQUENCIES = 200_000
_LATEST = datetime.max


def _earliest(copy: Copy) -> tuple[bool, datetime, str]:
    return (copy.date is None, to_utc_naive(copy.date) if copy.date else _LATEST, copy.id)


#: What ``Grouper.fields`` works out of an article's text alone: its band keys, headline words, whether it is a
#: correction, and its shingles' number and hashes.
Features = tuple[list[str], tuple[str, ...], bool, int, "np.ndarray"]


def features(article: Article) -> Features:
    """An article's ``Features``: a worker process forked from the writing one works them out ahead (the hashes
    are of this process and its forks only)."""
    shingles = reprints.shingles(article.headline, article.body)
    named, corrects = reprints.headline_words(article.headline), reprints.is_correction(article.headline)
    return reprints.band_keys(shingles), named, corrects, len(shingles), runs_of(shingles)


class Grouper:
    """Gives each article written in one transaction its ``group`` and ``reprint`` fields (none for a first copy).

    ``index`` reads the index as it was before the transaction (None: nothing to look up, a first build or a
    rebuild); articles from the ``leaving`` paths, or with the ``replaced`` ids, are being deleted by it and are
    no candidates. What it remembers of the transaction's stories is kept mostly on disk, in ``folder`` (see
    ``written.py``); ``close`` lets it go.
    """

    def __init__(
        self,
        index: Snapshot | None,
        leaving: Collection[str] = (),
        replaced: Collection[str] = (),
        folder: str | None = None,
    ) -> None:
        self.index = index if index is not None and index.doc_count() else None
        self.leaving = leaving
        self.replaced = replaced
        self.written = Written(folder)
        self.gone: set[int] = set()
        # headline word -> the positions of the stories whose headline holds it; and the corrections' first words
        self.words: dict[str, array[int]] = {}
        self.corrections: dict[str, array[int]] = {}
        self.frequencies: dict[tuple[str, str], int] = {}

    def __len__(self) -> int:
        """The number of stories written so far (the position of the next one)."""
        return len(self.written)

    def close(self) -> None:
        self.written.close()

    def fields(self, article: Article, found: Features | None = None) -> dict[str, str]:
        """The grouping fields of the article's document (none for a story that is no later copy); remembers it
        for the articles that follow. ``found``: its ``features``, worked out ahead."""
        keys, named, corrects, size, runs = found or features(article)
        mine = Copy(article.id, article.id, article.date, named, corrects, size, runs)
        best: Copy | None = None
        for copy in self._candidates(keys, mine, article):
            if reprints.judge(
                mine.common(copy),
                mine.size,
                copy.size,
                mine.date,
                copy.date,
                (named, corrects),
                (copy.named, copy.corrects),
            ) and (best is None or _earliest(copy) < _earliest(best)):
                best = copy
        if best is not None:
            mine.group = best.group
        self._remember(mine, keys)
        return {"group": mine.group, "reprint": "1"} if mine.group != article.id else {}

    def forget(self, position: int) -> None:
        """The story written ``position``-th in this transaction is replaced by a later one of its id: it is no
        candidate any more."""
        self.gone.add(position)

    def remember(self, stored: dict[str, Any]) -> None:
        """Take a stored story as written earlier in this transaction: a first build resumed after its last
        checkpoint sees the stories of its earlier checkpoints as a build run at once sees them."""
        copy, shingles = self._copy(stored)
        self._remember(copy, reprints.band_keys(shingles))

    def _remember(self, copy: Copy, keys: list[str]) -> None:
        position = self.written.add(copy, list(map(hash, keys)))
        for word in set(copy.named):
            _post(self.words, word, position)
        if copy.corrects and copy.named:
            _post(self.corrections, copy.named[0], position)

    def _named(self, article: Copy) -> list[Copy]:
        """The stories of this transaction whose headline may name the same story as the article's (the same
        words, or a correction's first two words in the other): a shortened copy or a correction shares too few
        band keys to be found by them."""
        named, corrects = article.named, article.corrects
        if not named:
            return []
        # Every such story holds the article's first two words (or is a correction whose first word it holds):
        # the fewer stories of the two words are all looked at.
        held = min((self.words.get(word, ()) for word in reprints.first_two(named)), key=len)
        positions = set(held)
        for word in set(named):
            positions.update(self.corrections.get(word, ()))
        same = hash(named)
        headlines, corrections = self.written.headlines, self.written.corrections
        found = []
        for position in sorted(positions):
            # Only a correction's headline names another: else the words must be the same (their hash first).
            if corrects or corrections[position] or headlines[position] == same:
                copy = self.written.get(position)
                if reprints.related(named, corrects, copy.named, copy.corrects):
                    found.append((position, copy))
                    if len(found) == MAX_CANDIDATES:
                        break
        return [copy for position, copy in found if position not in self.gone]

    def _candidates(self, keys: list[str], mine: Copy, article: Article) -> list[Copy]:
        """Up to ``MAX_CANDIDATES`` stories found each way: of this transaction, those sharing the most band keys
        with the article and those whose headline names the same story (``_named``); of the index, the latter
        and those sharing the most of its rarest words."""
        shared = self.written.sharing(list(map(hash, keys)), MAX_POSTINGS)
        ranked = sorted(shared.items(), key=lambda item: (-item[1], item[0]))[:MAX_CANDIDATES]
        found = [self.written.get(n) for n, _ in ranked if n not in self.gone]
        found += self._named(mine)
        if self.index is not None:
            found += self._named_stored(mine)[:MAX_CANDIDATES]
            words, postings = _rare_postings(self.index, article, self._frequency)
            rare: Counter[int] = Counter(postings)
            least = max(2, words // 2)  # a copy holds most of them
            for docnum, held in sorted(rare.items(), key=lambda item: (-item[1], item[0]))[:MAX_CANDIDATES]:
                copy = self._stored(docnum) if held >= least else None
                if copy is not None:
                    found.append(copy)
        seen = {article.id}
        unique = []
        for copy in found:
            if copy.id not in seen:
                seen.add(copy.id)
                unique.append(copy)
        return unique

    def _named_stored(self, article: Copy) -> list[Copy]:
        """``_named`` of the stories in the index: those whose headline holds the rarer of the article's first two
        headline words, if it is in at most ``MAX_POSTINGS`` (a correction indexed before the story it corrects is
        found by the rare words)."""
        index = self.index
        assert index is not None
        first = " ".join(reprints.first_two(article.named))
        tokens = set(index.analyse("headline", first))
        counts = sorted((self._frequency("headline", token), token) for token in tokens)
        if not counts or not 0 < counts[0][0] <= MAX_POSTINGS:
            return []
        found = []
        for docnum in index.docs("headline", counts[0][1]):
            copy = self._stored(docnum)
            if copy is not None and reprints.related(
                article.named, article.corrects, copy.named, copy.corrects
            ):
                found.append(copy)
        return found

    def _frequency(self, fieldname: str, word: str) -> int:
        """The index's document frequency of a word, remembered for the transaction (the index it reads does not
        change; the same common words are asked for story after story)."""
        key = (fieldname, word)
        found = self.frequencies.get(key)
        if found is None:
            assert self.index is not None
            if len(self.frequencies) >= MAX_FREQUENCIES:
                self.frequencies.clear()
            found = self.frequencies[key] = self.index.doc_frequency(fieldname, word)
        return found

    def _stored(self, docnum: int) -> Copy | None:
        """An indexed story, unless this transaction deletes it."""
        assert self.index is not None
        stored = self.index.stored(docnum)
        if stored.get("path") in self.leaving or stored["id"] in self.replaced:
            return None
        return self._copy(stored)[0]

    @staticmethod
    def _copy(stored: dict[str, Any]) -> tuple[Copy, frozenset[str]]:
        """A stored story as a candidate, and its shingles."""
        day = from_utc_naive(stored["date"]) if stored.get("date") else None
        headline, body = stored.get("headline", ""), stored.get("body", "")
        shingles = reprints.shingles(headline, body)
        named, corrects = reprints.headline_words(headline), reprints.is_correction(headline)
        group = stored.get("group") or stored["id"]
        return Copy(stored["id"], group, day, named, corrects, len(shingles), runs_of(shingles)), shingles


def _post(postings: dict[str, array[int]], word: str, position: int) -> None:
    """Adds a story's position under a word, keeping the last ``MAX_POSTINGS`` of them (a copy is read near its
    story: files are mostly in the order of their dates)."""
    held = postings.get(word)
    if held is None:
        held = postings[word] = array("I")
    if len(held) >= MAX_POSTINGS:
        del held[0]
    held.append(position)


def _rare_postings(
    index: Snapshot, article: Article, frequency: Callable[[str, str], int]
) -> tuple[int, list[int]]:
    """The number of the article's rarest words looked up (at most ``RARE_WORDS`` of those in at most
    ``MAX_POSTINGS`` documents, from its headline and lead: a copy shares them), and the live documents holding
    each, one entry per word held."""
    lead = f"{article.headline}\n{article.body[:LEAD_CHARS]}"
    words = set(index.analyse("content", " ".join(set(lead.split()))))
    frequencies = [(frequency("content", word), word) for word in words]
    rarest = sorted((df, word) for df, word in frequencies if 0 < df <= MAX_POSTINGS)[:RARE_WORDS]
    found: list[int] = []
    for _, word in rarest:
        found.extend(index.docs("content", word))
    return len(rarest), found
