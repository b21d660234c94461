"""Turn the text a person types into a Whoosh query that runs in bounded time.

Plain words are ORed with a bonus for documents that match more of them; ``AND``, ``OR``, ``NOT``, quoted phrases,
``field:value``, ``wildcard*`` and ``fuzzy~`` work when typed. Anything the parser cannot make sense of becomes
plain words, never an exception.

``prepare`` is the entry point for searching: besides parsing, it expands wildcard, prefix, fuzzy and range terms
itself against the index's word list, with the limits below (Whoosh would expand them without limit: ``a*`` or
``oil~3`` took minutes on Reuters-21578), keeps the rarest words of a very long OR query, and refuses a query made
only of stop words. What it changed is returned as one-line notes for the user; what cannot be searched raises
QueryError.
"""

from __future__ import annotations

import copy
import fnmatch
import re
from bisect import bisect_left
from dataclasses import dataclass, field

from whoosh import matching
from whoosh import query as wq
from whoosh.matching import ReadTooFar
from whoosh.qparser import FieldAliasPlugin, FuzzyTermPlugin, MultifieldParser, OrGroup, PlusMinusPlugin
from whoosh.support.levenshtein import damerau_levenshtein

from newssearch.errors import QueryError
from newssearch.schema import DEFAULT_FIELDS, FIELD_ALIASES, FIELD_BOOSTS, STOP_WORDS, build_schema

MAX_QUERY_CHARS = 10_000
#: More distinct words than this and a query is refused: it would take seconds, and no person types it.
MAX_TERMS = 1_000

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
#: An OR of this many distinct words or more is run by newssearch's own matcher (same scores as Whoosh's, summed in
#: another order): Whoosh's cost grows with words x matching documents, this one's with the documents each word
#: is in.
FAST_OR_WORDS = 12
#: Brackets nested deeper than this are read as plain words (deep trees would exhaust Python's recursion).
MAX_NESTING = 40

#: Query-syntax words that are operators, not words to search for, when typed in capitals.
OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"})
_FIELD_NAMES = frozenset(
    [name.lower() for name in build_schema().names()]
    + [alias.lower() for aliases in FIELD_ALIASES.values() for alias in aliases]
)


def _keeps_stop_words(fieldobj) -> bool:
    try:
        return fieldobj.indexed and bool(list(fieldobj.process_text("the", mode="query")))
    except Exception:  # a field that does not analyze text (dates, stored only)
        return False


#: Names (and aliases) of fields that search every word as typed, stop words included: ``org:WHO``, ``place:"The
#: Hague"`` ask for them on purpose.
_WHOLE_WORD_FIELDS = frozenset(
    alias.lower()
    for name, fieldobj in build_schema().items()
    if _keeps_stop_words(fieldobj)
    for alias in [name, *FIELD_ALIASES.get(name, [])]
)
_FIELD_VALUE = re.compile(r"(\w+):(\"[^\"]*\"?|\([^)]*\)?|[^\s()]+)")
_WILDCARD_CHARS = "*?\u055e\u061f\u1367"
_WORD = re.compile(r"\w+")


@dataclass
class Prepared:
    """A query ready to run (``searcher.search(prepared.query)``), and what was changed to make it so."""

    query: wq.Query
    notes: list[str] = field(default_factory=list)


def plain_words(text: str) -> str:
    """The words of ``text`` alone, lower-cased so that none reads as an operator, a field or a phrase."""
    return " ".join(re.findall(r"\w+", text)).lower()


def make_parser(schema):
    parser = MultifieldParser(DEFAULT_FIELDS, schema, fieldboosts=FIELD_BOOSTS, group=OrGroup.factory(0.9))
    parser.add_plugin(FuzzyTermPlugin())
    parser.add_plugin(FieldAliasPlugin(FIELD_ALIASES))
    # +required and -excluded only at the start of a word, so "U.S.-Iranian" stays one phrase of words.
    parser.add_plugin(PlusMinusPlugin(plusexpr=r"(?<![^\s(])\+(?=\S)", minusexpr=r"(?<![^\s(])-(?=\S)"))
    return parser


