"""Why a hit scored what it did: the score of each field and word of the query in one article.

A query's score is the sum of its words' BM25 scores in each field, each times its boost (the field's weight, the
number of times the word was typed), so the parts are worked out again here, word by word, with the searcher's own
scorer, and each phrase's as a whole. What the parts do not cover (the bonus of an OR that asks for more words to
match) is given as one remainder.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from whoosh import query as wq
from whoosh.fields import TEXT
from whoosh.searching import Searcher

from newssearch.matchers import Expanded
from newssearch.models import Contribution
from newssearch.schema import TOKEN_PATTERN

_TOKEN = re.compile(TOKEN_PATTERN)
#: Contributions smaller than this are left out (and counted in the remainder).
_TINY = 1e-9


def _leaves(q: wq.Query, schema: Any, boost: float = 1.0) -> Iterator[tuple[str, bytes | wq.Phrase, float]]:
    """(field, word as indexed or a phrase, boost) of each scoring word and phrase of ``q``; excluded and
    filtering parts give none."""
    if isinstance(q, wq.Phrase):
        yield q.fieldname, q, boost
    elif isinstance(q, Expanded):
        for btext in q.btexts:
            yield q.fieldname, btext, boost * q.boost
    elif isinstance(q, wq.Term) and q.fieldname in schema:
        try:
            yield q.fieldname, schema[q.fieldname].to_bytes(q.text), boost * q.boost
        except Exception:  # a word the field cannot hold matches nothing
            return
    elif isinstance(q, (wq.AndNot, wq.Require)):
        yield from _leaves(q.a, schema, boost * q.boost)
    elif isinstance(q, wq.AndMaybe):
        yield from _leaves(q.a, schema, boost * q.boost)
        yield from _leaves(q.b, schema, boost * q.boost)
    elif isinstance(q, (wq.Or, wq.And, wq.DisjunctionMax)):
        for sub in q.subqueries:
            yield from _leaves(sub, schema, boost * q.boost)


def typed_words(schema: Any, text: str) -> dict[tuple[str, str], str]:
    """(field, term) -> the word of ``text`` that made it, so that a part reads "prices", not "price"."""
    out: dict[tuple[str, str], str] = {}
    for word in _TOKEN.findall(text):
        for fieldname, fieldobj in schema.items():
            if isinstance(fieldobj, TEXT):
                for term in fieldobj.process_text(word, mode="query"):
                    out.setdefault((fieldname, term), word)
    return out


def explain(
    searcher: Searcher,
    q: wq.Query,
    docnum: int,
    score: float,
    typed: dict[tuple[str, str], str] | None = None,
) -> list[Contribution]:
    """The parts of ``score``, the score of document ``docnum`` for query ``q``, largest first; a last part with
    ``field=""`` holds what the words alone do not account for. Words are given as typed where ``typed``
    (``typed_words``) knows them, else as the index holds them."""
    typed = typed or {}
    leaves = [(s, docnum - offset) for s, offset in _subsearchers(searcher) if offset <= docnum]
    subsearcher, local = leaves[-1]
    parts: dict[tuple[str, str], float] = {}
    for fieldname, leaf, boost in _leaves(q, subsearcher.schema):
        if isinstance(leaf, wq.Phrase):  # its matcher applies its own boost
            words = [typed.get((fieldname, w), w) for w in leaf.words]
            m, word = leaf.matcher(subsearcher, subsearcher.context()), '"' + " ".join(words) + '"'
        elif (fieldname, leaf) in subsearcher.reader():
            m = subsearcher.postings(fieldname, leaf, weighting=searcher.weighting)
            word = _word(subsearcher, fieldname, leaf)
            word = typed.get((fieldname, word), word)
        else:
            continue
        if m.is_active() and m.id() < local:
            m.skip_to(local)
        if not m.is_active() or m.id() != local:
            continue
        value = m.score() * boost
        if value > _TINY:
            parts[(fieldname, word)] = parts.get((fieldname, word), 0.0) + value
    out = [Contribution(f, w, s) for (f, w), s in sorted(parts.items(), key=lambda item: -item[1])]
    rest = score - sum(parts.values())
    if abs(rest) > 1e-6:
        out.append(Contribution("", "", rest))
    return out


def _subsearchers(searcher: Searcher) -> list[tuple[Any, int]]:
    subs: list[tuple[Any, int]] = searcher.leaf_searchers()
    return sorted(subs, key=lambda item: item[1])


def _word(searcher: Searcher, fieldname: str, btext: bytes) -> str:
    try:
        return str(searcher.schema[fieldname].from_bytes(btext))
    except Exception:  # a field whose terms are not text (a date)
        return btext.decode("utf-8", "replace")
