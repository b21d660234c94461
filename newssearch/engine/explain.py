"""Why a hit scored what it did: the score of each field and word of the query in one article.

A query's score is the sum of its words' BM25 scores in each field, each times its boost (the field's weight, the
number of times the word was typed), so the parts are worked out again here, word by word, with the searcher's own
scorer, and each phrase's as a whole. Should anything else ever add to a score, it is given as one remainder, so
the parts always add up.
"""

from __future__ import annotations

import math
import re
import time
from bisect import bisect_right
from collections.abc import Iterator
from typing import Any

from whoosh import query as wq
from whoosh.collectors import TimeLimit
from whoosh.fields import TEXT
from whoosh.searching import Searcher

from newssearch.engine.deadline import DEADLINE
from newssearch.engine.matchers import Expanded
from newssearch.engine.schema import TOKEN_PATTERN
from newssearch.models import Contribution

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
    fields = [(name, fieldobj) for name, fieldobj in schema.items() if isinstance(fieldobj, TEXT)]
    for word in dict.fromkeys(_TOKEN.findall(text)):  # a pasted article repeats its words
        for fieldname, fieldobj in fields:
            for term in fieldobj.process_text(word, mode="query"):
                out.setdefault((fieldname, term), word)
    return out


def explain(
    searcher: Searcher,
    q: wq.Query,
    hits: list[tuple[int, float]],
    typed: dict[tuple[str, str], str] | None = None,
    deadline: float = math.inf,
) -> list[list[Contribution]] | None:
    """The parts of each hit's score, for hits given as (document number, score): largest first, a last part with
    ``field=""`` holding what the words alone do not account for. Words are given as typed where ``typed``
    (``typed_words``) knows them, else as the index holds them. Each word's postings are read once per segment,
    through the hits in order; None once ``deadline`` (a ``time.monotonic()`` value) has passed."""
    token = DEADLINE.set(deadline)  # a phrase's matcher stops there too (``matchers.TimedPhrase``)
    try:
        return _explain(searcher, q, hits, typed or {}, deadline)
    except TimeLimit:
        return None
    finally:
        DEADLINE.reset(token)


def _explain(
    searcher: Searcher,
    q: wq.Query,
    hits: list[tuple[int, float]],
    typed: dict[tuple[str, str], str],
    deadline: float,
) -> list[list[Contribution]] | None:
    parts: list[dict[tuple[str, str], float]] = [{} for _ in hits]
    for subsearcher, wanted in _by_segment(searcher, hits):
        for fieldname, leaf, boost in _leaves(q, subsearcher.schema):
            if time.monotonic() > deadline:
                return None
            if isinstance(leaf, wq.Phrase):  # its matcher applies its own boost
                words = [typed.get((fieldname, w), w) for w in leaf.words]
                m, word = leaf.matcher(subsearcher, subsearcher.context()), '"' + " ".join(words) + '"'
            elif (fieldname, leaf) in subsearcher.reader():
                m = subsearcher.postings(fieldname, leaf, weighting=searcher.weighting)
                word = _word(subsearcher, fieldname, leaf)
                word = typed.get((fieldname, word), word)
            else:
                continue
            for local, i in wanted:
                if not m.is_active():
                    break
                if m.id() < local:
                    m.skip_to(local)
                if m.is_active() and m.id() == local:
                    value = m.score() * boost
                    if value > _TINY:
                        parts[i][(fieldname, word)] = parts[i].get((fieldname, word), 0.0) + value
    out = []
    for (_, score), found in zip(hits, parts, strict=True):
        listed = [Contribution(f, w, s) for (f, w), s in sorted(found.items(), key=lambda item: -item[1])]
        rest = score - sum(found.values())
        if abs(rest) > 1e-6:
            listed.append(Contribution("", "", rest))
        out.append(listed)
    return out


def _by_segment(
    searcher: Searcher, hits: list[tuple[int, float]]
) -> Iterator[tuple[Any, list[tuple[int, int]]]]:
    """(segment searcher, [(document number in the segment, index in ``hits``)] in order)."""
    subs = sorted(searcher.leaf_searchers(), key=lambda item: item[1])
    offsets = [offset for _, offset in subs]
    grouped: dict[int, list[tuple[int, int]]] = {}
    for i, (docnum, _) in enumerate(hits):
        k = bisect_right(offsets, docnum) - 1
        grouped.setdefault(k, []).append((docnum - offsets[k], i))
    for k, wanted in sorted(grouped.items()):
        yield subs[k][0], sorted(wanted)


def _word(searcher: Searcher, fieldname: str, btext: bytes) -> str:
    try:
        return str(searcher.schema[fieldname].from_bytes(btext))
    except Exception:  # a field whose terms are not text (a date)
        return btext.decode("utf-8", "replace")
