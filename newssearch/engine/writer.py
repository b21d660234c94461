"""A segment writer that keeps postings in columns: the same segment files Whoosh's own writer makes, written
without its per-posting work.

Whoosh's ``SegmentWriter`` makes a tuple of every posting, puts it in a pool that is sorted as a whole at commit,
and then hands the postings one by one to the posting writer, which asks the lengths column for each. Here a
story's postings go straight into flat arrays per field (term number, story number, weight, value bytes); at
commit each field's postings are ordered by term with one stable sort of the term numbers (a term's postings
stay in story order), and written a block at a time through Whoosh's own block writer, with each block's
statistics worked out from the arrays. The pool keeps at most ``limitmb`` in memory: past it, what it holds is
written to a sorted run on disk, and the runs are merged term by term at commit.

The files are byte for byte those of Whoosh's writer (``tests/test_writer.py`` compares them); merging old
segments in (``add_reader``) still goes through the pool posting by posting.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import pickle
import zlib
from array import array
from collections.abc import Iterator
from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3TermInfo, _lenfield
from whoosh.system import pack_int, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from newssearch.engine.schema import BYTE_LENGTHS, column_bytes

#: A term's postings: its story numbers, weights and value bytes, in story order.
TermPostings = tuple[list[int], list[float], list[bytes]]
#: Bytes a posting costs in the pool, besides its value's bytes (four array items).
POSTING_BYTES = 24
#: Bytes a distinct term costs in the pool (its key and dictionary entry).
TERM_BYTES = 100
#: The pool's size is looked at after every this many stories.
CHECK_EVERY = 1000
#: Postings turned into lists at a time when a field's terms are gone through in order.
CHUNK_POSTINGS = 65_536
#: zlib's level for posting blocks, as Whoosh's codec writes them.
COMPRESSION = 3


class _FieldColumns:
    """One field's postings as they were added: flat arrays, one item per posting."""

    __slots__ = ("docs", "ends", "term_ids", "terms", "values", "weights")

    def __init__(self) -> None:
        self.terms: dict[bytes, int] = {}
        self.term_ids = array("I")
        self.docs = array("I")
        self.weights = array("d")
        self.values = bytearray()
        self.ends = array("Q")  # where each posting's value ends in ``values``

    def add(self, tbytes: bytes, docnum: int, weight: float, vbytes: bytes | None) -> None:
        terms = self.terms
        term = terms.get(tbytes)
        if term is None:
            term = terms[tbytes] = len(terms)
        self.term_ids.append(term)
        self.docs.append(docnum)
        self.weights.append(weight)
        if vbytes:
            self.values += vbytes
        self.ends.append(len(self.values))

    def size(self) -> int:
        return len(self.docs) * POSTING_BYTES + len(self.values) + len(self.terms) * TERM_BYTES

    def sorted_terms(self) -> Iterator[tuple[bytes, TermPostings]]:
        """Each term in byte order with its postings in the order they were added (as lists, a few thousand
        terms' worth at a time)."""
        import numpy as np

        names = sorted(self.terms)
        rank = np.empty(len(names), dtype=np.int64)
        numbers = np.fromiter((self.terms[name] for name in names), dtype=np.int64, count=len(names))
        rank[numbers] = np.arange(len(names))
        keys = rank[np.frombuffer(self.term_ids, dtype=np.uint32)]
        del rank, numbers
        order = np.argsort(keys, kind="stable")
        counts = np.bincount(keys, minlength=len(names))
        del keys
        bounds = np.zeros(len(names) + 1, dtype=np.int64)
        np.cumsum(counts, out=bounds[1:])
        ends = np.frombuffer(self.ends, dtype=np.uint64)
        vends = ends[order].astype(np.int64)
        vstarts = np.where(order > 0, ends[np.maximum(order, 1) - 1], 0).astype(np.int64)
        docs = np.frombuffer(self.docs, dtype=np.uint32)[order]
        weights = np.frombuffer(self.weights, dtype=np.float64)[order]
        del order
        values = bytes(self.values)
        self.values = bytearray()
        first = 0
        while first < len(names):
            last = int(np.searchsorted(bounds, bounds[first] + CHUNK_POSTINGS, side="right")) - 1
            last = min(max(last, first + 1), len(names))
            at, stop = int(bounds[first]), int(bounds[last])
            chunk_docs, chunk_weights = docs[at:stop].tolist(), weights[at:stop].tolist()
            chunk_values = [
                values[a:b] for a, b in zip(vstarts[at:stop].tolist(), vends[at:stop].tolist(), strict=True)
            ]
            for n in range(first, last):
                s, e = int(bounds[n]) - at, int(bounds[n + 1]) - at
                yield names[n], (chunk_docs[s:e], chunk_weights[s:e], chunk_values[s:e])
            first = last


