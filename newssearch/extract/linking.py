"""Linking: later short mentions joined to the full names ("Trump", "Chrysler"), then one list per kind."""

from __future__ import annotations

import re

from newssearch.extract.english import is_pure_common
from newssearch.extract.gazetteer import Gazetteer, fold
from newssearch.extract.mentions import Kind, Mention
from newssearch.extract.tokens import is_acronym
from newssearch.extract.words import (
    ARABIC_ARTICLES,
    CORP_SUFFIXES,
    KNOWN_ACRONYMS,
    MONTHS,
    NON_PERSON_LAST,
    ORG_EXPANSIONS,
    ORG_SUFFIXES,
    WEAK_TITLES,
)
from newssearch.models import Entities

_ARABIC_PREFIX_RE = re.compile(rf"^(?:{'|'.join(ARABIC_ARTICLES)})-", re.IGNORECASE)


def _name_key(word: str) -> str:
    """A name word compared without case or Arabic article: "al-Sistani" and "Sistani" are one."""
    return _ARABIC_PREFIX_RE.sub("", word.lower())


def _note(bucket: dict[str, int], name: str, pos: int) -> None:
    if name not in bucket or pos < bucket[name]:
        bucket[name] = pos


def _ordered(bucket: dict[str, int]) -> list[str]:
    """Names by first mention, without duplicates that differ only in case or accents."""
    seen: set[str] = set()
    out = []
    for name in sorted(bucket, key=bucket.__getitem__):
        key = (name if name.isascii() else fold(name)).casefold()
        if key not in seen:
            seen.add(key)
            out.append(name)
    return out


def _org_aliases(mentions: list[Mention]) -> dict[str, str]:
    """Short forms (lower-cased) -> organisation: "chrysler" -> "Chrysler Corp", "eu" -> "European Union"."""
    org_alias: dict[str, str] = {}
    for m in mentions:
        if m.kind == Kind.ORG and " " in m.name:
            words = m.name.split()
            if words[-1].rstrip(".") in CORP_SUFFIXES:
                stem = words[:-1]
                org_alias.setdefault(" ".join(stem).lower(), m.name)  # "Bankers Trust" for "Bankers Trust Co"
                while len(stem) > 1 and stem[-1].rstrip(".") in ORG_SUFFIXES:
                    stem.pop()
                if "and" in stem[1:]:  # "Morgan Stanley and Co Inc" -> "Morgan Stanley"
                    stem = stem[: stem.index("and")]
                for n in range(len(stem), 1 if len(stem) > 1 else 0, -1):
                    org_alias.setdefault(" ".join(stem[:n]).lower(), m.name)
            initials = "".join(w[0] for w in words if w[0].isupper())
            if len(initials) >= 2:
                org_alias.setdefault(initials.lower(), m.name)
    for m in mentions:  # "Opec" in an ALL-CAPS headline is the story's "OPEC"; a headline's "Deutsche Boerse"
        if m.kind == Kind.ORG:
            org_alias.setdefault(m.name.lower(), m.name)
    # An expansion and its acronym are one organisation: a known one named by its acronym, the form people
    # search by ("Organization of Petroleum Exporting Countries", with or without "OPEC": "OPEC"); another by
    # both, so that either finds it ("International Energy Agency (IEA)"). The acronym is the expansion's
    # initials, or follows it in brackets ("Confederation of Industry (CBI)").
    orgs = [m for m in mentions if m.kind == Kind.ORG]
    acronym_at = {m.pos: m.name for m in orgs if is_acronym(m.name)}
    bracketed: dict[
        str, str | None
    ] = {}  # a name of several words -> an acronym in brackets after it, if any
    for m in orgs:
        if " " in m.name and not bracketed.get(m.name):
            bracketed[m.name] = acronym_at.get(m.pos + len(m.name) + 2)
    acronyms = set(acronym_at.values())
    claimed: dict[
        str, str
    ] = {}  # acronym -> the expansion it names: "EC" is the first of "European Community"
    renamed: dict[str, str] = {}  # expansion -> the name it and its acronym are given
    named: dict[str, str] = {}  # the expansion's and the acronym's own keys
    for full in sorted(bracketed, key=lambda name: name not in ORG_EXPANSIONS):  # known expansions first
        initials = "".join(w[0] for w in full.split() if w[0].isupper())
        known = ORG_EXPANSIONS.get(full)
        short = known or (initials if initials in acronyms else bracketed[full])
        if not short or claimed.setdefault(short, full) != full:
            continue  # "Executive Commission" after "European Community" and "EC"
        renamed[full] = named[full.lower()] = named[short.lower()] = (
            short if known or short in KNOWN_ACRONYMS else f"{full} ({short})"
        )
    # every other key that named an expansion now names what it was renamed to, all in one pass
    return {key: renamed.get(value, value) for key, value in org_alias.items()} | named


