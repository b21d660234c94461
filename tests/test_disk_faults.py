"""Faults the user can recover from: a full disk, a file-size limit, no permission, an overwritten segment.

A write the system refuses leaves the index and its folder as they were and says why (IndexAccessError, exit 3,
naming the cause and the fix), never "damaged"; leftovers of failed or killed writes are swept by the next writer
(holding the write lock only); a segment changed on disk is damage on query, update and check. The faults are made
in-process (tests/faults/disk.py): ENOSPC by Whoosh's file objects refusing writes, EFBIG by a real
``RLIMIT_FSIZE``, EACCES by real mode bits (as root, with CAP_DAC_OVERRIDE dropped from this thread's effective
capabilities). ``python -m tests.fault_disk`` runs the long version in subprocesses.
"""

from __future__ import annotations

import os
import shutil
import sys

import pytest

from newssearch import IndexBusyError, IndexDamagedError, NewsIndex
from newssearch.engine.store import Store

from . import fault_disk as fd
from .helpers import DATA, SEED
from .helpers import invoke as run

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="Linux faults (rlimits, capabilities)")


@pytest.fixture
def small(tmp_path):
    """An index of the user's example article, and a folder of other articles to add to it."""
    base = tmp_path / "base"
    base.mkdir()
    shutil.copy(SEED, base / SEED.name)
    index = tmp_path / "index"
    with NewsIndex.create(index) as ix:
        ix.update([base])
    return index, base, DATA / "mixed"


