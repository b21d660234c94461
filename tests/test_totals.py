"""One query, one number: ``search``, ``iter_search``, ``count`` and ``matches`` count stories (near-identical
copies once) by default, and every copy with ``all_versions=True``; the CLI's ``--count`` prints both."""

import pytest

from newssearch import NewsIndex

from .helpers import DATA, invoke

QUERIES = ["Rotterdam", "dockworkers strike", "copper smelter", "Shr cts", "grain ships Portland", "Reuters"]


@pytest.fixture(scope="module")
def wire(tmp_path_factory):
    """Wire stories with their reprints, shortened copies and corrections (two folders: two commits)."""
    path = tmp_path_factory.mktemp("totals") / "ix"
    with NewsIndex.create(path) as ix:
        ix.update([DATA / "reprints"])
        ix.update([DATA / "reprints", DATA / "reprints_wire"])
    return path


def _numbers(ix: NewsIndex, text: str, **options) -> dict[str, int]:
    every = {"all_versions": True}
    return {
        "search": ix.search(text, **options).total,
        "iter_search": ix.iter_search(text, **options).total,
        "count": ix.count(text, **options),
        "matches": len(ix.matches(text, **options)),
        "search all_versions": ix.search(text, **options, **every).total,
        "with_reprints": ix.search(text, **options).with_reprints or 0,
        "iter_search all_versions": ix.iter_search(text, **options, **every).total,
        "count all_versions": ix.count(text, **options, **every),
        "matches all_versions": len(ix.matches(text, **options, **every)),
    }


def _agree(numbers: dict[str, int]) -> tuple[int, int]:
    stories = {v for k, v in numbers.items() if k in ("search", "iter_search", "count", "matches")}
    copies = {v for k, v in numbers.items() if k not in ("search", "iter_search", "count", "matches")}
    assert len(stories) == 1 and len(copies) == 1, numbers
    return stories.pop(), copies.pop()


@pytest.mark.parametrize("bounds", [{}, {"since": "2024-03-17"}, {"until": "2024-03-05"}])
def test_every_total_counts_stories_and_all_versions_counts_copies(wire, bounds):
    with NewsIndex.open(wire) as ix:
        found = {text: _agree(_numbers(ix, text, **bounds)) for text in QUERIES}
    assert any(stories < copies for stories, copies in found.values()), found  # the fixture has reprints
    assert all(stories <= copies for stories, copies in found.values())


def test_matches_lists_the_copy_a_search_shows(wire):
    with NewsIndex.open(wire) as ix:
        for text in QUERIES:
            shown = {hit.id for hit in ix.iter_search(text, snippets=False, kwic=False)}
            found = ix.matches(text)
            assert set(found.ids) == shown and len(found.ids) == len(shown), text
            every = ix.matches(text, all_versions=True)
            assert set(found.ids) <= set(every.ids)
            assert dict(found).items() <= dict(every).items()  # each story with its own date
        strike = ix.matches("dockworkers strike").ids  # the earliest copy
        assert "reprints/strike_0912.txt" in strike and "reprints/strike_1140.txt" not in strike


def test_cli_count_prints_stories_then_copies_as_before(wire):
    with NewsIndex.open(wire) as ix:
        stories, copies = ix.count("Rotterdam"), ix.count("Rotterdam", all_versions=True)
    assert stories < copies
    out = invoke("query", "Rotterdam", "--index", wire, "--count")
    assert out.exit_code == 0 and out.stdout == f"{stories} ({copies} with reprints)\n"
    every = invoke("query", "Rotterdam", "--index", wire, "--count", "--all-versions")
    assert every.exit_code == 0 and every.stdout == f"{copies}\n"


@pytest.mark.slow
def test_bbc_totals_agree(bbc_index):
    """BBC News repeats about 170 stories (98 byte for byte): each query's four totals are one number."""
    with NewsIndex.open(bbc_index) as ix:
        queries = ("film", "election", '"Tony Blair"', "person:Blair")
        found = {text: _agree(_numbers(ix, text)) for text in queries}
    assert all(stories < copies for stories, copies in found.values()), found
