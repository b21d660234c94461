"""Turn the text a person types into a Whoosh query.

Plain words are ORed with a bonus for documents that match more of them; ``AND``, ``OR``, ``NOT``, quoted phrases,
``field:value``, ``wildcard*`` and ``fuzzy~`` work when typed. Anything the parser cannot make sense of becomes
plain words, never an exception.
"""

from __future__ import annotations

import re

from whoosh import query as wq
from whoosh.qparser import FieldAliasPlugin, FuzzyTermPlugin, MultifieldParser, OrGroup, PlusMinusPlugin

from newssearch.errors import QueryError
from newssearch.schema import DEFAULT_FIELDS, FIELD_ALIASES, FIELD_BOOSTS

MAX_QUERY_CHARS = 10_000
#: More distinct words than this and a query is refused: it would take seconds, and no person types it.
MAX_TERMS = 1_000


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


def parse(parser, text: str) -> wq.Query:
    """Parse query text; raises QueryError (one line) for text that cannot be searched."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query is too long ({len(text):,} characters; the limit is {MAX_QUERY_CHARS:,})")
    if not text.strip():
        raise QueryError("empty query: type some words to search for")
    try:
        q = parser.parse(text)
    except Exception:
        # The parser is lenient but not proven total: fall back to the words alone.
        try:
            q = parser.parse(" ".join("".join(c if c.isalnum() else " " for c in text).split()))
        except Exception as exc:
            raise QueryError(f"cannot parse query: {exc}") from None
    q = _exclusions_to_andnot(q)
    if _count_terms(q) > MAX_TERMS:
        raise QueryError(f"query has too many distinct words (the limit is {MAX_TERMS:,})")
    return q
