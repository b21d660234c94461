"""Copies grouped as they are written: by a whole build, run by run, through the API, after deletions."""

import hashlib
import shutil
from collections import defaultdict

import pytest

from newssearch import NewsIndex
from newssearch.models import Article

from .helpers import CORPORA, DATA, needs_corpora

FOLDER = DATA / "reprints"


WIRE = DATA / "reprints_wire"
#: The wire fixtures' groups: a story with its shortened copy and its correction, a dividend with its correction;
#: another company's dividend and a daily report under one headline apart.
WIRE_GROUPS = {
    "smelter_1407.txt": "smelter_1407.txt",
    "smelter_1453.txt": "smelter_1407.txt",
    "smelter_1820_corrected.txt": "smelter_1407.txt",
    "dividend_acme.txt": "dividend_acme.txt",
    "dividend_beta.txt": "dividend_beta.txt",
    "dividend_beta_corrected.txt": "dividend_beta.txt",
    "grain_ships_0317.txt": "grain_ships_0317.txt",
    "grain_ships_0319.txt": "grain_ships_0319.txt",
}


def groups(index: NewsIndex) -> dict[str, str]:
    """file name -> file name of the group's key, for every article (each fixture has Source: Reuters)."""
    hits = index.search("source:Reuters", limit=100, all_versions=True).hits
    return {h.id.rsplit("/", 1)[-1]: str(h.group).rsplit("/", 1)[-1] for h in hits}


def test_a_build_groups_the_reprint_with_the_wire_and_keeps_the_rest_apart(tmp_path):
    with NewsIndex.create(tmp_path / "ix") as index:
        index.update([FOLDER])
        assert groups(index) == {
            "strike_0912.txt": "strike_0912.txt",
            "strike_1140.txt": "strike_0912.txt",
            "other_port.txt": "other_port.txt",
            "earnings_acme.txt": "earnings_acme.txt",
            "earnings_beta.txt": "earnings_beta.txt",
        }


