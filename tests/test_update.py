"""An update through NewsIndex: unchanged files skipped, edits and deletions seen once, unique ids, odd files and
folders, a reader's crash contained, each format detected once. Reading in worker processes is in
test_update_workers.py."""

import os
import shutil
import time

import pytest

from newssearch import NewsIndex, ReadError

from .helpers import CORPORA, SEED, deadline, edit, needs_corpora, touch


def test_touched_file_with_the_same_content_is_unchanged_and_keeps_its_score(corpus, index_path):
    with NewsIndex.create(index_path) as index:
        index.update([corpus])
        score = index.search("NATO Iraq").hits[0].score
        touch(corpus / SEED.name)
        report = index.update([corpus])
        assert (report.added, report.updated, report.removed, report.files_read) == (0, 0, 0, 0)
        assert report.files_unchanged == 6
        assert index.search("NATO Iraq").hits[0].score == pytest.approx(score)
        again = index.update([corpus])  # the new time stamp is remembered: nothing is hashed or read
        assert again.files_unchanged == 6 and again.files_read == 0


def test_same_size_edit_is_seen(corpus, index_path):
    with NewsIndex.create(index_path) as index:
        index.update([corpus])
        text = (corpus / "storm.txt").read_text()
        edit(corpus / "storm.txt", text.replace("Typhoon", "Tornado", 1))
        report = index.update([corpus])
        assert (report.updated, report.files_read) == (1, 1)
        assert index.search("tornado").total == 1


def test_editing_a_file_twice_counts_honestly(corpus, index_path):
    with NewsIndex.create(index_path) as index:
        first = index.update([corpus])
        for n in range(2):
            edit(
                corpus / "wires.jsonl",
                f'{{"id": "w{n}", "title": "Wire {n}", "text": "Markets rose {n}."}}\n',
            )
            report = index.update([corpus])
            assert (report.updated, report.removed, report.added) == ((1, 2, 0) if n == 0 else (1, 0, 0))
            assert report.total == len(index) == first.total - 2


def test_a_deleted_file_is_gone_once(corpus, index_path):
    with NewsIndex.create(index_path) as index:
        index.update([corpus])
        (corpus / "storm.txt").unlink()
        assert index.update([corpus]).files_removed == 1
        later = index.update([corpus])
        assert (later.files_removed, later.removed, later.files_unchanged) == (0, 0, 5)


def test_unreadable_folder_keeps_what_was_indexed_from_it(corpus, index_path, monkeypatch):
    sub = corpus / "sub"
    sub.mkdir()
    (sub / "kept.txt").write_text("Kept story\n\nThis story sits in a folder that becomes unreadable.")
    with NewsIndex.create(index_path) as index:
        index.update([corpus])
        real_scandir = os.scandir

        def refuse(path="."):
            if os.fspath(path) == str(sub):
                raise PermissionError(13, "Permission denied", str(sub))
            return real_scandir(path)

        monkeypatch.setattr(os, "scandir", refuse)  # running as root, chmod would not stop us reading
        report = index.update([corpus])
        assert report.files_removed == 0 and report.removed == 0
        assert any("sub" in path and "cannot read" in why for path, why in report.skipped)
        assert index.search("unreadable").total == 1


def test_file_name_that_is_not_utf8_is_indexed(tmp_path, index_path):
    folder = tmp_path / "odd"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9.txt")
    (folder / name).write_text("Cafe story\n\nThe cafe on the corner reopened this week.")
    (folder / "fine.txt").write_text("Fine story\n\nAnother story that is fine and well formed.")
    with NewsIndex.create(index_path) as index:
        report = index.update([folder])
        assert report.added == 2 and not report.skipped
        hit = index.search("cafe").hits[0]
        assert hit.id == "odd/caf\\xe9.txt"
        assert index.update([folder]).files_unchanged == 2


