"""The grouper's memory of the stories written in one transaction (see ``grouping.py``), bounded whatever their
number: a first build of a million stories must not hold a million bodies.

In memory, per story, only what finding candidates reads: its band keys (a 32-bit hash of each, beside its
position, in sorted arrays: 8 bytes a key), the hash of its headline's words and whether it is a correction.
Everything a candidate is checked with (id, group, date, headline words, the hashes of its shingles) goes to an
unlinked temporary file, written in large appends and read back for the few candidates an article has; the
operating system's cache keeps the recent ones, which are the likely copies, in memory.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from array import array
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

#: Band keys of this many stories are held in a dict, then sorted into an array (a "run"); runs are merged so
#: that there are about log2 of the number of runs made.
RUN_STORIES = 8192
#: Records are appended to the file once this many bytes wait.
FLUSH_BYTES = 1 << 20
_LOW = 0xFFFFFFFF


@dataclass
class Copy:
    """A story as a candidate copy: ``runs`` are the sorted 32-bit hashes of its shingles (``size`` of them
    before hashing)."""

    id: str
    group: str
    date: datetime | None
    named: tuple[str, ...]
    corrects: bool
    size: int
    runs: np.ndarray

    def common(self, other: Copy) -> int:
        """The number of shingles the two share."""
        import numpy as np

        return int(np.intersect1d(self.runs, other.runs, assume_unique=True).size)


def runs_of(shingles: frozenset[str]) -> np.ndarray:
    """The sorted, distinct 32-bit hashes of a story's shingles (Python's ``hash``: this process only, as is the
    file they are kept in)."""
    import numpy as np

    hashed = np.fromiter(map(hash, shingles), dtype=np.int64, count=len(shingles))
    return np.unique((hashed & _LOW).astype(np.uint32))


class Written:
    """The stories written so far in a transaction, by position (the order they were written in)."""

    def __init__(self, folder: str | None = None) -> None:
        self._file = tempfile.TemporaryFile(dir=folder, prefix="grouping-", buffering=0)  # noqa: SIM115 (closed by close)
        self._offsets = array("Q", [0])  # the record of position n is bytes offsets[n]:offsets[n + 1]
        self._buffer = bytearray()
        self._flushed = 0
        self.headlines = array("q")  # hash of each story's headline words
        self.corrections = bytearray()  # 1 for a correction
        self._pending: dict[int, int | list[int]] = {}  # band key -> the positions of the stories under it
        self._runs: list[np.ndarray] = []  # sorted (key << 32 | position), the oldest stories first
        self._pending_from = 0  # the first position whose keys are in _pending

    def __len__(self) -> int:
        return len(self.headlines)

    def close(self) -> None:
        self._file.close()

    def add(self, copy: Copy, keys: list[int]) -> int:
        """Keep a story and its band keys' hashes; its position."""
        position = len(self.headlines)
        record = pickle.dumps(
            (copy.id, copy.group, copy.date, copy.named, copy.corrects, copy.size, copy.runs.tobytes()),
            protocol=pickle.HIGHEST_PROTOCOL,
        )
        self._buffer += record
        self._offsets.append(self._offsets[-1] + len(record))
        if len(self._buffer) >= FLUSH_BYTES:
            self._flush()
        self.headlines.append(hash(copy.named))
        self.corrections.append(copy.corrects)
        for key in set(keys):
            key &= _LOW
            held = self._pending.setdefault(key, position)
            if isinstance(held, int) and held != position:
                self._pending[key] = [held, position]
            elif isinstance(held, list):
                held.append(position)
        if position + 1 - self._pending_from >= RUN_STORIES:
            self._sort_pending(position + 1)
        return position

    def get(self, position: int) -> Copy:
        """The story written at ``position``."""
        import numpy as np

        start, end = self._offsets[position], self._offsets[position + 1]
        if start >= self._flushed:
            data = bytes(self._buffer[start - self._flushed : end - self._flushed])
        else:
            data = os.pread(self._file.fileno(), end - start, start)
        id_, group, date, named, corrects, size, runs = pickle.loads(data)
        return Copy(id_, group, date, named, corrects, size, np.frombuffer(runs, dtype=np.uint32))

    def sharing(self, keys: list[int], limit: int) -> Counter[int]:
        """How many of the keys each story shares, counting under each key only its first ``limit`` stories
        (a key held by thousands of stories, boilerplate, must not make each new story compare them all)."""
        import numpy as np

        wanted = [key & _LOW for key in keys]
        found: list[list[int]] = [[] for _ in wanted]
        if self._runs:
            starts = np.array(wanted, dtype=np.uint64) << np.uint64(32)
            ends = starts + np.uint64(1 << 32)
            for run in self._runs:
                lows, highs = np.searchsorted(run, starts), np.searchsorted(run, ends)
                for n in np.flatnonzero(highs > lows):
                    room = limit - len(found[n])
                    if room > 0:
                        found[n].extend((run[lows[n] : min(highs[n], lows[n] + room)] & _LOW).tolist())
        shared: Counter[int] = Counter()
        for key, positions in zip(wanted, found, strict=True):
            held = self._pending.get(key)
            if held is not None:
                positions.extend([held] if isinstance(held, int) else held)
            shared.update(positions[:limit])
        return shared

    def _flush(self) -> None:
        self._file.write(self._buffer)
        self._flushed += len(self._buffer)
        self._buffer = bytearray()

    def _sort_pending(self, end: int) -> None:
        """The pending keys into a sorted run; the last two runs merged while the later is as large."""
        import numpy as np

        entries = [
            (key << 32) | position
            for key, held in self._pending.items()
            for position in ([held] if isinstance(held, int) else held)
        ]
        self._runs.append(np.sort(np.array(entries, dtype=np.uint64)))
        self._pending, self._pending_from = {}, end
        while len(self._runs) > 1 and self._runs[-1].size >= self._runs[-2].size:
            later = self._runs.pop()
            self._runs[-1] = np.sort(np.concatenate((self._runs[-1], later)))
