"""The graph files of a co-occurrence result (GEXF, GraphML) and the timeline charts (PNG, SVG)."""

from __future__ import annotations

import io
import math
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TextIO

import pytest

from newssearch.analyze.graphs import write_gexf, write_graphml
from newssearch.analyze.plot import plot_timelines
from newssearch.analyze.results import Cooccurrence, Pair, Period, Timeline, Value
from newssearch.errors import QueryError

HOSTILE = '<b>&"x\x01'
CLEAN = '<b>&"x'  # what is left of it in XML: the markup as text, the control character gone
GEXF = "{http://gexf.net/1.3}"
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
Writer = Callable[[Cooccurrence, TextIO], None]


def cooccurrence() -> Cooccurrence:
    return Cooccurrence(
        query="oil & <opec>\x02",
        total=40,
        nodes=[
            Value(HOSTILE, 12, 0.3, "people"),
            Value("Oslo", 8, 0.2, "places"),
            Value("OPEC", 20, 0.5, "orgs"),
        ],
        pairs=[
            Pair(HOSTILE, "people", "Oslo", "places", 5, 0.4321),
            Pair("OPEC", "orgs", HOSTILE, "people", 7, -0.25),
            Pair("OPEC", "orgs", "Kuwait", "places", 3, 0.125),  # Kuwait is not among the nodes
        ],
    )


def written(writer: Writer, result: Cooccurrence) -> str:
    out = io.StringIO()
    writer(result, out)
    return out.getvalue()


def test_gexf_is_well_formed_and_holds_the_graph() -> None:
    text = written(write_gexf, cooccurrence())
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert "\x01" not in text and "\x02" not in text
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{GEXF}gexf" and root.get("version") == "1.3"
    graph = root.find(f"{GEXF}graph")
    assert graph is not None and graph.get("defaultedgetype") == "undirected"
    classes = {a.get("class"): {x.get("title") for x in a} for a in graph.findall(f"{GEXF}attributes")}
    assert classes == {"node": {"kind", "count"}, "edge": {"npmi"}}
    nodes = graph.findall(f"{GEXF}nodes/{GEXF}node")
    assert [n.get("label") for n in nodes] == [CLEAN, "Oslo", "OPEC", "Kuwait"]
    assert len({n.get("id") for n in nodes}) == 4
    ids = {n.get("label"): n.get("id") for n in nodes}
    edges = graph.findall(f"{GEXF}edges/{GEXF}edge")
    assert [(e.get("source"), e.get("target"), e.get("weight")) for e in edges] == [
        (ids[CLEAN], ids["Oslo"], "5"), (ids["OPEC"], ids[CLEAN], "7"), (ids["OPEC"], ids["Kuwait"], "3"),
    ]  # fmt: skip


def test_gexf_reads_in_networkx() -> None:
    nx = pytest.importorskip("networkx")
    graph = nx.read_gexf(io.BytesIO(written(write_gexf, cooccurrence()).encode("utf-8")))
    assert not graph.is_directed()
    assert graph.number_of_nodes() == 4 and graph.number_of_edges() == 3
    by_label = {data["label"]: (node, data) for node, data in graph.nodes(data=True)}
    assert set(by_label) == {CLEAN, "Oslo", "OPEC", "Kuwait"}
    hostile, data = by_label[CLEAN]
    assert data["kind"] == "people" and data["count"] == 12
    assert by_label["OPEC"][1]["count"] == 20
    assert "count" not in by_label["Kuwait"][1]  # unknown: not among the result's nodes
    assert by_label["Kuwait"][1]["kind"] == "places"
    edge = graph.edges[hostile, by_label["Oslo"][0]]
    assert edge["weight"] == 5 and edge["npmi"] == pytest.approx(0.4321)
    edge = graph.edges[by_label["OPEC"][0], hostile]  # undirected: either way round
    assert edge["weight"] == 7 and edge["npmi"] == pytest.approx(-0.25)


def test_graphml_is_well_formed_and_holds_the_graph() -> None:
    text = written(write_graphml, cooccurrence())
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert "\x01" not in text and "\x02" not in text
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{GRAPHML}graphml"
    keys = {(k.get("for"), k.get("attr.name"), k.get("attr.type")) for k in root.findall(f"{GRAPHML}key")}
    assert keys == {
        ("node", "label", "string"), ("node", "kind", "string"), ("node", "count", "int"),
        ("edge", "weight", "int"), ("edge", "npmi", "double"),
    }  # fmt: skip
    graph = root.find(f"{GRAPHML}graph")
    assert graph is not None and graph.get("edgedefault") == "undirected"
    assert len(graph.findall(f"{GRAPHML}node")) == 4
    assert len(graph.findall(f"{GRAPHML}edge")) == 3