def stop_words_only(text: str) -> bool:
    """True if every word of ``text`` is a stop word, so that no word of it is searched in headline and body.

    Field names before a colon and operators in capitals do not count as words (unless there is nothing else); a
    word touching a ``*`` or ``?`` is a wildcard, and a word asked for in an entity or label field (``org:WHO``) is
    searched as typed: neither is a stop word. Text without any word is not "stop words only".
    """
    for m in _FIELD_VALUE.finditer(text):
        if m.group(1).lower() in _WHOLE_WORD_FIELDS and _WORD.search(m.group(2)):
            return False
    words, operators = [], []
    for m in _WORD.finditer(text):
        word, before, after = m.group(), text[m.start() - 1 : m.start()], text[m.end() : m.end() + 1]
        if (before in _WILDCARD_CHARS and before) or (after in _WILDCARD_CHARS and after):
            return False
        if after == ":" and word.lower() in _FIELD_NAMES:
            continue
        (operators if word in OPERATORS else words).append(word.lower())
    words = words or operators
    return bool(words) and all(word in STOP_WORDS for word in words)


def _exclusions_to_andnot(q: wq.Query) -> wq.Query:
    """Make ``a b NOT c`` mean "a or b, but not c": in an OR group Whoosh would read it as "a or b or not-c"."""
    if isinstance(q, wq.Or):
        subs = [_exclusions_to_andnot(s) for s in q.subqueries]
        negatives = [s.query for s in subs if isinstance(s, wq.Not)]
        positives = [s for s in subs if not isinstance(s, wq.Not)]
        if negatives:
            if not positives:
                return wq.Or(subs, boost=q.boost)
            kept = (
                positives[0] if len(positives) == 1 else q.__class__(positives, boost=q.boost, scale=q.scale)
            )
            excluded = negatives[0] if len(negatives) == 1 else wq.Or(negatives)
            return wq.AndNot(kept, excluded)
        return q.__class__(subs, boost=q.boost, scale=q.scale)
    return q.apply(_exclusions_to_andnot)


def _count_terms(q: wq.Query) -> int:
    return len({getattr(leaf, "text", None) for leaf in q.leaves()})


def _check_text(text: str) -> None:
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query is too long ({len(text):,} characters; the limit is {MAX_QUERY_CHARS:,})")
    if not text.strip():
        raise QueryError("empty query: type some words to search for")


def _parse_or_words(parser, text: str) -> wq.Query:
    """Parse ``text``; if the parser fails or nests too deeply, parse its plain words instead."""
    try:
        q = parser.parse(text)
        if _depth(q) <= MAX_NESTING:
            return q
    except Exception:
        pass
    words = plain_words(text)
    if not words:
        raise QueryError("cannot parse query: it has no words to search for")
    try:
        return parser.parse(words)
    except Exception as exc:
        raise QueryError(f"cannot parse query: {_one_line(str(exc)) or type(exc).__name__}") from None


def parse(parser, text: str) -> wq.Query:
    """Parse query text; raises QueryError (one line) for text that cannot be searched.

    Wildcard, fuzzy and range terms are left for Whoosh to expand, without limit: search with ``prepare``.
    """
    _check_text(text)
    q = _exclusions_to_andnot(_parse_or_words(parser, text))
    if _count_terms(q) > MAX_TERMS:
        raise QueryError(f"query has too many distinct words (the limit is {MAX_TERMS:,})")
    return _safe(q, parser.schema)