def _titled_single_ok(m: Mention, gaz: Gazetteer, lower_words: set[str]) -> bool:
    """ "President Trump" is a person; "General Election" and "Mr P." are not."""
    name = m.name
    if len(name.rstrip(".")) < 2 or name in MONTHS or name in gaz.demonyms or is_acronym(name):
        return False
    if name in ORG_SUFFIXES or name in NON_PERSON_LAST:  # "the executive Commission"
        return False
    if is_pure_common(name):
        return m.title not in WEAK_TITLES and name.lower() not in lower_words
    return True


def link(mentions: list[Mention], gaz: Gazetteer, lower_words: set[str]) -> Entities:
    """People, organizations and places: short mentions linked to full names, in order of first mention."""
    people: dict[str, int] = {}
    orgs: dict[str, int] = {}
    places: dict[str, int] = {}
    org_alias = _org_aliases(mentions)

    # People, longest names first, so that "Abdul Mahdi" and "Trump" link to the full name.
    full = sorted((m for m in mentions if m.kind == Kind.PERSON), key=lambda m: (-m.name.count(" "), m.pos))
    canon: list[tuple[list[str], str]] = []
    alias: dict[str, str] = {}  # surname (or last two names) -> full name
    first_names: dict[str, str] = {}  # for "Sir Digby"
    for m in full:
        if m.name.lower() in org_alias:  # "Hughes Tool" after "Hughes Tool Co"
            _note(orgs, org_alias[m.name.lower()], m.pos)
            continue
        keys = [_name_key(w) for w in m.name.split()]
        target = next(
            (
                name
                for ckeys, name in canon
                if (len(keys) < len(ckeys) and ckeys[-len(keys) :] == keys)
                or (keys[0] == ckeys[0] and keys[-1] == ckeys[-1])
            ),
            None,
        )
        if target is None:
            canon.append((keys, m.name))
            target = m.name
            alias.setdefault(keys[-1], target)
            if len(keys) > 2:
                alias.setdefault(" ".join(keys[-2:]), target)
            first_names.setdefault(keys[0], target)
        _note(people, target, m.pos)

    titled = {m.name for m in mentions if m.kind == Kind.TITLED and _titled_single_ok(m, gaz, lower_words)}
    for m in mentions:
        key = " ".join(_name_key(w) for w in m.name.split())
        if m.kind == Kind.PLACE:
            # "Kennedy" near "Charles Kennedy", "Castro" near "President Castro": no town
            if (key in alias or m.name in titled) and " " not in m.name and m.name not in gaz.big:
                _note(people, alias.get(key, m.name), m.pos)
            else:
                _note(places, m.name, m.pos)
        elif m.kind == Kind.ORG:  # "Merrill Lynch" is the story's "Merrill Lynch and Co"
            _note(orgs, org_alias.get(m.name.lower(), m.name), m.pos)
        elif m.kind == Kind.TITLED:
            if key in alias:
                _note(people, alias[key], m.pos)
            elif m.title in ("Sir", "Dame") and key in first_names:
                _note(people, first_names[key], m.pos)
            elif _titled_single_ok(m, gaz, lower_words):
                _note(people, m.name, m.pos)
        elif m.kind == Kind.CANDIDATE:
            if key in alias and m.name not in MONTHS:
                _note(people, alias[key], m.pos)
            elif key in org_alias:
                _note(orgs, org_alias[key], m.pos)
    return Entities(people=_ordered(people), organizations=_ordered(orgs), places=_ordered(places))
