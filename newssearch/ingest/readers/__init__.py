"""Read corpus files into ``Article`` records: one small reader per input format, auto-detected per file.

``read_articles(path, root)`` is the single entry point: it detects the format, decodes the bytes, runs the
reader and cleans each record (no control characters or terminal escapes); ``newssearch.extract.enrich`` completes the
records afterwards (dateline place and source, named entities). A reader raises ``ReadError`` for a file it cannot
use at all, and leaves out bad records with a note in its ``ReadContext``. Only regular files are opened, and
they are read under limits (``source.py``: size, line length); links are followed only inside the folder given.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from newssearch.dates import reading_file
from newssearch.errors import ReadError
from newssearch.ingest.readers.context import ReadContext
from newssearch.ingest.readers.encoding import binary_reason, bom_encoding, decode, decode_text
from newssearch.ingest.readers.html import read_html
from newssearch.ingest.readers.jsonl import read_json, read_json_items, read_jsonl
from newssearch.ingest.readers.parts import (
    BytesReader,
    Decompressed,
    Part,
    RangeReader,
    compression,
    file_digest,
    inner_suffix,
)
from newssearch.ingest.readers.records import (
    MAX_HEADLINE_CHARS,
    damaged_by,
    fit_headline,
    short_headline,
    values_of,
)
from newssearch.ingest.readers.reuters import read_reuters
from newssearch.ingest.readers.smart import looks_like_smart, read_smart
from newssearch.ingest.readers.source import (
    BLOCK_BYTES,
    MAX_FILE_BYTES,
    Raw,
    limit_for,
    read_limited,
    too_large,
)
from newssearch.ingest.readers.tabular import read_table
from newssearch.ingest.readers.text import parse_text, read_text
from newssearch.models import Article
from newssearch.text.sanitize import clean_article, clean_text, path_text

__all__ = [
    "MAX_ARTICLE_CHARS",
    "MAX_FILE_BYTES",
    "MAX_HEADLINE_CHARS",
    "FileResult",
    "ReadContext",
    "decode",
    "detect_format",
    "discover",
    "parse_text",
    "read_articles",
    "short_headline",
]

#: A note for the report is cut to this many characters.
MAX_NOTE_CHARS = 300
#: A record whose headline and body together are longer is a book or a data dump, not an article: left out.
MAX_ARTICLE_CHARS = 500_000
NOT_REGULAR = "not a regular file"
LINK_OUT = "a link out of the folder given, not followed"
LINK_FOLDER = "a link to a folder, not followed"
_SINGLE_ARTICLE_FORMATS = ("text", "html")

READERS: dict[str, Callable[[str, ReadContext], Iterator[Article]]] = {
    "text": read_text,
    "json": read_json,
    "json-array": read_json_items,
    "jsonl": read_jsonl,
    "csv": read_table,
    "tsv": partial(read_table, delimiter="\t"),
    "html": read_html,
    "reuters-sgml": read_reuters,
    "smart": read_smart,
}

#: File endings read as each format. Files with other endings are sniffed for JSON and SMART; files without an
#: ending may also be plain text.
EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".sgm": "reuters-sgml",
    ".sgml": "reuters-sgml",
}
IGNORED_NAMES = re.compile(r"^(readme|license|licence|changelog|copying)(\..*)?$", re.IGNORECASE)
_SNIFF_BYTES = 4096


def _not_regular(path: Path) -> str | None:
    """None for a regular file (symlinks followed), else why it is not read."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return NOT_REGULAR if os.path.islink(path) else exc.strerror or str(exc)
    return None if stat.S_ISREG(mode) else NOT_REGULAR


def _outside(path: Path, root: Path) -> str | None:
    """Why a file is not read when a symbolic link takes it out of the folder given (``root``), else None.

    Links are followed only to files inside that folder: one to a credentials file or to ``/proc`` is not."""
    real, base = os.path.realpath(path), os.path.realpath(root)
    if real == base or real.startswith(base.rstrip(os.sep) + os.sep):
        return None
    return f"{LINK_OUT}: {path_text(real)}"


def _open_regular(path: Path) -> BinaryIO:
    """Open a file for reading without blocking on a FIFO; ReadError when it is not a regular file."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ReadError(NOT_REGULAR)
        return os.fdopen(fd, "rb")
    except BaseException:
        # An interrupt just as fdopen returns leaves a file object that already closed fd: never let the second
        # close's EBADF replace the interrupt.
        with contextlib.suppress(OSError):
            os.close(fd)
        raise


def _skipped_name(path: Path) -> bool:
    """Hidden files and a corpus's README, LICENSE and the like: never articles."""
    return path.name.startswith(".") or IGNORED_NAMES.match(path.name) is not None


