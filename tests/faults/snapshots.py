"""Reading an index for the fault scripts: every article as a row, the scores of a set of queries, and what
differs between two of either."""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

from newssearch import NewsIndex
from newssearch.engine.documents import to_article
from newssearch.errors import IndexDamagedError
from newssearch.index import index_state

QUERIES = (
    "interest rates inflation",
    '"central bank"',
    "storm OR flood",
    "election AND minister",
    "person:Merkel",
    "org:NATO",
    "headline:record",
    "vaccine -trial",
    "port~",
    "minist*",
)


Snapshot = dict[str, tuple]


def _row(article) -> tuple:
    return (
        article.id,
        article.headline,
        article.body,
        article.date.isoformat() if article.date else None,
        tuple(article.people),
        tuple(article.organizations),
        tuple(article.places),
    )


def snapshot(index: Path) -> Snapshot:
    """Every article of the index as (id, headline, body, date, people, organizations, places); {} when there is
    no index, or only one whose creation was cut short (it has no articles either way).

    The ids are listed from Whoosh's stored fields (read-only); each article is then read with ``NewsIndex.get``
    and must be the same, and ``len(index)`` must be their number."""
    from whoosh import index as whoosh_index

    state = index_state(index)
    if state == "missing":
        return {}
    try:
        opened = NewsIndex.open(index)
    except IndexDamagedError as exc:
        if state == "unfinished" and "never finished" in str(exc):
            return {}
        raise
    with opened:
        if (
            index / "newssearch-manifest.json"
        ).exists():  # sharded: the shards' generations the manifest names
            stored = [to_article(fields) for fields in opened._store.searcher().all_stored_fields()]
        else:
            ix = whoosh_index.open_dir(str(index), indexname="MAIN")
            with ix.searcher() as searcher:
                stored = [to_article(fields) for fields in searcher.all_stored_fields()]
        rows = {article.id: _row(article) for article in stored}
        if len(rows) != len(stored):
            raise AssertionError(f"{len(stored) - len(rows)} duplicate ids in {index}")
        if len(opened) != len(rows):
            raise AssertionError(f"len(index) is {len(opened)}, but it stores {len(rows)} articles")
        for article_id, row in rows.items():
            got = opened.get(article_id)
            if got is None or _row(got) != row:
                raise AssertionError(f"NewsIndex.get({article_id!r}) gives {got!r}, stored {row!r}")
    return rows


def scores(index: Path, queries: Iterable[str] = QUERIES) -> dict[str, dict[str, float]]:
    """For each query, every hit's id and score (limit 1000)."""
    with NewsIndex.open(index) as opened:
        return {
            q: {h.id: h.score for h in opened.search(q, limit=1000, snippets=False).hits} for q in queries
        }


def compare(got: Snapshot, want: Snapshot, label: str = "index") -> list[str]:
    """What differs between two snapshots, at most a few lines."""
    if got == want:
        return []
    problems = []
    missing, extra = sorted(want.keys() - got.keys()), sorted(got.keys() - want.keys())
    if missing:
        problems.append(f"{label}: {len(missing)} articles missing, e.g. {missing[:3]}")
    if extra:
        problems.append(f"{label}: {len(extra)} articles too many, e.g. {extra[:3]}")
    changed = sorted(k for k in got.keys() & want.keys() if got[k] != want[k])
    if changed:
        k = changed[0]
        diff = [n for n, (a, b) in enumerate(zip(got[k], want[k], strict=True)) if a != b]
        problems.append(f"{label}: {len(changed)} articles differ, e.g. {k!r} in fields {diff}")
    return problems


def compare_scores(got: dict, want: dict, rel: float = 1e-6) -> list[str]:
    problems = []
    for q, expected in want.items():
        actual = got.get(q, {})
        if actual.keys() != expected.keys():
            problems.append(f"query {q!r}: {len(actual)} hits, clean build {len(expected)}")
            continue
        off = [i for i in expected if not math.isclose(actual[i], expected[i], rel_tol=rel, abs_tol=1e-9)]
        if off:
            i = off[0]
            problems.append(f"query {q!r}: {len(off)} scores differ, e.g. {i!r} {actual[i]} != {expected[i]}")
    return problems
