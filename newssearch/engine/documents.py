"""The Article ⇄ stored-document mapping: what an article becomes in the index, and back (no Whoosh here).

``schema.py`` says how each field is analysed; this module says what goes in it. A change to either that makes
old indexes read differently needs a ``SCHEMA_VERSION`` bump.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from newssearch.article import metadata_topics, topics_of
from newssearch.dates import from_utc_naive, to_utc_naive
from newssearch.models import Article

Document = dict[str, Any]


#: The cache entry of a file: [mtime_ns, size, sha256] when its hash was last confirmed.
CacheEntry = list[int | str]


@dataclass(frozen=True)
class FileRecord:
    """What the index holds of one file: its size and content hash when read, and how many live articles."""

    size: int
    digest: str
    count: int


def _clean_names(names: Iterable[str]) -> list[str]:
    # Commas separate values in the exact-match fields, so they cannot appear inside one.
    seen: dict[str, None] = {}
    for name in names:
        name = " ".join(name.replace(",", " ").split())
        if name:
            seen.setdefault(name, None)
    return list(seen)


_AUTHOR_SEPARATORS = re.compile(r",|&|\band\b", re.IGNORECASE)  # spaces go in _clean_names: no \s* runs


def author_names(byline: str | None) -> list[str]:
    """Each author of a byline: names separated by semicolons, or else by commas, "and" or "&"
    (``"Ann Lee and Bo Ng, AP"``: Ann Lee, Bo Ng, AP); a leading "By" goes."""
    text = re.sub(r"^\s*by\s+", "", byline or "", flags=re.IGNORECASE)
    parts = text.split(";") if ";" in text else _AUTHOR_SEPARATORS.split(text)
    return _clean_names(parts)


def filesig(key: str, size: int, digest: str) -> str:
    """The one term that records a file's path, size and content hash when it was read."""
    return f"{key}\t{size}\t{digest}"


def parse_filesig(term: str) -> tuple[str, int, str]:
    """(path, size, digest) of a ``filesig`` term; parsed from the right, so a tab in a file name is harmless."""
    key, size, digest = term.rsplit("\t", 2)
    return key, int(size), digest


def to_document(article: Article, sig: str | None = None) -> Document:
    """The stored and indexed fields of an article (``sig``: the ``filesig`` of the file it came from)."""
    people = _clean_names(article.people)
    orgs = _clean_names(article.organizations)
    places = _clean_names(article.places)
    place = " ".join((article.place or "").replace(",", " ").split())
    authors = author_names(article.author)
    section = " ".join((article.section or "").replace(",", " ").split())
    doc: Document = {
        "id": article.id,
        "headline": article.headline,
        "body": article.body,
        "content": f"{article.headline}\n{article.body}",
        "people": ",".join(people),
        "organizations": ",".join(orgs),
        "places": ",".join(places),
        "person_text": "\n".join(people),
        "org_text": "\n".join(orgs),
        "place_text": "\n".join([place, *places]) if place else "\n".join(places),
    }
    optional = {
        "path": article.path,
        "filesig": sig,
        "source": article.source,
        "place": place or None,
        "topics": ",".join(_clean_names(topics_of(article))) or None,
        "metadata": article.metadata or None,
        "url": article.url,
        "author": article.author,
        "authors": ",".join(authors) or None,
        "author_text": "\n".join(authors) or None,
        "section": section or None,
        "section_text": section or None,
        "source_text": article.source,
        "date": to_utc_naive(article.date) if article.date else None,
        # Stored when the date is not a time: "year", "month" or "day".
        "date_precision": article.date_precision
        if article.date and article.date_precision != "time"
        else None,
    }
    doc.update({key: value for key, value in optional.items() if value})
    return doc


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v]


def to_article(stored: Document) -> Article:
    """The article a stored document holds."""
    return Article(
        id=stored["id"],
        headline=stored.get("headline", ""),
        body=stored.get("body", ""),
        date=from_utc_naive(stored["date"]) if stored.get("date") else None,
        source=stored.get("source"),
        place=stored.get("place"),
        url=stored.get("url"),
        author=stored.get("author"),
        section=stored.get("section"),
        people=_split(stored.get("people")),
        organizations=_split(stored.get("organizations")),
        places=_split(stored.get("places")),
        path=stored.get("path"),
        metadata=stored.get("metadata") or {},
        date_precision=stored.get("date_precision") or "time",
        topics=_own_topics(stored),
    )


def _own_topics(stored: Document) -> list[str]:
    """The topics an article was given as ``topics``: those indexed, less those its metadata gives (they stay
    there), so that an article comes back as it went in."""
    indexed = _split(stored.get("topics"))
    given = set(_clean_names(metadata_topics(stored.get("metadata") or {}))) if indexed else set()
    return [topic for topic in indexed if topic not in given]
