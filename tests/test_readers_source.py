"""``newssearch.ingest.readers.source``: files read under limits (a single-article file refused unread, over-long lines
cut out as they are read), and what hostile files cost: a stray NUL byte leaves out only its record, metadata
and notes are capped (issue 17)."""

import json
import random
from pathlib import Path

import pytest

from newssearch.errors import ReadError
from newssearch.ingest.readers import MAX_NOTE_CHARS, read_articles
from newssearch.ingest.readers import source as source_mod
from newssearch.ingest.readers.encoding import MAX_LINE_BYTES
from newssearch.ingest.readers.jsonl import MAX_METADATA_CHARS, MAX_METADATA_KEYS
from newssearch.ingest.readers.tabular import MAX_COLUMNS

from .helpers import DATA

STORY = "Oil prices rose on Monday as traders weighed the ministry's forecast of supply for the winter."


def record(n: int, **extra) -> str:
    return json.dumps({"headline": f"Oil story {n}", "body": STORY, **extra})


def read(path: Path):
    return read_articles(path, path.parent)


def test_a_one_line_text_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    """Issue 17: a 99 MB one-line .txt peaked at 3.1 GB before it was refused as too long for one article."""
    path = tmp_path / "one-line.txt"
    path.write_bytes(b"oil prices " * 400_000)  # 4.4 MB
    opened = []
    real = source_mod.read_limited
    monkeypatch.setattr(source_mod, "read_limited", lambda *a: opened.append(a) or real(*a))
    with pytest.raises(ReadError, match=r"too large \(4 MB; the limit for one text article is 4 MB\)"):
        read(path)
    assert not opened  # refused from its size: not one byte of it read


def test_a_file_that_grows_while_read_is_refused_at_its_limit(tmp_path, monkeypatch):
    """The limit holds while the file is read, not only from its size when opened (a file still written to)."""
    path = tmp_path / "story.txt"
    path.write_bytes(b"Oil\n\n" + b"oil prices rose today. " * 130_000)  # 3 MB
    monkeypatch.setattr(source_mod, "MAX_SINGLE_BYTES", {"text": 2_000_000})
    with (
        path.open("rb") as handle,
        pytest.raises(ReadError, match=r"too large \(2 MB; the limit for one text"),
    ):
        source_mod.read_limited(handle, handle.read(1_000), "text")


