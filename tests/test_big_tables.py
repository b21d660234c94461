"""Files of many records other than JSON Lines read in parts (ingest/readers/splitting.py): CSV and TSV (rows over
several lines, a header or none), JSON arrays (over many lines or one), Reuters SGML and SMART give the stories,
ids and notes of a whole read; a table appended to is read from where it ended, its rows numbered on; compressed
tables are read in parts too. ``PART_BYTES`` and the block read are made small, so a file of a few kilobytes is
read in many parts, cut across blocks."""

import gzip
import json
from pathlib import Path

import pytest

from newssearch import NewsIndex
from newssearch.ingest import reading
from newssearch.ingest.readers import parts, splitting

PART = 1_500
CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def stored(index_path) -> list[tuple]:
    with NewsIndex.open(index_path) as index:
        rows = [
            (f["id"], f.get("headline"), f.get("body"), f.get("date"), f.get("author"))
            for f in index._store.searcher().all_stored_fields()
        ]
    return sorted(rows, key=repr)


def small(monkeypatch, part: int = PART) -> None:
    monkeypatch.setattr(parts, "PART_BYTES", part)
    monkeypatch.setattr(reading, "PART_BYTES", part)
    monkeypatch.setattr(splitting, "_BLOCK", 700)


def _csv(delimiter: str, header: bool) -> str:
    rows = ["headline,body,date".replace(",", delimiter)] if header else []
    for n in range(90):
        body = f'"Dockworkers in Antwerp stayed out on day {n},\nsaid the union, ""for pay""."'
        rows.append(delimiter.join([f'"Port strike, day {n}"', body, f"2020-03-{n % 28 + 1:02d}"]))
        if n == 40:
            rows.append("")  # a blank row: numbered, not read
        if n == 50:
            rows.append(delimiter.join(["", "", "2020-03-01"]))  # no headline or text: left out, noted
    return "\n".join(rows) + "\n"


def _array(one_line: bool) -> str:
    items: list = [
        {"headline": f"Oil falls day {n}", "body": f"Crude fell in London on day {n}.", "author": "Ann Lee"}
        for n in range(90)
    ]
    items[45] = "not a story"  # left out by its number
    return json.dumps(items) if one_line else "[\n" + ",\n".join(json.dumps(item) for item in items) + "\n]\n"


def _sgml() -> str:
    stories = [
        f'<REUTERS TOPICS="YES" NEWID="{n}">\n<DATE>26-FEB-1987 15:0{n % 10}:01.79</DATE>\n<TEXT>\n'
        f"<TITLE>GRAIN SHIPMENTS DAY {n}</TITLE>\n<DATELINE>    CHICAGO, Feb 26 - </DATELINE>"
        f"<BODY>Grain shipments rose on day {n}, traders said.\n Reuter\n&#3;</BODY></TEXT>\n</REUTERS>\n"
        for n in range(1, 80)
    ]
    return '<!DOCTYPE lewis SYSTEM "lewis.dtd">\n' + "".join(stories)


def _smart() -> str:
    return "".join(
        f".I {n}\n.T\nwing flutter test {n}\n.A\nsmith, j.\n.W\nflutter of a wing at mach {n} was measured.\n"
        for n in range(1, 90)
    )


FILES = {
    "csv": ("news.csv", lambda: _csv(",", True)),
    "tsv": ("news.tsv", lambda: _csv("\t", True)),
    "csv without a header": ("news.csv", lambda: _csv(",", False)),
    "json array": ("news.json", lambda: _array(False)),
    "json array on one line": ("news.json", lambda: _array(True)),
    "reuters sgml": ("reut2-000.sgm", _sgml),
}


def _folder(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text)
    return folder


