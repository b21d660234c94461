"""What indexing and checking an index report: plain dataclasses that leave the library."""

from __future__ import annotations

from dataclasses import dataclass, field


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
