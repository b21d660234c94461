"""Hostile corpora: files shaped to cost memory, leave the corpus, hide stories or collide, each indexed alone.

Each corpus is generated into a temporary folder (seeded, nothing downloaded) and indexed by
``python -m newssearch index`` in a subprocess of its own, whose peak resident memory is read from ``getrusage``'s
resource usage (the process and the workers it waited for). A query (``--count --json``) and a ``show`` of one
of its stories follow, each measured the same way (the query prints its hits as JSON: their stored fields are
read). Per corpus the table gives: tried, failed (a traceback, a
peak over the goal, an outcome other than the one expected: a secret found, a story missing, a query over
``QUERY_SECONDS``, a ``show`` or a stderr over ``OUTPUT_BYTES``), lost (stories that should have been indexed
and were not), the peak memory of the three commands in MB, the seconds the index run took, and the bytes it
wrote to stderr. The goal is "peak memory on any single hostile file ≤ 300 MB". From a checkout root::

    python -m tests.fault_hostile                 # every corpus at full size (about two minutes)
    python -m tests.fault_hostile --scale 0.1 --only csv-1M-cols,sgml-nul

``--scale`` shrinks the big files (a quick look, not the goal's test). It exits 1 when any corpus failed.
Subprocesses import ``newssearch`` from ``PYTHONPATH`` when it is set (to measure another checkout).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

GOAL_MB = 300.0
#: A query on a hostile index should not take this much longer than one on an index of one story, nor ``show``
#: or the index run's stderr print more.
QUERY_SECONDS = 1.0
OUTPUT_BYTES = 100_000
TIMEOUT = 600.0
ROOT = Path(__file__).resolve().parents[1]  # the checkout whose newssearch the subprocesses run
REUTERS = ROOT / ".." / "shared" / "corpora" / "reuters21578" / "reut2-000.sgm"
MB = 1_000_000


@dataclass
class Expect:
    """What a corpus should give: the count a query finds after each run (``runs`` runs), or 0 for a secret."""

    query: str
    count: int
    runs: int = 1
    secret: bool = False  # the query looks for text that must never be indexed
    show: str | None = None  # an id to show


@dataclass
class Row:
    name: str
    tried: int = 0
    failed: int = 0
    lost: int = 0
    peak_mb: float = 0.0
    seconds: float = 0.0
    stderr_bytes: int = 0
    query_s: float = 0.0
    show_bytes: int = 0
    problems: list[str] = field(default_factory=list)


def _words(rng: random.Random, n: int) -> str:
    vocab = [
        "oil",
        "prices",
        "rose",
        "market",
        "trade",
        "bank",
        "said",
        "minister",
        "government",
        "shares",
        "company",
        "year",
        "week",
    ]
    return " ".join(rng.choice(vocab) for _ in range(n))


def _write_repeated(path: Path, unit: bytes, size: int, head: bytes = b"", tail: bytes = b"") -> None:
    with path.open("wb") as out:
        out.write(head)
        block = unit * max(1, (1 << 20) // len(unit))
        left = size - len(head) - len(tail)
        while left > 0:
            out.write(block[:left])
            left -= len(block)
        out.write(tail)


def txt_oneline(folder: Path, scale: float, rng: random.Random) -> Expect:
    _write_repeated(folder / "one-line.txt", b"oil prices ", int(99 * MB * scale))
    return Expect("prices", 0)


def html_oneline(folder: Path, scale: float, rng: random.Random) -> Expect:
    head = b"<html><head><title>Oil</title></head><body><p>"
    _write_repeated(folder / "page.html", b"oil prices rose <b>again</b> ", int(99 * MB * scale), head)
    return Expect("prices", 0)


def _csv_rows(rng: random.Random, width: int, rows: int, header: bool) -> bytes:
    lines = []
    if header:
        lines.append(",".join(["headline", "body", *(f"c{i}" for i in range(3, width + 1))]))
    # Every third cell holds a value: under the article length limit once kept as metadata (as in issue 17).
    filler = ",".join("v" if i % 3 == 0 else "" for i in range(width - 2))
    for n in range(rows):
        lines.append(f"Oil report {n} {_words(rng, 4)},Oil prices {_words(rng, 40)},{filler}")
    return ("\n".join(lines) + "\n").encode()


def csv_cols_header(folder: Path, scale: float, rng: random.Random) -> Expect:
    (folder / "wide.csv").write_bytes(_csv_rows(rng, max(10, int(1_000_000 * scale)), 4, True))
    return Expect("oil", 4, show="wide.csv#1")


def csv_cols_noheader(folder: Path, scale: float, rng: random.Random) -> Expect:
    (folder / "wide.csv").write_bytes(_csv_rows(rng, max(10, int(1_000_000 * scale)), 4, False))
    return Expect("oil", 4, show="wide.csv#1")


def _record(rng: random.Random, n: int) -> str:
    return json.dumps({"headline": f"Oil story {n}", "body": f"Oil prices {_words(rng, 60)}."})


def jsonl_huge_line(folder: Path, scale: float, rng: random.Random) -> Expect:
    head = (_record(rng, 1) + "\n" + _record(rng, 2) + "\n" + '{"headline": "Huge", "body": "').encode()
    tail = ('"}\n' + _record(rng, 3) + "\n").encode()
    _write_repeated(folder / "huge.jsonl", b"oil prices ", int(95 * MB * scale), head, tail)
    return Expect("oil", 3, show="huge.jsonl#1")


def json_huge_value(folder: Path, scale: float, rng: random.Random) -> Expect:
    head = b'{"headline": "Huge",\r\n "body": "'  # a CR: the text is cleaned of control characters too
    _write_repeated(folder / "huge.json", b"oil prices ", int(95 * MB * scale), head, b'"}\r\n')
    return Expect("prices", 0)


def json_many_keys(folder: Path, scale: float, rng: random.Random) -> Expect:
    keys = max(10, int(300_000 * scale))
    record = {"headline": "Oil story", "body": f"Oil prices {_words(rng, 60)}."}
    record.update({f"k{i}": "v" * 10 for i in range(keys)})
    lines = [json.dumps(record), _record(rng, 2)]
    (folder / "keys.jsonl").write_text("\n".join(lines) + "\n")
    return Expect("oil", 2, show="keys.jsonl#1")


def json_deep(folder: Path, scale: float, rng: random.Random) -> Expect:
    depth = max(100, int(200_000 * scale))
    (folder / "deep.json").write_text('{"headline": "Deep", "body": ' + "[" * depth + "]" * depth + "}")
    deep_line = '{"headline": "Deep", "tags": ' + "[" * depth + "]" * depth + "}"
    (folder / "deep.jsonl").write_text("\n".join([_record(rng, 1), deep_line, _record(rng, 2)]) + "\n")
    return Expect("oil", 2)


def _synthetic_sgml(rng: random.Random, stories: int) -> bytes:
    parts = ['<!DOCTYPE lewis SYSTEM "lewis.dtd">\n']
    for n in range(1, stories + 1):
        body = "\n".join(_words(rng, 10) for _ in range(8))
        parts.append(
            f'<REUTERS TOPICS="YES" NEWID="{n}">\n<DATE>26-FEB-1987 15:01:01.79</DATE>\n'
            f"<TEXT>&#2;\n<TITLE>OIL STORY {n}</TITLE>\n<BODY>{body}\n Reuter\n&#3;</BODY></TEXT>\n</REUTERS>\n"
        )
    return "".join(parts).encode()


def sgml_nul(folder: Path, scale: float, rng: random.Random) -> Expect:
    data = bytearray(REUTERS.read_bytes() if REUTERS.exists() else _synthetic_sgml(rng, 1000))
    stories = data.count(b"<REUTERS ")
    data[min(700_000, len(data) * 7 // 10)] = 0
    (folder / "reut2-000.sgm").write_bytes(bytes(data))
    return Expect("*", stories - 1)  # the story that holds the NUL may be left out


def sgml_huge_story(folder: Path, scale: float, rng: random.Random) -> Expect:
    stories = _synthetic_sgml(rng, 3).decode()
    cut = stories.index("<BODY>", stories.index('NEWID="2"')) + 6
    head, tail = stories[:cut].encode(), stories[cut:].encode()
    _write_repeated(folder / "huge.sgm", b"oil prices rose\n", int(95 * MB * scale), head, tail)
    return Expect("oil", 2)


def symlinks_out(folder: Path, scale: float, rng: random.Random) -> Expect:
    corpus = folder / "corpus"
    corpus.mkdir()
    (corpus / "story.txt").write_text(f"Oil prices rise\n\nOil prices {_words(rng, 40)}.\n")
    secret = folder / "credentials.txt"
    secret.write_text(
        "Secret credentials canary\n\naws_secret_access_key canary canary and more secret words.\n"
    )
    (corpus / "notes.txt").symlink_to(secret)
    (corpus / "environ.txt").symlink_to("/proc/self/environ")
    (corpus / "outside").symlink_to(folder, target_is_directory=True)
    return Expect("canary", 0, secret=True)


def colliding_names(folder: Path, scale: float, rng: random.Random) -> Expect:
    corpus = os.fsencode(folder / "corpus")
    os.mkdir(corpus)
    for n, name in enumerate([b"x\xff.txt", b"x\\xff.txt", b"y.txt"], 1):
        text = f"Oil story {n}\n\nOil prices {_words(rng, 40)} in story {n}.\n"
        Path(os.fsdecode(corpus + b"/" + name)).write_text(text)
    return Expect("oil", 3, runs=2)


CORPORA: dict[str, Callable[[Path, float, random.Random], Expect]] = {
    "txt-99MB-one-line": txt_oneline,
    "html-99MB-one-line": html_oneline,
    "csv-1M-cols": csv_cols_header,
    "csv-1M-cols-no-header": csv_cols_noheader,
    "jsonl-95MB-line": jsonl_huge_line,
    "json-95MB-value": json_huge_value,
    "jsonl-300k-keys": json_many_keys,
    "json-deep-nested": json_deep,
    "sgml-nul": sgml_nul,
    "sgml-95MB-story": sgml_huge_story,
    "symlinks-out": symlinks_out,
    "colliding-names": colliding_names,
}


#: Runs ``python -m newssearch ARGS`` and writes its peak RSS (KiB) to the file first named. Started fresh, it is
#: small: a command forked straight from a big parent (the test suite) would count the parent's pages as its peak.
LAUNCHER = """
import os, resource, signal, subprocess, sys
code = subprocess.call([sys.executable, "-m", "newssearch", *sys.argv[2:]])
with open(sys.argv[1], "w") as f:
    f.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
