"""Paths, markers, helpers and small data the test files share (conftest.py holds only fixtures)."""

import ast
import os
import random
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from newssearch import Article, NewsIndex
from newssearch.ingest.readers import read_articles

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "corpus" / "000_fef9c184b96aac0a.txt"
DATA = Path(__file__).resolve().parent / "data"
CORPORA = ROOT.parent / "shared" / "corpora"


def needs_corpora(test):
    """Mark a test that reads ../shared/corpora: slow (``-m "not slow"`` leaves it out), skipped without them."""
    skip = pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not here")
    return pytest.mark.slow(skip(test))


def touch(path: Path, seconds: int = 5) -> None:
    """Move a file's time stamp forward, as a later edit would."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + seconds * 1_000_000_000))


def edit(path: Path, text: str) -> None:
    """Rewrite a file and move its time stamp forward, so an update sees it as changed."""
    path.write_text(text)
    touch(path)


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail instead of hanging for good."""

    def fail(signum, frame):
        raise AssertionError(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def scores(index_path: Path, query: str = "NATO Iraq") -> dict[str, float]:
    """id -> score of a query's top 50 hits."""
    with NewsIndex.open(index_path) as index:
        return {h.id: h.score for h in index.search(query, limit=50).hits}


@contextmanager
def sample_searcher(folder: Path) -> Iterator:
    """A raw Whoosh searcher over the sample corpus (the fixture articles and the seed), built in ``folder``: for
    tests of the query modules, which work on Whoosh's own objects."""
    from whoosh import index as whoosh_index

    shutil.copytree(DATA / "mixed", folder / "corpus")
    shutil.copy(SEED, folder / "corpus")
    with NewsIndex.create(folder / "index") as ix:
        ix.update([folder / "corpus"])
    with whoosh_index.open_dir(str(folder / "index"), indexname="MAIN").searcher() as searcher:
        yield searcher


def nodes(q):
    """Every node of a Whoosh query tree, the root first."""
    yield q
    for child in q.children():
        yield from nodes(child)


def run_query(searcher, text: str, **kwargs):
    """``prepare`` then search, as the search module does: (prepared, top 10 results with matched terms)."""
    from newssearch.engine.query import prepare

    prepared = prepare(searcher.schema, text, searcher.reader(), **kwargs)
    return prepared, searcher.search(prepared.query, limit=10, terms=True)


def found(results) -> set[str]:
    """File names (or ids within a file) of the hits."""
    return {hit["id"].rsplit("/", 1)[-1] for hit in results}


def refused(searcher, text: str, **kwargs) -> str:
    """The one-line QueryError ``prepare`` raises for ``text``."""
    from newssearch.engine.query import prepare
    from newssearch.errors import QueryError

    with pytest.raises(QueryError) as info:
        prepare(searcher.schema, text, searcher.reader(), **kwargs)
    message = str(info.value)
    assert message and "\n" not in message
    return message


def invoke(*args):
    """The CLI run in-process (typer's CliRunner), every argument as text."""
    from typer.testing import CliRunner

    from newssearch.cli import app

    return CliRunner().invoke(app, [str(a) for a in args])


def whoosh_modules_after_importing(module: str) -> list[str]:
    """The Whoosh modules a fresh interpreter holds after importing ``module``. Importing the package always loads
    ``whoosh.compat`` (newssearch.startup, which keeps its imports lean); nothing that reads or writes an index."""
    code = f"import sys, {module}; print(sorted(m for m in sys.modules if m.split('.')[0] == 'whoosh'))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    return ast.literal_eval(done.stdout.strip())


def related_corpus(folder: Path) -> Path:
    """The sample corpus (fixture articles and the seed) plus ``data/similar``: a story related to the seed and a
    reprint of it; returns the corpus folder (ids are ``corpus/…``)."""
    corpus = folder / "corpus"
    shutil.copytree(DATA / "mixed", corpus)
    shutil.copy(SEED, corpus)
    shutil.copytree(DATA / "similar", corpus / "similar")
    return corpus


# --- a few corpora laid out like ../shared/corpora, for the benchmark harness's tests ----------------------

FORMATS = DATA / "formats"
CRAN_QUERIES = ".I 001\n.W\nwhat is the lift\nof a wing .\n.I 004\n.W\nheat conduction in slabs .\n.I 009\n.W\nnothing judged .\n"
CRAN_QRELS = "1 1 2\n1 3 -1\n2 3 1\n2 1 4\n3 2 -1\n"

CATEGORIES = """Some notes on the Reuters Categories

****Subject Codes (135)

Money/Foreign Exchange (MONEY-FX)

**Commodity Codes (78)

GRAIN
WHEAT
COFFEE
CASTOR-OIL

**Energy Codes (9)

Crude Oil (CRUDE)

________________________________________________________________

@heading[Organization Codes (56)]
European Community (EC)@*
"""

BBC = [
    ("Pound gains", "Sterling rose against the dollar on Monday."),
    ("Cup final", "A late goal settled the cup final."),
]


def mini_corpora(root: Path) -> Path:
    """A few generated documents laid out like ../shared/corpora."""
    (root / "reuters21578").mkdir(parents=True)
    shutil.copy(FORMATS / "sample.sgm", root / "reuters21578" / "reut2-000.sgm")
    (root / "reuters21578" / "cat-descriptions_120396.txt").write_text(CATEGORIES)
    for n, (headline, body) in enumerate(BBC, 1):
        folder = root / "bbc" / ("business" if n == 1 else "sport")
        folder.mkdir(parents=True)
        (folder / f"{n:03}.txt").write_text(f"{headline}\n\n{body}\n")
    (root / "cranfield").mkdir()
    shutil.copy(FORMATS / "papers.all", root / "cranfield" / "cran.all.1400")
    (root / "cranfield" / "cran.qry").write_text(CRAN_QUERIES)
    (root / "cranfield" / "cranqrel").write_text(CRAN_QRELS)
    (root / "ag-news").mkdir()
    (root / "ag-news" / "test.csv").write_text(
        '"3","Wheat prices climb","Wheat rose."\n"2","Cup win","Goal."\n'
    )
    return root


# --- oil stories by trading day, for the search tests -----------------------------------------------------

DAY_START = datetime(1987, 3, 1, 9, tzinfo=timezone.utc)


def day_story(n: int, dated: bool = True) -> Article:
    """Story ``n``: oil prices on trading day ``n`` from DAY_START (undated when not ``dated``), with "OPEC
    output" ``n % 4`` times."""
    extra = " OPEC output" * (n % 4)
    return Article(
        id=f"s{n:02d}",
        headline=f"Oil prices move on day {n}",
        body=f"Crude oil prices moved on trading day {n}.{extra} Traders watched the market closely.",
        date=DAY_START + timedelta(days=n) if dated else None,
    )


# --- stories written to files, for the readers' tests ----------------------------------------------------

STORY = (
    "LONDON (Reuters) - Shares in London rose on Monday as investors welcomed the rate decision of the bank."
)


def read_beside(path: Path, **kwargs):
    """``read_articles`` of one file, its folder the folder given."""
    return read_articles(path, path.parent, **kwargs)


def write_file(folder: Path, name: str, content: str | bytes) -> Path:
    """Write ``content`` (text as UTF-8, or bytes) to ``folder / name``, making its folders."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def property_settings(examples: int) -> settings:
    """Hypothesis settings of a property test: ``examples`` examples (``PROPERTY_EXAMPLES`` for a deeper run), no
    deadline, module fixtures allowed."""
    return settings(
        max_examples=int(os.environ.get("PROPERTY_EXAMPLES", str(examples))),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


def word_stories(
    seed: int, n: int, words: list[str], longest: int, shortest: int = 1, people: list[str] | None = None
) -> list[Article]:
    """``n`` stories drawn from ``words`` (seeded): three headline words, a body of ``shortest`` to ``longest``
    words, and with ``people``, up to two of them named."""
    rng = random.Random(seed)
    stories = []
    for i in range(n):
        headline = " ".join(rng.choices(words, k=3))
        body = " ".join(rng.choices(words, k=rng.randint(shortest, longest))) + "."
        named = rng.sample(people, rng.randint(0, 2)) if people else []
        stories.append(Article(id=f"d{seed}-{i}", headline=headline, body=body, people=named))
    return stories
