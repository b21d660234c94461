"""What a reader is told about the file it reads, and where it leaves notes for the report."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Bad records named one by one in the notes; the rest are counted.
NAMED_BAD_RECORDS = 3
_NOTE_CHARS = 200


@dataclass
class ReadContext:
    # The file's path relative to the parent of the folder being indexed (so it starts with that folder's name):
    # the base of its articles' ids.
    rel: str
    columns: list[str] | None = None  # column names for a CSV/TSV file without a header row
    notes: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # records left out: "line 2: invalid JSON: …"

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
