"""``python -m benchmarks.concurrency``: threads searching one shared ``NewsIndex``, with and without a write.

One index is built from a corpus (BBC by default, or Reuters-21578) in a temporary folder through the public API
(``NewsIndex.update`` on the corpus files) and opened once; every measurement runs on that one ``NewsIndex``:

1. Throughput: the benchmark's latency queries (Reuters topic names and held-out AG News titles, as in
   ``runner.latency_queries``) searched serially, by threads sharing the one ``NewsIndex``, and by threads each
   with a ``NewsIndex`` of its own (for reference), in rounds interleaving the three; searches/s, median round.
2. Searches during a write: reader threads search in a loop while another thread ``add``s 2,000 stories of the
   corpus under new ids (with extraction, the default); the latency of every search that overlaps the ``add``,
   against the same readers with no write. Readers use the shared ``NewsIndex``, or (reference) their own.
   The added stories are deleted again (untimed) after each ``add``, so every ``add`` meets the same index.
3. Memory: the growth of the process's RSS when one more ``NewsIndex`` is opened and searched once.

Every search is ``search(text, syntax=False, timeout=None)``: plain words, top 10 with snippets, and no time limit,
so a search slowed by the load is measured, never cut short.
"""

from __future__ import annotations

import argparse
import gc
import json
import queue
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from multiprocessing import get_context
from pathlib import Path

from benchmarks import DEFAULT_CORPORA, corpora
from benchmarks.corpora import Corpus
from benchmarks.metrics import percentile
from benchmarks.report import machine
from newssearch import Article, NewsIndex


@dataclass
class Settings:
    threads: int = 8  #: threads in the throughput runs
    rounds: int = 5  #: throughput rounds (serial, shared, own, interleaved); the median round is reported
    passes: int = 1  #: times each round runs the query list, per mode
    topics: int = 60  #: Reuters topic names among the queries
    titles: int = 40  #: held-out AG News titles among the queries
    add_size: int = 2_000  #: stories added during the write runs
    shared_readers: tuple[int, ...] = (1, 4)  #: reader threads on the shared NewsIndex during a write
    own_readers: tuple[int, ...] = (1,)  #: reader threads with their own NewsIndex each (reference)
    idle_s: float = 3.0  #: seconds the readers search with no write, for comparison
    memory_samples: int = 7  #: extra NewsIndexes opened for the memory figure

    @classmethod
    def quick(cls) -> Settings:
        return cls(rounds=3, passes=1, topics=40, titles=20, add_size=500, idle_s=2.0, memory_samples=5)


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def queries(root: Path, settings: Settings) -> list[str]:
    """The latency queries of the main benchmark: topic names, then AG News titles (seeded)."""
    topics = list(corpora.topic_names(root).values())[: settings.topics]
    return topics + corpora.ag_news_titles(root, settings.titles)


def run_search(index: NewsIndex, text: str) -> None:
    index.search(text, syntax=False, timeout=None)


def open_warm(path: Path, texts: list[str]) -> NewsIndex:
    """Another NewsIndex on ``path``, every query searched once on it (a fresh one is several times slower)."""
    index = NewsIndex.open(path)
    for text in texts:
        run_search(index, text)
    return index


# --- 1. throughput -----------------------------------------------------------------------------------------


def _serial(index: NewsIndex, work: list[str]) -> float:
    started = time.perf_counter()
    for text in work:
        run_search(index, text)
    return time.perf_counter() - started


def _threaded(pool: ThreadPoolExecutor, search: Callable[[str], None], work: list[str]) -> float:
    started = time.perf_counter()
    list(pool.map(search, work))  # one task a search; list() re-raises a failed search
    return time.perf_counter() - started


def throughput(index: NewsIndex, path: Path, texts: list[str], settings: Settings) -> dict:
    """Searches/s serially, from threads sharing ``index``, and from threads with one NewsIndex each."""
    work = texts * settings.passes
    own: queue.Queue[NewsIndex] = queue.Queue()
    for _ in range(settings.threads):
        own.put(open_warm(path, texts))

    def own_search(text: str) -> None:
        extra = own.get()  # each thread checks one out: no two threads ever search the same NewsIndex
        try:
            run_search(extra, text)
        finally:
            own.put(extra)

    rates: dict[str, list[float]] = {"serial": [], "shared": [], "own": []}
    with ThreadPoolExecutor(settings.threads) as pool:
        list(pool.map(lambda text: run_search(index, text), texts[: settings.threads * 2]))  # threads started
        for n in range(settings.rounds):
            rates["serial"].append(len(work) / _serial(index, work))
            rates["shared"].append(len(work) / _threaded(pool, lambda text: run_search(index, text), work))
            rates["own"].append(len(work) / _threaded(pool, own_search, work))
            say(
                f"  throughput round {n + 1}/{settings.rounds}: "
                + ", ".join(f"{k} {v[-1]:.1f}/s" for k, v in rates.items())
            )
    while not own.empty():
        own.get().close()
    median = {mode: statistics.median(values) for mode, values in rates.items()}
    return {
        "searches_per_round": len(work),
        "threads": settings.threads,
        "rounds": rates,
        "median_per_s": median,
        "shared_vs_serial": median["shared"] / median["serial"],
        "own_vs_serial": median["own"] / median["serial"],
        #: each round's shared/serial, whose median is steadier than the ratio of medians on a busy machine
        "median_round_ratio_shared_vs_serial": statistics.median(
            shared / serial for shared, serial in zip(rates["shared"], rates["serial"], strict=True)
        ),
    }


