"""The report's formatting: system labels, numbers, ratios to the best value, Markdown tables."""

from __future__ import annotations

import math

from benchmarks.metrics import ratio

LABELS = {
    "newssearch": "newssearch",
    "newssearch-add": "newssearch (add, no extraction)",
    "sqlite": "SQLite FTS5",
    "tantivy": "tantivy",
    "bm25s": "bm25s",
    "whoosh": "plain Whoosh",
}


def _num(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def _with_ratio(
    value: float | None, best: float | None, digits: int = 1, higher_is_better: bool = False
) -> str:
    if value is None:
        return "–"
    r = ratio(best, value) if higher_is_better else ratio(value, best)
    return _num(value, digits) if r is None else f"{_num(value, digits)} ({r:.1f}×)"


def _best(values: list[float | None], higher: bool = False) -> float | None:
    present = [v for v in values if v is not None and not math.isnan(v)]
    if not present:
        return None
    return max(present) if higher else min(present)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * len(header)) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _lat(latency: dict, key: str, mode: str, stat: str) -> float | None:
    return latency.get(key, {}).get(mode, {}).get(stat)
