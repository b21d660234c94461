"""Files of many records read in parts (ingest/readers/parts.py): the same stories as a whole read, files read
from where they were appended to, compressed dumps and compression bombs, a failing part, a build cut short
between parts. ``PART_BYTES`` is made small, so that a file of a few kilobytes is read in many parts."""

import bz2
import gzip
import itertools
import json
import lzma

import pytest

from newssearch import NewsIndex
from newssearch.ingest import readers, reading, update
from newssearch.ingest.readers import encoding, parts, source, splitting
from newssearch.ingest.readers.splitting import parts as split_parts

PART = 2_000


def story(n: int) -> str:
    return json.dumps(
        {"headline": f"Port strike day {n}", "body": f"Dockworkers in Antwerp stayed out on day {n}."}
    )


def write(path, lines) -> None:
    path.write_text("".join(f"{line}\n" for line in lines))


def stored(index_path) -> list[tuple]:
    """Every story's id, headline, body and entities, sorted: what two builds must agree on."""
    with NewsIndex.open(index_path) as index:
        searcher = index._store.searcher()
        rows = [
            (f["id"], f.get("headline"), f.get("body"), f.get("places"), f.get("group"))
            for f in searcher.all_stored_fields()
        ]
    return sorted(rows, key=repr)


@pytest.fixture
def small_parts(monkeypatch):
    monkeypatch.setattr(parts, "PART_BYTES", PART)
    monkeypatch.setattr(reading, "PART_BYTES", PART)


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    lines = [story(n) for n in range(120)]
    lines[30] = "{not json"
    lines[31] = ""
    write(folder / "dump.jsonl", lines)
    return folder


def test_a_file_is_cut_at_line_ends_into_parts_that_hash_its_bytes_up_to_their_end(small_parts, corpus):
    path = corpus / "dump.jsonl"
    data = path.read_bytes()
    found = list(split_parts(path, "jsonl"))
    assert len(found) > 4 and found[0].start == 0 and found[-1].end == len(data)
    for before, after in itertools.pairwise(found):
        assert before.end == after.start and data[before.end - 1 : before.end] == b"\n"
        assert after.first_line == before.first_line + data[before.start : before.end].count(b"\n")
    import hashlib

    assert all(p.digest == hashlib.sha256(data[: p.end]).hexdigest() and p.size == p.end for p in found)


@pytest.mark.parametrize("workers", [False, True])
def test_a_file_read_in_parts_gives_the_stories_and_notes_of_a_whole_read(
    corpus, tmp_path, monkeypatch, workers
):
    whole = NewsIndex.rebuild(tmp_path / "whole", [corpus])
    monkeypatch.setattr(parts, "PART_BYTES", PART)
    monkeypatch.setattr(reading, "PART_BYTES", PART)
    if workers:
        monkeypatch.setattr(reading, "PARALLEL_MIN_BYTES", 0)
    report = NewsIndex.rebuild(tmp_path / "parts", [corpus])
    assert stored(tmp_path / "parts") == stored(tmp_path / "whole")
    assert (
        (report.added, report.files_read, report.notes)
        == (whole.added, 1, whole.notes)
        == (118, 1, whole.notes)
    )
    assert any("line 31: invalid JSON" in note for _, note in report.notes)


def test_an_appended_file_is_read_only_where_it_grew(small_parts, corpus, tmp_path, monkeypatch):
    path = corpus / "dump.jsonl"
    with NewsIndex.create(tmp_path / "ix") as index:
        index.update([corpus])
        with path.open("a") as handle:
            handle.write("".join(f"{story(n)}\n" for n in range(120, 150)))
        read = []
        real = reading.read_part
        monkeypatch.setattr(reading, "read_part", lambda *a, **k: read.append(a[2]) or real(*a, **k))
        report = index.update([corpus])
        assert (report.added, report.updated, report.removed, report.files_appended) == (
            30,
            0,
            0,
            [str(path)],
        )
        assert read and read[0].start == len(path.read_bytes()) - sum(
            len(story(n)) + 1 for n in range(120, 150)
        )
        again = index.update([corpus])
        assert again.files_unchanged == 1 and not again.files_read
        assert index.search("day 149").hits[0].id.endswith("dump.jsonl#150")
    NewsIndex.rebuild(tmp_path / "fresh", [corpus])
    assert stored(tmp_path / "ix") == stored(tmp_path / "fresh")