@pytest.mark.parametrize("kind", list(FILES))
@pytest.mark.parametrize("workers", [False, True], ids=["here", "workers"])
def test_a_file_read_in_parts_gives_the_stories_ids_and_notes_of_a_whole_read(
    kind, workers, tmp_path, monkeypatch
):
    name, make = FILES[kind]
    folder = _folder(tmp_path, name, make())
    whole = NewsIndex.rebuild(tmp_path / "whole", [folder])
    small(monkeypatch)
    if workers:
        monkeypatch.setattr(reading, "PARALLEL_MIN_BYTES", 0)
    found = []
    real = reading.read_part
    monkeypatch.setattr(reading, "read_part", lambda *a, **k: found.append(a[2]) or real(*a, **k))
    report = NewsIndex.rebuild(tmp_path / "parts", [folder])
    if not workers:  # a worker records in its own copy
        assert len(found) > 4 and [p.start for p in found[1:]] == [p.end for p in found[:-1]]
    assert whole.added > 70 and not whole.skipped
    assert (report.added, report.skipped, report.notes) == (whole.added, whole.skipped, whole.notes)
    assert stored(tmp_path / "parts") == stored(tmp_path / "whole")


def test_a_smart_file_is_read_in_parts(tmp_path, monkeypatch):
    folder = _folder(tmp_path, "docs", _smart())  # no ending: sniffed as SMART
    whole = NewsIndex.rebuild(tmp_path / "whole", [folder])
    small(monkeypatch)
    found = []
    real = reading.read_part
    monkeypatch.setattr(reading, "read_part", lambda *a, **k: found.append(a[2]) or real(*a, **k))
    assert NewsIndex.rebuild(tmp_path / "parts", [folder]).added == whole.added == 89
    assert len(found) > 4 and all(p.fmt == "smart" for p in found)
    assert stored(tmp_path / "parts") == stored(tmp_path / "whole")


def test_rows_are_numbered_and_named_after_the_first_part(tmp_path, monkeypatch):
    folder = _folder(tmp_path, "news.csv", _csv(",", True))
    small(monkeypatch)
    with NewsIndex.create(tmp_path / "ix") as index:
        index.update([folder])
        hit = index.search('"day 89"').hits[0]
        # 90 stories and the blank row after the 41st, the empty one after the 51st: the last is row 92
        assert hit.id.endswith("news.csv#92") and hit.headline == "Port strike, day 89"
        assert hit.date is not None and hit.date.isoformat().startswith("2020-03-")


def test_an_appended_table_is_read_where_it_grew_and_its_rows_numbered_on(tmp_path, monkeypatch):
    folder = _folder(tmp_path, "news.csv", _csv(",", True))
    path = folder / "news.csv"
    small(monkeypatch)
    with NewsIndex.create(tmp_path / "ix") as index:
        index.update([folder])
        size = path.stat().st_size
        with path.open("a") as handle:
            handle.write('"Late strike, day 90","Dockworkers stayed out\non day 90.",2020-04-01\n')
        found = []
        real = reading.read_part
        monkeypatch.setattr(reading, "read_part", lambda *a, **k: found.append(a[2]) or real(*a, **k))
        report = index.update([folder])
        assert (report.added, report.updated, report.files_appended) == (1, 0, [str(path)])
        assert [p.start for p in found] == [size] and found[0].first_record == 92
        assert index.search('"day 90"').hits[0].id.endswith("news.csv#93")
    NewsIndex.rebuild(tmp_path / "fresh", [folder])
    assert stored(tmp_path / "ix") == stored(tmp_path / "fresh")


def test_a_compressed_table_gives_the_stories_of_the_plain_one(tmp_path, monkeypatch):
    plain = _folder(tmp_path, "news.csv", _csv(",", True))
    packed = tmp_path / "packed"
    packed.mkdir()
    with gzip.open(packed / "news.csv.gz", "wt") as handle:
        handle.write(_csv(",", True))
    small(monkeypatch)
    NewsIndex.rebuild(tmp_path / "a", [plain])
    report = NewsIndex.rebuild(tmp_path / "b", [packed])
    assert report.added == 90 and not report.skipped
    assert [row[1:] for row in stored(tmp_path / "a")] == [row[1:] for row in stored(tmp_path / "b")]


