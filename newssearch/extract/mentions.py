"""Mention finding: each run of capitalised words classified as a place, organisation, person or candidate name."""

from __future__ import annotations

import itertools
import re

from newssearch.extract.english import is_common, is_pure_common
from newssearch.extract.gazetteer import Gazetteer, known_place
from newssearch.extract.headlines import is_title_case, restricted
from newssearch.extract.inside import club, place_words, places_stand_alone
from newssearch.extract.kinds import Kind, Mention
from newssearch.extract.spans import spans
from newssearch.extract.tokens import Tok, is_acronym, is_date_word, join
from newssearch.extract.words import (
    ABBREVIATIONS,
    CLUB_SUFFIXES,
    COMPASS,
    CONNECTORS,
    CURRENCY_WORDS,
    DOCUMENT_FIRST,
    FIRMS_NAMED_LIKE_PEOPLE,
    FUNCTION_WORDS,
    GEO_HEADS_OF,
    GEO_SUFFIXES,
    GOV_WORDS,
    KIN_WORDS,
    KNOWN_ORGS,
    LOCATIVES,
    MONTHS,
    NAME_PARTICLES,
    NAME_SUFFIXES,
    NOBLE_TITLES,
    NON_ORG_ACRONYMS,
    NON_PERSON_LAST,
    OFFICE_TITLES,
    ORG_CUES,
    ORG_FIRST,
    ORG_HEADS_OF,
    ORG_SUFFIXES,
    PERSON_CUES,
    SPEECH_VERBS,
    TITLE_MODIFIERS,
    TITLES,
    TRADE_SUFFIXES,
    WEAK_TITLES,
    WEEKDAYS,
)

_ROMAN_RE = re.compile(r"[IVXLC]+")
_PLURAL_ACRONYM_RE = re.compile(r"[A-Z]{2,}s")
_CODE_RE = re.compile(r"([A-Z]{2,4})\d")  # "MI6", "MI5"; not "A321" or "CO2"
_FIRST_OF_FIRMS = frozenset(firm.split()[0] for firm in FIRMS_NAMED_LIKE_PEOPLE)
_DEMONYM = ("ian", "ean", "ese", "ish")  # endings of demonyms the gazetteer may not know ("Belgian")


