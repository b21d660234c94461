"""Fault injection: kill `newssearch index` at random points and check that the index is never left broken.

Each cycle starts ``python -m newssearch index`` in a subprocess on a corpus, sends it SIGKILL, SIGINT or
SIGTERM after a random (seeded) delay, counted from its start or (a share of the kills) from the moment its
commit began (Whoosh's new segment files appearing in the index folder), and then checks:

- the index holds exactly what it held before the run, or exactly what a clean build of the corpus holds
  (one transaction per run: never half of it), or there is no index at all when there was none before;
- for SIGINT/SIGTERM: exit code 130/143, no traceback, and an "Interrupted:" line whose claim ("nothing was
  committed" or "the work was committed") is true;
- a query (``python -m newssearch query … --json``) works, or fails with a one-line error and no traceback;
- a finishing ``index`` run succeeds and the index then equals a clean build of the same corpus made in a fresh
  folder: the same articles (id, headline, body, date, people, organizations, places) and the same scores.

Three modes: ``build`` (a first build into an empty folder), ``update`` (an incremental update after files were
edited, added and deleted) and ``rebuild`` (``index --rebuild`` of the same changed corpus).

The test suite (tests/test_faults.py) runs a few cycles; this script runs many and prints a table of
mode x signal: runs, kills aimed at the commit, signals that reached a running process, the index state after
the kill (before / after the run), recoveries, queries that worked or were a one-line error, mismatches with the
clean build, cycles with problems, the claims made (not committed / committed / none / killed early / signal
too late) and mean timings. Signals that land while Python itself starts up are labelled as such. From
/work/main::

    .venv/bin/python -m tests.fault_injection --kills 20 --jobs 2
    .venv/bin/python -m tests.fault_injection --corpus /work/shared/corpora/bbc --kills 5 --commit-window 1.5

It exits 1 when any cycle had a problem. ``--help`` lists the options.

The other faults have scripts of their own beside this one, each printing tried / failed / lost per row and
exiting 1 when any trial failed (the README's "Reliability" has their counts): ``tests.fault_writers`` (index
runs at once; killed first builds resumed from their checkpoints), ``tests.fault_pickle`` (crafted index folders),
``tests.fault_limits`` (fuzzed API calls against the time limit), ``tests.fault_hostile`` (hostile corpus files,
peak memory) and ``tests.fault_disk`` (a full disk, the file-size limit, no permission).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from newssearch import NewsIndex
from newssearch.documents import to_article
from newssearch.errors import IndexDamagedError, NewsSearchError
from newssearch.index import index_state

MODES = ("build", "update", "rebuild")
SIGNALS = {"SIGKILL": signal.SIGKILL, "SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM}
EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}
#: Seconds any subprocess may take before it is killed and the cycle counted as a hang.
TIMEOUT = 120.0
#: Every generated article ends with a "(Reporting by …)" line: this word finds them all.
BROAD = "reporting"
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
NOT_COMMITTED = "nothing was committed"
COMMITTED = "the work was committed"
#: A first build long enough to commit checkpoints, cut short: "… N stories are committed (in checkpoints) …".
CHECKPOINTED = re.compile(r"(\d+) stories are committed \(in checkpoints\)")

# --- a generated corpus -------------------------------------------------------------------------------------

PEOPLE = [
    "Angela Merkel",
    "Emmanuel Macron",
    "Christine Lagarde",
    "Jerome Powell",
    "Jacinda Ardern",
    "Antonio Guterres",
    "Olaf Scholz",
    "Justin Trudeau",
    "Cyril Ramaphosa",
    "Narendra Modi",
    "Pedro Sanchez",
    "Mario Draghi",
    "Kristalina Georgieva",
    "Tedros Adhanom Ghebreyesus",
    "Jens Stoltenberg",
    "Fumio Kishida",
]
ORGS = [
    "European Central Bank",
    "Federal Reserve",
    "United Nations",
    "World Health Organization",
    "NATO",
    "International Monetary Fund",
    "World Bank",
    "European Commission",
    "Toyota",
    "Siemens",
    "Microsoft",
    "Airbus",
    "Red Cross",
    "OPEC",
]
DATELINES = [
    ("LONDON", "London"),
    ("PARIS", "Paris"),
    ("BERLIN", "Berlin"),
    ("TOKYO", "Tokyo"),
    ("NEW YORK", "New York"),
    ("SYDNEY", "Sydney"),
    ("NAIROBI", "Nairobi"),
    ("BRUSSELS", "Brussels"),
    ("MADRID", "Madrid"),
    ("OTTAWA", "Ottawa"),
    ("JOHANNESBURG", "Johannesburg"),
    ("MUMBAI", "Mumbai"),
    ("WASHINGTON", "Washington"),
    ("GENEVA", "Geneva"),
    ("ROME", "Rome"),
    ("MANILA", "Manila"),
]
SOURCES = ["Reuters", "AP", "AFP"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
REPORTERS = ["Sarah Klein", "Tom Hughes", "Priya Natarajan", "Luis Ortega", "Anna Kowalski", "Kenji Mori"]
TOPICS = {
    "economy": {
        "headlines": [
            "{org} keeps interest rates unchanged as inflation eases",
            "Bond yields climb to a record after {org} signals tighter policy",
            "Factory output falls for a third month in {place}",
            "{person} warns that inflation will stay high into next year",
            "Consumer spending rebounds as the central bank cuts rates",
        ],
        "sentences": [
            "The {org} kept its main interest rate unchanged on {day}, saying inflation was easing faster than expected.",
            "{person} told reporters that the central bank would act if prices kept rising.",
            "Economists polled before the decision had expected rates to stay on hold until the autumn.",
            "Factory output in {place} fell for a third straight month, dragged down by weaker exports.",
            "Bond yields rose to their highest level in a decade as investors priced in tighter policy.",
            "Consumer spending picked up in the second quarter, helped by lower energy prices.",
            "The currency slipped against the dollar after the announcement.",
            "Analysts said the budget deficit would narrow only slowly despite higher tax revenue.",
        ],
    },
    "politics": {
        "headlines": [
            "{person} calls snap election as coalition talks collapse",
            "Minister resigns after row over {org} funding",
            "Parliament in {place} approves budget after marathon session",
            "Opposition wins record share of the vote in regional election",
        ],
        "sentences": [
            "{person} said on {day} that voters would go to the polls in six weeks.",
            "The finance minister resigned after a row over funding for the {org}.",
            "Lawmakers in {place} approved the budget after a debate that lasted through the night.",
            "The opposition party won a record share of the vote, according to official results.",
            "Coalition talks broke down over tax policy and the pace of spending cuts.",
            "The prime minister said the government would present a new programme to parliament.",
            "Turnout in the election was the highest since the end of the war, officials said.",
        ],
    },
    "weather": {
        "headlines": [
            "Storm forces thousands to flee coastal towns near {place}",
            "Flood waters rise as heavy rain hits {place}",
            "Heatwave breaks temperature record across the region",
            "{org} sends aid after storm destroys homes",
        ],
        "sentences": [
            "Tens of thousands of people fled coastal villages on {day} as the storm approached, officials said.",
            "Heavy rain caused rivers to burst their banks, flooding farmland and cutting off roads near {place}.",
            "The {org} said it had sent emergency teams and supplies to the worst affected districts.",
            "Temperatures reached a record 46 degrees, the national weather agency said.",
            "Flights at the main airport were suspended and schools were closed for the week.",
            "Rescue workers used boats to reach families stranded on rooftops.",
            "The storm was expected to weaken as it moved inland later in the week.",
        ],
    },
    "health": {
        "headlines": [
            "{org} approves new vaccine for children",
            "Hospitals in {place} report rise in flu cases",
            "Vaccine trial shows strong protection, {org} says",
            "{person} urges wealthy countries to share vaccine doses",
        ],
        "sentences": [
            "The {org} said the vaccine was safe and effective for children aged five to eleven.",
            "Hospitals in {place} reported a sharp rise in flu cases over the past fortnight.",
            "Results from a late-stage trial showed the vaccine gave strong protection against severe illness.",
            "{person} urged wealthy countries to share doses with poorer nations.",
            "Health officials said they would expand testing at schools and care homes.",
            "Doctors warned that waiting times for routine operations had grown again this winter.",
        ],
    },
    "business": {
        "headlines": [
            "{org} shares jump after record quarterly profit",
            "{org} to cut jobs as demand slows",
            "Port strike disrupts shipping in {place}",
            "{org} agrees takeover in deal worth billions",
        ],
        "sentences": [
            "Shares of {org} jumped after the company reported a record quarterly profit.",
            "The company said it would cut about 2,000 jobs as demand for its products slowed.",
            "A strike at the port of {place} disrupted shipping for a second week, traders said.",
            "Chief executives said supply chains were still recovering from the disruption.",
            "The takeover, agreed on {day}, still needs the approval of competition regulators.",
            "Analysts said the deal would make the group the largest in its sector.",
        ],
    },
    "security": {
        "headlines": [
            "NATO allies agree to raise defence spending",
            "{person} meets NATO chief in {place}",
            "Talks on ceasefire resume in {place}",
        ],
        "sentences": [
            "NATO allies agreed on {day} to raise defence spending over the next five years.",
            "{person} met the NATO secretary general in {place} to discuss security in the region.",
            "Negotiators said talks on a ceasefire would resume next week in {place}.",
            "The United Nations called for humanitarian corridors to be opened at once.",
            "Officials said the agreement would be reviewed at a summit later in the year.",
        ],
    },
}


def _fill(template: str, rng: random.Random, place: str) -> str:
    return template.format(person=rng.choice(PEOPLE), org=rng.choice(ORGS), place=place, day=rng.choice(DAYS))


def _story(rng: random.Random, number: int) -> dict:
    """One article as fields: headline, dateline, date, source and paragraphs."""
    topic = rng.choice(sorted(TOPICS))
    words = TOPICS[topic]
    dateline, place = rng.choice(DATELINES)
    source = rng.choice(SOURCES)
    headline = _fill(rng.choice(words["headlines"]), rng, place)
    sentences = [_fill(s, rng, place) for s in rng.sample(words["sentences"], rng.randint(3, 5))]
    if rng.random() < 0.3:  # a sentence from another topic, so that queries cut across topics
        other = TOPICS[rng.choice(sorted(TOPICS))]["sentences"]
        sentences.insert(rng.randint(1, len(sentences)), _fill(rng.choice(other), rng, place))
    paragraphs, start = [], 0
    while start < len(sentences):
        size = rng.randint(1, 3)
        paragraphs.append(" ".join(sentences[start : start + size]))
        start += size
    paragraphs[0] = f"{dateline} ({source}) - {paragraphs[0]}"
    paragraphs.append(f"(Reporting by {rng.choice(REPORTERS)}; Editing by {rng.choice(REPORTERS)})")
    date = None
    if rng.random() < 0.9:
        date = f"{rng.randint(2018, 2023)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if rng.random() < 0.5:
            date += f"T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z"
    return {
        "topic": topic,
        "headline": headline,
        "date": date,
        "source": source,
        "paragraphs": paragraphs,
        "number": number,
    }


def _text_file(story: dict) -> str:
    header = [story["headline"], ""]
    if story["date"] is not None:
        header.append(f"Date: {story['date']}")
    header.append(f"Source: {story['source']}")
    return "\n".join(header) + "\n\n" + "\n\n".join(story["paragraphs"]) + "\n"


def _record(story: dict) -> dict:
    record = {
        "id": f"wire-{story['number']}",
        "title": story["headline"],
        "text": "\n\n".join(story["paragraphs"]),
        "source": story["source"],
    }
    if story["date"] is not None:
        record["published_at"] = story["date"]
    return record


def _slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower())[:6])


def _bump(path: Path, seconds: int = 5) -> None:
    """Move a file's time stamp on, as an editor saving it later would."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + seconds * 1_000_000_000))