def _sniff(path: Path, raw: bytes) -> str | None:
    """The format of a file without a known ending, from its first bytes; None when it is not an article file."""
    bom = bom_encoding(raw)
    if bom:
        head = raw[bom[1] :].decode(bom[0], "replace")
    elif binary_reason(raw):
        return None
    else:
        head = raw.decode("utf-8", "replace")
    start = head.lstrip()
    if looks_like_smart(head):
        return "smart"
    if start.startswith("{"):
        return "jsonl" if "\n{" in start else "json"
    if start.startswith("["):
        return "json"
    first_line = start.split("\n", 1)[0]
    if not path.suffix and sum(c.isalpha() for c in first_line) >= 2:
        return "text"
    return None


def detect_format(path: Path) -> str | None:
    """The format name for a file, or None when it is not an article file (or not a regular file)."""
    if _skipped_name(path):
        return None
    fmt = EXTENSIONS.get(inner_suffix(path))
    if fmt or _not_regular(path) or compression(path):
        return fmt
    try:
        with _open_regular(path) as handle:
            raw = handle.read(_SNIFF_BYTES)
    except (OSError, ReadError):
        return None
    return _sniff(path, raw)


def _walk(folder: Path, problems: list[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """The article files under a folder with their formats, sorted; special files and unreadable folders go to
    ``problems``."""

    def unreadable(exc: OSError) -> None:
        problems.append((Path(exc.filename or folder), f"cannot read folder: {exc.strerror or exc}"))

    files = []
    for dirpath, dirnames, filenames in os.walk(folder, onerror=unreadable):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in dirnames:
            if os.path.islink(os.path.join(dirpath, name)):  # os.walk does not go into it: say so
                problems.append((Path(dirpath) / name, LINK_FOLDER))
        for name in sorted(filenames):
            file = Path(dirpath) / name
            if _skipped_name(file):
                continue
            reason = _not_regular(file) or (_outside(file, folder) if file.is_symlink() else None)
            fmt = None if reason else detect_format(file)
            if reason:
                problems.append((file, reason))
            elif fmt:
                files.append((file, fmt))
    return sorted(files)


def discover(
    paths: Iterable[Path], problems: list[tuple[Path, str]] | None = None
) -> Iterator[tuple[Path, Path, str | None]]:
    """Yield ``(root, file, format)`` for every article file under the given files and folders, sorted.

    A file found in a folder comes with its format (files of no article format are left out); a file given alone
    comes with None, and ``read_articles`` says what it is. A given file's root is its folder. Only regular files are
    yielded, and symlinks followed only to files inside the folder given; special files, links out of the folder
    or to folders, broken
    symlinks and folders that cannot be listed are appended to ``problems`` as ``(path, reason)``.
    """
    problems = [] if problems is None else problems
    for given in map(Path, paths):
        if given.is_dir():
            for file, fmt in _walk(given, problems):
                yield given, file, fmt
        else:
            reason = _not_regular(given)
            if reason:
                problems.append((given, reason))
            else:
                yield given.parent, given, None


@dataclass
class FileResult:
    """What reading one file gave: its complete articles, its format, notes for the report, and the bytes read."""

    articles: list[Article]
    format: str
    notes: list[str] = field(default_factory=list)
    digest: str = ""  # SHA-256 of the file's bytes, hex
    size: int = 0  # the number of bytes read
    # Per article, what a worker process worked out ahead for the writer (``reading._prepare``); None: nothing.
    ahead: list[Any] | None = None


def _read_file(path: Path, fmt: str | None) -> tuple[Raw, str]:
    """A regular file read under the limits of its format (``source.read_limited``; a compressed one decompressed
    as it is read), and its format (detected from its first bytes when neither ``discover`` nor its ending says);
    ReadError when it cannot be read."""
    try:
        with _open_regular(path) as handle:
            fmt = fmt or EXTENSIONS.get(inner_suffix(path))
            size = os.fstat(handle.fileno()).st_size
            if compression(path):
                with Decompressed(path) as stream:
                    raw, fmt = _read_stream(path, stream, fmt)
                raw.digest, raw.size = file_digest(path)  # what the plan compares: the file as stored
                return raw, fmt
            if size > limit_for(fmt):  # refused unread
                raise too_large(size, fmt)
            return _read_stream(path, handle, fmt)
    except OSError as exc:
        raise ReadError(exc.strerror or str(exc)) from None


def _read_stream(path: Path, handle: Any, fmt: str | None, whole: bool = True) -> tuple[Raw, str]:
    """An open file's bytes (``whole``: the whole file, else a part of one) read under the limits of its format."""
    first = handle.read(BLOCK_BYTES)
    binary = binary_reason(first)  # judged on the bytes as they are, before they are cleaned
    if binary:
        raise ReadError(binary)
    fmt = fmt or _sniff(path, first[:_SNIFF_BYTES])
    if fmt is None:
        raise ReadError("not an article file")
    return read_limited(handle, first, fmt, whole), fmt


def _id_base(path: Path, root: Path) -> str:
    """The path relative to the root's parent, so it starts with the root folder's name."""
    try:
        rel = path.relative_to(root.parent)
    except ValueError:
        rel = Path(path.name)
    return path_text(rel.as_posix())


def read_articles(
    path: Path,
    root: Path,
    columns: list[str] | None = None,
    fmt: str | None = None,
) -> FileResult:
    """Read every article in one corpus file. Raises ReadError when the file cannot be used at all.

    ``root`` is the folder given to index (for a file given alone, its folder): ids start with its name.
    ``columns`` names the columns of a CSV/TSV file that has no header row. ``fmt`` is the format ``discover``
    found, if any; otherwise it is detected here. The articles are as the file gives
    them: ``newssearch.extract.enrich`` completes them.
    """
    reason = _not_regular(path) or _outside(path, root)
    if reason:
        raise ReadError(reason)
    if _skipped_name(path):
        raise ReadError("not an article file")
    # Detected at most once per file (by ``discover`` or here, from the first bytes): the file is opened once here.
    raw, fmt = _read_file(path, fmt)
    return _parse(path, root, raw, fmt, columns)


def read_part(path: Path, root: Path, part: Part, columns: list[str] | None = None) -> FileResult:
    """One part of a file of many records (``parts.py``), read as ``read_articles`` reads a file, its lines and
    records numbered after the file's before it; a part without articles is no error (the file's other parts may
    have them)."""
    fmt: str | None = part.fmt
    reason = _not_regular(path) or _outside(path, root)
    if reason:
        raise ReadError(reason)
    try:
        if part.data is not None:
            raw, fmt = _read_stream(path, BytesReader(part.data), fmt, whole=False)
        else:
            with _open_regular(path) as handle:
                raw, fmt = _read_stream(path, RangeReader(handle, part.start, part.end), fmt, whole=False)
    except OSError as exc:
        raise ReadError(exc.strerror or str(exc)) from None
    return _parse(path, root, raw, fmt, columns, part)


def _parse(
    path: Path, root: Path, raw: Raw, fmt: str, columns: list[str] | None, part: Part | None = None
) -> FileResult:
    """The articles of a file's bytes (or of a ``part`` of it)."""
    decoded = decode_text(raw.data, raw.long_lines)
    raw.data = bytearray()  # the bytes go before the text is parsed
    whole = part is None
    if whole and (not decoded.text or decoded.text.isspace()):  # not .strip(): no copy of the text
        raise ReadError("empty file")
    ctx = ReadContext(rel=_id_base(path, root), columns=columns)
    if part is not None:
        ctx.first_line, ctx.first_record, ctx.table, ctx.whole = (
            part.first_line,
            part.first_record,
            part.head,
            False,
        )
    if decoded.fallback:
        ctx.notes.append(f"not UTF-8, read as {decoded.encoding}")
    articles = []
    text = clean_text(decoded.text)
    del decoded
    # Escape sequences go before parsing (so they cannot hide a line's words from the reader) and again from each
    # field after it (JSON's \u001b escapes only become control characters when parsed). Dates not read as
    # written are noted for the file (dates.py).
    with reading_file(text) as file_dates:
        for article in READERS[fmt](text, ctx):
            try:
                article = clean_article(article)
            except ValueError:  # nothing left of its id (Article refuses an empty one)
                if fmt in _SINGLE_ARTICLE_FORMATS:
                    raise ReadError("the article's id is empty once control characters are removed") from None
                ctx.leave_out(f"id {article.id!r}", "empty once control characters are removed")
                continue
            damaged = damaged_by(article)
            if damaged:
                if fmt in _SINGLE_ARTICLE_FORMATS:
                    raise ReadError(f"the article {damaged}")
                ctx.leave_out(article.id, damaged)
                continue
            if not (article.headline or article.body.strip()):
                ctx.leave_out(article.id, "no headline or text once control characters are removed")
                continue
            length = len(article.headline) + len(article.body) + sum(map(len, values_of(article.metadata)))
            if length > MAX_ARTICLE_CHARS:
                reason = (
                    f"too long for one article ({length:,} characters; the limit is {MAX_ARTICLE_CHARS:,})"
                )
                if fmt in _SINGLE_ARTICLE_FORMATS:
                    raise ReadError(reason)
                ctx.leave_out(article.id, reason)
                continue
            fit_headline(article)
            article.path = path_text(path)
            articles.append(article)
    fields_note = ctx.fields.note()
    notes = ctx.notes + ([fields_note] if fields_note else []) + file_dates.notes() + ctx.left_out_notes()
    notes = [note if len(note) <= MAX_NOTE_CHARS else f"{note[: MAX_NOTE_CHARS - 1]}…" for note in notes]
    if not articles and whole:
        left_out = "; ".join(ctx.left_out_notes())
        raise ReadError(f"no articles found: {left_out}" if left_out else "no articles found")
    return FileResult(articles, fmt, notes, raw.digest, raw.size)