def test_tab_in_a_file_name_is_not_reread(tmp_path, index_path):
    folder = tmp_path / "tabs"
    folder.mkdir()
    (folder / "a\tb.txt").write_text("Tab story\n\nA story whose file name holds a tab character.")
    with NewsIndex.create(index_path) as index:
        index.update([folder])
        again = index.update([folder])
        assert (again.files_unchanged, again.files_read, again.files_removed) == (1, 0, 0)


def test_special_files_are_never_opened(corpus, index_path):
    os.mkfifo(corpus / "pipe.txt")
    os.symlink("/dev/zero", corpus / "zero.txt")
    with deadline(60), NewsIndex.create(index_path) as index:
        report = index.update([corpus])
    skipped = {os.path.basename(p): why for p, why in report.skipped}
    assert "not a regular file" in skipped["pipe.txt"] and "not a regular file" in skipped["zero.txt"]
    assert report.total == 9


def test_failed_update_names_a_missing_path_and_writes_nothing(corpus, index_path):

    with NewsIndex.create(index_path) as index:
        index.update([corpus])
        with pytest.raises(ReadError, match="no such file"):
            index.update([corpus, corpus / "missing"])
        assert len(index) == 9


@needs_corpora
def test_two_bbc_folders_keep_every_story(tmp_path, index_path):
    bbc = CORPORA / "bbc"
    for folder in ("tech", "sport"):
        shutil.copytree(
            bbc / folder, tmp_path / folder, ignore=lambda d, names: [n for n in names if n > "020.txt"]
        )
    with NewsIndex.create(index_path) as index:
        report = index.update([tmp_path / "tech", tmp_path / "sport"])
        assert report.added == len(index) == 40


def test_reader_crash_on_one_file_skips_only_that_file(corpus, index_path, monkeypatch):
    from newssearch.ingest import reading as update_module

    real = update_module.read_articles

    def flaky(path, root, columns=None, fmt=None):
        if path.name == "storm.txt":
            raise RuntimeError("reader bug")
        return real(path, root, columns, fmt)

    monkeypatch.setattr(update_module, "read_articles", flaky)
    with NewsIndex.create(index_path) as index:
        report = index.update([corpus])
    assert [(os.path.basename(p), why) for p, why in report.skipped] == [
        ("storm.txt", "unexpected RuntimeError: reader bug")
    ]
    assert report.total == 8


def test_same_names_in_two_folders_get_distinct_ids(tmp_path, index_path):
    for folder, word in (("tech", "processor"), ("sport", "football")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "001.txt").write_text(f"A {word} story\n\nThe {word} news of the day is here.")
    with NewsIndex.create(index_path) as index:
        report = index.update([tmp_path / "tech", tmp_path / "sport"])
        assert report.added == 2 and len(index) == 2 and not report.notes
        assert index.search("processor").hits[0].id == "tech/001.txt"
        assert index.search("football").hits[0].id == "sport/001.txt"


def test_indexing_one_file_then_another_of_the_same_name_keeps_both(tmp_path, index_path):
    for folder in ("tech", "business"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "001.txt").write_text(f"The {folder} story\n\nA story about {folder} matters.")
    with NewsIndex.create(index_path) as index:
        index.update([tmp_path / "tech" / "001.txt"])
        report = index.update([tmp_path / "business" / "001.txt"])
        assert report.added == 1 and len(index) == 2
        assert index.get("tech/001.txt").headline == "The tech story"
        assert index.get("business/001.txt").headline == "The business story"
        # Stable: running both again changes nothing.
        assert not index.update([tmp_path / "tech" / "001.txt"]).changed


def test_an_id_held_by_a_file_indexed_before_is_named_in_the_note(tmp_path, index_path):
    (tmp_path / "wires").mkdir()
    first = tmp_path / "wires" / "a.jsonl"
    first.write_text('{"id": "story-1", "title": "Alpha", "text": "Alpha text."}\n')
    with NewsIndex.create(index_path) as index:
        index.update([tmp_path / "wires"])
        (tmp_path / "wires" / "b.jsonl").write_text(
            '{"id": "story-1", "title": "Beta", "text": "Beta text."}\n'
        )
        report = index.update([tmp_path / "wires"])
    [note] = [note for _, note in report.notes if "already used" in note]
    assert f"already used by {first}" in note and "None" not in note


