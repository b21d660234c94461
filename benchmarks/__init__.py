"""Benchmarks: newssearch side by side with SQLite FTS5, tantivy, bm25s and plain Whoosh.

Run ``python -m benchmarks`` from the project root; see ``benchmarks/README.md``.
"""

from pathlib import Path

#: The shared corpora folder as laid out next to the project (``../shared/corpora``).
DEFAULT_CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
HERE = Path(__file__).resolve().parent
