"""What a parsed query may cost: ``bound`` expands wildcard, prefix, fuzzy and range terms against the index's word
list within the limits below, and keeps the rarest words of a long OR.

Whoosh would expand terms without limit (``a*`` or ``oil~3`` took minutes on Reuters-21578). What was cut is added
to ``notes``, one line each; what cannot be searched within the limits raises QueryError.
"""

from __future__ import annotations

import copy
import fnmatch
import re
from collections.abc import Iterator, Sequence
from typing import Any

from whoosh import query as wq
from whoosh.support.levenshtein import damerau_levenshtein

from newssearch.engine.matchers import Expanded, FastOr
from newssearch.engine.schema import DEFAULT_FIELDS, STOP_WORDS
from newssearch.errors import QueryError
from newssearch.text.sanitize import one_line, shorten

#: Letters a wildcard needs before its first ``*`` or ``?``: ``a*`` expands to a tenth of the word list.
MIN_WILDCARD_PREFIX = 2
#: A wildcard, fuzzy or range term searches at most this many words per field: the most common (fuzzy: the
#: closest, then the most common).
MAX_EXPANSIONS = 100
#: ...and words that occur in at most this many documents together (per field). Searching costs about 3-6 µs per
#: document a word occurs in: 100,000 is about 0.5 s.
MAX_EXPANSION_POSTINGS = 100_000
#: A query whose wildcard, fuzzy and range terms together search more documents than this is refused.
MAX_EXPANDED_POSTINGS = 200_000
#: A query whose wildcard, fuzzy and range terms need more words of the index looked at than this is refused
#: (2-letter prefixes look at up to ~4,000 words per field on Reuters-21578, an open range at up to ~50,000).
MAX_SCANNED_TERMS = 200_000
#: ``oil~3`` is searched as ``oil~2``: three edits of a short word match most short words.
MAX_FUZZY_EDITS = 2
#: Fuzzy matches share at least this many first letters with the word (``word~2/3`` asks for more). Most
#: misspellings keep the first letter, and it keeps the scan to a 20th of the word list.
MIN_FUZZY_PREFIX = 1
#: An OR query (a pasted article) searches at most this many distinct words, the rarest (fewest documents, so
#: highest idf), and at most MAX_OR_POSTINGS documents summed over its words: rarest first, until either is reached.
#: The judged collections of ``benchmarks/`` rank as before (CISI has queries of up to 173 words).
MAX_OR_WORDS = 100
MAX_OR_POSTINGS = 200_000
#: ...or this many per story of the index, if more: a few common words of a short query are all searched in an
#: index of a million stories (where "oil" alone is in 200,000), and a pasted article still reads a bounded share.
OR_POSTINGS_PER_STORY = 10
#: An OR of this many distinct words or more is run by ``matchers.FastOr`` (same scores as Whoosh's, summed in
#: another order): Whoosh's cost grows with words x matching documents, FastOr's with the documents each word is in.
#: Every OR, even one word searched in the default fields: FastOr was faster on every query of ``benchmarks/``, and
#: it visits every match, so the top-k pass also gives the exact total (``collect.py``).
FAST_OR_WORDS = 1

#: Words found for a term, best first once sorted: (closeness (fuzzy) or 0, -document frequency, the word).
_Found = list[tuple[int, int, bytes]]


def bound(q: wq.Query, reader: Any, notes: list[str], source: str = "") -> wq.Query:
    """``q`` with every expanding term bounded (an ``Expanded``) and long ORs made ``FastOr`` of their rarest words.

    ``reader`` is the searcher's IndexReader; ``source`` the text typed, to quote terms in notes and errors.
    """
    bounder = _Bounder(reader, notes, source)
    bounded = bounder(q)
    if bounder.changed:
        bounded = bounded.normalize()
    return _keep_rarest_words(bounded, reader, notes)


