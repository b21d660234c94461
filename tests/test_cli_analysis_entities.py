"""The CLI's co-occurrence, ``query --facets``, the entity filters, hostile names, piped output and ``index
--aliases``, on the hand-counted index of ``analysis_cli.py``."""

# ruff: noqa: F811  (the shared fixtures, imported, are the tests' parameters)

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from .analysis_cli import (  # noqa: F401  (fixtures among them)
    EVERY_STORY,
    HOSTILE,
    HOSTILE_STORED,
    STORIES,
    VACCINE_PEOPLE,
    as_json,
    csv_rows,
    headers,
    index,
    ok,
    refused,
    run,
    table,
    values,
)
from .helpers import invoke as cli

# --- cooccur --------------------------------------------------------------------------------------------------

# Pairs over all twelve stories: Helmut Kohl and Bonn are together in all six of his stories (s02 s05 s06 s09 s11 s12)
# and Bonn is in no other: 6, NPMI 1. Next, Margaret Thatcher and London: 4 (s01 s02 s04 s06), then Jacques Delors and
# Brussels: 3 (s04 s07 s10). Of people alone, only Kohl and Thatcher share more than one story: 2 (s02 s06).


def test_cooccur_top_pair(run):
    out = ok(run("cooccur", ""))
    assert table(out)[0] == ["Helmut Kohl", "person", "Bonn", "place", "6", "+1.00"]
    assert table(out)[1] == ["Margaret Thatcher", "person", "London", "place", "4", "+1.00"]
    document = as_json(run("cooccur", "", "-f", "json", "-n", "3"))
    assert document["total"] == 12
    assert [(p["a"], p["b"], p["count"], p["npmi"]) for p in document["pairs"]] == [
        ("Helmut Kohl", "Bonn", 6, 1.0), ("Margaret Thatcher", "London", 4, 1.0), ("Jacques Delors", "Brussels", 3, 1.0)
    ]  # fmt: skip


def test_cooccur_of_people(run):
    document = as_json(run("cooccur", "", "--kind", "people", "-f", "json"))
    pairs = document["pairs"]
    assert {p["a_kind"] for p in pairs} == {p["b_kind"] for p in pairs} == {"people"}
    assert ({pairs[0]["a"], pairs[0]["b"]}, pairs[0]["count"]) == ({"Helmut Kohl", "Margaret Thatcher"}, 2)
    assert all(p["count"] == 1 for p in pairs[1:])


def test_cooccur_with_one_name(run):
    # Margaret Thatcher's 4 stories: London in all 4; then 2 each of Bonn, Helmut Kohl, NATO, European Commission.
    document = as_json(run("cooccur", "", "--with", "Margaret Thatcher", "-f", "json"))
    pairs = document["pairs"]
    assert pairs and all("Margaret Thatcher" in (p["a"], p["b"]) for p in pairs)
    assert (pairs[0]["b"], pairs[0]["count"]) == ("London", 4)
    assert {p["b"] for p in pairs if p["count"] == 2} == {
        "Bonn",
        "Helmut Kohl",
        "NATO",
        "European Commission",
    }
    assert as_json(run("cooccur", "", "--with", "Thatcher", "-f", "json"))["pairs"] == pairs
    nobody = run("cooccur", "", "--with", "Nobody At All")
    assert nobody.exit_code == 0 and "no matching story names Nobody At All" in nobody.stderr


def test_cooccur_csv(run):
    rows = csv_rows(ok(run("cooccur", "", "-f", "csv", "-n", "2")))
    assert list(rows[0]) == ["query", "a", "a_kind", "b", "b_kind", "count", "npmi"]
    assert [(r["a"], r["b"], r["count"]) for r in rows] == [
        ("Helmut Kohl", "Bonn", "6"),
        ("Margaret Thatcher", "London", "4"),
    ]


