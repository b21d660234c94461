"""ALL-CAPS text (old wire copy): the few names its words tell without capitals to go by.

A title before one to three name words is a person ("PRESIDENT RONALD REAGAN SAID"), words before a company
suffix a company ("UNITED BISCUITS HOLDINGS PLC"), a known firm or organisation itself ("MERRILL LYNCH").
Common words stay words: "THE MAN WHO TOLD US" holds no name.
"""

from __future__ import annotations

from newssearch.extract.datelines import title_case
from newssearch.extract.english import is_common, is_pure_common
from newssearch.extract.gazetteer import Gazetteer
from newssearch.extract.words import (
    CORP_SUFFIXES,
    FIRMS_NAMED_LIKE_PEOPLE,
    FUNCTION_WORDS,
    GOV_WORDS,
    KNOWN_ACRONYMS,
    KNOWN_ORGS,
    MONTHS,
    NON_ORG_ACRONYMS,
    ORG_HEADS_OF,
    ORG_SUFFIXES,
    PERSON_CUES,
    SPEECH_VERBS,
    TITLE_MODIFIERS,
    TITLES,
    WEAK_TITLES,
    WEEKDAYS,
    words,
)

# Words that end a name in ALL-CAPS text: "PRESIDENT RONALD REAGAN WILL ...", "JAMES BAKER SAID".
_STOPS = (
    frozenset(w.upper() for w in FUNCTION_WORDS)
    | frozenset(w.upper() for w in SPEECH_VERBS)
    | words(
        "WILL WOULD HAS HAD HAVE IS WAS WERE ARE COULD CAN MAY MIGHT SHOULD MUST DID DOES DO SAYS TODAY AND OF"
    )
)


# ALL-CAPS spellings of known organisations and firms: "MERRILL LYNCH"; not "WHO" ("THE MAN WHO").
_CAPS_ORGS = (
    {name.upper(): org for name, org in KNOWN_ORGS.items() if not name.isupper()}
    | {firm.upper(): firm for firm in FIRMS_NAMED_LIKE_PEOPLE}
    | {a: a for a in KNOWN_ACRONYMS}
    | {"U.N.": "UN"}
)

# Upper-case forms of the cue lists, for fast look-ups in ALL-CAPS text.
_TITLES = frozenset(t.upper() for t in TITLES)
_ORG_SUFFIXES = frozenset(t.upper() for t in ORG_SUFFIXES) - _STOPS  # not "AS"
_CORP_SUFFIXES = frozenset(t.upper() for t in CORP_SUFFIXES) - _STOPS
_SPEAKS = frozenset(w.upper() for w in SPEECH_VERBS) | {"SAYS", "SEES", "URGES", "WARNS", "DENIES"}


def caps_org(name: str) -> str | None:
    """The known organisation an ALL-CAPS name spells ("MERRILL LYNCH", "OPEC"); never "WHO" or "US"."""
    return _CAPS_ORGS.get(name)


def name_word(word: str, gaz: Gazetteer) -> bool:
    """A word that may be part of a personal name: no place, title, month, suffix or function word."""
    titled = word.title()
    return (
        len(word) > 1
        and word.replace("-", "").replace("'", "").isalpha()
        and word not in _STOPS
        and word not in gaz.caps
        and titled not in gaz.demonyms
        and titled not in MONTHS
        and titled not in WEEKDAYS
        and titled not in TITLES
        and titled not in TITLE_MODIFIERS
        and titled not in ORG_SUFFIXES
        and word.lower() not in PERSON_CUES
    )


def caps_person(run: list[str], i: int, gaz: Gazetteer, owner: str = "") -> tuple[int, str, str] | None:
    """A title at ``run[i]`` and the name after it: (words used, the name title-cased, the title); or None.
    After an organisation's possessive (``owner``: "TREASURY'S BAKER") the name needs no title.

    A common word is a name only where the name ends ("JAMES BAKER SAID"; not "REAGAN WILL VISIT").
    """
    if not (owner or run[i].rstrip(".") in _TITLES or run[i].lower() in PERSON_CUES):
        return None
    title = owner or run[i].rstrip(".").title()
    if owner:
        j = i
    elif run[i].lower() in PERSON_CUES and i + 1 < len(run) and not is_common(run[i + 1]):
        j = i + 1  # "ANALYST JOHN SMITH"
    elif title not in TITLES or (title in WEAK_TITLES and not (i and run[i - 1].title() in TITLE_MODIFIERS)):
        return None
    else:
        j = i + 1
    while j < len(run) and (
        run[j].rstrip(".").title() in TITLES
        or run[j].title() in TITLE_MODIFIERS
        or (
            run[j] in ("OF", "THE")
            and j + 1 < len(run)
            and (run[j + 1].title() in TITLE_MODIFIERS or run[j + 1] == "THE")
        )
        or (len(run[j]) == 2 and run[j][1] == "." and j + 1 < len(run))  # "E. GERALD CORRIGAN"
    ):
        j += 1
    k = j
    while k < len(run) and k - j < 3 and name_word(run[k], gaz):
        if not is_common(run[k]):
            k += 1
            continue
        # A common word: a first name before a surname ("LEE IACOCCA"), or a surname ending the name, before
        # "SAID" or the like ("JAMES BAKER SAID"); not "YEUTTER SUGGESTED", "FED'S ABILITY TO".
        nxt = run[k + 1] if k + 1 < len(run) else None
        if nxt is not None and k - j < 2 and name_word(nxt, gaz) and not is_common(nxt):
            k += 1
            continue
        lone = k == j and is_pure_common(run[k])  # needs "SAID" after it: not "UNIT PRESIDENT RESIGNS"
        ends_name = nxt in _SPEAKS if lone else nxt is None or nxt in _STOPS
        if not ends_name or run[k].endswith(("ED", "LY", "ING")):
            if k - j == 1:
                return None  # "GEOFFREY HOWE AND ...": a first name is no name alone
            break
        k += 1
        break
    if k == j or caps_org(" ".join(run[j : j + 2])) or caps_org(run[j]):
        return None  # "SHEARSON LEHMAN" is a firm
    if k < len(run) and run[k].rstrip(".") in _ORG_SUFFIXES:
        return None  # "LEAD MANAGER NOMURA INTERNATIONAL LTD"
    return k - i, " ".join(title_case(w) for w in run[j:k]), title


