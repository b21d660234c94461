"""HTML pages of news articles, as saved from a browser or a scraper: main text and metadata via trafilatura."""

from __future__ import annotations

from collections.abc import Iterator

from newssearch.dates import article_date
from newssearch.errors import ReadError
from newssearch.ingest.readers.context import ReadContext
from newssearch.models import Article

MIN_WORDS = 10


def read_html(data: str, ctx: ReadContext) -> Iterator[Article]:
    """The page's main text as one article; ReadError when it holds no article text."""
    # Imported here: trafilatura costs a noticeable fraction of a second.
    from trafilatura import bare_extraction
    from trafilatura.settings import Document

    doc = bare_extraction(data, with_metadata=True, include_comments=False, include_tables=False)
    # On a page with no article, the extractor falls back to menus and forms: a few words at most.
    if not isinstance(doc, Document) or len((doc.text or "").split()) < MIN_WORDS:
        raise ReadError("no article text found in the HTML")
    text = doc.text or ""
    headline = (doc.title or "").strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and headline and lines[0] == headline:
        lines = lines[1:]  # the extracted text repeats the headline
    date, precision = article_date(doc.date)
    yield Article(
        id=ctx.rel,
        headline=headline,
        body="\n\n".join(lines),
        date=date,
        date_precision=precision,
        source=doc.sitename or doc.hostname or None,
        url=doc.url or None,
        author=doc.author or None,
    )