def prepare(schema, text: str, reader, *, syntax: bool = True) -> Prepared:
    """Parse ``text`` into a query that runs in bounded time against ``reader`` (the searcher's IndexReader).

    With ``syntax=False`` the text is taken as plain words. Wildcards need ``MIN_WILDCARD_PREFIX`` letters before
    the first ``*`` or ``?``; wildcard, fuzzy and range terms are expanded here, at most ``MAX_EXPANSIONS`` words
    (and ``MAX_EXPANSION_POSTINGS`` documents) each per field; fuzzy terms allow at most ``MAX_FUZZY_EDITS``
    edits; an OR of more than ``MAX_OR_WORDS`` distinct words (or ``MAX_OR_POSTINGS`` documents) keeps its
    rarest words, and one of ``FAST_OR_WORDS`` or more is scored by newssearch's own matcher. Raises QueryError
    (one line) for what cannot be searched: empty, too long, only stop words, a wildcard without enough letters,
    wildcard/fuzzy/range terms that together match too much.
    """
    _check_text(text)
    source = text if syntax else plain_words(text)
    if not source.strip():
        raise QueryError("empty query: type some words to search for")
    if stop_words_only(source):
        raise QueryError(
            f"“{_shorten(text)}” has only common words (stop words), which are not searched; "
            "add a word that is more specific"
        )
    notes: list[str] = []
    try:
        q = parse(make_parser(schema), source)
        bounder = _Bounder(reader, notes, source)
        bounded = bounder(q)
        if bounder.changed:
            bounded = bounded.normalize()
        return Prepared(_keep_rarest_words(bounded, reader, notes), notes)
    except QueryError:
        raise
    except Exception as exc:
        raise QueryError(f"cannot search this query: {_one_line(str(exc)) or type(exc).__name__}") from None


# Queries that Whoosh would fail to run.


class _SafeAndNotMatcher(matching.AndNotMatcher):
    """Whoosh's AndNotMatcher reads past the end (IndexError) when skipping low-scoring blocks exhausts its
    positive side, as in ``-heavy Lee valued because`` on Reuters-21578."""

    def skip_to_quality(self, minquality):
        skipped = self.a.skip_to_quality(minquality)
        if self.a.is_active():
            self._find_next()
        return skipped


class _SafeRequireMatcher(matching.RequireMatcher):
    """The same flaw as AndNotMatcher's, in RequireMatcher (it also trips an assertion)."""

    def skip_to_quality(self, minquality):
        skipped = self.a.skip_to_quality(minquality)
        self.child._find_first()  # re-aligns both sides only if both are still active
        return skipped


class _AndNot(wq.AndNot):
    def matcher(self, searcher, context=None):
        scored = self.a.matcher(searcher, context)
        return _SafeAndNotMatcher(scored, self.b.matcher(searcher, searcher.boolean_context()))


class _Require(wq.Require):
    def matcher(self, searcher, context=None):
        scored = self.a.matcher(searcher, context)
        return _SafeRequireMatcher(scored, self.b.matcher(searcher, searcher.boolean_context()))


def _safe(q: wq.Query, schema) -> wq.Query:
    """The query with AndNot and Require made safe, and terms that cannot be searched (``date:"was"``, a word
    Whoosh cannot turn into a date) made into nothing."""
    changed = False

    def visit(q: wq.Query) -> wq.Query:
        nonlocal changed
        if isinstance(q, wq.AndNot):
            return _AndNot(visit(q.a), visit(q.b))
        if isinstance(q, wq.Require):
            return _Require(visit(q.a), visit(q.b))
        if isinstance(q, wq.CompoundQuery) and not isinstance(q, wq.BinaryQuery):
            new = copy.copy(q)  # not q.apply(), which drops Or's scale
            new.subqueries = [visit(s) for s in q.subqueries]
            return new
        if isinstance(q, (wq.Term, wq.Phrase)):
            words = [q.text] if isinstance(q, wq.Term) else q.words
            try:
                fieldobj = schema[q.fieldname]
                for word in words:
                    fieldobj.to_bytes(word)
            except Exception:
                changed = True
                return wq.NullQuery
            return q
        return q.apply(visit)

    q = visit(q)
    return q.normalize() if changed else q


# Bounded expansion of wildcard, fuzzy and range terms.


