"""Each term's postings as flat arrays beside Whoosh's blocks: story numbers and weights read in place.

Whoosh keeps a term's postings in blocks that are each pickled and compressed with their positions, so a count or
a large OR decodes every block, positions included: at 100,000 stories half of a query's time. The writer
(``writer.py``) also writes a segment's postings, for its text and keyword fields, into one more file of the
segment (``.nsp``, inside its compound file): the story numbers (uint32) and weights (float32, as Whoosh keeps
them; one byte each when all are whole numbers up to 255, as term frequencies are) of every term one after the
other, then a table of the terms (a 64-bit hash of field and term, sorted, with
where each term's postings start and how many there are). Reading a term is a binary search of the table and two
array views of the memory-mapped file, with nothing decoded.

Whoosh's blocks stay the source of truth: a segment without the file (written before it existed, or by Whoosh's
own writer) or a term not in it (a field left out; two terms whose hashes collide, both left out) is read from
the blocks, and ``check`` compares the two.
"""

from __future__ import annotations

import hashlib
import struct
from array import array
from collections.abc import Iterator
from typing import Any

#: The file's extension, beside the segment's own files.
EXT = ".nsp"
MAGIC = b"NSP1"
#: The same, with every weight a whole number from 0 to 255 (term frequencies, mostly), kept in one byte each.
SMALL_MAGIC = b"NSP8"
#: The footer: term count, posting count, magic.
_FOOTER = struct.Struct("<QQ4s")
#: Postings copied from the weights' temporary file at a time.
_COPY_BYTES = 1 << 22


def term_key(fieldname: str, btext: bytes) -> int:
    """The 64-bit key of a field's term."""
    digest = hashlib.blake2b(fieldname.encode("utf-8") + b"\0" + btext, digest_size=8).digest()
    return int.from_bytes(digest, "little")


def wanted(field: Any) -> bool:
    """Whether a field's postings go to the file: text and keyword fields (not ids, paths or dates)."""
    from whoosh.fields import KEYWORD, TEXT

    return isinstance(field, (TEXT, KEYWORD))


class SidecarWriter:
    """Writes a segment's ``.nsp`` file as the writer goes through its terms in order."""

    def __init__(self, segment: Any, storage: Any) -> None:
        self.file = segment.create_file(storage, EXT)
        self.weights = segment.create_file(storage, EXT + ".tmp")
        self.keys = array("Q")
        self.starts = array("Q")
        self.counts = array("I")
        self.total = 0
        self._segment, self._storage = segment, storage

    def add(self, fieldname: str, btext: bytes, docs: list[int], weights: list[float]) -> None:
        """A term's postings, all at once."""
        self.start(fieldname, btext)
        self.extend(docs, weights)

    def start(self, fieldname: str, btext: bytes) -> None:
        """The next term, whose postings ``extend`` gives, in pieces."""
        self.keys.append(term_key(fieldname, btext))
        self.starts.append(self.total)
        self.counts.append(0)

    def extend(self, docs: list[int], weights: list[float]) -> None:
        self.counts[-1] += len(docs)
        self.total += len(docs)
        self.file.write(array("I", docs).tobytes())
        self.weights.write(array("f", weights).tobytes())

    def close(self) -> None:
        """The weights after the story numbers, then the table, sorted by key; keys held by two terms are left
        out (their terms are read from Whoosh's blocks)."""
        import numpy as np

        self.weights.close()
        name = self._segment.make_filename(EXT + ".tmp")
        small = all(
            bool(((part == np.floor(part)) & (part >= 0) & (part <= 255)).all())
            for part in self._weights(np, name)
        )
        for part in self._weights(np, name):
            self.file.write((part.astype(np.uint8) if small else part).tobytes())
        self._storage.delete_file(name)
        keys = np.frombuffer(self.keys, dtype=np.uint64)
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        unique = np.ones(len(keys), dtype=bool)
        if len(keys) > 1:
            same = keys[1:] == keys[:-1]
            unique[1:] &= ~same
            unique[:-1] &= ~same
        order = order[unique]
        self.file.write(keys[unique].tobytes())
        self.file.write(np.frombuffer(self.starts, dtype=np.uint64)[order].tobytes())
        self.file.write(np.frombuffer(self.counts, dtype=np.uint32)[order].tobytes())
        self.file.write(_FOOTER.pack(len(order), self.total, SMALL_MAGIC if small else MAGIC))
        self.file.close()

    def _weights(self, np: Any, name: str) -> Iterator[Any]:
        """The weights written so far, a chunk at a time."""
        f = self._storage.open_file(name)
        try:
            while chunk := f.read(_COPY_BYTES):
                yield np.frombuffer(chunk, dtype=np.float32)
        finally:
            f.close()

    def cancel(self) -> None:
        for f in (self.file, self.weights):
            f.close()


