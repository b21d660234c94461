"""Copies grouped as they are written: by a whole build, run by run, through the API, after deletions."""

import hashlib
import shutil
from collections import defaultdict

from newssearch import NewsIndex
from newssearch.models import Article

from .helpers import CORPORA, DATA, needs_corpora

FOLDER = DATA / "reprints"


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
        assert index.count("dockworkers", reprints=False) == 1 and index.count("dockworkers") == 2
        # Replaced by a story of its own, an article leaves the group.
        index.add(
            [Article(id="c-copy", headline="Harbour news", body="Tugs and pilots at work in a quiet port.")]
        )
        assert index.search("dockworkers strike").hits[0].versions == 0


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
        said = index.matches("said").ids
        assert index.count("said") == len(said) > 1000
        assert index.count("said", reprints=False) == len({group[i] for i in said}) < len(said)
