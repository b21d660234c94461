"""newssearch.extract.enrich: a new, completed article; the one given stays as it was."""

from __future__ import annotations

import copy
import dataclasses
import re

import pytest

from newssearch.extract import datelines
from newssearch.extract.enrich import enrich
from newssearch.ingest.readers import read_articles
from newssearch.models import Article

from .helpers import SEED


@pytest.fixture
def seed_article() -> Article:
    """The seed as its reader gives it: no place, source or entities yet."""
    article = read_articles(SEED, SEED.parent).articles[0]
    assert (article.place, article.source, article.people, article.places) == (None, None, [], [])
    return article


class _CountingPattern:
    """Stands in for the dateline regex and counts the parses."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.calls = 0

    def match(self, text: str) -> re.Match[str] | None:
        self.calls += 1
        return self.pattern.match(text)


def test_enrich_returns_a_new_article_and_leaves_the_given_one_unchanged(seed_article: Article) -> None:
    before = copy.deepcopy(seed_article)
    enriched = enrich(seed_article)
    assert enriched is not seed_article
    for field in dataclasses.fields(Article):
        assert getattr(seed_article, field.name) == getattr(before, field.name), field.name
    for name in ("id", "headline", "body", "date", "url", "author", "path", "metadata"):
        assert getattr(enriched, name) == getattr(seed_article, name), name


def test_enrich_fills_dateline_and_entities(seed_article: Article) -> None:
    enriched = enrich(seed_article)
    assert (enriched.place, enriched.source) == ("Baghdad", "Reuters")
    assert enriched.people[:2] == ["Qassem Soleimani", "Donald Trump"]
    assert enriched.organizations == ["NATO", "Fox News", "State Department"]
    assert enriched.places[:3] == ["Washington", "Baghdad", "United States"]


def test_place_and_source_given_are_kept(seed_article: Article) -> None:
    article = dataclasses.replace(seed_article, place="Kerbala", source="AP")
    enriched = enrich(article)
    assert (enriched.place, enriched.source) == ("Kerbala", "AP")
    assert enriched.places[:2] == ["Washington", "Kerbala"]  # the place given stands for the dateline's


def test_entities_already_present_are_kept(seed_article: Article) -> None:
    article = dataclasses.replace(seed_article, people=["Someone Else"])
    enriched = enrich(article)
    assert enriched.people == ["Someone Else"]
    assert (enriched.organizations, enriched.places) == ([], [])
    assert (enriched.place, enriched.source) == ("Baghdad", "Reuters")  # still filled from the dateline
    assert article.people == ["Someone Else"]


@pytest.mark.parametrize("people", [[], ["Someone Else"]])
def test_dateline_is_parsed_once(
    seed_article: Article, monkeypatch: pytest.MonkeyPatch, people: list[str]
) -> None:
    counting = _CountingPattern(datelines._DATELINE_RE)
    monkeypatch.setattr(datelines, "_DATELINE_RE", counting)
    enriched = enrich(dataclasses.replace(seed_article, people=people))
    assert enriched.place == "Baghdad"
    assert counting.calls == 1


@pytest.mark.parametrize(
    ("body", "place"),
    [
        ("LONDON\u00a0(Reuters) - Shares fell on Monday in London trading.", "London"),
        ("N\u2019DJAMENA (Reuters) - Chad said on Monday it would hold talks.", "N'Djamena"),
        ("TOKYO <T.N> (Reuters) - Toyota said on Monday its profit rose.", "Tokyo"),
    ],
    ids=["no-break-space", "curly-apostrophe", "ticker"],
)
def test_the_dateline_is_read_from_the_cleaned_text_for_place_source_and_entities_alike(body, place):
    """The one parse is of the text entity extraction reads (quotes made plain, stock codes out), so the stored
    place and the place among the entities agree. Before, the raw text was parsed for the stored place: these
    gave none, or kept the curly apostrophe."""
    enriched = enrich(Article(id="x", headline="Markets", body=body))
    assert (enriched.place, enriched.source) == (place, "Reuters")
    assert enriched.places[0] == place
