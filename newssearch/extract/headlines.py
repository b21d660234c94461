"""Lines in ALL CAPS or in Title Case (most news sites' headlines): capitals tell little there, so only names
that other evidence supports are taken: a title before a name ("President Joe Biden"), a company suffix, a known
organisation or place, an acronym (in Title Case), a name the body writes with capitals, or a given name before
a word English does not use ("Nancy Pelosi"). Every other word is only a candidate, kept if it links to a name
found elsewhere in the story.
"""

from __future__ import annotations

import re
from typing import Protocol

from newssearch.extract.caps import caps_name, caps_org, known_name, name_word
from newssearch.extract.datelines import title_case
from newssearch.extract.english import english_words, is_common, is_pure_common
from newssearch.extract.gazetteer import Gazetteer
from newssearch.extract.kinds import Kind
from newssearch.extract.tokens import Tok, is_acronym, join
from newssearch.extract.words import (
    ARABIC_ARTICLES,
    CLUB_CUES,
    CLUB_SUFFIXES,
    FUNCTION_WORDS,
    GEO_HEADS_OF,
    GEO_SUFFIXES,
    NON_PERSON_LAST,
    ORG_HEADS_OF,
    ORG_SUFFIXES,
    TITLE_CASE_LOWER,
    TITLES,
    words,
)

# Last and head words of places' and organisations' names: "Sea", "Strait", "Bank", "Department".
_NAME_HEADS = GEO_SUFFIXES | GEO_HEADS_OF | ORG_SUFFIXES | ORG_HEADS_OF
_PLURAL_ACRONYM_RE = re.compile(r"[A-Z]{2,}s")  # "PCs"


class Finder(Protocol):
    """What the headline rules use of ``mentions.Finder`` (a protocol: ``mentions.py`` imports this module)."""

    gaz: Gazetteer
    lower_words: set[str]
    confirmed: frozenset[str]
    opened: frozenset[str]

    def emit(self, kind: Kind, name: str, pos: int, title: str = "") -> None: ...

    def acronym(self, tok: Tok, bracketed: bool = False) -> None: ...


# Short words a Title Case headline may leave in lower case ("Biden Has a Cold", "War of the Words").
_MINOR = (
    frozenset(w.lower() for w in FUNCTION_WORDS if len(w) <= 4)
    | TITLE_CASE_LOWER
    | words(
        "a an the and but or nor for so yet of in on at to by up as via vs v per off out en is be are was has "
        "have had will can may would could should must do does did s t"
    )
)


def is_title_case(toks: list[Tok]) -> bool:
    """A Title Case line: after the first, every word capitalised but short function words ("Biden Has a Cold",
    "Napster Offers Music to Go"), and a capitalised word that sentence case writes in lower case: a function
    word ("Where", "Has"), or a common word no part of a place's or organisation's name ("Offers"; not "Sea" in
    "the Red Sea and the Strait of Hormuz")."""
    rest = [t for t in toks[1:] if t.word and t.text[:1].isalpha()]
    if len(rest) < 2 or any(t.text[0].islower() and t.text.lower() not in _MINOR for t in rest):
        return False
    heads = _NAME_HEADS
    for k, t in enumerate(rest):
        if not t.text[0].isupper() or is_acronym(t.text):
            continue
        if t.text.lower() in _MINOR or t.text in FUNCTION_WORDS:
            return True
        nxt = rest[k + 1].text if k + 1 < len(rest) else ""
        if is_pure_common(t.text) and t.text not in heads and nxt not in heads:
            return True
    return False


def _given_name(word: str, finder: Finder) -> bool:
    """A word English writes only as a name, not a major place nor an article: "Nancy", "Taylor"; not "Jordan",
    "Al" ("Al Qaeda")."""
    return (
        word.lower() in english_words()[1]
        and word.lower() not in ARABIC_ARTICLES
        and word not in finder.gaz.big
        and word.upper() not in finder.gaz.caps
        and word not in finder.gaz.demonyms
    )


