"""Builds side by side: ``python -m benchmarks.buildtime [--code DIR ...] [--rounds N] [--stages]``.

Builds Reuters-21578's files with ``NewsIndex.update`` (the product's path: reading, extraction, grouping of
copies, analysis and writing, with its worker processes) once for each checkout of newssearch given with
``--code`` (put first on ``PYTHONPATH``; default: this one), and plain Whoosh (``peers.PlainWhoosh``, on the same
articles, read beforehand), each build in its own process, the processes alternating round by round: builds on a
shared machine vary by a third, so only builds of one run are compared. Prints each build's wall time, the CPU time
of the writing process and of its workers, and each median's ratio to plain Whoosh's.

``--stages``: where the time of a build goes. Each stage of a build done alone, in order, in one process, on every
story: reading the files, extraction, cleaning, grouping copies, ``to_document``, analysis (what a worker does
ahead of the writer), adding the documents to the writer, and the commit.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import metrics
from benchmarks.bigfiles import DEFAULT_CORPORA

HERE = Path(__file__).parent


def _files(root: Path, limit: int | None) -> list[Path]:
    return sorted((root / "reuters21578").glob("reut2-*.sgm"))[:limit]


def one(system: str, root: Path, limit: int | None) -> dict:
    """In this process: one build, ``system`` "newssearch" or "whoosh"."""
    files = _files(root, limit)
    with tempfile.TemporaryDirectory() as folder:
        if system == "whoosh":
            from benchmarks.peers import PlainWhoosh
            from newssearch.ingest.readers import read_articles

            articles = [a for f in files for a in read_articles(f, f.parent, None, None).articles]
            start, cpu = time.perf_counter(), time.process_time()
            count = PlainWhoosh().build(articles, Path(folder) / "w")
        else:
            from newssearch import NewsIndex

            start, cpu = time.perf_counter(), time.process_time()
            with NewsIndex.create(Path(folder) / "ix") as index:
                count = index.update(files).total
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"wall": wall, "cpu": cpu, "workers_cpu": children.ru_utime + children.ru_stime, "stories": count}


def stages(root: Path, limit: int | None) -> dict[str, float]:
    """Seconds each stage of a build takes done alone, in order, in this process."""
    from newssearch import NewsIndex
    from newssearch.engine import Ahead, to_document
    from newssearch.extract.enrich import enrich
    from newssearch.ingest.grouping import Grouper
    from newssearch.ingest.readers import read_articles
    from newssearch.text.sanitize import clean_article

    took: dict[str, float] = {}

    def timed(name: str, work: Callable[[], Any]) -> Any:
        start = time.process_time()
        result = work()
        took[name] = time.process_time() - start
        return result

    files = _files(root, limit)
    articles = timed(
        "reading", lambda: [a for f in files for a in read_articles(f, f.parent, None, None).articles]
    )
    articles = timed("extraction", lambda: [enrich(a) for a in articles])
    articles = timed("cleaning", lambda: [clean_article(a) for a in articles])
    with tempfile.TemporaryDirectory() as folder, NewsIndex.create(Path(folder) / "ix") as index:
        grouper = Grouper(None, folder=folder)
        groups = timed("grouping copies", lambda: [grouper.fields(a) for a in articles])
        grouper.close()
        documents = timed("to_document", lambda: [to_document(a, "sig") for a in articles])
        store = index._store
        writer = store.writer()
        ahead = Ahead(writer)
        analysed = timed("analysis", lambda: [ahead(a) for a in articles])

        def add() -> None:
            for document, group, fields in zip(documents, groups, analysed, strict=True):
                writer.add_document(**document, **group, _analysed=fields)

        timed("adding to the writer", add)
        timed("commit", lambda: store.commit(writer))
    took["stories"] = len(articles)
    return took


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.buildtime", description=__doc__)
    parser.add_argument("--code", nargs="*", default=[], help="checkouts of newssearch to compare")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--files", type=int, default=None, help="only the first N Reuters files")
    parser.add_argument("--stages", action="store_true", help="time each stage of a build alone")
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--one", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root = args.corpora.resolve()
    if args.one:
        result = one(args.one, root, args.files)
        print(json.dumps(result))
        return result
    if args.stages:
        took = stages(root, args.files)
        stories = took.pop("stories")
        for name, seconds in took.items():
            print(f"{name:22} {seconds:7.2f} s  {1000 * seconds / max(stories, 1):6.3f} ms a story")
        return took
    runs = [("newssearch", code) for code in (args.code or [""])] + [("whoosh", "")]
    got: dict = {run: [] for run in runs}
    for n in range(args.rounds):
        for system, code in runs if n % 2 == 0 else list(reversed(runs)):
            path = [code, str(HERE.parent)] if code else [str(HERE.parent)]
            env = dict(os.environ, PYTHONPATH=os.pathsep.join(path))
            command = [sys.executable, str(HERE / "buildtime.py"), "--one", system, "--corpora", str(root)]
            if args.files:
                command += ["--files", str(args.files)]
            done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
            got[(system, code)].append(json.loads(done.stdout.strip().splitlines()[-1]))
    whoosh = metrics.percentile([b["wall"] for b in got[("whoosh", "")]], 50)
    report = {}
    for (system, code), builds in got.items():
        label = system + (f" with {code}" if code else "")
        median = metrics.percentile([b["wall"] for b in builds], 50)
        report[label] = {"builds": builds, "median_s": median, "vs_whoosh": whoosh / median}
        walls = " / ".join(f"{b['wall']:.1f}" for b in builds)
        cpus = " / ".join(f"{b['cpu']:.1f} + {b['workers_cpu']:.1f}" for b in builds)
        print(
            f"{label}: {builds[0]['stories']} stories; wall {walls} s; CPU, writer + workers, {cpus} s; "
            f"median {median:.1f} s, {whoosh / median:.2f}× plain Whoosh's rate"
        )
    return report


if __name__ == "__main__":
    main()