class MentionFinder:
    """Classifies the capitalised runs of each paragraph into ``mentions``, in order of appearance."""

    opened: frozenset[str] = frozenset()  # words the body writes capitalised only to open a sentence

    def __init__(
        self, gaz: Gazetteer, lower_words: set[str], confirmed: frozenset[str] = frozenset()
    ) -> None:
        self.gaz = gaz
        self.lower_words = lower_words  # words the whole story writes in lower case
        self.confirmed = confirmed  # words the body writes capitalised, not to open a sentence
        self.mentions: list[Mention] = []
        self._before: dict[int, str] = {}

    def emit(self, kind: Kind, name: str, pos: int, title: str = "") -> None:
        self.mentions.append(Mention(kind, name, pos, title))

    def emit_place(self, name: str, pos: int) -> None:
        self.emit(Kind.PLACE, self.gaz.places.get(name) or name, pos)

    def acronym(self, tok: Tok, bracketed: bool = False) -> None:
        """An all-caps word in mixed-case text is an organisation, unless "CEO", "IV" or "NOTE" (but for one in
        brackets after an organisation's name: "Bureau of Prisons (BOP)")."""
        bare = tok.text.replace(".", "")
        last = self.mentions[-1] if self.mentions else None
        named = (
            bracketed
            and last is not None
            and last.kind == Kind.ORG
            and last.pos + len(last.name) + 2 == tok.pos
        )
        common = len(bare) > 2 and is_common(bare) and not named
        if not (bare in NON_ORG_ACRONYMS or _ROMAN_RE.fullmatch(bare) or common):
            self.emit(Kind.ORG, bare, tok.pos)

    def _single(self, tok: Tok, bracketed: bool = False) -> None:
        t = tok.text
        bare = t.rstrip(".")
        if len(bare) < 2 or bare in MONTHS or t in WEEKDAYS or bare in TITLES or t in TITLE_MODIFIERS:
            return
        if t in self.gaz.demonyms:
            return
        if is_acronym(t):
            self.acronym(tok, bracketed)
        elif (code := _CODE_RE.fullmatch(t)) and code.group(1) not in NON_ORG_ACRONYMS:
            self.emit(Kind.ORG, t, tok.pos)
        else:  # a lone word is a name only if it links to one found elsewhere ("official Kent house")
            self.emit(Kind.CANDIDATE, t, tok.pos)

    def _place_prefix(self, texts: list[str], i: int) -> int:
        """Length of the longest known place name starting at ``texts[i]`` (0 if none)."""
        for n in (3, 2, 1):
            if i + n <= len(texts) and " ".join(texts[i : i + n]) in self.gaz.places:
                return n
        return 0

    def _name_tokens_ok(self, span: list[Tok]) -> bool:
        """Every word could be part of a personal name ("Ali al-Sistani", "George W. Bush", "King Jr.")."""
        first, last = span[0].text, span[-1].text
        if len(first.rstrip(".")) < 2 or first in NAME_SUFFIXES or last in NON_PERSON_LAST:
            return False
        return all(
            t.text in NAME_PARTICLES
            or t.text in NAME_SUFFIXES
            or (len(t.text) == 2 and t.text[0].isupper() and t.text[1] == ".")
            or (
                t.cap
                and t.text.replace("-", "").replace("'", "").isalpha()  # not "Airbus A321"
                and not is_acronym(t.text)
                and not _PLURAL_ACRONYM_RE.fullmatch(t.text)
            )
            for t in span
        )

    def _looks_like_person(self, span: list[Tok]) -> bool:
        """An untitled run of two to five name-like words whose first word is a plausible first name."""
        if len(span) > 5 or not self._name_tokens_ok(span):
            return False
        first = span[0].text
        if (
            first in self.gaz.big
            or first in self.gaz.demonyms
            or first in TITLE_MODIFIERS
            or first in COMPASS
        ):
            return False
        if first in MONTHS or first in WEEKDAYS or first in FUNCTION_WORDS:
            return False
        # A common word opens a name only mid-sentence, before names, if the text never writes it in lower
        # case: "And Menzies Campbell said"; not "Seeking Alpha", "Greater London".
        if is_pure_common(first) and (
            span[0].initial or any(is_common(t.text) or t.text in self.gaz.places for t in span[1:])
        ):
            return False
        if first.lower() in self.lower_words:  # "Women MPs": the text itself writes it in lower case
            return False
        return not any(t.text in self.gaz.demonyms or t.text in ORG_SUFFIXES for t in span)

    def _scan_places(self, span: list[Tok]) -> None:
        """Major places inside an unclassified run ("Beijing Olympics"); else it may be a known name."""
        texts = [t.text for t in span]
        i, found, covered = 0, [], [False] * len(span)
        while i < len(span):
            n = self._place_prefix(texts, i)
            if n and i + n < len(texts) and texts[i + n].lower() in CURRENCY_WORDS:
                return  # "U.S. Dollar"
            if n and (n > 1 or texts[i] in self.gaz.big):
                found.append((" ".join(texts[i : i + n]), span[i].pos))
                covered[i : i + n] = [True] * n
                i += n
            else:
                i += 1
        if not found or not places_stand_alone(texts, covered, self.gaz):  # "US Open", "London Irish"
            self.emit(Kind.CANDIDATE, " ".join(texts), span[0].pos)
            return
        for name, pos in found:
            self.emit_place(name, pos)

    @staticmethod
    def _strong_title(texts: list[str], i: int) -> bool:
        """A title that begins no other name: "President", or "Director" in "Director General"; not "Baron"."""
        t = texts[i]
        weak = t in WEAK_TITLES and not (i + 1 < len(texts) and texts[i + 1] in TITLES)
        return t in TITLES and t not in NOBLE_TITLES and not weak

    def _title_inside(self, span: list[Tok], prev: Tok | None) -> bool:
        """A title after an organisation ("Bank of Japan Governor Satoshi Sumita", "Bundesbank President Karl
        Otto Poehl") or opening the run ("Governor of the Bank of England Robin Leigh-Pemberton")."""
        if len(span) < 3:
            return False
        texts = [t.text.rstrip(".") for t in span]
        k = next((i for i in range(len(texts)) if self._strong_title(texts, i)), None)
        if k is None or not any(t.cap and t.text not in NAME_SUFFIXES for t in span[k + 1 :]):
            return False
        s = k
        while s and (texts[s - 1] in TITLE_MODIFIERS or texts[s - 1] in TITLES or texts[s - 1] in COMPASS):
            s -= 1
        if not s:
            return self._titled(span, prev)
        head = span[:s]
        if all(t in self.gaz.places or t in self.gaz.demonyms or t in TITLE_MODIFIERS for t in texts[:s]):
            return False  # "U.S. Treasury Secretary James Baker": for _titled
        one = texts[0] if len(head) == 1 and texts[k] in OFFICE_TITLES else ""
        if one.isalpha() and not (
            is_acronym(one) or is_common(one) or known_place(one) or one.endswith(_DEMONYM)
        ):
            self.emit(Kind.ORG, KNOWN_ORGS.get(one, one), span[0].pos)  # "Bundesbank President"
        else:
            self.classify(head, prev, None)
        if not self._titled(span[s:], None):
            self.classify(span[s:], None, None)
        return True

    def _org(self, span: list[Tok]) -> bool:
        """An organisation ("Bank of England", "Chrysler Corp") or a feature ("Red Sea") by its head word."""
        texts = [t.text for t in span]
        if len(span) == 1 or texts[0] in DOCUMENT_FIRST:
            return False
        last = texts[-1].rstrip(".")
        if last in TRADE_SUFFIXES and all(self.gaz.places.get(t) in self.gaz.countries for t in texts[:-1]):
            return False  # "U.S. Oil companies"
        pairs = range(len(texts) - 1)
        if last not in ORG_SUFFIXES and texts[0] not in ORG_FIRST:
            if last in GEO_SUFFIXES or any(texts[i] in GEO_HEADS_OF and texts[i + 1] == "of" for i in pairs):
                self.emit(Kind.PLACE, join(span), span[0].pos)
                return True
            if not any(texts[i] in ORG_HEADS_OF and texts[i + 1] in ("of", "for") for i in pairs):
                return False
        # "U.S. State Department": the country is a separate mention; the office keeps its own name.
        i = 0
        while (
            i < len(span) - 1
            and self.gaz.places.get(texts[i]) in self.gaz.countries
            and texts[i + 1] in GOV_WORDS
        ):
            self.emit_place(texts[i], span[i].pos)
            i += 1
        name = join(span[i:])
        if name.endswith(".") and span[-1].text[:-1] in ABBREVIATIONS:
            name = name[:-1]  # "Larsen Co." and "Larsen Co" are one company
        self.emit(Kind.ORG, name, span[i].pos)
        return True

    def _titled(self, span: list[Tok], prev: Tok | None) -> bool:
        """A person after a title ("U.S. Secretary of State Mike Pompeo"); places before the title count."""
        texts = [t.text for t in span]
        i, title, places = 0, "", []
        if prev is not None and prev.word and prev.text.lower() in PERSON_CUES:
            title = prev.text  # "spokeswoman Morgan Ortagus"
        while i < len(span):
            t = texts[i]
            bare = t.rstrip(".")
            if t in ("of", "the", "and") and i:
                pass
            elif t == "for" and title:
                return True  # "Secretary of State for the Family": the rest is the portfolio
            elif bare in TITLES:
                title = bare
            elif not (bare in TITLE_MODIFIERS or t in self.gaz.demonyms or t in COMPASS):
                n = 0 if title else self._place_prefix(texts, i)  # "Sen. David Boren": no town of David
                if not n:
                    break
                places.append((" ".join(texts[i : i + n]), span[i].pos))
                i += n
                continue
            i += 1
        rest = span[i:]
        # Without a title only demonyms, major places and party words may be peeled off ("Iraqi Kurds",
        # "Liberal Democrat Sarah Teather").
        if not title and (
            i == 0
            or not all(t in self.gaz.demonyms or t in self.gaz.big or t in TITLE_MODIFIERS for t in texts[:i])
            or (places and not places_stand_alone(texts, place_words(texts, self.gaz), self.gaz))
        ):
            return False
        for name, pos in places:
            self.emit_place(name, pos)
        for k in range(min(i, 3), 0, -1):
            party = " ".join(texts[:k])
            if party in KNOWN_ORGS:  # "Labour MP Diane Abbott", "Liberal Democrat Sarah Teather"
                self.emit(Kind.ORG, KNOWN_ORGS[party], span[0].pos)
                break
        if not rest:
            return True
        if not title or (len(rest) == 1 and texts[i - 1] in ("of", "the")):
            self.classify(rest, None, None)  # "Chief Operating Officer of Sony": no name
        elif len(rest) == 1:
            self.emit(Kind.TITLED, rest[0].text, rest[0].pos, title)
        elif self._name_tokens_ok(rest) and texts[i - 1] not in ("of", "the"):
            self.emit(Kind.PERSON, join(rest), rest[0].pos)
        else:  # "Governor of the Bank of England Robin Leigh-Pemberton": a name may end the run
            for j in range(max(1, len(rest) - 4), len(rest) - 1):
                tail = rest[j:]
                named = not any(
                    t.text in ORG_SUFFIXES or t.text in self.gaz.places or t.text in TITLES for t in tail
                )
                if named and rest[j - 1].text not in CONNECTORS and self._name_tokens_ok(tail):
                    self.classify(rest[:j], None, None)
                    self.emit(Kind.PERSON, join(tail), rest[j].pos)
                    return True
            self.classify(rest, None, None)
        return True

    def classify(self, span: list[Tok], prev: Tok | None, nxt: Tok | None) -> None:
        """Emit the mentions in one run of capitalised words (``prev`` and ``nxt``: the tokens around it)."""
        whole = join(span)
        pos = span[0].pos
        if whole in KNOWN_ORGS:
            self.emit(Kind.ORG, KNOWN_ORGS[whole], pos)
            return
        if whole in self.gaz.places and nxt is not None and nxt.text.lower() in CURRENCY_WORDS:
            return  # "U.S. dlrs", "Hong Kong dollars": a currency, not the place
        if club([t.text for t in span], prev.text if prev else "", nxt.text if nxt else "", self.gaz):
            self.emit(
                Kind.ORG if len(span) > 1 else Kind.CANDIDATE, whole, pos
            )  # or a person found elsewhere
            return
        if len(span) == 1 and whole in self.gaz.places and whole not in self.gaz.big and prev is not None:
            cue = prev.text.lower()
            if cue == "," and prev.pos in self._before:
                cue = self._before[prev.pos].lower()  # "their fourth child, Leo,"
            if cue in KIN_WORDS:
                self.emit(Kind.TITLED, whole, pos, cue)  # "his son Leo": no town
                return
        if whole in self.gaz.places and not (
            len(span) == 1 and whole not in self.gaz.big and nxt is not None and nxt.text in SPEECH_VERBS
        ):
            self.emit_place(whole, pos)  # but "Jackson said" is a person, "Washington said" a government
            return
        if (
            len(span) == 1
            and whole in self.gaz.guarded
            and prev is not None
            and prev.text in LOCATIVES
            and whole.lower() not in self.lower_words
        ):
            # "in Nice", "mayor of Reading": a preposition, and no lower-case use in the text; not "Nice work".
            self.emit(Kind.PLACE, whole, pos)
            return
        # Leading "The", "But", weekdays; a trailing weekday or date ("on Friday", "Jan. 3").
        size = len(span)
        while span and (span[0].text in FUNCTION_WORDS or span[0].text in WEEKDAYS or is_date_word(span, 0)):
            span = span[1:]
        while span and (span[-1].text in WEEKDAYS or is_date_word(span, len(span) - 1, nxt)):
            span = span[:-1]
        while span and span[-1].text in CONNECTORS:
            span = span[:-1]
        if not span:
            return
        if len(span) < size:
            self.classify(span, None, nxt)
            return

        texts = [t.text for t in span]
        firm = texts[0] in _FIRST_OF_FIRMS and any(
            " ".join(texts[:n]) in FIRMS_NAMED_LIKE_PEOPLE for n in (2, 3)
        )
        if firm and not TITLES.intersection(texts):
            self.emit(Kind.ORG, join(span).rstrip("."), span[0].pos)  # "Merrill Lynch", "E.F. Hutton Co."
            return
        if self._title_inside(span, prev) or self._org(span):
            return
        if len(span) > 1 and (span[0].text in KNOWN_ORGS or span[-1].text in KNOWN_ORGS):
            # "Blair Labour's longest-serving PM", "Opec February output": two names, or an organisation and a word
            org = 0 if span[0].text in KNOWN_ORGS else len(span) - 1
            self.emit(Kind.ORG, KNOWN_ORGS[span[org].text], span[org].pos)
            rest = span[1:] if org == 0 else span[:-1]
            self.classify(rest, None if org == 0 else prev, nxt if org == 0 else None)
            return
        if len(span) == 1:
            self._single(
                span[0], prev is not None and prev.text == "(" and nxt is not None and nxt.text == ")"
            )
            return
        if self._titled(span, prev):
            return
        first = span[0]
        if first.initial and is_pure_common(first.text) and first.text not in TITLES:  # "Seeking ..."
            self.classify(span[1:], None, nxt)
            return
        if self._place_prefix(texts, 0) == len(span) - 1 and texts[-1] in CLUB_SUFFIXES:
            self.emit(Kind.ORG, whole, pos)  # "Sheffield United", "Nottingham Forest": a club
            return
        if self._looks_like_person(span):
            firm = nxt is not None and nxt.text in ORG_CUES  # "Smith Barney analyst Jane Doe"
            self.emit(Kind.ORG if firm else Kind.PERSON, whole, pos)
            return
        self._scan_places(span)

    def paragraph(self, toks: list[Tok]) -> None:
        """Find the mentions in one paragraph."""
        words = [t for t in toks if t.word and len(t.text) > 1]
        # Mostly upper case, or a line of two upper-case words ("SIX MTHS"): ALL-CAPS text.
        if sum(t.text.replace(".", "").isupper() for t in words) >= max(2, 0.6 * len(words)):
            restricted(self, toks, caps=True)
            return
        if is_title_case(toks):
            restricted(self, toks, caps=False)  # A Title Case Headline
            return
        # The word before each token, for "child, Leo,"
        self._before = {b.pos: a.text for a, b in itertools.pairwise(toks)}
        for span, prev, nxt in spans(toks, self.gaz):
            self.classify(span, prev, nxt)
