"""More like this: a story's key terms and entities made into one ranked query, its own copies left out.

The key terms are the words of the headline (counted twice) and body, weighted by tf-idf with the index's own
document frequencies; the entities are whole names in the ``people``, ``organizations`` and ``places`` fields.
Both become one OR query, run by the normal search path (``search.search`` with a ``Prepared`` query), which
leaves out the story itself, the ids asked for and every story whose headline and body are the same text
(reprints), found before the search so that totals and pages stay exact.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from math import log

from newssearch.engine import Prepared, Snapshot, Store, any_of, to_article
from newssearch.errors import QueryError
from newssearch.models import Article, SearchResults
from newssearch.options import DEFAULT_TIMEOUT, Bound, SearchOptions, deadline_of
from newssearch.search.searching import search
from newssearch.text.sanitize import clean_article
from newssearch.values import texts

#: Pasted text is read up to this many characters.
MAX_TEXT_CHARS = 100_000
#: The query holds at most this many key terms, and this many names of each kind of entity.
KEY_TERMS = 25
ENTITIES_PER_KIND = 8
#: A headline word counts as this many body words.
HEADLINE_WEIGHT = 2
#: The boost of an entity name, against 1.0 for the story's most telling word.
ENTITY_BOOST = 0.5
#: Documents looked at (and stored texts read) when looking for copies of the story.
MAX_COPY_CANDIDATES = 200
#: Ids left out with ``exclude`` at most.
MAX_EXCLUDED = 10_000

_ENTITY_FIELDS = (("people", "people"), ("organizations", "organizations"), ("places", "places"))
_NUMBER = re.compile(r"[\d.,]+")
_SPACE = re.compile(r"\s+")


@dataclass
class Source:
    """What a similar-stories query is made from: a stored story (``docnum`` set) or pasted text."""

    article: Article
    docnum: int | None = None
    notes: list[str] = field(default_factory=list)


def normalized(article: Article) -> str:
    """Headline and body as one text, whitespace collapsed: two stories with the same are copies."""
    return _SPACE.sub(" ", f"{article.headline} {article.body}").strip()


def key_terms(index: Snapshot, article: Article, count: int = KEY_TERMS) -> list[tuple[str, float]]:
    """The story's most telling words as the ``content`` field holds them, with weights (the best 1.0):
    ``(1 + log tf) * idf``, the headline's words counted ``HEADLINE_WEIGHT`` times. Numbers, and words no other
    story holds, are left out."""
    tf: Counter[str] = Counter()
    for text, weight in ((article.headline, HEADLINE_WEIGHT), (article.body, 1)):
        for term in index.analyse("content", text[:MAX_TEXT_CHARS]):
            if not _NUMBER.fullmatch(term):
                tf[term] += weight
    total = max(1, index.doc_count())
    weighted: list[tuple[str, float]] = []
    for term, n in tf.items():
        df = index.doc_frequency("content", term)
        if df <= 1:  # in no other story (or in this one alone): it cannot find anything
            continue
        weighted.append((term, (1 + log(n)) * log(1 + total / df)))
    weighted.sort(key=lambda item: (-item[1], item[0]))
    best = weighted[:count]
    top = best[0][1] if best else 1.0
    return [(term, weight / top) for term, weight in best]


def entity_terms(article: Article) -> list[tuple[str, str]]:
    """(field, whole lower-cased name) of the story's first names of each kind."""
    out: list[tuple[str, str]] = []
    for fieldname, attribute in _ENTITY_FIELDS:
        names = [" ".join(n.replace(",", " ").split()).lower() for n in getattr(article, attribute)]
        out.extend((fieldname, n) for n in dict.fromkeys(names) if n)
    by_kind: Counter[str] = Counter()
    kept = []
    for fieldname, name in out:
        by_kind[fieldname] += 1
        if by_kind[fieldname] <= ENTITIES_PER_KIND:
            kept.append((fieldname, name))
    return kept


