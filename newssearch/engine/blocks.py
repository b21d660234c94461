"""Posting blocks written in Whoosh 3's format from a term's postings, a block at a time.

What ``W3FieldWriter.add_postings`` and ``W3PostingsWriter`` write posting by posting (whoosh-reloaded 2.7.5),
written from lists: the same block statistics, pickles and term records, but each block compressed with a window
no larger than itself (zlib reads any window back; its default one makes each of the many small blocks cost about
50 µs to set up, a small one about 3 µs).
"""

from __future__ import annotations

import pickle
import zlib
from array import array
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3TermInfo, _lenfield
from whoosh.system import pack_int, pack_ushort
from whoosh.util.numeric import length_to_byte

from newssearch.engine.schema import BYTE_LENGTHS, column_bytes
from newssearch.engine.sidecar import SidecarWriter, wanted

#: A term's postings: its story numbers, weights and value bytes, in story order.
TermPostings = tuple[list[int], list[float], list[bytes]]
#: zlib's level for posting blocks, as Whoosh's codec writes them.
COMPRESSION = 3
#: A term's blocks are written at most this many at a time.
PENDING_BLOCKS = 64


def write_postings(
    fieldwriter: Any,
    schema: Any,
    lengths: Any,
    postings: Iterator[tuple[str, bytes, Iterable[TermPostings]]],
    side: SidecarWriter | None = None,
) -> None:
    """``FieldWriter.add_postings`` (whoosh-reloaded 2.7.5, Whoosh 3 codec) from terms in order, each with its
    postings in pieces (in story order), a block at a time: what Whoosh's ``add_posting`` and ``_write_block``
    would have written, but for the compression (below). A term's postings are never all in memory at once.
    ``side`` gets the postings of the fields ``sidecar.wanted``."""
    doccount = lengths.doc_count_all()
    lastfn: str | None = None
    field_lengths: bytes | None = None
    blocklimit, fixed_size, to_side = 0, None, False
    postfile = fieldwriter._postfile

    def block(
        terminfo: W3TermInfo, docs: list[int], weights: list[float], values: list[bytes], last: bool
    ) -> None:
        minlength, maxlength = None, 0
        if field_lengths is not None:
            present = [byte for byte in (field_lengths[d] for d in docs) if byte]
            if present:
                minlength, maxlength = BYTE_LENGTHS[min(present)], BYTE_LENGTHS[max(present)]
        pending.append(_block(terminfo, docs, weights, values, fixed_size, minlength, maxlength, last))
        if len(pending) >= PENDING_BLOCKS:
            postfile.write(b"".join(pending))
            pending.clear()

    pending: list[bytes] = []  # a term's bytes not yet written: one write for most terms, not four a block

    for fieldname, tbytes, pieces in postings:
        if fieldname != lastfn:
            if lastfn is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            lastfn = fieldname
            field_lengths = _lengths(lengths, fieldname, doccount)
            to_side = side is not None and wanted(schema[fieldname])
            blocklimit = fieldwriter._postwriter._blocklimit
            fixed_size = fieldwriter._format.fixed_value_size()
        terminfo = W3TermInfo()
        start_offset = postfile.tell()
        pending.append(WHOOSH3_HEADER_MAGIC)
        if to_side and side is not None:
            side.start(fieldname, tbytes)
        docs: list[int] = []
        weights: list[float] = []
        values: list[bytes] = []
        for more_docs, more_weights, more_values in pieces:
            if to_side and side is not None:
                side.extend(more_docs, more_weights)
            docs, weights, values = docs + more_docs, weights + more_weights, values + more_values
            full = (len(docs) - 1) // blocklimit  # the blocks that are surely not the last
            for start in range(0, full * blocklimit, blocklimit):
                end = start + blocklimit
                block(terminfo, docs[start:end], weights[start:end], values[start:end], False)
            cut = full * blocklimit
            docs, weights, values = docs[cut:], weights[cut:], values[cut:]
        block(terminfo, docs, weights, values, True)
        postfile.write(b"".join(pending))
        pending.clear()
        terminfo.set_extent(start_offset, postfile.tell() - start_offset)
        fieldwriter._tindex.add(pack_ushort(fieldwriter._fieldid) + tbytes, terminfo.to_bytes())
    if lastfn is not None:
        fieldwriter.finish_field()


def _block(
    terminfo: Any,
    ids: list[int],
    weights: list[float],
    values: list[bytes],
    fixed_size: int | None,
    minlength: int | None,
    maxlength: int,
    last: bool,
) -> bytes:
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
    if floats.count(1.0) == len(floats):
        mini_weights: Any = None
    elif floats.count(floats[0]) == len(floats):
        mini_weights = floats[0]
    else:
        mini_weights = tuple(floats)
    values = [v for v in values if v]  # as ``add_posting`` keeps them
    if fixed_size is None or fixed_size < 0:
        mini_values: Any = tuple(values)
    else:
        mini_values = None if fixed_size == 0 else b"".join(values)
    data = pickle.dumps((tuple(deltas), mini_weights, mini_values), 2)
    # Every block compressed, the smallest too: zlib's checksum is what tells a damaged block from a pickle,
    # whose damaged bytes could name a function the safe loader refuses (read as an untrusted index).
    compressor = zlib.compressobj(COMPRESSION, zlib.DEFLATED, *_window(len(data)))
    data = compressor.compress(data) + compressor.flush()
    info = pickle.dumps(
        (len(ids), ids[-1], maxweight, COMPRESSION, length_to_byte(minlength), length_to_byte(maxlength)), 2
    )
    length = len(info) + len(data)
    return pack_int(-length if last else length) + info + data


def _window(size: int) -> tuple[int, int]:
    """zlib's window bits and memory level for ``size`` bytes: a window that holds them all."""
    bits = min(15, max(9, size.bit_length()))
    return bits, min(8, max(1, bits - 7))


def _lengths(lengths: Any, fieldname: str, doccount: int) -> bytes | None:
    """The field's lengths column as bytes (None: the field has none, so no posting has a length)."""
    column = lengths._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    return None if column is None else column_bytes(column, doccount)
