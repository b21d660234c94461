"""Snippets as data: fragments to text plus highlight spans, and the lead when nothing in the body matched."""

from dataclasses import dataclass, field

from newssearch.highlight import ELLIPSIS, SpanFormatter, lead
from newssearch.models import Snippet

TEXT = "Iraq's parliament voted on Sunday to expel US troops, and NATO paused its   training mission in Iraq."


@dataclass
class Token:
    startchar: int
    endchar: int


@dataclass
class Fragment:
    """What Whoosh's highlighter hands a formatter."""

    text: str
    startchar: int
    endchar: int
    matches: list = field(default_factory=list)


def _match(word, start=0):
    i = TEXT.index(word, start)
    return Token(i, i + len(word))


def test_spans_mark_exactly_the_matched_words():
    fragment = Fragment(TEXT, 0, len(TEXT), [_match("NATO"), _match("Iraq", 5)])
    snippet = SpanFormatter()(TEXT, [fragment])
    assert [snippet.text[a:b] for a, b in snippet.highlights] == ["NATO", "Iraq"]
    assert "its training" in snippet.text  # whitespace collapsed, spans still right


def test_fragments_are_joined_and_cut_ends_elided():
    first = Fragment(TEXT, 7, 40, [_match("parliament")])
    second = Fragment(TEXT, 60, 90, [_match("paused")])
    snippet = SpanFormatter().format([first, second])
    assert snippet.text.startswith(f"{ELLIPSIS} parliament") and snippet.text.endswith(ELLIPSIS)
    assert f" {ELLIPSIS} " in snippet.text
    assert [snippet.text[a:b] for a, b in snippet.highlights] == ["parliament", "paused"]


def test_headline_formatter_does_not_elide():
    fragment = Fragment(TEXT, 7, 40, [_match("parliament")])
    assert ELLIPSIS not in SpanFormatter(elide=False).format([fragment]).text


def test_overlapping_matches_are_marked_once():
    fragment = Fragment(TEXT, 0, len(TEXT), [_match("Iraq"), Token(0, 2)])
    snippet = SpanFormatter().format([fragment])
    assert snippet.highlights == [(0, 4)]


def test_no_fragments_is_no_snippet():
    assert SpanFormatter().format([]) is None


def test_lead_is_the_opening_cut_at_a_word():
    assert lead("Short story.") == Snippet("Short story.", [])
    long = lead("word " * 100, maxchars=30)
    assert (
        long.text == "word word word word word word "[:29].rstrip() + f" {ELLIPSIS}" and long.highlights == []
    )
    assert len(long.text) <= 32
