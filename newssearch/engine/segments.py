"""Whoosh's segment files: read in place where they are memory-mapped, and merged once they are mostly deleted.

Whoosh's ``BufferFile`` wraps each sub-file of a segment in a ``BytesIO``, which copies it: opening an index of
Reuters-21578 copied about 40 MB (30 ms, and that much memory, in every process). Importing this module makes it
read the mapped bytes in place (``_ViewFile``); the change is to whoosh-reloaded 2.7.5's ``BufferFile.__init__``.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections import Counter
from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3PerDocReader, _lenfield
from whoosh.filedb.structfile import BufferFile
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from newssearch.engine import analysis as analysis  # on import, the text fields index through it
from newssearch.engine import safeload, sidecar
from newssearch.engine.schema import BYTE_LENGTHS, column_bytes
from newssearch.errors import IndexUntrustedError
from newssearch.reports import CheckReport

#: A segment is rewritten without its deleted documents once they make up this share of it (Lucene's
#: TieredMergePolicy allows a third). Below it they only cost space: scores leave them out (StableBM25F).
MERGE_DELETED_SHARE = 0.25
#: Segments of one size class (their stories, by powers of ``MERGE_FACTOR``) are merged once there are this many
#: (Lucene's log merge policy): a first build's checkpoints of 25,000 stories make a segment of 250,000 every
#: ten, so an index holds about ``MERGE_FACTOR`` segments per size class, and a story is rewritten once per
#: class it climbs.
MERGE_FACTOR = 10
_BLOCKS_MAGIC = b"W3Bl"
_BLOCK_LENGTH = struct.Struct("!i")


def merge_policy(writer: SegmentWriter, segments: list[Any]) -> list[Any]:
    """Merge policy: rewrite each segment whose deleted documents reach ``MERGE_DELETED_SHARE`` of it, then merge
    the segments of the smallest size class that has ``MERGE_FACTOR`` of them. A small change to a large index so
    writes only a small segment."""
    kept = []
    for segment in segments:
        if segment.deleted_count() == segment.doc_count_all():
            continue  # nothing live: dropped
        if segment.deleted_count() >= MERGE_DELETED_SHARE * segment.doc_count_all():
            _merge(writer, segment)
        else:
            kept.append(segment)
    classes: dict[int, list[Any]] = {}
    for segment in kept:
        classes.setdefault(size_class(segment.doc_count_all()), []).append(segment)
    for _, same in sorted(classes.items()):
        if len(same) >= MERGE_FACTOR:
            for segment in same:
                _merge(writer, segment)
            return [segment for segment in kept if segment not in same]
    return kept


def tidy_policy(writer: SegmentWriter, segments: list[Any]) -> list[Any]:
    """``merge_policy``, then the segments below the largest size class merged into one when there are two or
    more: the last commit of a first build, whose checkpoints leave a tail of small segments (at a million
    stories, 3 of 300,000 and 5 of 7,000 to 27,000), each of which every query pays for."""
    kept = merge_policy(writer, segments)
    if not kept:
        return kept
    top = max(size_class(segment.doc_count_all()) for segment in kept)
    small = [segment for segment in kept if size_class(segment.doc_count_all()) < top]
    if len(small) < 2:
        return kept
    for segment in small:
        _merge(writer, segment)
    return [segment for segment in kept if segment not in small]


def size_class(stories: int) -> int:
    """A segment's size class: 0 below ``MERGE_FACTOR`` stories, 1 below its square, and so on."""
    level, bound = 0, MERGE_FACTOR
    while stories >= bound:
        level, bound = level + 1, bound * MERGE_FACTOR
    return level


def _merge(writer: SegmentWriter, segment: Any) -> None:
    reader = SegmentReader(writer.storage, writer.schema, segment)
    writer.add_reader(reader)
    reader.close()


def check_postings(reader: Any) -> tuple[int, list[str]] | None:
    """Read every word of a segment's word list with its posting list, in the order they are stored: the number
    of words read and the problems found (a word's record not found again by its key, or a posting list that
    cannot be read). None if the word list itself cannot be read through, or the segment is not Whoosh 3's: the
    caller then reads it word by word, field by field (slower, with a problem for each field it cannot read)."""
    terms = getattr(reader, "_terms", None)
    if not all(
        hasattr(terms, name) for name in ("_tindex", "_keydecoder", "_codec", "_postfile", "term_info")
    ):
        return None
    assert terms is not None
    count, problems = 0, []
    try:
        for keybytes in terms._tindex.keys():  # noqa: SIM118 (iterating the table gives key and value)
            fieldname, tbytes = terms._keydecoder(keybytes)
            try:
                terminfo = terms.term_info(fieldname, tbytes)  # found again through the key's hash
                if terminfo.is_inlined():
                    terminfo.inlined_postings()
                else:
                    offset, length = terminfo.extent()
                    length = (
                        length[0] if isinstance(length, tuple) else length
                    )  # a 1-tuple as Whoosh reads it
                    _read_blocks(terms._postfile.get(offset, length), terminfo.doc_frequency())
                count += 1
            except IndexUntrustedError:
                raise
            except Exception as exc:
                problems.append(f"postings of {fieldname}:{tbytes!r}: {type(exc).__name__}: {exc}"[:300])
    except IndexUntrustedError:
        raise
    except Exception:
        return None
    return count, problems


