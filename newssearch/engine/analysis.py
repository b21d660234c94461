"""Index-time analysis worked out once per distinct word: what Whoosh's writer gets from a headline's or body's
analyzer, the same terms, frequencies, weights and positions, without running every word through the filters.

Whoosh runs each word of each story through the analyzer's chain (lower case, stop words, stemming, accent
folding): most of a build's time. The chains newssearch builds change each word on its own (``snippets._per_word``
says which), so a word's term, or that it is a stop word, is worked out once and kept (``_TERMS``); positions are
counted as the stop filter renumbers them (the first kept word at its place among all words, the next ones after
it). ``TEXT.index`` takes this path for such analyzers with Whoosh's ``Positions`` format (newssearch's own:
``_per_word`` wants its tokenizer pattern), and Whoosh's own for anything else, such as another program's fields.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh import fields, formats
from whoosh.analysis import StopFilter

from newssearch.engine.snippets import _WORD, _per_word, _term

#: Distinct words whose terms are kept, per analyzer; the cache starts again past this.
MAX_WORDS = 200_000
#: id(analyzer) -> (analyzer, word -> its term, or None for a stop word)
_TERMS: dict[int, tuple[Any, dict[str, str | None]]] = {}
_whoosh_index = fields.FieldType.index
#: position -> ``Positions.encode([position])`` (the same for every ``Positions`` format), below MAX_SINGLE
MAX_SINGLE = 65_536
_SINGLE: dict[int, bytes] = {}


def _terms_of(analyzer: Any) -> dict[str, str | None] | None:
    """The analyzer's word -> term cache, or None if its words cannot be analysed one at a time."""
    cached = _TERMS.get(id(analyzer))
    if cached is not None and cached[0] is analyzer and len(cached[1]) <= MAX_WORDS:
        return cached[1]
    if not _per_word(analyzer) or any(type(i) is StopFilter and not i.renumber for i in analyzer.items):
        return None
    if len(_TERMS) >= 64:  # a schema has 8 text analyzers: several indexes open at once keep theirs
        _TERMS.clear()
    terms: dict[str, str | None] = {}
    _TERMS[id(analyzer)] = (analyzer, terms)
    return terms


def word_values(fmt: Any, value: str, terms: dict[str, str | None], analyzer: Any) -> Iterator[Any]:
    """``Positions.word_values`` of ``value``: (term, frequency, weight, encoded positions) for each term, in the
    order of their first occurrence."""
    poses: dict[str, list[int]] = {}
    first = kept = -1
    for position, word in enumerate(_WORD.findall(value)):
        term = terms.get(word, "")
        if term == "":
            term = terms[word] = _term(analyzer, word, removestops=True)
        if term is None:
            continue
        if first < 0:
            first = position
        kept += 1
        poses.setdefault(term, []).append(first + kept)
    boost = fmt.field_boost
    once = 1.0 * boost
    for term, positions in poses.items():
        if len(positions) == 1 and positions[0] < MAX_SINGLE:  # most words of a story: encoding looked up
            encoded = _SINGLE.get(positions[0])
            if encoded is None:
                encoded = _SINGLE[positions[0]] = fmt.encode(positions)
            yield term, 1, once, encoded
        else:
            yield term, len(positions), float(len(positions)) * boost, fmt.encode(positions)


def _index(self: Any, value: Any, **kwargs: Any) -> Iterator[Any]:
    """``FieldType.index`` (whoosh-reloaded 2.7.5) for a text field: the cached path above where it applies."""
    terms = None
    if (
        type(self.format) is formats.Positions
        and isinstance(value, str)
        and kwargs.get("mode", "index") == "index"
    ):
        terms = _terms_of(self.analyzer)
    if terms is None:
        yield from _whoosh_index(self, value, **kwargs)
        return
    for term, freq, weight, encoded in word_values(self.format, value, terms, self.analyzer):
        yield term.encode("utf-8"), freq, weight, encoded


fields.TEXT.index = _index
