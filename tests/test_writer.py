"""``engine/writer.py``: a segment written from columns holds what Whoosh's own writer writes — every term with
its statistics, every posting with its weight, value and block bounds, the stored fields and the lengths — for
random stories, real ones, a pool that spills to disk and segments merged in."""

from __future__ import annotations

import random
import zlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh import index
from whoosh.writing import SegmentWriter

from newssearch.engine import blocks, to_document, writer
from newssearch.engine.schema import build_schema
from newssearch.extract.enrich import enrich
from newssearch.ingest.readers import read_articles
from newssearch.models import Article

from .helpers import CORPORA, SEED, needs_corpora, property_settings

WORDS = ["oil", "price", "prices", "the", "Iraq", "NATO", "bank", "rate", "Zürich", "1987", "5.5", "don't",
         "Москва", "said", "a", "shares", "market", "talks", "Reuters", "minister"]  # fmt: skip


def _story(rng: random.Random, n: int, words: int) -> Article:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    names = rng.sample(["Saddam Hussein", "James Baker", "Opec", "Iraq", "London"], rng.randint(0, 3))
    return enrich(
        Article(id=f"s{n}", headline=text[:40] or "x", body=text, people=names[:1], places=names[1:])
    )


def _documents(articles: list[Article]) -> list[dict]:
    return [to_document(article, "sig") for article in articles]


def _dump(folder: Path) -> tuple:
    """Everything a reader gives of an index: terms, term statistics, postings with their block bounds, stored
    fields, lengths and columns."""
    ix = index.open_dir(str(folder))
    with ix.reader() as reader:
        terms = []
        for fieldname, text in reader.all_terms():
            info = reader.term_info(fieldname, text)
            stats = (
                info.weight(),
                info.doc_frequency(),
                info.min_length(),
                info.max_length(),
                info.max_weight(),
            )
            matcher = reader.postings(fieldname, text)
            postings = []
            while matcher.is_active():
                bounds = (matcher.block_min_length(), matcher.block_max_length(), matcher.block_max_weight())
                postings.append((matcher.id(), matcher.weight(), matcher.value(), bounds))
                matcher.next()
            terms.append((fieldname, text, stats, (info.min_id(), info.max_id()), postings))
        docs = range(reader.doc_count_all())
        stored = [reader.stored_fields(d) for d in docs]
        lengths = {
            f: [reader.doc_field_length(d, f) for d in docs] for f in ("content", "headline", "people")
        }
        dates = list(reader.column_reader("date")) if reader.has_column("date") else None
    return terms, stored, lengths, dates


def _build(folder: Path, cls: type, batches: list[list[dict]], **kwargs) -> tuple:
    """One segment per batch, each committed without merging; then, if there were several, all merged."""
    folder.mkdir()
    ix = index.create_in(str(folder), build_schema())
    for batch in batches:
        w = cls(ix, **kwargs)
        for doc in batch:
            w.add_document(**doc)
        w.commit(merge=False)
    if len(batches) > 1:
        w = cls(ix, **kwargs)
        w.delete_by_term("id", batches[0][0]["id"])
        w.commit(optimize=True)
    return _dump(folder)


def _same(tmp_path: Path, batches: list[list[dict]], **kwargs) -> None:
    expected = _build(tmp_path / "whoosh", SegmentWriter, batches)
    got = _build(tmp_path / "columns", writer.ColumnWriter, batches, **kwargs)
    assert got == expected


@property_settings(25)
@given(seed=st.integers(0, 10_000), count=st.integers(1, 300), words=st.integers(0, 60))
def test_random_stories_are_written_as_whoosh_writes_them(tmp_path_factory, seed, count, words):
    """Up to 300 stories over 20 words: terms with more postings than a block holds (128), empty fields."""
    rng = random.Random(seed)
    docs = _documents([_story(rng, n, rng.randint(0, words)) for n in range(count)])
    _same(tmp_path_factory.mktemp("w"), [docs])


def test_a_pool_that_spills_to_disk_writes_the_same_segment(tmp_path, monkeypatch):
    """A limit of a few kilobytes: runs written every few stories and merged term by term at commit."""
    monkeypatch.setattr(writer, "CHECK_EVERY", 7)
    rng = random.Random(5)
    docs = _documents([_story(rng, n, 50) for n in range(400)])
    _same(tmp_path, [docs], limitmb=0.02)
    (tmp_path / "runs").mkdir()
    ix = index.create_in(str(tmp_path / "runs"), build_schema())
    w = writer.ColumnWriter(ix, limitmb=0.02)
    for doc in docs:
        w.add_document(**doc)
    runs = list(w.pool.runs)
    w.cancel()
    assert len(runs) > 5


