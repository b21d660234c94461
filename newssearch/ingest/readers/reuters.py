"""Reuters-21578 SGML (``reut2-NNN.sgm``): one ``<REUTERS>`` element per story.

The files are not well-formed XML (``&lt;`` is escaped, ``>`` never is; control-character references such as
``&#3;`` abound), so each story is cut out with regular expressions, not an XML parser. The hand-assigned
``TOPICS``, ``PLACES``, ``PEOPLE``, ``ORGS``, ``EXCHANGES`` and ``COMPANIES`` codes are kept as metadata, apart
from the entities the extractor finds in the text, with the ``LEWISSPLIT``, ``CGISPLIT``, ``OLDID`` and ``TOPICS``
attributes (``topics_attribute``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import datetime, timezone

from newssearch.dates import article_date
from newssearch.errors import ReadError
from newssearch.extract import dateline_place
from newssearch.ingest.readers.context import ReadContext
from newssearch.ingest.readers.encoding import damage
from newssearch.models import Article, DatePrecision
from newssearch.text.sanitize import clean_text

_STORY = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.DOTALL)
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_TEXT = re.compile(r"<TEXT\b([^>]*)>(.*?)</TEXT>", re.DOTALL)
_VALUE = re.compile(r"<D>(.*?)</D>", re.DOTALL)
_FILLER = re.compile(r"^\s*blah blah blah\.?\s*$", re.IGNORECASE)
#: "Reuter" at the end, in any case, sometimes twice ("REUTER\n Reuter") or with a literal "^M" after it.
_SIGN_OFF = re.compile(r"(?:\s*\bReuters?(?:\^M)?)+\s*$", re.IGNORECASE)
_CHAR_REF = re.compile(r"&#(\d{1,3});")
#: A story whose markup and text are longer is left out unparsed: it cannot be one article (of at most 500,000
#: characters, ``MAX_ARTICLE_CHARS``), and parsing it line by line would cost many times its size.
MAX_STORY_CHARS = 2_000_000
_LABELS = ("topics", "places", "people", "orgs", "exchanges", "companies")


def _control(match: re.Match[str]) -> str:
    code = int(match.group(1))
    return chr(code) if code < 32 or code == 127 else match.group()


def _unescape(text: str) -> str:
    """Entities resolved; control characters (``&#3;``) and escape sequences (``&#27;[B``) removed whole."""
    return html.unescape(clean_text(_CHAR_REF.sub(_control, text)))


def _tag(name: str, text: str) -> str | None:
    match = re.search(rf"<{name}>(.*?)</{name}>", text, re.DOTALL)
    return match.group(1) if match else None


def _paragraphs(text: str) -> str:
    """Unwrap the wire's fixed-width lines; an indented line starts a new paragraph."""
    paragraphs: list[list[str]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if not paragraphs or line[:1].isspace():
            paragraphs.append([])
        paragraphs[-1].append(line.strip())
    return "\n\n".join(" ".join(p) for p in paragraphs)


def _date(text: str | None) -> tuple[datetime | None, DatePrecision]:
    if not text:
        return None, "time"
    value = text.strip()
    try:
        return datetime.strptime(value.split(".")[0], "%d-%b-%Y %H:%M:%S").replace(
            tzinfo=timezone.utc
        ), "time"
    except ValueError:
        return article_date(value)


def parse_story(attributes: str, content: str) -> Article | None:
    """One story; None when it has neither headline nor text."""
    attrs = dict(_ATTR.findall(attributes))
    metadata = {
        label: [_unescape(v).strip() for v in _VALUE.findall(_tag(label.upper(), content) or "")]
        for label in _LABELS
    }
    metadata = {key: values for key, values in metadata.items() if values}
    for key in ("LEWISSPLIT", "CGISPLIT", "OLDID"):
        if attrs.get(key):
            metadata[key.lower()] = [attrs[key]]
    if attrs.get(
        "TOPICS"
    ):  # YES, NO or BYPASS: whether the story was meant to carry topics (the ModApte split)
        metadata["topics_attribute"] = [attrs["TOPICS"]]
    text_match = _TEXT.search(content)
    text_type = dict(_ATTR.findall(text_match.group(1))).get("TYPE", "NORM") if text_match else "NORM"
    text = text_match.group(2) if text_match else ""
    headline = " ".join(_unescape(_tag("TITLE", text) or "").split())
    dateline = " ".join(_unescape(_tag("DATELINE", text) or "").split())
    author = " ".join(_unescape(_tag("AUTHOR", text) or "").split())
    body = _tag("BODY", text)
    if body is None and text_type == "UNPROC":
        body = re.sub(r"<(TITLE|DATELINE|AUTHOR)>.*?</\1>", "", text, flags=re.DOTALL)
    body = _unescape(body or "")
    if _FILLER.match(body):
        body = ""
    body = _SIGN_OFF.sub("", body)
    body = body.strip("\n") if text_type == "UNPROC" else _paragraphs(body)
    if not headline and not body.strip():
        return None
    place = dateline_place(dateline) if dateline else None
    author = re.sub(r"^by\s+", "", author, flags=re.IGNORECASE)
    metadata["type"] = [text_type]
    date, precision = _date(_tag("DATE", content))
    return Article(
        id=f"reuters-{attrs.get('NEWID', '?')}",
        headline=headline,
        body=body,
        date=date,
        date_precision=precision,
        source="Reuters",
        place=place,
        author=author.removesuffix(", Reuters").strip() or None,
        metadata=metadata,
    )


def read_reuters(data: str, ctx: ReadContext) -> Iterator[Article]:
    """Every story of a file; one with neither headline nor text is left out with a note."""
    line, pos, found = ctx.first_line, 0, False
    for match in _STORY.finditer(data):
        found = True
        line, pos = line + data.count("\n", pos, match.start()), match.start()
        damaged = damage(match.group())  # a NUL byte may break its markup: the whole story is left out
        if len(match.group()) > MAX_STORY_CHARS:
            damaged = f"too long for one story ({len(match.group()):,} characters), not read"
        article = None if damaged else parse_story(match.group(1), match.group(2))
        if article is None:
            newid = dict(_ATTR.findall(match.group(1))).get("NEWID", "?")
            ctx.leave_out(f"line {line} (NEWID {newid})", damaged or "no headline or text")
        else:
            yield article
    if not found and ctx.whole:
        raise ReadError("no <REUTERS> stories found")
