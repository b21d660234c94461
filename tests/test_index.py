import os
from datetime import datetime, timezone

import pytest

from newssearch import (
    Article,
    IndexIncompatibleError,
    IndexNotFoundError,
    NewsIndex,
    QueryError,
    SearchResults,
)
from newssearch.index import META_FILE


@pytest.fixture
def built(corpus, index_path):
    with NewsIndex.create(index_path) as index:
        report = index.update([corpus])
    return report


def _touch_later(path, text):
    path.write_text(text)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))


def test_open_missing_index_raises(tmp_path):
    with pytest.raises(IndexNotFoundError):
        NewsIndex.open(tmp_path / "nothing")


def test_first_update_adds_every_article(built):
    # 4 text files (seed + 3) + 3 JSONL records + 2 JSON records
    assert built.added == 9 and built.updated == 0 and built.removed == 0
    assert built.files_read == 6
    assert {fmt: (c.files, c.articles) for fmt, c in built.formats.items()} == {
        "text": (4, 4),
        "jsonl": (1, 3),
        "json": (1, 2),
    }
    assert built.total == 9 and not built.skipped


def test_nato_iraq_puts_the_example_article_first(built, index_path):
    with NewsIndex.open(index_path) as index:
        results = index.search("NATO Iraq")
    assert isinstance(results, SearchResults)
    top = results.hits[0]
    assert top.id == "corpus/000_fef9c184b96aac0a.txt"
    assert top.rank == 1 and top.score > 0
    assert (top.source, top.place) == ("Reuters", "Baghdad")
    assert "NATO" in top.organizations and "Iraq" in top.places
    highlighted = {top.snippet.text[a:b].lower() for a, b in top.snippet.highlights}
    assert {"nato", "iraq"} <= highlighted


def test_more_matching_words_rank_higher(built, index_path):
    with NewsIndex.open(index_path) as index:
        results = index.search("Reuters oil OPEC")
    assert results.hits[0].id == "corpus/oil_prices.txt"
    assert results.total > 1  # OR semantics: the other Reuters stories match too


def test_snippet_falls_back_to_lead_when_only_headline_matches(built, index_path):
    with NewsIndex.open(index_path) as index:
        hit = index.search("headline:typhoon").hits[0]
    assert hit.snippet.text.startswith("MANILA (AP) — Tens of thousands")
    assert hit.snippet.highlights == []
    assert hit.headline[slice(*hit.headline_highlights[0])] == "Typhoon"


def test_unchanged_corpus_is_skipped(built, corpus, index_path):
    with NewsIndex.open(index_path) as index:
        again = index.update([corpus])
    assert again.files_unchanged == 6 and again.files_read == 0
    assert not again.changed and again.total == 9


def test_change_add_and_delete_files(built, corpus, index_path):
    _touch_later(
        corpus / "storm.txt", "Volcano erupts near Naples\n\nDate: 2021-05-01\n\nLava reached the sea."
    )
    (corpus / "new.txt").write_text("Fresh story about glaciers\n\nIce melted.")
    (corpus / "election.txt").unlink()
    with NewsIndex.open(index_path) as index:
        report = index.update([corpus])
        assert (report.added, report.updated, report.removed) == (1, 1, 1)
        assert (report.files_read, report.files_removed, report.files_unchanged) == (2, 1, 4)
        assert report.total == 9
        assert index.search("volcano").hits[0].id == "corpus/storm.txt"
        assert index.search("typhoon").total == 0
        assert index.search("Bolsonaro").total == 0
        assert index.search("glaciers").hits[0].id == "corpus/new.txt"


def test_fewer_records_in_changed_file_removes_the_rest(built, corpus, index_path):
    _touch_later(
        corpus / "wires.jsonl", '{"id": "wire-1", "title": "Only one left", "text": "Still here."}\n'
    )
    with NewsIndex.open(index_path) as index:
        report = index.update([corpus])
        assert (report.updated, report.removed) == (1, 2)
        assert index.get("wire-2") is None
        assert index.get("wire-1").headline == "Only one left"


def test_bad_file_is_skipped_and_old_version_kept(built, corpus, index_path):
    _touch_later(corpus / "features.json", "{this is not json")
    with NewsIndex.open(index_path) as index:
        report = index.update([corpus])
        assert [(os.path.basename(p), "invalid JSON" in why) for p, why in report.skipped] == [
            ("features.json", True)
        ]
        assert index.search("Carlsen").total == 1  # indexed before, not lost
        assert report.total == 9


def test_indexing_a_single_file_leaves_the_rest(built, corpus, index_path):
    with NewsIndex.open(index_path) as index:
        report = index.update([corpus / "storm.txt"])
        assert report.removed == 0 and report.total == 9


def test_rebuild_reads_everything_again(built, corpus, index_path):
    with NewsIndex.open(index_path) as index:
        report = index.update([corpus], rebuild=True)
    assert report.rebuilt and report.added == 9 and report.files_read == 6 and report.total == 9


