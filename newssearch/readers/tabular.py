"""CSV and TSV files: one article a row, columns named by a header row or by the user (``--columns``).

Without either, the columns are guessed from the data (the longest text column is the body, a shorter one the
headline) and the guess is reported.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator

from newssearch.errors import ReadError
from newssearch.models import Article
from newssearch.readers.context import ReadContext
from newssearch.readers.jsonl import KEYS, record_to_article

_KNOWN = {key for names in KEYS.values() for key in names}
_LOST_ENTITY = re.compile(r"(?<!&)(#\d{2,5});|(?<![&\w])(quot|amp|lt|gt|apos|nbsp);")
_TAG = re.compile(r"</?[a-zA-Z][^>]{0,200}>")
_SPACE_BEFORE_PUNCT = re.compile(r" ([.,;:!?])")
_SAMPLE_ROWS = 200


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
    width = max(len(r) for r in rows)
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


def read_table(data: str, ctx: ReadContext, delimiter: str | None = None) -> Iterator[Article]:
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(data[:8192], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.reader(io.StringIO(data, newline=""), delimiter=delimiter)
    try:
        first = next(reader, None)
        if first is None:
            raise ReadError("empty table")
        if _has_header(first):
            names, pending = [c.strip() for c in first], []
        elif ctx.columns:
            names, pending = ctx.columns, [first]
        else:
            sample = [first]
            for row in reader:
                sample.append(row)
                if len(sample) >= _SAMPLE_ROWS:
                    break
            names, pending = _guess_columns(sample), sample
            ctx.notes.append(f"no header row: read columns as {','.join(names)} (name them with --columns)")
        bad = 0
        for n, row in enumerate(_chain(pending, reader), 1):
            if not any(cell.strip() for cell in row):
                continue
            record = {name: clean_cell(cell) for name, cell in zip(names, row, strict=False)}
            try:
                article = record_to_article(record, f"{ctx.rel}#{n}")
            except ReadError:
                bad += 1
                continue
            known = {k.lower() for k in record} & _KNOWN
            article.metadata = {k: [v] for k, v in record.items() if k.lower() not in known and v}
            yield article
    except csv.Error as exc:
        raise ReadError(f"CSV error on line {reader.line_num}: {exc}") from None
    if bad:
        ctx.notes.append(f"{bad} row{'s' if bad != 1 else ''} without headline or text left out")


def _chain(first: list[list[str]], rest: Iterator[list[str]]) -> Iterator[list[str]]:
    yield from first
    yield from rest
