"""Runs of capitalised words in a paragraph: the candidates for names, with the tokens around them."""

from __future__ import annotations

from collections.abc import Iterator

from newssearch.extract.gazetteer import Gazetteer
from newssearch.extract.tokens import Tok, join
from newssearch.extract.words import (
    CONNECTORS,
    CORP_SUFFIXES,
    GEO_HEADS_OF,
    KNOWN_ORGS,
    NAME_PARTICLES,
    ORG_HEADS_OF,
    ORG_SUFFIXES,
    TITLES,
)

# A run of capitalised words, the token before it and the token after it (None at either end or after a split).
Span = tuple[list[Tok], Tok | None, Tok | None]


def _split(span: list[Tok], prev: Tok | None, nxt: Tok | None, gaz: Gazetteer) -> Iterator[Span]:
    """Split a run at possessives and at connectors that belong to no organisation, title or place."""
    if len(span) == 1 or (len(span) < 6 and (join(span) in gaz.places or join(span) in KNOWN_ORGS)):
        yield span, prev, nxt
        return
    corporate = span[-1].text.rstrip(".") in CORP_SUFFIXES
    org = corporate or span[-1].text in ORG_SUFFIXES or any(t.text in ORG_HEADS_OF for t in span[:-2])
    pieces: list[list[Tok]] = [[]]
    for tok in span:
        last = pieces[-1][-1] if pieces[-1] else None
        # Only "Moody's Investors Service Inc" keeps its possessive; "Britain's Labour Party" splits.
        if (
            last is not None
            and last.possessive
            and not (corporate and len(pieces[-1]) == 1 and last.text not in gaz.places)
        ):
            pieces.append([])
            last = None
        if tok.cap or tok.text in NAME_PARTICLES or tok.text == "&":
            pieces[-1].append(tok)
            continue
        before = last.text.rstrip(".") if last is not None else ""
        if tok.text in ("of", "for"):
            licensed = before in ORG_HEADS_OF or before in GEO_HEADS_OF or before in TITLES
        elif tok.text == "the":
            licensed = before in ("of", "for")
        else:  # "and": "Securities and Exchange Commission", not "Standard Oil Co and BP Inc"
            licensed = org and before not in CORP_SUFFIXES and before not in gaz.big
        if licensed:
            pieces[-1].append(tok)
        else:
            pieces.append([])
    pieces = [p for p in pieces if p]
    for k, piece in enumerate(pieces):
        yield piece, prev if k == 0 else None, nxt if k == len(pieces) - 1 else None


def spans(toks: list[Tok], gaz: Gazetteer) -> Iterator[Span]:
    """Maximal runs of capitalised words, joined by "of", "and", "de" ..., then split where they do not hold."""
    i, n = 0, len(toks)
    while i < n:
        if not toks[i].cap:
            i += 1
            continue
        j = i + 1
        while j < n:
            if toks[j].cap:
                j += 1
                continue
            k = j
            while k < n and k - j < 2 and toks[k].text in CONNECTORS:
                k += 1
            if j < k < n and toks[k].cap and toks[j].text != "the":
                j = k + 1
                continue
            break
        yield from _split(toks[i:j], toks[i - 1] if i else None, toks[j] if j < n else None, gaz)
        i = j