def test_cooccur_gexf(run, tmp_path):
    out = ok(run("cooccur", "", "-f", "gexf", "-n", "2"))
    ns = {"g": "http://gexf.net/1.3"}
    root = ET.fromstring(out)
    labels = {n.get("id"): n.get("label") for n in root.iterfind(".//g:node", ns)}
    assert set(labels.values()) == {"Helmut Kohl", "Bonn", "Margaret Thatcher", "London"}
    edges = {
        (frozenset((labels[e.get("source")], labels[e.get("target")])), e.get("weight"))
        for e in root.iterfind(".//g:edge", ns)
    }
    assert edges == {
        (frozenset({"Helmut Kohl", "Bonn"}), "6"),
        (frozenset({"Margaret Thatcher", "London"}), "4"),
    }
    nx = pytest.importorskip("networkx")
    (tmp_path / "g.gexf").write_text(out, encoding="utf-8")
    graph = nx.read_gexf(tmp_path / "g.gexf")
    by_label = {data["label"]: node for node, data in graph.nodes(data=True)}
    assert graph[by_label["Helmut Kohl"]][by_label["Bonn"]]["weight"] == 6


def test_cooccur_graphml(run, tmp_path):
    out = ok(run("cooccur", "", "-f", "graphml", "-n", "1"))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ET.fromstring(out)
    labels = [d.text for d in root.iterfind(".//g:node/g:data[@key='label']", ns)]
    assert labels == ["Helmut Kohl", "Bonn"]
    assert [d.text for d in root.iterfind(".//g:edge/g:data[@key='weight']", ns)] == ["6"]
    nx = pytest.importorskip("networkx")
    (tmp_path / "g.graphml").write_text(out, encoding="utf-8")
    graph = nx.read_graphml(tmp_path / "g.graphml")
    assert sorted(data["label"] for _, data in graph.nodes(data=True)) == ["Bonn", "Helmut Kohl"]
    assert [data["weight"] for _, _, data in graph.edges(data=True)] == [6]


@pytest.mark.parametrize(
    "args, words",
    [(("cooccur", "", "--kind", "widgets"), ("widgets",)), (("cooccur", "", "-f", "dot"), ("dot",))],
)
def test_cooccur_mistakes_are_one_line_with_exit_code_2(run, args, words):
    refused(run(*args), *words)


# --- query --facets and the entity filters ----------------------------------------------------------------------


def test_query_facets_text_follow_the_hits(run):
    out = ok(run("query", "vaccine", "--facets"))
    last_hit = max(out.index(f"id: {story}") for story in ("s06", "s07", "s08", "s11"))
    titles = [
        out.index(f"{kind} in 4 stories matching “vaccine”")
        for kind in ("people", "orgs", "places", "sources")
    ]
    assert last_hit < titles[0] < titles[1] < titles[2] < titles[3]
    # orgs of s06 s07 s08 s11: WHO 3 (s07 s08 s11), NATO 1 (s06)
    assert ["World Health Organization", "3", "75.0%"] in table(out[titles[1] : titles[2]])
    # sources: AP 2 (s08 s11), BBC 1 (s07), Reuters 1 (s06)
    assert table(out[titles[3] :]) == [["AP", "2", "50.0%"], ["BBC", "1", "25.0%"], ["Reuters", "1", "25.0%"]]


def test_query_facets_json(run):
    document = as_json(run("query", "vaccine", "--facets", "--json"))
    assert set(document["facets"]) == {"people", "orgs", "places", "sources"}
    assert {hit["id"] for hit in document["hits"]} == {"s06", "s07", "s08", "s11"}
    facets = {kind: [(v["name"], v["count"]) for v in found] for kind, found in document["facets"].items()}
    assert facets["people"] == [(n, c) for n, c, _ in VACCINE_PEOPLE]
    assert facets["orgs"] == [("World Health Organization", 3), ("NATO", 1)]
    # places of s06 s07 s08 s11: Bonn 2 (s06 s11), Brussels, London, Washington 1 each
    assert facets["places"] == [("Bonn", 2), ("Brussels", 1), ("London", 1), ("Washington", 1)]
    assert facets["sources"] == [("AP", 2), ("BBC", 1), ("Reuters", 1)]


@pytest.mark.parametrize("more", [("--all",), ("--format", "csv"), ("--count",), ("--exact",)])
def test_query_facets_with_an_export_or_count_is_refused(run, more):
    refused(run("query", "vaccine", "--facets", *more), "--facets")


