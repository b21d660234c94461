"""A crafted index folder runs nothing: every command refuses it in one line (safeload.py).

The crafted folders are in ``tests/data/crafted`` (``make.py`` there makes them): loading one of their pickles runs
``touch newssearch-crafted-ran`` in the current folder, so the marker file tells whether code ran.
"""

import os
import pickle
import shutil
import sys
from datetime import datetime, timezone

import pytest

from newssearch import Article, NewsIndex
from newssearch.engine.safeload import _same, loads, schema_loads
from newssearch.engine.schema import build_schema
from newssearch.errors import IndexDamagedError, IndexUntrustedError
from tests.fault_pickle import COMMANDS, CRAFTED, KINDS, MARKER, REFUSAL, _corpus

from .helpers import invoke as run

CLI = {name: args[2:] for name, args in COMMANDS.items() if args[:2] == ["-m", "newssearch"]}


@pytest.fixture
def crafted(tmp_path, monkeypatch):
    """A folder holding a crafted index (``index/``, of the kind asked for) and its corpus, made current."""

    def make(kind):
        shutil.copytree(CRAFTED / kind, tmp_path / "index")
        _corpus(tmp_path / "corpus")
        monkeypatch.chdir(tmp_path)
        monkeypatch.delenv("NEWSSEARCH_INDEX")  # `query` alone opens ./index
        return tmp_path / "index"

    return make


def _files(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.name != "MAIN_WRITELOCK"}


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("command", list(CLI))
def test_a_crafted_index_runs_nothing_and_is_refused_in_one_line(crafted, kind, command):
    index = crafted(kind)
    before = _files(index)
    result = run(*CLI[command])
    assert not (index.parent / MARKER).exists(), f"{command} on a crafted {kind} ran its code"
    if command == "index --rebuild" and kind in ("stored", "directory"):
        # A rebuild reads the TOC (and refuses a crafted one) but never opens the old segments it replaces.
        assert result.exit_code == 0 and "holds 3 articles" in result.stdout, result.output
        return
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 1 and len(lines) == 1, result.output
    assert REFUSAL in lines[0] and "os.system" in lines[0] and "delete that folder" in lines[0]
    assert "(in " in lines[0]  # the folder is named, whatever command met the refusal
    assert "OK" not in result.stdout
    assert _files(index) == before  # a refused update's own new files are removed too


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_crafted_index_runs_nothing_through_the_api(crafted, kind):
    index = crafted(kind)
    before = _files(index)
    with pytest.raises(IndexUntrustedError, match=f"{REFUSAL} os.system"), NewsIndex.open(index) as ix:
        ix.search("oil")
    if kind in ("toc", "segments"):  # refused, and not replaced
        with pytest.raises(IndexUntrustedError, match=REFUSAL):
            NewsIndex.rebuild(index, [index.parent / "corpus"])
    assert _files(index) == before
    assert not (index.parent / MARKER).exists()


def _write_toc(index, schema=None, segments=None):
    """Rewrite an index's TOC with another schema pickle or segment list pickle (the layout of make.py)."""
    from tests.data.crafted.make import _toc_parts, _varint

    (toc,) = index.glob("_MAIN_*.toc")
    head, stored, numbers, listed = _toc_parts(toc.read_bytes())
    schema = stored if schema is None else schema
    toc.write_bytes(
        head + _varint(len(schema)) + schema + numbers + (listed if segments is None else segments)
    )
    return pickle.loads(listed)  # the genuine list, written by this test


@pytest.fixture
def built(tmp_path, corpus):
    with NewsIndex.create(tmp_path / "built") as ix:
        ix.update([corpus])
    return tmp_path / "built"


def test_a_schema_that_is_not_newssearchs_is_refused(built):
    other = build_schema()
    other.remove("url")
    _write_toc(built, schema=pickle.dumps(other, 2))
    with pytest.raises(IndexUntrustedError, match="a schema that is not newssearch's"):
        NewsIndex.open(built)
    result = run("stats", "--index", built)
    assert result.exit_code == 1 and "not an index newssearch wrote" in result.stderr


def test_a_schema_naming_a_class_newssearch_does_not_use_is_refused(built):
    from whoosh.fields import NUMERIC

    other = build_schema()
    other.add("count", NUMERIC())
    _write_toc(built, schema=pickle.dumps(other, 2))
    with pytest.raises(IndexUntrustedError, match=r"refuses to load whoosh\.fields\.NUMERIC"):
        NewsIndex.open(built)


def test_segments_with_odd_names_are_refused(built):
    segments = _write_toc(built)
    segments[0].segid = "../../elsewhere"  # its files would be looked for outside the index folder
    _write_toc(built, segments=pickle.dumps(segments, 5))
    with pytest.raises(IndexUntrustedError, match="refuses to load its list of segments"):
        NewsIndex.open(built)


def test_a_toc_of_the_old_format_whoosh_unpickles_freely_is_refused(built):
    (toc,) = built.glob("_MAIN_*.toc")
    data = bytearray(toc.read_bytes())
    at = data.index((-111).to_bytes(4, "big", signed=True))  # the TOC version, after the sizes and -12345
    data[at : at + 4] = (-110).to_bytes(4, "big", signed=True)
    toc.write_bytes(bytes(data))
    with pytest.raises(IndexUntrustedError, match="format -110"):
        NewsIndex.open(built)


