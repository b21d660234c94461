"""The index overview: counts, dates, sources and files as indexed, kept right after updates and deletions."""

from datetime import datetime, timedelta, timezone

import pytest

from newssearch import Article, NewsIndex
from newssearch.engine.schema import SCHEMA_VERSION

from .helpers import CORPORA, needs_corpora, related_corpus


@pytest.fixture
def index(tmp_path):
    with NewsIndex.create(tmp_path / "index") as ix:
        ix.update([related_corpus(tmp_path)])
        yield ix


def test_stats_count_what_was_indexed(index):
    stats = index.stats()
    assert stats.articles == len(index) == 11
    # Dated: the fixtures' dates; the seed and the reprint have none.
    assert stats.earliest == datetime(2018, 10, 28, tzinfo=timezone.utc)
    assert stats.latest.date().isoformat() == "2022-11-27"
    assert stats.undated == 2
    assert dict(stats.sources)["Reuters"] == 7
    assert stats.sources == [("Reuters", 7), ("AP", 2)]
    assert stats.source_count == 2 and stats.unsourced == 2
    assert stats.files == 8 and stats.unfiled == 0
    assert {ending: (c.files, c.articles) for ending, c in stats.formats.items()} == {
        ".txt": (6, 6),
        ".json": (1, 2),
        ".jsonl": (1, 3),
    }
    assert stats.size_bytes > 10_000 and stats.segments >= 1 and stats.schema_version == SCHEMA_VERSION
    assert datetime.now(timezone.utc) - stats.last_commit < timedelta(minutes=10)
    data = stats.to_dict()
    assert data["articles"] == 11 and data["formats"][".json"] == {"files": 1, "articles": 2}
    assert data["sources"][0] == {"source": "Reuters", "articles": 7}


def test_stats_leave_out_deleted_articles_and_count_added_ones(index):
    index.delete(["corpus/similar/iraq_parliament.txt"])
    index.add(
        [
            Article(
                id="new",
                headline="Added",
                body="By hand.",
                source="Desk",
                date=datetime(2024, 5, 1, tzinfo=timezone.utc),
            )
        ]
    )
    stats = index.stats()
    assert stats.articles == 11 and stats.unfiled == 1 and stats.files == 7
    assert stats.latest == datetime(2024, 5, 1, tzinfo=timezone.utc)
    assert dict(stats.sources)["Reuters"] == 6 and dict(stats.sources)["Desk"] == 1


def test_an_empty_index_has_nothing_to_count(tmp_path):
    with NewsIndex.create(tmp_path / "empty") as ix:
        stats = ix.stats()
    assert (stats.articles, stats.files, stats.earliest, stats.sources) == (0, 0, None, [])


@needs_corpora
def test_reuters_dates_and_files(tmp_path):
    folder = CORPORA / "reuters21578"
    with NewsIndex.create(tmp_path / "reuters") as ix:
        ix.update([folder / "reut2-000.sgm", folder / "reut2-001.sgm"])
        stats = ix.stats()
    assert stats.articles == 2000 and stats.formats[".sgm"].articles == 2000
    assert stats.earliest.date().isoformat() == "1987-02-26" and stats.undated == 0
    assert stats.sources[0] == ("Reuters", 2000)


def test_stats_count_near_identical_copies(tmp_path):
    from .helpers import DATA, invoke

    with NewsIndex.create(tmp_path / "ix") as ix:
        ix.update([DATA / "reprints"])
        stats = ix.stats()
        assert (stats.reprints, stats.reprint_groups) == (1, 1)  # the strike story's edited reprint
        assert ix.count("Rotterdam") == ix.count("Rotterdam", all_versions=True) - stats.reprints
    shown = invoke("stats", "--index", tmp_path / "ix")
    assert shown.exit_code == 0 and "Reprints: 1 near-identical copy of 1 story" in " ".join(
        shown.stdout.split()
    )
    as_json = invoke("stats", "--index", tmp_path / "ix", "--json")
    assert '"reprints": 1' in as_json.stdout and '"reprint_groups": 1' in as_json.stdout