def test_query_person_filters_the_hits(run):
    delors = as_json(run("query", "officials", "--person", "Jacques Delors", "--json"))
    assert {hit["id"] for hit in delors["hits"]} == {"s04", "s07", "s10"} and delors["total"] == 3
    # "Thatcher" reaches her four stories, the one that names her so and the three that give her full name
    thatcher = as_json(run("query", "officials", "--person", "Thatcher", "--json"))
    assert {hit["id"] for hit in thatcher["hits"]} == {"s01", "s02", "s04", "s06"}
    both = as_json(run("query", "officials", "--person", "Thatcher", "--org", "NATO", "--json"))
    assert {hit["id"] for hit in both["hits"]} == {"s01", "s06"}


def test_query_all_csv_with_a_place_exports_only_its_stories(run):
    rows = csv_rows(ok(run("query", "officials", "--all", "--format", "csv", "--place", "Brussels")))
    assert {row["id"] for row in rows} == {"s04", "s07", "s10"}  # Brussels: s04 s07 s10
    assert all("Brussels" in row["places"] for row in rows)


# --- hostile names ----------------------------------------------------------------------------------------------


def test_hostile_name_is_shown_literally_in_text(run):
    out = ok(run("top", "orgs", ""))
    assert [HOSTILE_STORED, "1", "8.3%"] in table(out)  # "[red]" shown, not turned into colour
    assert "\x1b" not in out
    hits = ok(run("query", "tender"))  # s10 alone
    assert f"Orgs: European Commission, {HOSTILE_STORED}" in hits and "\x1b" not in hits
    pairs = ok(run("cooccur", "", "--with", HOSTILE_STORED))
    assert "[red]Evil[/red]" in pairs and "\x1b" not in pairs


def test_hostile_name_is_data_in_json_csv_and_xml(run):
    orgs = as_json(run("top", "orgs", "", "-f", "json"))
    assert orgs["values"][-1]["name"] == HOSTILE_STORED
    rows = csv_rows(ok(run("top", "orgs", "", "-f", "csv")))
    assert rows[-1]["name"] == HOSTILE_STORED
    graph = ET.fromstring(ok(run("cooccur", "", "--with", HOSTILE_STORED, "-f", "gexf")))
    assert HOSTILE_STORED in {n.get("label") for n in graph.iter("{http://gexf.net/1.3}node")}
    # the hostile org's only story, s10, names Jacques Delors, Brussels and the European Commission
    assert {(p["a"], p["b"]) for p in as_json(run("cooccur", "", "--with", HOSTILE_STORED, "-f", "json"))["pairs"]} == {
        (HOSTILE_STORED, "Jacques Delors"), (HOSTILE_STORED, "European Commission"), (HOSTILE_STORED, "Brussels")
    }  # fmt: skip


def test_hostile_query_is_echoed_literally(run):
    out = ok(run("top", "people", "[bold]x[/bold]\x1b[31m"))
    assert "[bold]x[/bold]" in out and "\x1b" not in out


# --- piped output -----------------------------------------------------------------------------------------------


def test_piped_output_through_a_real_pipe(index, tmp_path):
    """The command run as a user pipes it (``newssearch top people '' | cat``): plain text, no escapes, exit 0."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")
    }

    def piped(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "newssearch", *args, "--index", str(index)]
        return subprocess.run(command, capture_output=True, cwd=tmp_path, timeout=60, env=env)

    done = piped("top", "people", "")
    assert done.returncode == 0, done.stderr.decode()
    assert b"\x1b" not in done.stdout and done.stderr == b""
    assert table(done.stdout.decode("utf-8"))[0] == ["Helmut Kohl", "6", "50.0%"]
    timeline = piped("timeline", "vaccine", "--by", "month", "-f", "csv")
    assert timeline.returncode == 0, timeline.stderr.decode()
    assert [r["period"] for r in csv_rows(timeline.stdout.decode())] == ["2021-01", "2021-02", "2021-03"]


# --- index --aliases ----------------------------------------------------------------------------------------------

# Four plain-text stories: Margaret Thatcher is named in a1 and a2 (with "Mrs Thatcher"), and only as "Mrs Thatcher"
# in a3; a4 names Helmut Kohl alone. With the aliases, all three Thatcher stories count under "Iron Lady".
CORPUS = {
    "a1.txt": "Thatcher wins a third term\n\nDate: 1987-06-12\n\nLONDON (Reuters) - Margaret Thatcher won a third term "
    "as prime minister on Thursday, officials said.\n\nMrs Thatcher thanked voters in Finchley.\n",
    "a2.txt": "Thatcher meets Reagan in Washington\n\nDate: 1987-07-17\n\nWASHINGTON (Reuters) - Margaret Thatcher met "
    "Ronald Reagan at the White House on Friday.\n\nMrs Thatcher and Ronald Reagan discussed arms control.\n",
    "a3.txt": "Prime minister defends budget\n\nDate: 1987-08-03\n\nLONDON (Reuters) - Mrs Thatcher defended the budget "
    "in parliament on Monday.\n\nMrs Thatcher said taxes would fall.\n",
    "a4.txt": "Kohl visits Paris\n\nDate: 1987-09-01\n\nPARIS (Reuters) - Helmut Kohl met French officials in Paris on "
    "Tuesday.\n\nHelmut Kohl praised the alliance.\n",
}
ALIASES = "# newssearch aliases\nperson: Iron Lady = Margaret Thatcher, Thatcher, Mrs Thatcher\n"


@pytest.fixture
def aliased(tmp_path):
    """The corpus indexed with the alias file: (corpus folder, index folder)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in CORPUS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    (tmp_path / "aliases.txt").write_text(ALIASES, encoding="utf-8")
    index = tmp_path / "aliased-index"
    ok(cli("index", corpus, "--index", index, "--aliases", tmp_path / "aliases.txt"))
    return corpus, index


