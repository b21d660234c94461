"""A page's snippets and headline highlights, exactly as Whoosh's highlighter makes them, found faster.

Whoosh runs each text through the field's analyzer to find the words whose terms matched. Each word's term depends
on the word alone, so here the words are found with the analyzer's own tokenizer expression and each distinct
word's term is worked out once (through the analyzer's filters) and kept across searches. Fragments are made by
``highlight.py``. Analyzers of another shape are left to Whoosh.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import (
    CharsetFilter,
    CompositeAnalyzer,
    LowercaseFilter,
    RegexTokenizer,
    StopFilter,
    Token,
)
from whoosh.analysis.morph import StemFilter
from whoosh.highlight import ContextFragmenter, Highlighter, WholeFragmenter
from whoosh.searching import Results

from newssearch.engine.schema import TOKEN_PATTERN
from newssearch.models import Snippet
from newssearch.text.highlight import SpanFormatter, Tokens, context_fragments, top_fragments, whole_fragment

#: The fields whose matched words are highlighted: a hit's body and headline are found in these.
_HIGHLIGHTED = frozenset({"content", "headline"})
_BODY = ContextFragmenter(maxchars=220, surround=60)
_HEADLINE = WholeFragmenter()
_PER_WORD_FILTERS = (LowercaseFilter, StopFilter, StemFilter, CharsetFilter)
_TERM_CACHE_SIZE = 100_000
#: id(analyzer) -> (analyzer, the words whose terms are known, term -> the words that make it)
_TERMS: dict[int, tuple[Any, set[str], dict[str, set[str]]]] = {}
#: The words of headline and body, as the schema's analyzers find them.
_WORD = re.compile(TOKEN_PATTERN)


class Highlights:
    """A page's snippet and headline highlights: what Whoosh's highlighter gives (a ``ContextFragmenter`` on the
    body, a ``WholeFragmenter`` on the headline), found faster.

    Whoosh runs each text through the field's analyzer to find the words whose terms matched. Each word's term
    depends on the word alone, so here the words are found with the analyzer's own tokenizer expression and each
    distinct word's term is worked out once (through the analyzer's filters) and kept; a text with no matched word
    is not fragmented at all, and the headline is scanned once for both of its fields. Analyzers of another shape
    are left to Whoosh.
    """

    def __init__(self, results: Results):
        self.results = results
        self.schema = results.searcher.schema
        self.words: dict[str, set[str]] | None = None  # the matched terms by field (None: Whoosh highlights)
        if results.has_matched_terms():
            self.words = {}
            for fieldname, btext in results.matched_terms():
                if fieldname in _HIGHLIGHTED:  # not the date filter's terms (some are no date at all)
                    self.words.setdefault(fieldname, set()).add(self.schema[fieldname].from_bytes(btext))
        self.body_hl = Highlighter(fragmenter=_BODY, formatter=SpanFormatter())
        self.headline_hl = Highlighter(fragmenter=_HEADLINE, formatter=SpanFormatter(elide=False))
        self._scanned: tuple[str, list[re.Match[str]], list[str], set[str]] | None = None

    def hit(self, hit: Any, body: str, headline: str) -> tuple[Snippet | None, Snippet | None]:
        """The snippet of the body and the headline's highlights (None for no match)."""
        tokens = self._tokens("content", body)
        if tokens is None:
            self.results.highlighter = self.body_hl
            snippet = hit.highlights("content", text=body, top=2)
        else:
            fragments = context_fragments(body, tokens, _BODY.maxchars, _BODY.surround, _BODY.charlimit)
            snippet = self.body_hl.formatter.format(top_fragments(fragments, 2))
        titled = None
        # The headline's words matched in "headline" (its stored text, as Whoosh reads it), else in "content".
        for fieldname, text in (("headline", hit["headline"]), ("content", headline)):
            tokens = self._tokens(fieldname, text)
            if tokens is None:
                titled = self.headline_hl.highlight_hit(hit, fieldname, text=text, top=1)
            else:
                titled = self.headline_hl.formatter.format(
                    top_fragments(whole_fragment(text, tokens, _HEADLINE.charlimit), 1)
                )
            if titled:
                break
        return snippet, titled

    def spans(self, fieldname: str, text: str) -> list[tuple[int, int]]:
        """The ``[start, end)`` spans of every word of a whole text whose term matched in the field: the words its
        snippet highlights."""
        tokens = self._tokens(fieldname, text)
        if tokens is not None:
            return [tokens.spans[i].span() for i in tokens.matched]
        wanted = (self.words or {}).get(fieldname)
        if not wanted:
            return []
        analyzer = self.schema[fieldname].analyzer  # as Whoosh's highlighter finds them
        found = analyzer(text, chars=True, positions=False, removestops=False, mode="index")
        return [(token.startchar, token.endchar) for token in found if token.text in wanted]

    def _tokens(self, fieldname: str, text: str) -> Tokens | None:
        """The text's words and their matched terms, or None to leave the text to Whoosh."""
        analyzer = self.schema[fieldname].analyzer
        if self.words is None:
            return None
        cached = _TERMS.get(id(analyzer))
        if cached is None or cached[0] is not analyzer or len(cached[1]) > _TERM_CACHE_SIZE:
            if not _per_word(analyzer):
                return None
            if len(_TERMS) >= 8:
                _TERMS.clear()
            # Replaced, never emptied: a search on another thread keeps a consistent one.
            cached = _TERMS[id(analyzer)] = (analyzer, set(), {})
        _, seen, words_of = cached
        if self._scanned is not None and self._scanned[0] == text:  # the headline, for its second field
            _, spans, raw, distinct = self._scanned
        else:
            spans = list(_WORD.finditer(text))
            raw = [m.group() for m in spans]
            distinct = set(raw)
            self._scanned = (text, spans, raw, distinct)
        new = distinct - seen
        for word in new:
            term = _term(analyzer, word)
            if term is not None:
                words_of.setdefault(term, set()).add(word)
        seen |= new  # after words_of: a word seen has its term's entry
        found: dict[str, str] = {}
        for term in self.words.get(fieldname, ()):
            for word in distinct.intersection(words_of.get(term, ())):
                found[word] = term
        return Tokens(spans, raw, found)


def _per_word(analyzer: Any) -> bool:
    """Whether the analyzer is Whoosh's default tokenizer followed by filters that each change one word alone."""
    if not isinstance(analyzer, CompositeAnalyzer):
        return False
    items = analyzer.items
    return (
        type(items[0]) is RegexTokenizer
        and not items[0].gaps
        and items[0].expression.pattern == TOKEN_PATTERN
        and items[0].expression.flags == _WORD.flags
        and all(type(item) in _PER_WORD_FILTERS for item in items[1:])
    )


def _term(analyzer: CompositeAnalyzer, word: str, removestops: bool = False) -> str | None:
    """The term the analyzer makes of a word its tokenizer found, as Whoosh's highlighter runs it (stop words are
    marked, not removed: each of these filters gives back one token for one); with ``removestops``, as the
    writer runs it (None for a stop word)."""
    token = Token(positions=False, chars=False, removestops=removestops, mode="index")
    token.text, token.boost, token.stopped = word, 1.0, False
    stream: Iterator[Token] = iter([token])
    for item in analyzer.items[1:]:
        stream = item(stream)
    out = [t.text for t in stream]
    return out[0] if len(out) == 1 else None