class ColumnPool:
    """Whoosh's ``PostingPool`` in columns (see the module's docstring); ``add`` takes Whoosh's posting tuples."""

    def __init__(self, tempstore: Any, limitmb: int = 128) -> None:
        self.tempstore = tempstore
        self.limit = limitmb * 1024 * 1024
        self.fields: dict[str, _FieldColumns] = {}
        self.runs: list[str] = []
        self._size = 0
        self._checked = 0

    def field(self, fieldname: str) -> _FieldColumns:
        columns = self.fields.get(fieldname)
        if columns is None:
            columns = self.fields[fieldname] = _FieldColumns()
        return columns

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        fieldname, tbytes, docnum, weight, vbytes = item
        self.field(fieldname).add(tbytes, docnum, weight, vbytes)
        self._checked += 1
        if self._checked >= 100_000:
            self.check_size()

    def check_size(self) -> None:
        """Write what the pool holds to a run on disk once it holds more than its limit."""
        self._checked = 0
        if sum(columns.size() for columns in self.fields.values()) > self.limit:
            self.save()

    def _in_memory(self) -> Iterator[tuple[tuple[str, bytes], TermPostings]]:
        """What the pool holds, in order; each field is let go of once it has been gone through."""
        for fieldname in sorted(self.fields):
            for tbytes, postings in self.fields[fieldname].sorted_terms():
                yield (fieldname, tbytes), postings
            self.fields[fieldname] = _FieldColumns()

    def save(self) -> None:
        """What the pool holds, sorted, to a run file; the pool starts empty."""
        name = f"run{len(self.runs)}.pool"
        with self.tempstore.create_file(name).raw_file() as f:
            pickler = pickle.Pickler(f, pickle.HIGHEST_PROTOCOL)
            for key, postings in self._in_memory():
                pickler.dump((key, postings))
            pickler.dump(None)
        self.runs.append(name)
        self.fields = {}

    def _run(self, name: str) -> Iterator[tuple[tuple[str, bytes], TermPostings]]:
        with self.tempstore.open_file(name).raw_file() as f:
            unpickler = pickle.Unpickler(f)
            while (record := unpickler.load()) is not None:
                yield record

    def sorted_postings(self) -> Iterator[tuple[str, bytes, TermPostings]]:
        """Every (field, term) in order with all its postings, in story order: the runs and what is in memory,
        merged term by term."""
        if not self.runs:
            for (fieldname, tbytes), postings in self._in_memory():
                yield fieldname, tbytes, postings
            return
        sources = [self._run(name) for name in self.runs] + [self._in_memory()]
        merged = heapq.merge(
            *(((key, n, postings) for key, postings in source) for n, source in enumerate(sources))
        )
        last: tuple[str, bytes] | None = None
        docs: list[int] = []
        weights: list[float] = []
        values: list[bytes] = []
        for key, _, (d, w, v) in merged:
            if key != last:
                if last is not None:
                    yield last[0], last[1], _in_story_order(docs, weights, values)
                last, docs, weights, values = key, [], [], []
            docs += d
            weights += w
            values += v
        if last is not None:
            yield last[0], last[1], _in_story_order(docs, weights, values)

    def cleanup(self) -> None:
        for name in self.runs:
            with contextlib.suppress(OSError):
                self.tempstore.delete_file(name)
        self.runs = []
        self.fields = {}


def _in_story_order(docs: list[int], weights: list[float], values: list[bytes]) -> TermPostings:
    if all(a < b for a, b in itertools.pairwise(docs)):
        return docs, weights, values
    order = sorted(range(len(docs)), key=docs.__getitem__)  # stable: as Whoosh's sort of whole postings
    return [docs[i] for i in order], [weights[i] for i in order], [values[i] for i in order]


class ColumnWriter(SegmentWriter):
    """Whoosh's ``SegmentWriter`` with a ``ColumnPool`` and a commit that writes from it a block at a time."""

    def __init__(self, ix: Any, limitmb: int = 128, **kwargs: Any) -> None:
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = ColumnPool(self._tempstorage, limitmb)

    def add_document(self, **fields: Any) -> None:
        """``SegmentWriter.add_document`` (whoosh-reloaded 2.7.5) for a schema without spelling or vector
        fields, each posting put straight into its field's columns."""
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        pool = self.pool
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                if field.separate_spelling() or field.vector:
                    raise ValueError(f"field {fieldname!r}: spelling and vector fields are not supported")
                length = 0
                if field.indexed:
                    fieldboost = self._field_boost(fields, fieldname, docboost)
                    columns = pool.field(fieldname)
                    terms, values = columns.terms, columns.values
                    term_ids, docs = columns.term_ids.append, columns.docs.append
                    weights, ends = columns.weights.append, columns.ends.append
                    for tbytes, freq, weight, vbytes in field.index(value):  # _FieldColumns.add, inlined
                        length += freq
                        term = terms.get(tbytes)
                        if term is None:
                            term = terms[tbytes] = len(terms)
                        term_ids(term)
                        docs(docnum)
                        weights(weight * fieldboost)
                        if vbytes:
                            values += vbytes
                        ends(len(values))
                    if not field.scorable:
                        length = 0
                customval = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)
                column = field.column_type
                if column and customval is not None:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1
        if docnum % CHECK_EVERY == CHECK_EVERY - 1:
            pool.check_size()

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        try:
            write_postings(self.fieldwriter, self.schema, lengths, self.pool.sorted_postings())
        finally:
            lengths.close()
        self.fieldwriter.close()


