"""CSV and TSV files: one article a row, columns named by a header row or by the caller (``columns``).

Without either, the columns are guessed from the data (the longest text column is the body, a shorter one the
headline) and the guess is reported.
"""

from __future__ import annotations

import csv
import html
import io
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from newssearch.errors import ReadError
from newssearch.ingest.readers.context import ReadContext
from newssearch.ingest.readers.encoding import damage, decode_text
from newssearch.ingest.readers.jsonl import KEYS, record_to_article
from newssearch.ingest.readers.parts import BytesReader
from newssearch.ingest.readers.source import BLOCK_BYTES, read_limited
from newssearch.models import Article
from newssearch.text.sanitize import clean_text

_KNOWN = {key for names in KEYS.values() for key in names}
_LOST_ENTITY = re.compile(r"(?<!&)(#\d{2,5});|(?<![&\w])(quot|amp|lt|gt|apos|nbsp);")
_TAG = re.compile(r"</?[a-zA-Z][^>]{0,200}>")
_SPACE_BEFORE_PUNCT = re.compile(r" ([.,;:!?])")
_SAMPLE_ROWS = 200
#: Columns after this many are not read (a note says how many there were): a table of articles has a few, and
#: each read column costs time for every row. Of those read, at most ``MAX_METADATA_KEYS`` become metadata.
MAX_COLUMNS = 1_000


def clean_cell(text: str) -> str:
    """Undo common scraping noise: entities that lost their ``&`` (``#39;``, ``quot;``), markup, ``\\$`` escapes."""
    text = _LOST_ENTITY.sub(lambda m: f"&{m.group(1) or m.group(2)};", text)
    text = html.unescape(html.unescape(text))
    text = _TAG.sub(" ", text).replace("\\$", "$").replace("\\", " ")
    return _SPACE_BEFORE_PUNCT.sub(r"\1", " ".join(text.split()))


def _has_header(row: list[str]) -> bool:
    return any(cell.strip().lower() in _KNOWN for cell in row)


def _guess_columns(rows: list[list[str]]) -> list[str]:
    """Name the columns of a header-less table: body = longest text column, headline = the next text column."""
    width = min(max(len(r) for r in rows), MAX_COLUMNS)
    names = [f"column{i + 1}" for i in range(width)]
    text_columns = []
    for i in range(width):
        cells = [r[i] for r in rows if i < len(r) and r[i].strip()]
        if not cells or sum(c.strip().replace(".", "", 1).isdigit() for c in cells) > len(cells) / 2:
            continue
        text_columns.append((sum(len(c) for c in cells) / len(cells), i))
    if not text_columns:
        raise ReadError("no text columns found")
    body = max(text_columns)[1]
    names[body] = "body"
    shorter = [i for _, i in text_columns if i != body]
    if shorter:
        names[shorter[0]] = "headline"
    return names


def _rows(reader: Any, ctx: ReadContext) -> Iterator[tuple[int, list[str]]]:
    """Each row with the line it starts on; a row the csv module cannot parse is left out with a note."""
    while True:
        line = reader.line_num + ctx.first_line
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            ctx.leave_out(f"line {line}", f"CSV error: {exc}")
            if reader.line_num + ctx.first_line <= line:  # nothing consumed: give up
                return
            continue
        yield line, row


@dataclass(frozen=True)
class TableHead:
    """What a later part of a table read in parts (``splitting.py``) needs from its first: the delimiter and the
    column names (from the header row, given, or guessed)."""

    delimiter: str
    names: tuple[str, ...]


def sniff_delimiter(text: str) -> str:
    try:
        return csv.Sniffer().sniff(text[:8192], delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _names(
    sample: list[tuple[int, list[str]]], ctx: ReadContext
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The column names from the first rows (a header row, ``ctx.columns`` or a guess), and the rows that are
    not the header."""
    if not sample:
        raise ReadError("empty table")
    width = max(len(row) for _, row in sample)
    if width > MAX_COLUMNS:
        ctx.notes.append(f"only the first {MAX_COLUMNS:,} of {width:,} columns read")
    if _has_header(sample[0][1][:MAX_COLUMNS]):
        return [c.strip() for c in sample[0][1][:MAX_COLUMNS]], sample[1:]
    widths = Counter(len(row) for _, row in sample if any(cell.strip() for cell in row))
    width = widths.most_common(1)[0][0] if widths else 0
    if ctx.columns:
        if len(ctx.columns) != width:
            raise ReadError(f"has {width} columns but {len(ctx.columns)} column names were given")
        return ctx.columns, sample
    names = _guess_columns([row for _, row in sample])
    shown = ",".join(names[:20]) + (f",… ({len(names):,} columns)" if len(names) > 20 else "")
    ctx.notes.append(f"no header row: read columns as {shown}")
    return names, sample


def read_table(data: str, ctx: ReadContext, delimiter: str | None = None) -> Iterator[Article]:
    """One article a row; the delimiter is sniffed when not given. Columns that give no field become metadata.
    A later part of a table (``ctx.table``) has the delimiter and names of its first part, and its rows are
    numbered after the file's rows before it (``ctx.first_record``)."""
    head = ctx.table
    if isinstance(head, TableHead):
        delimiter = head.delimiter
    elif delimiter is None:
        delimiter = sniff_delimiter(data)
    rows = _rows(csv.reader(io.StringIO(data, newline=""), delimiter=delimiter), ctx)
    sample: list[tuple[int, list[str]]] = []
    if isinstance(head, TableHead):
        names = list(head.names)
    else:
        names, sample = _names(list(itertools.islice(rows, _SAMPLE_ROWS)), ctx)
    for n, (line, row) in enumerate(itertools.chain(sample, rows), ctx.first_record + 1):
        if not any(cell.strip() for cell in row):
            continue
        damaged = damage("".join(row))
        if damaged:
            ctx.leave_out(f"line {line}", damaged)
            continue
        record = {name: clean_cell(cell) for name, cell in zip(names, row[:MAX_COLUMNS], strict=False)}
        try:
            yield record_to_article(record, f"{ctx.rel}#{n}", ctx, f"line {line}")
        except ReadError as exc:
            ctx.leave_out(f"line {line}", str(exc))


def head_reader(
    fmt: str, columns: list[str] | None
) -> Callable[[bytes], tuple[str, TableHead | None, int]] | None:
    """For a table read in parts: what its first bytes say of its delimiter and columns, read as its reader reads
    them (cleaned and decoded); None for other formats."""
    if fmt not in ("csv", "tsv"):
        return None

    def head(data: bytes) -> tuple[str, TableHead | None, int]:
        raw = read_limited(BytesReader(data[BLOCK_BYTES:]), data[:BLOCK_BYTES], fmt, whole=False)
        text = clean_text(decode_text(raw.data, raw.long_lines).text)
        delimiter = "\t" if fmt == "tsv" else sniff_delimiter(text)
        ctx = ReadContext(rel="", columns=columns)
        rows = _rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), ctx)
        sample = list(itertools.islice(rows, _SAMPLE_ROWS))
        try:
            names, rest = _names(sample, ctx)
        except ReadError:  # the first part's reader says why
            return delimiter, None, 0
        return delimiter, TableHead(delimiter, tuple(names)), len(sample) - len(rest)

    return head
