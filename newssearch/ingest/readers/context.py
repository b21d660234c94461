"""What a reader is told about the file it reads, and where it leaves notes for the report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

#: Bad records named one by one in the notes; the rest are counted.
NAMED_BAD_RECORDS = 3
_NOTE_CHARS = 200
_KEYS_KEPT = 50  # jsonl.MAX_METADATA_KEYS (not imported: jsonl imports this module)


#: Record keys that are the usual names of their field: a file using them needs no note.
_PLAIN_KEYS = {"headline": {"headline", "title"}, "body": {"body", "text", "content", "article"}}


@dataclass
class FieldUse:
    """Which keys of a file's records (JSON, CSV) gave each field, which were kept as metadata, and the records
    that gave no text: summed up in one note per file."""

    used: Counter[tuple[str, str]] = field(default_factory=Counter)  # (field, key) -> records
    kept: Counter[str] = field(default_factory=Counter)  # key kept as metadata -> records
    no_text: list[str] = field(default_factory=list)  # where the records with a headline but no text are
    records: int = 0
    dropped: int = 0  # keys not kept as metadata: over ``MAX_METADATA_KEYS`` in their record

    def note(self) -> str | None:
        """One line on the file's fields, when they are not the usual ones or some records have no text."""
        if not self.records:
            return None
        keys: dict[str, list[str]] = {}
        for (name, key), _ in self.used.most_common():
            keys.setdefault(name, []).append(key)
        unusual = any(k.lower() not in _PLAIN_KEYS.get(f, {k.lower()}) for f, ks in keys.items() for k in ks)
        parts = []
        if unusual or self.kept or self.no_text:
            shown = [f"{name} from {' or '.join(ks)}" for name, ks in keys.items()]
            parts.append(f"read {', '.join(shown)}" if shown else "no known fields")
        if self.kept:
            names = [key[:40] for key, _ in self.kept.most_common(8)]
            more = f" and {len(self.kept) - 8} more" if len(self.kept) > 8 else ""
            parts.append(f"kept as metadata: {', '.join(names)}{more}")
        if self.dropped:
            parts.append(f"{self.dropped:,} more keys not kept (at most {_KEYS_KEPT} a record)")
        if self.no_text:
            count = len(self.no_text)
            where = ", ".join(self.no_text[:NAMED_BAD_RECORDS]) + (", …" if count > NAMED_BAD_RECORDS else "")
            parts.append(
                f"{count:,} record{'s have' if count != 1 else ' has'} a headline but no text ({where})"
            )
        return "; ".join(parts) or None


@dataclass
class ReadContext:
    # The file's path relative to the parent of the folder being indexed (so it starts with that folder's name):
    # the base of its articles' ids.
    rel: str
    columns: list[str] | None = None  # column names for a CSV/TSV file without a header row
    first_line: int = 1  # the number of the first line read: a part of a file starts later (``parts.py``)
    first_record: int = 0  # the records of the file before a part (rows of a table, items of a JSON array)
    table: object = None  # a table's later part: its delimiter and column names (``tabular.TableHead``)
    whole: bool = True  # the whole file, not a part of it (a part without records is no error)
    notes: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # records left out: "line 2: invalid JSON: …"
    fields: FieldUse = field(default_factory=FieldUse)

    def leave_out(self, where: str, reason: str) -> None:
        """Note a bad record that is left out (the others of the file are read)."""
        note = f"{where}: {reason}"
        self.left_out.append(note if len(note) <= _NOTE_CHARS else f"{note[: _NOTE_CHARS - 1]}…")

    def left_out_notes(self) -> list[str]:
        """The records left out, for the report: the first few, then how many more."""
        notes = self.left_out[:NAMED_BAD_RECORDS]
        if len(self.left_out) > NAMED_BAD_RECORDS:
            more = len(self.left_out) - NAMED_BAD_RECORDS
            notes.append(f"and {more:,} more record{'s' if more != 1 else ''} left out")
        return notes
