"""The report's quality sections: relevance, and entity extraction against the Reuters-21578 labels (with its
capitalised and title-case parts)."""

from __future__ import annotations

from benchmarks.metrics import MEASURE_NAMES
from benchmarks.report_format import LABELS, _best, _num, _table


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
