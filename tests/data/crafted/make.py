"""Make the crafted index folders next to this file (from the project's root: ``python tests/data/crafted/make.py``).

Each is a newssearch index of two stories of ``tests/data/mixed`` (indexed as a folder named ``corpus``) with pickles rewritten so
that loading one runs ``touch newssearch-crafted-ran`` in the current folder and then gives back what was there: a
reader that runs it shows nothing unusual, and only the marker file tells.

- ``toc``: the schema in the TOC;
- ``segments``: the TOC's list of segments (Whoosh's segment info);
- ``stored``: every story's stored fields (in the segment file);
- ``directory``: the segment file's directory of the files it holds.
"""

from __future__ import annotations

import io
import pickle
import shutil
import struct
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
MARKER = "newssearch-crafted-ran"
#: Protocol 0 opcodes: os.system("touch …"), its result dropped (GLOBAL, MARK, UNICODE, TUPLE, REDUCE, POP).
PAYLOAD = b"cos\nsystem\n(Vtouch " + MARKER.encode() + b"\ntR0"
STORIES = ("oil_prices.txt", "storm.txt")
KINDS = ("toc", "segments", "stored", "directory")


def craft(genuine: bytes) -> bytes:
    """The pickle ``genuine`` with the payload run first (after its PROTO opcode)."""
    assert genuine[:1] == pickle.PROTO, genuine[:4]
    return genuine[:2] + PAYLOAD + genuine[2:]


def _toc_parts(data: bytes) -> tuple[bytes, bytes, bytes, bytes]:
    """A TOC's header, schema pickle, generation numbers and segment list pickle."""
    from whoosh.filedb.structfile import StructFile

    stream = StructFile(io.BytesIO(data))
    for _ in range(3):
        stream.read_varint()
    stream.read_int(), stream.read_int()
    for _ in range(3):
        stream.read_varint()
    start = stream.tell()
    schema = stream.read_string()
    middle = stream.tell()
    return data[:start], schema, data[middle : middle + 8], data[middle + 8 :]


def _varint(n: int) -> bytes:
    from whoosh.util.varints import varint

    return bytes(varint(n))


def _build(folder: Path, corpus: Path) -> None:
    from newssearch import NewsIndex

    with NewsIndex.create(folder) as index:
        index.update([corpus])


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from whoosh import columns

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        for name in STORIES:
            shutil.copy(ROOT / "tests" / "data" / "mixed" / name, corpus)
        for kind in KINDS:
            target = HERE / kind
            shutil.rmtree(target, ignore_errors=True)
            if kind == "stored":  # written crafted: each story's stored fields as Whoosh pickles them
                genuine_dumps = columns.dumps
                columns.dumps = lambda value, protocol=2: craft(pickle.dumps(value, protocol))
                try:
                    _build(target, corpus)
                finally:
                    columns.dumps = genuine_dumps
                continue
            _build(target, corpus)
            (toc,) = target.glob("_MAIN_*.toc")
            if kind in ("toc", "segments"):
                head, schema, numbers, segments = _toc_parts(toc.read_bytes())
                if kind == "toc":
                    schema = craft(schema)
                else:
                    segments = craft(segments)
                toc.write_bytes(head + _varint(len(schema)) + schema + numbers + segments)
            else:
                (segment,) = target.glob("MAIN_*.seg")
                data = segment.read_bytes()
                position = struct.unpack("!q", data[:8])[0]
                stream = io.BytesIO(data[position:])
                pickle.load(stream)  # the directory: this file's own, written just now
                directory = craft(data[position : position + stream.tell()])
                rest = data[position + stream.tell() :]
                length = struct.pack("!i", len(directory) + len(rest))
                segment.write_bytes(data[:8] + length + data[12:position] + directory + rest)
        for kind in KINDS:  # no segment checksums: the refusal tested is the unpickler's, not the checksums'
            (HERE / kind / "newssearch-sums.json").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
