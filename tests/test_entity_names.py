"""Entity names as people type them (``place:UK``, ``org:OPEC``) and as stories write them (an organisation's
acronym and its expansion): one name in the index, the same name at query time."""

from __future__ import annotations

from pathlib import Path

import pytest

from newssearch import NewsIndex
from newssearch.engine.entities import canonical_names
from newssearch.extract import extract_entities

from .helpers import CORPORA, invoke, needs_corpora

STORIES = {
    "britain.txt": "Britain cuts interest rates\n\nThe Bank of England cut rates in Britain on Thursday.",
    "kyiv.txt": "Talks in Kyiv\n\nMinisters met in Kyiv on Monday to discuss gas supplies.",
    "opec-long.txt": "Oil ministers meet\n\nThe Organisation of Petroleum Exporting Countries met in Vienna.",
    "opec-both.txt": (
        "Cartel holds output\n\nThe Organization of Petroleum Exporting Countries (OPEC) kept output steady. "
        "OPEC ministers said prices were fair."
    ),
    "opec-short.txt": "OPEC talks\n\nOPEC ministers said prices were fair.",
    "usa.txt": "Jobs report\n\nEmployers in the United States added jobs in March.",
    "iea.txt": "Demand to rise\n\nThe International Energy Agency (IEA) said demand would rise.",
}


@pytest.fixture
def small_index(tmp_path: Path) -> Path:
    folder = tmp_path / "stories"
    folder.mkdir()
    for name, text in STORIES.items():
        (folder / name).write_text(text, encoding="utf-8")
    path = tmp_path / "index"
    with NewsIndex.create(path) as ix:
        ix.update([folder])
    return path


@pytest.mark.parametrize(
    ("body", "org"),
    [
        ("The Organization of Petroleum Exporting Countries (OPEC) met. OPEC said so.", "OPEC"),
        ("The Organisation of Petroleum Exporting Countries met in Vienna.", "OPEC"),
        ("The North Atlantic Treaty Organisation (Nato) met.", "NATO"),
        # Another pair is named by both, so that either finds it: initials = acronym, or "Expansion (ACRONYM)".
        (
            "The International Energy Agency (IEA) said demand would rise. The IEA said so.",
            "International Energy Agency (IEA)",
        ),
        ("General Motors said sales rose. GM shares fell.", "General Motors (GM)"),
        ("The Federal Bureau of Prisons (BOP) moved them.", "Federal Bureau of Prisons (BOP)"),
        # the bracket is found however often the acronym comes back later
        ("The Office of Fair Trading (OFTX) said so. Later, OFTX said no.", "Office of Fair Trading (OFTX)"),
        ("The International Energy Agency said demand would rise.", "International Energy Agency"),
    ],
)
def test_an_acronym_and_its_expansion_are_one_organization(body: str, org: str) -> None:
    assert extract_entities("", body).organizations == [org]


@pytest.mark.parametrize(
    ("typed", "searched"),
    [
        ("place:UK", 'place:"United Kingdom"'),
        ("places:britain", 'places:"United Kingdom"'),
        ("oil place:USA", 'oil place:"United States"'),
        ("place:Kiev", "place:Kyiv"),
        ('org:"Organization of Petroleum Exporting Countries"', "org:OPEC"),
        ('org:"european union"', "org:EU"),
        ("org:Opec", "org:Opec"),  # the same name: the index matches it in any case
        ("org:Fed", 'org:"Federal Reserve"'),
        ('place:"United Kingdom"', 'place:"United Kingdom"'),  # already the index's name
        ("place:UK*", "place:UK*"),  # a wildcard is left as typed
        ("person:Blair", "person:Blair"),
    ],
)
def test_typed_names_are_the_index_names(typed: str, searched: str) -> None:
    notes: list[str] = []
    assert canonical_names(typed, notes) == searched
    assert bool(notes) is (typed != searched)


def test_typed_aliases_find_the_stories(small_index: Path) -> None:
    with NewsIndex.open(small_index) as ix:
        uk = ix.search("place:UK")
        assert [hit.id for hit in uk.hits] == ["stories/britain.txt"]
        assert any("United Kingdom" in note for note in uk.notes)
        assert ix.count("place:Britain") == ix.count('place:"United Kingdom"') == 1
        assert ix.count("place:USA") == 1
        assert ix.count("place:Kiev") == ix.count("place:Kyiv") == 1
        assert ix.count("org:OPEC") == 3
        assert ix.count('org:"Organisation of Petroleum Exporting Countries"') == 3
        assert ix.count("org:IEA") == ix.count('org:"International Energy Agency"') == 1


def test_typed_aliases_through_the_cli(small_index: Path) -> None:
    result = invoke("query", "place:UK", "--index", small_index, "--count")
    assert result.exit_code == 0, result.output
    assert result.stdout.split()[0] == "1"
    result = invoke("query", "org:OPEC", "--index", small_index, "--count")
    assert result.stdout.split()[0] == "3"


@needs_corpora
def test_bbc_place_aliases(tmp_path: Path) -> None:
    with NewsIndex.create(tmp_path / "bbc") as ix:
        ix.update([CORPORA / "bbc" / "politics"])
        full = ix.count('place:"United Kingdom"')
        assert full > 0
        for typed in ("place:UK", "place:Britain", "place:uk"):
            assert ix.count(typed) == full, typed
    counts = [
        invoke("query", q, "--index", tmp_path / "bbc", "--count")
        for q in ("place:Britain", 'place:"United Kingdom"')
    ]
    assert all(r.exit_code == 0 for r in counts)
    assert counts[0].stdout.split()[0] == counts[1].stdout.split()[0] != "0"
