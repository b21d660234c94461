"""Exact search: text matched literally, case, punctuation and spelling as typed (``search(..., exact=True)``).

No second index: the candidates come from the normal one (each literal's words as a phrase, so stemming and
folding can only widen them), and each candidate's stored headline and body are then read and checked against
the literals. Whitespace runs match any whitespace run; a literal that starts or ends with a letter or digit must
start or end at a word boundary (``Blair`` does not match ``Blairite``).

What a literal is: without double quotes the whole text is one; with them, each quoted part is one and each word
outside the quotes another, all required. Operators and ``field:`` prefixes are not read: they are text too.
A literal's candidates are the stories holding its first ``MAX_PHRASE_WORDS`` words as a phrase: a pasted
paragraph is found, and checked whole.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq

from newssearch.engine.matchers import MAX_PHRASE_WORDS, TimedPhrase
from newssearch.engine.query import MAX_QUERY_CHARS, MAX_TERMS, Prepared
from newssearch.engine.schema import FIELD_BOOSTS
from newssearch.errors import QueryError
from newssearch.models import Article, Snippet
from newssearch.text.highlight import lead
from newssearch.text.sentences import sentence_snippet

#: Matches of a literal highlighted in one text, at most.
MAX_SPANS = 50
_QUOTED = re.compile(r'"([^"]*)(?:"|$)')


def literals(text: str) -> list[str]:
    """The literal strings ``text`` asks for (see the module's docstring), whitespace ends stripped."""
    if '"' not in text:
        return [text.strip()] if text.strip() else []
    found: list[str] = []
    rest: list[str] = []
    index = 0
    for m in _QUOTED.finditer(text):
        rest.append(text[index : m.start()])
        found.append(m.group(1).strip())
        index = m.end()
    rest.append(text[index:])
    found.extend(word for part in rest for word in part.split())
    return [literal for literal in dict.fromkeys(found) if literal]


def pattern(literal: str) -> re.Pattern[str]:
    """The regular expression of one literal: as typed, whitespace runs equal, word boundaries at word ends."""
    body = r"\s+".join(re.escape(chunk) for chunk in literal.split())
    before = r"(?<!\w)" if re.match(r"\w", literal) else ""
    after = r"(?!\w)" if re.search(r"\w$", literal) else ""
    return re.compile(before + body + after)


@dataclass
class Literal:
    """An exact search: the literals' patterns and the query that finds their candidates."""

    prepared: Prepared
    patterns: list[re.Pattern[str]] = field(default_factory=list)

    def matches(self, headline: str, body: str) -> bool:
        """Whether every literal is in the headline or the body."""
        return all(p.search(headline) or p.search(body) for p in self.patterns)

    def keep(
        self,
        scored: list[tuple[float, int]],
        stored: Callable[[int], dict[str, Any]],
        deadline: float,
        too_slow: Callable[[], Exception],
    ) -> list[tuple[float, int]]:
        """The candidates, in their order, whose stored headline and body hold every literal. Past the deadline
        ``too_slow()`` is raised: the total is never a guess."""
        kept = []
        for count, item in enumerate(scored, 1):
            if not count & 63 and time.monotonic() > deadline:
                raise too_slow()
            fields = stored(item[1])
            if self.matches(fields.get("headline") or "", fields.get("body") or ""):
                kept.append(item)
        return kept

    def snippets(self, article: Article) -> tuple[Snippet, list[tuple[int, int]]]:
        """The sentence of the body holding the first literal match (the lead when only the headline holds
        them), and the spans of the literals in the headline."""
        snippet = sentence_snippet(article.body, self.spans(article.body)) or lead(article.body)
        return snippet, self.spans(article.headline)

    def spans(self, text: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for p in self.patterns:
            for number, m in enumerate(p.finditer(text)):
                if number == MAX_SPANS:
                    break
                if m.end() > m.start():
                    spans.append(m.span())
        return _disjoint(spans)


def prepare(schema: Any, text: str) -> Literal:
    """The exact search of ``text``; QueryError (one line) for text that cannot be searched so."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query is too long ({len(text):,} characters; the limit is {MAX_QUERY_CHARS:,})")
    found = literals(text)
    if not found:
        raise QueryError("empty query: type some words to search for")
    if len(found) > MAX_TERMS:
        raise QueryError(f"query has too many distinct words (the limit is {MAX_TERMS:,})")
    required: list[wq.Query] = []
    for literal in found:
        words = [token.text for token in schema["content"].analyzer(literal, mode="query")]
        if words:  # a long literal's candidates: the stories with its first words (the check reads it all)
            required.append(_phrase(words[:MAX_PHRASE_WORDS]))
    if not required:
        raise QueryError(
            "an exact search needs a word that is not a common word (stop word); the text is matched literally "
            "among the stories holding its other words"
        )
    q = required[0] if len(required) == 1 else wq.And(required)
    return Literal(Prepared(q), [pattern(literal) for literal in found])


def _phrase(words: Sequence[str]) -> wq.Query:
    """The words in the body and in the headline (its bonus, as for any query)."""
    parts = []
    for fieldname in ("content", "headline"):
        boost = FIELD_BOOSTS[fieldname]
        if len(words) == 1:
            parts.append(wq.Term(fieldname, words[0], boost=boost))
        else:
            parts.append(TimedPhrase(fieldname, list(words), boost=boost))
    return wq.Or(parts)


def _disjoint(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans sorted, overlapping ones merged."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out