def write_postings(
    fieldwriter: Any, schema: Any, lengths: Any, postings: Iterator[tuple[str, bytes, TermPostings]]
) -> None:
    """``FieldWriter.add_postings`` (whoosh-reloaded 2.7.5, Whoosh 3 codec) from whole terms, a block at a time:
    what Whoosh's ``add_posting`` and ``_write_block`` would have written, but for the compression (below)."""
    doccount = lengths.doc_count_all()
    lastfn: str | None = None
    field_lengths: bytes | None = None
    blocklimit, fixed_size = 0, None
    postfile = fieldwriter._postfile
    for fieldname, tbytes, (docs, weights, values) in postings:
        if fieldname != lastfn:
            if lastfn is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            lastfn = fieldname
            field_lengths = _lengths(lengths, fieldname, doccount)
            blocklimit = fieldwriter._postwriter._blocklimit
            fixed_size = fieldwriter._format.fixed_value_size()
        terminfo = W3TermInfo()
        start_offset = postfile.tell()
        postfile.write(WHOOSH3_HEADER_MAGIC)
        count = len(docs)
        for start in range(0, count, blocklimit):
            end = min(start + blocklimit, count)
            ids = docs[start:end]
            minlength, maxlength = None, 0
            if field_lengths is not None:
                present = [byte for byte in (field_lengths[d] for d in ids) if byte]
                if present:
                    minlength, maxlength = BYTE_LENGTHS[min(present)], BYTE_LENGTHS[max(present)]
            _write_block(
                postfile,
                terminfo,
                ids,
                weights[start:end],
                values[start:end],
                fixed_size,
                minlength,
                maxlength,
                end == count,
            )
        terminfo.set_extent(start_offset, postfile.tell() - start_offset)
        fieldwriter._tindex.add(pack_ushort(fieldwriter._fieldid) + tbytes, terminfo.to_bytes())
    if lastfn is not None:
        fieldwriter.finish_field()


def _write_block(
    postfile: Any,
    terminfo: Any,
    ids: list[int],
    weights: list[float],
    values: list[bytes],
    fixed_size: int | None,
    minlength: int | None,
    maxlength: int,
    last: bool,
) -> None:
    """One posting block as ``W3PostingsWriter._write_block`` writes it (with ``W3TermInfo.add_block``), but
    compressed with a window no larger than the block (any zlib stream reads back the same): zlib's default
    window makes each of the many small blocks cost about 50 µs to set up, a small one about 3 µs."""
    floats = array("f", weights)
    maxweight = max(0, *weights)
    terminfo._weight += sum(floats)
    terminfo._df += len(ids)
    if terminfo._minlength is None:
        terminfo._minlength = minlength
    else:
        terminfo._minlength = min(terminfo._minlength, minlength)
    terminfo._maxlength = max(terminfo._maxlength, maxlength)
    terminfo._maxweight = max(terminfo._maxweight, maxweight)
    if terminfo._minid is None:
        terminfo._minid = ids[0]
    terminfo._maxid = ids[-1]
    deltas, base = [], 0
    for n in ids:
        deltas.append(n - base)
        base = n
    if all(w == 1.0 for w in floats):
        mini_weights: Any = None
    elif all(w == floats[0] for w in floats):
        mini_weights = floats[0]
    else:
        mini_weights = tuple(floats)
    values = [v for v in values if v]  # as ``add_posting`` keeps them
    if fixed_size is None or fixed_size < 0:
        mini_values: Any = tuple(values)
    else:
        mini_values = None if fixed_size == 0 else b"".join(values)
    data = pickle.dumps((tuple(deltas), mini_weights, mini_values), 2)
    compressor = zlib.compressobj(COMPRESSION, zlib.DEFLATED, *_window(len(data)))
    data = compressor.compress(data) + compressor.flush()
    info = pickle.dumps(
        (len(ids), ids[-1], maxweight, COMPRESSION, length_to_byte(minlength), length_to_byte(maxlength)), 2
    )
    length = len(info) + len(data)
    postfile.write(pack_int(-length if last else length))
    postfile.write(info)
    postfile.write(data)


def _window(size: int) -> tuple[int, int]:
    """zlib's window bits and memory level for ``size`` bytes: a window that holds them all."""
    bits = min(15, max(9, size.bit_length()))
    return bits, min(8, max(1, bits - 7))


def _lengths(lengths: Any, fieldname: str, doccount: int) -> bytes | None:
    """The field's lengths column as bytes (None: the field has none, so no posting has a length)."""
    column = lengths._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    return None if column is None else column_bytes(column, doccount)
