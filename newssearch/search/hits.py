"""A ranked match as a ``Hit``: its stored article, its snippet and headline highlights, its matches in context."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from newssearch.engine import to_article
from newssearch.models import Hit, Snippet
from newssearch.text.highlight import lead
from newssearch.text.kwic import contexts

if TYPE_CHECKING:
    from newssearch.engine import Found, Ranked, Store


def make_hit(
    store: Store,
    ranked: Ranked,
    story: Found,
    rank: int,
    deadline: float,
    *,
    snippets: bool = True,
    kwic: bool = False,
) -> Hit:
    """A story of ``ranked`` as a ``Hit``: the snippet (while time is left; else the lead) shows the matched
    words, the literal of an exact search, or the sentence naming the entity of an entity query; with ``kwic``,
    every match of the body in context."""
    with store.guard():
        stored = ranked.stored(story)
    article = to_article(stored)
    highlights, literal, mentions = ranked.highlights, ranked.literal, ranked.mentions
    found = None
    if kwic:  # first: the snippet below reuses this scan of the body
        if literal is not None:
            found = contexts(article.body, literal.spans(article.body))
        elif highlights is not None:
            found = contexts(article.body, highlights.spans("content", article.body))
    snippet, titled = None, None
    if snippets and highlights is not None and time.monotonic() < deadline:
        snippet, titled = highlights.hit(story.hit, article.body, article.headline)
    elif literal is not None and snippets:
        snippet, spans = literal.snippets(article)
        titled = Snippet(article.headline, spans)
    named = mentions.snippets(article) if mentions is not None and mentions.only and snippets else None
    if named is not None:
        snippet, titled = named[0], Snippet(article.headline, named[1])
    return Hit(
        rank=rank,
        score=float(story.score or 0.0),
        article=article,
        snippet=snippet if isinstance(snippet, Snippet) else lead(article.body),
        headline_highlights=titled.highlights if isinstance(titled, Snippet) else [],
        kwic=found[0] if found is not None else [],
        kwic_more=found[1] if found is not None else 0,
        group=stored.get("group") or article.id,
        has_kwic=found is not None,
    )
