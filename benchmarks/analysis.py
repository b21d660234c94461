"""Coverage analysis side by side: newssearch's facets, timelines, keywords and co-occurrence on Reuters-21578 and
a synthetic collection, against SQLite (FTS5 and a table of entities) and DuckDB (the aggregation alone); facet
counts checked against the stored stories; the first call in a fresh process; the peak memory. Each analysis runs
on every query in turn, in an order rotated query by query, so a noisy machine slows them alike. From the root::

    .venv/bin/python -m benchmarks.analysis --workdir /tmp/nsa [--synthetic 1000000 [--skip-reuters]]

Merges its numbers into ``benchmarks/analysis.json`` (``--out``); the workdir keeps the indexes and SQLite files
(a synthetic index of the right size is reused).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import re
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks import corpora
from benchmarks.adapter import query_words
from benchmarks.report import machine
from benchmarks.shards import _ms
from newssearch import Article, NewsIndex
from newssearch.errors import NewsSearchError

HERE = Path(__file__).parent
DEFAULT_CORPORA = HERE.parent.parent / "shared" / "corpora"
MB = 2**20
KINDS = ("people", "orgs", "places", "sources")
STORED = {"people": "people", "orgs": "organizations", "places": "places"}
SQL_KINDS = {"people": "person", "organizations": "org", "places": "place"}
#: Candidate queries besides the Reuters topic names: common words of business news, in a fixed order.
WORDS = ["oil", "trade", "bank", "dollar", "market", "prices", "shares", "profit", "loss", "tax", "government", "rates", "stock", "exchange", "billion", "company", "sales", "debt", "export", "earnings", "japan", "offer", "budget", "growth", "inflation", "wheat", "gold", "merger", "dividend", "currency", "interest", "minister", "president", "production", "imports", "quarter", "revenue", "investment", "banks", "federal"]  # fmt: skip
#: The synthetic stories' dates: spread evenly over these days.
FIRST_DAY, DAYS = datetime(1987, 1, 1, tzinfo=timezone.utc), 14610  # to 2026-12-31
STOP = {"a", "and", "for", "in", "of", "on", "or", "the", "to"}  #: not searched by newssearch, but by FTS5
Op = Callable[[NewsIndex, str], Any]
OPS: dict[str, Op] = {
    "facets": lambda ix, q: ix.facets(q, KINDS, 10), "top places": lambda ix, q: ix.top("places", q),
    "top people": lambda ix, q: ix.top("people", q), "timeline month": lambda ix, q: ix.timeline(q, by="month"),
    "keywords": lambda ix, q: ix.keywords(q), "cooccur": lambda ix, q: ix.cooccur(q),
}  # fmt: skip
FACET_SQL = "SELECT e.name, COUNT(DISTINCT e.story) FROM fts JOIN entities e ON e.story = fts.rowid WHERE fts MATCH ? AND e.kind = 'place' GROUP BY e.name ORDER BY 2 DESC LIMIT 10"  # fmt: skip
TIMELINE_SQL = "SELECT substr(s.date, 1, 7), COUNT(*) FROM fts JOIN stories s ON s.rowid = fts.rowid WHERE fts MATCH ? GROUP BY 1"  # fmt: skip
DUCK_FACET = "SELECT e.name, COUNT(DISTINCT e.story) FROM m{n} m JOIN entities e ON e.story = m.story WHERE e.kind = 'place' GROUP BY e.name ORDER BY 2 DESC LIMIT 10"  # fmt: skip
DUCK_TIMELINE = "SELECT substr(s.date, 1, 7), COUNT(*) FROM m{n} m JOIN stories s ON s.id = m.story GROUP BY 1"  # fmt: skip


def norm(name: str) -> str:
    return " ".join(name.lower().split())


def fts_query(text: str) -> str:
    """The query's words for FTS5, each quoted (no syntax), ORed as newssearch matches them."""
    return " OR ".join(f'"{w}"' for w in query_words(text))


