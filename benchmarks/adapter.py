"""What every system's adapter shares: the interface (``System``), a ``Result``, the words of a query as the
peers search them, and an index folder's size. systems.py lists the adapters."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from newssearch.models import Article

#: Query-time weight of the headline relative to the body in the peers that weigh fields (SQLite FTS5, tantivy,
#: plain Whoosh). newssearch has its own weights (``newssearch.engine.schema.FIELD_BOOSTS``).
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

    def count_all(self, text: str) -> int | None:
        """How many documents match, counted without reading their ids; None if the adapter has no such path."""
        return None

    def size(self) -> int:
        assert self.path is not None
        return dir_size(self.path)

    def close(self) -> None:
        """Release searchers and handles."""
