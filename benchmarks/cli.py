"""The CLI as a whole process: ``newssearch query`` against ``sqlite-utils search`` over the same stories.

Both answer from an index built beforehand (newssearch: ``NewsIndex.add`` without extraction; SQLite: an FTS5
table made by sqlite-utils over headline and body). Each query runs once per system, alternating which goes first,
after one untimed warm-up of each (so the OS file cache is warm for both). Wall time of the whole process: Python
start-up, imports, opening the index, the search and printing the top 10. Both run as a plain ``pip install``
would run them (see ``installed``).
"""

from __future__ import annotations

import compileall
import shutil
import sqlite3
import statistics
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

from benchmarks.corpora import Corpus


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _build(corpus: Corpus, folder: Path) -> tuple[Path, Path, int]:
    import sqlite_utils

    from newssearch import NewsIndex

    docs = corpus.load()
    index = folder / "newssearch-index"
    with NewsIndex.create(index) as ix:
        ix.add(docs, extract=False)
    db_path = folder / "fts5.db"
    db = sqlite_utils.Database(db_path)
    db["docs"].insert_all(({"id": d.id, "headline": d.headline, "body": d.body} for d in docs), pk="id")
    db["docs"].enable_fts(["headline", "body"])
    db.conn.close()
    return index, db_path, len(docs)


def installed(module: str, function: str, name: str) -> list[str]:
    """The command that runs a console script as a plain ``pip install`` would, for both tools alike: the
    development environment installs newssearch editable, whose import hook (a ``.pth`` file run at start-up)
    costs some 30 ms a process that users never pay. So site-packages is put on the path by hand (``-S``: no
    ``.pth`` files), with the project folder for newssearch, byte-compiled as pip would."""
    project = Path(__file__).resolve().parent.parent
    # pip byte-compiles what it installs; here (and with PYTHONDONTWRITEBYTECODE set) newssearch would otherwise
    # be compiled from source in every process.
    compileall.compile_dir(project / "newssearch", quiet=1)
    paths = [sysconfig.get_paths()["purelib"], str(project)]
    boot = (
        f"import sys; sys.path += {paths!r}; sys.argv[0] = {name!r}; "
        f"from {module} import {function}; sys.exit({function}())"
    )
    return [sys.executable, "-S", "-c", boot]


def cli_speed(cfg, corpus: Corpus, queries: list[str]) -> dict:
    """Median and p95 wall time of each CLI over ``queries``; ``skipped`` says why when a tool is missing."""
    cfg.say(f"cli: {corpus.label}, {len(queries)} queries")
    tool = Path(sys.executable).with_name("sqlite-utils")
    ours = Path(sys.executable).with_name("newssearch")
    if not tool.exists() or not ours.exists():
        return {"skipped": "sqlite-utils or newssearch is not installed in this environment"}
    if (
        "fts5"
        not in " ".join(r[0] for r in sqlite3.connect(":memory:").execute("pragma compile_options")).lower()
    ):
        return {"skipped": "this SQLite has no FTS5"}
    folder = cfg.workdir / "cli"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    index, db, docs = _build(corpus, folder)
    ours_run, theirs_run = (
        installed("newssearch.__main__", "main", "newssearch"),
        installed("sqlite_utils.cli", "cli", "sqlite-utils"),
    )  # made once, outside the timed runs (installed() byte-compiles the package)
    commands = {
        "newssearch": lambda q: [*ours_run, "query", q, "--index", str(index), "--limit", "10"],
        "sqlite-utils": lambda q: [*theirs_run, "search", str(db), "docs", q, "--limit", "10", "--quote"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    failures: dict[str, int] = {name: 0 for name in commands}
    for command in commands.values():  # warm-up
        subprocess.run(command(queries[0]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    for n, query in enumerate(queries):
        order = list(commands) if n % 2 == 0 else list(reversed(commands))
        for name in order:
            started = time.perf_counter()
            done = subprocess.run(commands[name](query), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - started)
            failures[name] += done.returncode != 0
    cfg.say("  " + ", ".join(f"{k} median {statistics.median(v):.3f} s" for k, v in times.items()))
    return {
        "corpus": corpus.label,
        "docs": docs,
        "queries": len(queries),
        "systems": {
            name: {
                "median_s": statistics.median(values),
                "p95_s": _percentile(values, 0.95),
                "failures": failures[name],
            }
            for name, values in times.items()
        },
    }
