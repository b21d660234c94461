"""What is done to every record a reader gives: a headline that is text made short, damage found."""

from __future__ import annotations

import re
from collections.abc import Iterator

from newssearch.ingest.readers.encoding import damage
from newssearch.models import Article

#: A longer "headline" is not one: it is text, and a shorter headline is made from its first sentence.
MAX_HEADLINE_CHARS = 300
#: The length of a headline made from text (``short_headline``), "…" included.
SHORT_HEADLINE_CHARS = 200

_SENTENCE_END = re.compile(r"(?<=[a-z0-9%)][.!?])[\"'”’]?(?=\s|$)")


def short_headline(text: str) -> str:
    """A headline made from text: its first sentence, cut at a word boundary to ``SHORT_HEADLINE_CHARS``."""
    text = " ".join(text.split())
    match = _SENTENCE_END.search(text, 20)
    sentence = text[: match.end()] if match else text
    if len(sentence) <= SHORT_HEADLINE_CHARS:
        return sentence
    head = sentence[:SHORT_HEADLINE_CHARS]
    cut = head.rfind(" ")
    head = head[:cut] if cut > 0 else head[: SHORT_HEADLINE_CHARS - 1]
    return f"{head.rstrip(' ,;:-–—')}…"


def fit_headline(article: Article) -> None:
    """A headline longer than ``MAX_HEADLINE_CHARS`` is text: it opens the body, its first sentence is the headline."""
    text = article.headline
    if len(text) > MAX_HEADLINE_CHARS:
        article.headline = short_headline(text)
        if not article.body.startswith(text):
            article.body = f"{text}\n\n{article.body}" if article.body else text


def values_of(metadata: dict[str, list[str]]) -> Iterator[str]:
    return (value for values in metadata.values() for value in values)


def damaged_by(article: Article) -> str | None:
    """Why an article's text is damaged (a NUL byte, a line cut out: ``encoding.damage``), field by field (a
    joined copy of a huge body would cost its size again)."""
    fields = (article.id, article.headline, article.body, article.source, article.place, article.url)
    texts = (
        *fields,
        article.author,
        article.section,
        *article.people,
        *article.organizations,
        *article.places,
    )
    for text in (*texts, *article.metadata, *values_of(article.metadata)):
        reason = damage(text) if text else None
        if reason:
            return reason
    return None
