"""Writers at once and first builds cut short (``tests/fault_writers.py`` runs them at length): a writer that
waited for the lock plans after the commit it waited for; a first build commits in checkpoints and the next run
resumes after the last one, ending as a build run at once; ``check`` finds ids held twice."""

import shutil
import threading

import pytest

import newssearch.engine.store as store
import newssearch.ingest.update as update
from newssearch import IndexInterrupted, NewsIndex
from newssearch.index import META_FILE, index_state

from . import fault_writers as fw
from .helpers import DATA, deadline, edit
from .helpers import invoke as run


@pytest.fixture
def waiting(monkeypatch):
    """An event set when a Store starts waiting for the write lock that another one holds; writers wait 30 s."""
    monkeypatch.setenv("NEWSSEARCH_LOCK_TIMEOUT", "30")
    event = threading.Event()
    real = store.Store._take_lock

    def take(self):
        if self._lock is None and self._locked():
            event.set()
        real(self)

    monkeypatch.setattr(store.Store, "_take_lock", take)
    return event


def _second_writer_while_the_first_writes(index_path, paths, waiting, make_second):
    """Run an update of ``paths``; once it holds the lock and reads, start ``make_second`` in a thread and let the
    first go on only when the second waits for the lock. Returns (first report, second's outcome)."""
    outcome: dict = {}

    def second():
        try:
            outcome["report"] = make_second()
        except Exception as exc:  # what the test reports
            outcome["error"] = exc

    thread = threading.Thread(target=second)

    def progress(done, total, path):
        if not thread.is_alive() and not outcome and not waiting.is_set():
            thread.start()
            assert waiting.wait(10), "the second writer never waited for the lock"

    with deadline(60), NewsIndex.create(index_path) as first:
        report = first.update(paths, progress=progress)
    thread.join(30)
    assert waiting.is_set()
    return report, outcome


def test_a_second_first_build_waiting_for_the_lock_adds_nothing_twice(corpus, index_path, waiting):
    """Two first builds at once: the second opened the index being built, planned before taking the write lock
    (an empty index: read everything), waited, then wrote every story a second time; `check` said OK."""

    def second():
        with NewsIndex.create(index_path) as ix:
            return ix.update([corpus])

    first, outcome = _second_writer_while_the_first_writes(index_path, [corpus], waiting, second)
    assert "error" not in outcome, outcome
    assert first.added == 9
    assert (outcome["report"].added, outcome["report"].files_unchanged) == (0, 6)
    with NewsIndex.open(index_path) as ix:
        assert len(ix) == 9 and ix.check().ok


def test_a_second_update_waiting_for_the_lock_does_not_crash_or_redo_the_first(corpus, index_path, waiting):
    """Two updates of an edited corpus at once: the second read the index (and kept its searcher for grouping)
    before the lock, and then failed with Whoosh's ReaderClosed, its changes dropped."""
    with NewsIndex.create(index_path) as ix:
        ix.update([corpus])
    edit(
        corpus / "storm.txt",
        "Storm warning lifted\n\nThe storm moved out to sea overnight, forecasters said.",
    )
    (corpus / "late.txt").write_text("Late news\n\nA late story arrived for the second run to index.")

    def second():
        with NewsIndex.open(index_path) as ix:
            return ix.update([corpus])

    first, outcome = _second_writer_while_the_first_writes(index_path, [corpus], waiting, second)
    assert "error" not in outcome, outcome
    assert (first.added, first.updated) == (1, 1)
    assert not outcome["report"].changed
    with NewsIndex.open(index_path) as ix:
        assert len(ix) == 10 and ix.check().ok
        assert ix.get("corpus/storm.txt").headline == "Storm warning lifted"


