"""Entity queries read as stories about the entity: ``person:``, ``org:`` and ``place:`` (and their aliases).

An entity field says whether a story names the entity, not how much it is about it: every story naming Tony Blair
holds ``tony blair`` once in ``person_text``. So at query time the entity term still decides what matches, and the
name's words in the headline and body score it (BM25, with the headline bonus of any query), so that a story
with the name in its headline, or naming the person often ("Mr Blair"), ranks above a passing mention. The schema
is unchanged.

The snippet of a query that asks only for entities is the sentence that names one: the name as typed, else (a
person) the surname the story goes on to use, highlighted.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq

from newssearch.engine.matchers import FastOr, SafeRequire
from newssearch.engine.schema import FIELD_ALIASES, FIELD_BOOSTS
from newssearch.models import Article, Snippet
from newssearch.text.sentences import sentence_snippet

#: The searchable entity fields (names analysed word by word) and the kind each holds.
ENTITY_FIELDS = {"person_text": "person", "org_text": "org", "place_text": "place"}
#: Weight of the entity field's own score next to the name's words: a tie-breaker (its score mostly says how
#: few other names the story has).
ENTITY_WEIGHT = 0.1
#: An entity term typed with its field has boost 1 (times what ``^`` gives); those the default fields add to
#: every plain word have FIELD_BOOSTS' 0.05 (times repeats): below this, a term is not one asked for.
_TYPED_BOOST = 0.5
_PREFIX = re.compile(
    r"(?<!\w)(?:"
    + "|".join(re.escape(alias) for name in ENTITY_FIELDS for alias in [name, *FIELD_ALIASES.get(name, [])])
    + r"):",
    re.IGNORECASE,
)


@dataclass
class Mentions:
    """The entities a query asks for (kind, name words) and whether nothing else is asked for."""

    names: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    only: bool = True

    def snippets(self, article: Article) -> tuple[Snippet, list[tuple[int, int]]] | None:
        """The body's sentence naming an entity and the mentions in the headline; None if the body has none."""
        forms = self._forms()
        for full, short in forms:
            for spans in (_spans(article.body, [full]), _spans(article.body, [short]) if short else []):
                if spans:
                    start = spans[0][0]
                    every = _spans(article.body, [f for pair in forms for f in pair if f])
                    snippet = sentence_snippet(article.body, [s for s in every if s[0] >= start] or spans)
                    if snippet is not None:
                        headline = _spans(article.headline, [f for pair in forms for f in pair if f])
                        return snippet, headline
        return None

    def _forms(self) -> list[tuple[re.Pattern[str], re.Pattern[str] | None]]:
        """For each name: its pattern as typed, and a person's surname alone."""
        out = []
        for kind, words in self.names:
            short = _name_pattern(words[-1:]) if kind == "person" and len(words) > 1 else None
            out.append((_name_pattern(words), short))
        return out


def focus(schema: Any, text: str, q: wq.Query) -> tuple[wq.Query, Mentions | None]:
    """``q`` with each entity term typed with its field scored by the name's words (see the module's docstring),
    and the entities asked for; ``q`` itself and None when the text has no entity field."""
    if not _PREFIX.search(text):
        return q, None
    mentions = Mentions()
    rewritten = _rewrite(q, schema, mentions)
    if not mentions.names:
        return q, None
    return rewritten, mentions


def _rewrite(q: wq.Query, schema: Any, mentions: Mentions) -> wq.Query:
    if isinstance(q, (wq.Term, wq.Phrase)):
        words = _entity_words(q)
        if words is None:
            mentions.only = mentions.only and q.fieldname not in FIELD_BOOSTS
            return q
        mentions.names.append((ENTITY_FIELDS[q.fieldname], words))
        scored = _name_words(schema, words, q.boost)
        if scored is None:
            return q
        return FastOr([q.with_boost(q.boost * ENTITY_WEIGHT), SafeRequire(scored, q)])  # all read at once
    if isinstance(q, wq.Not):
        return q
    if isinstance(q, wq.BinaryQuery):  # the excluded side (AndNot), or a filter (Require), is left as it is
        new = copy.copy(q)
        new.a = _rewrite(q.a, schema, mentions)
        if isinstance(q, wq.AndMaybe):
            new.b = _rewrite(q.b, schema, mentions)
        new.subqueries = (new.a, new.b)
        return new
    if isinstance(q, wq.CompoundQuery):
        new = copy.copy(q)  # not q.apply(), which drops Or's scale
        new.subqueries = [_rewrite(sub, schema, mentions) for sub in q.subqueries]
        return new
    for leaf in _leaves(q):  # any other query (an expanded wildcard): what it searches
        mentions.only = mentions.only and getattr(leaf, "fieldname", None) not in ("content", "headline")
    return q


