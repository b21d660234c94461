"""Fields analysed ahead in a worker process (``engine/ahead.py``): the writer takes them as given, writes the
segment Whoosh's own writer would, and the fields it decides itself are the only ones an update changes after."""

import dataclasses
import os
import random
import shutil
import sys
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh import index
from whoosh.writing import SegmentWriter

from newssearch import NewsIndex
from newssearch.engine import Ahead, to_document
from newssearch.engine.ahead import DECIDED_BY_WRITER
from newssearch.engine.schema import build_schema
from newssearch.engine.writer import ColumnWriter
from newssearch.extract.enrich import enrich
from newssearch.ingest import reading
from newssearch.ingest.grouping import Grouper, features
from newssearch.ingest.plan import plan
from newssearch.ingest.readers import read_articles
from newssearch.models import Article

from .helpers import CORPORA, SEED, needs_corpora, property_settings
from .test_writer import _build, _dump, _story

AHEAD = Ahead(SimpleNamespace(schema=build_schema()))
_ADD = ColumnWriter.add_document


def _with_boosts(rng: random.Random, docs: list[dict]) -> list[dict]:
    """Some documents boosted as a whole (``_boost``): the writer multiplies their weights."""
    return [{**doc, "_boost": 2.5} if rng.random() < 0.2 else doc for doc in docs]


@property_settings(15)
@given(seed=st.integers(0, 10_000), count=st.integers(1, 250), words=st.integers(0, 60))
def test_stories_analysed_ahead_are_written_as_whoosh_writes_them(tmp_path_factory, seed, count, words):
    rng = random.Random(seed)
    articles = [_story(rng, n, rng.randint(0, words)) for n in range(count)]
    boosted = _with_boosts(random.Random(seed), [to_document(a, "sig") for a in articles])
    ahead = [{**doc, "_analysed": AHEAD(a)} for doc, a in zip(boosted, articles, strict=True)]
    folder = tmp_path_factory.mktemp("a")
    assert _build(folder / "ahead", ColumnWriter, [ahead]) == _build(
        folder / "whoosh", SegmentWriter, [boosted]
    )


def test_the_seed_article_analysed_ahead_is_written_as_whoosh_writes_it(tmp_path):
    articles = [enrich(a) for a in read_articles(SEED, SEED.parent, None, None).articles]
    docs = [to_document(a, "sig") for a in articles]
    ahead = [{**doc, "_analysed": AHEAD(a)} for doc, a in zip(docs, articles, strict=True)]
    assert _build(tmp_path / "ahead", ColumnWriter, [ahead]) == _build(
        tmp_path / "whoosh", SegmentWriter, [docs]
    )


def test_the_writer_takes_fields_analysed_ahead_as_given(tmp_path):
    """What the worker analysed is what is indexed (here another story's text): the writer does not analyse a
    field again; the fields it decides (the id) it analyses itself."""
    oil = Article(id="oil", headline="Oil prices", body="Oil prices rose.")
    wheat = Article(id="wheat", headline="Wheat", body="Wheat fell.")
    ix = index.create_in(str(tmp_path), build_schema())
    writer = ColumnWriter(ix)
    writer.add_document(**to_document(oil), _analysed=AHEAD(wheat))
    writer.commit()
    with ix.searcher() as searcher:
        assert set(searcher.lexicon("content")) == {b"fell", b"wheat"}
        assert list(searcher.lexicon("id")) == [b"oil"]
        assert searcher.stored_fields(0)["headline"] == "Oil prices"


def _full_article() -> Article:
    return Article(
        id="x1",
        headline="CORRECTED - Opec ministers meet in Vienna",
        body="VIENNA (Reuters) - Saddam Hussein said on Monday that Opec would cut output.",
        date=datetime(2020, 5, 1, tzinfo=timezone.utc),
        date_precision="day",
        source="Reuters",
        author="Ann Lee and Bo Ng",
        section="World, Energy",
        url="https://example.com/x1",
        metadata={"topics": ["crude"]},
        topics=["oil"],
    )


