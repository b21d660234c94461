"""Runs of capitalised words in a paragraph: the candidates for names, with the tokens around them."""

from __future__ import annotations

from collections.abc import Iterator

from newssearch.extract.gazetteer import Gazetteer
from newssearch.extract.tokens import Tok, is_acronym, join
from newssearch.extract.words import (
    CONNECTORS,
    CORP_SUFFIXES,
    FIRMS_NAMED_LIKE_PEOPLE,
    FUNCTION_WORDS,
    GEO_HEADS_OF,
    KNOWN_ORGS,
    NAME_PARTICLES,
    ORG_HEADS_OF,
    ORG_SUFFIXES,
    TITLES,
    WEAK_TITLES,
)

# A run of capitalised words, the token before it and the token after it (None at either end or after a split).
Span = tuple[list[Tok], Tok | None, Tok | None]


def _and_joins(piece: list[Tok], after: Tok | None, gaz: Gazetteer) -> bool:
    """Whether "and" may go on the run so far (``after``: the word after "and"): not after a whole name ("IMF
    and World Bank", "World Bank and IMF", "Chairman Paul Volcker and ..."); "J.P. Morgan and Co" holds."""
    last = piece[-1].text if piece else ""
    if after is not None and after.text.rstrip(".") in CORP_SUFFIXES:
        return True
    if (
        is_acronym(last)
        or join(piece) in FIRMS_NAMED_LIKE_PEOPLE
        or any(t.text.rstrip(".") in TITLES and t.text not in WEAK_TITLES for t in piece)
    ):
        return False
    words = [t for t in piece if t.text not in FUNCTION_WORDS and t.text not in gaz.places]  # "US Securities"
    return len(words) == 1 or last not in ORG_SUFFIXES


def _split(span: list[Tok], prev: Tok | None, nxt: Tok | None, gaz: Gazetteer) -> Iterator[Span]:
    """Split a run at possessives and at connectors that belong to no organisation, title or place."""
    if len(span) == 1 or (
        len(span) < 6
        and (join(span) in gaz.places or join(span) in KNOWN_ORGS or join(span) in FIRMS_NAMED_LIKE_PEOPLE)
    ):
        yield span, prev, nxt
        return
    corporate = span[-1].text.rstrip(".") in CORP_SUFFIXES
    org = corporate or span[-1].text in ORG_SUFFIXES or any(t.text in ORG_HEADS_OF for t in span[:-2])
    pieces: list[list[Tok]] = [[]]
    for i, tok in enumerate(span):
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
            after = span[i + 1] if i + 1 < len(span) else None
            licensed = org and before not in CORP_SUFFIXES and before not in gaz.big
            licensed = licensed and _and_joins(pieces[-1], after, gaz)
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
            if toks[j].cap and not (toks[j - 1].text[-1] == "." and toks[j].text in FUNCTION_WORDS):
                j += 1  # but "E.F. Hutton Co. He said": a new sentence
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
