import copy
import json
import os
from datetime import datetime, timezone

import pytest

from newssearch import (
    Article,
    IndexIncompatibleError,
    IndexInterrupted,
    IndexNotFoundError,
    NewsIndex,
    ReadError,
)
from newssearch.index import META_FILE


@pytest.fixture
def built(corpus, index_path):
    with NewsIndex.create(index_path) as index:
        report = index.update([corpus])
    return report


def _touch_later(path, text):
    path.write_text(text)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))


def test_open_missing_index_raises(tmp_path):
    with pytest.raises(IndexNotFoundError):
        NewsIndex.open(tmp_path / "nothing")


def test_first_update_adds_every_article(built):
    # 4 text files (seed + 3) + 3 JSONL records + 2 JSON records
    assert built.added == 9 and built.updated == 0 and built.removed == 0
    assert built.files_read == 6
    assert {fmt: (c.files, c.articles) for fmt, c in built.formats.items()} == {
        "text": (4, 4),
        "jsonl": (1, 3),
        "json": (1, 2),
    }
    assert built.total == 9 and not built.skipped


def test_unchanged_corpus_is_skipped(built, corpus, index_path):
    with NewsIndex.open(index_path) as index:
        again = index.update([corpus])
    assert again.files_unchanged == 6 and again.files_read == 0
    assert not again.changed and again.total == 9


def test_change_add_and_delete_files(built, corpus, index_path):
    _touch_later(
        corpus / "storm.txt", "Volcano erupts near Naples\n\nDate: 2021-05-01\n\nLava reached the sea."
    )
    (corpus / "new.txt").write_text("Fresh story about glaciers\n\nIce melted.")
    (corpus / "election.txt").unlink()
    with NewsIndex.open(index_path) as index:
        report = index.update([corpus])
        assert (report.added, report.updated, report.removed) == (1, 1, 1)
        assert (report.files_read, report.files_removed, report.files_unchanged) == (2, 1, 4)
        assert report.total == 9
        assert index.search("volcano").hits[0].id == "corpus/storm.txt"
        assert index.search("typhoon").total == 0
        assert index.search("Bolsonaro").total == 0
        assert index.search("glaciers").hits[0].id == "corpus/new.txt"


def test_fewer_records_in_changed_file_removes_the_rest(built, corpus, index_path):
    _touch_later(
        corpus / "wires.jsonl", '{"id": "wire-1", "title": "Only one left", "text": "Still here."}\n'
    )
    with NewsIndex.open(index_path) as index:
        report = index.update([corpus])
        assert (report.updated, report.removed) == (1, 2)
        assert index.get("wire-2") is None
        assert index.get("wire-1").headline == "Only one left"


def test_bad_file_is_skipped_and_old_version_kept(built, corpus, index_path):
    _touch_later(corpus / "features.json", "{this is not json")
    with NewsIndex.open(index_path) as index:
        report = index.update([corpus])
        assert [(os.path.basename(p), "invalid JSON" in why) for p, why in report.skipped] == [
            ("features.json", True)
        ]
        assert index.search("Carlsen").total == 1  # indexed before, not lost
        assert report.total == 9


def test_indexing_a_single_file_leaves_the_rest(built, corpus, index_path):
    with NewsIndex.open(index_path) as index:
        report = index.update([corpus / "storm.txt"])
        assert report.removed == 0 and report.total == 9


def test_rebuild_reads_everything_again(built, corpus, index_path):
    with NewsIndex.open(index_path) as index:
        report = index.update([corpus], rebuild=True)
    assert report.rebuilt and report.added == 9 and report.files_read == 6 and report.total == 9


def test_interrupted_update_leaves_the_index_as_it_was(built, corpus, index_path):
    (corpus / "extra.txt").write_text("Extra story\n\nThe harbour reopened on Monday.")
    _touch_later(corpus / "storm.txt", "Replaced\n\nThe storm story was replaced.")

    def interrupt(done, total, path):
        if "storm" in path:  # progress counts bytes: stop at the second file read
            raise KeyboardInterrupt

    with NewsIndex.open(index_path) as index, pytest.raises(IndexInterrupted) as info:
        index.update([corpus], rebuild=True, progress=interrupt)
    assert info.value.committed is False
    with NewsIndex.open(index_path) as index:
        assert len(index) == 9
        assert index.search("typhoon").hits[0].id == "corpus/storm.txt"
        # and the next run picks up the changes
        report = index.update([corpus])
        assert report.added == 1 and report.updated == 1


def test_index_from_another_version_is_refused(built, index_path):
    (index_path / META_FILE).write_text('{"schema_version": -1}')
    with pytest.raises(IndexIncompatibleError, match="built by another version of newssearch"):
        NewsIndex.open(index_path)


def test_add_get_and_delete_articles(index_path):
    article = Article(
        id="api-1",
        headline="Parliament passes budget",
        body="The parliament passed the budget on Tuesday.",
        date=datetime(2023, 4, 4, 12, tzinfo=timezone.utc),
        source="Example Wire",
        people=["Jane Roe"],
    )
    with NewsIndex.create(index_path) as index:
        assert index.add([article]) == 1
        stored = index.get("api-1")
        assert stored.headline == article.headline and stored.date == article.date
        assert stored.people == ["Jane Roe"] and stored.source == "Example Wire"
        assert index.search("person:roe").hits[0].id == "api-1"
        assert index.search('source:"example wire"').total == 1
        assert index.delete(["api-1"]) == 1
        assert index.search("budget").total == 0


