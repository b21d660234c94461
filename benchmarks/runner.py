"""The benchmarks themselves: speed (build + latency), relevance, growth and entity extraction.

Each timed index build runs in a fresh ``spawn`` subprocess, so its peak RSS is its own. Query latency is
measured in this process with every system open at once, alternating systems query by query (rotating which
goes first), after one untimed warm-up pass.
"""

from __future__ import annotations

import gc
import resource
import shutil
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from benchmarks import corpora, entities, metrics
from benchmarks.corpora import Corpus, TestCollection
from benchmarks.systems import PEERS, System, make_system


@dataclass
class Config:
    corpora: Path
    workdir: Path
    quick: bool = False
    systems: list[str] = field(default_factory=lambda: ["newssearch", "newssearch-add", *PEERS])
    reuters_limit: int | None = None  #: stories in the Reuters speed run (None: all 21,577 the reader gives)
    latency_topics: int | None = None  #: topic-name queries for latency (None: all 135)
    latency_headlines: int = 100  #: held-out AG News titles added to the latency queries
    latency_reps: int = 3
    growth_sizes: list[int] = field(default_factory=lambda: [1_000, 10_000, 100_000])
    growth_systems: list[str] = field(default_factory=lambda: ["newssearch", "newssearch-add", *PEERS])
    growth_queries: int = 100
    #: largest growth size per system, to keep the full run under 20 minutes (Whoosh needs ~3 min at 100k)
    growth_max: dict[str, int] = field(default_factory=lambda: {"whoosh": 25_000})
    relevance: list[str] = field(
        default_factory=lambda: [
            "cranfield",
            "cisi",
            "reuters",
            "bbc-headlines",
            "ag-headlines",
            "bbc-leads",
            "ag-leads",
        ]
    )
    relevance_queries: int | None = None  #: evaluate only the first N judged queries (None: all)
    entity_limit: int | None = None
    log: bool = True

    @classmethod
    def quick_mode(cls, corpora: Path, workdir: Path, **kw) -> Config:
        return cls(
            corpora=corpora,
            workdir=workdir,
            quick=True,
            reuters_limit=2_000,
            latency_topics=40,
            latency_headlines=20,
            latency_reps=1,
            growth_sizes=[500, 1_000, 4_000],
            growth_queries=30,
            relevance=["cranfield"],
            relevance_queries=75,
            entity_limit=2_000,
            **kw,
        )

    def say(self, message: str) -> None:
        if self.log:
            print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- builds in subprocesses ------------------------------------------------------------------------------


def peak_rss_mb() -> float:
    """This process's peak RSS: ``VmHWM`` on Linux, which (unlike ``ru_maxrss``) starts afresh at ``exec``,
    so a spawned child does not inherit the parent's high-water mark."""
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):  # not Linux: ru_maxrss is in bytes on macOS, KiB elsewhere
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return maxrss / 2**20 if sys.platform == "darwin" else maxrss / 1024


def build_job(key: str, corpus: Corpus, path: str, use_files: bool) -> dict:
    """Run in a fresh process: load the documents (untimed), build one index (timed), report time/RSS/size."""
    system = make_system(key)
    files = corpus.files() if use_files else None
    docs = None if use_files else corpus.load()
    base = peak_rss_mb()
    start = time.perf_counter()
    count = system.build_files(files, Path(path)) if use_files else system.build(docs, Path(path))
    seconds = time.perf_counter() - start
    peak = peak_rss_mb()
    system.open(Path(path))
    size = system.size()
    system.close()
    return {
        "system": key,
        "mode": "update" if use_files else ("add+extract" if key == "newssearch" else "add"),
        "docs": count,
        "build_s": seconds,
        "docs_per_s": count / seconds if seconds else None,
        "peak_rss_mb": peak,
        "base_rss_mb": base,
        "build_rss_mb": peak - base,
        "size_bytes": size,
    }


