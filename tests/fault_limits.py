"""Limits that hold: a seeded fuzzer over ``NewsIndex``'s public methods (``python -m tests.fault_limits``).

Every call gets hostile and valid values of every option: queries (long phrases, huge word lists, wildcards, odd
syntax, control characters, field names, pasted text for an exact search), dates (text, offsets, datetimes whose
zone misbehaves), limits and pages (negative, huge, not numbers), sorts, half-lives, filters, ids, timeouts. A
trial fails when a call raises anything but a ``NewsSearchError`` or runs more than ``--slack`` seconds past its
time limit. Runs on a Reuters-21578 index (``--index`` reuses one; else it is built from ``--corpora`` into a
temporary folder) and skips cleanly without the corpus.

    python -m tests.fault_limits                 # 300 calls
    python -m tests.fault_limits --calls 6000 --index /tmp/reuters-index
"""

from __future__ import annotations

import argparse
import io
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any

from newssearch import NewsIndex
from newssearch.errors import NewsSearchError

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
DEFAULT_TIMEOUT = 10.0
#: Common words of Reuters: phrases of them have thousands of candidates.
COMMON = [
    "said",
    "mln",
    "dlrs",
    "pct",
    "year",
    "company",
    "billion",
    "share",
    "inc",
    "new",
    "market",
    "bank",
    "oil",
    "prices",
    "trade",
]
RARE = ["zenith", "opec", "cocoa", "texaco", "yen", "bundesbank", "sugar", "coffee", "tin", "rubber"]


class Zone(tzinfo):
    """A time zone that misbehaves as user code may: an offset of a day or more, a non-timedelta, an exception."""

    def __init__(self, offset: Any) -> None:
        self.offset = offset

    def utcoffset(self, dt: datetime | None) -> Any:
        if self.offset == "raise":
            raise RuntimeError("this zone cannot say its offset")
        return self.offset

    def dst(self, dt: datetime | None) -> Any:
        return None

    def tzname(self, dt: datetime | None) -> str:
        return "Z?"


