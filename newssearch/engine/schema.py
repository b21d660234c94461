"""The Whoosh schema: which article fields are searched, stored, sortable and exact-match.

Ranking is BM25 over ``content`` (headline and body as one text) plus extra weight for matches in the headline and
the entity fields (see ``FIELD_BOOSTS``). Whoosh scores each field on its own and adds the scores, so a word in both
headline and body would count twice if they were separate ranked fields; one combined field, with the headline as
a smaller bonus, ranked better on every judged collection in ``benchmarks/``. Boosts are applied at query time:
Whoosh's index-time field boosts are weak once BM25 saturates term frequency and cannot change without a reindex.
The body is stored, not indexed on its own (``content`` holds its words). The exact-match facet fields
(``source``, ``place``, ``people``, ``organizations``, ``places``, ``topics``, ``authors``, ``section``) hold whole
lower-cased values; the ``*_text`` fields hold the words of the same names, for ``person:``, ``author:`` and the
like.
"""

from __future__ import annotations

import functools
from collections import Counter
from math import log
from typing import Any

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StemmingAnalyzer,
)
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.lang import stopwords_for_language
from whoosh.scoring import BM25F, BaseScorer
from whoosh.searching import Searcher
from whoosh.support.charset import accent_map
from whoosh.util.numeric import byte_to_length

from newssearch.engine.deadline import tick

#: Bump when the schema or the meaning of a field changes: older indexes must then be rebuilt.
SCHEMA_VERSION = 9  # 9: the topics field also holds metadata "topic" values and Article.topics

#: Query-time weights of the fields searched by default (chosen on the benchmarks' judged collections).
FIELD_BOOSTS = {
    "content": 1.0,
    "headline": 0.3,
    "person_text": 0.05,
    "org_text": 0.05,
    "place_text": 0.05,
    "author_text": 0.05,
}
DEFAULT_FIELDS = list(FIELD_BOOSTS)

#: Names people type before a colon, mapped to fields.
FIELD_ALIASES = {
    "person_text": ["person", "people"],
    "org_text": ["org", "organization", "organisation", "organizations"],
    "place_text": ["place", "places"],
    "topics": ["topic"],
    "content": ["body", "text"],
    "headline": ["title"],
    "author_text": ["author", "authors", "byline"],
    "section_text": ["section", "category"],
    "source_text": ["source"],
}

#: Whoosh's default English stop list has 34 words; this one (127 words, from whoosh.lang) also drops "what",
#: "there", "about"..., which helps the verbose questions people type.
STOP_WORDS = stopwords_for_language("en")


#: A word: a decimal number (``3.5``), an abbreviation of single letters (``U.S.``, kept as ``u.s``) or a run of
#: word characters. Whoosh's own expression also joins words across dots, so that ``Salesforce.com`` or
#: ``USATODAY.com`` was one word, never found by ``salesforce``; here they are two. (``*`` counts as a word
#: character, as in Whoosh's.)
TOKEN_PATTERN = r"\d+(?:\.\d+)+|[^\W\d_](?:\.[^\W\d_])+(?=\.?(?!\w))|[\w*]+"


def text_analyzer() -> Analyzer:
    """Words, lower-cased, stop words out, accents folded, English stems: for headline and body."""
    analyzer = StemmingAnalyzer(expression=TOKEN_PATTERN, stoplist=STOP_WORDS) | CharsetFilter(accent_map)
    for item in analyzer.items:
        if isinstance(item, StemFilter) and item.cachesize > 1:
            # Whoosh's stem cache (``lfu_cache``) fails with KeyError or RuntimeError when two threads evict from
            # it at once (a search while an add runs); the standard library's is safe. Not pickled with the schema.
            item._stem = functools.lru_cache(maxsize=item.cachesize)(item.stemfn)
    return analyzer


def name_analyzer() -> Analyzer:
    """Entity names: every word of every name, lower-cased and accent-folded, not stemmed."""
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | CharsetFilter(accent_map)


def build_schema() -> Schema:
    return Schema(
        id=ID(unique=True, stored=True, sortable=True),  # sortable: a column, read fast for whole match sets
        path=ID(stored=True),
        # "<path>\t<size>\t<sha256>": one term per file, read back to decide what changed since the last run.
        filesig=ID(),
        headline=TEXT(analyzer=text_analyzer(), stored=True, phrase=True),
        body=STORED(),
        content=TEXT(analyzer=text_analyzer(), phrase=True),
        date=DATETIME(stored=True, sortable=True),
        date_precision=STORED(),  # "year", "month" or "day" for a date given only so far; none for a time
        source=KEYWORD(stored=True, lowercase=True, commas=True, scorable=True),
        place=KEYWORD(stored=True, lowercase=True, commas=True, scorable=True),
        people=KEYWORD(stored=True, lowercase=True, commas=True, scorable=True),
        organizations=KEYWORD(stored=True, lowercase=True, commas=True, scorable=True),
        places=KEYWORD(stored=True, lowercase=True, commas=True, scorable=True),
        person_text=TEXT(analyzer=name_analyzer(), phrase=True),
        org_text=TEXT(analyzer=name_analyzer(), phrase=True),
        place_text=TEXT(analyzer=name_analyzer(), phrase=True),
        # Labels that came with the record (Reuters-21578 TOPICS, say), not extracted from its text.
        topics=KEYWORD(stored=True, lowercase=True, commas=True, scorable=True),
        metadata=STORED(),
        # Near-identical copies (grouping.py), on every copy but the first one of its group: the group (the id of
        # that first copy, also as a column) and the term "1".
        group=ID(stored=True, sortable=True),
        reprint=ID(),
        url=STORED(),
        # The byline as given (stored), each author's whole name (exact) and their words; the section (category)
        # and the source's words likewise.
        author=STORED(),
        authors=KEYWORD(lowercase=True, commas=True, scorable=True),
        author_text=TEXT(analyzer=name_analyzer(), phrase=True),
        section=KEYWORD(stored=True, lowercase=True, commas=True, scorable=True),
        section_text=TEXT(analyzer=name_analyzer(), phrase=True),
        source_text=TEXT(analyzer=name_analyzer(), phrase=True),
    )


def length_bytes(reader: Any, fieldname: str) -> bytes | None:
    """Each document's length in a field as one segment stores it (a byte each, ``byte_to_length`` decodes it),
    read in one piece; None if no document of the segment has the field."""
    perdoc = getattr(reader, "_perdoc", None)
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN) if perdoc else None
    if column is None:
        return None
    return column_bytes(column, reader.doc_count_all())


def has_lengths(reader: Any, fieldname: str) -> bool:
    """Whether ``length_bytes`` would find the field's lengths, without reading them."""
    perdoc = getattr(reader, "_perdoc", None)
    if not perdoc:
        return False
    return perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN) is not None


def column_bytes(column: Any, doccount: int) -> bytes:
    """A lengths column's bytes for the ``doccount`` documents of its segment, in one piece."""
    if getattr(column, "_typecode", None) == "B" and not column._reverse:  # Whoosh 2.7's lengths column
        raw: bytes = column._dbfile.get(column._basepos, column._count)
        return raw[:doccount] + bytes([column._default]) * (doccount - len(raw))
    return bytes(column[docnum] for docnum in range(doccount))


#: byte -> the field length it stands for (0 for no length)
BYTE_LENGTHS = [byte_to_length(byte) if byte else 0 for byte in range(256)]


def _stored_lengths_average(searcher: Searcher, fieldname: str) -> float:
    """The mean of the per-article lengths the index stores (rounded to one byte each), over live articles."""
    cache = searcher.__dict__.setdefault("_newssearch_avgfl", {})
    if fieldname not in cache:
        total, count = 0, 0
        for reader, _ in searcher.reader().leaf_readers():
            count += reader.doc_count()
            lengths = length_bytes(reader, fieldname)
            if lengths is None:  # no article of this segment has the field
                continue
            total += sum(BYTE_LENGTHS[byte] * n for byte, n in Counter(lengths).items())
            if reader.has_deletions():
                total -= sum(BYTE_LENGTHS[lengths[d]] for d in reader.deleted_docs_set)
        cache[fieldname] = total / count if count else 0.0
    return cache[fieldname]


def _deleted_frequency(searcher: Searcher, fieldname: str, text: Any) -> int:
    """How many deleted (not yet merged away) documents hold a term. Per segment, whichever is shorter is walked:
    the term's postings, checked against the deleted set, or the deleted documents, skipping through the postings
    to each (reading only the blocks that hold them). Both stop at the search's deadline."""
    count = 0
    for reader, _ in searcher.reader().leaf_readers():
        if not reader.has_deletions():
            continue
        btext = reader._text_to_bytes(fieldname, text)
        if (fieldname, btext) not in reader:
            continue
        deleted: list[int] = reader.__dict__.get("_newssearch_deleted") or sorted(reader.deleted_docs_set)
        reader.__dict__["_newssearch_deleted"] = deleted
        postings = reader._terms.matcher(fieldname, btext, reader.schema[fieldname].format)  # deletions kept
        if reader.doc_frequency(fieldname, btext) <= len(deleted):
            deleted_set = reader.deleted_docs_set
            for docnum in postings.all_ids():
                count += docnum in deleted_set
                tick()
            continue
        for docnum in deleted:
            if not postings.is_active():
                break
            if postings.id() < docnum:
                postings.skip_to(docnum)
            if postings.is_active() and postings.id() == docnum:
                count += 1
            tick()
    return count


class StableBM25F(BM25F):
    """Whoosh's BM25F with statistics taken over the live articles only, so that every score depends on the
    articles in the index and not on the history of updates that put them there.

    - The average field length comes from the stored per-article lengths: Whoosh keeps a segment's total exactly
      when it writes the segment, but as the sum of the rounded per-article lengths when segments are merged.
    - The idf leaves out deleted articles that a segment still holds until it is merged; Whoosh counts them.
    """

    def idf(self, searcher: Searcher, fieldname: str, text: Any) -> float:
        parent = searcher.get_parent()
        n = parent.doc_frequency(fieldname, text)
        if parent.doc_count() != parent.doc_count_all():
            n -= _deleted_frequency(parent, fieldname, text)
        return log(parent.doc_count() / (n + 1)) + 1

    def scorer(self, searcher: Searcher, fieldname: str, text: bytes, qf: int = 1) -> BaseScorer:
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if hasattr(scorer, "avgfl"):
            scorer.avgfl = _stored_lengths_average(searcher.get_parent(), fieldname) or 1
        return scorer

    def parameters(
        self, searcher: Searcher, fieldname: str, text: bytes
    ) -> tuple[float, float, float, float]:
        """(idf, average length, B, K1) of a word of a scorable field, as ``scorer`` gives them to its
        ``BM25FScorer``, without making one (which also looks the word up and works out its best score)."""
        parent = searcher.get_parent()
        B = self._field_B.get(fieldname, self.B)
        return parent.idf(fieldname, text), _stored_lengths_average(parent, fieldname) or 1, B, self.K1
