"""The benchmark collections: Reuters-21578, BBC, AG News titles, Cranfield and CISI.

Documents are read by newssearch's own readers (``newssearch.ingest.readers``), so every system indexes the text the
product reads. Only what a benchmark alone needs is here: queries, relevance judgments (qrels), the ModApte
split, topic names, synthetic documents. Every system is fed the same ``Article``s; the peers use their id,
headline and body.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from newssearch.ingest.readers import decode, discover, read_articles
from newssearch.ingest.readers.smart import smart_records, to_article
from newssearch.models import Article
from newssearch.text.sentences import sentence_bounds

#: qrels: query id -> doc id -> gain (> 0; non-relevant documents are simply absent)
Qrels = dict[str, dict[str, int]]
#: AG News' test.csv has no header row.
AG_NEWS_COLUMNS = ["class", "title", "description"]


@dataclass(frozen=True)
class Query:
    id: str
    text: str


def read_text(path: Path) -> str:
    """A benchmark file that holds no articles (queries, judgments, topic names), decoded as the readers do."""
    return decode(path.read_bytes()).text


# --- Reuters-21578 ---------------------------------------------------------------------------------------


def reuters_files(root: Path) -> list[Path]:
    return sorted((root / "reuters21578").glob("reut2-*.sgm"))


def load_reuters(root: Path, limit: int | None = None) -> list[Article]:
    """The first ``limit`` stories (all by default), in file order; labels and splits are in ``metadata``."""
    docs: list[Article] = []
    for path in reuters_files(root):
        docs.extend(read_articles(path, path.parent).articles)
        if limit is not None and len(docs) >= limit:
            return docs[:limit]
    return docs


def is_modapte_test(doc: Article) -> bool:
    """ModApte test split: LEWISSPLIT="TEST" and TOPICS="YES" (3,299 stories)."""
    return doc.metadata.get("lewissplit") == ["TEST"] and doc.metadata.get("topics_attribute") == ["YES"]


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


def topic_names(root: Path) -> dict[str, str]:
    return parse_topic_names(read_text(root / "reuters21578" / "cat-descriptions_120396.txt"))


def topic_queries(names: dict[str, str], docs: Iterable[Article]) -> tuple[list[Query], Qrels]:
    """One query per topic name; relevant = the given docs labelled with that topic. Topics without one are skipped."""
    qrels: Qrels = {}
    for doc in docs:
        for topic in doc.metadata.get("topics", []):
            if topic in names:
                qrels.setdefault(topic, {})[doc.id] = 1
    queries = [Query(code, name) for code, name in names.items() if code in qrels]
    return queries, {q.id: qrels[q.id] for q in queries}


# --- BBC and AG News -------------------------------------------------------------------------------------


def load_bbc(root: Path, limit: int | None = None) -> list[Article]:
    """The first ``limit`` articles (all by default), files sorted by path."""
    files = [file for _, file, _ in discover([root / "bbc"])][:limit]
    return [article for file in files for article in read_articles(file, root / "bbc").articles]


def ag_news_titles(root: Path, n: int, seed: int = 7) -> list[str]:
    """``n`` AG News titles (held out from every indexed collection), drawn with a fixed seed."""
    path = root / "ag-news" / "test.csv"
    articles = read_articles(path, path.parent, columns=AG_NEWS_COLUMNS).articles
    titles = [a.headline for a in articles if a.headline]
    return random.Random(seed).sample(titles, min(n, len(titles)))


# --- SMART (Cranfield, CISI) -----------------------------------------------------------------------------


def smart_docs(path: Path) -> list[Article]:
    """A SMART collection's documents as newssearch's SMART reader parses them, ids as the judgments name them.

    Every record stays, the empty ones too (Cranfield 471 and 995; ``read_articles`` leaves them out), so the
    collection statistics that BM25 uses are those of the published collection.
    """
    return [to_article(record, record.id) for record in smart_records(read_text(path))]


def smart_queries(text: str, renumber: bool = False) -> list[Query]:
    """Queries from ``.W``; with ``renumber`` the ids are 1, 2, 3... in file order (Cranfield's qrels use those)."""
    records = smart_records(text)
    return [Query(str(n) if renumber else r.id, r.text("W")) for n, r in enumerate(records, 1)]


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
    docs: list[Article]
    queries: list[Query]
    qrels: Qrels


def load_cranfield(root: Path) -> TestCollection:
    base = root / "cranfield"
    queries = smart_queries(read_text(base / "cran.qry"), renumber=True)
    qrels = cranfield_qrels(read_text(base / "cranqrel"))
    docs = smart_docs(base / "cran.all.1400")
    return TestCollection("Cranfield", docs, [q for q in queries if q.id in qrels], qrels)


def load_cisi(root: Path) -> TestCollection:
    base = root / "cisi"
    queries = smart_queries(read_text(base / "CISI.QRY"))
    qrels = cisi_qrels(read_text(base / "CISI.REL"))
    docs = smart_docs(base / "CISI.ALL")
    return TestCollection("CISI", docs, [q for q in queries if q.id in qrels], qrels)


def load_reuters_topics(root: Path, limit: int | None = None) -> TestCollection:
    """ModApte test stories (optionally only those among the first ``limit`` stories) and topic queries."""
    docs = [d for d in load_reuters(root, limit) if is_modapte_test(d)]
    queries, qrels = topic_queries(topic_names(root), docs)
    return TestCollection("Reuters topics", docs, queries, qrels)


def _known_item(name: str, articles: list[Article], n: int, seed: int) -> TestCollection:
    """Find a story from its headline: ``n`` headlines (drawn with a fixed seed) are the queries, and the
    collection is every story without its headline, so the words must be found in the body. The story and any
    copy with the same body are relevant (BBC holds byte-identical duplicates)."""
    docs = [Article(id=a.id, headline="", body=a.body) for a in articles if a.headline and a.body.strip()]
    copies: dict[str, list[str]] = {}
    for doc in docs:
        copies.setdefault(doc.body.strip(), []).append(doc.id)
    picked = random.Random(seed).sample([a for a in articles if a.headline and a.body.strip()], n)
    queries = [Query(f"{name}-{i}", a.headline) for i, a in enumerate(picked)]
    qrels = {q.id: dict.fromkeys(copies[a.body.strip()], 1) for q, a in zip(queries, picked, strict=True)}
    return TestCollection(f"{name} headlines (known item)", docs, queries, qrels)


def load_bbc_headlines(root: Path) -> TestCollection:
    """400 BBC headlines, each to find its story among the 2,225 bodies."""
    return _known_item("BBC", load_bbc(root), 400, seed=3)


def load_ag_headlines(root: Path) -> TestCollection:
    """600 AG News titles, each to find its description among the 7,600."""
    path = root / "ag-news" / "test.csv"
    return _known_item(
        "AG News", read_articles(path, path.parent, columns=AG_NEWS_COLUMNS).articles, 600, seed=5
    )


#: A wire lead's source and dateline: ``AP - ``, ``Reuters - ``, ``NEW YORK (Reuters) - ``,
#: ``SPACE.com - TORONTO, Canada -- ``, ``Canadian Press - ``: one word, words in capitals, up to three capitalised
#: words, or words and an agency in brackets, then a
#: dash between spaces (``Oil prices rose on Monday - the highest...`` is a sentence, not a prefix).
_WIRE_PREFIX = re.compile(
    r"^(?:(?:(?:[A-Z][A-Z.&'/]+\b(?:[ ,/]+[A-Z][\w.&']*)*|[A-Z][\w.&']*(?: [A-Z][\w.&']*){0,2}|[\w.&']+)"
    r"(?: \([^)]{1,40}\))?"
    r"|[A-Z][\w.,&' ]{0,40}? \([^)]{1,40}\))\s+-{1,2}\s+)+"
)
#: A lead shorter than this many words is not a reader's long question: not drawn as a query.
MIN_LEAD_WORDS = 8


def split_lead(body: str) -> tuple[str, str]:
    """A story's first sentence (its wire source and dateline left out) and the rest of its body."""
    text = body.strip()
    _, end = sentence_bounds(text, 0)
    return _WIRE_PREFIX.sub("", " ".join(text[:end].split())), text[end:].strip()


def _lead_known_item(name: str, articles: list[Article], n: int, seed: int) -> TestCollection:
    """Find a story from its first sentence, long prose like a reader's question: ``n`` leads (drawn with a
    fixed seed among those of ``MIN_LEAD_WORDS`` words or more) are the queries, and the collection is every story
    with its headline and the rest of its body but not its first sentence, so the query is never the document's
    own text. The story and every copy with the same body (whitespace aside) are relevant."""
    stories = [a for a in articles if a.body.strip()]
    docs, copies, leads = [], {}, []
    for a in stories:
        lead, rest = split_lead(a.body)
        docs.append(Article(id=a.id, headline=a.headline, body=rest))
        copies.setdefault(" ".join(a.body.split()), []).append(a.id)
        if len(lead.split()) >= MIN_LEAD_WORDS:
            leads.append((lead, a))
    picked = random.Random(seed).sample(leads, n)
    queries = [Query(f"{name}-lead-{i}", lead) for i, (lead, _) in enumerate(picked)]
    qrels = {
        q.id: dict.fromkeys(copies[" ".join(a.body.split())], 1)
        for q, (_, a) in zip(queries, picked, strict=True)
    }
    return TestCollection(f"{name} leads (known item)", docs, queries, qrels)


def load_bbc_leads(root: Path) -> TestCollection:
    """400 BBC first sentences, each to find its story (headline and the rest of the body) among the 2,225."""
    return _lead_known_item("BBC", load_bbc(root), 400, seed=11)


def load_ag_leads(root: Path) -> TestCollection:
    """500 AG News first sentences of a description, each to find its story (title and the rest of the
    description, often the title alone) among the 7,600."""
    path = root / "ag-news" / "test.csv"
    return _lead_known_item(
        "AG News", read_articles(path, path.parent, columns=AG_NEWS_COLUMNS).articles, 500, seed=13
    )


# --- synthetic growth corpus -----------------------------------------------------------------------------

_PARAGRAPH = re.compile(r"\n\s*\n|\n(?=\s{2,}\S)")


def paragraphs(body: str) -> list[str]:
    return [" ".join(p.split()) for p in _PARAGRAPH.split(body) if p.strip()]


def synthetic_docs(base: list[Article], n: int, seed: int = 42) -> list[Article]:
    """``n`` documents recombined from real ones: the headline of one story, the paragraph count of another,
    each paragraph drawn from any story. Deterministic for a given ``base`` and ``seed``."""
    rng = random.Random(seed)
    pool = [p for d in base for p in paragraphs(d.body)]
    shapes = [max(1, len(paragraphs(d.body))) for d in base]
    headlines = [d.headline for d in base if d.headline]
    return [
        Article(
            id=f"synth-{i}",
            headline=rng.choice(headlines),
            body="\n\n".join(rng.choice(pool) for _ in range(rng.choice(shapes))),
        )
        for i in range(n)
    ]


def written_files(folder: Path, total: int, per_file: int = 1000) -> list[Path] | None:
    """The files ``synthetic_files`` wrote of ``total`` documents, if it wrote them all (else None)."""
    done = folder / "complete"
    if not (done.exists() and done.read_text() == str(total)):
        return None
    return [folder / f"part-{n:05d}.jsonl" for n in range((total + per_file - 1) // per_file)]


def synthetic_files(docs: list[Article], folder: Path, per_file: int = 1000) -> list[Path]:
    """The documents written as JSON Lines files of ``per_file`` stories each (once: a folder that has them all
    is reused), for ``update`` to read as a newsroom's export would be read."""
    done = folder / "complete"
    count = (len(docs) + per_file - 1) // per_file
    files = [folder / f"part-{n:05d}.jsonl" for n in range(count)]
    if written_files(folder, len(docs), per_file):
        return files
    folder.mkdir(parents=True, exist_ok=True)
    for n, path in enumerate(files):
        part = docs[n * per_file : (n + 1) * per_file]
        path.write_text(
            "".join(json.dumps({"id": d.id, "headline": d.headline, "body": d.body}) + "\n" for d in part)
        )
    done.write_text(str(len(docs)))
    return files


# --- a picklable description of a document set, for build subprocesses ----------------------------------


@dataclass(frozen=True)
class Corpus:
    """Which documents to load: ``kind`` is reuters, reuters-test, bbc, cranfield, cisi or synthetic."""

    kind: str
    root: str
    limit: int | None = None
    seed: int = 42
    base_limit: int | None = None  #: synthetic: recombine only the first ``base_limit`` Reuters stories
    files_dir: str | None = None  #: synthetic: where to write them as JSON Lines files for ``update``

    @property
    def label(self) -> str:
        return self.kind if self.limit is None else f"{self.kind}[{self.limit}]"

    def load(self) -> list[Article]:
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
        """The files to give newssearch's ``update`` for these documents (whole Reuters files: 1,000 stories a
        file, one fewer in ``reut2-012.sgm``, whose story 12793 is empty); None when no set of files fits."""
        root = Path(self.root)
        if self.kind == "synthetic" and self.files_dir:
            # Not loaded again when written: a build's peak memory must be its own, not that of a million stories.
            written = written_files(Path(self.files_dir), self.limit or 0)
            return written if written is not None else synthetic_files(self.load(), Path(self.files_dir))
        if self.kind == "bbc" and self.limit is None:
            return [root / "bbc"]
        if self.kind == "reuters" and (self.limit is None or self.limit % 1000 == 0):
            files = reuters_files(root)
            return files if self.limit is None else files[: self.limit // 1000]
        return None
