"""Plain data that leaves the library: articles going in, hits and snippets coming out."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class Entities:
    """Named entities found in an article, each list deduplicated in order of first mention."""

    people: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)


@dataclass
class Article:
    """One news article, as read from a corpus file."""

    id: str
    headline: str = ""
    body: str = ""
    date: datetime | None = None
    source: str | None = None
    place: str | None = None
    url: str | None = None
    author: str | None = None
    people: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    path: str | None = None
    metadata: dict[str, list[str]] = field(default_factory=dict)


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
    "source",
    "place",
    "url",
    "author",
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
    #: With ``explain=True``: the parts of ``score``, largest first (None when not asked for, or not worked out in
    #: time).
    explanation: list[Contribution] | None = None
    #: How many other matching copies of this story the hit stands for (0 when alone; see ``all_versions``), and
    #: the key of its group of copies (the id of the copy indexed first).
    versions: int = 0
    group: str | None = None

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

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: the article's fields, rank, score, snippet and the highlight spans."""
        out: dict[str, Any] = {name: getattr(self.article, name) for name in _HIT_FIELDS}
        out["date"] = self.article.date.isoformat() if self.article.date else None
        out.update(
            rank=self.rank,
            score=round(self.score, 4),
            snippet=self.snippet.text,
            snippet_highlights=[list(span) for span in self.snippet.highlights],
            headline_highlights=[list(span) for span in self.headline_highlights],
            versions=self.versions,
            group=self.group if self.group is not None else self.article.id,
        )
        if self.explanation is not None:
            out["explanation"] = [part.to_dict() for part in self.explanation]
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
    with_reprints: int | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data, as ``newssearch query --json`` prints it."""
        return {
            "query": self.query,
            "total": self.total,
            "total_with_reprints": self.total if self.with_reprints is None else self.with_reprints,
            "page": self.page,
            "pages": self.pages,
            "limit": self.limit,
            "notes": list(self.notes),
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
class FormatCount:
    """Files read in one input format, and the articles they gave."""

    files: int = 0
    articles: int = 0


@dataclass
class IndexReport:
    """What an indexing run did. Article counts for added/updated/removed, file counts for the rest."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    files_read: int = 0
    files_unchanged: int = 0
    files_removed: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    formats: dict[str, FormatCount] = field(default_factory=dict)
    total: int = 0
    rebuilt: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


@dataclass
class CheckReport:
    """What reading every stored article and posting list of an index found."""

    documents: int = 0
    terms: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems
