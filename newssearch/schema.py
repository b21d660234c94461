"""The Whoosh schema: which article fields are searched, stored, sortable and exact-match.

Ranked text search runs over ``headline``, ``body`` and the three entity text fields; query-time boosts (see
``FIELD_BOOSTS``) weigh the headline and entities above the body, because Whoosh's index-time field boosts are
weak once BM25 saturates term frequency and cannot be changed without a reindex. The exact-match facet fields
(``source``, ``place``, ``people``, ``organizations``, ``places``, ``topics``) hold whole lower-cased values.
"""

from __future__ import annotations

from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemmingAnalyzer
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.support.charset import accent_map

#: Bump when the schema or the meaning of a field changes: older indexes must then be rebuilt.
SCHEMA_VERSION = 2

#: Query-time weights of the fields searched by default.
FIELD_BOOSTS = {"headline": 3.0, "person_text": 2.0, "org_text": 2.0, "place_text": 2.0, "body": 1.0}
DEFAULT_FIELDS = list(FIELD_BOOSTS)

#: Names people type before a colon, mapped to fields.
FIELD_ALIASES = {
    "person_text": ["person", "people"],
    "org_text": ["org", "organization", "organisation", "organizations"],
    "place_text": ["place", "places"],
    "topics": ["topic"],
}


def text_analyzer():
    """Words, lower-cased, stop words out, accents folded, English stems: for headline and body."""
    return StemmingAnalyzer() | CharsetFilter(accent_map)


def name_analyzer():
    """Entity names: every word of every name, lower-cased and accent-folded, not stemmed."""
    return RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)


def build_schema() -> Schema:
    return Schema(
        id=ID(unique=True, stored=True),
        path=ID(stored=True),
        # "<path>\t<mtime_ns>\t<size>": one term per file, read back to decide what changed since the last run.
        filesig=ID(),
        headline=TEXT(analyzer=text_analyzer(), stored=True, phrase=True),
        body=TEXT(analyzer=text_analyzer(), stored=True, phrase=True),
        date=DATETIME(stored=True, sortable=True),
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
        url=STORED(),
        author=STORED(),
    )
