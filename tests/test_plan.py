"""What an update reads, skips and removes: ``plan`` on its own (no index), then through ``NewsIndex.update``."""

import hashlib
import os

from newssearch.ingest import plan as plan_module
from newssearch.ingest.plan import FileRecord, plan

from .helpers import touch, whoosh_modules_after_importing


def _record(path, count=1):
    return FileRecord(path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest(), count)


def _keys(works):
    return sorted(os.path.basename(w.key) for w in works)


def test_plan_imports_no_whoosh():
    assert whoosh_modules_after_importing("newssearch.ingest.plan") == ["whoosh", "whoosh.compat"]


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