def pick_queries(ix: NewsIndex, candidates: Iterable[str], k: int, low: float = 0.05, high: float = 0.15) -> list[dict[str, Any]]:  # fmt: skip
    """``k`` candidates matching ``low``..``high`` of the stories (``count``), spread evenly over that range."""
    total, seen, found = len(ix), set[str](), list[dict[str, Any]]()
    for text in candidates:  # of those sharing a word (crude oil, fuel oil) the first in range; no stop words
        if not (words := set(query_words(text))) or words & (seen | STOP):
            continue
        try:
            n = ix.count(text)
        except NewsSearchError:  # a query of stop words alone, say
            continue
        if low * total <= n <= high * total:
            seen |= words
            found.append({"query": text, "matches": n, "share": round(n / total, 4)})
    found.sort(key=lambda f: (f["share"], f["query"]))
    return (
        found if len(found) <= k else [found[round(i * (len(found) - 1) / max(1, k - 1))] for i in range(k)]
    )


def story_values(article: Article) -> dict[str, set[str]]:
    """A stored story's values per facet kind, lower-cased and whitespace-collapsed, each once."""
    topics = [*article.topics]
    topics += [p for key, vs in article.metadata.items() if key.lower() in ("topics", "topic") for v in vs for p in v.split(",")]  # fmt: skip
    values = {kind: getattr(article, name) for kind, name in STORED.items()}
    values |= {"sources": [article.source] if article.source else [], "topics": topics}
    return {kind: {norm(v) for v in vs if norm(v)} for kind, vs in values.items()}


def check_facets(ix: NewsIndex, text: str, limit: int = 10) -> dict[str, Any]:
    """The facets of ``text`` (each copy a story: ``all_versions``) against counting its stored stories: the top
    ``limit`` names' counts equal, no other counted more often than the last. People: names of two words or more."""
    ids = ix.matches(text, all_versions=True).ids
    stories = [story_values(ix.get(i)) for i in ids]  # type: ignore[arg-type]
    facets = {f.kind: f for f in ix.facets(text, KINDS, limit, all_versions=True)}
    facets["topics"] = ix.top("topics", text, limit, all_versions=True)
    out: dict[str, Any] = {"query": text, "matches": len(ids)}
    for kind, facet in facets.items():
        counted = Counter(v for story in stories for v in story[kind])
        shown = [(norm(v.name), v.count) for v in facet.values]
        if kind == "people":
            shown = [(n, c) for n, c in shown if " " in n]
        differ = {n: [c, counted[n]] for n, c in shown if counted[n] != c}
        if kind == "people":  # [facet, stored, stored naming it or its surname alone: what merging counts]
            for n, found in differ.items():
                found.append(sum(1 for s in stories if n in s["people"] or n.split()[-1] in s["people"]))
            merged = all(d[0] == d[2] for d in differ.values())
            out[kind] = {"equal": not differ, "equal_with_surnames": merged, "compared": len(shown), "differ": differ}  # fmt: skip
            continue
        names, floor = {n for n, _ in shown}, shown[-1][1] if len(shown) == limit else 0
        missed = {n: c for n, c in counted.most_common() if n not in names and c > floor}
        equal = facet.total == len(ids) and not differ and not missed
        out[kind] = {"equal": equal, "compared": len(shown), "differ": differ, "missed": dict(list(missed.items())[:5])}  # fmt: skip
    return out


def sqlite_open(path: Path) -> sqlite3.Connection:
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript("""CREATE VIRTUAL TABLE fts USING fts5(headline, body, tokenize='porter unicode61');
        CREATE TABLE stories(rowid INTEGER PRIMARY KEY, date TEXT); CREATE TABLE entities(story INTEGER, kind TEXT, name TEXT);""")  # fmt: skip
    return db