def test_runs_one_file_at_a_time_give_the_groups_of_a_rebuild(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    with NewsIndex.create(tmp_path / "ix") as index:
        for path in sorted(FOLDER.iterdir()):  # the order a rebuild reads them in
            shutil.copy(path, corpus)
            index.update([corpus])
        step_by_step = groups(index)
    assert NewsIndex.rebuild(tmp_path / "again", [corpus]).added == 5
    with NewsIndex.open(tmp_path / "again") as index:
        assert groups(index) == step_by_step
    assert step_by_step["strike_1140.txt"] == "strike_0912.txt" and len(set(step_by_step.values())) == 4


def test_a_build_groups_shortened_copies_and_corrections_with_their_story(tmp_path):
    with NewsIndex.create(tmp_path / "ix") as index:
        index.update([WIRE])
        assert groups(index) == WIRE_GROUPS
        hits = index.search("Nordic Copper Haugland").hits
        assert [(h.id, h.versions) for h in hits] == [("reprints_wire/smelter_1407.txt", 2)]


def test_shortened_copies_and_corrections_are_found_in_the_index_run_by_run(tmp_path):
    corpus = tmp_path / "reprints_wire"
    corpus.mkdir()
    with NewsIndex.create(tmp_path / "ix") as index:
        for path in sorted(WIRE.iterdir()):  # each story looked up in the index, not among its own run
            shutil.copy(path, corpus)
            index.update([corpus])
        assert groups(index) == WIRE_GROUPS


def test_a_story_indexed_after_its_shortened_copy_and_correction_joins_them(tmp_path):
    corpus = tmp_path / "reprints_wire"
    corpus.mkdir()
    with NewsIndex.create(tmp_path / "ix") as index:
        for names in (["smelter_1820_corrected", "smelter_1453"], ["smelter_1407"]):
            for name in names:
                shutil.copy(WIRE / f"{name}.txt", corpus)
            index.update([corpus])
        found = groups(index)
        assert found["smelter_1407.txt"] == found["smelter_1453.txt"] == found["smelter_1820_corrected.txt"]


def test_a_reprint_indexed_before_the_wire_is_the_key_of_their_group(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    with NewsIndex.create(tmp_path / "ix") as index:
        for name in ("strike_1140", "strike_0912"):
            shutil.copy(FOLDER / f"{name}.txt", corpus)
            index.update([corpus])
        assert groups(index) == {"strike_1140.txt": "strike_1140.txt", "strike_0912.txt": "strike_1140.txt"}
        # The copy shown is the earliest-dated, whichever was indexed first.
        hits = index.search("Rotterdam dockworkers").hits
        assert [(h.id, h.versions) for h in hits] == [("corpus/strike_0912.txt", 1)]


def test_a_changed_first_copy_read_again_keeps_its_group(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(FOLDER, corpus)
    with NewsIndex.create(tmp_path / "ix") as index:
        index.update([corpus])
        wire = corpus / "strike_0912.txt"
        wire.write_text(wire.read_text().replace("14 container ships", "15 container ships"))
        report = index.update([corpus])
        assert report.updated == 1
        assert groups(index)["strike_0912.txt"] == groups(index)["strike_1140.txt"] == "strike_0912.txt"


def test_the_api_groups_added_copies_and_a_deleted_first_copy_leaves_the_others_grouped(tmp_path):
    wire = Article(
        id="a-wire", headline="Port strike", body=(FOLDER / "strike_0912.txt").read_text().split("\n\n", 2)[2]
    )
    second = Article(
        id="b-copy", headline="Port strike halts ships", body=wire.body.replace("2,400", "2,500")
    )
    third = Article(
        id="c-copy", headline="Port strike widens", body=wire.body.replace("14 container", "19 container")
    )
    with NewsIndex.create(tmp_path / "ix") as index:
        index.add([wire], extract=False)
        index.add([second, third], extract=False)
        results = index.search("dockworkers strike")
        assert results.total == 1 and results.with_reprints == 3
        assert (
            results.hits[0].id == "a-wire"
            and results.hits[0].versions == 2
            and results.hits[0].group == "a-wire"
        )
        assert index.delete(["a-wire"]) == 1
        results = index.search("dockworkers strike")
        assert results.total == 1 and results.with_reprints == 2
        assert results.hits[0].id == "b-copy" and results.hits[0].versions == 1
        assert index.count("dockworkers") == 1 and index.count("dockworkers", all_versions=True) == 2
        # Replaced by a story of its own, an article leaves the group.
        index.add(
            [Article(id="c-copy", headline="Harbour news", body="Tugs and pilots at work in a quiet port.")]
        )
        assert index.search("dockworkers strike").hits[0].versions == 0


def test_a_read_error_while_grouping_fails_the_write_and_writes_nothing(tmp_path, monkeypatch):
    """The grouper reads the index's word counts: an error there must not read as "no copy" and group a copy
    apart for good."""
    from whoosh.reading import SegmentReader

    wire = Article(
        id="a-wire", headline="Port strike", body=(FOLDER / "strike_0912.txt").read_text().split("\n\n", 2)[2]
    )
    copy = Article(id="b-copy", headline="Port strike halts ships", body=wire.body.replace("2,400", "2,500"))
    with NewsIndex.create(tmp_path / "ix") as index:
        index.add([wire], extract=False)

        def failing(self, fieldname, text):
            raise OSError(5, "Input/output error")

        with monkeypatch.context() as patched:
            patched.setattr(SegmentReader, "doc_frequency", failing)
            with pytest.raises(OSError):
                index.add([copy], extract=False)
        assert len(index) == 1
        index.add([copy], extract=False)
        assert index.search("dockworkers strike").hits[0].versions == 1


@needs_corpora
def test_bbc_byte_identical_duplicates_are_each_one_group(tmp_path):
    bbc = CORPORA / "bbc"
    same: dict[str, list[str]] = defaultdict(list)
    for path in sorted(bbc.rglob("*.txt")):
        same[hashlib.sha256(path.read_bytes()).hexdigest()].append(path.relative_to(bbc.parent).as_posix())
    duplicates = [ids for ids in same.values() if len(ids) > 1]
    assert len(duplicates) >= 90
    NewsIndex.rebuild(tmp_path / "ix", [bbc])
    with NewsIndex.open(tmp_path / "ix") as index:
        searcher = index._store.searcher()
        group = {fields["id"]: fields.get("group", fields["id"]) for fields in searcher.all_stored_fields()}
        assert all(len({group[i] for i in ids}) == 1 for ids in duplicates)
        sizes = defaultdict(int)
        for key in group.values():
            sizes[key] += 1
        copies = [n for n in sizes.values() if n > 1]
        # 98 byte-identical groups, and about 70 more whose copies differ by a headline or a few words.
        assert len(duplicates) < len(copies) < 200
        said = index.matches("said", all_versions=True).ids
        assert index.count("said", all_versions=True) == len(said) > 1000
        assert index.count("said") == len({group[i] for i in said}) < len(said)


@needs_corpora
def test_reuters_shortened_copy_and_correction_are_grouped_with_their_originals(tmp_path):
    """reuters-6208 is a shortened copy of reuters-6177 (the same headline, 46 minutes later); reuters-2931
    corrects reuters-2774. Read with the rest of their files, each joins its original's group."""
    from newssearch.ingest.readers import read_articles

    folder = CORPORA / "reuters21578"
    articles = [
        article
        for name in ("reut2-002.sgm", "reut2-006.sgm")
        for article in read_articles(folder / name, folder).articles
    ]
    with NewsIndex.create(tmp_path / "ix") as index:
        index.add(articles, extract=False)
        group = {h.id: h.group for h in index.search("Mellon OR OAPEC", limit=100, all_versions=True).hits}
        assert group["reuters-6208"] == group["reuters-6177"] == "reuters-6177"
        assert group["reuters-2931"] == group["reuters-2774"] == "reuters-2774"
        shown = index.search("OAPEC Wattari 18 dlrs").hits[0]
        assert shown.id == "reuters-6177" and shown.versions == 1
