"""SMART-format test collections (Cranfield ``cran.all.1400``, CISI ``CISI.ALL``): ``.I n`` then dot-fields."""

from __future__ import annotations

import re
from collections.abc import Iterator

from newssearch.errors import ReadError
from newssearch.models import Article
from newssearch.readers.context import ReadContext

_RECORD = re.compile(r"^\.I\s+(\S+)[^\n]*\n", re.MULTILINE)
_FIELD = re.compile(r"^\.([A-Z])\s*$", re.MULTILINE)


def looks_like_smart(head: str) -> bool:
    """Documents, not queries: a ``.I`` record with a ``.T`` title field."""
    return head.lstrip().startswith(".I ") and "\n.T" in head


def _fields(record: str) -> dict[str, str]:
    parts = _FIELD.split(record)
    return {parts[i]: " ".join(parts[i + 1].split()) for i in range(1, len(parts) - 1, 2)}


def read_smart(data: str, ctx: ReadContext) -> Iterator[Article]:
    starts = list(_RECORD.finditer(data))
    if not starts:
        raise ReadError("no .I records found")
    line, pos = 1, 0
    for i, start in enumerate(starts):
        line, pos = line + data.count("\n", pos, start.start()), start.start()
        end = starts[i + 1].start() if i + 1 < len(starts) else len(data)
        fields = _fields(data[start.end() : end])
        headline, body = fields.get("T", ""), fields.get("W", "")
        if not headline and not body:
            ctx.leave_out(f"line {line} (.I {start.group(1)})", "no title or text")
            continue
        yield Article(
            id=f"{ctx.rel}#{start.group(1)}",
            headline=headline,
            body=body,
            author=fields.get("A") or None,
        )