class _Bounder:
    """Replaces every expanding term of a query tree by an ``Expanded`` with a bounded list of words."""

    def __init__(self, reader: Any, notes: list[str], source: str = "") -> None:
        self.reader = reader
        self.notes = notes
        self.source = source
        self.scanned = 0  # words of the index looked at, for MAX_SCANNED_TERMS
        self.postings = 0  # documents of the words kept, for MAX_EXPANDED_POSTINGS
        self.changed = False
        self._noted: set[str] = set()

    def __call__(self, q: wq.Query) -> wq.Query:
        if isinstance(q, Expanded):
            return q
        if isinstance(q, wq.Every):
            raise _wildcard_error("*")
        if isinstance(q, wq.MultiTerm):
            self.changed = True
            return self._expand(q)
        if isinstance(q, wq.CompoundQuery) and not isinstance(q, wq.BinaryQuery):
            # Not q.apply(): it drops Or's scale (the bonus for matching more words), which changes the ranking.
            new = copy.copy(q)
            new.subqueries = [self(s) for s in q.subqueries]
            return new
        return q.apply(self)

    def _expand(self, q: wq.MultiTerm) -> wq.Query:
        fieldname = q.field()
        schema = self.reader.schema
        if not fieldname or fieldname not in schema or not schema[fieldname].indexed:
            return wq.NullQuery
        fieldobj = schema[fieldname]
        how = "most common"
        if isinstance(q, wq.FuzzyTerm):
            typed = self._typed(q, f"{q.text}~{int(q.maxdist)}")
            found = self._fuzzy(q, fieldobj, typed)
            how = "closest"
        elif isinstance(q, wq.Prefix):
            typed = self._typed(q, q.text + "*")
            found = self._pattern(fieldobj, fieldname, typed, q.text, None)
        elif isinstance(q, wq.PatternQuery):  # Wildcard (and Regex, which the parser does not make)
            is_wildcard = isinstance(q, wq.Wildcard)
            typed = self._typed(q, q.text if is_wildcard else f"r{q.text!r}")
            try:
                pattern = re.compile(fnmatch.translate(q.text) if is_wildcard else q._get_pattern())
            except re.error as exc:
                raise QueryError(f"cannot search “{typed}”: {one_line(str(exc))}") from None
            found = self._pattern(fieldobj, fieldname, typed, q._find_prefix(q.text), pattern)
        elif isinstance(q, wq.TermRange):
            low = f"{q.start} " if q.start else ""
            high = f" {q.end}" if q.end else ""
            typed = shorten(f"{'{' if q.startexcl else '['}{low}TO{high}{'}' if q.endexcl else ']'}", 40)
            found = self._range(q, fieldobj)
        else:  # another expanding term (Variations): its own expansion, counted against the same limits
            typed = shorten(str(q), 40)
            found = []
            for b in q._btexts(self.reader):
                self._count_scanned()
                b = b if isinstance(b, bytes) else fieldobj.to_bytes(b)
                found.append((0, -self.reader.doc_frequency(fieldname, b), b))
        found.sort()
        words: list[bytes] = []
        documents = 0
        for _, negative_df, btext in found[:MAX_EXPANSIONS]:
            if words and documents - negative_df > MAX_EXPANSION_POSTINGS:
                break
            words.append(btext)
            documents -= negative_df
        if len(words) < len(found):
            self._note(
                f"capped {typed}", f"“{typed}” matches {len(found):,} words: searched the {len(words)} {how}"
            )
        self.postings += documents
        if self.postings > MAX_EXPANDED_POSTINGS:
            raise QueryError(
                "the wildcard, fuzzy and range terms of this query match too many common words together; "
                "make them more specific or use fewer"
            )
        if not words:
            return wq.NullQuery
        out = Expanded(
            fieldname, words, typed, boost=q.boost, constantscore=getattr(q, "constantscore", True)
        )
        out.startchar, out.endchar = getattr(q, "startchar", None), getattr(q, "endchar", None)
        return out

    def _typed(self, q: wq.Query, fallback: str) -> str:
        """The term as typed (``Economy~9``, ``pr*``), for messages: the parser keeps only where the word is."""
        start, end, source = getattr(q, "startchar", None), getattr(q, "endchar", None), self.source
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(source)):
            return shorten(fallback, 40)  # the parser's text of the term can hold line breaks
        while start > 0 and not source[start - 1].isspace():
            start -= 1
        while end < len(source) and not source[end].isspace():
            end += 1
        typed = source[start:end].rsplit(":", 1)[-1].strip("()+-\"'")
        return shorten(typed or fallback, 40)

    def _count_scanned(self) -> None:
        self.scanned += 1
        if self.scanned > MAX_SCANNED_TERMS:
            raise QueryError(
                "the wildcard, fuzzy and range terms of this query have too many words to look through; "
                "make them more specific or use fewer"
            )

    def _scan(self, fieldname: str, start: bytes) -> Iterator[tuple[bytes, int]]:
        """(word, document frequency) of the words of a field from ``start`` on, in order, counted."""
        for btext, info in self.reader.iter_field(fieldname, start):
            self._count_scanned()
            yield btext, info.doc_frequency()

    def _pattern(
        self, fieldobj: Any, fieldname: str, typed: str, prefix: str, pattern: re.Pattern[str] | None
    ) -> _Found:
        if len(prefix) < MIN_WILDCARD_PREFIX:
            raise _wildcard_error(typed)
        bprefix = fieldobj.to_bytes(prefix)
        found: _Found = []
        for btext, df in self._scan(fieldname, bprefix):
            if not btext.startswith(bprefix):
                break
            if pattern is None or pattern.match(fieldobj.from_bytes(btext)):
                found.append((0, -df, btext))
        return found

    def _fuzzy(self, q: wq.FuzzyTerm, fieldobj: Any, typed: str) -> _Found:
        text = q.text
        maxdist = max(int(q.maxdist), 0)
        if maxdist > MAX_FUZZY_EDITS:
            word = typed.rsplit("~", 1)[0]
            self._note(
                f"edits {typed}",
                f"“{typed}”: at most {MAX_FUZZY_EDITS} edits are allowed; searched {word}~{MAX_FUZZY_EDITS}",
            )
            maxdist = MAX_FUZZY_EDITS
        # ~n/m asks for the first m letters to match; more than the word has means the whole word.
        prefixlength = min(max(int(q.prefixlength or 0), MIN_FUZZY_PREFIX), len(text))
        if not text:
            return []
        bprefix = fieldobj.to_bytes(text[:prefixlength])
        found: _Found = []
        for btext, df in self._scan(q.fieldname, bprefix):
            if not btext.startswith(bprefix):
                break
            word = fieldobj.from_bytes(btext)
            if abs(len(word) - len(text)) > maxdist:
                continue
            distance = damerau_levenshtein(word, text, maxdist)
            if distance <= maxdist:
                found.append((distance, -df, btext))
        return found

    def _range(self, q: wq.TermRange, fieldobj: Any) -> _Found:
        try:
            bstart = fieldobj.to_bytes("" if q.start is None else q.start)
            bend = None if q.end is None else fieldobj.to_bytes(q.end)
        except ValueError:
            return []
        found: _Found = []
        for btext, df in self._scan(q.fieldname, bstart):
            if btext == bstart and q.startexcl:
                continue
            if bend is not None and (btext > bend or (btext == bend and q.endexcl)):
                break
            found.append((0, -df, btext))
        return found

    def _note(self, key: str, note: str) -> None:
        """One note per term typed (the first field's, the main one), not one per field."""
        if key not in self._noted:
            self._noted.add(key)
            self.notes.append(note)