def test_a_first_build_that_waited_to_create_the_index_opens_the_one_made_meanwhile(
    corpus, index_path, waiting, monkeypatch
):
    """Two first builds into an empty folder, both seeing no index: the second waited for the lock to create one
    and then created it afresh, wiping the first build's commit (and read everything again)."""
    real_state = store.index_state
    looked = threading.Event()

    def state(path):  # the second looked before the first created the index
        if threading.current_thread() is not threading.main_thread() and not looked.is_set():
            looked.set()
            return "missing"
        return real_state(path)

    monkeypatch.setattr(store, "index_state", state)
    outcome: dict = {}

    def second():
        with NewsIndex.create(index_path) as ix:
            outcome["report"] = ix.update([corpus])

    with deadline(60), NewsIndex.create(index_path) as first:
        thread = threading.Thread(target=second)
        thread.start()
        assert waiting.wait(10)
        report = first.update([corpus])
    thread.join(30)
    assert report.added == 9
    assert (outcome["report"].added, outcome["report"].files_unchanged) == (0, 6)
    with NewsIndex.open(index_path) as ix:
        assert len(ix) == 9


def test_a_first_run_that_found_nothing_leaves_the_index_another_run_built_meanwhile(
    corpus, tmp_path, index_path, waiting, monkeypatch
):
    """`index EMPTY_FOLDER` into a folder that held no index removes the empty index it made; when another run
    built an index there while this one waited for the lock, that index was removed with it."""
    import newssearch.cli.build as build

    real_state = build.index_state
    monkeypatch.setattr(  # the second run looked before the first created the index
        build,
        "index_state",
        lambda path: "missing" if threading.current_thread() is not main else real_state(path),
    )
    main = threading.main_thread()
    empty = tmp_path / "empty"
    empty.mkdir()
    outcome = {}
    with deadline(60), NewsIndex.create(index_path) as first:
        thread = threading.Thread(
            target=lambda: outcome.update(result=run("index", empty, "--index", index_path))
        )
        thread.start()
        assert waiting.wait(10)
        first.update([corpus])
    thread.join(30)
    assert outcome["result"].exit_code == 1 and "no article files found" in outcome["result"].stderr
    with NewsIndex.open(index_path) as ix:
        assert len(ix) == 9


LATE = (
    "Dock strike closes the port of Rotterdam\n\nDock workers at the port of Rotterdam walked out on Tuesday "
    "over pay, halting container traffic at Europe's largest port, a union spokesman said. Ships queued off the "
    "coast as talks between the union and the terminal operators broke down late on Monday night, and shippers "
    "warned of delays to deliveries across the continent if the strike lasts into next week."
)


def test_api_writers_that_wait_for_the_lock_read_the_index_after_the_commit(corpus, index_path, waiting):
    """``add`` read the index for reprints, and ``delete`` counted what it would delete, before the lock: a copy
    of a story the other writer committed meanwhile was not grouped with it, and a story it deleted not counted."""
    from newssearch import Article

    with NewsIndex.create(index_path) as ix:
        ix.update([corpus])
    (corpus / "late.txt").write_text(LATE)
    headline, body = LATE.split("\n\n")

    def second():
        with NewsIndex.open(index_path) as ix:
            return ix.add([Article(id="copy-of-late", headline=headline, body=body)], extract=False)

    _, outcome = _second_writer_while_the_first_writes(index_path, [corpus], waiting, second)
    assert outcome == {"report": 1}
    with NewsIndex.open(index_path) as ix:
        hits = ix.search("Rotterdam dock strike", all_versions=True).hits
        assert {h.id: h.group for h in hits if "late" in h.id} == {
            "corpus/late.txt": "corpus/late.txt",
            "copy-of-late": "corpus/late.txt",
        }
    waiting.clear()
    (corpus / "later.txt").write_text("Strike ends\n\nThe dock strike at Rotterdam ended on Friday.")

    def third():
        with NewsIndex.open(index_path) as ix:
            return ix.delete(["corpus/later.txt", "copy-of-late"])

    _, outcome = _second_writer_while_the_first_writes(index_path, [corpus], waiting, third)
    assert outcome == {"report": 2}