def test_add_extracts_entities_unless_told_not_to(index_path):
    story = "PARIS (Reuters) - President Emmanuel Macron met NATO officials in Brussels on Monday."
    with NewsIndex.create(index_path) as index:
        index.add([Article(id="a", headline="Macron meets NATO", body=story)])
        index.add([Article(id="b", headline="Macron meets NATO", body=story)], extract=False)
        a, b = index.get("a"), index.get("b")
    assert (a.place, a.source) == ("Paris", "Reuters")
    assert "Emmanuel Macron" in a.people and "NATO" in a.organizations and "Brussels" in a.places
    assert (b.place, b.people, b.organizations, b.places) == (None, [], [], [])


def test_add_leaves_the_callers_articles_unchanged(index_path):
    story = "PARIS (Reuters) - President Emmanuel Macron met NATO officials in Brussels on Monday.\x1b[2J"
    given = [Article(id="a\tb", headline="Macron\nmeets NATO", body=story, metadata={"k": ["v\x07"]})]
    before = copy.deepcopy(given)
    with NewsIndex.create(index_path) as index:
        index.add(given)
        stored = index.get("a b")
    assert given == before
    assert stored.place == "Paris" and "Emmanuel Macron" in stored.people and "\x1b" not in stored.body


def test_rebuild_replaces_an_index_from_another_version_from_python(built, corpus, index_path):
    (index_path / META_FILE).write_text('{"schema_version": -1}')
    with pytest.raises(IndexIncompatibleError):
        NewsIndex.open(index_path)
    report = NewsIndex.rebuild(index_path, [corpus])
    assert report.rebuilt and report.added == 9 and report.total == 9
    with NewsIndex.open(index_path) as index:
        assert index.search("NATO Iraq").hits[0].id == "corpus/000_fef9c184b96aac0a.txt"


def test_rebuild_of_a_usable_index_empties_it_and_reads_everything(built, corpus, index_path):
    with NewsIndex.open(index_path) as index:
        index.add([Article(id="extra", headline="Extra", body="Added through the API.")])
    report = NewsIndex.rebuild(index_path, [corpus])
    assert (report.rebuilt, report.files_read, report.total) == (True, 6, 9)
    with NewsIndex.open(index_path) as index:
        assert index.get("extra") is None


def test_rebuild_from_a_missing_path_creates_and_empties_nothing(built, tmp_path, index_path):
    fresh = tmp_path / "fresh-index"
    with pytest.raises(ReadError, match="no such file or folder"):
        NewsIndex.rebuild(fresh, [tmp_path / "missing"])
    assert not fresh.exists()
    (index_path / META_FILE).write_text('{"schema_version": -1}')  # even an unusable index is left alone
    before = sorted(p.name for p in index_path.iterdir())
    with pytest.raises(ReadError, match="no such file or folder"):
        NewsIndex.rebuild(index_path, [tmp_path / "missing"])
    assert sorted(p.name for p in index_path.iterdir()) == before
    assert json.loads((index_path / META_FILE).read_text()) == {"schema_version": -1}


def test_a_rebuild_that_reads_no_file_keeps_the_index(built, tmp_path, index_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.bin").write_bytes(b"\x00\x01binary")
    with pytest.raises(ReadError, match="no article file could be read"):
        NewsIndex.rebuild(index_path, [empty])
    with NewsIndex.open(index_path) as index:
        assert len(index) == 9


@pytest.mark.parametrize("searchers", [1, 2, 4])
def test_threads_sharing_one_index_search_at_once_each_with_its_own_searcher(
    index_path, monkeypatch, searchers
):
    """Whoosh's readers keep file positions, so two threads must never read through one searcher at once (the
    review saw garbled blocks): each read borrows one of the pool's, so up to ``searchers`` run at once, with
    the right answers, and no more."""
    import threading
    import time

    from newssearch import coverage
    from newssearch import index as index_mod

    inside, overlaps = [0], []
    real_search, real_matches = index_mod.search, coverage.matches

    def slow(real):
        def run(*args, **kwargs):
            inside[0] += 1
            overlaps.append(inside[0])
            time.sleep(0.02)
            try:
                return real(*args, **kwargs)
            finally:
                inside[0] -= 1

        return run

    monkeypatch.setattr(index_mod, "search", slow(real_search))
    monkeypatch.setattr(coverage, "matches", slow(real_matches))
    with NewsIndex.create(index_path, searchers=searchers) as index:
        index.add(
            [Article(id=f"a{n}", headline="Oil", body=f"oil story {n}") for n in range(20)], extract=False
        )
        results: list = []

        def worker() -> None:
            for _ in range(3):
                results.append((index.search("oil", limit=5).total, len(index.matches("oil"))))

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert results == [(20, 20)] * 12
    assert max(overlaps) <= searchers, "more reads ran at once than the pool has searchers"
    assert searchers == 1 or max(overlaps) > 1, "the reads took turns"


def test_a_refused_rebuild_leaves_a_location_that_held_no_index_as_it_was(tmp_path):
    empty = tmp_path / "no-articles"
    empty.mkdir()
    (empty / "notes.bin").write_bytes(b"\\x00\\x01")  # nothing an article can be read from
    new, bare = tmp_path / "new-index", tmp_path / "bare"
    bare.mkdir()
    for target in (new, bare):
        with pytest.raises(ReadError, match="no article file could be read"):
            NewsIndex.rebuild(target, [empty])
    assert not new.exists() and list(bare.iterdir()) == []
