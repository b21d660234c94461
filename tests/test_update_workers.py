"""An update that reads and enriches in worker processes: the same index as one process makes, workers only for
many bytes, a crash or a dead worker contained, and an interrupt or a kill that leaves no worker behind."""

import multiprocessing
import os
import subprocess
import sys
import time

import pytest

from newssearch import NewsIndex, ReadError


@pytest.fixture
def in_workers(monkeypatch):
    """Files read and enriched in worker processes, however few."""
    from newssearch.ingest import reading as update_module

    monkeypatch.setattr(update_module, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(update_module, "BATCH_BYTES", 0)  # a file a batch
    monkeypatch.setattr(update_module, "READ_AHEAD_BYTES", 5000)  # the read-ahead window moves
    return update_module


def _stored(index_path):
    with NewsIndex(index_path) as index:
        searcher = index._store.searcher()
        return sorted((sorted(fields.items()) for fields in searcher.all_stored_fields()), key=repr)


def test_workers_index_exactly_what_this_process_does(corpus, tmp_path, monkeypatch):
    from newssearch.ingest import reading as update_module

    reports = []
    for minimum in (10**12, 0):
        monkeypatch.setattr(update_module, "PARALLEL_MIN_BYTES", minimum)
        with NewsIndex.create(tmp_path / f"index{minimum}") as index:
            reports.append(index.update([corpus]))
    assert reports[0] == reports[1]
    assert _stored(tmp_path / "index0") == _stored(tmp_path / f"index{10**12}")


def test_workers_are_used_for_many_bytes_only(corpus, monkeypatch):
    from newssearch.ingest import reading as update_module
    from newssearch.ingest.plan import plan

    works = plan([corpus], {}, {}).read
    assert len(works) > 1 and update_module._workers(works[:1]) == 0
    assert update_module._workers(works) == 0  # a small corpus: read here
    monkeypatch.setattr(update_module, "PARALLEL_MIN_BYTES", 0)
    cores = os.cpu_count() or 1
    assert update_module._workers(works) == (min(update_module.MAX_WORKERS, cores) if cores > 1 else 0)


def test_a_crash_in_a_worker_skips_only_that_file(in_workers, corpus, index_path, monkeypatch):
    real = in_workers.read_articles

    def flaky(path, root, columns=None, fmt=None):
        if path.name == "storm.txt":
            raise RuntimeError("reader bug")
        return real(path, root, columns, fmt)

    monkeypatch.setattr(in_workers, "read_articles", flaky)  # the forked workers inherit it
    with NewsIndex.create(index_path) as index:
        report = index.update([corpus])
    assert [(os.path.basename(p), why) for p, why in report.skipped] == [
        ("storm.txt", "unexpected RuntimeError: reader bug")
    ]
    assert report.total == 8


def test_a_worker_that_dies_stops_the_update_with_nothing_written(
    in_workers, corpus, index_path, monkeypatch
):
    real = in_workers.read_articles
    with NewsIndex.create(index_path) as index:
        index.update([corpus])
        before = _stored(index_path)

    def fatal(path, root, columns=None, fmt=None):
        if path.name == "storm.txt":
            os._exit(3)
        return real(path, root, columns, fmt)

    monkeypatch.setattr(in_workers, "read_articles", fatal)
    with NewsIndex(index_path) as index, pytest.raises(ReadError, match="stopped unexpectedly"):
        index.update([corpus], rebuild=True)
    assert _stored(index_path) == before
    assert not multiprocessing.active_children()


def test_an_interrupt_stops_the_workers_and_commits_nothing(in_workers, corpus, index_path):
    from newssearch.errors import IndexInterrupted

    with NewsIndex.create(index_path) as index:
        index.update([corpus])
        before = _stored(index_path)
    calls = []

    def progress(done, total, path):
        calls.append(path)
        if len(calls) == 3:
            raise KeyboardInterrupt

    with NewsIndex(index_path) as index, pytest.raises(IndexInterrupted) as caught:
        index.update([corpus], rebuild=True, progress=progress)
    assert caught.value.committed is False
    assert not multiprocessing.active_children()
    assert _stored(index_path) == before


_CLOSED_WHILE_SENDING = """
import time
from pathlib import Path
from newssearch.ingest import reading
from newssearch.ingest.plan import FileToRead
from newssearch.ingest.readers import FileResult

def large(task, columns, progress=None, aliases=None):
    if task.work.key != "f0":
        time.sleep(0.2)  # the first result arrives first
    return FileResult(articles=[], format="text", notes=["x" * (5 << 20)])

reading._read = large
reading.BATCH_BYTES = 0  # a file a batch, in the forked workers too
works = [FileToRead(Path("/"), Path(f"/f{n}"), f"f{n}", 0, 10) for n in range(3)]
for attempt in range(3):
    results = reading._read_in_workers(reading.tasks(works), None, 2, None)
    next(results)
    end = time.monotonic() + 0.3
    while time.monotonic() < end:  # the writer busy, holding the interpreter's lock, while a result is sent
        sum(range(1000))
    results.close()  # what an interrupt does: the workers stopped, one perhaps in the middle of sending
print("closed", flush=True)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="workers are used on Linux only")
def test_stopping_while_a_worker_sends_a_large_result_does_not_hang():
    """A worker stopped while it sent a large result (a whole file's stories, analysed) left the pool's thread
    reading the rest for ever, and an interrupted update waiting for it."""
    done = subprocess.run(
        [sys.executable, "-c", _CLOSED_WHILE_SENDING], capture_output=True, text=True, timeout=60
    )
    assert done.stdout == "closed\n", done.stderr[-2000:]


_KILLED_RUN = """
import sys, time
import newssearch.ingest.reading as update
update.PARALLEL_MIN_BYTES, update.BATCH_BYTES = 0, 0
from newssearch import NewsIndex
def progress(done, total, path):
    print("progress", flush=True)
    time.sleep(0.3)
with NewsIndex.create(sys.argv[1]) as index:
    index.update([sys.argv[2]], progress=progress)
"""


def _children(pid: int) -> list[int]:
    """Live (not zombie) processes whose parent is ``pid``."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[1]) == pid:
            found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(sys.platform != "linux", reason="workers are used on Linux only")
def test_a_killed_update_leaves_no_worker_behind_and_the_lock_free(corpus, index_path):
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_RUN, str(index_path), str(corpus)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "progress\n"
        workers = _children(proc.pid)
        assert workers  # the update is reading in a worker
    finally:
        proc.kill()
        proc.wait()
    end = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < end:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in workers)
    with NewsIndex.create(index_path) as index:  # no worker holds the write lock
        assert index.update([corpus]).total == 9