@pytest.mark.parametrize(
    "change", ["first line", "no line end"], ids=["a changed first line", "a last line without its end"]
)
def test_a_file_not_only_appended_to_is_read_again_whole(small_parts, corpus, tmp_path, change):
    path = corpus / "dump.jsonl"
    if change == "no line end":
        path.write_bytes(path.read_bytes()[:-1])
    with NewsIndex.create(tmp_path / "ix") as index:
        index.update([corpus])
        text = path.read_text()
        if change == "first line":
            text = text.replace("day 0.", "day zero.", 1)
        path.write_text(text + f"{story(500)}\n")
        report = index.update([corpus])
        assert not report.files_appended and report.files_read == 1 and report.updated > 100
    NewsIndex.rebuild(tmp_path / "fresh", [corpus])
    assert stored(tmp_path / "ix") == stored(tmp_path / "fresh")


@pytest.mark.parametrize("opener", [gzip.open, bz2.open, lzma.open], ids=["gz", "bz2", "xz"])
def test_a_compressed_dump_gives_the_stories_of_the_plain_file(small_parts, corpus, tmp_path, opener):
    plain = corpus / "dump.jsonl"
    packed = tmp_path / "packed"
    packed.mkdir()
    ending = {gzip.open: "gz", bz2.open: "bz2", lzma.open: "xz"}[opener]
    with opener(packed / f"dump.jsonl.{ending}", "wb") as handle:
        handle.write(plain.read_bytes())
    NewsIndex.rebuild(tmp_path / "a", [corpus])
    report = NewsIndex.rebuild(tmp_path / "b", [packed])
    assert report.added == 118 and not report.skipped
    assert [row[1:] for row in stored(tmp_path / "a")] == [row[1:] for row in stored(tmp_path / "b")]
    with NewsIndex.open(tmp_path / "b") as index:
        assert index.update([packed]).files_unchanged == 1  # its hash is of the file as stored


