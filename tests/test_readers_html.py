"""``newssearch.ingest.readers.html``: saved news pages, main text and metadata."""

from datetime import datetime, timezone

import pytest

from newssearch.errors import ReadError
from newssearch.extract.enrich import enrich
from newssearch.ingest.readers import read_articles

from .helpers import DATA

FORMATS = DATA / "formats"


def test_html_main_text_and_metadata():
    result = read_articles(FORMATS / "page.html", FORMATS)
    assert result.format == "html"
    page = result.articles[0]
    assert page.headline == "Floods close schools in Valencia"
    assert page.body.startswith("VALENCIA (Reuters) - Heavy rain flooded streets")
    assert "Mayor Maria Jose Catala" in page.body
    for furniture in ("Home", "Most read", "Celebrity buys castle", "Cookie settings"):
        assert furniture not in page.body
    assert page.author == "Ana Garcia" and page.source == "Example News"
    assert page.date == datetime(2023, 9, 5, tzinfo=timezone.utc)
    assert enrich(page).place == "Valencia"


def test_html_without_article_text_is_skipped(tmp_path):
    (tmp_path / "empty.html").write_text("<html><body><nav>Home</nav></body></html>")
    with pytest.raises(ReadError, match="no article text"):
        read_articles(tmp_path / "empty.html", tmp_path)