def sqlite_add(db: sqlite3.Connection, rows: Iterable[tuple[int, Article]]) -> None:
    """Stories with their row ids: headline and body, the date (ISO, UTC), and each entity once (lower-cased)."""
    rows = list(rows)
    db.executemany("INSERT INTO fts(rowid, headline, body) VALUES (?, ?, ?)", [(n, a.headline, a.body) for n, a in rows])  # fmt: skip
    dates = [(n, a.date.astimezone(timezone.utc).isoformat() if a.date else None) for n, a in rows]
    db.executemany("INSERT INTO stories(rowid, date) VALUES (?, ?)", dates)
    ents = [(n, kind, v) for n, a in rows for name, kind in SQL_KINDS.items() for v in {norm(x) for x in getattr(a, name)}]  # fmt: skip
    ents += [(n, "source", norm(a.source)) for n, a in rows if a.source]
    db.executemany("INSERT INTO entities VALUES (?, ?, ?)", ents)


def sqlite_finish(db: sqlite3.Connection) -> None:
    db.execute("CREATE INDEX entities_story ON entities(story)")
    db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    db.commit()


def duck_tables(db: sqlite3.Connection) -> tuple[Any, str]:
    """The SQLite tables (but the full text) in an in-memory DuckDB, and what ``INSTALL fts`` said."""
    import duckdb
    import pandas as pd  # type: ignore[import-untyped]

    duck = duckdb.connect()
    try:
        fts = str(duck.execute("INSTALL fts").execute("LOAD fts") and "loaded")
    except Exception as exc:
        fts = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    for name, sql in (("stories", "SELECT rowid AS id, date FROM stories"), ("entities", "SELECT * FROM entities")):  # fmt: skip
        duck.register("frame", pd.read_sql(sql, db))
        duck.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")
        duck.unregister("frame")
    return duck, fts


def time_ops(ops: dict[str, Callable[[int, str], Any]], texts: list[str], rounds: int) -> dict[str, Any]:
    """p50/p95/mean ms of each op over every query and round (one round untimed first), ops rotated per query."""
    names = list(ops)
    times: dict[str, list[list[float]]] = {name: [[] for _ in texts] for name in names}
    for r in range(-1, rounds):
        for i, text in enumerate(texts):
            for name in names[(i + r) % len(names) :] + names[: (i + r) % len(names)]:
                start = time.perf_counter()
                ops[name](i, text)
                if r >= 0:
                    times[name][i].append((time.perf_counter() - start) * 1000)
    return {name: {**_ms([t for q in per for t in q]), "per_query_p50": [round(statistics.median(q), 3) for q in per]} for name, per in times.items()}  # fmt: skip


def measure(ix: NewsIndex, picked: list[dict], db: sqlite3.Connection, ops: list[str], rounds: int,
            duck: Any = None, ids: dict[str, int] | None = None) -> dict[str, Any]:  # fmt: skip
    """newssearch's ``ops`` and SQLite's (and DuckDB's aggregation, given the story numbers of ``ids``)."""
    texts = [p["query"] for p in picked]
    run: dict[str, Callable[[int, str], Any]] = {name: (lambda i, q, f=OPS[name]: f(ix, q)) for name in ops}  # type: ignore[misc]
    run["sqlite places"] = lambda i, q: db.execute(FACET_SQL, (fts_query(q),)).fetchall()
    run["sqlite timeline month"] = lambda i, q: db.execute(TIMELINE_SQL, (fts_query(q),)).fetchall()
    for p in picked:
        p["sqlite_matches"] = db.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (fts_query(p["query"]),)).fetchone()[0]  # fmt: skip
    if duck is not None and ids is not None:
        for n, text in enumerate(texts):  # the match ids as a table, not timed
            found = [ids[i] for i in ix.matches(text).ids]
            duck.execute(f"CREATE OR REPLACE TEMP TABLE m{n} AS SELECT unnest(?::INTEGER[]) AS story", [found])  # fmt: skip
        run["duckdb places (aggregation only)"] = lambda i, q: duck.execute(DUCK_FACET.format(n=i)).fetchall()
        run["duckdb timeline month (aggregation only)"] = lambda i, q: duck.execute(DUCK_TIMELINE.format(n=i)).fetchall()  # fmt: skip
    ms = time_ops(run, texts, rounds)
    pairs = [("sqlite places", "top places"), ("sqlite timeline month", "timeline month")]
    pairs += [("duckdb places (aggregation only)", "top places"), ("duckdb timeline month (aggregation only)", "timeline month")]  # fmt: skip
    ratios = {f"{peer} / {own}": {s: round(ms[peer][s] / ms[own][s], 3) for s in ("p50", "p95")} for peer, own in pairs if peer in ms}  # fmt: skip
    return {"queries": picked, "rounds": rounds, "latency_ms": ms, "ratios": ratios}