def test_graphml_reads_in_networkx() -> None:
    nx = pytest.importorskip("networkx")
    graph = nx.read_graphml(io.BytesIO(written(write_graphml, cooccurrence()).encode("utf-8")))
    assert not graph.is_directed()
    assert graph.number_of_nodes() == 4 and graph.number_of_edges() == 3
    by_label = {data["label"]: (node, data) for node, data in graph.nodes(data=True)}
    assert set(by_label) == {CLEAN, "Oslo", "OPEC", "Kuwait"}
    hostile, data = by_label[CLEAN]
    assert data == {"label": CLEAN, "kind": "people", "count": 12}
    assert by_label["Kuwait"][1] == {"label": "Kuwait", "kind": "places"}
    edges = {frozenset((a, b)): data for a, b, data in graph.edges(data=True)}
    edge = edges[frozenset((hostile, by_label["Oslo"][0]))]
    assert edge["weight"] == 5 and edge["npmi"] == pytest.approx(0.4321)
    edge = edges[frozenset((by_label["OPEC"][0], by_label["Kuwait"][0]))]
    assert edge["weight"] == 3 and edge["npmi"] == pytest.approx(0.125)


@pytest.mark.parametrize("writer", [write_gexf, write_graphml])
def test_graph_edge_cases(writer: Writer) -> None:
    """An empty result, a duplicated node, a name of control characters only, a non-finite npmi."""
    ET.fromstring(written(writer, Cooccurrence(query="", total=0)).encode("utf-8"))
    result = Cooccurrence(
        query="q", total=3,
        nodes=[Value("A", 2, 0.5, "orgs"), Value("A", 2, 0.5, "orgs"), Value("\x00\x1b\ufffe", 1, 0.1, "orgs")],
        pairs=[Pair("A", "orgs", "\x00\x1b\ufffe", "orgs", 1, float("nan"))],
    )  # fmt: skip
    text = written(writer, result)
    root = ET.fromstring(text.encode("utf-8"))
    assert len(root.findall(".//{*}node")) == 2
    assert "NaN" in text
    nx = pytest.importorskip("networkx")
    read = nx.read_gexf if writer is write_gexf else nx.read_graphml
    graph = read(io.BytesIO(text.encode("utf-8")))
    assert graph.number_of_nodes() == 2
    assert math.isnan(next(iter(graph.edges(data=True)))[2]["npmi"])


def timelines() -> list[Timeline]:
    counts = [3, 5, 20, 4, 2, 9, 1]
    periods = [
        Period(f"1987-{m:02d}", date(1987, m, 1), date(1987, m, 28), c, 100) for m, c in enumerate(counts, 1)
    ]
    return [
        Timeline("oil prices", "month", sum(counts), periods, peaks=["1987-03", "1987-06"]),
        Timeline("$coffee$ <&>\x03", "month", 4, periods[2:3], peaks=["1987-03"]),  # one period
        Timeline("nothing dated", "month", 0, []),
    ]


def test_plot_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    path = tmp_path / "chart.png"
    plot_timelines(timelines(), path)
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    path = tmp_path / "share.PNG"
    plot_timelines(timelines(), path, share=True)
    assert path.read_bytes().startswith(b"\x89PNG")


def test_plot_svg(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    path = tmp_path / "chart.svg"
    plot_timelines(timelines(), path, share=True)
    text = path.read_text(encoding="utf-8")
    assert ET.fromstring(text.encode("utf-8")).tag == "{http://www.w3.org/2000/svg}svg"
    assert "oil prices" in text and "nothing dated" in text and "1987-03" in text
    assert "\x03" not in text


@pytest.mark.parametrize("series", [[], [Timeline("none", "year", 0, [])], timelines()[1:2]])
def test_plot_empty_and_single(tmp_path: Path, series: list[Timeline]) -> None:
    pytest.importorskip("matplotlib")
    path = tmp_path / "chart.svg"
    plot_timelines(series, path)
    text = path.read_text(encoding="utf-8")
    ET.fromstring(text.encode("utf-8"))
    assert ("no dated matching stories" in text) == (not any(t.periods for t in series))


@pytest.mark.parametrize("name", ["chart.pdf", "chart", "chart.png.txt"])
def test_plot_bad_suffix(tmp_path: Path, name: str) -> None:
    with pytest.raises(QueryError, match=r"\.png or \.svg"):
        plot_timelines(timelines(), tmp_path / name)
    assert not (tmp_path / name).exists()


def test_plot_without_matplotlib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(QueryError) as caught:
        plot_timelines(timelines(), tmp_path / "chart.png")
    assert str(caught.value) == '--plot needs matplotlib: pip install "newssearch[plot]"'
    assert not (tmp_path / "chart.png").exists()