class Fuzzer:
    """Random values of each kind, hostile ones among them, from one seeded generator."""

    def __init__(self, seed: int, ids: list[str]) -> None:
        self.r = random.Random(seed)
        self.ids = ids or ["none"]

    def pick(self, *options: Any) -> Any:
        return self.r.choice(options)

    def words(self, n: int, pool: list[str] = COMMON) -> str:
        return " ".join(self.r.choice(pool) for _ in range(n))

    def text(self) -> Any:
        r = self.r
        kind = r.randrange(16)
        if kind == 0:
            return self.words(r.randint(1, 4), COMMON + RARE)
        if kind == 1:
            return (
                '"' + self.words(r.choice([2, 20, 99, 100, 101, 520, 1500]), COMMON[: r.randint(2, 6)]) + '"'
            )
        if kind == 2:
            return self.words(r.randint(300, 2500), COMMON + RARE)[:10_000]
        if kind == 3:
            return self.pick(
                "a*",
                "*",
                "oi*",
                "?il",
                "*oil",
                "oil~2",
                "o~3",
                "[a TO z]",
                "date:[1987 TO 1988]",
                "title:oil",
                "person:reagan",
                "org:opec",
                "place:UK",
                "nofield:x",
                "headline:*",
            )
        if kind == 4:
            return self.pick(
                '"unclosed',
                "((((oil",
                "oil))))",
                "AND OR NOT",
                "-oil",
                "+",
                '""',
                ":",
                "::oil",
                "oil AND (prices OR NOT (trade AND -bank))",
                "(" * 200 + "oil" + ")" * 200,
            )
        if kind == 5:
            return self.pick(
                "oil\x00prices",
                "\x1b[31moil",
                "oil\u202eprices",
                "💥 oil",
                "\ud800",
                "o" * 5000,
                "\t\n\r",
                "",
            )
        if kind == 6:
            return self.pick(None, 5, b"oil", ["oil"], 3.5)
        if kind == 7:
            return " OR ".join(
                f'"{self.words(r.randint(2, 40), COMMON[:4])}"' for _ in range(r.randint(2, 40))
            )
        if kind == 8:
            return "x" * r.choice([10_000, 10_001, 100_000])
        if kind == 9:
            return " ".join(f"w{i}*" for i in range(r.randint(10, 400)))
        if kind == 10:
            return self.pick(
                "since:1987", "date:1987-03", "date:2099", "date:was", "author:Reuter", "section:x"
            )
        return self.words(r.randint(1, 8), COMMON + RARE)

    def bound(self) -> Any:
        r = self.r
        if r.random() < 0.5:
            return None
        return self.pick(
            "1987",
            "1987-03",
            "1987-03-01",
            "1987-02-30",
            "1987-03-01T00:00:00+99:00",
            "1987-03-01T00:00+23:59",
            "yesterday",
            "",
            "  ",
            "x" * 5000,
            "0000",
            "9999-12-31T23:59:59-05:00",
            "March 1987",
            "01/03/1987",
            date(1987, 3, 1),
            date.min,
            date.max,
            datetime(1987, 3, 1),
            datetime.min,
            datetime.max,
            datetime.min.replace(tzinfo=timezone(timedelta(hours=5))),
            datetime.max.replace(tzinfo=timezone(timedelta(hours=-5))),
            datetime(1987, 3, 1, tzinfo=Zone(timedelta(hours=30))),
            datetime(1987, 3, 1, tzinfo=Zone("x")),
            datetime(1987, 3, 1, tzinfo=Zone("raise")),
            datetime(1987, 3, 1, tzinfo=Zone(timedelta(0))),
            5,
            1987.0,
            float("nan"),
            b"1987",
            ["1987"],
        )

    def number(self, good: tuple[Any, ...]) -> Any:
        bad = (0, -1, -(10**9), 10**9, 10**18, "10", 2.5, True, None, float("nan"), float("inf"))
        return self.r.choice(good) if self.r.random() < 0.7 else self.r.choice(bad)

    def timeout(self) -> Any:
        if self.r.random() < 0.1:
            return self.pick(-1, float("nan"), "2", True, [2])
        return self.pick(0, 0.001, 0.1, 0.5, 1.0, 2.0, 2.0, 2.0)

    def names(self) -> Any:
        return self.pick(None, None, None, "Reuter", ["a", "b"], [""] * 1000, 5, "x" * 300, "", ["x y z"] * 3)

    def common(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in ("since", "until"):
            value = self.bound()
            if value is not None:
                out[name] = value
        if self.r.random() < 0.9:
            out["timeout"] = self.timeout()
        return out


def limit_of(kwargs: dict[str, Any]) -> float | None:
    """The time limit a call was given: None when it was no number of seconds (it must be refused at once)."""
    timeout = kwargs.get("timeout", DEFAULT_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout >= 0:
        return None
    return float(timeout)


def calls(f: Fuzzer, index: NewsIndex) -> tuple[str, Callable[[], Any], dict[str, Any]]:
    """One fuzzed call: its name, the call, and its keyword arguments."""
    r = f.r
    kw = f.common()
    method = r.choice(
        ["search"] * 5
        + ["count"] * 2
        + ["matches"] * 2
        + ["iter_search"] * 2
        + ["similar"] * 2
        + ["get", "read"]
    )
    if method in ("search", "iter_search"):
        if method == "search":
            kw["limit"] = f.number((1, 10, 100, 1000))
            kw["page"] = f.number((1, 2, 3, 50))
            kw["explain"] = r.random() < 0.2
        kw["sort"] = f.pick("relevance", "relevance", "date", "newest", "oldest", "", None, 5, "date ")
        for flag in ("exact", "all_versions", "snippets", "kwic"):
            kw[flag] = r.random() < (0.3 if flag == "exact" else 0.2 if flag == "all_versions" else 0.5)
        kw["syntax"] = r.random() < 0.85
        if r.random() < 0.2:
            kw["recent"] = f.pick(7, 0.5, 0, -1, float("nan"), float("inf"), "7", True)
        for name in ("author", "section", "source"):
            if r.random() < 0.1:
                kw[name] = f.names()
        text = f.text()
        if method == "search":
            return method, lambda: index.search(text, **kw), dict(kw, _text=text)

        def stream() -> int:
            found = index.iter_search(text, **kw)
            rows = [hit for _, hit in zip(range(20), found, strict=False)]
            writer = r.choice(["write_csv", "write_json", "write_jsonl"])
            from newssearch.read import export

            getattr(export, writer)(found.header(), rows, io.StringIO())
            return len(rows)

        return method, stream, dict(kw, _text=text)
    if method in ("count", "matches"):
        kw["syntax"] = r.random() < 0.85
        if method == "count":
            kw["all_versions"] = r.random() < 0.5
        text = f.text()
        return method, lambda: getattr(index, method)(text, **kw), dict(kw, _text=text)
    if method == "similar":
        kw["limit"] = f.number((1, 10))
        kw["page"] = f.number((1, 2))
        if r.random() < 0.3:
            kw["exclude"] = f.pick(
                [], [r.choice(f.ids)], [5], [[1]], "abc", [f"id{i}" for i in range(20_000)]
            )
        if r.random() < 0.5:
            article = f.pick(*f.ids[:20], "no such id", 5, None, "x" * 100_000)
            return method, lambda: index.similar(article, **kw), dict(kw, _text=article)
        text = f.pick(f.text(), f.words(r.randint(1, 20_000), COMMON + RARE), "")
        return method, lambda: index.similar(text=text, **kw), dict(kw, _text=text)
    article = f.pick(*f.ids[:20], "no such id", 5, None, "x" * 100_000, "")
    if method == "get":
        return method, lambda: index.get(article), {"_text": article}
    query = f.text() if r.random() < 0.7 else None
    return method, lambda: index.read(article, query), {"_text": article, "query": query}


def fuzz(index: NewsIndex, n: int, seed: int, slack: float, out: Any = sys.stdout) -> dict[str, Any]:
    """Run ``n`` fuzzed calls; the counts and the worst cases."""
    ids = index.matches("oil").ids[:50]
    f = Fuzzer(seed, ids)
    stats: dict[str, Any] = {"tried": 0, "raw": 0, "over": 0, "worst": 0.0, "worst_call": "", "examples": []}
    for number in range(n):
        method, call, kw = calls(f, index)
        limit = limit_of(kw)
        text = kw.pop("_text", None)
        started = time.monotonic()
        error = None
        try:
            call()
        except NewsSearchError:
            pass
        except Exception as exc:  # what the goal counts
            error = f"{type(exc).__name__}: {' '.join(str(exc).split())[:100]}"
        elapsed = time.monotonic() - started
        stats["tried"] += 1
        overrun = elapsed - (limit if limit is not None else 0.0)
        described = f"#{number} {method}({_short({'text': text, **kw})})"
        if overrun > stats["worst"]:
            stats["worst"], stats["worst_call"] = overrun, f"{described} took {elapsed:.1f}s"
        if error is not None:
            stats["raw"] += 1
            if len(stats["examples"]) < 8:
                stats["examples"].append(f"{described}: {error}")
        if overrun > slack:
            stats["over"] += 1
            if len(stats["examples"]) < 8:
                stats["examples"].append(f"{described}: {elapsed:.1f}s for a limit of {limit}")
        if (number + 1) % 500 == 0:
            print(
                f"  {number + 1} calls: {stats['raw']} non-NewsSearchError, {stats['over']} over",
                file=out,
                flush=True,
            )
    return stats


def _short(kw: dict[str, Any]) -> str:
    def text(value: Any) -> str:
        try:
            return repr(value)[:40]
        except Exception:  # a datetime whose zone misbehaves
            return f"<{type(value).__name__}>"

    return ", ".join(f"{k}={text(v)}" for k, v in kw.items())


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.fault_limits", description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300, help="fuzzed calls (the issue's row: 6000)")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument(
        "--slack", type=float, default=2.0, help="seconds past the limit that count as a failure"
    )
    parser.add_argument("--index", type=Path, help="a Reuters-21578 index to reuse (else one is built)")
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    made = None
    if args.index is None:
        source = args.corpora / "reuters21578"
        if not source.is_dir():
            print(f"skipped: no Reuters-21578 at {source} (pass --corpora or --index)")
            return 0
        made = Path(tempfile.mkdtemp(prefix="newssearch-limits-"))
        print(f"building a Reuters-21578 index in {made} ...", flush=True)
        NewsIndex.rebuild(made / "index", [source])
        args.index = made / "index"
    try:
        with NewsIndex(args.index) as index:
            started = time.monotonic()
            stats = fuzz(index, args.calls, args.seed, args.slack)
            took = time.monotonic() - started
    finally:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)
    failed = stats["raw"] + stats["over"]
    print(f"\n{'row':<62} {'tried':>6} {'failed':>6} {'lost':>5}  measured")
    row = "fuzzed API calls (hostile and valid options)"
    print(
        f"{row:<62} {stats['tried']:>6} {failed:>6} {0:>5}  {stats['raw']} non-NewsSearchError, "
        f"{stats['over']} over {args.slack:g} s past the limit; worst overrun {max(stats['worst'], 0):.2f} s"
    )
    print(f"(seed {args.seed}, {took:.0f} s; worst: {stats['worst_call'][:200]})")
    for example in stats["examples"]:
        print(f"  {example[:300]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