def people(index: Path, *more: str) -> dict:
    return as_json(cli("top", "people", "", "--index", index, "-f", "json", *more))


def test_index_with_aliases_counts_under_the_alias_name(aliased):
    _, index = aliased
    found = people(index)
    assert found["total"] == 4
    assert values(found)[0] == ("Iron Lady", 3, 0.75)  # a1, a2, a3
    assert not {"Margaret Thatcher", "Thatcher", "Mrs Thatcher"} & {name for name, _, _ in values(found)}
    assert "Iron Lady" in ok(cli("top", "people", "", "--index", index))
    # a typed variant reaches the alias's stories, as the alias's own name does
    for typed in ("Iron Lady", "Thatcher", "Margaret Thatcher"):
        assert people(index, "--person", typed)["total"] == 3, typed
    kept = json.loads((index / "newssearch-aliases.json").read_text(encoding="utf-8"))
    assert kept["text"] == ALIASES


def test_a_later_index_run_keeps_the_aliases(aliased):
    corpus, index = aliased
    (corpus / "a5.txt").write_text(
        "Thatcher opens a bridge\n\nDate: 1987-10-05\n\nLONDON (Reuters) - Margaret Thatcher opened a bridge on Monday.\n",
        encoding="utf-8",
    )
    before = (index / "newssearch-aliases.json").read_bytes()
    result = cli("index", corpus, "--index", index)
    assert "1 added" in ok(result)
    assert (index / "newssearch-aliases.json").read_bytes() == before
    found = people(index)
    assert found["total"] == 5 and values(found)[0] == ("Iron Lady", 4, 0.8)  # a5 joins a1-a3


@pytest.mark.parametrize(
    "text, words",
    [
        ("# aliases\nperson: Iron Lady = Margaret Thatcher\nthis line has no equals sign\n", ("line 3",)),
        ("widget: Iron Lady = Thatcher\n", ("line 1", "widget")),
        ("person: Iron Lady =\n", ("line 1",)),
    ],
)
def test_a_bad_alias_file_changes_nothing(aliased, tmp_path, text, words):
    corpus, index = aliased
    (corpus / "a6.txt").write_text(
        "Kohl opens a bridge\n\nDate: 1987-10-06\n\nBONN (Reuters) - Helmut Kohl opened a bridge on Tuesday.\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.txt"
    bad.write_text(text, encoding="utf-8")
    before = {path.name: path.read_bytes() for path in index.iterdir() if path.is_file()}
    line = refused(cli("index", corpus, "--index", index, "--aliases", bad), "bad.txt", *words)
    assert "Traceback" not in line
    assert {path.name: path.read_bytes() for path in index.iterdir() if path.is_file()} == before
    found = people(index)
    assert found["total"] == 4 and values(found)[0] == ("Iron Lady", 3, 0.75)  # a6 was not indexed