def test_a_real_id_clash_is_reported_never_overwritten(tmp_path, index_path):
    (tmp_path / "wires").mkdir()
    (tmp_path / "wires" / "a.jsonl").write_text(
        '{"id": "story-1", "title": "Alpha", "text": "Alpha text."}\n'
    )
    (tmp_path / "wires" / "b.jsonl").write_text('{"id": "story-1", "title": "Beta", "text": "Beta text."}\n')
    with NewsIndex.create(index_path) as index:
        report = index.update([tmp_path / "wires"])
        assert len(index) == 2 and report.added == 2
        assert [note for _, note in report.notes if "story-1" in note and "already used" in note]
        assert index.get("story-1").headline == "Alpha"
        assert index.search("beta").hits[0].id != "story-1"
        # The newcomer's id is stable across runs.
        beta_id = index.search("beta").hits[0].id
        touch(tmp_path / "wires" / "b.jsonl")
        (tmp_path / "wires" / "b.jsonl").write_text(
            '{"id": "story-1", "title": "Beta", "text": "Beta text!"}\n'
        )
        touch(tmp_path / "wires" / "b.jsonl")
        index.update([tmp_path / "wires"])
        assert index.search("beta").hits[0].id == beta_id and len(index) == 2


def test_an_update_detects_each_files_format_once(tmp_path, index_path, monkeypatch):
    from newssearch.ingest import readers

    folder = tmp_path / "wire"
    folder.mkdir()
    (folder / "story").write_text(
        "Storm hits coast\n\nA storm hit the coast on Monday, cutting power to thousands."
    )
    calls = []
    real = readers._sniff
    monkeypatch.setattr(readers, "_sniff", lambda path, raw: calls.append(path.name) or real(path, raw))
    with NewsIndex.create(index_path) as index:
        report = index.update([folder])
    assert report.formats["text"].files == 1 and calls == ["story"]


def test_file_names_that_read_alike_keep_their_stories(tmp_path, index_path, monkeypatch):
    """Issue 17: files named b"x\\xff.txt" and "x\\\\xff.txt" (a literal backslash) got the same key: each run kept
    2 of 3 stories, flipping which. Each now has its own key, run after run; an index made with the old keys
    is put right by the next update (the file with the backslash is read again under its new key)."""
    corpus = os.fsencode(tmp_path / "corpus")
    os.mkdir(corpus)
    for n, name in enumerate([b"x\xff.txt", b"x\\xff.txt", b"y.txt"], 1):
        with open(corpus + b"/" + name, "w") as handle:
            handle.write(f"Story {n}\n\nOil prices rose in story number {n}, traders said on Monday.\n")
    folder = os.fsdecode(corpus)
    from newssearch.ingest import plan as plan_mod
    from newssearch.ingest import readers
    from newssearch.text import sanitize

    def old_path_text(path):
        return os.fsencode(path).decode("utf-8", "backslashreplace")

    with monkeypatch.context() as patch:  # the keys as they were made before
        patch.setattr(plan_mod, "path_text", old_path_text)
        patch.setattr(readers, "path_text", old_path_text)
        with NewsIndex.create(index_path) as index:
            index.update([folder])
    with NewsIndex.open(index_path) as index:
        for _ in range(3):
            report = index.update([folder])
            hits = index.search("oil", limit=10).hits
            assert sorted(hit.headline for hit in hits) == ["Story 1", "Story 2", "Story 3"], report
            assert len({hit.path for hit in hits}) == 3 and len({hit.id for hit in hits}) == 3
            for name in os.listdir(corpus):
                os.utime(corpus + b"/" + name, ns=(time.time_ns(), time.time_ns()))
    assert sanitize.path_text(os.fsdecode(corpus + b"/x\\xff.txt")).endswith("x\\\\xff.txt")