def build_isolated(key: str, corpus: Corpus, path: Path, use_files: bool = False) -> dict:
    """``build_job`` in its own spawned process."""
    if path.exists():
        shutil.rmtree(path)
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(build_job, key, corpus, str(path), use_files).result()


def rotated(items: list, by: int) -> list:
    if not items:
        return []
    by %= len(items)
    return items[by:] + items[:by]


def build_all(cfg: Config, keys: list[str], corpus: Corpus, turn: int) -> tuple[dict, dict[str, Path]]:
    """Build every system (in a rotated order) on ``corpus``; errors are recorded, not raised."""
    builds: dict[str, dict] = {}
    paths: dict[str, Path] = {}
    files = corpus.files()
    for key in rotated(keys, turn):
        path = cfg.workdir / corpus.label / key
        use_files = key == "newssearch" and files is not None
        try:
            builds[key] = build_isolated(key, corpus, path, use_files)
            paths[key] = path
            b = builds[key]
            cfg.say(
                f"  built {key:15} {corpus.label}: {b['docs']} docs in {b['build_s']:.1f} s ({b['mode']})"
            )
        except Exception as exc:  # a broken system must not stop the others
            builds[key] = {"system": key, "error": f"{type(exc).__name__}: {exc}"}
            cfg.say(f"  FAILED {key} on {corpus.label}: {exc}")
    return builds, paths


# --- latency -------------------------------------------------------------------------------------------


def open_systems(paths: dict[str, Path], builds: dict[str, dict]) -> dict[str, System]:
    """Open every built index; a failure is noted in that system's build record and the system left out."""
    opened = {}
    for key, path in paths.items():
        try:
            system = make_system(key)
            system.open(path)
            opened[key] = system
        except Exception as exc:
            builds[key]["open_error"] = f"{type(exc).__name__}: {exc}"
    return opened


def time_queries(systems: dict[str, System], queries: list[str], reps: int, k: int = 10) -> dict:
    """p50/p95/mean latency (ms) per system and snippet mode, systems alternating query by query."""
    modes = [(key, snip) for key, system in systems.items() for snip in system.snippet_modes]
    for text in queries:  # warm-up: caches, lazy loads
        for key, snip in modes:
            systems[key].search(text, k, snip)
    times: dict[tuple[str, bool], list[float]] = {mode: [] for mode in modes}
    for rep in range(reps):
        gc.collect()
        for n, text in enumerate(queries):
            for key, snip in rotated(modes, n + rep):
                start = time.perf_counter()
                systems[key].search(text, k, snip)
                times[key, snip].append((time.perf_counter() - start) * 1000)
    out: dict[str, dict] = {}
    for (key, snip), values in times.items():
        out.setdefault(key, {})["snippets" if snip else "plain"] = {
            "p50_ms": metrics.percentile(values, 50),
            "p95_ms": metrics.percentile(values, 95),
            "mean_ms": sum(values) / len(values) if values else None,
            "n": len(values),
        }
    return out


def time_match_sets(systems: dict[str, System], queries: list[str], docs: int) -> dict:
    """Every matching id (and date) per query, for the systems with such a path: p50/p95 ms over all queries,
    and over the queries matching at least 5% of the ``docs`` stories (the whole-result-set work of analysis);
    the same for counting the matches (``count``: each system's count path), where a system has one."""
    out = _time_all(systems, queries, docs, "match_all")
    counts = _time_all(systems, queries, docs, "count_all")
    for key, timed in counts.items():
        out.setdefault(key, {})["count"] = timed
    return out