class Sidecar:
    """A segment's ``.nsp`` file, read in place."""

    def __init__(self, np: Any, buf: Any) -> None:
        terms, total, magic = _FOOTER.unpack(bytes(buf[len(buf) - _FOOTER.size :]))
        weight_type = {MAGIC: np.float32, SMALL_MAGIC: np.uint8}.get(magic)
        if (
            weight_type is None
            or len(buf) != total * (4 + np.dtype(weight_type).itemsize) + terms * 20 + _FOOTER.size
        ):
            raise ValueError("not a postings file of this version")
        at = 0

        def take(dtype: Any, count: int) -> Any:
            nonlocal at
            view = np.frombuffer(buf, dtype=dtype, count=count, offset=at)
            at += view.nbytes
            return view

        self.docs, self.weights = take(np.uint32, total), take(weight_type, total)
        self.keys, self.starts, self.counts = (
            take(np.uint64, terms),
            take(np.uint64, terms),
            take(np.uint32, terms),
        )
        if not self.keys.flags.aligned:  # one-byte weights leave it off 8-byte bounds, where numpy's binary
            self.keys = self.keys.copy()  # search copies the table at each lookup (75 us against 1 us)
        self.np = np

    def postings(self, fieldname: str, btext: bytes) -> tuple[Any, Any] | None:
        """A term's story numbers and weights (read-only views), or None if the file does not hold it."""
        key = term_key(fieldname, btext)
        # Given as a uint64: a Python int makes numpy convert the whole table first (850 us a lookup over 300,000
        # terms, against 2 us).
        n = int(self.keys.searchsorted(self.np.uint64(key)))
        if n == len(self.keys) or int(self.keys[n]) != key:
            return None
        start, count = int(self.starts[n]), int(self.counts[n])
        return self.docs[start : start + count], self.weights[start : start + count]


def of(reader: Any, np: Any) -> Sidecar | None:
    """The segment reader's postings file (kept on the reader), or None when its segment has none."""
    cache = reader.__dict__
    if "_newssearch_sidecar" not in cache:
        cache["_newssearch_sidecar"] = _open(reader, np)
    found: Sidecar | None = cache["_newssearch_sidecar"]
    return found


def _open(reader: Any, np: Any) -> Sidecar | None:
    segment, storage = getattr(reader, "_segment", None), getattr(reader, "_storage", None)
    if segment is None or storage is None:
        return None
    name = segment.make_filename(EXT)
    try:
        if not storage.file_exists(name):
            return None
        f = storage.open_file(name)
        buf = getattr(f, "_buf", None)
        if buf is None:
            buf = f.read()
        return Sidecar(np, buf)
    except (OSError, ValueError, struct.error):  # damaged or not ours: the blocks are read instead
        return None


def check(reader: Any) -> list[str]:
    """The segment's postings file against Whoosh's blocks: each term it holds has the blocks' story numbers and
    weights, and it holds no term the word list does not (``check``'s problems; none without the file)."""
    import numpy as np

    from newssearch.engine.postings import block_postings

    side = of(reader, np)
    if side is None:
        return []
    held = 0
    for fieldname in reader.indexed_field_names():
        if not wanted(reader.schema[fieldname]):
            continue
        fmt = reader.schema[fieldname].format
        for tbytes in reader.lexicon(fieldname):
            found = side.postings(fieldname, tbytes)
            if found is None:
                continue
            held += 1
            leaf = reader._terms.matcher(fieldname, tbytes, fmt)
            docs: list[int] = []
            weights: list[float] = []
            while leaf.is_active():
                ids, block_weights = block_postings(leaf)
                docs += ids
                weights += block_weights
                leaf._next_block()
            if docs != found[0].tolist() or weights != found[1].tolist():
                return [f"the postings file disagrees with the posting list of {fieldname}:{tbytes!r}"[:300]]
    if held != len(side.keys):
        return [f"the postings file holds {len(side.keys) - held:,} terms the word lists do not"]
    return []
