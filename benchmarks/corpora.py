"""Loaders for the benchmark collections: Reuters-21578 (SGML), BBC, AG News titles, SMART (Cranfield, CISI).

Every system is fed the same ``Doc`` objects (id, headline, body), so all of them index the same text. The
loaders are tolerant: none of these files is well-formed XML or consistently encoded.
"""

from __future__ import annotations

import csv
import html
import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

#: qrels: query id -> doc id -> gain (> 0; non-relevant documents are simply absent)
Qrels = dict[str, dict[str, int]]


@dataclass
class Doc:
    """One document as every system sees it, plus the labels some benchmarks need."""

    id: str
    headline: str
    body: str
    dateline: str = ""
    date: str = ""
    labels: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Query:
    id: str
    text: str


def decode(data: bytes) -> str:
    """UTF-8 first, latin-1 when that fails (the same rule newssearch's readers use)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


# --- Reuters-21578 ---------------------------------------------------------------------------------------

_STORY = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.DOTALL)
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_D = re.compile(r"<D>(.*?)</D>", re.DOTALL)
_TEXT = re.compile(r"<TEXT\b[^>]*>(.*?)</TEXT>", re.DOTALL)
_CHAR_REF = re.compile(r"&#\d+;")
_TAG = re.compile(r"</?[A-Z]+\b[^>]*>")
_TRAILER = re.compile(r"\s*\bReuter\s*$")
FILLER = "blah blah blah."
LABEL_FIELDS = ("topics", "places", "people", "orgs", "exchanges", "companies")


def _element(block: str, name: str) -> str | None:
    m = re.search(rf"<{name}\b[^>]*>(.*?)</{name}>", block, re.DOTALL)
    return m.group(1) if m else None


def clean_sgml_text(text: str) -> str:
    """Drop control-character references and the closing "Reuter", unescape ``&lt;`` and friends."""
    text = html.unescape(_CHAR_REF.sub("", text))
    return _TRAILER.sub("", text).strip()


def parse_reuters(text: str) -> Iterator[Doc]:
    """Yield every ``<REUTERS>`` story of one SGML file; labels hold TOPICS/PLACES/... codes and the splits."""
    for m in _STORY.finditer(text):
        attrs = dict(_ATTR.findall(m.group(1)))
        block = m.group(2)
        labels = {
            name: [d.strip() for d in _D.findall(_element(block, name.upper()) or "")]
            for name in LABEL_FIELDS
        }
        labels["lewissplit"] = [attrs.get("LEWISSPLIT", "")]
        labels["topics_attr"] = [attrs.get("TOPICS", "")]
        text_m = _TEXT.search(block)
        inner = text_m.group(1) if text_m else ""
        title, body = _element(inner, "TITLE"), _element(inner, "BODY")
        if title is None and body is None:  # TYPE="UNPROC": the text sits directly in <TEXT>
            body = _TAG.sub(" ", inner)
        body = clean_sgml_text(body or "")
        if body.lower() == FILLER:
            body = ""
        yield Doc(
            id=f"reuters-{attrs.get('NEWID', '')}",
            headline=" ".join(clean_sgml_text(title or "").split()),
            body=body,
            dateline=clean_sgml_text(_element(inner, "DATELINE") or ""),
            date=(_element(block, "DATE") or "").strip(),
            labels=labels,
        )


def reuters_files(root: Path) -> list[Path]:
    return sorted((root / "reuters21578").glob("reut2-*.sgm"))


def load_reuters(root: Path, limit: int | None = None) -> list[Doc]:
    """The first ``limit`` stories (all by default), in file order."""
    docs: list[Doc] = []
    for path in reuters_files(root):
        docs.extend(parse_reuters(decode(path.read_bytes())))
        if limit is not None and len(docs) >= limit:
            return docs[:limit]
    return docs


def is_modapte_test(doc: Doc) -> bool:
    """ModApte test split: LEWISSPLIT="TEST" and TOPICS="YES" (3,299 stories)."""
    return doc.labels.get("lewissplit") == ["TEST"] and doc.labels.get("topics_attr") == ["YES"]


def parse_topic_names(text: str) -> dict[str, str]:
    """Topic code -> descriptive name from ``cat-descriptions_120396.txt`` (its "Subject Codes" part).

    ``Money Supply (MONEY-SUPPLY)`` gives ``money-supply -> "money supply"``; a bare commodity code such as
    ``CASTOR-OIL`` gives ``"castor oil"``; slashes become spaces ("money foreign exchange").
    """
    start = text.find("Subject Codes")
    end = text.find("____", start)
    names: dict[str, str] = {}
    for raw in text[start:end].splitlines()[1:]:
        line = raw.strip()
        if not line or line.startswith("*"):
            continue
        m = re.fullmatch(r"(.+?)\s*\(([A-Z0-9-]+)\)", line)
        name, code = (m.group(1), m.group(2)) if m else (line.replace("-", " "), line)
        if re.fullmatch(r"[A-Z0-9-]+", code):
            names[code.lower()] = " ".join(name.replace("/", " ").lower().split())
    return names


def topic_queries(names: dict[str, str], docs: Iterable[Doc]) -> tuple[list[Query], Qrels]:
    """One query per topic name; relevant = the given docs labelled with that topic. Topics without one are skipped."""
    qrels: Qrels = {}
    for doc in docs:
        for topic in doc.labels.get("topics", []):
            if topic in names:
                qrels.setdefault(topic, {})[doc.id] = 1
    queries = [Query(code, name) for code, name in names.items() if code in qrels]
    return queries, {q.id: qrels[q.id] for q in queries}


# --- BBC and AG News -------------------------------------------------------------------------------------


def parse_bbc(text: str, doc_id: str) -> Doc:
    """Line 1 is the headline; paragraphs follow, separated by blank lines."""
    lines = text.replace("\r\n", "\n").strip().split("\n")
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", "\n".join(lines[1:])) if p.strip()]
    return Doc(id=doc_id, headline=lines[0].strip(), body="\n\n".join(paragraphs))


def load_bbc(root: Path, limit: int | None = None) -> list[Doc]:
    base = root / "bbc"
    files = sorted(p for p in base.glob("*/*.txt"))[:limit]
    return [parse_bbc(decode(p.read_bytes()), p.relative_to(base).as_posix()) for p in files]


_AG_NOISE = {"#39;": "'", "quot;": '"', "#36;": "$", "#151;": "-", "&lt;": "<", "&gt;": ">", "&amp;": "&"}


def ag_news_titles(root: Path, n: int, seed: int = 7) -> list[str]:
    """``n`` AG News titles (held out from every indexed collection), drawn with a fixed seed."""
    with (root / "ag-news" / "test.csv").open(encoding="utf-8", newline="") as f:
        titles = [row[1] for row in csv.reader(f) if len(row) >= 2]
    for old, new in _AG_NOISE.items():
        titles = [t.replace(old, new) for t in titles]
    titles = [re.sub(r"<[^>]*>|\\", " ", t) for t in titles]
    return random.Random(seed).sample(titles, min(n, len(titles)))


# --- SMART (Cranfield, CISI) -----------------------------------------------------------------------------

_FIELD = re.compile(r"^\.([A-Z])(?:\s+(.*))?$")


def parse_smart(text: str) -> list[tuple[str, dict[str, str]]]:
    """Records as ``(id, {field letter: text})`` in file order.

    A field marker that repeats inside a record (Cranfield doc 240 has ``.A``/``.B`` lines inside its ``.W``)
    is text, not a new field: the marker is dropped and the following lines stay in the current field.
    """
    records: list[tuple[str, dict[str, list[str]]]] = []
    current: str | None = None
    for line in text.splitlines():
        m = _FIELD.match(line.rstrip())
        if m and m.group(1) == "I":
            records.append(((m.group(2) or "").strip(), {}))
            current = None
        elif m and records and m.group(1) not in records[-1][1]:
            current = m.group(1)
            records[-1][1][current] = [m.group(2)] if m.group(2) else []
        elif records and current is not None and not m:
            records[-1][1][current].append(line)
    return [(rid, {k: " ".join(" ".join(v).split()) for k, v in fields.items()}) for rid, fields in records]


def smart_docs(text: str) -> list[Doc]:
    """Documents: title -> headline, ``.W`` -> body."""
    return [Doc(id=rid, headline=f.get("T", ""), body=f.get("W", "")) for rid, f in parse_smart(text)]


def smart_queries(text: str, renumber: bool = False) -> list[Query]:
    """Queries from ``.W``; with ``renumber`` the ids are 1, 2, 3... in file order (Cranfield's qrels use those)."""
    records = parse_smart(text)
    return [Query(str(n) if renumber else rid, f.get("W", "")) for n, (rid, f) in enumerate(records, 1)]


def cranfield_qrels(text: str) -> Qrels:
    """``qid docid grade``; grade 1 (most relevant) .. 4 becomes gain 5 - grade; -1 (undocumented) is dropped."""
    qrels: Qrels = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3 and int(parts[2]) in (1, 2, 3, 4):
            qrels.setdefault(parts[0], {})[parts[1]] = 5 - int(parts[2])
    return qrels


def cisi_qrels(text: str) -> Qrels:
    """``qid docid 0 0.000000``: every listed pair is relevant (gain 1)."""
    qrels: Qrels = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            qrels.setdefault(parts[0], {})[parts[1]] = 1
    return qrels


@dataclass
class TestCollection:
    """Documents, queries and judgments for a relevance run."""

    name: str
    docs: list[Doc]
    queries: list[Query]
    qrels: Qrels


def load_cranfield(root: Path) -> TestCollection:
    base = root / "cranfield"
    queries = smart_queries((base / "cran.qry").read_text(encoding="latin-1"), renumber=True)
    qrels = cranfield_qrels((base / "cranqrel").read_text(encoding="latin-1"))
    docs = smart_docs((base / "cran.all.1400").read_text(encoding="latin-1"))
    return TestCollection("Cranfield", docs, [q for q in queries if q.id in qrels], qrels)


def load_cisi(root: Path) -> TestCollection:
    base = root / "cisi"
    queries = smart_queries((base / "CISI.QRY").read_text(encoding="latin-1"))
    qrels = cisi_qrels((base / "CISI.REL").read_text(encoding="latin-1"))
    docs = smart_docs((base / "CISI.ALL").read_text(encoding="latin-1"))
    return TestCollection("CISI", docs, [q for q in queries if q.id in qrels], qrels)


def load_reuters_topics(root: Path, limit: int | None = None) -> TestCollection:
    """ModApte test stories (optionally only those among the first ``limit`` stories) and topic queries."""
    docs = [d for d in load_reuters(root, limit) if is_modapte_test(d)]
    names = parse_topic_names(
        (root / "reuters21578" / "cat-descriptions_120396.txt").read_text(encoding="latin-1")
    )
    queries, qrels = topic_queries(names, docs)
    return TestCollection("Reuters topics", docs, queries, qrels)


# --- synthetic growth corpus -----------------------------------------------------------------------------

_PARAGRAPH = re.compile(r"\n\s*\n|\n(?=\s{2,}\S)")


def paragraphs(body: str) -> list[str]:
    return [" ".join(p.split()) for p in _PARAGRAPH.split(body) if p.strip()]


def synthetic_docs(base: list[Doc], n: int, seed: int = 42) -> list[Doc]:
    """``n`` documents recombined from real ones: the headline of one story, the paragraph count of another,
    each paragraph drawn from any story. Deterministic for a given ``base`` and ``seed``."""
    rng = random.Random(seed)
    pool = [p for d in base for p in paragraphs(d.body)]
    shapes = [max(1, len(paragraphs(d.body))) for d in base]
    headlines = [d.headline for d in base if d.headline]
    return [
        Doc(
            id=f"synth-{i}",
            headline=rng.choice(headlines),
            body="\n\n".join(rng.choice(pool) for _ in range(rng.choice(shapes))),
        )
        for i in range(n)
    ]


# --- a picklable description of a document set, for build subprocesses ----------------------------------


@dataclass(frozen=True)
class Corpus:
    """Which documents to load: ``kind`` is reuters, reuters-test, bbc, cranfield, cisi or synthetic."""

    kind: str
    root: str
    limit: int | None = None
    seed: int = 42
    base_limit: int | None = None  #: synthetic: recombine only the first ``base_limit`` Reuters stories

    @property
    def label(self) -> str:
        return self.kind if self.limit is None else f"{self.kind}[{self.limit}]"

    def load(self) -> list[Doc]:
        root = Path(self.root)
        if self.kind == "reuters":
            return load_reuters(root, self.limit)
        if self.kind == "reuters-test":
            return load_reuters_topics(root, self.limit).docs
        if self.kind == "bbc":
            return load_bbc(root, self.limit)
        if self.kind == "cranfield":
            return load_cranfield(root).docs
        if self.kind == "cisi":
            return load_cisi(root).docs
        if self.kind == "synthetic":
            base = [d for d in load_reuters(root, self.base_limit) if d.body]
            return synthetic_docs(base, self.limit or 0, self.seed)
        raise ValueError(f"unknown corpus kind {self.kind!r}")

    def files(self) -> list[Path] | None:
        """The files holding exactly these documents, for readers that take files (newssearch's update)."""
        root = Path(self.root)
        if self.kind == "bbc" and self.limit is None:
            return [root / "bbc"]
        if self.kind == "reuters" and (self.limit is None or self.limit % 1000 == 0):
            files = reuters_files(root)
            return files if self.limit is None else files[: self.limit // 1000]
        return None
