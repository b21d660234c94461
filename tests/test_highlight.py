"""Snippets as data: fragments to text plus highlight spans, and the lead when nothing in the body matched."""

import random
from dataclasses import dataclass, field

from newssearch.models import Snippet
from newssearch.text.highlight import (
    ELLIPSIS,
    SpanFormatter,
    Tokens,
    context_fragments,
    lead,
    top_fragments,
    whole_fragment,
)

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


def _whoosh_fragments(text, matched, maxchars, surround, charlimit, whole=False):
    from whoosh.analysis import RegexTokenizer
    from whoosh.highlight import ContextFragmenter, Highlighter, WholeFragmenter, set_matched_filter

    tokens = RegexTokenizer()(text, positions=True, chars=True, mode="index", removestops=False)
    tokens = Highlighter._merge_matched_tokens(set_matched_filter(tokens, matched))
    if whole:
        return list(WholeFragmenter(charlimit=charlimit).fragment_tokens(text, tokens))
    return list(ContextFragmenter(maxchars, surround, charlimit).fragment_tokens(text, tokens))


def _ours(text, matched):
    from whoosh.analysis.tokenizers import default_pattern

    spans = list(default_pattern.finditer(text))
    words = [m.group() for m in spans]
    return Tokens(spans, words, {w: w for w in words if w in matched})


def _shape(fragments):
    return [
        (f.startchar, f.endchar, [(m.startchar, m.endchar, m.text) for m in f.matches]) for f in fragments
    ]


def test_fragments_are_whoosh_context_and_whole_fragmenters_own():
    """Our fragmenters skip the words between fragments: the fragments, their scores and their order must be the
    ones Whoosh's ContextFragmenter (and WholeFragmenter, top_fragments) make, on texts built to reach its edges
    (words longer than a fragment, matches close together, the character limit cutting a fragment)."""
    from whoosh.highlight import FIRST, BasicFragmentScorer
    from whoosh.highlight import top_fragments as whoosh_top

    rng = random.Random(7)
    vocab = ["oil", "Oil", "prices", "a", "U.S.", "x" * 40, "y" * 130, "z" * 300, "opec", "rose", "3.5", "**"]
    checked = 0
    for _ in range(400):
        text = "".join(
            rng.choice(vocab) + rng.choice([" ", "  ", ", ", ".\n", " - "]) for _ in range(rng.randint(0, 60))
        )
        matched = set(rng.sample(vocab, rng.randint(0, 4)))
        maxchars, surround = rng.choice([20, 50, 220]), rng.choice([0, 5, 60])
        charlimit = rng.choice([None, 80, 400, 2**15])
        tokens = _ours(text, matched)
        expected = _whoosh_fragments(text, matched, maxchars, surround, charlimit)
        got = context_fragments(text, tokens, maxchars, surround, charlimit)
        if not tokens.matched:
            assert not any(f.matches for f in expected) and got == []
            continue
        assert _shape(got) == _shape(expected), (text, matched, maxchars, surround, charlimit)
        for top in (1, 2, 3):
            assert _shape(top_fragments(got, top)) == _shape(
                whoosh_top(expected, top, BasicFragmentScorer(), FIRST)
            )
        whole = _whoosh_fragments(text, matched, maxchars, surround, charlimit, whole=True)
        assert _shape(whole_fragment(text, tokens, charlimit)) == _shape(whole)
        checked += 1
    assert checked > 200