def test_an_unclosed_quote_cuts_the_table_at_a_line_end_and_the_rest_is_read(tmp_path, monkeypatch):
    rows = [
        f"Port strike day {n},Dockworkers in Antwerp stayed out on day {n}.,2020-03-01" for n in range(90)
    ]
    rows[30] = '"' + rows[30]  # a quote never closed: the csv module reads the rest of the file as one field
    folder = _folder(tmp_path, "news.csv", "headline,body,date\n" + "\n".join(rows) + "\n")
    whole = NewsIndex.rebuild(tmp_path / "whole", [folder])
    small(monkeypatch)
    monkeypatch.setattr(splitting, "MAX_LINE_BYTES", 2_000)
    report = NewsIndex.rebuild(tmp_path / "ix", [folder])
    assert whole.added <= 31 < report.added and not report.skipped
    with NewsIndex.open(tmp_path / "ix") as index:
        assert index.search('"day 89"').total == 1  # the parts after the broken row are read


def test_a_json_array_item_too_long_skips_the_file(tmp_path, monkeypatch):
    items = [
        {"headline": f"Oil day {n}", "body": "Crude fell. " * (400 if n == 50 else 1)} for n in range(90)
    ]
    folder = _folder(tmp_path, "news.json", json.dumps(items))
    small(monkeypatch)
    monkeypatch.setattr(splitting, "MAX_LINE_BYTES", 3_000)
    with NewsIndex.create(tmp_path / "ix") as index:
        report = index.update([folder])
    [(path, reason)] = report.skipped
    assert path.endswith("news.json") and "item 51 is over" in reason and report.added == 0


@pytest.mark.skipif(not (CORPORA / "reuters21578").is_dir(), reason="Reuters-21578 not in ../shared/corpora")
def test_a_reuters_file_read_in_parts_gives_its_stories(tmp_path, monkeypatch):
    folder = tmp_path / "reuters"
    folder.mkdir()
    (folder / "reut2-003.sgm").write_bytes((CORPORA / "reuters21578" / "reut2-003.sgm").read_bytes())
    whole = NewsIndex.rebuild(tmp_path / "whole", [folder])
    small(monkeypatch, 200_000)
    monkeypatch.setattr(splitting, "_BLOCK", 1 << 16)
    report = NewsIndex.rebuild(tmp_path / "parts", [folder])
    assert report.added == whole.added > 900 and report.notes == whole.notes
    assert stored(tmp_path / "parts") == stored(tmp_path / "whole")


def _whole_and_parts(tmp_path, monkeypatch, folder):
    whole = NewsIndex.rebuild(tmp_path / "whole", [folder])
    small(monkeypatch)
    report = NewsIndex.rebuild(tmp_path / "parts", [folder])
    return whole, report


@pytest.mark.parametrize(
    "where",
    ['Port strike, day 20", "Dockworkers\rstayed', "Port strike day 20\rlate"],
    ids=["inside quotes", "outside quotes"],
)
def test_a_lone_cr_in_a_table_ends_a_line_in_parts_as_in_a_whole_read(where, tmp_path, monkeypatch):
    text = _csv(",", True).replace('Port strike, day 20", "Dockworkers', where, 1)
    folder = _folder(
        tmp_path, "news.csv", text.replace('"Port strike, day 20"', where.split(",")[0] + '"', 1)
    )
    whole, report = _whole_and_parts(tmp_path, monkeypatch, folder)
    assert (report.added, report.skipped, report.notes) == (whole.added, whole.skipped, whole.notes)
    assert stored(tmp_path / "parts") == stored(tmp_path / "whole")


def test_a_file_with_lines_ended_by_cr_alone_is_read_whole(tmp_path, monkeypatch):
    folder = _folder(tmp_path, "news.csv", "")
    (folder / "news.csv").write_bytes(_csv(",", True).replace("\n", "\r").encode())
    whole, report = _whole_and_parts(tmp_path, monkeypatch, folder)
    assert report.added == whole.added and stored(tmp_path / "parts") == stored(tmp_path / "whole")


