"""Near-identical copies (wire reprints): the MinHash band keys an article is indexed under, and the check of a
candidate pair (no Whoosh here; ``grouping.py`` looks candidates up in the index).

A story's text (headline and body) is cut into overlapping runs of ``SHINGLE`` normalised words. Two stories are
copies when the Jaccard similarity of their sets of runs is at least ``THRESHOLD``. Comparing every pair would
not scale, so each story is indexed under ``BANDS`` keys made from a MinHash signature of its runs (locality
sensitive hashing): stories that share a key are candidates, and a candidate is a copy only once the exact
Jaccard similarity of the two texts says so. With 16 bands of 4 rows, a pair at Jaccard 0.7 shares a key with
probability 0.98, at 0.5 0.65, at 0.3 0.12.

Two kinds of copy share less than that and are told by their headlines too: a shortened copy (the same headline,
its runs mostly inside the longer story's) and a wire correction (a headline starting "CORRECTED" or "CORRECTION",
naming the story it corrects by its first two words, and repeating a good part of it).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime, timedelta

from rensa import RMinHash

#: Words per shingle.
SHINGLE = 3
BANDS = 16
ROWS = 4
#: Fixed, so that the band keys of one run match those stored by another.
SEED = 20261127
#: The least Jaccard similarity of two stories' shingles for them to be copies, and for stories of fewer than
#: ``SHORT`` shingles (chosen on BBC and Reuters-21578: a short templated item, "Qtly div 11 cts vs 11 cts prior"
#: of another company, a hog market report of another town, differs from its neighbour by a word or two).
THRESHOLD = 0.6
SHORT = 60
SHORT_THRESHOLD = 0.9
#: Dated copies are at most this far apart: the same text weeks apart is a recurring report ("Fed sets customer
#: repurchases", "Bundesbank leaves credit policies unchanged"), not a reprint.
MAX_DAYS = 3
#: A shortened copy: under the same headline, at most ``SHORTENED`` of the other's runs and at least ``CONTAINED``
#: of its own inside them (``SHORT_THRESHOLD`` for a short one). A recurring report of the same headline (a
#: weekly figure, the day's grain ships) is as long as the last one: the length rule keeps it out.
SHORTENED = 0.8
CONTAINED = 0.8
#: A correction: at least this share of the shorter story's runs in the other (chosen on the 51 corrections of
#: Reuters-21578: the corrected text rewrites a figure, a name or the lead, and keeps about half of the rest).
CORRECTION_CONTAINED = 0.4

_WORD = re.compile(r"\w+")
#: A correction's marker: "CORRECTED - ", "(CORRECTED)-", "Correction: " (not "Correction agency plans dropped").
_CORRECTION = re.compile(r"\W*correct(?:ed|ion)[)>\]]?\s*[-:\u2013\u2014]\W*", re.IGNORECASE)
_MARKS = re.compile(r"[\u0300-\u036f]+")  # the combining accents NFKD splits off
#: Band keys: a band's four 32-bit rows reduced modulo a prime below 2**61 (plain arithmetic: the same in every
#: process and Python version, unlike ``hash``).
_PRIME = 2**61 - 1


def words(text: str) -> list[str]:
    """The words of a text, lower-cased and accent-folded; numbers kept (they tell templated stories apart)."""
    text = text.lower()
    if not text.isascii():
        text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
    return _WORD.findall(text)


def shingles(headline: str, body: str) -> frozenset[str]:
    """The runs of ``SHINGLE`` words of a story (one run of all its words when it has fewer)."""
    found = words(f"{headline}\n{body}")
    if len(found) <= SHINGLE:
        return frozenset([" ".join(found)]) if found else frozenset()
    return frozenset(
        map(" ".join, zip(*(found[i:] for i in range(SHINGLE)), strict=False))
    )  # the shortest ends them


def band_keys(runs: Iterable[str]) -> list[str]:
    """The LSH keys of a set of shingles: one per band, the band's number and a hash of its MinHash rows. None
    for an empty text."""
    runs = list(runs)  # in any order: a MinHash is a minimum over them
    if not runs:
        return []
    minhash = RMinHash(BANDS * ROWS, SEED)
    minhash.update(runs)
    digest = minhash.digest()
    keys = []
    for band in range(BANDS):
        value = 0
        for row in digest[band * ROWS : (band + 1) * ROWS]:
            value = (value << 32) | row
        keys.append(f"{band:x}{value % _PRIME:x}")
    return keys


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """The Jaccard similarity of two shingle sets (0 when either is empty)."""
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


def is_correction(headline: str) -> bool:
    """Whether a headline marks a wire correction ("CORRECTED - ...", "(CORRECTION) ...")."""
    return _CORRECTION.match(headline) is not None


def headline_words(headline: str) -> tuple[str, ...]:
    """A headline's words of two characters or more (names, tickers; not the "s" of "U.S."), a leading
    correction marker left out."""
    found = _CORRECTION.match(headline)
    return tuple(word for word in words(headline[found.end() if found else 0 :]) if len(word) > 1)


def names(a_headline: str, b_headline: str) -> bool:
    """Whether two headlines may be of one story under the rules for shortened copies and corrections: the same
    words, or one is a correction whose first two different words are in the other's."""
    return related(
        headline_words(a_headline),
        is_correction(a_headline),
        headline_words(b_headline),
        is_correction(b_headline),
    )


def related(a: tuple[str, ...], a_corrects: bool, b: tuple[str, ...], b_corrects: bool) -> bool:
    """``names`` of two headlines' words and whether each is a correction."""
    if not a or not b:
        return False
    return (
        a == b or (a_corrects and set(first_two(a)) <= set(b)) or (b_corrects and set(first_two(b)) <= set(a))
    )


def first_two(words: tuple[str, ...]) -> tuple[str, ...]:
    """The first two different words of a headline (its subject, mostly: "IBM <IBM> ..." gives "ibm" and the
    next)."""
    return tuple(dict.fromkeys(words))[:2]


def copies(
    a: frozenset[str],
    b: frozenset[str],
    a_date: datetime | None,
    b_date: datetime | None,
    a_headline: str = "",
    b_headline: str = "",
) -> bool:
    """Whether two stories (their shingles, dates and headlines) are near-identical copies."""
    return judge(len(a & b), len(a), len(b), a_date, b_date, named(a_headline), named(b_headline))


def named(headline: str) -> tuple[tuple[str, ...], bool]:
    """A headline's words (``headline_words``) and whether it marks a correction."""
    return headline_words(headline), is_correction(headline)


def judge(
    common: int,
    a_size: int,
    b_size: int,
    a_date: datetime | None,
    b_date: datetime | None,
    a_named: tuple[tuple[str, ...], bool],
    b_named: tuple[tuple[str, ...], bool],
) -> bool:
    """``copies`` from the number of shingles two stories share, the number each has, their dates and their
    headlines' ``named``."""
    if a_date and b_date and abs(a_date - b_date) > timedelta(days=MAX_DAYS):
        return False
    small, large = sorted((a_size, b_size))
    least = THRESHOLD if small >= SHORT else SHORT_THRESHOLD
    if small and common / (a_size + b_size - common) >= least:
        return True
    if not small or not related(*a_named, *b_named):
        return False
    inside = common / small
    if a_named[1] or b_named[1]:
        return inside >= CORRECTION_CONTAINED
    shortened = small <= SHORTENED * large
    return shortened and inside >= (CONTAINED if small >= SHORT else SHORT_THRESHOLD)
