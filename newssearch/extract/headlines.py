"""Lines in ALL CAPS or in Title Case (most news sites' headlines): capitals tell little there, so only names
that other evidence supports are taken: a title before a name ("President Joe Biden"), a company suffix, a known
organisation or place, an acronym (in Title Case), a name the body writes with capitals, or a given name before
a word English does not use ("Nancy Pelosi"). Every other word is only a candidate, kept if it links to a name
found elsewhere in the story.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newssearch.extract.caps import caps_name, caps_org, known_name, name_word
from newssearch.extract.datelines import title_case
from newssearch.extract.english import english_words, is_common, is_pure_common
from newssearch.extract.kinds import Kind
from newssearch.extract.tokens import Tok, is_acronym, join
from newssearch.extract.words import FUNCTION_WORDS, TITLE_CASE_LOWER, words

if TYPE_CHECKING:
    from newssearch.extract.mentions import MentionFinder

# Short words a Title Case headline may leave in lower case ("Biden Has a Cold", "War of the Words").
_MINOR = (
    frozenset(w.lower() for w in FUNCTION_WORDS if len(w) <= 4)
    | TITLE_CASE_LOWER
    | words(
        "a an the and but or nor for so yet of in on at to by up as via vs v per off out en is be are was has "
        "have had will can may would could should must do does did"
    )
)


def is_title_case(toks: list[Tok]) -> bool:
    """A Title Case line: after the first, every word capitalised but short function words, and a capitalised
    word that sentence case writes in lower case: a function word ("Where", "Has"), or, when no word is in lower
    case, any common word ("Musk Buys Twitter"). Not a run of names ("the Strait of Hormuz")."""
    rest = [t for t in toks[1:] if t.word and t.text[:1].isalpha()]
    lower = [t for t in rest if t.text[0].islower()]
    if len(rest) < 2 or any(t.text.lower() not in _MINOR for t in lower):
        return False
    return any(
        t.text[0].isupper()
        and not is_acronym(t.text)
        and (t.text.lower() in _MINOR or t.text in FUNCTION_WORDS or (not lower and is_pure_common(t.text)))
        for t in rest
    )


def _given_name(word: str, finder: MentionFinder) -> bool:
    """A word English writes only as a name, not a place: "Nancy", "Joe"; not "Amazon" (a river), "Jordan"."""
    return (
        word.lower() in english_words()[1]
        and word not in finder.gaz.places
        and word.upper() not in finder.gaz.caps
        and word not in finder.gaz.demonyms
    )


def _noun_or_verb(word: str) -> bool:
    """A common word that is no function word: "Fans", "Hits"; not "Why", "And"."""
    return word.lower() not in _MINOR and word not in FUNCTION_WORDS and is_pure_common(word)


def headline_person(texts: list[str], i: int, finder: MentionFinder) -> int:
    """Words in a personal name at ``texts[i]`` of a Title Case line, 0 if none: two or three name words whose
    last the body writes with a capital ("Donald Trump" where the body says "Trump"), or a given name before a
    word English does not use ("Nancy Pelosi")."""
    for n in (3, 2):
        name = texts[i : i + n]
        if len(name) < n or not all(w[0].isupper() and not is_acronym(w) for w in name):
            continue
        if not all(name_word(w.upper(), finder.gaz) for w in name) or any(
            is_pure_common(w) for w in name[:-1]
        ):
            continue
        first, last = name[0], name[-1]
        # A first name that is also a word ("Sue", "Nancy") needs the body's capital, or no noun before it:
        # "Nancy Pelosi Hits ..."; not "Fans Sue Ticketmaster".
        prev = texts[i - 1] if i else ""
        if is_common(first) and first not in finder.confirmed and prev and _noun_or_verb(prev):
            continue
        if last in finder.confirmed and last.lower() not in finder.lower_words:
            return n
        if n == 2 and _given_name(first, finder) and not is_common(last):
            return n
    return 0


def restricted(finder: MentionFinder, toks: list[Tok], caps: bool) -> None:
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
        upper = texts if caps else [t.upper() for t in texts]
        i = 0
        while i < len(run):
            n = 0
            found = (
                None
                if is_acronym(texts[i]) and not caps
                else caps_name(upper, i, finder.gaz, "" if i else owner)
            )
            if found:  # "PRESIDENT RONALD REAGAN", "NORTON CO" (not the town)
                n, at, name, title = found
                if not caps:  # the name as written: "McConnell", not "Mcconnell"
                    name = " ".join(texts[i + at : i + n]) if title else join(run[i : i + n]).rstrip(".")
                kind = Kind.ORG if not title else Kind.PERSON if " " in name else Kind.TITLED
                finder.emit(kind, name, run[i + at].pos, title)
            elif not caps and (n := headline_person(texts, i, finder)):  # before "Taylor", a town
                finder.emit(Kind.PERSON, " ".join(texts[i : i + n]), run[i].pos)
            elif known := known_name(texts, i, caps, finder.gaz):
                n, org, name = known
                finder.emit(Kind.ORG if org else Kind.PLACE, name, run[i].pos)
            if n:
                i += n
                continue
            t = texts[i]
            if not caps and is_acronym(t):
                finder.acronym(run[i])
            elif len(t) > 2 and t not in FUNCTION_WORDS and t[0].isupper():
                finder.emit(Kind.CANDIDATE, title_case(t) if caps else t, run[i].pos)
            i += 1
        owned = run and run[-1].possessive and (caps_org(upper[-1]) or caps_org(" ".join(upper[-2:])))
        owner, run = owned or "", []
