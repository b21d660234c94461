"""One small adapter per search system, all with the same interface.

``build(docs, path)`` writes an index into the folder ``path``; ``open(path)`` makes it searchable;
``search(text, k, snippets)`` returns ``Result``s best first; ``size()`` is the index's bytes on disk.
Every adapter receives the same natural-language text. The peers make it safe for their query language the same
way: the text's words (letters and digits), lower-cased, ORed (``query_words``); newssearch reads it with
``syntax=False``, which does the same but keeps ``U.S.`` and ``5.5`` whole, as its index holds them.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from newssearch.models import Article

#: Query-time weight of the headline relative to the body in the peers that weigh fields (SQLite FTS5, tantivy,
#: plain Whoosh). newssearch has its own weights (``newssearch.schema.FIELD_BOOSTS``).
HEADLINE_WEIGHT = 3.0
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Result:
    id: str
    score: float
    snippet: str | None = None


def query_words(text: str) -> list[str]:
    """The words of a natural-language query, lower-cased: never an operator, quote or field name."""
    return [w.lower() for w in _WORD.findall(text)]


def dir_size(path: Path) -> int:
    """Total bytes of the files under ``path``."""
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


class System:
    """Base adapter. ``snippet_modes`` lists the ``snippets`` values the system can serve."""

    key = ""
    label = ""
    snippet_modes: tuple[bool, ...] = (False, True)

    def __init__(self) -> None:
        self.path: Path | None = None

    def build(self, docs: Iterable[Article], path: Path) -> int:
        """Index ``docs`` into ``path``; returns the number of documents written."""
        raise NotImplementedError

    def open(self, path: Path) -> None:
        self.path = Path(path)

    def search(self, text: str, k: int = 10, snippets: bool = False) -> list[Result]:
        raise NotImplementedError

    def match_all(self, text: str) -> int | None:
        """How many documents match (each one's id read, and its date where the system keeps one); None if the
        adapter has no such path."""
        return None

    def size(self) -> int:
        assert self.path is not None
        return dir_size(self.path)

    def close(self) -> None:
        """Release searchers and handles."""


class NewsSearch(System):
    """newssearch through its public API.

    ``extract=True`` lets ``add`` fill in the dateline place and the entities (what ``update`` does for files it
    reads); ``build_files`` runs ``update`` itself (reading included).
    """

    def __init__(self, extract: bool = True) -> None:
        super().__init__()
        import newssearch  # noqa: F401  (fail early when it cannot be imported)

        self.extract = extract
        self.key = "newssearch" if extract else "newssearch-add"
        #: List every near-identical copy, as the ranking benchmarks do: grouped (the default) a story's twin may
        #: stand in its place, which a judged ranking counts as a miss.
        self.all_versions = False
        self.label = "newssearch" if extract else "newssearch (add, no extraction)"
        self.ix = None

    def _article(self, doc: Article) -> Article:
        """The text every system indexes; with ``extract``, also the place the reader took from the dateline."""
        return Article(
            id=doc.id, headline=doc.headline, body=doc.body, place=doc.place if self.extract else None
        )

    def build(self, docs: Iterable[Article], path: Path) -> int:
        from newssearch import NewsIndex

        with NewsIndex.create(path, overwrite=True) as ix:
            return ix.add((self._article(d) for d in docs), extract=self.extract)

    def build_files(self, files: list[Path], path: Path) -> int:
        """``NewsIndex.update`` on the corpus files: reading, datelines and entity extraction included."""
        from newssearch import NewsIndex

        with NewsIndex.create(path, overwrite=True) as ix:
            report = ix.update(files)
        return report.added

    def open(self, path: Path) -> None:
        from newssearch import NewsIndex

        super().open(path)
        self.ix = NewsIndex.open(path)

    def search(self, text: str, k: int = 10, snippets: bool = False) -> list[Result]:
        from newssearch import QueryError

        if not query_words(text):
            return []
        try:
            grouping = {"all_versions": True} if self.all_versions else {}
            # syntax=False: its own plain-text reading, words as its index holds them (``U.S.``, ``5.5``)
            found = self.ix.search(text, limit=k, syntax=False, snippets=snippets, **grouping)
        except QueryError:
            return []
        return [Result(h.id, h.score, h.snippet.text if snippets else None) for h in found.hits]

    def match_all(self, text: str) -> int | None:
        if not hasattr(self.ix, "matches"):  # a newssearch from before match sets (a before-and-after run)
            return None
        words = query_words(text)
        # Every copy, as the other systems match them (a newssearch from before grouped match sets has no option).
        every = (
            {"all_versions": True} if "all_versions" in inspect.signature(self.ix.matches).parameters else {}
        )
        return len(self.ix.matches(" ".join(words), syntax=False, **every)) if words else 0

    def close(self) -> None:
        if self.ix is not None:
            self.ix.close()
            self.ix = None


class SqliteFts5(System):
    """SQLite FTS5, porter + unicode61 tokenizer, bm25 with column weights (id 0, headline 3, body 1)."""

    key = "sqlite"
    label = "SQLite FTS5"

    def __init__(self) -> None:
        super().__init__()
        self.con: sqlite3.Connection | None = None

    def build(self, docs: Iterable[Article], path: Path) -> int:
        Path(path).mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(Path(path) / "fts.sqlite3")
        try:
            con.execute(
                "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, headline, body, tokenize='porter unicode61')"
            )
            with con:
                con.executemany(
                    "INSERT INTO docs(id, headline, body) VALUES (?, ?, ?)",
                    ((d.id, d.headline, d.body) for d in docs),
                )
            with con:
                con.execute("INSERT INTO docs(docs) VALUES ('optimize')")
            return con.execute("SELECT count(*) FROM docs").fetchone()[0]
        finally:
            con.close()

    def open(self, path: Path) -> None:
        super().open(path)
        self.con = sqlite3.connect(Path(path) / "fts.sqlite3")

    def search(self, text: str, k: int = 10, snippets: bool = False) -> list[Result]:
        words = query_words(text)
        if not words:
            return []
        match = " OR ".join(f'"{w}"' for w in words)
        snippet = ", snippet(docs, 2, '[', ']', '…', 24)" if snippets else ""
        sql = (
            f"SELECT id, bm25(docs, 0.0, {HEADLINE_WEIGHT}, 1.0) AS s{snippet} FROM docs "
            "WHERE docs MATCH ? ORDER BY s LIMIT ?"
        )
        assert self.con is not None
        rows = self.con.execute(sql, (match, k)).fetchall()
        return [Result(row[0], -row[1], row[2] if snippets else None) for row in rows]

    def match_all(self, text: str) -> int | None:
        words = query_words(text)
        if not words:
            return 0
        assert self.con is not None
        match = " OR ".join(f'"{w}"' for w in words)
        return len(self.con.execute("SELECT id FROM docs WHERE docs MATCH ?", (match,)).fetchall())

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None


class Tantivy(System):
    """tantivy-py: headline and body with the en_stem tokenizer, one indexing thread, headline boosted ×3."""

    key = "tantivy"
    label = "tantivy"

    def __init__(self) -> None:
        super().__init__()
        import tantivy

        self.tantivy = tantivy
        self.index = self.searcher = None

    def build(self, docs: Iterable[Article], path: Path) -> int:
        tv = self.tantivy
        builder = tv.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        builder.add_text_field("headline", stored=True, tokenizer_name="en_stem")
        builder.add_text_field("body", stored=True, tokenizer_name="en_stem")
        Path(path).mkdir(parents=True, exist_ok=True)
        index = tv.Index(builder.build(), path=str(path), reuse=False)
        writer = index.writer(heap_size=128_000_000, num_threads=1)
        count = 0
        for d in docs:
            writer.add_document(tv.Document(id=d.id, headline=d.headline, body=d.body))
            count += 1
        writer.commit()
        writer.wait_merging_threads()
        return count

    def open(self, path: Path) -> None:
        super().open(path)
        self.index = self.tantivy.Index.open(str(path))
        self.index.reload()
        self.searcher = self.index.searcher()

    def search(self, text: str, k: int = 10, snippets: bool = False) -> list[Result]:
        words = query_words(text)
        if not words:
            return []
        query = self.index.parse_query(
            " ".join(f'"{w}"' for w in words),
            ["headline", "body"],
            field_boosts={"headline": HEADLINE_WEIGHT},
        )
        hits = self.searcher.search(query, k).hits
        gen = None
        if snippets:
            gen = self.tantivy.SnippetGenerator.create(self.searcher, query, self.index.schema, "body")
        out = []
        for score, address in hits:
            doc = self.searcher.doc(address)
            out.append(Result(doc["id"][0], score, gen.snippet_from_doc(doc).to_html() if gen else None))
        return out

    def close(self) -> None:
        self.index = self.searcher = None


class Bm25s(System):
    """bm25s (sparse-matrix BM25) with PyStemmer's English stemmer and English stop words; no snippets.

    One text per document (headline + body: bm25s has no fields). The index is saved to measure its size;
    searches run on the in-memory index loaded back from it.
    """

    key = "bm25s"
    label = "bm25s"
    snippet_modes = (False,)

    def __init__(self) -> None:
        super().__init__()
        import bm25s
        import Stemmer

        self.bm25s = bm25s
        self.stemmer = Stemmer.Stemmer("english")
        self.retriever = None
        self.ids: list[str] = []

    def _tokenize(self, texts: list[str]):
        return self.bm25s.tokenize(texts, stopwords="en", stemmer=self.stemmer, show_progress=False)

    def build(self, docs: Iterable[Article], path: Path) -> int:
        docs = list(docs)
        retriever = self.bm25s.BM25()
        retriever.index(self._tokenize([f"{d.headline}\n{d.body}" for d in docs]), show_progress=False)
        retriever.save(str(path), show_progress=False)
        (Path(path) / "ids.json").write_text(json.dumps([d.id for d in docs]))
        return len(docs)

    def open(self, path: Path) -> None:
        super().open(path)
        self.retriever = self.bm25s.BM25.load(str(path), show_progress=False)
        self.ids = json.loads((Path(path) / "ids.json").read_text())

    def search(self, text: str, k: int = 10, snippets: bool = False) -> list[Result]:
        tokens = self.bm25s.tokenize(
            [" ".join(query_words(text))],
            stopwords="en",
            stemmer=self.stemmer,
            show_progress=False,
            return_ids=False,
        )
        vocab = self.retriever.vocab_dict
        tokens = [[t for t in tokens[0] if t in vocab]]
        if not tokens[0] or not self.ids:
            return []
        docs, scores = self.retriever.retrieve(tokens, k=min(k, len(self.ids)), show_progress=False)
        return [Result(self.ids[int(i)], float(s)) for i, s in zip(docs[0], scores[0], strict=True) if s > 0]


class PlainWhoosh(System):
    """Whoosh as a developer would first use it: StemmingAnalyzer on headline and body, OR parser."""

    key = "whoosh"
    label = "plain Whoosh"

    def __init__(self) -> None:
        super().__init__()
        import whoosh  # noqa: F401

        self.ix = self.searcher = self.parser = None

    def build(self, docs: Iterable[Article], path: Path) -> int:
        from whoosh import index
        from whoosh.analysis import StemmingAnalyzer
        from whoosh.fields import ID, TEXT, Schema

        schema = Schema(
            id=ID(stored=True, unique=True),
            headline=TEXT(analyzer=StemmingAnalyzer(), stored=True),
            body=TEXT(analyzer=StemmingAnalyzer(), stored=True),
        )
        Path(path).mkdir(parents=True, exist_ok=True)
        ix = index.create_in(str(path), schema)
        writer = ix.writer(limitmb=256)
        count = 0
        for d in docs:
            writer.add_document(id=d.id, headline=d.headline, body=d.body)
            count += 1
        writer.commit()
        return count

    def open(self, path: Path) -> None:
        from whoosh import index
        from whoosh.qparser import MultifieldParser, OrGroup

        super().open(path)
        self.ix = index.open_dir(str(path))
        self.searcher = self.ix.searcher()
        self.parser = MultifieldParser(
            ["headline", "body"], self.ix.schema, fieldboosts={"headline": HEADLINE_WEIGHT}, group=OrGroup
        )

    def search(self, text: str, k: int = 10, snippets: bool = False) -> list[Result]:
        words = query_words(text)
        if not words:
            return []
        results = self.searcher.search(self.parser.parse(" ".join(words)), limit=k, terms=snippets)
        return [Result(h["id"], h.score, h.highlights("body") if snippets else None) for h in results]

    def close(self) -> None:
        if self.searcher is not None:
            self.searcher.close()
        self.ix = self.searcher = None


SYSTEMS = {
    "newssearch": lambda: NewsSearch(extract=True),
    "newssearch-add": lambda: NewsSearch(extract=False),
    "sqlite": SqliteFts5,
    "tantivy": Tantivy,
    "bm25s": Bm25s,
    "whoosh": PlainWhoosh,
}
PEERS = ("sqlite", "tantivy", "bm25s", "whoosh")


def make_system(key: str) -> System:
    return SYSTEMS[key]()


def available(keys: Iterable[str]) -> tuple[list[str], dict[str, str]]:
    """The systems that can be created here, and why the others cannot (a missing optional package)."""
    ok, missing = [], {}
    for key in keys:
        try:
            make_system(key).close()
            ok.append(key)
        except ImportError as exc:
            missing[key] = str(exc)
    return ok, missing


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
