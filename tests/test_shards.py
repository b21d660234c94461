"""A sharded index: its layout, the same answers as one index of the same stories, one manifest switched per
commit, and a commit cut short that leaves the last generation readable and is done again by the next run."""

import dataclasses
import json
import os
import shutil

import pytest
from hypothesis import given
from hypothesis import strategies as st

import newssearch.engine.shards as shards_mod
from newssearch import Article, NewsIndex
from newssearch.engine import shard_count
from newssearch.engine.shardwriter import shard_of
from newssearch.errors import IndexLayoutError

from .helpers import invoke, needs_corpora, property_settings, word_stories

#: A query of each kind: a word, words, OR, a phrase, NOT, a prefix, an entity field.
QUERY_KINDS = ["oil", "oil bank", "storm OR flood", '"nato talks"', "iraq -vote", "gol*", "person:Delors"]
WORDS = [
    "oil",
    "bank",
    "rates",
    "storm",
    "flood",
    "iraq",
    "nato",
    "talks",
    "vote",
    "court",
    "trade",
    "wheat",
    "gold",
    "strike",
    "port",
]


def answers(index, text, limit=500, all_versions=False):
    """Everything a search says of ``text``: its total, each hit's id and score, in order."""
    results = index.search(text, limit=limit, syntax=True, all_versions=all_versions)
    return results.total, [(hit.id, round(hit.score, 6)) for hit in results.hits]


def same_answers(one, many, text, limit=500, all_versions=False):
    """The same total, the same scores in order (to 1e-6), and the same ids: in the same order where the scores
    differ, the same set among equal scores (ties keep the order of document numbers, which a layout sets), but
    for those tied with the last one on the page, which may be any of the stories of that score."""
    total_a, hits_a = answers(one, text, limit, all_versions)
    total_b, hits_b = answers(many, text, limit, all_versions)
    assert total_a == total_b, text
    assert [s for _, s in hits_a] == pytest.approx([s for _, s in hits_b], abs=1e-6), text
    last = hits_a[-1][1] if hits_a else 0.0
    above_a = sorted((-score, id_) for id_, score in hits_a if score > last + 1e-6)
    above_b = sorted((-score, id_) for id_, score in hits_b if score > last + 1e-6)
    assert above_a == above_b, text


def test_a_sharded_index_is_named_in_its_meta_file_and_each_story_is_in_the_shard_of_its_id(tmp_path):
    stories = word_stories(1, 40, WORDS, 12)
    with NewsIndex.create(tmp_path / "ix", shards=3) as index:
        index.add(stories, extract=False)
        assert len(index) == 40
    meta = json.loads((tmp_path / "ix" / "newssearch.json").read_text())
    manifest = json.loads((tmp_path / "ix" / "newssearch-manifest.json").read_text())
    assert meta["shards"] == 3 and shard_count(tmp_path / "ix") == 3
    assert manifest["generation"] == 1 and len(manifest["shards"]) == 3
    assert sorted(set(os.listdir(tmp_path / "ix")) - {"MAIN_WRITELOCK"}) == [
        "newssearch-manifest.json",
        "newssearch.json",
        "shard-00",
        "shard-01",
        "shard-02",
    ]
    store = NewsIndex.open(tmp_path / "ix")._store
    leaves = [reader for reader, _ in store.searcher().reader().leaf_readers()]
    held = [{fields["id"] for fields in leaf.all_stored_fields()} for leaf in leaves]
    assert sorted(map(sorted, held)) == sorted(
        sorted(story.id for story in stories if shard_of(story.id, 3) == n) for n in range(3)
    )


def test_shard_of_is_a_stable_hash_of_the_id():
    # CRC-32 of the id's UTF-8 bytes, the same in every process and Python version (not ``hash``).
    import zlib

    assert [shard_of(f"id-{n}", 5) for n in range(50)] == [
        zlib.crc32(f"id-{n}".encode()) % 5 for n in range(50)
    ]