def _wildcard_error(shown: str) -> QueryError:
    return QueryError(
        f"cannot search “{shown}”: a wildcard needs at least {MIN_WILDCARD_PREFIX} letters before the first * or ?, "
        "as in “soleim*” or “econom?”; type more of the word"
    )


# Long OR queries: keep the rarest words.


def _keep_rarest_words(q: wq.Query, reader: Any, notes: list[str], excluded: bool = False) -> wq.Query:
    """Every OR of the tree with FAST_OR_WORDS words or more becomes a FastOr, keeping its rarest words. An OR
    that excludes (after NOT or ``-``) or filters (``Require``'s second side) keeps all its words: dropping some
    would let through documents the person excluded."""
    if isinstance(q, (wq.AndNot, wq.Require)):
        return q.__class__(
            _keep_rarest_words(q.a, reader, notes, excluded), _keep_rarest_words(q.b, reader, notes, True)
        )
    if isinstance(q, wq.Not):
        return q.apply(lambda child: _keep_rarest_words(child, reader, notes, True))
    if isinstance(q, wq.CompoundQuery) and not isinstance(q, wq.BinaryQuery):
        new = copy.copy(q)  # not q.apply(), which drops Or's scale
        new.subqueries = [_keep_rarest_words(sub, reader, notes, excluded) for sub in q.subqueries]
        return _keep_rarest_in_or(new, reader, notes, prune=not excluded) if isinstance(new, wq.Or) else new
    return q.apply(lambda child: _keep_rarest_words(child, reader, notes, excluded))


