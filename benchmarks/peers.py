"""The peers' adapters: SQLite FTS5, tantivy, bm25s and plain Whoosh, each searching the words of the text ORed
(``query_words``), the headline weighted ``HEADLINE_WEIGHT`` where the system weighs fields."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from benchmarks.adapter import HEADLINE_WEIGHT, Result, System, query_words
from newssearch.models import Article


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

    def _matching(self, select: str, text: str) -> list[tuple] | None:
        """``SELECT select FROM docs`` of the rows matching any word of ``text``; None when it has none."""
        words = query_words(text)
        if not words:
            return None
        assert self.con is not None
        match = " OR ".join(f'"{w}"' for w in words)
        return self.con.execute(f"SELECT {select} FROM docs WHERE docs MATCH ?", (match,)).fetchall()

    def match_all(self, text: str) -> int | None:
        rows = self._matching("id", text)
        return len(rows) if rows is not None else 0

    def count_all(self, text: str) -> int | None:
        rows = self._matching("count(*)", text)
        return int(rows[0][0]) if rows is not None else 0

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