class Expanded(wq.MultiTerm):
    """A wildcard, fuzzy or range term already expanded against the index to a fixed list of words.

    Scored as Whoosh scores the term it replaces (an OR of its words: their scores added up, times the boost), so
    ranking is unchanged when nothing was capped. Whoosh leaves the boost out when a term expands to one word;
    this does not, so a headline-only (×0.3) match stays a bonus.
    """

    def __init__(self, fieldname, btexts, text, boost=1.0, constantscore=True):
        self.fieldname = fieldname
        self.btexts = tuple(btexts)
        self.text = text
        self.boost = boost
        self.constantscore = constantscore

    def _btexts(self, ixreader):
        return self.btexts

    def matcher(self, searcher, context=None):
        # Whoosh would OR one matcher per word: a binary tree of unions that took seconds for 100 common words.
        # Reading each word's postings once and adding up the scores gives the same scores in a tenth of the time.
        reader = searcher.reader()
        scores: dict[int, float] = {}
        first: dict[int, int] = {}
        if context is not None and context.weighting is None:
            # Only which documents match is asked for (counting the matches, say): no scores.
            for k, btext in enumerate(self.btexts):
                if (self.fieldname, btext) in reader:
                    for docnum in reader.postings(self.fieldname, btext).all_ids():
                        first.setdefault(docnum, k)
            if not first:
                return matching.NullMatcher()
            ids = sorted(first)
            return _PreloadedMatcher(
                ids, [0.0] * len(ids), [[(self.fieldname, self.btexts[first[d]])] for d in ids]
            )
        weighting = (context.weighting if context is not None else None) or searcher.weighting
        for k, btext in enumerate(self.btexts):
            if (self.fieldname, btext) not in reader:
                continue
            m = searcher.postings(self.fieldname, btext, weighting=weighting)
            is_active, current, score, advance, get = m.is_active, m.id, m.score, m.next, scores.get
            while is_active():
                docnum = current()
                old = get(docnum)
                if old is None:
                    scores[docnum] = score()
                    first[docnum] = k
                else:
                    scores[docnum] = old + score()
                advance()
        if not scores:
            return matching.NullMatcher()
        ids = sorted(scores)
        boost, fieldname, btexts = self.boost, self.fieldname, self.btexts
        return _PreloadedMatcher(
            ids, [scores[d] * boost for d in ids], [[(fieldname, btexts[first[d]])] for d in ids]
        )

    def __eq__(self, other):
        return (
            other
            and self.__class__ is other.__class__
            and self.fieldname == other.fieldname
            and self.btexts == other.btexts
            and self.boost == other.boost
            and self.constantscore == other.constantscore
        )

    def __hash__(self):
        return hash((self.__class__.__name__, self.fieldname, self.btexts, self.boost, self.constantscore))

    def __repr__(self):
        return f"{self.__class__.__name__}({self.fieldname!r}, {self.text!r}, {len(self.btexts)} words)"

    def __str__(self):
        return f"{self.fieldname}:{self.text}"

    __unicode__ = __str__


class _PreloadedMatcher(matching.Matcher):
    """Documents whose scores and matched terms were computed in advance, in docnum order.

    To Whoosh it shows term matchers ("faces"): the j-th is active on a document that matched at least j + 1
    terms, and its term is the j-th of them. So recording matched terms for highlighting and an OR's
    coordination bonus (which counts the term matchers matching a document) work as on Whoosh's own matchers.
    """

    def __init__(self, ids, scores, terms, position=0, top=None):
        self._ids = ids
        self._scores = scores
        self._terms = terms
        self._i = position
        self._top = max(scores, default=0.0) if top is None else top
        self._faces = [_Face(self, j) for j in range(max(map(len, terms), default=0))]

    def __repr__(self):
        return f"<{self.__class__.__name__} {len(self._ids)} docs>"

    def current_terms(self):
        return self._terms[self._i] if self._i < len(self._ids) else ()

    def is_active(self):
        return self._i < len(self._ids)

    def reset(self):
        self._i = 0

    def id(self):
        if self._i >= len(self._ids):
            raise ReadTooFar
        return self._ids[self._i]

    def next(self):
        if self._i >= len(self._ids):
            raise ReadTooFar
        self._i += 1

    def skip_to(self, id):
        if self._i >= len(self._ids):
            raise ReadTooFar
        if id > self._ids[self._i]:
            self._i = bisect_left(self._ids, id, self._i)

    def all_ids(self):
        return iter(self._ids[self._i :])

    def copy(self):
        return _PreloadedMatcher(self._ids, self._scores, self._terms, self._i, self._top)

    def replace(self, minquality=0):
        if not self.is_active() or (minquality and self._top < minquality):
            return matching.NullMatcher()
        return self

    def children(self):
        return self._faces

    def matching_terms(self, id=None):
        if self.is_active() and (id is None or id == self._ids[self._i]):
            yield from self._terms[self._i]

    def supports_block_quality(self):
        return False

    def max_quality(self):
        return self._top  # an upper bound for the documents left, as Whoosh asks

    def block_quality(self):
        return self._top

    def supports(self, astype):
        return False

    def value(self):
        raise NotImplementedError("no stored values")

    def value_as(self, astype):
        raise NotImplementedError("no stored values")

    def weight(self):
        return self._scores[self._i]

    def score(self):
        return self._scores[self._i]


