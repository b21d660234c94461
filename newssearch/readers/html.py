"""HTML pages of news articles, as saved from a browser or a scraper: main text and metadata via trafilatura."""

from __future__ import annotations

from collections.abc import Iterator

from newssearch.dates import parse_date
from newssearch.errors import ReadError
from newssearch.models import Article
from newssearch.readers.context import ReadContext

MIN_WORDS = 10


def read_html(data: str, ctx: ReadContext) -> Iterator[Article]:
    import trafilatura  # imported here: it costs a noticeable fraction of a second

    doc = trafilatura.bare_extraction(data, with_metadata=True, include_comments=False, include_tables=False)
    # On a page with no article, the extractor falls back to menus and forms: a few words at most.
    if doc is None or len((doc.text or "").split()) < MIN_WORDS:
        raise ReadError("no article text found in the HTML")
    headline = (doc.title or "").strip()
    lines = [line.strip() for line in doc.text.splitlines() if line.strip()]
    if lines and headline and lines[0] == headline:
        lines = lines[1:]  # the extracted text repeats the headline
    yield Article(
        id=ctx.rel,
        headline=headline,
        body="\n\n".join(lines),
        date=parse_date(doc.date),
        source=doc.sitename or doc.hostname or None,
        url=doc.url or None,
        author=doc.author or None,
    )