def test_an_over_long_line_is_cut_out_as_it_is_read(tmp_path):
    """Issue 17: one huge line of a JSON Lines file was read whole. It is dropped as it streams past (the bytes
    kept stay small), and only its record is left out, with a note."""
    path = tmp_path / "huge.jsonl"
    huge = '{"headline": "Huge", "body": "' + "oil prices " * (MAX_LINE_BYTES // 11 + 10) + '"}'
    path.write_text("\n".join([record(1), huge, record(3), ""]))
    with path.open("rb") as handle:
        raw = source_mod.read_limited(handle, handle.read(source_mod.BLOCK_BYTES), "jsonl")
    assert raw.long_lines == [2]
    assert len(raw.data) < 1_000 and raw.size == path.stat().st_size
    result = read(path)
    assert [a.headline for a in result.articles] == ["Oil story 1", "Oil story 3"]
    assert result.notes == ["line 2: holds a line over 10 MB, not read"]


@pytest.mark.parametrize("fmt", ["csv", "reuters-sgml", "smart"])
def test_over_long_lines_leave_out_their_record_in_each_line_format(tmp_path, monkeypatch, fmt):
    monkeypatch.setattr(source_mod, "MAX_LINE_BYTES", 2_000)
    monkeypatch.setattr(source_mod, "BLOCK_BYTES", 256)
    monkeypatch.setattr(
        "newssearch.ingest.readers.BLOCK_BYTES", 256
    )  # the first block, read to detect the format
    long_line = "oil " * 1_000
    if fmt == "csv":
        path = tmp_path / "t.csv"
        path.write_text(f"headline,body\nFirst,{STORY}\nSecond,{long_line}\nThird,{STORY}\n")
        kept, where = ["First", "Third"], "line 3"
    elif fmt == "smart":
        path = tmp_path / "t.all"
        path.write_text(
            f".I 1\n.T\nFirst\n.W\n{STORY}\n.I 2\n.T\nSecond\n.W\n{long_line}\n.I 3\n.T\nThird\n.W\nx\n"
        )
        kept, where = ["First", "Third"], "line 6 (.I 2)"
    else:
        path = tmp_path / "t.sgm"
        text = (DATA / "formats" / "sample.sgm").read_text(encoding="latin-1")
        start = text.index("<BODY>", text.index('NEWID="11"'))
        path.write_text(text[:start] + "<BODY>\n" + long_line + "\n" + text[start + 6 :], encoding="latin-1")
        kept = None
        where = "(NEWID 11)"
    result = read_articles(path, tmp_path, fmt=fmt)
    if kept:
        assert [a.headline for a in result.articles] == kept
    else:
        assert sorted(a.id for a in result.articles) == ["reuters-7", "reuters-8", "reuters-9"]
    assert any(where in note and "holds a line over" in note for note in result.notes), result.notes


def test_one_nul_byte_leaves_out_only_its_story(tmp_path):
    """Issue 17: a single NUL at byte 700,000 of reut2-000.sgm marked the file binary and skipped its 1,000
    stories. The story that holds it is left out (its markup may be broken), with a note; the others are read."""
    data = (DATA / "formats" / "sample.sgm").read_bytes()
    third = data.index(b'NEWID="7"')
    for at in (data.index(b"<BODY>", third) + 20, data.index(b"<TITLE>", third) + 3):  # in text, in markup
        path = tmp_path / "reut2-000.sgm"
        path.write_bytes(data[:at] + b"\0" + data[at:])
        result = read(path)
        assert sorted(a.id for a in result.articles) == ["reuters-11", "reuters-8", "reuters-9"]
        line = data[: data.rindex(b"<REUTERS", 0, third)].count(b"\n") + 1
        assert [n for n in result.notes if "NUL" in n] == [
            f"line {line} (NEWID 7): holds a NUL byte (the file is damaged here)"
        ]


def test_a_nul_byte_in_other_formats(tmp_path):
    """JSON Lines and CSV lose the record that holds it; a file of one article is skipped, as before, saying why;
    a file without an ending that holds one is still sniffed as text."""
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join([record(1), record(2).replace("Oil story", "Oil\0story"), record(3)]))
    result = read(path)
    assert [a.headline for a in result.articles] == ["Oil story 1", "Oil story 3"]
    assert result.notes == ["line 2: holds a NUL byte (the file is damaged here)"]
    path = tmp_path / "a.csv"
    path.write_text(f"headline,body\nFirst,{STORY}\nSec\0ond,{STORY}\nThird,{STORY}\n")
    assert [a.headline for a in read(path).articles] == ["First", "Third"]
    path = tmp_path / "a.txt"
    path.write_text(f"Oil\n\n{STORY}\0\n")
    with pytest.raises(ReadError, match=r"the article holds a NUL byte"):
        read(path)
    path = tmp_path / "notes"
    path.write_bytes(f"Oil prices rise\n\n{STORY}\n".encode() + b"\0" + b"More text follows here.\n")
    with pytest.raises(ReadError, match=r"the article holds a NUL byte"):
        read(path)  # read as text (sniffed), not "not an article file"


def test_binary_is_judged_on_a_share_of_bytes(tmp_path):
    data = random.Random(3).randbytes(50_000)
    path = tmp_path / "a.jsonl"
    path.write_bytes(data)
    with pytest.raises(ReadError, match=r"binary file \(\d+% NUL and control bytes\)"):
        read(path)
    path.write_text(record(1) + "\n" + "\0" * 3 + "\n" + record(2))  # three NUL bytes: a damaged line
    assert len(read(path).articles) == 2


def test_a_million_column_table_reads_a_few_columns_and_keeps_little(tmp_path):
    """Issue 17: a CSV of a million columns took 0.74-1.0 GB, kept them all as metadata (`show` printed 10.9 MB)
    and, without a header row, wrote a 12.9 MB note. Columns after ``MAX_COLUMNS`` are not read, a record keeps
    at most ``MAX_METADATA_KEYS`` as metadata, and every note is short."""
    width = 20_000
    filler = ",".join("v" for _ in range(width - 2))
    rows = [f"Oil report {n},{STORY},{filler}" for n in range(3)]
    for header in (True, False):
        path = tmp_path / f"wide-{header}.csv"
        head = ["headline,body," + ",".join(f"c{i}" for i in range(3, width + 1))] if header else []
        path.write_text("\n".join([*head, *rows]) + "\n")
        result = read(path)
        assert [a.headline for a in result.articles] == [f"Oil report {n}" for n in range(3)]
        for article in result.articles:
            assert article.body == STORY and len(article.metadata) == MAX_METADATA_KEYS
        assert f"only the first {MAX_COLUMNS:,} of {width:,} columns read" in result.notes
        assert any("more keys not kept (at most 50 a record)" in n for n in result.notes)
        assert all(len(note) <= MAX_NOTE_CHARS for note in result.notes)


