"""A segment writer that keeps postings in columns: the same segment files Whoosh's own writer makes, written
without its per-posting work.

Whoosh's ``SegmentWriter`` makes a tuple of every posting, puts it in a pool that is sorted as a whole at commit,
and then hands the postings one by one to the posting writer, which asks the lengths column for each. Here a
story's postings go straight into flat arrays per field (term number, story number, weight, value bytes); at
commit each field's postings are ordered by term with one stable sort of the term numbers (a term's postings
stay in story order), and written a block at a time, with each block's statistics worked out from the arrays. The pool keeps at most ``limitmb`` in memory: past it, what it holds is
written to a sorted run on disk, and the runs are merged term by term at commit.

The blocks are written by ``blocks.py``, which also hands the postings of text and keyword fields to the
segment's postings file (``sidecar.py``). A segment reads back as one Whoosh's writer wrote
(``tests/test_writer.py`` compares every term, posting and block bound); merging old segments in (``add_reader``)
still goes through the pool posting by posting.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import pickle
import struct
from array import array
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh.codec.whoosh3 import W3LeafMatcher, _lenfield
from whoosh.writing import SegmentWriter

from newssearch.engine.ahead import Packed
from newssearch.engine.blocks import TermPostings, write_postings
from newssearch.engine.sidecar import SidecarWriter

#: Bytes a posting costs in the pool, besides its value's bytes (four array items).
POSTING_BYTES = 24
#: Bytes a distinct term costs in the pool (its key and dictionary entry).
TERM_BYTES = 100
#: The pool's size is looked at after every this many stories.
CHECK_EVERY = 1000
#: Postings turned into lists at a time when a field's terms are gone through in order.
CHUNK_POSTINGS = 65_536
_LENGTH = struct.Struct("<Q")  # a run's record's length


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

    def add_all(
        self, postings: Iterable[tuple[bytes, int, float, bytes | None]], docnum: int, boost: float
    ) -> int:
        """Adds one story's postings of the field as ``FieldType.index`` gives them (``add``, inlined); returns
        its length."""
        terms, values = self.terms, self.values
        term_ids, docs = self.term_ids.append, self.docs.append
        weights, ends = self.weights.append, self.ends.append
        length = 0
        for tbytes, freq, weight, vbytes in postings:
            length += freq
            term = terms.get(tbytes)
            if term is None:
                term = terms[tbytes] = len(terms)
            term_ids(term)
            docs(docnum)
            weights(weight * boost)
            if vbytes:
                values += vbytes
            ends(len(values))
        return length

    def extend(self, packed: Packed, docnum: int, boost: float) -> int:
        """Adds one story's postings of the field, analysed ahead (``ahead.pack``); returns its length."""
        names, weights, values, ends, length = packed
        terms = self.terms
        self.term_ids.extend([terms.setdefault(name, len(terms)) for name in names])
        self.docs.extend(itertools.repeat(docnum, len(names)))
        if boost == 1.0:
            self.weights.frombytes(weights)
        else:
            self.weights.extend(weight * boost for weight in memoryview(weights).cast("d"))
        base = len(self.values)
        self.values += values
        self.ends.extend(map(base.__add__, memoryview(ends).cast("Q")))
        return length

    def size(self) -> int:
        return len(self.docs) * POSTING_BYTES + len(self.values) + len(self.terms) * TERM_BYTES

    def sorted_terms(self) -> Iterator[tuple[bytes, Iterable[TermPostings]]]:
        """Each term in byte order with its postings in the order they were added, as lists of at most
        ``CHUNK_POSTINGS`` (a few thousand terms' worth are made at a time)."""
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

        def lists(at: int, stop: int) -> TermPostings:
            starts, stops = vstarts[at:stop].tolist(), vends[at:stop].tolist()
            parts = [values[a:b] for a, b in zip(starts, stops, strict=True)]
            return docs[at:stop].tolist(), weights[at:stop].tolist(), parts

        first = 0
        while first < len(names):
            last = int(np.searchsorted(bounds, bounds[first] + CHUNK_POSTINGS, side="right")) - 1
            if last <= first:  # a term of more than a chunk: its postings a chunk at a time
                at, stop = int(bounds[first]), int(bounds[first + 1])
                yield (
                    names[first],
                    (lists(a, min(a + CHUNK_POSTINGS, stop)) for a in range(at, stop, CHUNK_POSTINGS)),
                )
                first += 1
                continue
            last = min(last, len(names))
            at = int(bounds[first])
            chunk_docs, chunk_weights, chunk_values = lists(at, int(bounds[last]))
            for n in range(first, last):
                s, e = int(bounds[n]) - at, int(bounds[n + 1]) - at
                yield names[n], [(chunk_docs[s:e], chunk_weights[s:e], chunk_values[s:e])]
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

    def _in_memory(self) -> Iterator[tuple[tuple[str, bytes], Iterable[TermPostings]]]:
        """What the pool holds, in order; each field is let go of once it has been gone through."""
        for fieldname in sorted(self.fields):
            for tbytes, pieces in self.fields[fieldname].sorted_terms():
                yield (fieldname, tbytes), pieces
            self.fields[fieldname] = _FieldColumns()

    def save(self) -> None:
        """What the pool holds, sorted, to a run file (a record for each piece of a term's postings); the pool
        starts empty."""
        name = f"run{len(self.runs)}.pool"
        with self.tempstore.create_file(name).raw_file() as f:
            for key, pieces in self._in_memory():
                for piece in pieces:  # one pickle each: a pickler would keep every record it wrote
                    data = pickle.dumps((key, piece), pickle.HIGHEST_PROTOCOL)
                    f.write(_LENGTH.pack(len(data)))
                    f.write(data)
        self.runs.append(name)
        self.fields = {}

    def _run(self, name: str) -> Iterator[tuple[tuple[str, bytes], TermPostings]]:
        with self.tempstore.open_file(name).raw_file() as f:
            while header := f.read(_LENGTH.size):
                yield pickle.loads(f.read(_LENGTH.unpack(header)[0]))

    def sorted_postings(self) -> Iterator[tuple[str, bytes, Iterable[TermPostings]]]:
        """Every (field, term) in order with its postings in story order, in pieces (to be gone through before
        the next term): the runs and what is in memory, merged term by term."""
        if not self.runs:
            for (fieldname, tbytes), pieces in self._in_memory():
                yield fieldname, tbytes, pieces
            return
        memory = ((key, piece) for key, pieces in self._in_memory() for piece in pieces)
        sources = [self._run(name) for name in self.runs] + [memory]
        # A run holds the postings added before the next run's: merged by (term, run), a term's pieces come
        # in story order.
        merged = heapq.merge(*(_numbered(n, source) for n, source in enumerate(sources)))
        for (fieldname, tbytes), records in itertools.groupby(merged, key=lambda record: record[0]):
            yield fieldname, tbytes, _in_story_order(record[3] for record in records)

    def cleanup(self) -> None:
        for name in self.runs:
            with contextlib.suppress(OSError):
                self.tempstore.delete_file(name)
        self.runs = []
        self.fields = {}


