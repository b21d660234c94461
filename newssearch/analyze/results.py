"""What the coverage analyses return: plain dataclasses, each with ``to_dict()`` (the ``--format json``
document) and ``to_records()`` (flat rows: ``pandas.DataFrame(result.to_records())``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from newssearch.models import Hit

#: The kinds of value ``top`` counts, as the CLI names them.
KINDS = ("people", "orgs", "places", "sources", "topics", "authors", "sections", "words")
#: The kinds of named entity.
ENTITY_KINDS = ("people", "orgs", "places")


@dataclass
class Value:
    """One value of a facet: how many matching stories have it, and what share of the matches that is."""

    name: str
    count: int
    share: float
    kind: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "count": self.count, "share": round(self.share, 6)}


@dataclass
class Facet:
    """The most common values of one kind over all the stories a query matches (``Coverage.top``, a method of ``NewsIndex``)."""

    #: The columns of ``to_records()``'s rows (a CSV's header, rows or none).
    COLUMNS = ("query", "kind", "name", "count", "share")

    query: str
    kind: str
    total: int  #: matching stories
    values: list[Value] = field(default_factory=list)
    distinct: int = 0  #: distinct values among the matches (``values`` shows the first of them)
    filters: dict[str, list[str]] = field(default_factory=dict)  #: the filters given, by option name
    notes: list[str] = field(default_factory=list)
    index: str = ""

    def to_records(self) -> list[dict[str, Any]]:
        return [{"query": self.query, **value.to_dict()} for value in self.values]

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query, "kind": self.kind, "total": self.total, "distinct": self.distinct,
            "index": self.index, "filters": self.filters, "notes": self.notes, "values": [v.to_dict() for v in self.values],
        }  # fmt: skip


@dataclass
class Period:
    """One period of a timeline: the matching stories dated in it, all the stories dated in it, and the share."""

    label: str  #: ``1987``, ``1987-03``, ``1987-W10`` (ISO week) or ``1987-03-02``
    start: date
    end: date  #: the period's last day
    count: int
    total: int

    @property
    def share(self) -> float:
        return self.count / self.total if self.total else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.label, "start": self.start.isoformat(), "end": self.end.isoformat(),
            "count": self.count, "total": self.total, "share": round(self.share, 6),
        }  # fmt: skip


@dataclass
class Timeline:
    """Matching stories per period, as counts and as a share of all the stories of each period (attention over
    time); undated stories apart. ``peaks``: the labels of the periods that stand out, highest first."""

    #: The columns of ``to_records()``'s rows (a CSV's header, rows or none).
    COLUMNS = ("query", "period", "start", "end", "count", "total", "share", "peak")

    query: str
    by: str  #: day, week, month or year
    total: int  #: matching stories, dated or not
    periods: list[Period] = field(default_factory=list)
    undated: int = 0  #: matching stories without a date
    undated_total: int = 0  #: stories without a date in the index
    peaks: list[str] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)  #: the filters given, by option name
    notes: list[str] = field(default_factory=list)
    index: str = ""

    def period(self, label: str) -> Period | None:
        return next((p for p in self.periods if p.label == label), None)

    def to_records(self) -> list[dict[str, Any]]:
        rows = [{"query": self.query, **p.to_dict(), "peak": p.label in self.peaks} for p in self.periods]
        if self.undated or self.undated_total:
            share = round(self.undated / self.undated_total, 6) if self.undated_total else 0.0
            rows.append({
                "query": self.query, "period": "undated", "start": None, "end": None, "count": self.undated,
                "total": self.undated_total, "share": share, "peak": False,
            })  # fmt: skip
        return rows

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query, "by": self.by, "total": self.total, "undated": self.undated,
            "undated_total": self.undated_total, "peaks": self.peaks, "index": self.index, "filters": self.filters, "notes": self.notes,
            "periods": [p.to_dict() for p in self.periods],
        }  # fmt: skip


@dataclass
class Term:
    """A word or entity characteristic of a set of stories against another: in how many of each it appears and
    its log-likelihood ratio (G², higher is more characteristic; 10.8 is p < 0.001 for one term)."""

    name: str
    kind: str  #: ``word``, or an entity kind
    count: int  #: stories of the set with it
    background: int  #: stories of the other set with it
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "name": self.name, "count": self.count, "background": self.background,
            "score": round(self.score, 3),
        }  # fmt: skip


@dataclass
class Keywords:
    """The terms most characteristic of the stories a query matches against the rest of the index."""

    #: The columns of ``to_records()``'s rows (a CSV's header, rows or none).
    COLUMNS = ("query", "kind", "name", "count", "background", "score")

    query: str
    total: int  #: matching stories
    background: int  #: the other stories they are compared with
    terms: list[Term] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)  #: the filters given, by option name
    notes: list[str] = field(default_factory=list)
    index: str = ""

    def to_records(self) -> list[dict[str, Any]]:
        return [{"query": self.query, **term.to_dict()} for term in self.terms]

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query, "total": self.total, "background": self.background, "index": self.index,
            "filters": self.filters, "notes": self.notes, "terms": [t.to_dict() for t in self.terms],
        }  # fmt: skip


@dataclass
class Spike:
    """Why a period of a timeline stands out: the words and entities most characteristic of its matching stories
    against the query's other periods, and its best-matching stories."""

    #: The columns of ``to_records()``'s rows (a CSV's header, rows or none).
    COLUMNS = ("query", "period", "kind", "name", "count", "background", "score")

    query: str
    period: Period
    background: int  #: the matching stories of the other periods
    words: list[Term] = field(default_factory=list)
    entities: list[Term] = field(default_factory=list)
    stories: list[Hit] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)  #: the filters given, by option name
    notes: list[str] = field(default_factory=list)
    index: str = ""

    def to_records(self) -> list[dict[str, Any]]:
        return [
            {"query": self.query, "period": self.period.label, **t.to_dict()}
            for t in self.words + self.entities
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query, **self.period.to_dict(), "background": self.background, "index": self.index,
            "filters": self.filters, "notes": self.notes, "words": [t.to_dict() for t in self.words],
            "entities": [t.to_dict() for t in self.entities], "stories": [h.to_dict() for h in self.stories],
        }  # fmt: skip


@dataclass
class Pair:
    """Two entities named together: in how many matching stories, and their association (normalised PMI, from
    -1 to 1: 0 is no more often than chance, 1 always together)."""

    a: str
    a_kind: str
    b: str
    b_kind: str
    count: int
    npmi: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a, "a_kind": self.a_kind, "b": self.b, "b_kind": self.b_kind, "count": self.count,
            "npmi": round(self.npmi, 4),
        }  # fmt: skip


@dataclass
class Cooccurrence:
    """The pairs of entities named together most often in the stories a query matches; ``nodes``: each entity of
    those pairs with the number of matching stories naming it (a graph: ``--format gexf|graphml``)."""

    #: The columns of ``to_records()``'s rows (a CSV's header, rows or none).
    COLUMNS = ("query", "a", "a_kind", "b", "b_kind", "count", "npmi")

    query: str
    total: int  #: matching stories
    pairs: list[Pair] = field(default_factory=list)
    nodes: list[Value] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)  #: the filters given, by option name
    notes: list[str] = field(default_factory=list)
    index: str = ""

    def to_records(self) -> list[dict[str, Any]]:
        return [{"query": self.query, **pair.to_dict()} for pair in self.pairs]

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query, "total": self.total, "index": self.index, "filters": self.filters, "notes": self.notes,
            "nodes": [n.to_dict() for n in self.nodes], "pairs": [p.to_dict() for p in self.pairs],
        }  # fmt: skip
