"""``newssearch.engine.segments``: segment files read in place (no copy), and the merge rule (see also test_store)."""

import io
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh.filedb.structfile import BufferFile

from newssearch import NewsIndex
from newssearch.engine.segments import _ViewFile

OPS = st.lists(
    st.one_of(
        st.tuples(st.just("read"), st.integers(-1, 40)),
        st.tuples(st.just("readline"), st.integers(-1, 40)),
        st.tuples(st.just("seek"), st.integers(0, 60), st.integers(0, 2)),
        st.tuples(st.just("readinto"), st.integers(0, 20)),
        st.tuples(st.just("peek"), st.integers(0, 40)),
    ),
    max_size=20,
)


@given(st.binary(max_size=50), OPS)
def test_a_view_file_reads_as_bytesio_does(data, ops):
    ours, theirs = _ViewFile(memoryview(data)), io.BytesIO(data)
    for op, *args in ops:
        if op == "seek":
            offset, whence = args
            offset -= 30
            if whence == 0 and offset < 0:
                for f in (ours, theirs):
                    with pytest.raises(ValueError):
                        f.seek(offset, whence)
            elif (0, theirs.tell(), len(data))[whence] + offset >= 0:  # BytesIO: no position before the start
                assert ours.seek(offset, whence) == theirs.seek(offset, whence)
        elif (
            op == "peek"
        ):  # BytesIO has no peek: the next bytes, at least one unless at the end, none consumed
            position = theirs.tell()
            peeked = ours.peek(args[0])
            assert data[position:].startswith(peeked) and (peeked or position >= len(data))
        elif op == "readinto":
            a, b = bytearray(args[0]), bytearray(args[0])
            assert ours.readinto(a) == theirs.readinto(b) and a == b
        else:
            assert getattr(ours, op)(args[0]) == getattr(theirs, op)(args[0])
        assert ours.tell() == theirs.tell()


def test_a_buffer_file_reads_the_buffer_in_place_and_unpickles():
    data = bytearray(pickle.dumps({"a": [1, 2, 3]}) + b"rest")
    f = BufferFile(memoryview(data))
    assert not isinstance(f.file, io.BytesIO)
    assert f.read_pickle() == {"a": [1, 2, 3]} and f.read(4) == b"rest"
    data[-4:] = b"REST"  # the file shows the buffer itself, not a copy of it
    f.seek(-4, 2)
    assert f.read(4) == b"REST" and f.get(len(data) - 4, 2) == b"RE"


def test_an_index_opened_through_the_view_answers(corpus, index_path):
    with NewsIndex.create(index_path) as index:
        index.update([corpus])
    with NewsIndex.open(index_path) as index:
        assert index.search("NATO Iraq").hits[0].id.endswith("000_fef9c184b96aac0a.txt")
        assert index.check().ok


def test_field_lengths_read_in_one_piece_are_whoosh_s(tmp_path):
    """A commit asks a segment's field length for every posting it writes: read from the column once, the
    answers are Whoosh's own, for every document and field (and past the last document)."""
    from newssearch import Article, NewsIndex
    from newssearch.engine import segments

    with NewsIndex.create(tmp_path / "ix") as ix:
        ix.add(
            [
                Article(id=f"a{i}", headline="Oil " * (i % 5 + 1), body="price " * (i * 7 % 300 + 1))
                for i in range(300)
            ],
            extract=False,
        )
        ix.add([Article(id="short", headline="", body="word")], extract=False)
        with ix._store.guard():
            for reader, _ in ix._store.searcher().reader().leaf_readers():
                perdoc = reader._perdoc
                for fieldname in ("content", "headline", "person_text", "no_such_field"):
                    for docnum in range(reader.doc_count_all() + 1):
                        fresh = type(perdoc)(perdoc._storage, perdoc._segment)
                        expected = segments.WHOOSH_DOC_FIELD_LENGTH(fresh, docnum, fieldname, -1)
                        assert perdoc.doc_field_length(docnum, fieldname, -1) == expected
