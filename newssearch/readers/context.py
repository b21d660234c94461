"""What a reader is told about the file it reads, and where it leaves notes for the report."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ReadContext:
    rel: str  # the file's path relative to the folder being indexed: the base of its articles' ids
    columns: list[str] | None = None  # column names for a CSV/TSV file without a header row
    notes: list[str] = field(default_factory=list)
