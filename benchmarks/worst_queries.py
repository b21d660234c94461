"""The slowest queries: known worst cases plus seeded random query text, through ``query.prepare`` and a top-10 search.

    .venv/bin/python benchmarks/worst_queries.py [INDEX] [--random 2000] [--seed 1] [--show 15]

INDEX is a newssearch index folder (default ``/tmp/reuters-ix``; build one with
``newssearch index ../shared/corpora/reuters21578 --index /tmp/reuters-ix``). Each query is timed from the text to
the top 10 (``prepare`` + ``searcher.search(q, limit=10)``; no snippets). Prints the known cases, the worst times,
how many took over ``--threshold`` seconds, and any exception other than QueryError (exit status 1 if there is one).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from whoosh import index as whoosh_index

from newssearch.engine.query import prepare
from newssearch.engine.schema import STOP_WORDS
from newssearch.errors import QueryError

ARTICLE = "<a pasted 5,000-character article>"
KNOWN = [
    "a*",
    "pr*",
    "oil~2",
    "oil~3",
    "economy~9",
    "?*?",
    "*ing",
    "text:{growth TO}",
    ARTICLE,
    "oil~1/4",
    "NOT " * 1200,
    "the and of",
    "co* pr* st*",
    "s~2",
    "text:[a TO z]",
]
FIELDS = ["headline:", "text:", "body:", "person:", "org:", "place:", "source:", "topic:", "date:", "nosuch:"]
JUNK = [
    *"*?~/:()[]{}^+-\"'!\\",
    "AND",
    "OR",
    "NOT",
    "TO",
    "\x00",
    "\x07",
    "\t",
    "\n",
    "é",
    "Ирак",
    "🙂",
    "伊",
]


@dataclass
class Timing:
    text: str
    prepare_s: float
    search_s: float
    outcome: str  # "N hits", "QueryError: ...", or "CRASH Type: ..."
    notes: list[str]

    @property
    def total_s(self) -> float:
        return self.prepare_s + self.search_s


def shown(text: str, limit: int = 60) -> str:
    if text.startswith("NOT NOT"):
        return f"'NOT ' * {text.count('NOT ')}"
    text = repr(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def time_query(searcher, text: str) -> Timing:
    start = time.perf_counter()
    try:
        prepared = prepare(searcher.schema, text, searcher.reader())
    except QueryError as exc:
        return Timing(text, time.perf_counter() - start, 0.0, f"QueryError: {exc}", [])
    except Exception as exc:
        return Timing(text, time.perf_counter() - start, 0.0, f"CRASH {type(exc).__name__}: {exc}", [])
    middle = time.perf_counter()
    try:
        results = searcher.search(prepared.query, limit=10)
        outcome = f"{len(results):,} hits"
    except Exception as exc:
        outcome = f"CRASH {type(exc).__name__}: {exc}"
    return Timing(text, middle - start, time.perf_counter() - middle, outcome, prepared.notes)


def sample_texts(searcher, rng: random.Random, docs: int = 400) -> tuple[list[str], list[str]]:
    """(bodies, words) of a random sample of stored articles."""
    total = searcher.doc_count_all()
    bodies = []
    for docnum in rng.sample(range(total), min(docs, total)):
        stored = searcher.stored_fields(docnum)
        bodies.append(f"{stored.get('headline') or ''}\n{stored.get('body') or ''}")
    words = sorted({w for body in bodies for w in re.findall(r"[^\W_]+", body)})
    return bodies, words


def pasted_article(searcher, chars: int = 5_000) -> str:
    """The first ``chars`` characters of the longest story that reads as prose: mostly letters, and no ``*`` or
    ``?`` (a line of asterisks is refused as a wildcard without letters, which is not what this case measures)."""
    best = ""
    for stored in searcher.all_stored_fields():
        body = stored.get("body") or ""
        lead = body[:chars]
        prose = "*" not in lead and "?" not in lead and sum(c.isalpha() for c in lead) >= 0.7 * len(lead)
        if prose and len(body) > len(best):
            best = body
    return best[:chars]


def random_query(rng: random.Random, bodies: list[str], words: list[str]) -> str:
    """One query of a random kind: words, operators, wildcards, fuzzy terms, ranges, fields, pasted text, junk."""

    def word() -> str:
        return rng.choice(list(STOP_WORDS)) if rng.random() < 0.15 else rng.choice(words)

    def wildcard() -> str:
        w = word()
        cut = rng.randint(0, min(len(w), 5))
        return w[:cut] + rng.choice(["*", "?", "*", "?*", "*?", "*" + w[cut + 1 :]])

    def fuzzy() -> str:
        suffix = rng.choice(
            ["~", f"~{rng.randint(0, 9)}", f"~{rng.randint(0, 9)}/{rng.randint(1, 12)}", "~/2"]
        )
        return word() + suffix

    def range_() -> str:
        a, b = sorted([word().lower(), word().lower()])
        return rng.choice([*FIELDS[:2], ""]) + rng.choice(
            [f"[{a} TO {b}]", f"{{{a} TO}}", f"[TO {b}]", f"{{{a} TO {b}]", f"[{b} TO {a}]"]
        )

    def phrase() -> str:
        return '"' + " ".join(word() for _ in range(rng.randint(1, 4))) + rng.choice(['"', '"', "", '"~2'])

    def piece() -> str:
        kind = rng.choices(
            ["word", "wildcard", "fuzzy", "range", "phrase", "field", "operator", "junk"],
            weights=[40, 12, 10, 3, 8, 8, 12, 7],
        )[0]
        if kind == "wildcard":
            return wildcard()
        if kind == "fuzzy":
            return fuzzy()
        if kind == "range":
            return range_()
        if kind == "phrase":
            return phrase()
        if kind == "field":
            return rng.choice(FIELDS) + rng.choice([word(), wildcard(), fuzzy(), phrase()])
        if kind == "operator":
            return rng.choice(["AND", "OR", "NOT", "-", "+", "(", ")", "^2"]) + rng.choice(["", " "]) + word()
        if kind == "junk":
            return "".join(rng.choice(JUNK) for _ in range(rng.randint(1, 6)))
        return word()

    kind = rng.random()
    if kind < 0.06:  # pasted text, up to the 10,000-character limit
        text = " ".join(rng.sample(bodies, 3))
        start = rng.randrange(max(1, len(text) - 500))
        return text[start : start + rng.randint(500, 10_000)]
    if kind < 0.10:  # a long run of pieces
        return " ".join(piece() for _ in range(rng.randint(20, 200)))
    return " ".join(piece() for _ in range(rng.randint(1, 6)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="worst_queries.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("index", nargs="?", type=Path, default=Path("/tmp/reuters-ix"), help="index folder")
    parser.add_argument("--random", type=int, default=2_000, help="random queries to run (default 2,000)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random queries (default 1)")
    parser.add_argument("--show", type=int, default=15, help="how many of the worst queries to print")
    parser.add_argument(
        "--threshold", type=float, default=2.0, help="seconds counted as too slow (default 2)"
    )
    args = parser.parse_args(argv)

    ix = whoosh_index.open_dir(str(args.index))
    rng = random.Random(args.seed)
    with ix.searcher() as searcher:
        print(f"index: {args.index} ({searcher.doc_count():,} articles)")
        article = pasted_article(searcher)
        bodies, words = sample_texts(searcher, rng)
        searcher.search(prepare(searcher.schema, "warm up", searcher.reader()).query, limit=10)

        print("\nknown worst cases (prepare + top-10 search):")
        timings = []
        for text in KNOWN:
            t = time_query(searcher, article if text == ARTICLE else text)
            timings.append(t)
            label = text if text == ARTICLE else shown(text, 40)
            notes = f"  [{'; '.join(t.notes)}]" if t.notes else ""
            print(f"  {label:42} {t.total_s:7.3f} s  {t.outcome[:110]}{notes}")

        started = time.perf_counter()
        for _ in range(args.random):
            timings.append(time_query(searcher, random_query(rng, bodies, words)))
        elapsed = time.perf_counter() - started

    randoms = timings[len(KNOWN) :]
    crashes = [t for t in timings if t.outcome.startswith("CRASH")]
    refused = sum(t.outcome.startswith("QueryError") for t in randoms)
    capped = sum(bool(t.notes) for t in randoms)
    print(
        f"\n{args.random:,} random queries (seed {args.seed}) in {elapsed:.1f} s: {args.random - refused:,} ran "
        f"({capped:,} with a note), {refused:,} refused with QueryError, {len(crashes)} other exceptions"
    )
    print(f"\nworst {args.show} of all {len(timings):,} queries (prepare + search):")
    for t in sorted(timings, key=lambda t: t.total_s, reverse=True)[: args.show]:
        label = ARTICLE if t.text == article else shown(t.text)
        print(f"  {t.total_s:7.3f} s (prepare {t.prepare_s:.3f})  {label:62} {t.outcome[:60]}")
    over = [t for t in timings if t.total_s > args.threshold]
    print(f"\nover {args.threshold:g} s: {len(over)}; over 1 s: {sum(t.total_s > 1 for t in timings)}")
    for t in crashes:
        print(f"exception: {shown(t.text, 200)} -> {t.outcome}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
