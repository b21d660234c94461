"""What an update reads, skips and removes: ``plan`` on its own (no index), then through ``NewsIndex.update``."""

import hashlib
import os
import shutil
import subprocess
import sys

import pytest

from newssearch import NewsIndex
from newssearch import plan as plan_module
from newssearch.plan import FileRecord, plan

from .helpers import CORPORA, SEED, deadline, edit, needs_corpora, touch


def _record(path, count=1):
    return FileRecord(path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest(), count)


def _keys(works):
    return sorted(os.path.basename(w.key) for w in works)


def test_plan_imports_no_whoosh():
    code = "import sys, newssearch.plan; print(any(m.split('.')[0] == 'whoosh' for m in sys.modules))"
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
    )


def test_plan_of_a_new_folder_reads_every_article_file(corpus):
    todo = plan([corpus], {})
    assert _keys(todo.read) == sorted(os.listdir(corpus))
    assert todo.unchanged == {} and todo.remove == [] and todo.skipped == []
    assert todo.bytes_to_read == sum(f.stat().st_size for f in corpus.iterdir())
    assert all(w.root == corpus and w.key == str(w.file) for w in todo.read)


def test_plan_skips_files_whose_content_matches_and_reads_the_edited_one(corpus):
    indexed = {str(f): _record(f) for f in corpus.iterdir()}
    touch(corpus / "storm.txt")  # a new time stamp, the same content
    (corpus / "oil_prices.txt").write_text(
        (corpus / "oil_prices.txt").read_text().upper()
    )  # same size, new words
    todo = plan([corpus], indexed)
    assert _keys(todo.read) == ["oil_prices.txt"]
    assert len(todo.unchanged) == len(indexed) - 1
    entry = todo.unchanged[str(corpus / "storm.txt")]
    assert entry[1:] == [indexed[str(corpus / "storm.txt")].size, indexed[str(corpus / "storm.txt")].digest]


def test_plan_trusts_the_cache_and_hashes_nothing_when_time_stamp_and_size_match(corpus, monkeypatch):
    indexed = {str(f): _record(f) for f in corpus.iterdir()}
    cache = plan([corpus], indexed).unchanged

    def no_hashing(path):
        raise AssertionError(f"hashed {path}")

    monkeypatch.setattr(plan_module, "sha256", no_hashing)
    assert plan([corpus], indexed, cache).unchanged == cache


def test_plan_removes_files_gone_from_a_folder_given_and_keeps_the_rest(corpus, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "kept.txt").write_text("Kept\n\nA story in a folder this run does not name.")
    indexed = {str(f): _record(f) for f in [*corpus.iterdir(), other / "kept.txt"]}
    (corpus / "storm.txt").unlink()
    todo = plan([corpus], indexed)
    assert todo.remove == [str(corpus / "storm.txt")]
    assert str(other / "kept.txt") not in todo.unchanged and not todo.read


def test_plan_never_removes_what_an_unreadable_folder_held(corpus, monkeypatch):
    sub = corpus / "sub"
    sub.mkdir()
    (sub / "a.txt").write_text("Headline\n\nBody text of a story.")
    indexed = {str(sub / "a.txt"): _record(sub / "a.txt")}
    real_scandir = os.scandir

    def scandir(path):
        if os.fspath(path) == str(sub):
            raise PermissionError(13, "Permission denied", str(sub))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    todo = plan([corpus], indexed)
    assert todo.remove == []
    assert (str(sub), "cannot read folder: Permission denied") in todo.skipped


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
    from newssearch import ReadError

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