# --- 2. searches during a write ----------------------------------------------------------------------------


def _readers(indexes: list[NewsIndex], texts: list[str], stop: threading.Event) -> tuple[list, list]:
    """Start one thread per index, each searching in a loop until ``stop``; (threads, [(start, end), ...])."""
    spans: list[tuple[float, float]] = []
    errors: list[BaseException] = []

    def loop(n: int, index: NewsIndex) -> None:
        position = n * len(texts) // len(indexes)
        try:
            while True:  # at least one search, however soon the stop comes
                started = time.perf_counter()
                run_search(index, texts[position % len(texts)])
                spans.append((started, time.perf_counter()))  # list.append is atomic
                position += 1
                if stop.is_set():
                    break
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=loop, args=(n, ix), daemon=True) for n, ix in enumerate(indexes)]
    for thread in threads:
        thread.start()
    return threads, [spans, errors]


def _stop(threads: list[threading.Thread], stop: threading.Event, errors: list[BaseException]) -> None:
    stop.set()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def _latencies(spans: list[tuple[float, float]]) -> dict:
    ms = [(end - start) * 1000 for start, end in spans]
    return {"searches": len(ms), "max_ms": max(ms, default=0.0), "p95_ms": percentile(ms, 95)}


def during_add(
    index: NewsIndex,
    path: Path,
    texts: list[str],
    stories: list[Article],
    readers: int,
    own: bool,
    idle_s: float,
) -> dict:
    """Readers' search latencies with no write, then while ``index.add(stories)`` runs in this thread."""
    indexes = [open_warm(path, texts) for _ in range(readers)] if own else [index] * readers
    try:
        stop = threading.Event()
        threads, (spans, errors) = _readers(indexes, texts, stop)
        time.sleep(idle_s)
        _stop(threads, stop, errors)
        idle = _latencies(spans)

        stop = threading.Event()
        threads, (spans, errors) = _readers(indexes, texts, stop)
        time.sleep(0.3)  # the readers are searching when the write starts
        started = time.perf_counter()
        added = index.add(stories)
        ended = time.perf_counter()
        _stop(threads, stop, errors)
        busy = _latencies([(s, e) for s, e in spans if s < ended and e > started])  # overlapping the add
    finally:
        if own:
            for reader in indexes:
                reader.close()
    index.delete([story.id for story in stories])  # untimed: the next add meets the same index
    return {
        "readers": readers,
        "index": "own" if own else "shared",
        "added": added,
        "add_s": ended - started,
        "during_add": busy,
        "no_add": idle,
        "p95_vs_no_add": busy["p95_ms"] / idle["p95_ms"] if idle["p95_ms"] else None,
        "max_vs_no_add": busy["max_ms"] / idle["max_ms"] if idle["max_ms"] else None,
    }


# --- 3. memory ---------------------------------------------------------------------------------------------


def memory_kib() -> dict[str, int]:
    """This process's resident memory now (kB): all of it, its anonymous part and its file-backed part."""
    wanted = {"VmRSS": "rss", "RssAnon": "anon", "RssFile": "file"}
    found = {}
    with open("/proc/self/status") as status:
        for line in status:
            key = line.split(":", 1)[0]
            if key in wanted:
                found[wanted[key]] = int(line.split()[1])
    return found


def memory_per_index(path: Path, texts: list[str], samples: int) -> dict:
    """Run in a fresh process: one NewsIndex opened and warmed first (imports, caches); then, ``samples`` times,
    the RSS growth (MB) from opening one more NewsIndex and running one search on it, and after it has run every
    query. The NewsIndexes opened stay open, so each figure is one more index's own."""
    base = open_warm(path, texts)
    opened, searched, warmed = [base], [], []
    try:
        for n in range(samples):
            gc.collect()
            before = memory_kib()
            extra = NewsIndex.open(path)
            opened.append(extra)
            run_search(extra, texts[n % len(texts)])
            gc.collect()
            after = memory_kib()
            for text in texts:
                run_search(extra, text)
            gc.collect()
            last = memory_kib()
            searched.append({key: (after[key] - before[key]) / 1024 for key in before})
            warmed.append({key: (last[key] - before[key]) / 1024 for key in before})
    finally:
        for extra in opened:
            extra.close()

    def median(deltas: list[dict]) -> dict:
        return {key: statistics.median(d[key] for d in deltas) for key in deltas[0]} if deltas else {}

    return {
        "one_search": searched,
        "every_query": warmed,
        "median_mb": median(searched),
        "median_mb_every_query": median(warmed),
    }