if code < 0:
    signal.signal(-code, signal.SIG_DFL)
    os.kill(os.getpid(), -code)
sys.exit(code)
"""


def _run(args: list[str], cwd: Path) -> tuple[int, bytes, bytes, float, float]:
    """Run ``python -m newssearch ARGS``: exit code, stdout, stderr, seconds, peak MB (its maxrss)."""
    start = time.monotonic()
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.TemporaryDirectory() as tmp,
    ):
        env = {**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH") or str(ROOT)}
        peak_file = Path(tmp) / "peak"
        proc = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, str(peak_file), *args],
            cwd=cwd, stdout=out, stderr=err, env=env, start_new_session=True,
        )  # fmt: skip
        try:
            proc.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()
        seconds = time.monotonic() - start
        peak = int(peak_file.read_text() or 0) if peak_file.exists() else 0
        out.seek(0)
        err.seek(0)
        return proc.returncode, out.read(), err.read(), seconds, peak / 1024 * 1.048576


def reference_query(work: Path) -> float:
    """Seconds a query takes on an index of one story (Python's start included): what a query costs here."""
    corpus = work / "reference"
    corpus.mkdir()
    (corpus / "story.txt").write_text("Oil prices rise\n\nOil prices rose sharply in early trading today.\n")
    _run(["index", str(corpus), "--index", str(work / "reference.index")], work)
    return min(
        _run(["query", "oil", "--index", str(work / "reference.index"), "--json"], work)[3] for _ in range(3)
    )


def trial(name: str, scale: float, seed: int, work: Path, reference: float = 0.0) -> Row:
    row = Row(name, tried=1)
    folder = work / name
    folder.mkdir()
    expect = CORPORA[name](folder, scale, random.Random(seed))
    corpus = folder / "corpus" if (folder / "corpus").is_dir() else folder
    index = work / f"{name}.index"
    counts = []
    for _ in range(expect.runs):
        code, _out, err, seconds, peak = _run(["index", str(corpus), "--index", str(index)], work)
        row.seconds += seconds
        row.stderr_bytes = max(row.stderr_bytes, len(err))
        row.peak_mb = max(row.peak_mb, peak)
        if b"Traceback" in err or code not in (0, 1):
            row.problems.append(f"index exit {code}: {err[-300:]!r}")
        if index.exists():
            if expect.query == "*":  # every story: the index's article count
                args, key = ["stats", "--json"], "articles"
            else:
                args, key = (
                    ["query", expect.query, "--json"],
                    "total_with_reprints",
                )  # hits' stored fields read
            code, out, err, seconds, peak = _run([*args, "--index", str(index)], work)
            row.query_s = max(row.query_s, seconds)
            row.peak_mb = max(row.peak_mb, peak)
            try:
                counts.append(int(json.loads(out)[key]))
            except (ValueError, KeyError, TypeError):
                counts.append(0)
                if b"Traceback" in err:
                    row.problems.append(f"query: {err[-300:]!r}")
        else:
            counts.append(0)
        if len(counts) < expect.runs:  # the next run: the files' time stamps move (read again)
            for path in corpus.iterdir():
                os.utime(os.fsencode(path), ns=(time.time_ns(), time.time_ns()))
    if expect.show and index.exists():
        article_id = f"{corpus.name}/{expect.show}"  # ids start with the folder given
        code, out, err, seconds, peak = _run(["show", article_id, "--index", str(index)], work)
        row.show_bytes = len(out)
        row.peak_mb = max(row.peak_mb, peak)
        if code != 0:
            row.problems.append(f"show exit {code}: {err[-200:]!r}")
    if expect.secret:
        if any(counts):
            row.problems.append(f"a file outside the corpus was indexed ({max(counts)} stories)")
    else:
        row.lost = max(max(0, expect.count - c) for c in counts)
        if row.lost:
            row.problems.append(f"found {counts} of {expect.count} stories")
        elif any(c > expect.count for c in counts):
            row.problems.append(f"found {counts}, expected {expect.count}")
    if row.peak_mb > GOAL_MB:
        row.problems.append(f"peak {row.peak_mb:.0f} MB")
    if row.query_s > reference + QUERY_SECONDS:
        row.problems.append(f"query took {row.query_s:.1f} s (one on a one-story index {reference:.1f} s)")
    if max(row.show_bytes, row.stderr_bytes) > OUTPUT_BYTES:
        row.problems.append(f"show printed {row.show_bytes:,} bytes, stderr {row.stderr_bytes:,}")
    row.failed = int(bool(row.problems))
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(index, ignore_errors=True)
    return row


def print_table(rows: list[Row]) -> None:
    head = f"{'corpus':24} {'tried':>5} {'failed':>6} {'lost':>5} {'peak MB':>8} {'index s':>8} "
    print(head + f"{'stderr B':>10} {'query s':>8} {'show B':>10}")
    for r in rows:
        print(
            f"{r.name:24} {r.tried:5} {r.failed:6} {r.lost:5} {r.peak_mb:8.0f} {r.seconds:8.1f} "
            f"{r.stderr_bytes:10,} {r.query_s:8.2f} {r.show_bytes:10,}"
        )
    total = Row("total", sum(r.tried for r in rows), sum(r.failed for r in rows), sum(r.lost for r in rows))
    peak = max((r.peak_mb for r in rows), default=0.0)
    print(f"{'peak memory ≤ 300 MB':24} {total.tried:5} {total.failed:6} {total.lost:5} {peak:8.0f}")
    for r in rows:
        for problem in r.problems:
            print(f"  {r.name}: {problem}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--scale", type=float, default=1.0, help="size of the big files (1: as in issue 17)")
    parser.add_argument("--only", default="", help="comma-separated corpus names (default: all)")
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args(argv)
    names = [n for n in args.only.split(",") if n] or list(CORPORA)
    unknown = [n for n in names if n not in CORPORA]
    if unknown:
        parser.error(f"unknown corpus {unknown}; known: {', '.join(CORPORA)}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="newssearch-hostile-") as tmp:
        reference = reference_query(Path(tmp))
        for name in names:
            rows.append(trial(name, args.scale, args.seed, Path(tmp), reference))
    print_table(rows)
    return 1 if any(r.failed for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