def _word_groups(subqueries: Sequence[wq.Query]) -> list[list[int]]:
    """Indexes of the subqueries of a (flattened) OR, grouped by the word they came from.

    The multi-field parser makes one subquery per default field for each word, in DEFAULT_FIELDS order; terms carry
    the position of their word in the text, phrases do not.
    """
    order: dict[str | None, int] = {name: i for i, name in enumerate(DEFAULT_FIELDS)}
    groups: dict[tuple[str, int, int], list[int]] = {}
    # (key, class, field order) of the last subquery without a position
    previous: tuple[tuple[str, int, int], type, int] | None = None
    for i, sub in enumerate(subqueries):
        start, end = getattr(sub, "startchar", None), getattr(sub, "endchar", None)
        fieldname = sub.field() if sub.is_leaf() else None
        if start is not None and end is not None and fieldname:
            key = ("at", start, end)
        else:
            rank = order.get(fieldname, -1)
            if previous and previous[1] is sub.__class__ and rank > previous[2] >= 0:
                key = previous[0]
            else:
                key = ("item", i, 0)
            previous = (key, sub.__class__, rank)
        groups.setdefault(key, []).append(i)
    return list(groups.values())


def _rarity(subs: Sequence[wq.Query], reader: Any) -> tuple[tuple[int, int], int]:
    """(sort key, documents): the key sorts rarest first: wildcard/fuzzy terms (typed on purpose, and bounded on
    their own) first, then by the documents of the word in headline and body, then words of entity fields only;
    stop words and words in no document last. Documents: how many postings searching the word reads."""
    if any(isinstance(leaf, Expanded) for sub in subs for leaf in sub.leaves()):
        return (0, 0), 0
    pairs = {(f, t) for sub in subs for f, t in sub.iter_all_terms(phrases=True)}
    frequencies: dict[tuple[str, Any], int] = {}
    for fieldname, text in pairs:
        try:
            frequencies[fieldname, text] = reader.doc_frequency(fieldname, text)
        except Exception:
            frequencies[fieldname, text] = 0
    documents = sum(frequencies.values())
    if not pairs or all(str(t) in STOP_WORDS for _, t in pairs):
        return (3, 0), documents
    main = [df for (f, _), df in frequencies.items() if f in ("content", "headline") and df]
    if main:  # the word's stories: content holds the headline too (a word of few headlines is not rare)
        return (1, max(main)), documents
    other = [df for df in frequencies.values() if df]
    return ((2, min(other)) if other else (3, 0)), documents


def _keep_rarest_in_or(q: wq.Or, reader: Any, notes: list[str], prune: bool = True) -> wq.Query:
    """An OR of FAST_OR_WORDS words or more becomes a FastOr of its rarest words: at most MAX_OR_WORDS of them,
    reading at most MAX_OR_POSTINGS postings, or OR_POSTINGS_PER_STORY per story (always at least one word); all
    of them if not ``prune``."""
    groups = _word_groups(q.subqueries)
    if q.minmatch or (len(groups) < FAST_OR_WORDS and (len(groups) <= MAX_OR_WORDS or not prune)):
        return q
    subqueries = q.subqueries
    if prune:
        rarity = [_rarity([q.subqueries[i] for i in group], reader) for group in groups]
        kept: list[int] = []
        documents = 0
        most = max(MAX_OR_POSTINGS, OR_POSTINGS_PER_STORY * reader.doc_count())
        for g in sorted(range(len(groups)), key=lambda g: (rarity[g][0], g)):
            if len(kept) == MAX_OR_WORDS or (kept and documents + rarity[g][1] > most):
                break
            kept.append(g)
            documents += rarity[g][1]
        if len(kept) < len(groups):
            note = f"long query: searched the {len(kept)} rarest of its {len(groups):,} words"
            if note not in notes:
                notes.append(note)
            subqueries = [q.subqueries[i] for i in sorted(i for g in kept for i in groups[g])]
    return FastOr(subqueries, boost=q.boost, minmatch=q.minmatch, scale=q.scale)
