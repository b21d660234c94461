"""A co-occurrence result as a graph file for Gephi, networkx, igraph or Cytoscape: GEXF 1.3 or GraphML."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from typing import TextIO

from newssearch.analyze.results import Cooccurrence

GEXF_NS = "http://gexf.net/1.3"
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
_XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
#: What XML 1.0 does not allow in a document at all, escaped or not: most control characters, lone surrogates
#: and U+FFFE/U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (markup is left to ElementTree to escape)."""
    return _NOT_XML.sub("", text)


def _double(value: float) -> str:
    """A float as ``xs:double`` writes it (``NaN``, ``INF``, ``-INF`` for the non-finite ones)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    return repr(float(value))


_Node = tuple[str, str, str, int | None]
_Edge = tuple[str, str, int, float]


def _graph(result: Cooccurrence) -> tuple[list[_Node], list[_Edge]]:
    """Nodes ``(id, name, kind, count)`` and edges ``(source, target, weight, npmi)``: one node per distinct
    (name, kind); an entity of the pairs missing from ``result.nodes`` is added with its count unknown (None)."""
    ids: dict[tuple[str, str], str] = {}
    nodes: list[_Node] = []

    def node(name: str, kind: str, count: int | None) -> str:
        key = (name, kind)
        if key not in ids:
            ids[key] = f"n{len(nodes)}"
            nodes.append((ids[key], name, kind, count))
        return ids[key]

    for value in result.nodes:
        node(value.name, value.kind, value.count)
    edges = [(node(p.a, p.a_kind, None), node(p.b, p.b_kind, None), p.count, p.npmi) for p in result.pairs]
    return nodes, edges


def _write(root: ET.Element, out: TextIO) -> None:
    ET.indent(root)
    out.write(_DECLARATION)
    out.write(ET.tostring(root, encoding="unicode"))
    out.write("\n")


def write_gexf(result: Cooccurrence, out: TextIO) -> None:
    """Write ``result`` as a GEXF 1.3 undirected graph to ``out`` (a text stream that encodes UTF-8): nodes with
    a label and the attributes kind and count (left out where unknown), edges weighted by count with the
    attribute npmi."""
    nodes, edges = _graph(result)
    root = ET.Element("gexf", {
        "xmlns": GEXF_NS, "xmlns:xsi": _XSI_NS, "xsi:schemaLocation": f"{GEXF_NS} {GEXF_NS}/gexf.xsd",
        "version": "1.3",
    })  # fmt: skip
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "creator").text = "newssearch"
    if result.query:
        ET.SubElement(meta, "description").text = xml_text(result.query)
    graph = ET.SubElement(root, "graph", defaultedgetype="undirected", mode="static")
    node_attributes = ET.SubElement(graph, "attributes", {"class": "node", "mode": "static"})
    ET.SubElement(node_attributes, "attribute", id="kind", title="kind", type="string")
    ET.SubElement(node_attributes, "attribute", id="count", title="count", type="integer")
    edge_attributes = ET.SubElement(graph, "attributes", {"class": "edge", "mode": "static"})
    ET.SubElement(edge_attributes, "attribute", id="npmi", title="npmi", type="double")
    nodes_element = ET.SubElement(graph, "nodes")
    for node_id, name, kind, count in nodes:
        node = ET.SubElement(nodes_element, "node", id=node_id, label=xml_text(name))
        values = ET.SubElement(node, "attvalues")
        ET.SubElement(values, "attvalue", {"for": "kind", "value": xml_text(kind)})
        if count is not None:
            ET.SubElement(values, "attvalue", {"for": "count", "value": str(count)})
    edges_element = ET.SubElement(graph, "edges")
    for number, (source, target, weight, npmi) in enumerate(edges):
        edge = ET.SubElement(
            edges_element, "edge", id=f"e{number}", source=source, target=target, weight=str(weight)
        )
        values = ET.SubElement(edge, "attvalues")
        ET.SubElement(values, "attvalue", {"for": "npmi", "value": _double(npmi)})
    _write(root, out)


def write_graphml(result: Cooccurrence, out: TextIO) -> None:
    """Write ``result`` as an undirected GraphML graph to ``out`` (a text stream that encodes UTF-8): nodes with
    the data label, kind and count (left out where unknown), edges with weight (the count) and npmi."""
    nodes, edges = _graph(result)
    root = ET.Element("graphml", {
        "xmlns": GRAPHML_NS, "xmlns:xsi": _XSI_NS,
        "xsi:schemaLocation": f"{GRAPHML_NS} {GRAPHML_NS}/1.0/graphml.xsd",
    })  # fmt: skip
    for key, domain, kind in (
        ("label", "node", "string"), ("kind", "node", "string"), ("count", "node", "int"),
        ("weight", "edge", "int"), ("npmi", "edge", "double"),
    ):  # fmt: skip
        ET.SubElement(root, "key", {"id": key, "for": domain, "attr.name": key, "attr.type": kind})
    graph = ET.SubElement(root, "graph", id="G", edgedefault="undirected")
    if result.query:
        ET.SubElement(graph, "desc").text = xml_text(result.query)

    def data(parent: ET.Element, key: str, value: str) -> None:
        ET.SubElement(parent, "data", key=key).text = value

    for node_id, name, kind, count in nodes:
        node = ET.SubElement(graph, "node", id=node_id)
        data(node, "label", xml_text(name))
        data(node, "kind", xml_text(kind))
        if count is not None:
            data(node, "count", str(count))
    for number, (source, target, weight, npmi) in enumerate(edges):
        edge = ET.SubElement(graph, "edge", id=f"e{number}", source=source, target=target)
        data(edge, "weight", str(weight))
        data(edge, "npmi", _double(npmi))
    _write(root, out)
