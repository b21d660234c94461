"""Enrichment: an article completed with what its text tells (dateline place and source, named entities)."""

from __future__ import annotations

import dataclasses

from newssearch.extract import body_dateline, extract_after_dateline
from newssearch.models import Article


def enrich(article: Article) -> Article:
    """A copy of ``article`` with the dateline place and source and the named entities filled in where it does
    not carry them. The article given is not changed. The dateline is parsed once, for both."""
    dateline = body_dateline(article.body)
    place = article.place or dateline.place
    source = article.source or dateline.source
    if article.people or article.organizations or article.places:
        return dataclasses.replace(article, place=place, source=source)
    entities = extract_after_dateline(article.headline, dateline, place)
    return dataclasses.replace(
        article,
        place=place,
        source=source,
        people=entities.people,
        organizations=entities.organizations,
        places=entities.places,
    )
