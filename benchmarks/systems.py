"""One small adapter per search system, all with the same interface.

``build(docs, path)`` writes an index into the folder ``path``; ``open(path)`` makes it searchable;
``search(text, k, snippets)`` returns ``Result``s best first; ``size()`` is the index's bytes on disk.
Every adapter receives the same natural-language text. The peers make it safe for their query language the same
way: the text's words (letters and digits), lower-cased, ORed (``query_words``); newssearch reads it with
``syntax=False``, which does the same but keeps ``U.S.`` and ``5.5`` whole, as its index holds them.

The interface is in adapter.py, the peers' adapters in peers.py; this module has newssearch's and the list.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterable
from pathlib import Path

from benchmarks.adapter import HEADLINE_WEIGHT, Result, System, dir_size, query_words
from benchmarks.peers import Bm25s, PlainWhoosh, SqliteFts5, Tantivy
from newssearch.models import Article

__all__ = [
    "HEADLINE_WEIGHT",
    "PEERS",
    "SYSTEMS",
    "Bm25s",
    "NewsSearch",
    "PlainWhoosh",
    "Result",
    "SqliteFts5",
    "System",
    "Tantivy",
    "available",
    "cpu_count",
    "dir_size",
    "make_system",
    "query_words",
]


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

    def count_all(self, text: str) -> int | None:
        words = query_words(text)
        every = (
            {"all_versions": True} if "all_versions" in inspect.signature(self.ix.count).parameters else {}
        )
        return self.ix.count(" ".join(words), syntax=False, **every) if words else 0

    def close(self) -> None:
        if self.ix is not None:
            self.ix.close()
            self.ix = None


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
