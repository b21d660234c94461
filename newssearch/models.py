"""Plain data that leaves the library: articles going in, hits and snippets coming out."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Article and Entities live in article.py, checked when made.
from newssearch.article import Article as Article
from newssearch.article import Entities as Entities
from newssearch.article import topics_of
from newssearch.dates import DatePrecision as DatePrecision
from newssearch.reports import IndexStats as IndexStats  # what an index holds: with the other reports


@dataclass
class Snippet:
    """A piece of text with the character spans (start, end) of the matched terms."""

    text: str
    highlights: list[tuple[int, int]] = field(default_factory=list)


#: The article fields a hit's JSON carries (the body and the record's metadata stay out: ``get`` gives them).
_HIT_FIELDS = (
    "id",
    "headline",
    "date",
    "date_precision",
    "source",
    "place",
    "url",
    "author",
    "section",
    "path",
    "people",
    "organizations",
    "places",
)


@dataclass(frozen=True)
class Contribution:
    """A part of a hit's score: what one word (or phrase) scored in one field, boost included. The word is as typed
    in the query; a word the query does not show as such (one a wildcard matched) as the index holds it. ``field``
    is empty for a remainder no word accounts for (none for the queries newssearch makes today)."""

    field: str
    word: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "word": self.word, "score": round(self.score, 4)}


@dataclass(frozen=True)
class Context:
    """Matches of the query in a story's body, in context (keyword in context): the text before them, the matched
    words, the text after them, whitespace collapsed; a side cut short starts or ends with an ellipsis. When a
    sentence holds several matches, ``match`` runs from the first to the last and ``marks`` are the matches'
    ``[start, end)`` offsets in it (empty: ``match`` is one match)."""

    left: str
    match: str
    right: str
    marks: tuple[tuple[int, int], ...] = ()

    def __str__(self) -> str:
        marked, previous = "", 0
        for start, end in self.marks or ((0, len(self.match)),):
            marked += f"{self.match[previous:start]}[{self.match[start:end]}]"
            previous = end
        return f"{self.left}{marked}{self.match[previous:]}{self.right}"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"left": self.left, "match": self.match, "right": self.right}
        if self.marks:
            out["marks"] = [list(mark) for mark in self.marks]
        return out


@dataclass
class Hit:
    """One search result: the article, its rank and score, and where the query's words are in it.

    The article's fields read through the hit too: ``hit.headline`` is ``hit.article.headline``.
    """

    rank: int
    score: float
    article: Article
    snippet: Snippet
    headline_highlights: list[tuple[int, int]] = field(default_factory=list)
    #: With ``explain=True``: the parts of ``score``, largest first (empty when not asked for, or not worked out in
    #: time: ``has_explanation`` says which).
    explanation: list[Contribution] = field(default_factory=list)
    #: With ``kwic=True``: the body's matches in context, the first ``MAX_CONTEXTS`` in text order (empty when not
    #: asked for, or none is in the body: ``has_kwic`` says which); ``kwic_more`` counts the matches left out.
    kwic: list[Context] = field(default_factory=list)
    kwic_more: int = 0
    #: How many other matching copies of this story the hit stands for (0 when alone; see ``all_versions``), and
    #: the key of its group of copies (the id of the copy indexed first).
    versions: int = 0
    group: str | None = None
    #: Whether ``explanation`` and ``kwic`` were worked out for this hit (asked for, and in time); ``to_dict``
    #: carries them only then.
    has_explanation: bool = False
    has_kwic: bool = False

    # The article's fields, read through the hit (read-only: the article is their one source).

    @property
    def id(self) -> str:
        return self.article.id

    @property
    def headline(self) -> str:
        return self.article.headline

    @property
    def date(self) -> datetime | None:
        return self.article.date

    @property
    def date_precision(self) -> DatePrecision | None:
        return self.article.date_precision if self.article.date else None

    @property
    def source(self) -> str | None:
        return self.article.source

    @property
    def place(self) -> str | None:
        return self.article.place

    @property
    def url(self) -> str | None:
        return self.article.url

    @property
    def author(self) -> str | None:
        return self.article.author

    @property
    def section(self) -> str | None:
        return self.article.section

    @property
    def path(self) -> str | None:
        return self.article.path

    @property
    def people(self) -> list[str]:
        return self.article.people

    @property
    def organizations(self) -> list[str]:
        return self.article.organizations

    @property
    def places(self) -> list[str]:
        return self.article.places

    def to_record(self) -> dict[str, Any]:
        """One flat row for a table (``pandas.DataFrame``): the same keys for every hit, each value a number, text,
        a ``datetime``, None or a list of texts, but ``metadata`` (a dict of lists of texts). ``date`` is
        timezone-aware; ``topics`` are the article's and its metadata's; ``kwic`` the contexts as
        ``left[match]right`` text (empty unless asked for)."""
        article = self.article
        return {
            "rank": self.rank,
            "score": self.score,
            "id": article.id,
            "headline": article.headline,
            "date": article.date,
            "date_precision": self.date_precision,
            "source": article.source,
            "place": article.place,
            "author": article.author,
            "section": article.section,
            "people": list(article.people),
            "organizations": list(article.organizations),
            "places": list(article.places),
            "topics": topics_of(article),
            "snippet": self.snippet.text,
            "kwic": [str(context) for context in self.kwic],
            "url": article.url,
            "path": article.path,
            "versions": self.versions,
            "group": self.group if self.group is not None else article.id,
            "metadata": {key: list(values) for key, values in article.metadata.items()},
        }

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: the article's fields, rank, score, snippet and the highlight spans."""
        out: dict[str, Any] = {name: getattr(self.article, name) for name in _HIT_FIELDS}
        out["date"] = self.article.date.isoformat() if self.article.date else None
        out["date_precision"] = self.date_precision
        out.update(
            rank=self.rank,
            score=round(self.score, 4),
            snippet=self.snippet.text,
            snippet_highlights=[list(span) for span in self.snippet.highlights],
            headline_highlights=[list(span) for span in self.headline_highlights],
            versions=self.versions,
            group=self.group if self.group is not None else self.article.id,
        )
        if self.has_explanation:
            out["explanation"] = [part.to_dict() for part in self.explanation]
        if self.has_kwic:
            out["kwic"] = [context.to_dict() for context in self.kwic]
            out["kwic_more"] = self.kwic_more
        return out