def test_check_reports_ids_held_twice(corpus, index_path):
    """Stories indexed twice (what two writers at once used to leave) are a problem for `check`, not OK."""
    from whoosh import index as whoosh_index

    from newssearch.engine.documents import to_document

    with NewsIndex.create(index_path) as ix:
        ix.update([corpus])
        twice = [ix.get(i) for i in ("corpus/storm.txt", "corpus/election.txt")]
    writer = whoosh_index.open_dir(str(index_path), indexname="MAIN").writer()
    for article in twice:
        writer.add_document(**to_document(article))
    writer.commit()
    with NewsIndex.open(index_path) as ix:
        report = ix.check()
    assert not report.ok
    assert report.problems == [
        "2 ids are held by more than one article (2 articles too many, e.g. 'corpus/election.txt', 'corpus/storm.txt'): "
        "stories were indexed twice"
    ]
    result = run("check", "--index", index_path)
    assert result.exit_code == 1 and result.stdout.startswith("DAMAGED (1 problems)")
    assert "indexed twice" in result.stderr and "--rebuild" in result.stderr


# --- checkpoints -----------------------------------------------------------------------------------------------


def _wire_corpus(tmp_path):
    """Reprints across files (grouped) and one record id used by two files (the second gets a longer id)."""
    folder = tmp_path / "wire"
    shutil.copytree(DATA / "reprints_wire", folder)
    (folder / "a.jsonl").write_text(
        '{"id": "story-1", "title": "Alpha", "text": "Alpha text about grain."}\n'
    )
    (folder / "z.jsonl").write_text('{"id": "story-1", "title": "Zulu", "text": "Zulu text about grain."}\n')
    return folder


def _whole(index_path):
    _, rows = fw.stored(index_path)
    return rows, fw.scores(index_path)


def test_a_first_build_cut_short_resumes_after_its_last_checkpoint_and_equals_a_build_at_once(
    tmp_path, index_path, monkeypatch
):
    """A first build committed nothing before its end: 16 of 16 killed first builds of Reuters read everything
    again. Now each file here is a checkpoint: the next run reads only the files after the last one, and the
    index equals a build run at once (ids, fields, reprint groups, scores); meanwhile it stays "building"."""
    corpus = _wire_corpus(tmp_path)
    with NewsIndex.create(tmp_path / "clean") as ix:
        clean_report = ix.update([corpus])
    monkeypatch.setattr(update, "CHECKPOINT_STORIES", 1)
    seen: list[str] = []

    def stop(done, total, path):
        if path not in seen:
            seen.append(path)
        if len(seen) == 6:
            raise KeyboardInterrupt

    with NewsIndex.create(index_path) as ix, pytest.raises(IndexInterrupted) as info:
        ix.update([corpus], progress=stop)
    assert info.value.committed is False and info.value.checkpointed == 5
    assert index_state(index_path) == "building"
    with NewsIndex.create(index_path) as ix:
        report = ix.update([corpus])
    assert (report.files_unchanged, report.files_read, report.added) == (5, 5, clean_report.added - 5)
    assert index_state(index_path) == "ready"
    assert _whole(index_path) == _whole(tmp_path / "clean")
    rows = _whole(index_path)[0]
    assert any(row[-1] for row in rows.values()), "no reprint was grouped: the corpus tests nothing"
    assert rows["story-1"][1] == "Alpha" and [i for i, row in rows.items() if row[1] == "Zulu"] != ["story-1"]


def test_a_long_first_build_commits_in_checkpoints_and_a_build_at_once_is_the_same(tmp_path, monkeypatch):
    """Checkpoints change nothing in what a finished first build holds."""
    corpus = _wire_corpus(tmp_path)
    with NewsIndex.create(tmp_path / "clean") as ix:
        ix.update([corpus])
    commits = []
    real = store.Store.checkpoint
    monkeypatch.setattr(store.Store, "checkpoint", lambda self, w: commits.append(1) or real(self, w))
    monkeypatch.setattr(update, "CHECKPOINT_STORIES", 3)
    with NewsIndex.create(tmp_path / "index") as ix:
        ix.update([corpus])
    assert len(commits) >= 2
    assert json_complete(tmp_path / "index")
    assert _whole(tmp_path / "index") == _whole(tmp_path / "clean")


