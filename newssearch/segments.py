"""Whoosh's segment files: read in place where they are memory-mapped, and merged once they are mostly deleted.

Whoosh's ``BufferFile`` wraps each sub-file of a segment in a ``BytesIO``, which copies it: opening an index of
Reuters-21578 copied about 40 MB (30 ms, and that much memory, in every process). Importing this module makes it
read the mapped bytes in place (``_ViewFile``); the change is to whoosh-reloaded 2.7.5's ``BufferFile.__init__``.
"""

from __future__ import annotations

from typing import Any

from whoosh.filedb.structfile import BufferFile
from whoosh.reading import SegmentReader
from whoosh.writing import MERGE_SMALL, SegmentWriter

#: A segment is rewritten without its deleted documents once they make up this share of it (Lucene's
#: TieredMergePolicy allows a third). Below it they only cost space: scores leave them out (StableBM25F).
MERGE_DELETED_SHARE = 0.25


def merge_policy(writer: SegmentWriter, segments: list[Any]) -> list[Any]:
    """Merge policy: rewrite each segment whose deleted documents reach ``MERGE_DELETED_SHARE`` of it, then
    Whoosh's usual merging of small segments. A small change to a large index so writes only a small segment."""
    kept = []
    for segment in segments:
        if segment.deleted_count() == segment.doc_count_all():
            continue  # nothing live: dropped
        if segment.deleted_count() >= MERGE_DELETED_SHARE * segment.doc_count_all():
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
        else:
            kept.append(segment)
    result: list[Any] = MERGE_SMALL(writer, kept)
    return result


class _ViewFile:
    """A read-only file over a memoryview of the memory-mapped segment (what ``BytesIO`` does, without a copy)."""

    __slots__ = ("_buf", "_pos")

    def __init__(self, buf: Any):
        self._buf = buf
        self._pos = 0

    def read(self, size: int | None = -1) -> bytes:
        start, end = self._pos, len(self._buf)
        if size is not None and size >= 0:
            end = min(end, start + size)
        self._pos = max(start, end)
        return bytes(self._buf[start:end])

    def peek(self, size: int = 1) -> bytes:
        """The next bytes without moving (``pickle.load`` then reads ahead instead of a few bytes at a time)."""
        return bytes(
            self._buf[self._pos : self._pos + min(max(size, 1), 512)]
        )  # posting block headers are short

    def readinto(self, target: Any) -> int:
        data = self.read(len(target))
        target[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        rest = len(self._buf) - self._pos
        limit = rest if size is None or size < 0 else min(size, rest)
        end = bytes(self._buf[self._pos : self._pos + limit]).find(b"\n")
        return self.read(limit if end < 0 else end + 1)

    def seek(self, offset: int, whence: int = 0) -> int:
        if whence not in (0, 1, 2):
            raise ValueError(f"invalid whence ({whence}, should be 0, 1 or 2)")
        if whence == 0 and offset < 0:
            raise ValueError(f"negative seek value {offset}")
        self._pos = max(0, (0, self._pos, len(self._buf))[whence] + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        pass


def _buffer_file_init(self: BufferFile, buf: Any, name: str | None = None, onclose: Any = None) -> None:
    """``BufferFile.__init__`` (whoosh-reloaded 2.7.5) with the buffer read in place, not copied."""
    self._buf = buf
    self._name = name
    self.file = _ViewFile(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


BufferFile.__init__ = _buffer_file_init