def test_a_garbled_schema_is_damage_not_a_refusal(built):
    genuine = pickle.dumps(build_schema(), 2)
    _write_toc(built, schema=genuine[: len(genuine) // 2])
    with pytest.raises(IndexDamagedError):
        NewsIndex.open(built)


def test_the_schema_is_built_from_code_once_the_stored_one_matches(built):
    with NewsIndex.open(built) as ix:
        schema = ix._store.searcher().schema
    assert schema is not build_schema() and _same(schema, build_schema())
    assert _same(schema_loads(pickle.dumps(build_schema(), 2)), build_schema())
    other = build_schema()
    other["headline"].analyzer = other["person_text"].analyzer
    assert not _same(other, build_schema())


def test_a_plain_whoosh_index_of_the_same_building_blocks_still_opens(tmp_path):
    """Another Whoosh index in the same process (a benchmark's) is read with the schema unpickler, unchecked."""
    from whoosh import index as whoosh_index
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, TEXT, Schema

    schema = Schema(id=ID(stored=True, unique=True), body=TEXT(analyzer=StemmingAnalyzer(), stored=True))
    with whoosh_index.create_in(str(tmp_path), schema).writer() as writer:
        writer.add_document(id="1", body="Oil prices rose")
    with whoosh_index.open_dir(str(tmp_path)).searcher() as searcher:
        assert searcher.document(id="1") == {"id": "1", "body": "Oil prices rose"}


def test_bytes_are_read_only_as_latin1():
    assert loads(pickle.dumps(b"\xff\x00abc", 2)) == b"\xff\x00abc"
    forged = pickle.dumps(b"abc", 2).replace(b"latin1", b"rot_13")
    with pytest.raises(IndexUntrustedError, match=r"_codecs\.encode"):
        loads(forged)


def test_every_field_and_update_of_a_real_index_loads_through_the_allowlist(tmp_path):
    """What newssearch writes loads with only DATA_GLOBALS: every field type, metadata, a date, deleted stories
    kept in their segment (a set in the segment list) and a merge."""
    path = tmp_path / "index"
    articles = [
        Article(
            id=f"a{i}",
            headline=f"Oil prices rise {i}",
            body="Crude oil prices rose on Thursday as OPEC met in Vienna. " * (i + 1),
            date=datetime(2020, 3, 1 + i, tzinfo=timezone.utc) if i % 2 else None,
            date_precision="day" if i % 3 == 0 else "time",
            source="Reuters",
            place="Vienna",
            url=f"https://example.com/{i}",
            author="Jane Doe",
            section="Markets",
            people=["Abdulaziz bin Salman"],
            organizations=["OPEC"],
            places=["Vienna"],
            metadata={"desk": ["energy"], "tags": ["oil", "opec"]},
        )
        for i in range(12)
    ]
    with NewsIndex.create(path) as ix:
        ix.add(articles)
        ix.delete(["a3"])  # under a quarter: kept in its segment, marked deleted
        ix.add(articles[:1])
    with NewsIndex.open(path) as ix:
        assert len(ix) == 11 and ix.check().ok
        got = ix.get("a1")
        assert got is not None and got.date == articles[1].date and got.metadata == articles[1].metadata
        assert ix.search("oil").total == 11 and ix.stats().articles == 11


def test_no_whoosh_module_keeps_an_unrestricted_unpickler(built):
    """After indexing, searching and checking, no Whoosh module holds pickle's loaders or the pickle module."""
    run("check", "--index", built)
    run("query", "oil", "--index", built)
    found = []
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "whoosh" or name.startswith("whoosh.")):
            continue
        for attr, value in vars(module).items():
            if value is pickle or value in (pickle.load, pickle.loads, pickle.Unpickler):
                found.append(f"{name}.{attr}")
    assert found == []


@pytest.mark.parametrize("name", ["newssearch.json", "newssearch-files.json", "_MAIN_1.toc"])
def test_an_index_file_that_is_a_link_is_refused_before_it_is_read(built, tmp_path, name):
    """A cloned repository may hold a link where the index keeps a file (to /dev/zero, which would be read
    forever, or to a file elsewhere): the folder is refused in one line, and nothing is read or emptied."""
    outside = tmp_path / "elsewhere.json"
    outside.write_text("{}")
    target = next(built.glob("_MAIN_*.toc")) if name.endswith(".toc") else built / name
    target.unlink()
    target.symlink_to(outside)
    with pytest.raises(IndexUntrustedError, match=r"refuses to read .*a link or a special file"):
        NewsIndex.open(built)
    result = run("query", "storm", "--index", built)
    assert (
        result.exit_code == 1
        and "not an index newssearch wrote" in result.stderr
        and f"(in {built})" in result.stderr
    )
    assert len(result.stderr.strip().splitlines()) == 1
    assert run("index", built.parent / "corpus", "--index", built, "--rebuild").exit_code == 1
    assert target.is_symlink() and outside.read_text() == "{}"


def test_a_pipe_in_place_of_the_meta_file_does_not_block(built):
    """A named pipe where the meta file belongs would block the first read for ever: refused without reading."""
    import subprocess

    meta = built / "newssearch.json"
    meta.unlink()
    os.mkfifo(meta)
    code = "import sys; from newssearch import NewsIndex; NewsIndex.open(sys.argv[1])"
    done = subprocess.run(
        [sys.executable, "-c", code, str(built)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0 and "IndexUntrustedError" in done.stderr and "newssearch.json" in done.stderr