def json_complete(index_path) -> bool:
    import json

    return json.loads((index_path / META_FILE).read_text())["complete"] is True


def test_an_interrupt_says_what_a_first_build_kept(tmp_path, index_path, monkeypatch):
    """After Ctrl-C a first build said "nothing was committed; the index is as it was" though there was no index;
    now it says the index is still empty, or how many stories its checkpoints committed and how to resume."""
    corpus = _wire_corpus(tmp_path)
    monkeypatch.setattr(update, "CHECKPOINT_STORIES", 1)
    real = NewsIndex.update
    files: list[str] = []

    def interrupted_at(count):
        def patched(self, paths, **kwargs):
            def stop(done, total, path):
                if path not in files:
                    files.append(path)
                if len(files) == count:
                    raise KeyboardInterrupt

            return real(self, paths, **{**kwargs, "progress": stop})

        return patched

    monkeypatch.setattr(NewsIndex, "update", interrupted_at(1))
    result = run("index", corpus, "--index", index_path)
    assert result.exit_code == 130
    assert (
        "nothing was committed; the index is still empty: run the same command to build it" in result.stderr
    )
    files.clear()
    monkeypatch.setattr(NewsIndex, "update", interrupted_at(4))
    result = run("index", corpus, "--index", index_path)
    assert result.exit_code == 130
    assert "the first build is not finished: 3 stories are committed (in checkpoints)" in result.stderr
    assert "run the same command to resume it" in result.stderr
    monkeypatch.setattr(NewsIndex, "update", real)
    result = run("index", corpus, "--index", index_path)
    assert result.exit_code == 0 and "3 unchanged" in result.stdout


@pytest.mark.parametrize("base", ["empty", "full"])
def test_harness_two_index_runs_at_once(tmp_path, base):
    """One trial of the harness's concurrent writers: two `index` subprocesses started at once."""
    writers = fw.prepare_writers(tmp_path, seed=3, runs=(2,), kinds=("same",), articles=20)
    row = fw.Row("writers")
    fw.writers_trial(writers, base, "same", 2, fw.random.Random(1), row)
    assert (row.tried, row.failed, row.lost) == (1, 0, 0), row.problems


def test_an_interrupt_while_a_commit_merges_its_sorted_runs_prints_no_traceback(
    corpus, index_path, monkeypatch
):
    """Ctrl-C while the writer merges the sorted runs of a big commit: the runs' files are gone afterwards and
    nothing is printed as "Exception ignored" when their readers are collected."""
    import gc
    import sys

    from newssearch.engine import blocks, writer
    from newssearch.errors import IndexInterrupted

    start = writer.ColumnPool.__init__

    def small_runs(self, *args, **kwargs):
        start(self, *args, **kwargs)
        self.limit = 2_000  # bytes: every story's postings go to a sorted run on disk

    calls = [0]
    write_block = blocks._block

    def interrupted(*args, **kwargs):
        calls[0] += 1
        if calls[0] == 200:
            raise KeyboardInterrupt
        return write_block(*args, **kwargs)

    unraisable = []
    runs = []
    save = writer.ColumnPool.save

    def saved(self):
        save(self)
        runs.append(self.runs[-1])

    monkeypatch.setattr(writer, "CHECK_EVERY", 1)
    monkeypatch.setattr(writer.ColumnPool, "__init__", small_runs)
    monkeypatch.setattr(writer.ColumnPool, "save", saved)
    monkeypatch.setattr(blocks, "_block", interrupted)
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    with pytest.raises(IndexInterrupted), NewsIndex.create(index_path) as ix:
        ix.update([corpus])
    gc.collect()
    assert calls[0] == 200 and len(runs) > 1 and not unraisable
    assert not [p for p in index_path.rglob("*") if p.suffix == ".pool"]
