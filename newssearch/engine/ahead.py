"""A story's fields analysed ahead of the writer, in the worker process that read it.

Analysing a story's text (its terms, frequencies, weights and positions) and adding its postings one by one was
half of what the writing process did in a build. A worker that has read and enriched a story works out the
postings instead, with the writer's own schema, packed per field as the writer's columns hold them (``pack``),
and hands them over as one pickle: ``ColumnWriter.add_document`` takes it as ``_analysed`` and adds each field's
postings at once. The fields the writer decides itself (the story's id and file, its group of copies) are
analysed there.
"""

from __future__ import annotations

import pickle
from array import array
from collections.abc import Iterable
from typing import Any

from newssearch.engine.documents import to_document
from newssearch.models import Article

#: Fields whose values the writing process decides (``update._claim_id`` may rename a story; the file's signature
#: and the group of copies are known only there): never analysed ahead.
DECIDED_BY_WRITER = frozenset({"id", "path", "filesig", "group", "reprint"})
#: A field's postings in one story: its terms, their weights (``array("d")`` bytes), their values one after the
#: other, where each value ends (``array("Q")`` bytes), and the field's length.
Packed = tuple[list[bytes], bytes, bytes, bytes, int]


def pack(postings: Iterable[tuple[bytes, int, float, bytes | None]]) -> Packed:
    """A field's postings, as ``FieldType.index`` gives them, packed."""
    terms: list[bytes] = []
    weights, ends = array("d"), array("Q")
    values = bytearray()
    length = 0
    for tbytes, freq, weight, vbytes in postings:
        terms.append(tbytes)
        weights.append(weight)
        length += freq
        if vbytes:
            values += vbytes
        ends.append(len(values))
    return terms, weights.tobytes(), bytes(values), ends.tobytes(), length


class Ahead:
    """Analyses articles as ``writer`` would (a picklable callable; a forked worker inherits it)."""

    def __init__(self, writer: Any) -> None:
        self.schema = writer.schema

    def __call__(self, article: Article) -> bytes:
        """Each indexed field of the article's document, but those ``DECIDED_BY_WRITER``, packed."""
        schema = self.schema
        analysed = {}
        for name, value in to_document(article).items():
            if name in DECIDED_BY_WRITER or name not in schema:
                continue
            field = schema[name]
            if field.indexed:
                analysed[name] = pack(field.index(value))
        return pickle.dumps(analysed, pickle.HIGHEST_PROTOCOL)