def _child(function: str, *args: str) -> dict[str, Any]:
    code = f"import json, sys\nfrom benchmarks.analysis import {function}\nprint(json.dumps({function}(*sys.argv[1:])))"
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=HERE.parent, check=False)  # fmt: skip
    return {"error": done.stderr.strip()[-600:]} if done.returncode else json.loads(done.stdout.strip().splitlines()[-1])  # fmt: skip


def cold_child(path: str, op: str, text: str) -> dict[str, float]:
    """In a fresh process: open the index, then the op twice (ms)."""
    start = time.perf_counter()
    ix = NewsIndex.open(path)
    out = {"open_ms": (time.perf_counter() - start) * 1000}
    for key in ("first_ms", "second_ms"):
        start = time.perf_counter()
        OPS[op](ix, text)
        out[key] = (time.perf_counter() - start) * 1000
    return out


def _hwm() -> int:
    return int(re.search(r"VmHWM:\s+(\d+)", Path("/proc/self/status").read_text()).group(1)) * 1024  # type: ignore[union-attr]


def rss_child(path: str, text: str) -> dict[str, Any]:
    """In a fresh process: the index open and one plain search as the baseline (RSS), then each analysis in turn
    with its peak (``VmHWM``, reset before each through ``/proc/self/clear_refs``) and ``ru_maxrss``."""
    import psutil  # type: ignore[import-untyped]

    proc, ix = psutil.Process(), NewsIndex.open(path)
    ix.search(text)
    base = proc.memory_info().rss
    out: dict[str, Any] = {"query": text, "baseline_rss_mb": base / MB, "steps": []}
    for op in ("top places", "top people", "facets", "timeline month", "keywords", "cooccur"):
        reset = False
        with contextlib.suppress(OSError):  # the peak (VmHWM) set back to the RSS
            reset = Path("/proc/self/clear_refs").write_text("5") == 1
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        start = time.perf_counter()
        OPS[op](ix, text)
        seconds, after, peak = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, _hwm()  # fmt: skip
        out["steps"].append({
            "op": op, "seconds": seconds, "rss_after_mb": proc.memory_info().rss / MB, "peak_mb": peak / MB,
            "peak_growth_mb": (peak - base) / MB, "hwm_reset": reset, "ru_maxrss_before_mb": before / MB,
            "ru_maxrss_after_mb": after / MB,
        })  # fmt: skip
    out["max_peak_growth_mb"] = max(s["peak_growth_mb"] for s in out["steps"])
    return out


def analyse(ix: NewsIndex, ids: list[str], candidates: list[str], k: int, rounds: int, work: Path,
            ops: list[str], peers: bool = True) -> dict[str, Any]:  # fmt: skip
    """Queries, the facet check, SQLite (and DuckDB) built from the stored stories ``ids``, and the timings."""
    picked = pick_queries(ix, candidates, k)
    checks = [check_facets(ix, p["query"]) for p in picked]
    correct = {kind: all(c[kind]["equal"] for c in checks) for kind in (*KINDS, "topics")}
    correct["people, surnames merged"] = all(c["people"]["equal_with_surnames"] for c in checks)
    start = time.perf_counter()
    db = sqlite_open(work / "stories.sqlite")
    numbers = {i: n for n, i in enumerate(ids, 1)}
    for at in range(0, len(ids), 5000):
        sqlite_add(db, [(numbers[i], ix.get(i)) for i in ids[at : at + 5000]])  # type: ignore[misc]
    sqlite_finish(db)
    out: dict[str, Any] = {"stories": len(ix), "sqlite_build_s": time.perf_counter() - start}
    duck, out["duckdb_fts"] = duck_tables(db) if peers else (None, "not tried")
    out |= measure(ix, picked, db, ops, rounds, duck, numbers)
    out["correctness"] = {"equal": correct, "per_query": checks}
    return out