class _Face(matching.Matcher):
    """The j-th term matcher of a ``_PreloadedMatcher``: positioned as its parent, active where the parent's
    current document matched more than j terms."""

    def __init__(self, parent: _PreloadedMatcher, j: int):
        self._parent = parent
        self._j = j

    def is_active(self):
        return self._j < len(self._parent.current_terms())

    def reset(self):
        pass

    def id(self):
        return self._parent.id()

    def next(self):
        raise ReadTooFar

    def term(self):
        terms = self._parent.current_terms() or self._parent._terms[0]
        return terms[self._j] if self._j < len(terms) else terms[0]

    def copy(self):
        return self

    def supports(self, astype):
        return False

    def value(self):
        raise NotImplementedError("no stored values")

    def value_as(self, astype):
        raise NotImplementedError("no stored values")

    def score(self):
        return 0.0


class _Bounder:
    """Replaces every expanding term of a query tree by an ``Expanded`` with a bounded list of words.

    Each word found is kept with its document frequency: the words searched are the most common (fuzzy: the closest,
    then the most common), at most MAX_EXPANSIONS and MAX_EXPANSION_POSTINGS documents per term and field.
    """

    def __init__(self, reader, notes: list[str], source: str = ""):
        self.reader = reader
        self.notes = notes
        self.source = source
        self.scanned = 0
        self.postings = 0
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
                raise QueryError(f"cannot search “{typed}”: {_one_line(str(exc))}") from None
            found = self._pattern(fieldobj, fieldname, typed, q._find_prefix(q.text), pattern)
        elif isinstance(q, wq.TermRange):
            low = f"{q.start} " if q.start else ""
            high = f" {q.end}" if q.end else ""
            typed = f"{'{' if q.startexcl else '['}{low}TO{high}{'}' if q.endexcl else ']'}"
            found = self._range(q, fieldobj)
        else:  # another expanding term (Variations): its own expansion, counted against the same limits
            typed = str(q)
            found = []
            for b in q._btexts(self.reader):
                self._count_scanned()
                b = _as_bytes(fieldobj, b)
                found.append((-self.reader.doc_frequency(fieldname, b), b))
            found.sort()
        # found: best first, each (sort key..., -document frequency, bytes).
        words, documents = [], 0
        for item in found[:MAX_EXPANSIONS]:
            df = -item[-2]
            if words and documents + df > MAX_EXPANSION_POSTINGS:
                break
            words.append(item[-1])
            documents += df
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
        """The term as the person typed it (``Economy~9``, ``pr*``), for messages; the parser keeps only where
        the word or the ``*`` is."""
        start, end, source = getattr(q, "startchar", None), getattr(q, "endchar", None), self.source
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(source)):
            return fallback
        while start > 0 and not source[start - 1].isspace():
            start -= 1
        while end < len(source) and not source[end].isspace():
            end += 1
        typed = source[start:end].rsplit(":", 1)[-1].strip("()+-\"'")
        return _shorten(typed, 40) if typed else fallback

    def _count_scanned(self) -> None:
        self.scanned += 1
        if self.scanned > MAX_SCANNED_TERMS:
            raise QueryError(
                "the wildcard, fuzzy and range terms of this query have too many words to look through; "
                "make them more specific or use fewer"
            )

    def _scan(self, fieldname, start: bytes):
        """(bytes, document frequency) of the words of a field from ``start`` on, in order, counted."""
        for btext, info in self.reader.iter_field(fieldname, start):
            self._count_scanned()
            yield btext, info.doc_frequency()

    def _pattern(self, fieldobj, fieldname, typed: str, prefix: str, pattern):
        if len(prefix) < MIN_WILDCARD_PREFIX:
            raise _wildcard_error(typed)
        bprefix = fieldobj.to_bytes(prefix)
        found = []
        for btext, df in self._scan(fieldname, bprefix):
            if not btext.startswith(bprefix):
                break
            if pattern is None or pattern.match(fieldobj.from_bytes(btext)):
                found.append((-df, btext))
        found.sort()
        return found

    def _fuzzy(self, q: wq.FuzzyTerm, fieldobj, typed: str):
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
        found = []
        for btext, df in self._scan(q.fieldname, bprefix):
            if not btext.startswith(bprefix):
                break
            word = fieldobj.from_bytes(btext)
            if abs(len(word) - len(text)) > maxdist:
                continue
            distance = damerau_levenshtein(word, text, maxdist)
            if distance <= maxdist:
                found.append((distance, -df, btext))
        found.sort()
        return found

    def _range(self, q: wq.TermRange, fieldobj):
        try:
            bstart = fieldobj.to_bytes("" if q.start is None else q.start)
            bend = None if q.end is None else fieldobj.to_bytes(q.end)
        except ValueError:
            return []
        found = []
        for btext, df in self._scan(q.fieldname, bstart):
            if btext == bstart and q.startexcl:
                continue
            if bend is not None and (btext > bend or (btext == bend and q.endexcl)):
                break
            found.append((-df, btext))
        found.sort()
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


