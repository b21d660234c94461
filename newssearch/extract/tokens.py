"""Text cleaning and tokens: paragraphs split into words with sentence starts, possessives and capitals marked."""

from __future__ import annotations

import re
from dataclasses import dataclass

from newssearch.extract.gazetteer import Gazetteer, gazetteer
from newssearch.extract.words import ABBREVIATIONS, ARABIC_ARTICLES, MONTHS

_NORMALIZE = (
    ("\u2019", "'"),
    ("\u2018", "'"),
    ("\u02bc", "'"),
    ("\u201c", '"'),
    ("\u201d", '"'),
    ("\u2010", "-"),
    ("\u2011", "-"),
    ("\u00a0", " "),
    ("\u202f", " "),
)
_TICKER_RE = re.compile(r"<[A-Z0-9.]{1,12}>")  # Reuters stock codes: "Chrysler Corp <C>"
_SIGN_OFF_RE = re.compile(r"(?:\n|\s\s)\s*Reuters?\W*\Z", re.IGNORECASE)  # the wire's sign-off
_TOKEN_RE = re.compile(r"(?:[A-Za-z]\.){2,}|[^\W\d_](?:[\w'-]*[^\W_])?|\d[\d.,:]*|\S")
_PARAGRAPH_RE = re.compile(r"\n[ \t]*\n\s*|\n[ \t]+")
_SENTENCE_END = frozenset(".!?:;\u2026")
_PREFIXED_NAME_RE = re.compile(rf"(?:{'|'.join((*ARABIC_ARTICLES, 'ibn', 'bin', 'abu', 'd'))})[-'][A-Z]")


def _normalize(text: str) -> str:
    """Typographic quotes, hyphens and spaces made plain (one character for one)."""
    if not text.isascii():
        for a, b in _NORMALIZE:
            if a in text:
                text = text.replace(a, b)
    return text


def clean_headline(text: str) -> str:
    return _TICKER_RE.sub(" ", _normalize(text))


def clean_body(text: str) -> str:
    """The text extraction reads: plain quotes, no stock codes, no "Reuter" sign-off."""
    return _TICKER_RE.sub(" ", _SIGN_OFF_RE.sub("", _normalize(text)))


@dataclass(slots=True)
class Tok:
    text: str
    pos: int
    initial: bool = False  # (maybe) the first word of a sentence
    possessive: bool = False
    word: bool = True
    cap: bool = False  # a capitalised word: may be (part of) a name


def _splits_at_hyphen(t: str, gaz: Gazetteer) -> bool:
    first, last = t.split("-", 1)[0], t.rsplit("-", 1)[-1]
    return first in gaz.places or first in gaz.demonyms or last in gaz.places  # not "Inter-American"


def tokenize(text: str, offset: int, lower_words: set[str]) -> list[Tok]:
    """Tokens of one paragraph with sentence starts marked; collects the text's lower-case words."""
    gaz = gazetteer()
    toks: list[Tok] = []
    initial = True
    for m in _TOKEN_RE.finditer(text):
        t, start = m.group(), m.start() + offset
        first = t[0]
        if not first.isalpha():
            if first in _SENTENCE_END:
                initial = True
                prev = toks[-1] if toks else None
                if (
                    t == "."
                    and prev is not None
                    and prev.cap
                    and prev.pos + len(prev.text) == start
                    and (prev.text in ABBREVIATIONS or (len(prev.text) == 1 and prev.text.isupper()))
                ):
                    prev.text += "."  # "Mr.", "Corp.", "J.": the full stop belongs to the word
                    continue
            elif first == '"' and (m.start() == 0 or text[m.start() - 1].isspace()):
                initial = True  # an opening quote starts a sentence
            elif first not in "\"'(":
                initial = False
            toks.append(Tok(t, start, word=False))
            continue
        possessive = t.endswith(("'s", "'S"))
        if possessive:
            t = t[:-2]
        if first.islower():
            lower_words.add(t)
            cap = ("-" in t or "'" in t) and bool(_PREFIXED_NAME_RE.match(t))  # "al-Sistani"
            toks.append(Tok(t, start, initial, possessive, cap=cap))
        elif "-" in t and t not in gaz.places and _splits_at_hyphen(t, gaz):
            # "Iraq-Iran", "Washington-based", "Bank-Houston": separate words joined by a hyphen.
            pos = start
            for part in t.split("-"):
                if part:
                    toks.append(Tok(part, pos, initial and pos == start, cap=part[0].isupper()))
                toks.append(Tok("-", pos + len(part), word=False))
                pos += len(part) + 1
            toks.pop()
            toks[-1].possessive = possessive
        else:
            # "State-owned" and "Non-governmental" are no names; "Lewis-Francis" is.
            cap = first.isupper() and not ("-" in t and any(p[:1].islower() for p in t.split("-")[1:]))
            toks.append(Tok(t, start, initial, possessive, cap=cap))
        initial = False
    return toks


def paragraphs(text: str, offset: int, lower_words: set[str]) -> list[list[Tok]]:
    """The tokens of each paragraph of ``text``, which starts at ``offset`` in the story."""
    out = []
    start = 0
    for m in [*_PARAGRAPH_RE.finditer(text), None]:
        end = m.start() if m else len(text)
        if start < end:
            toks = tokenize(text[start:end], offset + start, lower_words)
            if toks:
                out.append(toks)
        start = m.end() if m else end
    return out


def is_acronym(t: str) -> bool:
    letters = t.replace(".", "").replace("&", "")
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


def join(toks: list[Tok]) -> str:
    """The words of a run as written, keeping inner possessives ("Moody's Investors Service")."""
    return " ".join(
        t.text + "'s" if t.possessive and k < len(toks) - 1 else t.text for k, t in enumerate(toks)
    )


def is_date_word(span: list[Tok], i: int, nxt: Tok | None = None) -> bool:
    """A month name that is a date here: abbreviated ("Jan."), alone, or before a day number."""
    t = span[i].text
    if t.rstrip(".") not in MONTHS:
        return False
    if t.endswith(".") or len(span) == 1:
        return True
    following = span[i + 1] if i + 1 < len(span) else nxt
    return following is not None and following.text[:1].isdigit()