@given(seed=st.integers(0, 10_000), shards=st.integers(2, 5), n=st.integers(0, 60))
@property_settings(12)
def test_a_sharded_index_answers_as_one_index_of_the_same_stories(tmp_path_factory, seed, shards, n):
    folder = tmp_path_factory.mktemp("prop")
    stories = word_stories(seed, n, WORDS, 30, people=["Saddam Hussein", "Jacques Delors"])
    with NewsIndex.create(folder / "one") as one, NewsIndex.create(folder / "many", shards=shards) as many:
        one.add(stories, extract=False)
        many.add(stories, extract=False)
        gone = [story.id for story in stories[::7]]
        one.delete(gone)
        many.delete(gone)
        assert len(one) == len(many)
        for text in QUERY_KINDS:
            same_answers(one, many, text)
            assert one.count(text) == many.count(text)
        for story in stories[:5]:
            assert one.get(story.id) == many.get(story.id)


def test_an_update_of_a_story_stays_in_its_shard_and_replaces_it(tmp_path):
    with NewsIndex.create(tmp_path / "ix", shards=4) as index:
        index.add([Article(id="a1", headline="Oil prices rise", body="Oil rose.")], extract=False)
        index.add([Article(id="a1", headline="Gold prices fall", body="Gold fell.")], extract=False)
        assert len(index) == 1
        assert index.search("oil").total == 0 and index.search("gold").total == 1


def test_copies_in_two_shards_are_still_one_group(tmp_path):
    body = (
        "The central bank raised its main lending rate by half a point on Tuesday, citing rising prices "
        "for fuel and food, and said further moves would depend on the pace of wage growth this year."
    )
    # Two ids that hash to different shards of two.
    ids = [f"copy-{n}" for n in range(20)]
    first = ids[0]
    second = next(i for i in ids if shard_of(i, 2) != shard_of(first, 2))
    stories = [Article(id=first, headline="Bank raises rates", body=body, source="Reuters")]
    stories.append(Article(id=second, headline="Bank raises rates", body=body, source="AP"))
    with NewsIndex.create(tmp_path / "ix", shards=2) as index:
        index.add(stories, extract=False)
        results = index.search("bank rates")
        assert results.total == 1 and results.hits[0].versions == 1
        assert index.search("bank rates", all_versions=True).total == 2


def test_another_number_of_shards_is_refused_and_a_rebuild_changes_it(tmp_path, corpus):
    NewsIndex.rebuild(tmp_path / "ix", corpus, shards=3)
    with pytest.raises(IndexLayoutError, match="has 3 shards, not 2: rebuild"):
        NewsIndex.create(tmp_path / "ix", shards=2)
    with NewsIndex.open(tmp_path / "ix") as index:  # no number given: as it is
        stories = len(index)
    report = NewsIndex.rebuild(tmp_path / "ix", corpus, shards=1)
    assert report.total == stories
    assert not any(name.startswith("shard-") for name in os.listdir(tmp_path / "ix"))
    assert shard_count(tmp_path / "ix") == 1
    with pytest.raises(ValueError, match="shards must be a whole number from 1 to 64"):
        NewsIndex.create(tmp_path / "other", shards=0)