def _as_bytes(fieldobj, text) -> bytes:
    return text if isinstance(text, bytes) else fieldobj.to_bytes(text)


# Long OR queries: keep the rarest words.


def _keep_rarest_words(q: wq.Query, reader, notes: list[str], excluded: bool = False) -> wq.Query:
    """Every OR of the tree with FAST_OR_WORDS words or more becomes a _FastOr, keeping its rarest words. An OR
    that excludes (after NOT or ``-``) or filters (``Require``'s second side) keeps all its words: dropping some
    would let through documents the person excluded."""
    if isinstance(q, wq.AndNot):
        return q.__class__(
            _keep_rarest_words(q.a, reader, notes, excluded), _keep_rarest_words(q.b, reader, notes, True)
        )
    if isinstance(q, wq.Require):
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


def _word_groups(subqueries) -> list[list[int]]:
    """Indexes of the subqueries of a (flattened) OR, grouped by the word they came from.

    The multi-field parser makes one subquery per default field for each word, in DEFAULT_FIELDS order; terms carry
    the position of their word in the text, phrases do not.
    """
    order = {name: i for i, name in enumerate(DEFAULT_FIELDS)}
    groups: dict[object, list[int]] = {}
    previous = None  # (key, class, field order) of the last subquery without a position
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
                key = ("item", i)
            previous = (key, sub.__class__, rank)
        groups.setdefault(key, []).append(i)
    return list(groups.values())


def _rarity(subs, reader) -> tuple[tuple[int, int], int]:
    """(sort key, documents): the key sorts rarest first: wildcard/fuzzy terms (typed on purpose, and bounded on
    their own) first, then by the documents of the word in headline and body, then words of entity fields only;
    stop words and words in no document last. Documents: how many postings searching the word reads."""
    if any(isinstance(leaf, Expanded) for sub in subs for leaf in sub.leaves()):
        return (0, 0), 0
    pairs = {(f, t) for sub in subs for f, t in sub.iter_all_terms(phrases=True)}
    frequencies = {}
    for fieldname, text in pairs:
        try:
            frequencies[fieldname, text] = reader.doc_frequency(fieldname, text)
        except Exception:
            frequencies[fieldname, text] = 0
    documents = sum(frequencies.values())
    if not pairs or all(str(t) in STOP_WORDS for _, t in pairs):
        return (3, 0), documents
    main = [df for (f, _), df in frequencies.items() if f in ("content", "headline") and df]
    if main:
        return (1, min(main)), documents
    other = [df for df in frequencies.values() if df]
    return ((2, min(other)) if other else (3, 0)), documents