def test_only_the_fields_the_writer_decides_change_when_a_story_is_renamed_or_given_its_file():
    """``update._claim_id`` renames a story and gives it its path after the worker analysed it; the file's
    signature is added there too. None of that may touch a field analysed ahead."""
    articles = [enrich(_full_article())]
    articles += [enrich(a) for a in read_articles(SEED, SEED.parent, None, None).articles]
    for article in articles:
        before = to_document(article)
        after = to_document(dataclasses.replace(article, id="other#x1~2", path="files/x.txt"), "sig\t1\tab")
        changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
        assert changed and changed <= DECIDED_BY_WRITER
    grouper = Grouper(None)
    try:
        copy = dataclasses.replace(articles[0], id="x2")
        assert grouper.fields(articles[0]) == {}
        assert set(grouper.fields(copy)) == {"group", "reprint"} <= DECIDED_BY_WRITER
    finally:
        grouper.close()


def test_a_worker_attaches_the_analysis_and_grouping_features_to_each_article(corpus, monkeypatch):
    task = next(reading.tasks(plan([corpus], {}, {}).read))
    monkeypatch.setattr(reading, "_ahead", AHEAD)
    result = reading._read(task, None)
    assert result.articles and len(result.ahead) == len(result.articles)
    for article, (analysed, found) in zip(result.articles, result.ahead, strict=True):
        assert analysed == AHEAD(article)
        keys, named, corrects, size, runs = found
        expected = features(article)
        assert (keys, named, corrects, size) == expected[:4] and list(runs) == list(expected[4])
    monkeypatch.setattr(reading, "_ahead", None)
    assert reading._read(task, None).ahead is None  # read in this process: the writer analyses


def test_an_analysis_that_fails_in_a_worker_is_left_to_the_writer(corpus, monkeypatch):
    def broken(article):
        raise ValueError("odd text")

    task = next(reading.tasks(plan([corpus], {}, {}).read))
    monkeypatch.setattr(reading, "_ahead", broken)
    result = reading._read(task, None)
    assert result.articles and result.ahead is None


def _build_with(folder, files, parallel: bool, monkeypatch) -> tuple:
    """The build's report and index, and how many stories the writer was given analysed ahead, and not."""
    monkeypatch.setattr(reading, "PARALLEL_MIN_BYTES", 0 if parallel else 10**12)
    monkeypatch.setattr(reading, "BATCH_BYTES", 50_000)
    adds = {"ahead": 0, "here": 0}

    def counted(self, **fields):
        adds["ahead" if fields.get("_analysed") else "here"] += 1
        return _ADD(self, **fields)

    monkeypatch.setattr(ColumnWriter, "add_document", counted)
    with NewsIndex.create(folder) as ix:
        report = ix.update(files)
    return report, _dump(folder), adds


@needs_corpora
@pytest.mark.skipif(
    sys.platform != "linux" or (os.cpu_count() or 1) < 2, reason="workers: Linux, 2 cores or more"
)
def test_reuters_built_with_workers_analysing_ahead_is_the_index_built_in_one_process(tmp_path, monkeypatch):
    """Every term, posting, block bound, stored field (copies' groups included) and length is the same, and the
    workers' build had every story analysed ahead."""
    source = tmp_path / "reuters"
    source.mkdir()
    for name in ("reut2-000.sgm", "reut2-001.sgm"):
        shutil.copy(CORPORA / "reuters21578" / name, source / name)
    *one, here = _build_with(tmp_path / "one", [source], False, monkeypatch)
    *workers, ahead = _build_with(tmp_path / "workers", [source], True, monkeypatch)
    assert one == workers
    assert here == {"ahead": 0, "here": 2000} and ahead == {"ahead": 2000, "here": 0}
    assert sum(1 for stored in one[1][1] if stored.get("group")) > 10  # copies were grouped