def _blocks(matcher: Any) -> Iterator[tuple[Any, list[float], Any]]:
    """A Whoosh 3 posting list's blocks as they are stored: ids, weights, values (whoosh-reloaded 2.7.5)."""
    while True:
        matcher._read_ids()
        matcher._read_weights()
        matcher._read_values()
        yield matcher._ids, list(matcher._weights), matcher._values
        if matcher._lastblock:
            return
        matcher._goto(matcher._nextoffset)


def _one_by_one(matcher: Any) -> Iterator[tuple[list[int], list[float], list[Any]]]:
    """Any other matcher's postings (one inlined in its term's record), as one block."""
    ids, weights, values = [], [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        values.append(matcher.value())
        matcher.next()
    if ids:
        yield ids, weights, values


def _numbered(
    n: int, source: Iterator[tuple[tuple[str, bytes], TermPostings]]
) -> Iterator[tuple[tuple[str, bytes], int, int, TermPostings]]:
    """A source's records as (term, source, record, postings): their order when merged."""
    for at, (key, piece) in enumerate(source):
        yield key, n, at, piece


def _in_story_order(pieces: Iterator[TermPostings]) -> Iterator[TermPostings]:
    """The pieces, checked to follow one another in story order."""
    last = -1
    for docs, weights, values in pieces:
        if docs[0] <= last:
            raise ValueError("postings out of story order in the writer's pool")
        last = docs[-1]
        yield docs, weights, values


class ColumnWriter(SegmentWriter):
    """Whoosh's ``SegmentWriter`` with a ``ColumnPool`` and a commit that writes from it a block at a time."""

    def __init__(self, ix: Any, limitmb: int = 128, **kwargs: Any) -> None:
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = ColumnPool(self._tempstorage, limitmb)

    def add_document(self, **fields: Any) -> None:
        """``SegmentWriter.add_document`` (whoosh-reloaded 2.7.5) for a schema without spelling or vector
        fields, each posting put straight into its field's columns; ``_analysed``: fields analysed ahead
        (``ahead.py``), whose postings are taken as they are."""
        self._check_state()
        given = fields.get("_analysed")
        analysed: dict[str, Packed] = pickle.loads(given) if given else {}
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
                    packed = analysed.get(fieldname)
                    if packed is not None:
                        length = columns.extend(packed, docnum, fieldboost)
                    else:
                        length = columns.add_all(field.index(value), docnum, fieldboost)
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

    def write_per_doc(self, fieldnames: Any, reader: Any) -> Any:
        """``SegmentWriter.write_per_doc``, with the segment's reader told once which fields have no lengths
        column: whoosh-reloaded 2.7.5 looks for the file again for each story and field (a ``stat`` each)."""
        perdoc = getattr(reader, "_perdoc", None)
        readers = getattr(perdoc, "_readers", None)
        if perdoc is not None and isinstance(readers, dict) and hasattr(perdoc, "has_column"):
            for fieldname in fieldnames:
                name = _lenfield(fieldname)
                if name not in readers and not perdoc.has_column(name):
                    readers[name] = None  # what ``_cached_reader`` gives for it, without looking
        return super().write_per_doc(fieldnames, reader)

    def add_postings_to_pool(self, reader: Any, startdoc: int, docmap: dict[int, int] | None) -> None:
        """``SegmentWriter.add_postings_to_pool`` (merging a segment in) a block at a time: each of the
        segment's posting blocks goes into the columns whole, its stories renumbered (``docmap`` when the
        segment has deletions, whose postings are left out; else from ``startdoc``)."""
        schema, pool = self.schema, self.pool
        terms = reader._terms  # the raw matchers: ``reader.postings`` wraps them to skip deleted stories
        for fieldname, tbytes in reader.all_terms():
            if fieldname not in schema:
                continue
            matcher = terms.matcher(fieldname, tbytes, schema[fieldname].format)
            blocks = _blocks(matcher) if isinstance(matcher, W3LeafMatcher) else _one_by_one(matcher)
            columns = pool.field(fieldname)
            for ids, weights, values in blocks:
                if docmap is not None:
                    kept = [n for n, doc in enumerate(ids) if doc in docmap]
                    if not kept:
                        continue
                    docs = [docmap[ids[n]] for n in kept]
                    weights, values = [weights[n] for n in kept], [values[n] for n in kept]
                else:
                    docs = [startdoc + doc for doc in ids]
                term = columns.terms.get(tbytes)
                if term is None:
                    term = columns.terms[tbytes] = len(columns.terms)
                columns.term_ids.extend(itertools.repeat(term, len(docs)))
                columns.docs.extend(docs)
                columns.weights.extend(weights)
                start = len(columns.values)
                columns.values += b"".join(value or b"" for value in values)
                ends = itertools.accumulate((len(value or b"") for value in values), initial=start)
                columns.ends.extend(itertools.islice(ends, 1, None))
                pool._checked += len(docs)
            if pool._checked >= 100_000:
                pool.check_size()

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        side = SidecarWriter(self.newsegment, self.storage)
        try:
            write_postings(self.fieldwriter, self.schema, lengths, self.pool.sorted_postings(), side)
        except BaseException:
            side.cancel()
            raise
        finally:
            lengths.close()
        side.close()
        self.fieldwriter.close()
