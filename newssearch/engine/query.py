"""Turn the text a person types into a Whoosh query that runs in bounded time.

Plain words are ORed, each searched in every default field (``schema.FIELD_BOOSTS``); ``AND``, ``OR``, ``NOT``,
quoted phrases, ``field:value``, ``+required``, ``-excluded``, ``wildcard*`` and ``fuzzy~`` work when typed.
Anything the parser cannot make sense of becomes plain words, never an exception.

``prepare`` parses, refuses a query of stop words alone and bounds what it may cost (``bounds.py``), returning
what it changed as one-line notes; what cannot be searched raises QueryError. ``require`` adds a filter.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeAlias

from whoosh import query as wq

from newssearch.engine.bounds import (
    FAST_OR_WORDS,
    MAX_EXPANDED_POSTINGS,
    MAX_EXPANSION_POSTINGS,
    MAX_EXPANSIONS,
    MAX_FUZZY_EDITS,
    MAX_OR_POSTINGS,
    MAX_OR_WORDS,
    MAX_SCANNED_TERMS,
    MIN_FUZZY_PREFIX,
    MIN_WILDCARD_PREFIX,
    bound,
)
from newssearch.engine.entities import canonical_names
from newssearch.engine.fields import read_fields
from newssearch.engine.matchers import SafeAndNot, SafeRequire, TimedPhrase
from newssearch.engine.schema import DEFAULT_FIELDS, FIELD_ALIASES, FIELD_BOOSTS, STOP_WORDS, build_schema
from newssearch.errors import QueryError
from newssearch.text.sanitize import one_line, shorten

if TYPE_CHECKING:
    from whoosh.qparser import MultifieldParser

__all__ = [
    "FAST_OR_WORDS",
    "MAX_EXPANDED_POSTINGS",
    "MAX_EXPANSIONS",
    "MAX_EXPANSION_POSTINGS",
    "MAX_FUZZY_EDITS",
    "MAX_NESTING",
    "MAX_OR_POSTINGS",
    "MAX_OR_WORDS",
    "MAX_QUERY_CHARS",
    "MAX_SCANNED_TERMS",
    "MAX_TERMS",
    "MIN_FUZZY_PREFIX",
    "MIN_WILDCARD_PREFIX",
    "OPERATORS",
    "Prepared",
    "Query",
    "date_range",
    "make_parser",
    "parse",
    "plain_words",
    "prepare",
    "require",
    "stop_words_only",
]

#: A Whoosh query (Whoosh has no type hints).
Query: TypeAlias = wq.Query

MAX_QUERY_CHARS = 10_000
#: More distinct words than this and a query is refused: it would take seconds, and no person types it.
MAX_TERMS = 1_000
#: Brackets nested deeper than this are read as plain words (deep trees would exhaust Python's recursion).
MAX_NESTING = 40

#: Query-syntax words that are operators, not words to search for, when typed in capitals.
OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE", "TO"})
_SCHEMA = build_schema()
_FIELD_NAMES = frozenset(
    [name.lower() for name in _SCHEMA.names()]
    + [alias.lower() for aliases in FIELD_ALIASES.values() for alias in aliases]
)


def _keeps_stop_words(fieldobj: Any) -> bool:
    try:
        return fieldobj.indexed and bool(list(fieldobj.process_text("the", mode="query")))
    except Exception:  # a field that does not analyze text (dates, stored only)
        return False


#: Names (and aliases) of fields that search every word as typed, stop words included: ``org:WHO``, ``place:"The
#: Hague"`` ask for them on purpose.
_WHOLE_WORD_FIELDS = frozenset(
    alias.lower()
    for name, fieldobj in _SCHEMA.items()
    if _keeps_stop_words(fieldobj)
    for alias in [name, *FIELD_ALIASES.get(name, [])]
)
_FIELD_VALUE = re.compile(r"(?<!\w)(\w+):(\"[^\"]*\"?|\([^)]*\)?|[^\s()]+)")
_WILDCARD_CHARS = "*?\u055e\u061f\u1367"
_WORD = re.compile(r"\w+")
#: Words as the analyzer reads them (``schema.TOKEN_PATTERN`` without ``*``): ``5.5`` and ``U.S.`` are one word.
_TEXT_WORD = re.compile(r"\d+(?:\.\d+)+|[^\W\d_](?:\.[^\W\d_])+(?=\.?(?!\w))|\w+")
_PLAIN_WORD = re.compile(r"\d+(?:\.\d+)+|[^\W\d_](?:\.[^\W\d_])+|[^\W_]+")
_MINUS = re.compile(r"(?<![^\s(])-(?=\S)")  # the parser's "-word" (PlusMinusPlugin's expression below)


@dataclass
class Prepared:
    """A query ready to run (``searcher.search(prepared.query)``), and what was changed to make it so."""

    query: Query
    notes: list[str] = field(default_factory=list)


def plain_words(text: str) -> str:
    """The words of ``text`` alone, lower-cased so that none reads as an operator, a field or a phrase (``U.S.`` whole)."""
    return " ".join(_TEXT_WORD.findall(text)).lower()


def make_parser(schema: Any) -> MultifieldParser:
    """The query parser: default fields with their boosts, words ORed, fuzzy terms, field aliases, +/-."""
    # Imported here: plain words, what most people type, are parsed without it (``_plain_or``).
    from whoosh.qparser import FieldAliasPlugin, FuzzyTermPlugin, MultifieldParser, OrGroup, PlusMinusPlugin

    # No coordination bonus (OrGroup.factory): Whoosh's normalize() drops it from a top-level OR, so a bracketed
    # group would be the only place it applied, scaling its words' scores; a word scores the same anywhere.
    parser = MultifieldParser(DEFAULT_FIELDS, schema, fieldboosts=FIELD_BOOSTS, group=OrGroup)
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
    words: list[str] = []
    operators: list[str] = []
    for m in _WORD.finditer(text):
        word, before, after = m.group(), text[m.start() - 1 : m.start()], text[m.end() : m.end() + 1]
        if (before in _WILDCARD_CHARS and before) or (after in _WILDCARD_CHARS and after):
            return False
        if after == ":" and word.lower() in _FIELD_NAMES:
            continue
        (operators if word in OPERATORS else words).append(word.lower())
    words = words or operators
    return bool(words) and all(word in STOP_WORDS for word in words)


def parse(parser: MultifieldParser, text: str) -> Query:
    """Parse query text; raises QueryError (one line) for text that cannot be searched.

    Wildcard, fuzzy and range terms are left for Whoosh to expand, without limit: search with ``prepare``.
    """
    return _parse(parser.schema, text, lambda: parser)


def _parse(
    schema: Any, text: str, parser: Callable[[], MultifieldParser], notes: list[str] | None = None
) -> Query:
    """``parse``, with the parser made only for text that is not plain words."""
    _check_text(text)
    q = _plain_or(schema, text)
    if q is None:
        q = _exclusions_to_andnot(_parse_or_words(parser(), text, notes))
    if len({getattr(leaf, "text", None) for leaf in q.leaves()}) > MAX_TERMS:
        raise QueryError(f"query has too many distinct words (the limit is {MAX_TERMS:,})")
    return _safe(q, schema)


def prepare(schema: Any, text: str, reader: Any, *, syntax: bool = True) -> Prepared:
    """Parse ``text`` (plain words with ``syntax=False``) into a query that runs in bounded time against
    ``reader``. Raises QueryError (one line) for what cannot be searched: empty, too long, only stop words, or
    beyond the limits of ``bounds.py`` (a short wildcard; wildcard/fuzzy/range terms that match too much)."""
    _check_text(text)
    notes: list[str] = []
    source, dated = read_fields(text, notes) if syntax else (plain_words(text), None)
    source = canonical_names(source, notes) if syntax else source  # place:UK as indexed: "United Kingdom"
    if dated and not source.strip():  # dates alone: every story of those dates
        return Prepared(bound(date_range(*dated), reader, notes, text), notes)
    if not source.strip():
        raise QueryError("empty query: type some words to search for")
    if stop_words_only(source):
        raise QueryError(
            f"“{shorten(text)}” has only common words (stop words), which are not searched; "
            "add a word that is more specific"
        )
    try:
        q = bound(_parse(schema, source, lambda: make_parser(schema), notes), reader, notes, source)
        return Prepared(require(q, date_range(*dated)) if dated else q, notes)
    except QueryError:
        raise
    except Exception as exc:
        raise QueryError(f"cannot search this query: {one_line(str(exc)) or type(exc).__name__}") from None


def require(q: Query, condition: Query) -> Query:
    """Documents matching both ``q`` and ``condition`` (a filter), scored by ``q`` alone."""
    return SafeRequire(q, condition)


def date_range(start: datetime | None, end: datetime | None) -> Query:
    """Articles dated from ``start`` to ``end`` (both included; None: open), as Whoosh stores dates (naive UTC)."""
    return wq.DateRange("date", start, end)


def _check_text(text: str) -> None:
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query is too long ({len(text):,} characters; the limit is {MAX_QUERY_CHARS:,})")
    if not text.strip():
        raise QueryError("empty query: type some words to search for")


def _parse_or_words(parser: MultifieldParser, text: str, notes: list[str] | None = None) -> Query:
    """Parse ``text``; if the parser fails or nests too deeply, parse its plain words instead (and say so in
    ``notes``)."""
    # Whoosh's +/- plugin fails on a "-word" inside brackets joined by AND; "NOT word" means the same there.
    for attempt in dict.fromkeys([text, _MINUS.sub("NOT ", text)]):
        try:
            q = _parse_counted(parser, attempt)
            if _depth(q) <= MAX_NESTING:
                return q
        except Exception:
            pass
    if notes is not None:
        notes.append("the query's operators could not be read together, so its words were searched instead")
    words = plain_words(text)
    if not words:
        raise QueryError("cannot parse query: it has no words to search for")
    try:
        return _parse_counted(parser, words)
    except Exception as exc:
        raise QueryError(f"cannot parse query: {one_line(str(exc)) or type(exc).__name__}") from None


def _parse_counted(parser: MultifieldParser, text: str) -> Query:
    return _count_repeats(_one_word_phrases(parser.parse(text, normalize=False))).normalize()


def _one_word_phrases(q: Query) -> Query:
    """A quoted single word as a term that keeps its field's boost (Whoosh's normalize() drops it, so ``"oil"``
    counted as much in the headline as in the body)."""
    if isinstance(q, wq.Phrase) and len(q.words) == 1:
        return wq.Term(q.fieldname, q.words[0], boost=q.boost)
    return q.apply(_one_word_phrases) if isinstance(q, (wq.CompoundQuery, wq.BinaryQuery, wq.Not)) else q


def _plain_or(schema: Any, text: str) -> Query | None:
    """The parser's own query for text of plain words (letters and digits, one space apart, no operator), built
    without the parser (four times faster); None for any other text."""
    words = text.split(" ")
    if len(words) > MAX_TERMS or not all(_PLAIN_WORD.fullmatch(w) and w not in OPERATORS for w in words):
        return None
    analyzed: dict[tuple[int, str], list[str]] = {}  # fields with equal analyzers analyse a word once
    counts: Counter[tuple[str, str]] = Counter()
    groups = _analyzer_groups(schema)
    for word in words:
        for fieldname in DEFAULT_FIELDS:
            key = (groups[fieldname], word)
            if key not in analyzed:
                analyzed[key] = list(schema[fieldname].process_text(word, mode="query"))
            counts.update((fieldname, token) for token in analyzed[key])
    terms = [wq.Term(f, token, boost=FIELD_BOOSTS[f] * n) for (f, token), n in counts.items()]
    return wq.Or(terms).normalize()


#: id(schema) -> (schema, its analyzer groups): worked out once per schema an open index reads (not stored on
#: the schema object, which Whoosh pickles).
_GROUPS: dict[int, tuple[Any, dict[str, int]]] = {}


def _analyzer_groups(schema: Any) -> dict[str, int]:
    """Each default field's group: fields whose analyzers are equal (headline and body; the entity fields) share
    one."""
    cached = _GROUPS.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    analyzers: list[Any] = []
    groups: dict[str, int] = {}
    for fieldname in DEFAULT_FIELDS:
        analyzer = schema[fieldname].analyzer
        same = [i for i, other in enumerate(analyzers) if other == analyzer]
        groups[fieldname] = same[0] if same else len(analyzers)
        if not same:
            analyzers.append(analyzer)
    if len(_GROUPS) >= 8:
        _GROUPS.clear()
    _GROUPS[id(schema)] = (schema, groups)  # replaced, never emptied under a search on another thread
    return groups


def _count_repeats(q: Query) -> Query:
    """A word typed more than once counts that many times (its boost multiplied), as in Lucene's and bm25s's
    queries: long questions repeat their key words. Whoosh would keep it once. Words ORed together are counted,
    through nested ORs (which Whoosh merges into one); a repeat inside a phrase or an AND is left alone."""
    if type(q) is not wq.Or:
        return q.apply(_count_repeats) if isinstance(q, wq.CompoundQuery) else q
    flat: list[Query] = []
    for sub in q.subqueries:
        sub = _count_repeats(sub)
        if type(sub) is wq.Or:  # merged as normalize() merges it
            flat.extend(s.with_boost(s.boost * sub.boost) for s in sub.subqueries)
        else:
            flat.append(sub)
    counts = Counter(flat)  # Whoosh's == compares queries with their boosts
    subs = [sub.with_boost(sub.boost * n) if n > 1 else sub for sub, n in counts.items()]
    return q.__class__(subs, boost=q.boost, minmatch=q.minmatch, scale=q.scale)


def _depth(q: Query) -> int:
    """Depth of a query tree (at most MAX_NESTING + 1), without recursion."""
    deepest, stack = 0, [(q, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_NESTING:
            break
        stack.extend((child, level + 1) for child in node.children())
    return deepest


def _exclusions_to_andnot(q: Query) -> Query:
    """Make ``a b NOT c`` mean "a or b, but not c": in an OR group Whoosh would read it as "a or b or not-c"; and
    ``a AND NOT c`` exclude without Whoosh's Not adding a flat 1 to every match's score."""
    if isinstance(q, wq.Or):
        subs, positives, negatives = _split_exclusions(q)
        if negatives:
            if not positives:
                return wq.Or(subs, boost=q.boost)
            kept = (
                positives[0] if len(positives) == 1 else q.__class__(positives, boost=q.boost, scale=q.scale)
            )
            return wq.AndNot(kept, negatives[0] if len(negatives) == 1 else wq.Or(negatives))
        return q.__class__(subs, boost=q.boost, scale=q.scale)
    if type(q) is wq.And:
        subs, positives, negatives = _split_exclusions(q)
        if negatives and positives:
            kept = positives[0] if len(positives) == 1 else wq.And(positives)
            excluded = negatives[0] if len(negatives) == 1 else wq.Or(negatives)
            return wq.AndNot(kept.with_boost(kept.boost * q.boost), excluded)
        return wq.And(subs, boost=q.boost)
    return q.apply(_exclusions_to_andnot)


def _split_exclusions(q: Query) -> tuple[list[Query], list[Query], list[Query]]:
    """A group's subqueries (each made over), those that are not ``NOT x``, and the x of those that are."""
    subs = [_exclusions_to_andnot(s) for s in q.subqueries]
    return (
        subs,
        [s for s in subs if not isinstance(s, wq.Not)],
        [s.query for s in subs if isinstance(s, wq.Not)],
    )


def _safe(q: Query, schema: Any) -> Query:
    """The query with AndNot and Require made safe (``matchers.py``), and terms that cannot be searched
    (``date:"was"``, a word Whoosh cannot turn into a date) made into nothing."""
    changed = False

    def visit(q: Query) -> Query:
        nonlocal changed
        if isinstance(q, wq.AndNot):
            return SafeAndNot(visit(q.a), visit(q.b))
        if isinstance(q, wq.Require):
            return SafeRequire(visit(q.a), visit(q.b))
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
            return q if isinstance(q, wq.Term) else TimedPhrase.of(q)  # stops at the deadline; not too long
        return q.apply(visit)

    q = visit(q)
    return q.normalize() if changed else q