def _time_all(systems: dict[str, System], queries: list[str], docs: int, method: str) -> dict:
    keyed = (
        {k: s for k, s in systems.items() if getattr(s, method)(queries[0]) is not None} if queries else {}
    )
    times: dict[str, list[tuple[float, int]]] = {key: [] for key in keyed}
    for n, text in enumerate(queries):
        for key in rotated(list(keyed), n):
            start = time.perf_counter()
            found = getattr(keyed[key], method)(text) or 0
            times[key].append(((time.perf_counter() - start) * 1000, found))
    out = {}
    for key, values in times.items():
        big = [ms for ms, found in values if found >= 0.05 * docs]
        out[key] = {
            "p50_ms": metrics.percentile([ms for ms, _ in values], 50),
            "p95_ms": metrics.percentile([ms for ms, _ in values], 95),
            "big_queries": len(big),
            "big_p50_ms": metrics.percentile(big, 50) if big else None,
            "big_max_ms": max(big) if big else None,
            "mean_matches": sum(found for _, found in values) / len(values) if values else 0,
        }
    return out


def latency_queries(cfg: Config, limit: int | None = None) -> list[str]:
    """Reuters topic names, then held-out AG News titles: the same text for every system."""
    topics = list(corpora.topic_names(cfg.corpora).values())[: cfg.latency_topics]
    queries = topics + corpora.ag_news_titles(cfg.corpora, cfg.latency_headlines)
    return queries[:limit] if limit else queries


# --- the benchmarks ------------------------------------------------------------------------------------


def speed(cfg: Config, corpus: Corpus, turn: int) -> dict:
    cfg.say(f"speed: {corpus.label}")
    builds, paths = build_all(cfg, cfg.systems, corpus, turn)
    queries = latency_queries(cfg)
    systems = open_systems(paths, builds)
    try:
        latency = time_queries(systems, queries, cfg.latency_reps)
        docs = max((b.get("docs") or 0 for b in builds.values()), default=0)
        match_sets = time_match_sets(systems, queries, docs)
    finally:
        for system in systems.values():
            system.close()
    cfg.say(f"  timed {len(queries)} queries x {cfg.latency_reps} on {len(systems)} systems")
    return {
        "corpus": corpus.label,
        "builds": builds,
        "latency": latency,
        "match_sets": match_sets,
        "queries": len(queries),
    }


#: Judged collections of news stories: newssearch indexes them as it indexes news (entities extracted).
NEWS_COLLECTIONS = ("reuters", "bbc-headlines", "ag-headlines", "bbc-leads", "ag-leads")


def relevance_systems(cfg: Config, name: str) -> list[str]:
    """newssearch with entity extraction on the news collection, plain ``add`` on the SMART ones."""
    news = "newssearch" if name in NEWS_COLLECTIONS else "newssearch-add"
    keys = [k for k in cfg.systems if k not in ("newssearch", "newssearch-add")]
    return [news, *keys] if {"newssearch", "newssearch-add"} & set(cfg.systems) else keys


def relevance_loaders(cfg: Config) -> dict[str, Callable[[], TestCollection]]:
    """Each judged collection's loader, by the name ``Config.relevance`` uses."""
    return {
        "cranfield": lambda: corpora.load_cranfield(cfg.corpora),
        "cisi": lambda: corpora.load_cisi(cfg.corpora),
        "reuters": lambda: corpora.load_reuters_topics(cfg.corpora, cfg.reuters_limit),
        "bbc-headlines": lambda: corpora.load_bbc_headlines(cfg.corpora),
        "ag-headlines": lambda: corpora.load_ag_headlines(cfg.corpora),
        "bbc-leads": lambda: corpora.load_bbc_leads(cfg.corpora),
        "ag-leads": lambda: corpora.load_ag_leads(cfg.corpora),
    }


