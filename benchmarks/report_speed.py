"""The report's speed sections: build and query times, match sets, newssearch against its peers, growth, the CLI
as a whole process, incremental re-indexing."""

from __future__ import annotations

from benchmarks.metrics import ratio
from benchmarks.report_format import LABELS, _best, _lat, _num, _table, _with_ratio


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
    timed = [(LABELS.get(key, key), m) for key, m in sets.items() if "p50_ms" in m]
    timed += [(f"{LABELS.get(key, key)} (count)", m["count"]) for key, m in sets.items() if "count" in m]
    rows = [
        [
            label,
            _num(m["mean_matches"], 0),
            _num(m["p50_ms"], 2),
            _num(m["p95_ms"], 2),
            str(m["big_queries"]),
            _num(m["big_p50_ms"], 2),
            _num(m["big_max_ms"], 2),
        ]
        for label, m in timed
    ]
    return [
        "Match sets: every matching id (newssearch `matches()`: ids and dates; FTS5: `SELECT id ... MATCH`), "
        'same queries; "≥5%": the queries matching at least 5% of the stories. "(count)": the number of matches '
        "alone (newssearch `count()`; FTS5: `SELECT count(*) ... MATCH`).",
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


def growth_match_sets_section(growth: dict) -> list[str]:
    """Every matching id of each query (counts, match sets) as the collection grows: p50 / p95 ms per system."""
    points = [p for p in growth["points"] if p.get("match_sets")]
    keys = list(dict.fromkeys(k for p in points for k in p["match_sets"]))
    if not keys:
        return []

    def cell(p: dict, k: str, kind: str | None) -> str:
        m = p["match_sets"].get(k, {})
        m = m.get(kind, {}) if kind else m
        if "p50_ms" not in m:
            return "–"
        return f"{_num(m['p50_ms'], 2)} / {_num(m['p95_ms'], 2)} / {_num(m['big_p50_ms'], 2)}"

    counted = [k for k in keys if any("count" in p["match_sets"].get(k, {}) for p in points)]
    rows = [
        [f"{p['docs']:,}", p["source"]]
        + [cell(p, k, None) for k in keys]
        + [cell(p, k, "count") for k in counted]
        for p in points
    ]
    header = (
        ["docs", "source"]
        + [f"{LABELS.get(k, k)}: match set p50 / p95 / ≥5% p50 ms" for k in keys]
        + [f"{LABELS.get(k, k)}: count p50 / p95 / ≥5% p50 ms" for k in counted]
    )
    return [
        "Every matching id of each query (what counts, exports and timelines read), same queries:",
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