def check_reader(reader: Any, report: CheckReport, ids: Counter[str]) -> None:
    """Read every stored article and posting list of one segment's reader into ``report``; count the live
    articles' ``ids``."""
    for docnum in range(reader.doc_count_all()):
        if reader.is_deleted(docnum):
            continue
        try:
            ids[reader.stored_fields(docnum).get("id")] += 1
            report.documents += 1
        except IndexUntrustedError:
            raise
        except Exception as exc:
            report.problems.append(f"stored article {docnum}: {type(exc).__name__}: {exc}"[:300])
    found = check_postings(reader)
    if found is not None:
        report.terms += found[0]
        report.problems.extend(found[1] or _check_word_lists(reader, found[0]) or sidecar.check(reader))
        return
    for fieldname in reader.indexed_field_names():
        try:
            for term in reader.lexicon(fieldname):
                try:
                    read_postings(reader.postings(fieldname, term))
                    report.terms += 1
                except IndexUntrustedError:
                    raise
                except Exception as exc:
                    report.problems.append(
                        f"postings of {fieldname}:{term!r}: {type(exc).__name__}: {exc}"[:300]
                    )
        except Exception as exc:
            if isinstance(exc, IndexUntrustedError):
                raise
            report.problems.append(f"word list of field {fieldname}: {type(exc).__name__}: {exc}"[:300])


def _check_word_lists(reader: Any, words: int) -> list[str]:
    """Each field's words read in order (the sorted list that prefix, range and fuzzy queries walk, apart from the
    table ``check_postings`` reads by key): readable, and as many in all as the table holds."""
    listed = 0
    for fieldname in reader.indexed_field_names():
        try:
            listed += sum(1 for _ in reader.lexicon(fieldname))
        except IndexUntrustedError:
            raise
        except Exception as exc:
            return [f"word list of field {fieldname}: {type(exc).__name__}: {exc}"[:300]]
    if listed != words:
        return [f"the fields' word lists hold {listed:,} words, their table {words:,}"]
    return []


def duplicate_ids(ids: Counter[str], examples: int = 3) -> list[str]:
    """The problem of ids held by more than one live article (newssearch gives each article its own)."""
    twice = Counter({article_id: n - 1 for article_id, n in ids.items() if n > 1})
    if not twice:
        return []
    first = sorted(twice, key=lambda article_id: (-twice[article_id], article_id))[:examples]
    named = ", ".join(repr(article_id)[:80] for article_id in first)
    return [
        f"{len(twice)} ids are held by more than one article ({sum(twice.values())} articles too many, "
        f"e.g. {named}): stories were indexed twice"
    ]


def _read_blocks(data: bytes, postings: int) -> None:
    """Decode every block of a posting list as Whoosh 3 writes it (``W3PostingsWriter``), from its bytes: the
    header, then for each block its length (negative for the last), its summary and its ids, weights and values
    (pickled, perhaps compressed). What Whoosh's matcher reads posting by posting, read at once; the blocks must
    fill the list exactly and hold as many postings as the word list says."""
    if data[:4] != _BLOCKS_MAGIC:
        raise ValueError(f"block tag error {data[:4]!r}")
    stream = io.BytesIO(data)
    end, found, last = 4, 0, False
    while not last:
        stream.seek(end)
        (length,) = _BLOCK_LENGTH.unpack(stream.read(4))
        last = length < 0
        end += 4 + abs(length)
        if end > len(data):
            raise ValueError(f"a block runs past the end of its posting list ({end} of {len(data)} bytes)")
        count, _, _, compressed, _, _ = safeload.load(stream)
        block = data[stream.tell() : end]
        ids, _, _ = safeload.loads(zlib.decompress(block) if compressed else block)
        if len(ids) != count:
            raise ValueError(f"a block says {count} postings and holds {len(ids)}")
        found += count
    if end != len(data) or found != postings:
        raise ValueError(f"{found} postings in {end} bytes, not {postings} in {len(data)}")


def read_postings(matcher: Any) -> None:
    """Read every block of a posting list, decoding its ids and weights: what damage to it would break. Whoosh 3's
    on-disk postings a block at a time (one call a block, not one a posting: ``check`` on Reuters-21578 reads about
    two million postings); any other matcher a posting at a time."""
    if (
        hasattr(matcher, "_read_ids")
        and hasattr(matcher, "_read_weights")
        and hasattr(matcher, "_next_block")
    ):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            matcher._next_block()
        return
    while matcher.is_active():
        matcher.id()
        matcher.weight()
        matcher.next()


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


def _doc_field_length(self: W3PerDocReader, docnum: int, fieldname: str, default: int = 0) -> int | None:
    """``W3PerDocReader.doc_field_length`` (whoosh-reloaded 2.7.5), each field's lengths column read once in one
    piece (``column_bytes``) rather than a byte at a time: a commit asks it for every posting it writes."""
    if docnum > self._doccount:
        raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
    cache = self.__dict__.setdefault("_newssearch_lengths", {})
    lengths = cache.get(fieldname)
    if lengths is None:
        column = self._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:
            return default
        lengths = cache[fieldname] = column_bytes(column, self._doccount)
    lbyte = lengths[docnum] if docnum < len(lengths) else 0
    return BYTE_LENGTHS[lbyte] if lbyte else None  # None, not ``default``, for no length: as Whoosh answers


WHOOSH_DOC_FIELD_LENGTH = W3PerDocReader.doc_field_length
W3PerDocReader.doc_field_length = _doc_field_length