def _word(word: str) -> bool:
    """A word English uses in lower case in any form, even if also a name: "Leads", "Banned", "Stunned"."""
    w = word.lower()
    if is_common(w) or w in english_words()[0]:
        return True
    stems = [w[: -len(suffix)] for suffix in ("s", "es", "ed", "ing") if w.endswith(suffix)]
    stems += [stem[:-1] for stem in stems if len(stem) > 2 and stem[-1] == stem[-2]]  # "banned" -> "ban"
    return any(
        len(stem) > 2 and (stem in english_words()[0] or stem + "e" in english_words()[0]) for stem in stems
    )


def _known(word: str, finder: Finder) -> bool:
    """A word the body writes capitalised, and never in lower case."""
    return (word in finder.confirmed or word in finder.opened) and word.lower() not in finder.lower_words


def _verb(word: str) -> bool:
    """A word English also inflects as a verb: "Sue" ("suing"), "Star" ("starring"); not "Joe", "Nancy"."""
    w = word.lower()
    forms = (w + "ing", w[:-1] + "ing", w + w[-1:] + "ing", w + "ed", w + w[-1:] + "ed")
    return any(f in english_words()[0] for f in forms)


def headline_person(texts: list[str], i: int, finder: Finder) -> int:
    """Words in a personal name at ``texts[i]`` of a Title Case line, 0 if none: two or three name words whose
    last the body writes with a capital ("Donald Trump" where the body says "Trump", even to open a sentence
    after a given name that is no word), or a given name before a word English does not use ("Nancy Pelosi")."""
    for n in (3, 2):
        name = texts[i : i + n]
        if len(name) < n or not all(w[0].isupper() and not is_acronym(w) for w in name):
            continue
        if not all(name_word(w.upper(), finder.gaz) for w in name) or any(
            is_pure_common(w) for w in name[:-1]
        ):
            continue
        first, last = name[0], name[-1]
        # The body writes the last name capitalised mid-sentence ("... and Biden signed it"), or, after a given
        # name English does not use, to open a sentence it writes no other way ("Trump did not respond.").
        named = last.lower() not in finder.lower_words and (
            last in finder.confirmed
            or (
                last in finder.opened
                and _given_name(first, finder)
                and not _word(first)
                and last not in FUNCTION_WORDS
            )
        )
        # A first name that is also a word ("Sue", "Nancy", "Star") needs the body's capital, to open the line,
        # or, before a confirmed name, to be no verb and follow a function word or a named subject's verb:
        # "Nancy Pelosi Hits ...", "Why Joe Biden ...", "Sanders Endorses Joe Biden"; not "Fans Sue
        # Ticketmaster", "To Star Tom Hanks", "Injury Mars Uefa", "Reds Tame Cubs".
        if i and _word(first) and first not in finder.confirmed:
            prev, subject = texts[i - 1], texts[i - 2] if i > 1 else ""
            after = (
                prev.lower() in _MINOR
                or prev in FUNCTION_WORDS
                or (prev.endswith("s") and _known(subject, finder))
            )
            if not (named and _given_name(first, finder) and not _verb(first) and after):
                continue
        if (
            last in NON_PERSON_LAST
            or any(_word(w) for w in name[1:-1])
            or any(_PLURAL_ACRONYM_RE.fullmatch(w) for w in name)
            or not (first in finder.confirmed or _given_name(first, finder))
        ):
            continue  # "Slimmer PlayStation", "Davis Cup", "Moya Sidesteps Davis", "Lead Broadway"
        if named:
            return n
        if n == 2 and _given_name(first, finder) and not _word(last):
            return n
    return 0


def restricted(finder: Finder, toks: list[Tok], caps: bool) -> None:
    """ALL-CAPS (``caps``) or Title Case text: the names other evidence supports (see the module docstring);
    nothing else, or every word would be a name."""
    run: list[Tok] = []
    owner = ""  # the organisation whose possessive ends the previous run: "TREASURY'S BAKER"
    for tok in [*toks, None]:
        if tok is not None and tok.word:
            run.append(tok)
            if not tok.possessive:
                continue
        texts = [t.text for t in run]
        upper = [t.upper() for t in texts]
        i = 0
        while i < len(run):
            n = (
                _caps_at(finder, run, texts, i, owner)
                if caps
                else _title_at(finder, run, texts, upper, i, owner)
            )
            if n:
                i += n
                continue
            t = texts[i]
            if not caps and is_acronym(t):
                if _stands_alone(texts, i):  # "Zelensky Asks NATO For ..."; not "JP Morgan", "Sunderland FC"
                    finder.acronym(run[i])
            elif len(t) > 2 and t not in FUNCTION_WORDS and t[0].isupper():
                finder.emit(Kind.CANDIDATE, title_case(t) if caps else t, run[i].pos)
            i += 1
        owned = run and run[-1].possessive and (caps_org(upper[-1]) or caps_org(" ".join(upper[-2:])))
        owner, run = owned or "", []