@dataclass
class SearchResults:
    """A page of ranked hits and the total number of matching stories (near-identical copies counted once, unless
    searched with ``all_versions``); ``with_reprints`` counts every copy (None: as many as ``total``)."""

    query: str
    total: int
    page: int
    limit: int
    hits: list[Hit] = field(default_factory=list)
    notes: list[str] = field(
        default_factory=list
    )  # what the search changed in the query (a capped wildcard…)
    #: The query spelled as the index spells its words, when the query found little and that finds more.
    suggestion: str | None = None
    #: The fingerprint of the index state searched (``NewsIndex.fingerprint``).
    index: str | None = None
    with_reprints: int | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))

    def to_records(self) -> list[dict[str, Any]]:
        """The page's hits as flat rows (``Hit.to_record``): ``pandas.DataFrame(results.to_records())``."""
        return [hit.to_record() for hit in self.hits]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data, as ``newssearch query --json`` prints it."""
        return {
            "query": self.query,
            **({"index": self.index} if self.index is not None else {}),
            "total": self.total,
            "total_with_reprints": self.total if self.with_reprints is None else self.with_reprints,
            "page": self.page,
            "pages": self.pages,
            "limit": self.limit,
            "notes": list(self.notes),
            "suggestion": self.suggestion,
            "hits": [hit.to_dict() for hit in self.hits],
        }


@dataclass
class Matches:
    """Every article a query matches, in index order, without ranking: the ids and dates the analysis of a whole
    result set needs (timelines, counts by source, export). ``dates[i]`` is the date of ``ids[i]``, or None."""

    query: str
    ids: list[str] = field(default_factory=list)
    dates: list[datetime | None] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[tuple[str, datetime | None]]:
        return zip(self.ids, self.dates, strict=True)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (dates as ISO 8601 text)."""
        return {
            "query": self.query,
            "total": self.total,
            "notes": list(self.notes),
            "matches": [{"id": i, "date": d.isoformat() if d else None} for i, d in self],
        }


@dataclass
class HitStream:
    """Every hit of a query, ranked, read one hit at a time (``NewsIndex.iter_search``). ``total``, ``notes`` and
    ``index`` (the index's fingerprint) are known before the first hit is read; iterate it once. ``since`` and
    ``until`` are the date bounds applied (ISO 8601, or None)."""

    query: str
    index: str
    total: int
    sort: str = "relevance"
    since: str | None = None
    until: str | None = None
    syntax: bool = True
    notes: list[str] = field(default_factory=list)
    hits: Iterator[Hit] = field(default_factory=lambda: iter(()), repr=False)
    #: Every matching copy (``total`` counts each group of near-identical copies once; None: as many).
    with_reprints: int | None = None
    #: The query with its misspelt words corrected, when that finds more (as ``SearchResults.suggestion``).
    suggestion: str | None = None

    def __iter__(self) -> Iterator[Hit]:
        return self.hits

    def to_records(self) -> list[dict[str, Any]]:
        """Every hit not read yet, as flat rows (``Hit.to_record``): ``pandas.DataFrame(stream.to_records())``.
        This reads the stream (and holds every row)."""
        return [hit.to_record() for hit in self.hits]

    def header(self) -> dict[str, Any]:
        """What the rows are: the query and its options, the index fingerprint, the total and the notes."""
        return {
            "query": self.query,
            "index": self.index,
            "total": self.total,
            "total_with_reprints": self.total if self.with_reprints is None else self.with_reprints,
            "sort": self.sort,
            "since": self.since,
            "until": self.until,
            "syntax": self.syntax,
            "notes": list(self.notes),
            "suggestion": self.suggestion,
        }


def _article_dict(article: Article) -> dict[str, Any]:
    """Every field of an article, JSON-ready (the date as ISO 8601 text)."""
    out = {name: getattr(article, name) for name in _HIT_FIELDS}
    out.update(date=article.date.isoformat() if article.date else None, body=article.body)
    out["date_precision"] = article.date_precision if article.date else None
    out["metadata"] = {key: list(values) for key, values in article.metadata.items()}
    return out


@dataclass
class Reading:
    """A whole stored article and, when read with a query, the spans ``[start, end)`` of the words it matched in
    the headline and the body (offsets into ``article.headline`` and ``article.body``)."""

    article: Article
    query: str | None = None
    headline_highlights: list[tuple[int, int]] = field(default_factory=list)
    body_highlights: list[tuple[int, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The article's fields (body and metadata included), the query and the highlight spans."""
        out = _article_dict(self.article)
        out.update(
            query=self.query,
            headline_highlights=[list(span) for span in self.headline_highlights],
            body_highlights=[list(span) for span in self.body_highlights],
        )
        return out
