"""Query results written out for other tools: CSV, JSON and JSON Lines, one row at a time, each flushed as it is
written (the text of ``--all`` is the CLI's: ``render.write_all``). No Rich here: the library does not draw.

Every export says where it came from: the query and the index fingerprint are a comment line before CSV's header
row, fields beside ``hits`` in JSON, and fields of every row in JSON Lines (so each line stands alone); so is the "did you mean" suggestion, when the search made one.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from typing import Any, TextIO

from newssearch.models import Hit
from newssearch.text.sanitize import terminal_safe

FORMATS = ("text", "json", "jsonl", "csv")
CSV_COLUMNS = (
    "rank",
    "score",
    "id",
    "date",
    "date_precision",
    "headline",
    "source",
    "place",
    "url",
    "author",
    "section",
    "people",
    "organizations",
    "places",
    "kwic",
)
#: How a cell a spreadsheet would read as a formula starts; such a cell gets a leading apostrophe.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
#: What JSON leaves as it is but a terminal would act on: C1 controls, line and paragraph separators, bidi controls.
_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_value(value: Any) -> str:
    """One line of JSON, safe to print."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))


def kwic_text(hit: Hit) -> str:
    """The contexts as one line: ``left[match]right``, joined by `` | ``, and how many more there are."""
    parts = [str(context) for context in hit.kwic or ()]
    if hit.kwic_more:
        parts.append(f"(+{hit.kwic_more} more)")
    return " | ".join(parts)


def csv_row(hit: Hit) -> list[str]:
    """A hit as CSV cells (lists joined by ``; ``); text cells that would start a formula get a leading ``'``."""
    text = {
        "id": hit.id,
        "headline": hit.headline,
        "source": hit.source or "",
        "place": hit.place or "",
        "url": hit.url or "",
        "author": hit.author or "",
        "section": hit.section or "",
        "people": "; ".join(hit.people),
        "organizations": "; ".join(hit.organizations),
        "places": "; ".join(hit.places),
        "kwic": kwic_text(hit),
    }
    cells = {name: _cell(value) for name, value in text.items()}
    cells.update(rank=str(hit.rank), score=f"{hit.score:.4f}", date=hit.date.isoformat() if hit.date else "")
    cells["date_precision"] = hit.date_precision or ""
    return [cells[name] for name in CSV_COLUMNS]


def _cell(value: str) -> str:
    value = terminal_safe(value)
    return f"'{value}" if value.startswith(_FORMULA) else value


def csv_comment(header: dict[str, Any]) -> str:
    """``# newssearch query="…" index=… total=…``: the header's values (but notes) as JSON, those set only."""
    fields = (
        f"{key}={json_value(value)}" for key, value in header.items() if key != "notes" and value is not None
    )
    return "# newssearch " + " ".join(fields)


def write_csv(header: dict[str, Any], hits: Iterable[Hit], out: TextIO) -> None:
    out.write(csv_comment(header) + "\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    out.flush()
    for hit in hits:
        writer.writerow(csv_row(hit))
        out.flush()


def write_jsonl(header: dict[str, Any], hits: Iterable[Hit], out: TextIO) -> None:
    """One JSON object a line: the query, the index fingerprint and the "did you mean" suggestion (when there is
    one), then the hit's ``to_dict()``."""
    where = {"query": header["query"], "index": header["index"]}
    if header.get("suggestion"):
        where["suggestion"] = header["suggestion"]
    for hit in hits:
        out.write(json_value({**where, **hit.to_dict()}) + "\n")
        out.flush()


def write_json(header: dict[str, Any], hits: Iterable[Hit], out: TextIO) -> None:
    """One JSON document, written as it goes: the header's fields, then ``hits``, one hit a line."""
    out.write("{\n")
    for key, value in header.items():
        out.write(f"  {json_value(key)}: {json_value(value)},\n")
    out.write('  "hits": [')
    separator = "\n    "
    for hit in hits:
        out.write(separator + json_value(hit.to_dict()))
        out.flush()
        separator = ",\n    "
    out.write("\n  ]\n}\n" if separator != "\n    " else "]\n}\n")
    out.flush()


def write_records(records: Iterable[dict[str, Any]], columns: Iterable[str], out: TextIO) -> None:
    """Flat rows (an analysis's ``to_records()``) as CSV under a header of ``columns``; text cells that would
    start a formula get a leading ``'``."""
    rows = list(records)
    writer = csv.writer(out, lineterminator="\n")
    columns = list(columns)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            [
                _cell(v) if isinstance(v, str) else "" if v is None else v
                for v in (row.get(c) for c in columns)
            ]
        )