@pytest.mark.parametrize("limitmb", [128, 0.02])
def test_a_term_of_more_postings_than_a_piece_is_written_in_pieces(tmp_path, monkeypatch, limitmb):
    """The commonest words' postings go from the pool to the blocks ``CHUNK_POSTINGS`` at a time, from memory
    and from runs on disk: no term's postings are all in memory at once, and the segment is Whoosh's."""
    monkeypatch.setattr(writer, "CHECK_EVERY", 7)
    monkeypatch.setattr(writer, "CHUNK_POSTINGS", 40)
    rng = random.Random(11)
    docs = _documents([_story(rng, n, 50) for n in range(300)])
    _same(tmp_path, [docs], limitmb=limitmb)
    (tmp_path / "pieces").mkdir()
    w = writer.ColumnWriter(index.create_in(str(tmp_path / "pieces"), build_schema()), limitmb=limitmb)
    for doc in docs:
        w.add_document(**doc)
    sizes = {}
    for fieldname, text, pieces in w.pool.sorted_postings():
        sizes[fieldname, text] = [len(piece[0]) for piece in pieces]
    w.cancel()
    assert max(max(found) for found in sizes.values()) <= 40
    assert sizes["content", b"oil"][0] and len(sizes["content", b"oil"]) > 3  # in 300 stories of 20 words


def test_segments_merged_in_are_written_as_whoosh_writes_them(tmp_path):
    """Three segments, one story deleted, merged into one (Whoosh's ``add_reader``, through the pool)."""
    rng = random.Random(9)
    docs = _documents([_story(rng, n, 30) for n in range(240)])
    _same(tmp_path, [docs[:100], docs[100:130], docs[130:]])


@property_settings(15)
@given(seed=st.integers(0, 10_000), cuts=st.lists(st.integers(1, 200), min_size=2, max_size=4))
def test_random_segments_with_deletions_merge_as_whoosh_merges_them(tmp_path_factory, seed, cuts):
    """Segments merged a block at a time (``add_postings_to_pool``): the first story deleted, so that its id's
    only posting goes and the rest are renumbered; terms of more than a block."""
    rng = random.Random(seed)
    docs = _documents([_story(rng, n, rng.randint(0, 40)) for n in range(sum(cuts))])
    batches, at = [], 0
    for cut in cuts:
        batches.append(docs[at : at + cut])
        at += cut
    _same(tmp_path_factory.mktemp("m"), batches)


def test_the_seed_article_is_written_as_whoosh_writes_it(tmp_path):
    articles = [enrich(a) for a in read_articles(SEED, SEED.parent, None, None).articles]
    _same(tmp_path, [_documents(articles)])


@needs_corpora
def test_reuters_stories_are_written_as_whoosh_writes_them(tmp_path):
    root = CORPORA / "reuters21578"
    articles = read_articles(root / "reut2-003.sgm", root, None, None).articles[:600]
    _same(tmp_path, [_documents([enrich(a) for a in articles])])


@pytest.mark.parametrize("size", [0, 1, 100, 511, 512, 513, 5_000, 40_000, 200_000])
def test_a_block_compressed_in_a_small_window_reads_back(size):
    data = random.Random(size).randbytes(size // 2) * 2
    bits, level = blocks._window(len(data))
    assert 9 <= bits <= 15 and 1 <= level <= 8 and (bits == 15 or len(data) <= 2**bits)
    compressor = zlib.compressobj(blocks.COMPRESSION, zlib.DEFLATED, bits, level)
    assert zlib.decompress(compressor.compress(data) + compressor.flush()) == data


def test_every_block_is_compressed_the_smallest_too(tmp_path):
    """zlib's checksum tells a damaged block from a good one: a damaged pickle read as it is could name a
    function the safe loader refuses, and ``check`` would call the index untrusted instead of damaged."""
    rng = random.Random(3)
    docs = _documents([_story(rng, n, 40) for n in range(300)])
    _same(tmp_path, [docs])
    ix = index.open_dir(str(tmp_path / "columns"))
    with ix.reader() as reader:
        for fieldname, text in (("id", b"s7"), ("content", b"oil")):  # one posting; blocks of 128
            matcher = reader._terms.matcher(fieldname, text, ix.schema[fieldname].format)
            assert matcher._compression == blocks.COMPRESSION