def test_a_commit_cut_before_the_manifest_leaves_the_last_generation_and_the_next_run_does_the_work(
    tmp_path, corpus, monkeypatch
):
    NewsIndex.rebuild(tmp_path / "ix", corpus, shards=2)
    NewsIndex.rebuild(tmp_path / "clean", corpus, shards=2)
    (corpus / "extra.txt").write_text("Gold strike in the port\n\nDockers walked out over pay at the port.\n")
    with NewsIndex.open(tmp_path / "ix") as index:
        before = answers(index, "port OR oil")
    real = shards_mod.ShardedStore._write_manifest

    def killed(self, generation, generations):
        if generation > 0:
            raise KeyboardInterrupt  # as a kill between the shards' commits and the manifest's rename
        real(self, generation, generations)

    monkeypatch.setattr(shards_mod.ShardedStore, "_write_manifest", killed)
    with pytest.raises(KeyboardInterrupt), NewsIndex.open(tmp_path / "ix") as index:
        index.update(corpus)
    monkeypatch.setattr(shards_mod.ShardedStore, "_write_manifest", real)
    tocs = [name for shard in ("shard-00", "shard-01") for name in os.listdir(tmp_path / "ix" / shard)]
    with NewsIndex.open(tmp_path / "ix") as index:  # readers see the generation the manifest names
        assert answers(index, "port OR oil") == before
        report = index.update(corpus)
        assert report.added == 1
    NewsIndex.rebuild(tmp_path / "clean", corpus)
    with NewsIndex.open(tmp_path / "ix") as index, NewsIndex.open(tmp_path / "clean") as clean:
        assert answers(index, "port OR oil") == answers(clean, "port OR oil")
        assert index.check().ok
    assert any(name.endswith(".toc") for name in tocs)
    left = [name for shard in ("shard-00", "shard-01") for name in os.listdir(tmp_path / "ix" / shard)]
    assert sum(name.endswith(".toc") for name in left) == 2, "one TOC a shard once the next run committed"


def test_a_reader_open_during_a_sharded_update_keeps_reading_its_generation(tmp_path, corpus):
    NewsIndex.rebuild(tmp_path / "ix", corpus, shards=2)
    with NewsIndex.open(tmp_path / "ix") as reader:
        stream = reader.iter_search("Baghdad")
        with NewsIndex.open(tmp_path / "ix") as writer:
            writer.add(
                [Article(id="new-1", headline="Baghdad talks", body="Talks in Baghdad.")], extract=False
            )
        assert [hit.id for hit in stream] and reader.search("Baghdad").total == 2


def test_the_cli_builds_queries_and_checks_a_sharded_index(tmp_path, corpus):
    built = invoke("index", corpus, "--index", tmp_path / "ix", "--shards", "2")
    assert built.exit_code == 0, built.output
    assert shard_count(tmp_path / "ix") == 2
    found = invoke("query", "Baghdad", "--index", tmp_path / "ix")
    assert found.exit_code == 0 and "Baghdad" in found.output
    checked = invoke("check", "--index", tmp_path / "ix")
    assert checked.exit_code == 0, checked.output
    stats = invoke("stats", "--index", tmp_path / "ix", "--json")
    assert json.loads(stats.output)["size_bytes"] > 10_000
    refused = invoke("index", corpus, "--index", tmp_path / "ix", "--shards", "3")
    assert refused.exit_code == 2 and "has 2 shards, not 3" in refused.output
    assert "Traceback" not in refused.output


@needs_corpora
@pytest.mark.slow
def test_reuters_in_four_shards_answers_as_one_index(tmp_path):
    from benchmarks import corpora

    from .helpers import CORPORA

    reuters = CORPORA / "reuters21578"
    files = sorted(reuters.glob("*.sgm"))[:3]
    NewsIndex.rebuild(tmp_path / "one", files)
    NewsIndex.rebuild(tmp_path / "four", files, shards=4)
    queries = list(corpora.topic_names(CORPORA).values())[:60]
    with NewsIndex.open(tmp_path / "one") as one, NewsIndex.open(tmp_path / "four") as four:
        assert len(one) == len(four) > 2000
        for text in queries:
            same_answers(one, four, text, limit=500, all_versions=True)
            # Grouped, a page: which copy of a group is shown, and where, may follow ties of document numbers
            # deeper down (see the README's "Shards").
            same_answers(one, four, text, limit=20)


def ranked(index, text, **options):
    results = index.search(text, limit=100, **options)
    return results.total, [(hit.id, round(hit.score, 6), hit.versions) for hit in results.hits]