_OFFICES = words("Department Ministry Office Bureau Court Agency Committee Commission")


def _org_word(word: str, gaz: Gazetteer) -> bool:
    """A word of an institution's name: no common word, demonym or "TV", unless one that names an office
    ("JUSTICE"): "TOKYO STOCK EXCHANGE"; not "DUTCH BANK", "LARGEST BANK", "TV NETWORK"."""
    titled = word.title()
    if titled in GOV_WORDS:
        return True
    return not (is_common(word) or titled in gaz.demonyms or word in NON_ORG_ACRONYMS or word.endswith("EST"))


def caps_company(run: list[str], i: int, gaz: Gazetteer) -> tuple[int, str] | None:
    """An organisation at ``run[i]``: up to three words and a company suffix ("UNITED BISCUITS HOLDINGS PLC"),
    or an institution of a place ("BANK OF JAPAN"). (Words used, the name), or None."""
    if run[i].title() in ORG_HEADS_OF and i + 2 < len(run) and run[i + 1] == "OF":
        for k in (3, 2, 1):
            place = gaz.caps.get(" ".join(run[i + 2 : i + 2 + k])) if i + 2 + k <= len(run) else None
            if place:
                return 2 + k, f"{run[i].title()} of {place}"
    ends = [k for k in range(i + 1, min(i + 4, len(run))) if run[k].rstrip(".") in _ORG_SUFFIXES]
    if not ends or run[i] in _ORG_SUFFIXES:  # not "CO INC"
        return None
    k = ends[0]
    while k + 1 < len(run) and run[k + 1].rstrip(".") in _ORG_SUFFIXES:
        k += 1  # "HARVARD INDUSTRIES INC"
    if any(w in _STOPS or not w.isalpha() or w.lower() in PERSON_CUES for w in run[i:k]):  # not "THE COMPANY"
        return None
    if run[k].rstrip(".") in _CORP_SUFFIXES:  # "AMERICAN EXPRESS CO"; not "HOLDING COMPANY"
        if is_pure_common(run[i]):
            return None
    elif not all(_org_word(w, gaz) for w in run[i:k]) or (
        all(is_pure_common(w) for w in run[i:k]) and run[k].title() not in _OFFICES
    ):
        return None  # "JUSTICE DEPARTMENT", "TOKYO STOCK EXCHANGE"; not "FOREIGN EXCHANGE"
    return k + 1 - i, " ".join(w.title() for w in run[i : k + 1]).rstrip(".")


def caps_name(run: list[str], i: int, gaz: Gazetteer, owner: str = "") -> tuple[int, int, str, str] | None:
    """The titled person or the company at ``run[i]``: (words used, index of the name's first word from ``i``,
    the name, the title; "" for a company), or None. ``owner``: see ``caps_person``."""
    if run[i] in _STOPS and not owner:
        return None
    person = caps_person(run, i, gaz, owner)
    if person:
        n, name, title = person
        return n, n - len(name.split()), name, title
    company = caps_company(run, i, gaz)
    return (company[0], 0, company[1], "") if company else None


def known_name(run: list[str], i: int, caps: bool, gaz: Gazetteer) -> tuple[int, bool, str] | None:
    """The known organisation or place of up to three words at ``run[i]`` of ALL-CAPS (``caps``) or Title Case
    text: (words used, whether an organisation, the name), or None."""
    for n in (3, 2, 1):
        if i + n > len(run):
            continue
        name = " ".join(run[i : i + n])
        org = caps_org(name) if caps and name.isupper() else KNOWN_ORGS.get(name)
        if org:
            return n, True, org
        place = (
            gaz.caps.get(name.upper())
            if caps
            else gaz.places.get(name) or (name if name in gaz.places else None)
        )
        if place and not (caps and i + n < len(run) and run[i + n].rstrip(".") in _CORP_SUFFIXES):
            return n, False, place  # but "CHEMICAL NEW YORK CORP" is a company
    return None
