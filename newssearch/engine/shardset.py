"""``ShardSet``: the shards of a sharded index as Whoosh's searchers see one index (see ``shards.py``)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.reading import EmptyReader, MultiReader
from whoosh.searching import Searcher

from newssearch.engine.diskfiles import INDEX_NAME, MANIFEST_FILE
from newssearch.errors import IndexDamagedError


class ShardSet:
    """The shards of one index, as Whoosh's searchers see an index: a reader of the generations the manifest
    names, and the manifest's generation as the index's."""

    def __init__(self, root: Path, indexes: list[Any], at: tuple[int, list[int]] | None = None):
        self.root, self.indexes = root, indexes
        self._at = at  # a manifest to read instead of the file's (a worker reading its caller's generation)

    def manifest(self) -> tuple[int, list[int]]:
        """The manifest's generation and each shard's."""
        if self._at is not None:
            return self._at
        try:
            data = json.loads((self.root / MANIFEST_FILE).read_text())
            generation, shards = data["generation"], data["shards"]
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise IndexDamagedError(f"the index at {self.root} is damaged ({MANIFEST_FILE}: {exc})") from None
        if not (
            type(generation) is int
            and isinstance(shards, list)
            and len(shards) == len(self.indexes)
            and all(type(g) is int and g >= 0 for g in shards)
        ):
            raise IndexDamagedError(
                f"the index at {self.root} is damaged ({MANIFEST_FILE} is not a manifest)"
            )
        return generation, shards

    def latest_generation(self) -> int:
        return self.manifest()[0]

    def tocs(self) -> list[Any]:
        """Each shard's TOC at the manifest's generations."""
        _, generations = self.manifest()
        return [
            whoosh_index.TOC.read(ix.storage, INDEX_NAME, gen=gen, schema=ix._schema)
            for ix, gen in zip(self.indexes, generations, strict=True)
        ]

    def reader(self, reuse: Any = None) -> Any:
        generation, generations = self.manifest()
        leaves: list[Any] = []
        owners: list[int] = []  # each leaf's shard
        try:
            for n, (ix, gen) in enumerate(zip(self.indexes, generations, strict=True)):
                toc = whoosh_index.TOC.read(ix.storage, INDEX_NAME, gen=gen, schema=ix._schema)
                if toc.segments:
                    opened = whoosh_index.FileIndex._reader(ix.storage, toc.schema, toc.segments, gen)
                    leaves.extend(leaf for leaf, _ in opened.leaf_readers())
                    owners.extend([n] * (len(leaves) - len(owners)))
        except BaseException:
            for leaf in leaves:
                with contextlib.suppress(Exception):
                    leaf.close()
            raise
        if not leaves:  # as Whoosh opens an index with no segment
            empty = EmptyReader(self.indexes[0]._schema)
            empty.generation = lambda: generation
            return empty
        reader = MultiReader(leaves, generation=generation)
        reader._newssearch_at, reader._newssearch_shards = (generation, generations), owners
        return reader

    def searcher(self, **kwargs: Any) -> Searcher:
        return Searcher(self.reader(), fromindex=self, **kwargs)

    def doc_count(self) -> int:
        reader = self.reader()
        try:
            return int(reader.doc_count())
        finally:
            reader.close()