def _files(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def _stories(index):
    with NewsIndex.open(index) as ix:
        return sorted((s["id"], s["headline"]) for s in ix._store.searcher().all_stored_fields())


def _refused(result, index, cause):
    """One line on stderr, exit 3: the cause, the index folder, that it is unchanged; not damage."""
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 3, result.output
    assert len(lines) == 1 and isinstance(result.exception, SystemExit), result.stderr
    assert (
        cause in lines[0]
        and str(index) in lines[0]
        and "damaged" not in lines[0]
        and "--rebuild" not in lines[0]
    )
    return lines[0]


def test_a_full_disk_leaves_the_index_and_its_folder_as_they_were_and_says_so(small):
    index, base, more = small
    files, stories = _files(index), _stories(index)
    for _ in range(3):  # a disk that stays full: retries leave nothing behind either
        with fd.disk_full(budget=2000):
            result = run("index", base, more, "--index", index)
        assert "the index is unchanged" in _refused(result, index, "no space left")
        assert _files(index) == files and _stories(index) == stories
    done = run("index", base, more, "--index", index)
    assert done.exit_code == 0, done.output
    assert fd.leftovers(index) == [] and len(_stories(index)) > len(stories)


def test_a_file_size_limit_on_a_first_build_leaves_no_index_behind(tmp_path, corpus):
    index = tmp_path / "new"
    with fd.file_size_limit(16_000):  # a real EFBIG: the segment outgrows it
        result = run("index", corpus, "--index", index)
    message = _refused(result, index, "ulimit -f")
    assert "file-size limit" in message and "no index was made" in message and "unchanged" not in message
    assert not index.exists()
    assert run("index", corpus, "--index", index).exit_code == 0


def _plant(index):
    """What failed or killed writers leave: a partial segment, Whoosh's temporary folder, half-written TOC and
    meta files."""
    planted = ["MAIN_zz9partial0seg1.seg", "_MAIN_7.toc.x1y2", "newssearch.json.tmp"]
    for name in planted:
        (index / name).write_bytes(b"\0" * 5000)
    (index / "MAIN.tmp").mkdir(exist_ok=True)  # a writer at work has one
    (index / "MAIN.tmp" / "run.pst").write_bytes(b"\0" * 5000)
    return [*planted, "MAIN.tmp"]


def test_the_next_writer_sweeps_what_failed_writes_left_and_keeps_the_index(small):
    index, _, _ = small
    files = _files(index)
    planted = _plant(index)
    assert sorted(fd.leftovers(index)) == sorted(planted)
    with NewsIndex.open(index) as ix:
        writer = ix._store.writer()  # swept as it starts, before it writes its own files
        assert not (index / "MAIN.tmp" / "run.pst").exists()
        assert not set(planted) - {"MAIN.tmp"} & set(fd.leftovers(index))
        ix._store.cancel(writer, RuntimeError())
    assert _files(index) == files
    assert run("query", "Iraq", "--index", index).exit_code == 0


def test_leftovers_are_never_swept_without_the_write_lock(small, monkeypatch):
    index, _, _ = small
    monkeypatch.setenv("NEWSSEARCH_LOCK_TIMEOUT", "0.1")
    holder = Store(index)
    writer = holder.writer()  # another writer at work: its files must stay
    try:
        planted = _plant(index)
        with NewsIndex.open(index) as ix, pytest.raises(IndexBusyError):
            ix.add([])
        assert set(planted) <= set(fd.leftovers(index)) and (index / "MAIN.tmp" / "run.pst").exists()
    finally:
        holder.cancel(writer, RuntimeError())
        holder.close()
    assert fd.leftovers(index) == []


@pytest.fixture
def mode_bits():
    """Mode bits that hold in this thread (as root: CAP_DAC_OVERRIDE dropped while the test runs)."""
    try:
        with fd.without_override():
            if not fd.mode_bits_hold():
                pytest.skip("mode bits do not hold for this user")
            yield
    except OSError as exc:
        pytest.skip(f"cannot drop the override of mode bits: {exc}")


def test_an_unreadable_segment_is_a_permission_error_naming_it_not_damage(small, mode_bits):
    index, base, _ = small
    segment = next(index.glob("MAIN_*.seg"))
    segment.chmod(0)
    try:
        for args in (("query", "Iraq"), ("check",), ("index", base)):
            result = run(*args, "--index", index)
            line = _refused(result, index, "permission denied")
            assert segment.name in line and "chmod -R u+rwX" in line
    finally:
        segment.chmod(0o644)
    assert run("query", "Iraq", "--index", index).exit_code == 0


def test_a_read_only_index_folder_answers_queries_and_refuses_writes_without_change(small, mode_bits):
    index, base, more = small
    files, stories = _files(index), _stories(index)
    index.chmod(0o555)
    try:
        assert run("query", "Iraq", "--index", index).exit_code == 0
        for rebuild in ((), ("--rebuild",)):
            result = run("index", base, more, "--index", index, *rebuild)
            assert "the index is unchanged" in _refused(result, index, "permission denied")
    finally:
        index.chmod(0o755)
    assert _files(index) == files and _stories(index) == stories


def _part(index, suffix):
    """The segment file and the offset and length in it of its part whose name ends with ``suffix``."""
    with NewsIndex.open(index) as ix:
        reader = ix._store.searcher().reader()
        leaf = reader.leaf_readers()[0][0] if reader.leaf_readers() else reader
        name, where = next((n, d) for n, d in leaf._storage.a._dir.items() if n.endswith(suffix))
    return index / (name.split(".")[0] + ".seg"), where["offset"], where["length"]


def _overwrite_postings(index):
    """Zero the posting lists of the index's segment, as a stray write over the file would."""
    segment, offset, length = _part(index, ".pst")
    data = bytearray(segment.read_bytes())
    data[offset + 8 : offset + length] = bytes(length - 8)
    segment.write_bytes(bytes(data))


def test_an_overwritten_segment_is_damage_on_query_update_and_check(tmp_path, corpus):
    index = tmp_path / "index"
    assert run("index", corpus, "--index", index).exit_code == 0
    _overwrite_postings(index)
    with pytest.raises(IndexDamagedError, match="damaged"), NewsIndex.open(index) as ix:
        ix.search("said")
    (corpus / "late.txt").write_text("A late story\n\nThe minister said the talks would resume on Monday.\n")
    for args in (("query", "said"), ("index", corpus), ("check",)):
        result = run(*args, "--index", index)
        assert result.exit_code == 1, result.output
        assert (
            "damaged" in result.stderr.lower()
            and "--rebuild" in result.stderr
            and "unexpected" not in result.stderr
        )
    assert run("index", corpus, "--index", index, "--rebuild").exit_code == 0
    assert run("query", "said", "--index", index).exit_code == 0


def test_an_index_without_checksums_still_updates(small):
    """An index written before segment checksums were kept, or whose checksum file is gone, updates as before."""
    index, base, more = small
    os.remove(index / "newssearch-sums.json")
    assert run("index", base, more, "--index", index).exit_code == 0
    assert run("check", "--index", index).exit_code == 0


def test_check_finds_a_segment_changed_where_reading_it_cannot_tell(small):
    """A byte of the body lengths (which scores read, and check does not) changed in place, its time stamp put
    back: every read still works, but the segment's checksum is not its commit's."""
    index, _, _ = small
    segment, offset, length = _part(index, "_content_len.col")
    stat = segment.stat()
    data = bytearray(segment.read_bytes())
    data[offset + length - 1] ^= 0x01
    segment.write_bytes(bytes(data))
    os.utime(segment, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    with NewsIndex.open(index) as ix:
        assert [p for p in ix.check().problems if "since it was written" not in p] == []
    result = run("check", "--index", index)
    assert result.exit_code == 1 and f"{segment.name} has changed since it was written" in result.stderr