def _keep_rarest_in_or(q: wq.Or, reader, notes: list[str], prune: bool = True) -> wq.Query:
    """An OR of FAST_OR_WORDS words or more becomes a _FastOr of its rarest words: at most MAX_OR_WORDS of them,
    reading at most MAX_OR_POSTINGS postings (always at least one word); all of them if not ``prune``."""
    groups = _word_groups(q.subqueries)
    if q.minmatch or (len(groups) < FAST_OR_WORDS and (len(groups) <= MAX_OR_WORDS or not prune)):
        return q
    if not prune:
        return _FastOr(q.subqueries, boost=q.boost, minmatch=q.minmatch, scale=q.scale)
    rarity = [_rarity([q.subqueries[i] for i in group], reader) for group in groups]
    kept, documents = [], 0
    for g in sorted(range(len(groups)), key=lambda g: (rarity[g][0], g)):
        if len(kept) == MAX_OR_WORDS or (kept and documents + rarity[g][1] > MAX_OR_POSTINGS):
            break
        kept.append(g)
        documents += rarity[g][1]
    subqueries = q.subqueries
    if len(kept) < len(groups):
        note = f"long query: searched the {len(kept)} rarest of its {len(groups):,} words"
        if note not in notes:
            notes.append(note)
        subqueries = [q.subqueries[i] for i in sorted(i for g in kept for i in groups[g])]
    return _FastOr(subqueries, boost=q.boost, minmatch=q.minmatch, scale=q.scale)


class _FastOr(wq.Or):
    """An OR of many words, scored exactly as Whoosh scores an OR (the matching subqueries' scores added up, times
    the boost, then the coordination bonus for matching more words), but computed by reading each subquery's
    matches once. Whoosh steps a binary tree of unions and, for the bonus, walks every term of the tree for every
    matching document: seconds for a pasted article even when its words are rare.
    """

    def matcher(self, searcher, context=None):
        subms = [m for m in (s.matcher(searcher, context) for s in self.subqueries) if m.is_active()]
        if not subms:
            return matching.NullMatcher()
        termcount = sum(1 for m in subms for _ in m.term_matchers())
        boolean = context is not None and context.weighting is None
        scores: dict[int, float] = {}
        terms: dict[int, list] = {}
        for m in subms:
            single = m.term()
            if single is None and type(m) is matching.WrappingMatcher:  # a boosted term
                single = m.child.term()
            is_active, current, score, advance = m.is_active, m.id, m.score, m.next
            while is_active():
                docnum = current()
                found = terms.get(docnum)
                if found is None:
                    found = terms[docnum] = []
                    scores[docnum] = 0.0
                if single is not None:
                    found.append(single)
                else:
                    found.extend(m.matching_terms(docnum))
                if not boolean:
                    scores[docnum] += score()
                advance()
        ids = sorted(terms)
        boost, scale = self.boost, self.scale
        final = []
        for docnum in ids:
            total = scores[docnum] * boost
            if scale and termcount:  # Whoosh's CoordMatcher ("SQR")
                if termcount == scale:
                    total = 0.0
                else:
                    matched = len(terms[docnum])
                    total = (total + (matched - 1) / (termcount - scale) ** 2) * ((termcount - 1) / termcount)
            final.append(total)
        return _PreloadedMatcher(ids, final, [terms[d] for d in ids])


# Helpers


def _depth(q: wq.Query) -> int:
    """Depth of a query tree, without recursion."""
    deepest, stack = 0, [(q, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_NESTING:
            break
        stack.extend((child, level + 1) for child in node.children())
    return deepest


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _shorten(text: str, limit: int = 60) -> str:
    text = _one_line("".join(c if c.isprintable() else " " for c in text))
    return text if len(text) <= limit else text[: limit - 1] + "…"