def copies(index: Snapshot, article: Article, terms: list[tuple[str, float]]) -> set[str]:
    """Ids of the stories whose headline and body are the story's own text (whitespace aside): the stories that
    hold its rarest key words, at most MAX_COPY_CANDIDATES of them, compared."""
    if not terms:
        return set()
    rarest = sorted(terms, key=lambda item: index.doc_frequency("content", item[0]))[:5]
    target = normalized(article)
    found: set[str] = set()
    for number, docnum in enumerate(index.docs_with_all("content", [term for term, _ in rarest])):
        if number >= MAX_COPY_CANDIDATES:
            break
        stored = index.stored(docnum)
        text = _SPACE.sub(" ", f"{stored.get('headline', '')} {stored.get('body', '')}").strip()
        if text == target:
            found.add(stored["id"])
    return found


def reprints_of(index: Snapshot, docnum: int) -> set[str]:
    """Ids of the story's near-identical copies (its group: ``reprints.py``), at most MAX_COPY_CANDIDATES."""
    stored = index.stored(docnum)
    key = stored.get("group") or stored["id"]  # a first copy carries no group: its id is its group's key
    found = {key}
    for number, other in enumerate(index.docs("group", key)):
        if number >= MAX_COPY_CANDIDATES:
            break
        found.add(index.stored(other)["id"])
    return found


def similar_query(index: Snapshot, source: Source, exclude: set[str]) -> Prepared:
    """The ranked query for stories like ``source``, without the ids in ``exclude`` (the story's copies added)."""
    article = source.article
    terms = key_terms(index, article)
    names = entity_terms(article)
    weighted = [("content", term, weight) for term, weight in terms]
    weighted += [(fieldname, name, ENTITY_BOOST) for fieldname, name in names]
    if not weighted:
        raise QueryError("the story has no words or names that other stories share")
    left_out = set(exclude) | copies(index, article, terms)
    if source.docnum is not None:
        left_out.add(article.id)
        left_out |= reprints_of(index, source.docnum)
    return any_of(index, weighted, left_out, list(source.notes))


def find_source(store: Store, article_id: str | None, text: str | None) -> Source:
    """The story to match: the stored one with this id, or pasted text (read up to MAX_TEXT_CHARS, its entities
    found as ``index`` finds them). Exactly one of the two is given."""
    if (article_id is None) == (text is None):
        raise QueryError("give either an article id or a text, not both")
    if article_id is not None:
        if not isinstance(article_id, str):
            raise QueryError("the article id must be text")
        with store.guard():
            docnum, stored = Snapshot.of(store).story(article_id)
            return Source(to_article(stored), docnum)
    if not isinstance(text, str):
        raise QueryError("the text must be text")
    notes = []
    if len(text) > MAX_TEXT_CHARS:
        notes.append(f"the text is long: its first {MAX_TEXT_CHARS:,} characters were read")
        text = text[:MAX_TEXT_CHARS]
    if not text.strip():
        raise QueryError("empty text: give the text of a story")
    from newssearch.extract.enrich import enrich  # extraction loads only when pasted text needs it

    return Source(enrich(clean_article(Article(id="(text)", body=text))), None, notes)


def similar(
    store: Store,
    article_id: str | None = None,
    text: str | None = None,
    limit: int = 10,
    page: int = 1,
    since: Bound = None,
    until: Bound = None,
    *,
    exclude: str | Iterable[str] = (),
    timeout: float | None = DEFAULT_TIMEOUT,
) -> SearchResults:
    """Stories like a stored one or like pasted text (see ``NewsIndex.similar``)."""
    deadline = deadline_of(timeout)  # reading the story and choosing its words count in the time limit
    options = SearchOptions.of(
        "similar", limit, page, since, until
    )  # first: reading a pasted text takes time
    excluded = _ids(exclude)
    if len(excluded) > MAX_EXCLUDED:
        raise QueryError(f"too many ids to leave out (the limit is {MAX_EXCLUDED:,})")
    source = find_source(store, article_id, text)
    with store.guard():
        made = similar_query(Snapshot.of(store), source, excluded)
    label = f"similar to {article_id}" if article_id is not None else "similar to the text given"
    left = None if timeout is None else max(0.0, deadline - time.monotonic())
    return search(store, dataclasses.replace(options, text=label, timeout=left), made=made)


def _ids(exclude: str | Iterable[str]) -> set[str]:
    """The ids to leave out (one id given as text is that id); QueryError for anything but ids."""
    return set(texts(exclude, "exclude", QueryError))