def relevance(cfg: Config, name: str) -> dict:
    tc: TestCollection = relevance_loaders(cfg)[name]()
    if cfg.relevance_queries:
        tc.queries = tc.queries[: cfg.relevance_queries]
        tc.qrels = {q.id: tc.qrels[q.id] for q in tc.queries}
    cfg.say(f"relevance: {tc.name} ({len(tc.docs)} docs, {len(tc.queries)} judged queries)")
    scores: dict[str, dict] = {}
    for key in relevance_systems(cfg, name):
        path = cfg.workdir / f"rel-{name}" / key
        try:
            system = make_system(key)
            if hasattr(system, "all_versions"):  # rank every copy: see systems.NewsSearch
                system.all_versions = True
            start = time.perf_counter()
            system.build(tc.docs, path)
            built = time.perf_counter() - start
            system.open(path)
            start = time.perf_counter()
            run = {q.id: [r.id for r in system.search(q.text, metrics.RUN_DEPTH)] for q in tc.queries}
            searched = time.perf_counter() - start
            system.close()
            scores[key] = {**metrics.evaluate(tc.qrels, run), "build_s": built, "search_s": searched}
            cfg.say(f"  {key:15} nDCG@10 {scores[key]['nDCG@10']:.3f}")
        except Exception as exc:
            scores[key] = {"error": f"{type(exc).__name__}: {exc}"}
            cfg.say(f"  FAILED {key}: {exc}")
    return {
        "collection": tc.name,
        "docs": len(tc.docs),
        "queries": len(tc.queries),
        "judgments": sum(len(v) for v in tc.qrels.values()),
        "scores": scores,
    }


def growth(cfg: Config, reuse: dict | None) -> dict:
    """Build time, size and query p95 as the collection grows (Reuters prefixes, then synthetic)."""
    reused = [b["docs"] for b in (reuse or {}).get("builds", {}).values() if "docs" in b]
    total = max(reused) if reused else len(corpora.load_reuters(cfg.corpora, cfg.reuters_limit))
    points = []
    sizes = sorted({*cfg.growth_sizes, total})
    queries = latency_queries(cfg, cfg.growth_queries)
    for turn, size in enumerate(sizes):
        if size == total and reuse:
            keys = [k for k in cfg.growth_systems if k in reuse["builds"]]
            lat = {k: reuse["latency"][k] for k in keys if k in reuse["latency"]}
            sets = {k: reuse["match_sets"][k] for k in keys if k in reuse.get("match_sets", {})}
            points.append(
                {
                    "docs": size,
                    "source": "reuters",
                    "builds": {k: reuse["builds"][k] for k in keys},
                    "latency": lat,
                    "match_sets": sets,
                }
            )
            continue
        kind = "reuters" if size <= total else "synthetic"
        files = str(cfg.workdir / f"synthetic-{size}") if kind == "synthetic" else None
        corpus = Corpus(kind, str(cfg.corpora), size, base_limit=cfg.reuters_limit, files_dir=files)
        cfg.say(f"growth: {corpus.label}")
        keys = [k for k in cfg.growth_systems if size <= cfg.growth_max.get(k, size)]
        builds, paths = build_all(cfg, keys, corpus, turn)
        systems = open_systems(paths, builds)
        try:
            lat = time_queries(systems, queries, 1)
            match_sets = time_match_sets(systems, queries, size)
        finally:
            for system in systems.values():
                system.close()
        for path in paths.values():
            shutil.rmtree(path, ignore_errors=True)
        points.append(
            {"docs": size, "source": kind, "builds": builds, "latency": lat, "match_sets": match_sets}
        )
    return {"queries": len(queries), "points": points}


def entity_quality(cfg: Config) -> dict:
    docs = corpora.load_reuters(cfg.corpora, cfg.entity_limit)
    cfg.say(f"entities: {len(docs)} Reuters stories")
    result = entities.evaluate(docs)
    ag = cfg.corpora / "ag-news" / "test.csv"
    result["title_case"] = entities.title_case_headlines(
        docs,
        corpora.load_bbc(cfg.corpora) if (cfg.corpora / "bbc").is_dir() else [],
        corpora.read_articles(ag, ag.parent, columns=corpora.AG_NEWS_COLUMNS).articles
        if ag.is_file()
        else [],
        entities.load_fixture(),
    )
    return result
