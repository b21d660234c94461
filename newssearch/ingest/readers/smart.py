"""SMART-format test collections (Cranfield ``cran.all.1400``, CISI ``CISI.ALL``): ``.I n`` then dot-fields.

Each record starts with a ``.I id`` line; a line holding only ``.X`` (a capital letter) starts field X. Fields
come in any order. A field that follows itself adds a value (CISI gives each author a ``.A`` of its own; two
Cranfield records have two ``.W``). A marker of a field that ended earlier in the record is a stray line inside
the current field (Cranfield record 240 has ``.A`` and ``.B`` lines inside its ``.W``): it is dropped, and the
lines after it stay in the current field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from newssearch.errors import ReadError
from newssearch.ingest.readers.context import ReadContext
from newssearch.ingest.readers.encoding import damage
from newssearch.models import Article

#: A record longer than this is left out unparsed (as ``reuters.MAX_STORY_CHARS``).
MAX_RECORD_CHARS = 2_000_000
_RECORD = re.compile(r"^\.I\s+(\S+)[^\n]*\n?", re.MULTILINE)
_MARKER = re.compile(r"^\.([A-Z])\s*$")


@dataclass(frozen=True)
class SmartRecord:
    """One ``.I`` record: its id, the line it starts on, and each field's values in file order."""

    id: str
    line: int
    fields: dict[str, list[str]]
    damage: str | None = None  # why the record cannot be read whole (a NUL byte, a line cut out)

    def text(self, letter: str, sep: str = " ") -> str:
        """A field's values joined by ``sep`` (empty values left out); "" when the record lacks the field."""
        return sep.join(value for value in self.fields.get(letter, []) if value)


def looks_like_smart(head: str) -> bool:
    """Documents, not queries: a ``.I`` record with a ``.T`` title field."""
    return head.lstrip().startswith(".I ") and "\n.T" in head


def parse_fields(record: str) -> dict[str, list[str]]:
    """The fields of one record's text (after its ``.I`` line), whitespace collapsed (see the module docstring)."""
    fields: dict[str, list[list[str]]] = {}
    letter: str | None = None
    for line in record.splitlines():
        marker = _MARKER.match(line)
        if marker and (marker.group(1) not in fields or marker.group(1) == letter):
            letter = marker.group(1)
            fields.setdefault(letter, []).append([])
        elif letter is not None and not marker:
            fields[letter][-1].append(line)
    return {key: [" ".join(" ".join(lines).split()) for lines in values] for key, values in fields.items()}


def smart_records(data: str, first_line: int = 1) -> Iterator[SmartRecord]:
    """Every ``.I`` record of a SMART file (documents or queries), in file order; lines numbered from
    ``first_line``."""
    starts = list(_RECORD.finditer(data))
    line, pos = first_line, 0
    for i, start in enumerate(starts):
        line, pos = line + data.count("\n", pos, start.start()), start.start()
        end = starts[i + 1].start() if i + 1 < len(starts) else len(data)
        if end - start.start() > MAX_RECORD_CHARS:
            too_long = f"too long for one record ({end - start.start():,} characters), not read"
            yield SmartRecord(start.group(1), line, {}, too_long)
            continue
        text = data[start.end() : end]
        yield SmartRecord(start.group(1), line, parse_fields(text), damage(start.group() + text))


def to_article(record: SmartRecord, article_id: str) -> Article:
    """A document record as an article: ``.T`` is the headline, ``.W`` the body, the ``.A`` values the author."""
    return Article(
        id=article_id,
        headline=record.text("T"),
        body=record.text("W"),
        author=record.text("A", "; ") or None,
    )


def read_smart(data: str, ctx: ReadContext) -> Iterator[Article]:
    """Every document record with a title or text; an empty one is left out with a note."""
    found = False
    for record in smart_records(data, ctx.first_line):
        found = True
        article = to_article(record, f"{ctx.rel}#{record.id}")
        if record.damage:
            ctx.leave_out(f"line {record.line} (.I {record.id})", record.damage)
            continue
        if not article.headline and not article.body:
            ctx.leave_out(f"line {record.line} (.I {record.id})", "no title or text")
            continue
        yield article
    if not found and ctx.whole:
        raise ReadError("no .I records found")