def reuters_index(root: Path, work: Path) -> tuple[Path, list[str]]:
    """The Reuters index (built once: ``NewsIndex.rebuild`` of the folder) and the id of every story it holds."""
    from newssearch.ingest.readers import discover, read_articles

    path, folder = work / "reuters", root / "reuters21578"
    ids = []
    for _, file, fmt in discover([folder]):
        with contextlib.suppress(NewsSearchError):  # a word list, as the build leaves it out
            ids += [a.id for a in read_articles(file, folder, fmt=fmt).articles]
    if not NewsIndex.exists(path) or len(NewsIndex.open(path)) != len(ids):
        start = time.perf_counter()
        NewsIndex.rebuild(path, [folder])
        print(f"reuters: built in {time.perf_counter() - start:.1f} s", flush=True)
    return path, ids


def reuters(root: Path, work: Path, k: int, rounds: int) -> dict[str, Any]:
    path, ids = reuters_index(root, work)
    candidates = WORDS + list(corpora.topic_names(root).values())
    ops = ["facets", "top places", "timeline month", "keywords", "cooccur"]
    with NewsIndex.open(path) as ix:
        out = analyse(ix, ids, candidates, k, rounds, work, ops)
    return _cold(path, out, ops)


def _cold(path: Path, out: dict[str, Any], ops: list[str]) -> dict[str, Any]:
    """The first call of each op in a fresh process, on the query nearest 10 % of the stories."""
    ten = out["ten_percent_query"] = min(out["queries"], key=lambda p: abs(p["share"] - 0.10))["query"]
    out["cold"] = {op: _child("cold_child", str(path), op, ten) for op in ops}
    return out


def synthetic_batches(root: Path, source: NewsIndex, n: int, batch: int, seed: int = 42) -> Iterator[list[Article]]:  # fmt: skip
    """``n`` stories of one or two paragraphs (``synthetic_docs`` on Reuters stories cut to their first two), dated
    at random over 1987-2026, with the people, organisations, places and source of a random stored Reuters story."""
    base = [d for d in corpora.load_reuters(root) if d.body]
    cut = [Article(id=d.id, headline=d.headline, body="\n\n".join(corpora.paragraphs(d.body)[:2])) for d in base]  # fmt: skip
    entities = [(a.people, a.organizations, a.places, a.source) for a in map(source.get, (d.id for d in base)) if a]  # fmt: skip
    for b, first in enumerate(range(0, n, batch)):
        rng = random.Random(seed * 1_000_003 + b)
        docs = corpora.synthetic_docs(cut, min(batch, n - first), seed + b)
        out = []
        for j, d in enumerate(docs):
            people, orgs, places, src = rng.choice(entities)
            when = FIRST_DAY + timedelta(seconds=rng.randrange(DAYS * 86400))
            out.append(Article(id=f"synth-{first + j}", headline=d.headline, body=d.body, date=when,
                               source=src, people=people, organizations=orgs, places=places))  # fmt: skip
        yield out