@pytest.mark.parametrize(
    "change",
    ["bom", "control character", "huge integer"],
)
def test_odd_json_arrays_read_in_parts_as_whole(change, tmp_path, monkeypatch):
    text = _array(False)
    if change == "bom":
        text = "\ufeff" + text
    elif change == "control character":
        text = text.replace("on day 30.", "on day\x0730.", 1)
    else:
        text = text.replace('"author": "Ann Lee"}', '"author": "Ann Lee", "n": ' + "9" * 5000 + "}", 1)
    folder = _folder(tmp_path, "news.json", "")
    (folder / "news.json").write_text(text)
    (folder / "other.jsonl").write_text(
        json.dumps({"headline": "Port strike", "body": "Dockworkers."}) + "\n"
    )
    whole, report = _whole_and_parts(tmp_path, monkeypatch, folder)
    assert (report.added, report.skipped) == (whole.added, whole.skipped)  # never a build aborted
    assert stored(tmp_path / "parts") == stored(tmp_path / "whole")
    assert report.added == (1 if change == "huge integer" else 90)  # a number too long: the file is skipped


@pytest.mark.parametrize("kind", ["csv", "reuters sgml", "smart"])
def test_a_record_half_written_when_read_is_read_again_whole_once_complete(kind, tmp_path, monkeypatch):
    name, make = {**FILES, "smart": ("docs", _smart)}[kind]
    text = make()
    mark = {"csv": "said the union", "reuters sgml": "</BODY>", "smart": ".W\n"}[kind]
    cut = text.index(mark, 3000) + len(mark)
    head, rest = text[:cut], text[cut:]
    head = head[: head.rindex("\n") + 1]  # the file as read: ending a line inside a record
    rest = text[len(head) :]
    folder = _folder(tmp_path, name, head)
    small(monkeypatch)
    with NewsIndex.create(tmp_path / "ix") as index:
        index.update([folder])
        (folder / name).write_text(head + rest)
        report = index.update([folder])
        assert not report.files_appended and report.files_read == 1
    NewsIndex.rebuild(tmp_path / "fresh", [folder])
    assert stored(tmp_path / "ix") == stored(tmp_path / "fresh")


def test_a_compressed_file_of_one_part_is_read_as_a_whole_file(tmp_path, monkeypatch):
    plain = _folder(tmp_path, "news.json", json.dumps([{"headline": "Oil falls", "body": "Crude fell."}]))
    packed = tmp_path / "packed"
    packed.mkdir()
    with gzip.open(packed / "news.json.gz", "wt") as handle:
        handle.write((plain / "news.json").read_text())
    NewsIndex.rebuild(tmp_path / "a", [plain])
    NewsIndex.rebuild(tmp_path / "b", [packed])
    assert [row[0].rsplit("/", 1)[1] for row in stored(tmp_path / "a")] == ["news.json"]
    assert [row[0].rsplit("/", 1)[1] for row in stored(tmp_path / "b")] == ["news.json.gz"]


@pytest.mark.parametrize(
    "name, text, reason",
    [
        ("news.csv", "headline,body,date\n" + ",,2020-03-01\n" * 400, "no articles found; line 2: "),
        ("reut2-000.sgm", "<!-- nothing but markup -->\n" * 400, "no <REUTERS> stories found"),
    ],
    ids=["many parts", "one part"],
)
def test_a_big_file_without_a_story_is_skipped_and_what_the_index_had_stays(
    name, text, reason, tmp_path, monkeypatch
):
    folder = _folder(tmp_path, name, {"news.csv": _csv(",", True), "reut2-000.sgm": _sgml()}[name])
    small(monkeypatch)
    with NewsIndex.create(tmp_path / "ix") as index:
        index.update([folder])
        before = stored(tmp_path / "ix")
        (folder / name).write_text(text)
        report = index.update([folder])
        [(path, why)] = report.skipped
        assert path.endswith(name) and why.startswith(reason), why
        assert report.files_read == 0 and report.removed == 0
    assert stored(tmp_path / "ix") == before