def make_corpus(folder: Path, articles: int = 200, records: int = 30, seed: int = 1) -> Path:
    """Write ``articles`` plain-text articles in topic folders and one JSON Lines file of ``records`` records."""
    rng = random.Random(f"corpus-{seed}")
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(articles):
        story = _story(rng, number)
        path = folder / story["topic"] / f"{number:04d}-{_slug(story['headline'])}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text(_text_file(story), encoding="utf-8")
    lines = [json.dumps(_record(_story(rng, 10_000 + n))) for n in range(records)]
    (folder / "wires.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def mutate_corpus(folder: Path, seed: int = 1, share: float = 0.08) -> dict[str, int]:
    """Edit, add and delete files (about ``share`` of the plain-text files each), and edit the JSON Lines files:
    the changes an incremental update has to pick up. A corpus of few plain-text files (Reuters-21578's SGML
    files) has some of its other article files deleted instead."""
    rng = random.Random(f"mutate-{seed}")
    texts = sorted(p for p in folder.rglob("*.txt") if p.is_file())
    count = max(2, int(len(texts) * share))
    chosen = rng.sample(texts, min(len(texts), 2 * count))
    edited, deleted = chosen[:count], chosen[count:]
    if len(texts) < 10:
        others = sorted(
            p
            for p in folder.rglob("*")
            if p.is_file() and p.suffix.lower() in (".sgm", ".sgml", ".csv", ".tsv", ".json", ".html", ".htm")
        )
        deleted += rng.sample(others, min(len(others), max(1, int(len(others) * share))))
    for path in edited:
        text = path.read_text(encoding="utf-8", errors="replace")
        lines = text.split("\n")
        lines[0] = f"{lines[0]} (updated)"
        story = _story(rng, 20_000)
        extra = " ".join(story["paragraphs"][1:-1]) or story["paragraphs"][0]
        path.write_text("\n".join(lines).rstrip("\n") + f"\n\n{extra}\n", encoding="utf-8")
        _bump(path)
    for path in deleted:
        path.unlink()
    new_folder = folder / "latest"
    new_folder.mkdir(exist_ok=True)
    for n in range(count):
        story = _story(rng, 30_000 + n)
        (new_folder / f"{30_000 + n}-{_slug(story['headline'])}.txt").write_text(
            _text_file(story), encoding="utf-8"
        )
    records_changed = 0
    for jsonl in sorted(folder.rglob("*.jsonl")):
        records = [
            json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines() if line.strip()
        ]
        if len(records) > 4:
            records[1]["title"] = f"{records[1].get('title', '')} (corrected)"
            del records[3]
        records += [_record(_story(rng, 40_000 + n)) for n in range(3)]
        jsonl.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
        _bump(jsonl)
        records_changed += 1
    return {"edited": len(edited), "deleted": len(deleted), "added": count, "jsonl": records_changed}


# --- reading an index ----------------------------------------------------------------------------------------

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


# --- running the command -------------------------------------------------------------------------------------


def command(*args: object) -> list[str]:
    return [sys.executable, "-m", "newssearch", *(str(a) for a in args)]


def environment(workdir: Path) -> dict[str, str]:
    """The default index and corpus point at folders that do not exist: a query never builds an index."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSSEARCH_")}
    env.update(
        NEWSSEARCH_INDEX=str(workdir / "no-default-index"),
        NEWSSEARCH_CORPUS=str(workdir / "no-default-corpus"),
        COLUMNS="120",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


@dataclass
class Done:
    returncode: int | None  # None: it hung and was killed
    stdout: str
    stderr: str
    seconds: float


def run(args: list[str], workdir: Path, timeout: float = TIMEOUT) -> Done:
    start = time.monotonic()
    proc = subprocess.Popen(
        args, cwd=workdir, env=environment(workdir), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        out, err = proc.communicate(timeout=timeout)
        return Done(proc.returncode, out, err, time.monotonic() - start)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return Done(None, out, err, time.monotonic() - start)


_COMMIT_FILE = re.compile(r"^MAIN_\w+\.(.+\.)?(col|seg)$")  # MAIN_<segment>._stored.col, MAIN_<segment>.seg


def _commit_started(index: Path, before: set[str]) -> bool:
    """Whoosh has begun to write a new segment's column files (or the segment itself): the commit is under
    way (its last steps: segment, table of contents, clean-up; then the run's meta file, cache and report)."""
    try:
        names = os.listdir(index)
    except OSError:
        return False
    return any(_COMMIT_FILE.match(name) and name not in before for name in names)


def run_and_signal(
    args: list[str],
    workdir: Path,
    sig: int,
    delay: float,
    timeout: float = TIMEOUT,
    at_commit: Path | None = None,
):
    """Start the command and send ``sig`` ``delay`` seconds after its start, or with ``at_commit`` (the index
    folder) ``delay`` seconds after its commit began. Returns (Done, whether the signal reached it running)."""
    start = time.monotonic()
    before = set(os.listdir(at_commit)) if at_commit is not None and at_commit.is_dir() else set()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            args, cwd=workdir, env=environment(workdir), stdout=out, stderr=err, text=True
        )
        landed = False
        try:
            if at_commit is not None:
                while proc.poll() is None and not _commit_started(at_commit, before):
                    if time.monotonic() - start > timeout:
                        raise subprocess.TimeoutExpired(args, timeout)
                    time.sleep(0.0005)
                fire = time.monotonic() + delay
            else:
                fire = start + delay
            try:
                proc.wait(timeout=max(0.0, fire - time.monotonic()))
            except subprocess.TimeoutExpired:
                if proc.poll() is None:
                    proc.send_signal(sig)
                    landed = True
            proc.wait(timeout=timeout)
            code = proc.returncode
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            code = None
        out.seek(0)
        err.seek(0)
        return Done(code, out.read(), err.read(), time.monotonic() - start), landed


def one_line_error(done: Done) -> str | None:
    """None when a failed command printed one line of error and no traceback; else what is wrong."""
    lines = [line for line in done.stderr.splitlines() if line.strip() and not line.startswith("Waiting for")]
    if "Traceback" in done.stderr:
        return f"traceback: {done.stderr.strip()[-300:]}"
    if len(lines) != 1:
        return f"{len(lines)} lines on stderr: {done.stderr.strip()[-300:]!r}"
    return None


def write_lock_holders(index: Path) -> set[int]:
    """Pids of the processes holding the index's write lock (Whoosh's flock on MAIN_WRITELOCK), from /proc/locks:
    looking does not take the lock, so it cannot disturb a writer."""
    try:
        inode = (index / "MAIN_WRITELOCK").stat().st_ino
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return set()
    holders = set()
    for line in lines:
        parts = line.split()
        if len(parts) >= 6 and parts[1] == "FLOCK" and "->" not in parts and parts[5].endswith(f":{inode}"):
            holders.add(int(parts[4]))
    return holders


# --- one kill-and-recover cycle ---------------------------------------------------------------------------


@dataclass
class Scenario:
    """A corpus at a fixed path (already changed since ``base`` was built), the index built before the change
    (``base``), and a clean build of the corpus as it is now (``reference``)."""

    workdir: Path
    corpus: Path
    base: Path
    reference: Path
    before: Snapshot
    target: Snapshot
    target_scores: dict
    query_totals: dict  # "before" and "target": the total of the broad query
    broad: str
    durations: dict = field(default_factory=dict)  # mode -> seconds of an uninterrupted run
    startup: float = 0.0  # seconds until a command has parsed its arguments

    def args(self, mode: str, index: Path) -> list[str]:
        rebuild = ["--rebuild"] if mode == "rebuild" else []
        return command("index", self.corpus, "--index", index, *rebuild)

    def prepare(self, mode: str, index: Path) -> Snapshot:
        """Put the index folder in its state before a run of ``mode``; returns that state."""
        if index.exists():
            shutil.rmtree(index)
        if mode == "build":
            return {}
        shutil.copytree(self.base, index)
        return self.before

    def measure(self, modes: Iterable[str] = MODES) -> None:
        """Time an uninterrupted run of each mode (kills are spread over that time), and the start-up: a command
        that imports everything, parses its arguments and fails at once."""
        done = run(command("check", "--index", self.workdir / "no-index-here"), self.workdir)
        self.startup = done.seconds
        for mode in modes:
            index = self.workdir / f"timing-{mode}"
            self.prepare(mode, index)
            done = run(self.args(mode, index), self.workdir)
            if done.returncode != 0:
                raise RuntimeError(f"a clean {mode} run failed: {done.stderr.strip()[-500:]}")
            self.durations[mode] = done.seconds
            shutil.rmtree(index)


def scenario(
    workdir: Path, source: Path | None = None, articles: int = 200, seed: int = 1, broad: str | None = None
) -> Scenario:
    """Set up a scenario in ``workdir``: a generated corpus (or a copy of ``source``), built, then changed."""
    workdir.mkdir(parents=True, exist_ok=True)
    corpus = workdir / "corpus"
    if corpus.exists():
        shutil.rmtree(corpus)
    if source is None:
        make_corpus(corpus, articles=articles, seed=seed)
        broad = broad or BROAD
    else:
        shutil.copytree(source, corpus, symlinks=False)
        broad = broad or "said"
    base, reference = workdir / "base-index", workdir / "reference-index"
    for folder in (base, reference):
        if folder.exists():
            shutil.rmtree(folder)
    with NewsIndex.create(base) as index:
        index.update([corpus])
    mutate_corpus(corpus, seed=seed)
    with NewsIndex.create(reference) as index:
        index.update([corpus])
    totals = {}
    for name, folder in (("before", base), ("target", reference)):
        with NewsIndex.open(folder) as index:
            totals[name] = index.search(broad, limit=1, snippets=False).total
    return Scenario(
        workdir=workdir,
        corpus=corpus,
        base=base,
        reference=reference,
        before=snapshot(base),
        target=snapshot(reference),
        target_scores=scores(reference),
        query_totals=totals,
        broad=broad,
    )


@dataclass
class Cycle:
    mode: str
    signal: str
    delay: float
    at_commit: bool = False  # the delay counts from the start of the commit, not of the process
    landed: bool = False  # the signal reached a running process (it had not finished yet)
    returncode: int | None = None
    outcome: str = ""  # the index after the kill: "before", "after" (the run's changes), or what else
    claim: str = ""  # for SIGINT/SIGTERM: "not committed", "committed", "none" or "killed early"
    query: str = ""  # "ok", "ok-empty" (an index with no articles answered), "error: …" (one line)
    recovered: bool = False
    matches: bool = False
    problems: list[str] = field(default_factory=list)
    seconds: dict = field(default_factory=dict)


def query_cli(sc: Scenario, index: Path) -> tuple[int | None, str, str | None]:
    """``query BROAD --json`` in a subprocess: (total or None, outcome, what is wrong or None)."""
    query = run(command("query", sc.broad, "--index", index, "--json", "--limit", "1000"), sc.workdir)
    if query.returncode == 0:
        if "Traceback" in query.stderr:
            return None, "traceback", f"query traceback: {query.stderr[-300:]}"
        try:
            total = json.loads(query.stdout)["total"]
        except (ValueError, KeyError) as exc:
            return None, "bad output", f"query printed no JSON document: {exc}: {query.stdout[:200]!r}"
        return total, "ok" if total else "ok-empty", None
    if query.returncode in (1, 2):
        outcome = f"error: {query.stderr.strip()[:120]}"
        wrong = one_line_error(query)
        return None, outcome, f"query failed with {wrong}" if wrong else None
    return None, f"exit {query.returncode}", f"query exit {query.returncode}: {query.stderr.strip()[-300:]!r}"


def query_api(sc: Scenario, index: Path) -> tuple[int | None, str, str | None]:
    """The same through the API, in this process: only NewsSearchError may come out."""
    try:
        with NewsIndex.open(index) as opened:
            total = opened.search(sc.broad, limit=1000, snippets=False).total
    except NewsSearchError as exc:
        return None, f"error: {type(exc).__name__}: {exc}"[:130], None
    except Exception as exc:
        return None, "crash", f"API query raised {type(exc).__name__}: {exc}"[:300]
    return total, "ok" if total else "ok-empty", None


def cycle(
    sc: Scenario,
    mode: str,
    signame: str,
    delay: float,
    index: Path,
    idempotent: bool = False,
    cli_query: bool = True,
    at_commit: bool = False,
) -> Cycle:
    """Run ``mode`` on a fresh copy of the index, send the signal after ``delay`` s, then check and recover."""
    sig = SIGNALS[signame]
    result = Cycle(mode=mode, signal=signame, delay=delay, at_commit=at_commit)
    problems = result.problems
    before = sc.prepare(mode, index)
    watch = index if at_commit else None
    done, result.landed = run_and_signal(sc.args(mode, index), sc.workdir, sig, delay, at_commit=watch)
    result.returncode = done.returncode
    result.seconds["killed run"] = done.seconds
    if done.returncode is None:
        problems.append(f"the {signame}ed run hung: {done.stderr.strip()[-300:]!r}")
        return result
    if "Traceback" in done.stderr or "Exception ignored" in done.stderr:
        problems.append(f"traceback after {signame}: {done.stderr.strip()[-3000:]}")

    # 1. What the index holds now: all of before, or all of this run's work, never a mix.
    try:
        after = snapshot(index)
    except Exception as exc:
        problems.append(f"index unreadable after {signame}: {type(exc).__name__}: {exc}"[:400])
        after = None
    if after is None:
        result.outcome = "unreadable"
    elif after == before:
        result.outcome = "before"
    elif after == sc.target:
        result.outcome = "after"
    elif mode == "build" and after.items() <= sc.target.items() and index_state(index) == "building":
        result.outcome = "checkpoint"  # the whole files of a first build's checkpoints; the next run resumes
    else:
        result.outcome = "mixed"
        problems.extend(compare(after, sc.target, "neither before nor after; vs clean build"))

    # 2. What the run said about it.
    finished = done.returncode == 0 or bool(re.search(r"^(Indexed|Rebuilt): ", done.stdout, re.MULTILINE))
    if not result.landed:
        if done.returncode != 0:
            problems.append(
                f"finished before the signal, exit {done.returncode}: {done.stderr.strip()[-300:]}"
            )
    elif sig == signal.SIGKILL:
        if done.returncode not in (-signal.SIGKILL, 0):
            problems.append(f"exit {done.returncode} after SIGKILL")
    else:
        result.claim = _check_claim(done, sig, result.outcome, finished, problems)

    # 3. A query now works, or is a one-line error.
    started = time.monotonic()
    expected = {"before": sc.query_totals["before"] if before else 0, "after": sc.query_totals["target"]}
    total, result.query, wrong = (query_cli if cli_query else query_api)(sc, index)
    result.seconds["query"] = time.monotonic() - started
    if wrong:
        problems.append(wrong)
    elif total is not None and result.outcome in expected and total != expected[result.outcome]:
        problems.append(f"query total {total}, but the index holds the {result.outcome} state")

    # 4. A finishing run succeeds, and then the index equals a clean build.
    finish = run(command("index", sc.corpus, "--index", index), sc.workdir)
    result.seconds["recovery"] = finish.seconds
    if finish.returncode != 0 or "Traceback" in finish.stderr:
        problems.append(f"finishing run: exit {finish.returncode}: {finish.stderr.strip()[-400:]!r}")
        return result
    result.recovered = True
    try:
        diffs = compare(snapshot(index), sc.target, "after the finishing run")
        diffs += compare_scores(scores(index), sc.target_scores)
    except Exception as exc:
        diffs = [f"index unreadable after the finishing run: {type(exc).__name__}: {exc}"[:400]]
    problems.extend(diffs)
    result.matches = not diffs
    if idempotent and result.matches:
        again = run(command("index", sc.corpus, "--index", index), sc.workdir)
        if again.returncode != 0 or " 0 added, 0 updated, 0 removed" not in again.stdout:
            problems.append(f"a second finishing run changed something: {again.stdout.strip()[:200]!r}")
    return result


def _check_claim(done: Done, sig: int, outcome: str, finished: bool, problems: list[str]) -> str:
    """Exit code and message after SIGINT/SIGTERM, and whether the message tells the truth. Returns the claim:
    "not committed", "committed", "none" ("Interrupted." alone, before anything changed), "killed early" (the
    default action of the signal, before Python's handler was in place), "too late" (the run had printed its
    summary: the signal came as it exited)."""
    name = signal.Signals(sig).name
    if (
        finished
        and outcome == "after"
        and done.returncode in (0, -sig, EXIT_CODES[sig])
        and not done.stderr.strip()
    ):
        return (
            "too late"  # its work done and reported; the interpreter was on its way out (or had handled it)
        )
    if done.returncode == -sig:
        if outcome != "before":
            problems.append(f"{name} ended the process by its default action after it had changed the index")
        return "killed early"
    if done.returncode != EXIT_CODES[sig]:
        problems.append(
            f"exit {done.returncode} after {name}, expected {EXIT_CODES[sig]}: {done.stderr[-300:]!r}"
        )
    kept = CHECKPOINTED.search(done.stderr)
    if kept:
        if outcome != "checkpoint":
            problems.append(f"said {kept.group(0)!r}, but the index holds the {outcome} state")
        return "checkpointed"
    if NOT_COMMITTED in done.stderr:
        if outcome != "before":
            problems.append(f"said {NOT_COMMITTED!r}, but the index holds the {outcome} state")
        return "not committed"
    if COMMITTED in done.stderr:
        if outcome != "after":
            problems.append(f"said {COMMITTED!r}, but the index holds the {outcome} state")
        return "committed"
    if "Interrupted" not in done.stderr:
        problems.append(f"no 'Interrupted' message after {name}: {done.stderr[-300:]!r}")
    elif outcome != "before":
        problems.append(f"said only 'Interrupted.' after it had committed its work ({outcome} state)")
    return "none"


# --- the long run --------------------------------------------------------------------------------------------


def delays(
    rng: random.Random, duration: float, count: int, late: float = 0.0, start: float = 0.02
) -> list[float]:
    """Points to kill at: stratified from ``start`` over an uninterrupted run's duration (start-up, reading,
    committing, and a little past its end), with a share ``late`` of them in its last quarter, where the commit
    happens."""
    end = max(duration * 1.03, start + 0.05)
    n_late = round(count * late)
    n_spread = count - n_late
    step = (end - start) / max(n_spread, 1)
    points = [rng.uniform(start + i * step, start + (i + 1) * step) for i in range(n_spread)]
    points += [rng.uniform(max(start, duration * 0.75), end) for _ in range(n_late)]
    rng.shuffle(points)
    return [round(p, 3) for p in points]


#: Kills "at the commit" come this many seconds at most after the commit began: it takes a few hundredths of a
#: second on the generated corpus, and the run then saves its meta file and cache and prints its report.
COMMIT_WINDOW = 0.2


def kill_plan(
    rng: random.Random,
    duration: float,
    count: int,
    *,
    late: float = 0.0,
    at_commit: float = 0.0,
    start: float = 0.02,
    window: float = COMMIT_WINDOW,
) -> list[tuple[float, bool]]:
    """(delay, at_commit) for ``count`` kills: a share ``at_commit`` of them a random time within ``window`` after
    the commit began, the others spread over the run by ``delays``."""
    n_commit = min(count, max(1 if at_commit > 0 else 0, round(count * at_commit)))
    timed = [(d, False) for d in delays(rng, duration, count - n_commit, late=late, start=start)]
    committing = [(round(rng.uniform(0.0, window), 4), True) for _ in range(n_commit)]
    plan = timed + committing
    rng.shuffle(plan)
    return plan


def after_startup(sc: Scenario) -> float:
    """The earliest kill the test suite makes: well after start-up (with room for a busy machine), so that the
    signal reaches the command itself, not the interpreter's imports or the argument parser (their known
    problems are tested on their own)."""
    return max(0.5, 1.6 * sc.startup)


def run_cycles(
    sc: Scenario,
    specs: Iterable[tuple],
    workdir: Path,
    jobs: int = 1,
    idempotent: bool = False,
    report=None,
    cli_queries: int | None = None,
) -> list[Cycle]:
    """Run (mode, signal, delay) or (mode, signal, delay, at_commit) cycles, ``jobs`` at a time, each in its own
    index folder under ``workdir``. The query after each kill runs the CLI, or for all but the first
    ``cli_queries`` cycles, the API."""
    from concurrent.futures import ThreadPoolExecutor

    specs = list(specs)

    def one(numbered):
        number, (mode, signame, delay, *rest) = numbered
        folder = workdir / f"index-{number % max(jobs, 1)}"
        cli = cli_queries is None or number < cli_queries
        at_commit = bool(rest and rest[0])
        c = cycle(sc, mode, signame, delay, folder, idempotent=idempotent, cli_query=cli, at_commit=at_commit)
        if report:
            report(c)
        return c

    if jobs <= 1:
        return [one(item) for item in enumerate(specs)]
    # Each worker reuses one folder: number % jobs is unique among the cycles running at the same time.
    results: list[Cycle] = []
    with ThreadPoolExecutor(jobs) as pool:
        for start in range(0, len(specs), jobs):
            batch = list(enumerate(specs))[start : start + jobs]
            results.extend(pool.map(one, batch))
    return results


#: Problems this script can find that lie outside newssearch: a signal while Python itself starts up.
KNOWN = [
    (
        r"Exception ignored in: <function _get_module_lock",
        "SIGINT in an import lock's callback at start-up: Python prints 'Exception ignored' and drops it",
    ),
    (
        r"^traceback after SIG\w+: (?!.*(newssearch|site-packages)).*KeyboardInterrupt\s*$",
        "a signal during Python's own start-up (only <frozen ...> frames): its traceback, outside newssearch",
    ),
]


def known(problems: list[str]) -> str | None:
    """The note of the first known problem among a cycle's problems, or None."""
    for pattern, note in KNOWN:
        if any(re.search(pattern, p, re.DOTALL) for p in problems):
            return note
    return None


def problem_kind(problem: str) -> str:
    """A problem without its particulars (numbers, paths, output), to count alike ones together."""
    kind = problem.split(": ", 1)[0]
    return re.sub(r"-?\d+(\.\d+)?", "N", kind).strip()[:100]


def table(cycles: list[Cycle]) -> str:
    header = (
        "mode",
        "signal",
        "runs",
        "at commit",
        "landed",
        "before",
        "after",
        "recovered",
        "queries ok",
        "query err",
        "mismatches",
        "problems",
        "claims (not/committed/none/early/late)",
        "kill s",
        "query s",
        "recover s",
    )
    rows = [header]
    groups: dict[tuple[str, str], list[Cycle]] = {}
    for c in cycles:
        groups.setdefault((c.mode, c.signal), []).append(c)

    def mean(values):
        values = list(values)
        return f"{sum(values) / len(values):.2f}" if values else "-"

    for (mode, signame), group in groups.items():
        claims = [
            sum(c.claim == k for c in group)
            for k in ("not committed", "committed", "none", "killed early", "too late")
        ]
        rows.append(
            (
                mode,
                signame,
                str(len(group)),
                str(sum(c.at_commit for c in group)),
                str(sum(c.landed for c in group)),
                str(sum(c.outcome == "before" for c in group)),
                str(sum(c.outcome == "after" for c in group)),
                str(sum(c.recovered for c in group)),
                str(sum(c.query.startswith("ok") for c in group)),
                str(sum(c.query.startswith("error") for c in group)),
                str(sum(c.recovered and not c.matches for c in group)),
                str(sum(bool(c.problems) for c in group)),
                "/".join(map(str, claims)) if signame != "SIGKILL" else "-",
                mean(c.seconds.get("killed run", 0) for c in group),
                mean(c.seconds.get("query", 0) for c in group),
                mean(c.seconds["recovery"] for c in group if "recovery" in c.seconds),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fault_injection",
        description="Kill `newssearch index` at random points and check that the index is never left broken.",
    )
    parser.add_argument("--kills", type=int, default=20, help="kills per mode and signal (default 20)")
    parser.add_argument(
        "--corpus",
        type=Path,
        help="a corpus folder to copy (e.g. /work/shared/corpora/bbc); default: generated",
    )
    parser.add_argument("--articles", type=int, default=200, help="articles in the generated corpus")
    parser.add_argument("--broad", help="the query run after each kill (default: a word every article has)")
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated: build,update,rebuild")
    parser.add_argument(
        "--signals", default=",".join(SIGNALS), help="comma-separated: SIGKILL,SIGINT,SIGTERM"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="where to work (default: a temporary folder, removed)")
    parser.add_argument("--idempotent", action="store_true", help="after each recovery, index once more")
    parser.add_argument(
        "--after-startup",
        action="store_true",
        help="no kills during start-up (imports and argument parsing), as in the test suite",
    )
    parser.add_argument("--jobs", type=int, default=1, help="cycles run at the same time (default 1)")
    parser.add_argument(
        "--late",
        type=float,
        default=0.25,
        help="share of the timed kills aimed at the last quarter of a run (default 0.25)",
    )
    parser.add_argument(
        "--at-commit",
        type=float,
        default=0.3,
        help="share of kills sent a random time after the commit began, which is watched for (default 0.3)",
    )
    parser.add_argument(
        "--commit-window",
        type=float,
        default=COMMIT_WINDOW,
        help=f"at most this many seconds after the commit began (default {COMMIT_WINDOW})",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print every cycle")
    args = parser.parse_args(argv)
    modes = [m for m in args.modes.split(",") if m]
    signames = [s for s in args.signals.split(",") if s]
    for m in modes:
        if m not in MODES:
            parser.error(f"unknown mode {m!r}")
    for s in signames:
        if s not in SIGNALS:
            parser.error(f"unknown signal {s!r}")

    temporary = None
    if args.workdir is None:
        temporary = tempfile.TemporaryDirectory(prefix="newssearch-faults-")
        args.workdir = Path(temporary.name)
    try:
        started = time.monotonic()
        sc = scenario(args.workdir, args.corpus, articles=args.articles, seed=args.seed, broad=args.broad)
        sc.measure(modes)
        start = after_startup(sc) if args.after_startup else 0.02
        print(
            f"corpus: {args.corpus or f'generated, {args.articles} articles'}; {len(sc.before)} articles before "
            f"the change, {len(sc.target)} after; broad query {sc.broad!r} finds {sc.query_totals}; "
            f"set-up {time.monotonic() - started:.1f} s",
            flush=True,
        )
        print(
            f"start-up {sc.startup:.2f} s; uninterrupted runs: "
            + ", ".join(f"{m} {s:.2f} s" for m, s in sc.durations.items())
            + f"; kills from {start:.2f} s",
            flush=True,
        )
        rng = random.Random(args.seed)
        specs = [
            (mode, signame, delay, at_commit)
            for mode in modes
            for signame in signames
            for delay, at_commit in kill_plan(
                rng,
                sc.durations[mode],
                args.kills,
                late=args.late,
                at_commit=args.at_commit,
                start=start,
                window=args.commit_window,
            )
        ]

        def show(c: Cycle) -> None:
            if args.verbose or c.problems:
                status = "PROBLEM" if c.problems else "ok"
                print(
                    f"{c.mode:8} {c.signal:8} {'commit+' if c.at_commit else 'start+'}{c.delay:.3f} s "
                    f"exit {c.returncode} landed={c.landed} "
                    f"index={c.outcome} claim={c.claim or '-'} query={c.query[:60]!r} "
                    f"recovered={c.recovered} matches={c.matches} {status}",
                    flush=True,
                )
                for problem in c.problems:
                    print(f"    {problem}", flush=True)
                if c.problems and known(c.problems):
                    print(f"    known: {known(c.problems)}", flush=True)

        cycles = run_cycles(sc, specs, args.workdir, jobs=args.jobs, idempotent=args.idempotent, report=show)
        print()
        print(table(cycles))
        errors = sorted({c.query for c in cycles if c.query.startswith("error")})
        if errors:
            print("\nquery errors seen:")
            for e in errors:
                print(f"  {e}")
        kinds = Counter(
            (c.mode, c.signal, problem_kind(p))
            for c in cycles
            for p in dict.fromkeys(map(problem_kind, c.problems))
        )
        if kinds:
            print("\nproblems (cycles with each kind):")
            for (mode, signame, kind), n in sorted(kinds.items()):
                print(f"  {n:3}  {mode:8} {signame:8} {kind}")
        bad = [c for c in cycles if c.problems]
        unknown = [c for c in bad if not known(c.problems)]
        print(
            f"\n{len(cycles)} cycles, {len(bad)} with problems ({len(bad) - len(unknown)} known, "
            f"{len(unknown)} not), {time.monotonic() - started:.0f} s in all"
        )
        for note in sorted({known(c.problems) for c in bad} - {None}):
            print(f"  known: {note}")
        return 1 if bad else 0
    finally:
        if temporary is not None:
            temporary.cleanup()


if __name__ == "__main__":
    sys.exit(main())
