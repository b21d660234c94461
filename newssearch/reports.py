"""What indexing, checking and looking over an index report: plain dataclasses that leave the library."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


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
    #: The files read only from where the index had them (appended to since), among ``files_read``.
    files_appended: list[str] = field(default_factory=list)
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


@dataclass
class IndexStats:
    """What an index holds. ``sources`` are (source, articles), most first (at most ``MAX_SOURCES``;
    ``source_count`` is how many there are); ``formats`` count the indexed files and their articles by file
    ending (``""`` for none); ``unfiled`` articles came from no file (added through the API)."""

    path: str
    articles: int = 0
    earliest: datetime | None = None
    latest: datetime | None = None
    undated: int = 0
    sources: list[tuple[str, int]] = field(default_factory=list)
    source_count: int = 0
    unsourced: int = 0
    files: int = 0
    formats: dict[str, FormatCount] = field(default_factory=dict)
    unfiled: int = 0
    size_bytes: int = 0
    segments: int = 0
    last_commit: datetime | None = None
    schema_version: int = 0
    #: Near-identical copies: stories that are a later copy of another, and the groups they make.
    reprints: int = 0
    reprint_groups: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data, as ``newssearch stats --json`` prints it."""
        return {
            "path": self.path,
            "articles": self.articles,
            "earliest": self.earliest.isoformat() if self.earliest else None,
            "latest": self.latest.isoformat() if self.latest else None,
            "undated": self.undated,
            "sources": [{"source": name, "articles": count} for name, count in self.sources],
            "source_count": self.source_count,
            "unsourced": self.unsourced,
            "files": self.files,
            "formats": {
                ending: {"files": c.files, "articles": c.articles}
                for ending, c in sorted(self.formats.items())
            },
            "unfiled": self.unfiled,
            "size_bytes": self.size_bytes,
            "segments": self.segments,
            "last_commit": self.last_commit.isoformat() if self.last_commit else None,
            "schema_version": self.schema_version,
            "reprints": self.reprints,
            "reprint_groups": self.reprint_groups,
        }