def test_interrupted_update_leaves_the_index_as_it_was(built, corpus, index_path):
    (corpus / "extra.txt").write_text("Extra story\n\nThe harbour reopened on Monday.")
    _touch_later(corpus / "storm.txt", "Replaced\n\nThe storm story was replaced.")

    def interrupt(done, total, path):
        if "storm" in path:  # progress counts bytes: stop at the second file read
            raise KeyboardInterrupt

    with NewsIndex.open(index_path) as index, pytest.raises(KeyboardInterrupt):
        index.update([corpus], rebuild=True, progress=interrupt)
    with NewsIndex.open(index_path) as index:
        assert len(index) == 9
        assert index.search("typhoon").hits[0].id == "corpus/storm.txt"
        # and the next run picks up the changes
        report = index.update([corpus])
        assert report.added == 1 and report.updated == 1


def test_index_from_another_version_is_refused(built, index_path):
    (index_path / META_FILE).write_text('{"schema_version": -1}')
    with pytest.raises(IndexIncompatibleError, match="built by another version of newssearch"):
        NewsIndex.open(index_path)


def test_add_get_and_delete_articles(index_path):
    article = Article(
        id="api-1",
        headline="Parliament passes budget",
        body="The parliament passed the budget on Tuesday.",
        date=datetime(2023, 4, 4, 12, tzinfo=timezone.utc),
        source="Example Wire",
        people=["Jane Roe"],
    )
    with NewsIndex.create(index_path) as index:
        assert index.add([article]) == 1
        stored = index.get("api-1")
        assert stored.headline == article.headline and stored.date == article.date
        assert stored.people == ["Jane Roe"] and stored.source == "Example Wire"
        assert index.search("person:roe").hits[0].id == "api-1"
        assert index.search('source:"example wire"').total == 1
        assert index.delete(["api-1"]) == 1
        assert index.search("budget").total == 0


def test_date_filters_and_sort(built, index_path):
    with NewsIndex.open(index_path) as index:
        every = index.search("said", limit=50)
        dated = [h for h in every.hits if h.date]
        assert len(dated) >= 5
        since = datetime(2021, 1, 1, tzinfo=timezone.utc)
        recent = index.search("said", limit=50, since=since)
        assert recent.hits and all(h.date and h.date >= since for h in recent.hits)
        until = datetime(2019, 12, 31, tzinfo=timezone.utc)
        old = index.search("said", limit=50, until=until)
        assert old.hits and all(h.date and h.date <= until for h in old.hits)
        newest = index.search("said", limit=50, sort="date")
        dates = [h.date for h in newest.hits if h.date]
        assert dates == sorted(dates, reverse=True)


def test_paging(built, index_path):
    with NewsIndex.open(index_path) as index:
        everything = index.search("said OR the", limit=50)
        first = index.search("said OR the", limit=3, page=1)
        second = index.search("said OR the", limit=3, page=2)
        beyond = index.search("said OR the", limit=3, page=99)
    assert first.total == everything.total > 3
    assert [h.id for h in first.hits + second.hits] == [h.id for h in everything.hits[:6]]
    assert [h.rank for h in second.hits] == [4, 5, 6]
    assert beyond.hits == [] and beyond.total == everything.total


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"sort": "popularity"}, "unknown sort"), ({"limit": 0}, "limit"), ({"page": 0}, "page")],
)
def test_bad_search_options(built, index_path, kwargs, message):
    with NewsIndex.open(index_path) as index, pytest.raises(QueryError, match=message):
        index.search("Iraq", **kwargs)


def test_add_extracts_entities_unless_told_not_to(index_path):
    story = "PARIS (Reuters) - President Emmanuel Macron met NATO officials in Brussels on Monday."
    with NewsIndex.create(index_path) as index:
        index.add([Article(id="a", headline="Macron meets NATO", body=story)])
        index.add([Article(id="b", headline="Macron meets NATO", body=story)], extract=False)
        a, b = index.get("a"), index.get("b")
    assert (a.place, a.source) == ("Paris", "Reuters")
    assert "Emmanuel Macron" in a.people and "NATO" in a.organizations and "Brussels" in a.places
    assert (b.place, b.people, b.organizations, b.places) == (None, [], [], [])


def test_searcher_sees_writes_made_through_the_same_object(index_path):
    with NewsIndex.create(index_path) as index:
        assert index.search("glacier").total == 0
        index.add([Article(id="g", headline="Glacier", body="Ice.")])
        assert index.search("glacier").total == 1


def test_reader_crash_on_one_file_skips_only_that_file(corpus, index_path, monkeypatch):
    from newssearch import index as index_module

    real = index_module.read_articles

    def flaky(path, root, columns=None):
        if path.name == "storm.txt":
            raise RuntimeError("reader bug")
        return real(path, root, columns)

    monkeypatch.setattr(index_module, "read_articles", flaky)
    with NewsIndex.create(index_path) as index:
        report = index.update([corpus])
    assert [(os.path.basename(p), why) for p, why in report.skipped] == [
        ("storm.txt", "unexpected RuntimeError: reader bug")
    ]
    assert report.total == 8