def synthetic_build(root: Path, work: Path, n: int, batch: int) -> dict[str, Any]:
    """The synthetic index (``create``, then ``add(..., extract=False)``: of ``batch`` stories a call, one commit
    each, or all in one call) and its SQLite twin; not built again when the workdir holds both with ``n`` stories."""
    path, dbpath = work / f"synthetic-{n}", work / f"synthetic-{n}.sqlite"
    count = "SELECT count(*) FROM stories"
    if NewsIndex.exists(path) and len(NewsIndex.open(path)) == n and dbpath.exists() and sqlite3.connect(dbpath).execute(count).fetchone()[0] == n:  # fmt: skip
        return {"reused": True}
    ix, db, spent = NewsIndex.create(path, overwrite=True), sqlite_open(dbpath), dict.fromkeys(("index", "sqlite", "generate"), 0.0)  # fmt: skip
    with NewsIndex.open(reuters_index(root, work)[0]) as source:
        stories = _written(synthetic_batches(root, source, n, batch or 20000), db, spent)
        for docs in stories if batch else ():
            _timed(spent, "index", ix.add, docs, extract=False)
        if not batch:  # one call, one commit: copies are looked for among its own stories
            _timed(spent, "index", ix.add, (a for docs in stories for a in docs), extract=False)
            spent["index"] -= spent["sqlite"] + spent["generate"]
    _timed(spent, "sqlite", sqlite_finish, db)
    ix.close()
    return {"reused": False, "batch": batch, "seconds": spent}


def _written(batches: Iterator[list[Article]], db: sqlite3.Connection, spent: dict[str, float]) -> Iterator[list[Article]]:  # fmt: skip
    done, start = 0, time.perf_counter()
    for docs in batches:
        spent["generate"] += time.perf_counter() - start
        _timed(spent, "sqlite", sqlite_add, db, [(done + j + 1, d) for j, d in enumerate(docs)])
        done += len(docs)
        print(f"synthetic: {done:,} stories, {spent}", flush=True)
        yield docs
        start = time.perf_counter()


def _timed(spent: dict[str, float], key: str, work: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    start = time.perf_counter()
    work(*args, **kwargs)
    spent[key] += time.perf_counter() - start


def synthetic(root: Path, work: Path, n: int, k: int, rounds: int, batch: int) -> dict[str, Any]:
    out = synthetic_build(root, work, n, batch)
    path = work / f"synthetic-{n}"
    candidates = WORDS + list(corpora.topic_names(root).values())
    ops = ["timeline month", "top places", "top people", "facets", "keywords", "cooccur"]
    with NewsIndex.open(path) as ix:
        out |= {"stories": len(ix), "reprints": ix.stats().reprints}
        out |= measure(ix, pick_queries(ix, candidates, k), sqlite3.connect(work / f"synthetic-{n}.sqlite"), ops, rounds)  # fmt: skip
    out = _cold(path, out, ops)
    out["rss"] = _child("rss_child", str(path), out["ten_percent_query"])
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "newssearch-bench-analysis")  # fmt: skip
    parser.add_argument("--synthetic", type=int, default=0, help="also a synthetic collection of N stories")
    parser.add_argument("--skip-reuters", action="store_true")
    parser.add_argument("--queries", type=int, default=20, help="Reuters queries (synthetic: half as many)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds (synthetic: at most 3)")
    parser.add_argument("--batch", type=int, default=0, help="synthetic stories per add(); 0: all in one")
    parser.add_argument("--out", type=Path, default=HERE / "analysis.json")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    results["machine"] = machine()
    results["machine"]["versions"]["duckdb"] = metadata.version("duckdb")
    if not args.skip_reuters:
        results["reuters"] = {"when": time.strftime("%Y-%m-%d %H:%M")}
        results["reuters"] |= reuters(args.corpora, args.workdir, args.queries, args.rounds)
        args.out.write_text(json.dumps(results, indent=1) + "\n")
    if args.synthetic:
        found = results[f"synthetic-{args.synthetic}"] = {"when": time.strftime("%Y-%m-%d %H:%M")}
        found |= synthetic(args.corpora, args.workdir, args.synthetic, max(1, args.queries // 2), min(3, args.rounds), args.batch)  # fmt: skip
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    return results


if __name__ == "__main__":
    main()