@given(seed=st.integers(0, 10_000), shards=st.integers(2, 4), n=st.integers(1, 80))
@property_settings(8)
def test_shards_searched_by_worker_processes_answer_exactly_as_one_searcher(
    tmp_path_factory, seed, shards, n
):
    folder = tmp_path_factory.mktemp("fan")
    stories = word_stories(seed, n, WORDS, 30, people=["Saddam Hussein", "Jacques Delors"])
    stories += [
        dataclasses.replace(story, id=f"{story.id}-copy") for story in stories[::5]
    ]  # copies to group
    with NewsIndex.create(folder / "ix", shards=shards) as index:
        index.add(stories, extract=False)
    with (
        NewsIndex.open(folder / "ix", parallel=False) as one,
        NewsIndex.open(folder / "ix", parallel=True) as fan,
    ):
        assert fan._store.fanout is not None and one._store.fanout is None
        for text in QUERY_KINDS:
            for versions in (False, True):
                assert ranked(one, text, all_versions=versions) == ranked(fan, text, all_versions=versions), (
                    text
                )


def test_a_query_fans_out_to_the_workers_and_one_killed_is_replaced(tmp_path, monkeypatch):
    import signal

    import newssearch.engine.fanout as fanout

    with NewsIndex.create(tmp_path / "ix", shards=2) as index:
        index.add(word_stories(3, 60, WORDS, 20), extract=False)
    asked = []
    real = fanout.collect_on
    monkeypatch.setattr(fanout, "collect_on", lambda *a, **k: asked.append(real(*a, **k)) or asked[-1])
    with (
        NewsIndex.open(tmp_path / "ix", parallel=False) as one,
        NewsIndex.open(tmp_path / "ix", parallel=True) as fan,
    ):
        expected = ranked(one, "oil OR bank")
        assert ranked(fan, "oil OR bank") == expected
        assert asked and asked[-1] is not None  # collected by the workers
        pool = fan._store.fanout
        assert len(pool._procs) == 2
        os.kill(pool._procs[0][0].pid, signal.SIGKILL)
        pool._procs[0][0].join(5)
        assert ranked(fan, "oil OR bank") == expected  # collected here instead
        assert asked[-1] is None and not pool._procs
        assert ranked(fan, "oil OR bank") == expected and asked[-1] is not None  # workers started again


def test_a_query_runs_past_its_time_limit_on_the_workers_as_here(tmp_path):
    from newssearch import QueryTimeoutError

    with NewsIndex.create(tmp_path / "ix", shards=2) as index:
        index.add(word_stories(4, 300, WORDS, 60), extract=False)
    with NewsIndex.open(tmp_path / "ix", parallel=True) as fan:
        with pytest.raises(QueryTimeoutError):
            fan.search("oil OR bank OR storm", timeout=0.0)
        assert fan.search("oil OR bank OR storm").total > 0


def test_a_shard_folder_that_is_a_link_is_refused_before_anything_is_read(tmp_path, corpus):
    from newssearch import IndexUntrustedError

    NewsIndex.rebuild(tmp_path / "ix", corpus, shards=2)
    shutil.move(tmp_path / "ix" / "shard-01", tmp_path / "elsewhere")
    (tmp_path / "ix" / "shard-01").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(IndexUntrustedError, match="a link or a special file"):
        NewsIndex.open(tmp_path / "ix")


def test_a_damaged_manifest_is_one_line_and_a_rebuild_makes_the_index_again_with_its_shards(tmp_path, corpus):
    NewsIndex.rebuild(tmp_path / "ix", corpus, shards=3)
    (tmp_path / "ix" / "newssearch-manifest.json").write_text("{not json")
    out = invoke("query", "Baghdad", "--index", tmp_path / "ix")
    assert out.exit_code == 1 and "newssearch-manifest.json" in out.output and "Traceback" not in out.output
    rebuilt = invoke("index", corpus, "--index", tmp_path / "ix", "--rebuild")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert shard_count(tmp_path / "ix") == 3
    assert invoke("query", "Baghdad", "--index", tmp_path / "ix").exit_code == 0