def _leaves(q: wq.Query) -> Iterator[wq.Query]:
    yield from q.leaves() if hasattr(q, "leaves") else [q]


def _entity_words(q: wq.Query) -> tuple[str, ...] | None:
    """The name's words of an entity term typed with its field, else None."""
    if q.fieldname not in ENTITY_FIELDS or q.boost < _TYPED_BOOST:
        return None
    words = (q.text,) if isinstance(q, wq.Term) else tuple(q.words)
    return words if all(isinstance(word, str) for word in words) else None


def _name_words(schema: Any, words: tuple[str, ...], boost: float) -> wq.Query | None:
    """The name's words in body and headline, with the headline bonus of every query."""
    terms: list[wq.Query] = []
    analyzer = schema["content"].analyzer
    for word in words:
        for token in analyzer(word, mode="query"):
            for fieldname in ("content", "headline"):
                terms.append(wq.Term(fieldname, token.text, boost=boost * FIELD_BOOSTS[fieldname]))
    return wq.Or(terms) if terms else None


def _name_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """A name in text, any case, its words apart by anything but a letter or digit (``Blair's``, ``Tony  Blair``)."""
    return re.compile(r"(?<!\w)" + r"\W{1,3}".join(re.escape(w) for w in words) + r"(?!\w)", re.IGNORECASE)


def _spans(text: str, patterns: list[re.Pattern[str]]) -> list[tuple[int, int]]:
    spans = sorted({m.span() for p in patterns for m in p.finditer(text)})
    out: list[tuple[int, int]] = []
    for start, end in spans:  # overlaps merged (the surname inside the full name)
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


#: ``place:UK``, ``org:"Organization of Petroleum Exporting Countries"``: an entity field and the name typed.
_TYPED_NAME = re.compile(
    r"(?<![\w:])("
    + "|".join(
        re.escape(alias)
        for name in ("org_text", "place_text")
        for alias in [name, *FIELD_ALIASES.get(name, [])]
    )
    + r'):("[^"*?]+"|[^\s()"*?~^:]+)(?![\w*?~])',
    re.IGNORECASE,
)
_KIND = {
    alias.lower(): name
    for name in ("org_text", "place_text")
    for alias in [name, *FIELD_ALIASES.get(name, [])]
}


def canonical_names(text: str, notes: list[str]) -> str:
    """``text`` with each place or organisation typed after its field named as the index names it: the
    gazetteer's aliases and former names (``place:UK`` is ``place:"United Kingdom"``, ``place:Kiev`` is
    ``place:Kyiv``), an organisation's known short form (``org:"European Union"`` is ``org:EU``, ``org:Opec`` is
    ``org:OPEC``). Each change is said in ``notes``."""

    def rename(m: re.Match[str]) -> str:
        field_name, value = m.group(1), m.group(2)
        typed = value.strip('"').strip()
        name = _canonical(_KIND[field_name.lower()], typed)
        if name is None or name.casefold() == typed.casefold():
            return m.group()
        new = f'{field_name}:"{name}"' if " " in name else f"{field_name}:{name}"
        notes.append(f"{m.group()} is searched as {new}")
        return new

    return _TYPED_NAME.sub(rename, text) if ":" in text else text


def _canonical(field_name: str, typed: str) -> str | None:
    """The name the index gives a place or organisation typed in any case; None when it knows no other."""
    from newssearch.extract.gazetteer import gazetteer
    from newssearch.extract.words import KNOWN_ORGS, ORG_EXPANSIONS

    forms = [typed, typed.upper(), " ".join(w[:1].upper() + w[1:].lower() for w in typed.split())]
    if field_name == "place_text":
        places = gazetteer().places
        return next((places[f] for f in forms if places.get(f)), None)
    known = {k.casefold(): v for table in (KNOWN_ORGS, ORG_EXPANSIONS) for k, v in table.items()}
    name = known.get(typed.casefold())
    return ORG_EXPANSIONS.get(name, name) if name else None