def test_a_compressed_csv_is_read_whole(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    with gzip.open(folder / "news.csv.gz", "wt") as handle:
        handle.write("headline,body\nPort strike,Dockworkers stayed out.\nOil falls,Crude fell in London.\n")
    assert NewsIndex.rebuild(tmp_path / "ix", [folder]).added == 2


def test_a_compression_bomb_is_refused_as_it_expands(tmp_path, monkeypatch):
    monkeypatch.setattr(parts, "_EXPANSION_FLOOR", 1_000_000)
    folder = tmp_path / "c"
    folder.mkdir()
    with gzip.open(folder / "bomb.jsonl.gz", "wb", compresslevel=9) as handle:
        for _ in range(64):
            handle.write(b" " * (1 << 20))  # 64 MB of spaces: about 64 kB compressed
    (folder / "fine.jsonl").write_text(f"{story(1)}\n")
    report = NewsIndex.rebuild(tmp_path / "ix", [folder])
    assert report.added == 1
    [(path, reason)] = report.skipped
    assert path.endswith("bomb.jsonl.gz") and "expands more than 100 times" in reason


def test_a_line_too_long_is_left_out_by_its_number_and_the_rest_read(
    small_parts, corpus, tmp_path, monkeypatch
):
    monkeypatch.setattr(encoding, "MAX_LINE_BYTES", 5_000)
    monkeypatch.setattr(source, "MAX_LINE_BYTES", 5_000)
    monkeypatch.setattr(splitting, "MAX_LINE_BYTES", 5_000)
    monkeypatch.setattr(source, "BLOCK_BYTES", 1_000)  # a line within a block is never too long
    monkeypatch.setattr(readers, "BLOCK_BYTES", 1_000)
    monkeypatch.setattr(splitting, "_BLOCK", 700)  # the long line is cut off as it is read, across blocks
    path = corpus / "dump.jsonl"
    lines = path.read_text().splitlines()
    lines[60] = json.dumps({"headline": "Huge", "body": "word " * 4_000})
    write(path, lines)
    for opener in (None, gzip.open):
        target = path if opener is None else corpus.parent / "gz" / "dump.jsonl.gz"
        if opener:
            target.parent.mkdir()
            with opener(target, "wb") as handle:
                handle.write(path.read_bytes())
        report = NewsIndex.rebuild(tmp_path / f"ix{bool(opener)}", [target.parent])
        assert report.added == 117
        assert any("line 61: holds a line over" in note for _, note in report.notes), report.notes


def test_a_part_that_cannot_be_read_skips_the_file_and_keeps_what_the_index_had(
    small_parts, corpus, tmp_path
):
    path = corpus / "dump.jsonl"
    with NewsIndex.create(tmp_path / "ix") as index:
        index.update([corpus])
        before = stored(tmp_path / "ix")
        data = bytearray(path.read_bytes())
        data[-3 * PART : -2 * PART] = b"\0" * PART  # a part of NUL bytes: binary, not text
        path.write_bytes(bytes(data).replace(b"day 0.", b"day 00"))
        report = index.update([corpus])
        assert (
            report.files_read == 0 and report.skipped[0][0] == str(path) and "binary" in report.skipped[0][1]
        )
        assert report.added == report.updated == 0
    assert stored(tmp_path / "ix") == before


def test_a_first_build_cut_short_between_parts_goes_on_from_its_last_checkpoint(
    small_parts, corpus, tmp_path, monkeypatch
):
    NewsIndex.rebuild(tmp_path / "clean", [corpus])
    monkeypatch.setattr(update, "CHECKPOINT_STORIES", 1)
    calls = []

    def stop(done, total, key):
        calls.append(done)
        if len(calls) == 70:  # in the fourth part or so: three checkpoints made
            raise KeyboardInterrupt

    with NewsIndex.create(tmp_path / "ix") as index, pytest.raises(KeyboardInterrupt):
        index.update([corpus], progress=stop)
    with NewsIndex.open(tmp_path / "ix") as index:
        kept = len(index)
        assert 0 < kept < 118
        report = index.update([corpus])
        assert report.files_appended == [str(corpus / "dump.jsonl")] and report.added == 118 - kept
    assert stored(tmp_path / "ix") == stored(tmp_path / "clean")


def test_a_json_file_of_json_lines_is_read_in_parts_too(small_parts, corpus, tmp_path, monkeypatch):
    """A dump named ".json" that holds one record a line (as the HuffPost set does): read in parts, as when whole."""
    named = tmp_path / "named"
    named.mkdir()
    (named / "dump.json").write_bytes((corpus / "dump.jsonl").read_bytes())
    found = []
    real = reading.read_part
    monkeypatch.setattr(reading, "read_part", lambda *a, **k: found.append(a[2]) or real(*a, **k))
    report = NewsIndex.rebuild(tmp_path / "ix", [named])
    assert report.added == 118 and len(found) > 4
    NewsIndex.rebuild(tmp_path / "jsonl", [corpus])
    assert [row[1:] for row in stored(tmp_path / "ix")] == [row[1:] for row in stored(tmp_path / "jsonl")]


def test_a_compressed_file_cut_short_or_empty_is_skipped_and_the_rest_read(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    whole = gzip.compress("".join(f"{story(n)}\n" for n in range(200)).encode())
    (folder / "cut.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    (folder / "cut.csv.gz").write_bytes(gzip.compress(b"headline,body\nA,b\n" * 50)[:40])
    (folder / "empty.jsonl.gz").write_bytes(gzip.compress(b""))
    (folder / "fine.jsonl").write_text(f"{story(1)}\n")
    report = NewsIndex.rebuild(tmp_path / "ix", [folder])
    assert report.added == 1
    reasons = dict((path.rsplit("/", 1)[-1], reason) for path, reason in report.skipped)
    assert (
        "cannot be decompressed" in reasons["cut.jsonl.gz"]
        and "cannot be decompressed" in reasons["cut.csv.gz"]
    )
    assert reasons["empty.jsonl.gz"] == "empty file"


def test_a_first_build_ends_with_its_small_segments_merged(small_parts, corpus, tmp_path, monkeypatch):
    """Checkpoints leave a tail of small segments; the build's last commit merges them into one: every query
    pays for each segment."""
    from newssearch.engine import segments

    monkeypatch.setattr(update, "CHECKPOINT_STORIES", 1)  # a segment after each part of about 20 stories
    monkeypatch.setattr(segments, "MERGE_FACTOR", 3)  # classes: below 3, 9, 27, 81, 243 stories
    with NewsIndex.create(tmp_path / "ix") as index:
        index.update([corpus])
        sizes = [r.doc_count_all() for r, _ in index._store.searcher().reader().leaf_readers()]
    classes = [segments.size_class(size) for size in sizes]
    assert sum(sizes) == 118 and len(sizes) >= 2
    assert sum(1 for c in classes if c < max(classes)) <= 1, sizes  # at most the one the tail became
    NewsIndex.rebuild(tmp_path / "clean", [corpus])
    assert stored(tmp_path / "ix") == stored(tmp_path / "clean")