def test_metadata_is_capped_in_keys_values_and_length(tmp_path):
    from newssearch.ingest.readers import context

    assert context._KEYS_KEPT == MAX_METADATA_KEYS  # the note says what the reader does
    extra = {f"k{i}": "v" for i in range(5_000)}
    path = tmp_path / "keys.jsonl"
    path.write_text(
        record(1, payload="x" * 50_000, tags=list(range(1_000)), **extra) + "\n" + record(2) + "\n"
    )
    first = read(path).articles[0]
    assert len(first.metadata) == MAX_METADATA_KEYS
    assert first.metadata["payload"] == ["x" * (MAX_METADATA_CHARS - 1) + "…"]
    assert len(first.metadata["tags"]) == 100


def test_a_huge_story_or_record_is_left_out_unparsed(tmp_path, monkeypatch):
    """A 95 MB Reuters story (short lines, so no line is cut) peaked at 1 GB while parsed; a story or SMART record
    too long to be one article is left out before it is parsed."""
    from newssearch.ingest.readers import reuters, smart

    monkeypatch.setattr(reuters, "MAX_STORY_CHARS", 3_000)
    monkeypatch.setattr(smart, "MAX_RECORD_CHARS", 3_000)
    text = (DATA / "formats" / "sample.sgm").read_text(encoding="latin-1")
    start = text.index("<BODY>", text.index('NEWID="11"')) + 6
    path = tmp_path / "t.sgm"
    path.write_text(text[:start] + "oil prices rose\n" * 300 + text[start:], encoding="latin-1")
    result = read(path)
    assert sorted(a.id for a in result.articles) == ["reuters-7", "reuters-8", "reuters-9"]
    assert any("(NEWID 11): too long for one story (" in note for note in result.notes), result.notes
    path = tmp_path / "t.all"
    path.write_text(
        f".I 1\n.T\nFirst\n.W\n{STORY}\n.I 2\n.T\nSecond\n.W\n" + "oil\n" * 1_000 + ".I 3\n.T\nThird\n"
    )
    result = read_articles(path, tmp_path, fmt="smart")
    assert [a.headline for a in result.articles] == ["First", "Third"]
    assert any("(.I 2): too long for one record" in note for note in result.notes), result.notes


def test_bytes_are_cleaned_as_they_are_read_as_clean_text_cleans_text(monkeypatch):
    """Control characters go from each block as it is read, so that a large file's text needs no cleaning pass
    (one copied a 95 MB JSON file's text twice more: 323 MB). Whatever the block size, the result is what
    ``clean_text`` makes of the whole text: CR LF and CR as LF, escape sequences cut across blocks removed whole."""
    import io

    from newssearch.text.sanitize import clean_text

    pieces = [
        "ab\r\n",
        "x\ry",
        "\x1b[31mred\x1b[0m",
        "\x1b]0;t\x07",
        "\x1b]2;t\x1b\\",
        "\x1b]0;t\x9c",
        "\x1b(B",
    ]
    pieces += ["\x1b", "é", "\t", "\x01\x7f", "\n", "plain words "]
    rng = random.Random(2)
    for _ in range(2_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        size = rng.choice([4, 8, 16, 64])
        monkeypatch.setattr(source_mod, "BLOCK_BYTES", size)
        handle = io.BytesIO(text.encode())
        raw = source_mod.read_limited(handle, handle.read(size), "text")
        assert clean_text(raw.data.decode()) == clean_text(text), (text, size)


def test_a_value_too_long_for_an_article_leaves_out_its_record_at_once(tmp_path, monkeypatch):
    """A 95 MB JSON value was copied to be stripped before its record was found too long (322 MB): a value over
    ``MAX_VALUE_CHARS`` leaves out its record at once."""
    from newssearch.ingest.readers import jsonl

    monkeypatch.setattr(jsonl, "MAX_VALUE_CHARS", 1_000)
    path = tmp_path / "items.json"
    path.write_text(json.dumps([{"title": "Short", "body": STORY}, {"title": "Huge", "body": "oil " * 300}]))
    result = read(path)
    assert [a.headline for a in result.articles] == ["Short"]
    assert result.notes == ["item 2: too long for one article (a value of 1,200 characters)"]
    path.write_text(json.dumps({"title": "Huge", "body": "oil " * 300}))
    with pytest.raises(ReadError, match=r"too long for one article \(a value of 1,200 characters\)"):
        read(path)