def _caps_at(finder: Finder, run: list[Tok], texts: list[str], i: int, owner: str) -> int:
    """Words used by the name at ``run[i]`` (``texts``: the run's words) of ALL-CAPS text, emitted; 0 if none."""
    found = caps_name(texts, i, finder.gaz, "" if i else owner)
    if found:  # "PRESIDENT RONALD REAGAN", "NORTON CO" (not the town)
        n, at, name, title = found
        kind = Kind.ORG if not title else Kind.PERSON if " " in name else Kind.TITLED
        finder.emit(kind, name, run[i + at].pos, title)
        return n
    if known := known_name(texts, i, True, finder.gaz):
        n, org, name = known
        finder.emit(Kind.ORG if org else Kind.PLACE, name, run[i].pos)
        return n
    return 0


def _title_at(finder: Finder, run: list[Tok], texts: list[str], upper: list[str], i: int, owner: str) -> int:
    """Words used by the name at ``run[i]`` of a Title Case line, emitted; 0 if none. A known organisation or
    a place of more words first ("Sri Lanka"), then a title and a name, a company, a personal name
    (``headline_person``: before "Taylor", a town), a place. ``texts`` and ``upper``: the run's words, as written
    and upper-cased (made once a run: a name is looked for at each word)."""
    known = known_name(texts, i, False, finder.gaz)
    if known and (known[1] or known[0] > 1):
        finder.emit(Kind.ORG if known[1] else Kind.PLACE, known[2], run[i].pos)
        return known[0]
    # "Beat Manchester United": a club; not "Columbia Athletic Director", nor "Kansas City" without a cue.
    nxt, after = [*texts, "", ""][i + 1 : i + 3] if known else ("", "")
    cue = i and texts[i - 1].lower() in CLUB_CUES
    if nxt in CLUB_SUFFIXES and after not in TITLES and (nxt not in GEO_SUFFIXES or cue):
        finder.emit(Kind.ORG, f"{texts[i]} {nxt}", run[i].pos)
        return 2
    found = None if is_acronym(texts[i]) else caps_name(upper, i, finder.gaz, "" if i else owner)
    n, at, _, title = found or (0, 0, "", "")
    if found and not title:  # a company, as written; not "Box Office" where the story writes "box office"
        if not any(w.lower() in finder.lower_words for w in texts[i : i + n]):
            finder.emit(Kind.ORG, join(run[i : i + n]).rstrip("."), run[i].pos)
            return n
    elif found:
        # The name as written ("McConnell"), without common words the body does not confirm: "Director
        # Viotti Dies", "Star Patsy Rowlands", "Cardinal Criticises".
        start, end = i + at, i + n
        while start < end and is_pure_common(texts[start]) and texts[start] not in finder.confirmed:
            start += 1
        while end > start and _word(texts[end - 1]) and texts[end - 1] not in finder.confirmed:
            end -= 1
        if start < end:
            kind = Kind.PERSON if end - start > 1 else Kind.TITLED
            finder.emit(kind, " ".join(texts[start:end]), run[start].pos, title)
            return end - i
    if n := headline_person(texts, i, finder):
        finder.emit(Kind.PERSON, " ".join(texts[i : i + n]), run[i].pos)
        return n
    if known:
        finder.emit(Kind.PLACE, known[2], run[i].pos)
        return known[0]
    return 0


def _stands_alone(texts: list[str], i: int) -> bool:
    """No name word next to ``texts[i]``: none, a common word no name uses ("Asks"; not "Morgan"), an acronym."""
    return all(
        w is None or is_pure_common(w) or w.lower() in _MINOR or w in FUNCTION_WORDS or is_acronym(w)
        for w in (texts[i - 1] if i else None, texts[i + 1] if i + 1 < len(texts) else None)
    )
