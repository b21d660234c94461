"""The index on disk: damaged, unfinished and foreign folders give one clear error and `index --rebuild`
recovers; scores do not depend on update history; the write lock."""

import json
import time

import pytest

from newssearch import (
    Article,
    IndexBusyError,
    IndexDamagedError,
    IndexIncompatibleError,
    IndexInterrupted,
    IndexNotFoundError,
    NewsIndex,
)
from newssearch.cli import HINTS
from newssearch.errors import IndexUnfinishedError, IndexUntrustedError, NotAnIndexError
from newssearch.index import META_FILE

from .helpers import edit, scores
from .helpers import invoke as run


@pytest.fixture
def built(corpus, index_path):
    with NewsIndex.create(index_path) as index:
        index.update([corpus])
    return index_path


def _segment(index_path):
    return max(index_path.glob("MAIN_*.seg"), key=lambda p: p.stat().st_size)


def _truncate_segment(index_path):
    seg = _segment(index_path)
    seg.write_bytes(seg.read_bytes()[: seg.stat().st_size // 2])


def _truncate_toc(index_path):
    toc = next(index_path.glob("_MAIN_*.toc"))
    toc.write_bytes(toc.read_bytes()[:20])


def _garble_meta(index_path):
    (index_path / META_FILE).write_text("{garbled")


@pytest.mark.parametrize("damage", [_truncate_segment, _truncate_toc, _garble_meta])
def test_damage_is_one_error_and_rebuild_recovers(built, corpus, damage):
    damage(built)
    with pytest.raises(IndexDamagedError, match="damaged"), NewsIndex.open(built) as index:
        index.search("NATO Iraq")
    result = run("query", "NATO Iraq", "--index", built)
    assert result.exit_code == 1, result.output
    assert "damaged" in result.stderr and "--rebuild" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and isinstance(result.exception, SystemExit)
    plain = run("index", corpus, "--index", built)
    assert plain.exit_code == 1 and "damaged" in plain.stderr
    fixed = run("index", corpus, "--index", built, "--rebuild")
    assert fixed.exit_code == 0, fixed.output
    assert "holds 9 articles" in fixed.stdout
    assert run("query", "NATO Iraq", "--index", built).exit_code == 0


def test_flipped_bytes_are_found_by_check(built):
    assert run("check", "--index", built).exit_code == 0
    seg = _segment(built)
    data = bytearray(seg.read_bytes())
    # Bytes 60-80% of the way into the segment: postings and stored fields, which opening does not read (checked
    # for corpus paths of many lengths; the segment's header and term index are elsewhere).
    for at in range(len(data) * 6 // 10, len(data) * 8 // 10, 61):
        data[at] ^= 0x5A
    seg.write_bytes(bytes(data))
    with NewsIndex.open(
        built
    ) as index:  # the segment's postings and stored fields, not its header, are garbled
        report = index.check()
    assert not report.ok and report.problems
    result = run("check", "--index", built)
    assert result.exit_code == 1 and result.stdout.startswith(f"DAMAGED ({len(report.problems)} problems)")
    assert "Rebuild it with" in result.stderr


def test_check_reads_every_article(built):
    with NewsIndex.open(built) as index:
        report = index.check()
    assert report.ok and report.documents == 9 and report.terms > 100


def test_a_folder_that_is_not_an_index_is_said_so_and_never_emptied(tmp_path, corpus):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "todo.txt").write_text("keep me")
    with pytest.raises(IndexNotFoundError, match="not a newssearch index"):
        NewsIndex.open(folder)
    result = run("index", corpus, "--index", folder, "--rebuild")
    assert result.exit_code == 1 and "not a newssearch index" in result.stderr
    assert (folder / "todo.txt").read_text() == "keep me"


def test_creation_cut_short_is_unfinished_and_the_next_run_completes_it(built, corpus):
    (built / META_FILE).unlink()  # as if killed between Whoosh's files and the meta file
    result = run("query", "NATO Iraq", "--index", built)
    assert result.exit_code == 1 and "never finished" in result.stderr
    again = run("index", corpus, "--index", built)
    assert again.exit_code == 0 and "holds 9 articles" in again.stdout
    assert json.loads((built / META_FILE).read_text())["complete"] is True


def test_interrupted_first_build_is_finished_by_the_next_run(corpus, index_path):
    def interrupt(done, total, path):
        if "storm" in path:
            raise KeyboardInterrupt

    with NewsIndex.create(index_path) as index, pytest.raises(IndexInterrupted) as info:
        index.update([corpus], progress=interrupt)
    assert info.value.committed is False
    assert json.loads((index_path / META_FILE).read_text())["complete"] is False
    result = run("index", corpus, "--index", index_path)
    assert result.exit_code == 0 and "9 added" in result.stdout


def test_leftover_toc_files_are_cleaned_up(built, corpus):
    leftover = built / "_MAIN_7.toc.1764200000.123"
    leftover.write_bytes(b"half a toc")
    (corpus / "more.txt").write_text("More news\n\nAnother story arrived in the corpus today.")
    assert run("index", corpus, "--index", built).exit_code == 0
    assert not leftover.exists()


def test_failed_first_index_leaves_no_index_behind(tmp_path):
    target = tmp_path / "new-index"
    result = run("index", tmp_path / "missing", "--index", target)
    assert result.exit_code == 1 and not target.exists()


def test_scores_do_not_depend_on_update_history(corpus, tmp_path):
    history, clean = tmp_path / "history", tmp_path / "clean"
    with NewsIndex.create(history) as index:
        index.update([corpus])
        for n in range(3):  # edit other stories (deleting and re-adding them) several times
            edit(corpus / "storm.txt", f"Storm version {n}\n\nThe storm moved north on day {n} of the week.")
            edit(corpus / "election.txt", f"Election {n}\n\nVoters in Iraq went to the polls, round {n}.")
            index.update([corpus])
    with NewsIndex.create(clean) as index:
        index.update([corpus], rebuild=True)
    before, after = scores(clean), scores(history)
    assert before.keys() == after.keys() and len(before) >= 2
    assert all(after[key] == pytest.approx(before[key], rel=1e-9) for key in before)


def test_deleted_articles_left_in_a_segment_do_not_count_in_scores(corpus, tmp_path):
    """A small change leaves the old version in its segment, marked deleted (no merge): scores ignore it."""
    history, clean = tmp_path / "history", tmp_path / "clean"
    with NewsIndex.create(history) as index:
        index.update([corpus])
        edit(corpus / "storm.txt", "Storm warning\n\nA second storm reached the coast; storm surge feared.")
        index.update([corpus])
        readers = [reader for reader, _ in index._store.searcher().reader().leaf_readers()]
        assert any(reader.has_deletions() for reader in readers) and len(readers) == 2
    with NewsIndex.create(clean) as index:
        index.update([corpus], rebuild=True)
    for query in ("storm", "storm coast", "Iraq storm"):
        before, after = scores(clean, query), scores(history, query)
        assert before.keys() == after.keys() and before
        assert all(after[key] == pytest.approx(before[key], rel=1e-12) for key in before), query


def test_a_segment_mostly_deleted_is_merged_away(corpus, tmp_path):
    with NewsIndex.create(tmp_path / "ix") as index:
        index.update([corpus])
        for name in ("storm.txt", "election.txt", "oil_prices.txt"):
            edit(corpus / name, f"{name} rewritten\n\nNew text for {name}.")
        index.update([corpus])
        readers = [reader for reader, _ in index._store.searcher().reader().leaf_readers()]
        assert not any(reader.has_deletions() for reader in readers)


def _situations(tmp_path, corpus):
    """Each way an index folder can be unusable, and the error opening it raises."""
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("not an index")
    incompatible = tmp_path / "incompatible"
    with NewsIndex.create(incompatible) as index:
        index.update([corpus])
    (incompatible / META_FILE).write_text('{"schema_version": -1}')
    damaged = tmp_path / "damaged"
    with NewsIndex.create(damaged) as index:
        index.update([corpus])
    _garble_meta(damaged)
    unfinished = tmp_path / "unfinished"
    with NewsIndex.create(damaged.parent / "unfinished"):
        pass
    (unfinished / META_FILE).unlink()
    return [
        (tmp_path / "missing", IndexNotFoundError),
        (foreign, NotAnIndexError),
        (incompatible, IndexIncompatibleError),
        (damaged, IndexDamagedError),
        (unfinished, IndexUnfinishedError),
    ]


def test_library_errors_say_what_is_wrong_and_the_cli_says_how_to_fix_it(tmp_path, corpus):
    for path, error in _situations(tmp_path, corpus):
        with pytest.raises(error) as info:
            NewsIndex.open(path)
        message = str(info.value)
        assert type(info.value) is error, path.name
        assert str(path) in message and "--" not in message and "`newssearch" not in message, message
        result = run("check", "--index", path)
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
        (line,) = result.stderr.strip().splitlines()
        assert line == f"Error: {message}; {dict(HINTS)[error]}", line


def test_writers_wait_for_the_lock_as_long_as_newssearch_lock_timeout_says(built, monkeypatch):
    from newssearch.engine.store import Store

    monkeypatch.setenv("NEWSSEARCH_LOCK_TIMEOUT", "0.3")
    holder = Store(built)
    holder.writer()  # holds the lock
    try:
        started = time.monotonic()
        with (
            pytest.raises(IndexBusyError, match="another process is writing"),
            NewsIndex.open(built) as index,
        ):
            index.add([Article(id="x", headline="X", body="Y")])
        waited = time.monotonic() - started
    finally:
        holder.close()
    assert 0.3 <= waited < 1.5
    with NewsIndex.open(built) as index:  # the lock is free again
        assert index.add([Article(id="x", headline="X", body="Y")]) == 1


def test_a_segment_a_little_deleted_is_kept_and_one_wholly_deleted_is_dropped(index_path):
    with NewsIndex.create(index_path) as index:
        index.add([Article(id=f"a{n}", body=f"oil story {n}") for n in range(8)], extract=False)
        index.add([Article(id=f"b{n}", body=f"gas story {n}") for n in range(2)], extract=False)
        index.delete(["a0"])  # 1 of 8: below a quarter, the segment stays with its deletion
        segments = [
            (r.doc_count_all(), r.doc_count()) for r, _ in index._store.searcher().reader().leaf_readers()
        ]
        assert sorted(segments) == [(2, 2), (8, 7)]
        index.delete(["b0", "b1"])  # all of it: dropped, not merged
        segments = [
            (r.doc_count_all(), r.doc_count()) for r, _ in index._store.searcher().reader().leaf_readers()
        ]
        assert segments == [(8, 7)]


def test_check_reads_postings_a_block_at_a_time_and_finds_what_word_by_word_finds(built, monkeypatch):
    import newssearch.engine.segments as segments_mod

    with NewsIndex.open(built) as index:
        fast = index.check()
    monkeypatch.setattr(segments_mod, "check_postings", lambda reader: None)  # the word-by-word reading
    with NewsIndex.open(built) as index:
        slow = index.check()
    assert fast.ok and slow.ok and (fast.documents, fast.terms) == (slow.documents, slow.terms)
    seg = _segment(built)
    data = bytearray(seg.read_bytes())
    for at in range(len(data) * 6 // 10, len(data) * 8 // 10, 61):
        data[at] ^= 0x5A
    seg.write_bytes(bytes(data))

    def read_problems():
        """What reading finds, not the segment's checksum. Where the bytes are flipped depends on the segment's
        random name: a flipped byte in a file's header makes the index refuse to open as damaged, and one inside a
        stored article's pickle can make it name a function the safe loader refuses (untrusted). Both find it."""
        try:
            with NewsIndex.open(built) as index:
                report = index.check()
        except (IndexDamagedError, IndexUntrustedError) as exc:
            return [str(exc)]
        return [p for p in report.problems if "since it was written" not in p]

    assert read_problems()  # word by word
    monkeypatch.undo()
    assert read_problems()  # a block at a time


def test_a_posting_list_that_is_cut_short_is_found(built):
    from newssearch.engine.segments import _read_blocks

    with NewsIndex.open(built) as index:
        reader = index._store.searcher().reader()
        terms = reader._terms
        for key in terms._tindex.keys():  # noqa: SIM118 (iterating the table gives key and value)
            info = terms.term_info(*terms._keydecoder(key))
            if not info.is_inlined():
                break
        else:
            pytest.skip("every posting list is inlined")
        offset, length = info.extent()
        length = length[0] if isinstance(length, tuple) else length
        data = terms._postfile.get(offset, length)
        _read_blocks(data, info.doc_frequency())
        with pytest.raises(ValueError):
            _read_blocks(data, info.doc_frequency() + 1)
        with pytest.raises(ValueError, match="past the end"):
            _read_blocks(data[: len(data) - 3], info.doc_frequency())