# --- the run -----------------------------------------------------------------------------------------------


def added_stories(corpus: Corpus, size: int) -> list[Article]:
    """``size`` stories of the corpus under new ids (no file path: they come through ``add``, not ``update``)."""
    docs = replace(corpus, limit=size).load()
    return [replace(doc, id=f"concurrency-{n}", path=None) for n, doc in enumerate(docs)]


def run(root: Path, kind: str, workdir: Path, settings: Settings) -> dict:
    corpus = Corpus(kind, str(root))
    texts = queries(root, settings)
    stories = added_stories(corpus, settings.add_size)
    path = workdir / "index"
    say(f"building the {kind} index in {path}")
    started = time.perf_counter()
    with NewsIndex.create(path, overwrite=True) as index:
        index.update(corpus.files() or [])
    result: dict = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "corpus": kind,
        "settings": asdict(settings),
        "queries": len(texts),
        "build_s": time.perf_counter() - started,
    }
    with NewsIndex.open(path) as index:
        result["stories"] = len(index)
        for text in texts:  # warm-up, untimed
            run_search(index, text)
        say(
            f"{result['stories']} stories; throughput, {settings.rounds} rounds of {len(texts) * settings.passes}"
        )
        result["throughput"] = throughput(index, path, texts, settings)
        result["writes"] = []
        plan = [(n, False) for n in settings.shared_readers] + [(n, True) for n in settings.own_readers]
        for readers, own in plan:
            say(f"{readers} reader(s) on {'their own' if own else 'the shared'} NewsIndex during an add")
            result["writes"].append(during_add(index, path, texts, stories, readers, own, settings.idle_s))
    say("memory per NewsIndex, in a fresh process")
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as child:
        result["memory"] = child.submit(memory_per_index, path, texts, settings.memory_samples).result()
    return result


def table(result: dict) -> str:
    t = result["throughput"]
    m = t["median_per_s"]
    lines = [
        f"{result['corpus']}: {result['stories']} stories, {result['queries']} queries, "
        f"search(text, syntax=False, timeout=None)",
        "",
        f"Throughput, median of {len(t['rounds']['serial'])} rounds of {t['searches_per_round']} searches:",
        f"  serial, one thread                      {m['serial']:8.1f} searches/s",
        f"  {t['threads']} threads sharing one NewsIndex         {m['shared']:8.1f} searches/s"
        f"  ({t['shared_vs_serial']:.2f}x serial; median of the rounds' ratios "
        f"{t['median_round_ratio_shared_vs_serial']:.2f}x)",
        f"  {t['threads']} threads with a NewsIndex each          {m['own']:8.1f} searches/s"
        f"  ({t['own_vs_serial']:.2f}x serial)",
        "",
        "Searches during an add() of the corpus' stories under new ids (ms):",
        "  readers  index   add s  searches  max    p95    | no add: max   p95   | p95 ratio  max ratio",
    ]
    for w in result["writes"]:
        d, i = w["during_add"], w["no_add"]
        lines.append(
            f"  {w['readers']:>7}  {w['index']:<6} {w['add_s']:6.2f}  {d['searches']:>8}  {d['max_ms']:6.0f} "
            f"{d['p95_ms']:6.0f} |   {i['max_ms']:9.1f} {i['p95_ms']:5.1f} | "
            f"{w['p95_vs_no_add'] or 0:9.1f}  {w['max_vs_no_add'] or 0:9.1f}"
        )
    lines += ["", f"Memory per extra NewsIndex, median of {len(result['memory']['one_search'])} (MB):"]
    for label, key in (("opened + one search", "median_mb"), ("after every query", "median_mb_every_query")):
        mem = result["memory"][key]
        lines.append(
            f"  {label:<22} RSS {mem.get('rss', 0):6.1f}  (anonymous {mem.get('anon', 0):.1f}, "
            f"file-backed {mem.get('file', 0):.1f})"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.concurrency", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--corpus", choices=("bbc", "reuters"), default="bbc")
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, help="the shared corpora folder")
    parser.add_argument("--out", type=Path, help="write every number to this JSON file")
    parser.add_argument("--quick", action="store_true", help="fewer rounds and queries: about a minute")
    parser.add_argument("--workdir", type=Path, help="where the index is built (default: a temporary folder)")
    args = parser.parse_args(argv)
    needed = ("reuters21578", "ag-news", "bbc" if args.corpus == "bbc" else "reuters21578")
    if not all((args.corpora / name).is_dir() for name in needed):
        parser.exit(1, f"no corpora at {args.corpora}: pass --corpora DIR\n")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="newssearch-concurrency-"))
    settings = Settings.quick() if args.quick else Settings()
    started = time.perf_counter()
    try:
        result = run(args.corpora.resolve(), args.corpus, workdir, settings)
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    result["wall_s"] = time.perf_counter() - started
    print(table(result))
    say(f"done in {result['wall_s']:.0f} s")
    if args.out:
        args.out.write_text(json.dumps(result, indent=1, default=str) + "\n")
    return result


if __name__ == "__main__":
    main()
