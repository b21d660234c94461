"""``--recent``: relevance times freshness, exact however deep the reranking must go; ``--sort newest``."""

from datetime import datetime, timedelta, timezone

import pytest

from newssearch import Article, NewsIndex, QueryError
from newssearch.engine.recency import FLOOR, factor

from .helpers import invoke

NEWEST = datetime(1987, 10, 19, 12, tzinfo=timezone.utc)
DAY = 86400


def test_the_factor_is_one_for_the_newest_three_quarters_a_half_life_older_and_the_floor_for_undated():
    assert factor(0, 7) == 1.0
    assert factor(7 * DAY, 7) == pytest.approx(0.75)
    assert factor(14 * DAY, 7) == pytest.approx(0.625)
    assert factor(3650 * DAY, 7) == pytest.approx(FLOOR)
    assert factor(None, 7) == FLOOR


def _story(n: int, days_old: float | None, oil: int) -> Article:
    words = " ".join(["oil"] * oil)
    return Article(
        id=f"s{n:03d}",
        headline=f"Market report {n}",
        body=f"Traders discussed {words} and the weather in the market report number {n}. " * 2,
        date=None if days_old is None else NEWEST - timedelta(days=days_old),
    )


@pytest.fixture
def many(index_path):
    """160 oil stories: relevance (how often oil is named) unrelated to age; some undated."""
    stories = [_story(n, None if n % 11 == 0 else (n * 37) % 400, 1 + (n * 7) % 5) for n in range(160)]
    with NewsIndex.create(index_path) as index:
        index.add(stories, extract=False)
    with NewsIndex.open(index_path) as index:
        yield index


def _expected(index: NewsIndex, half_life: float) -> list[tuple[str, float]]:
    """Every match's relevance times its factor, best first (ties by id), computed by hand."""
    everything = index.search("oil", limit=1000).hits
    newest = max(h.date for h in everything if h.date)
    ranked = []
    for hit in everything:
        age = (newest - hit.date).total_seconds() if hit.date else None
        ranked.append((hit.id, hit.score * factor(age, half_life)))
    return sorted(ranked, key=lambda item: -item[1])


@pytest.mark.parametrize("half_life", [7, 60])
def test_recent_ranks_every_page_as_relevance_times_freshness(many, half_life):
    expected = _expected(many, half_life)
    for page in (1, 2, 7):
        got = many.search("oil", limit=5, page=page, recent=half_life)
        assert got.total == 160
        want = expected[(page - 1) * 5 : page * 5]
        assert [h.score for h in got.hits] == pytest.approx([score for _, score in want])
        assert {h.id for h in got.hits} == {i for i, _ in want}  # equal scores may come in either order


def test_recent_lets_a_new_story_overtake_a_somewhat_more_relevant_old_one(index_path):
    with NewsIndex.create(index_path) as index:
        index.add(
            [
                _story(1, 0, 1),  # today, oil once
                _story(2, 300, 2),  # old, oil twice: ahead by relevance alone
            ],
            extract=False,
        )
        plain = [h.id for h in index.search("oil").hits]
        fresh = index.search("oil", recent=7, explain=True)
    assert plain.index("s002") < plain.index("s001")
    order = [h.id for h in fresh.hits]
    assert order.index("s001") < order.index("s002")  # the new story overtakes a somewhat more relevant one
    for hit in fresh.hits:  # the explanation still adds up, freshness a part of its own
        assert hit.has_explanation
        assert sum(p.score for p in hit.explanation) == pytest.approx(hit.score, rel=1e-6)
        assert hit.explanation[-1].field == "recency"


def test_recent_must_be_a_positive_half_life(many):
    for bad in (0, -1, float("nan"), float("inf")):
        with pytest.raises(QueryError):
            many.search("oil", recent=bad)


def test_cli_recent_and_sort_newest(many, index_path):
    fresh = invoke("query", "oil", "--index", index_path, "--recent", "--json", "-n", "3")
    assert fresh.exit_code == 0, fresh.output
    assert '"s' in fresh.stdout
    newest = invoke("query", "oil", "--index", index_path, "--sort", "newest", "--json", "-n", "3")
    by_date = invoke("query", "oil", "--index", index_path, "--sort", "date", "--json", "-n", "3")
    assert newest.exit_code == 0 and newest.stdout == by_date.stdout
    bad = invoke("query", "oil", "--index", index_path, "--sort", "newer")
    assert bad.exit_code == 2 and "newer" in bad.output


def test_freshness_counts_from_the_newest_live_story_whatever_the_history(tmp_path):
    """Deleting the newest story must move "newest" back, as a rebuild without it would (a deleted story's date
    stays in Whoosh's column until its segment is merged)."""
    stories = [_story(n, n * 3.0, 1 + n % 3) for n in range(12)]  # s000 is the newest
    with NewsIndex.create(tmp_path / "history") as index:
        index.add(stories, extract=False)
        index.add([_story(99, 500, 1)], extract=False)  # a second segment
        index.delete(["s000"])
        after = [(h.id, round(h.score, 6)) for h in index.search("oil", recent=7, limit=20).hits]
    with NewsIndex.create(tmp_path / "clean") as index:
        index.add([*stories[1:], _story(99, 500, 1)], extract=False)
        clean = [(h.id, round(h.score, 6)) for h in index.search("oil", recent=7, limit=20).hits]
    assert after == clean and after[0][0] != "s000"
