"""``newssearch.ingest.readers.text``: plain-text articles (the user's example article, BBC)."""

from datetime import datetime, timezone

import pytest

from newssearch.errors import ReadError
from newssearch.extract.enrich import enrich
from newssearch.ingest.readers import discover, parse_text, read_articles

from .helpers import CORPORA, DATA, SEED, needs_corpora


@pytest.fixture(scope="module")
def seed():
    return read_articles(SEED, SEED.parent).articles[0]


def test_seed_headline_and_empty_date(seed):
    assert seed.headline == "Washington turns down Iraqi call to remove troops"
    assert seed.date is None
    assert seed.id == f"corpus/{SEED.name}"  # ids start with the name of the folder given


def test_seed_body_keeps_story_and_drops_furniture(seed):
    assert seed.body.startswith("Baghdad (Reuters) – Washington on Friday spurned")
    assert seed.body.endswith("no foreign powers should be allowed to decide Iraq’s fate.")
    for furniture in (
        "Share post",
        "Popular",
        "Recent",
        "Related",
        "Kuwait’s new emir",
        "Pope Francis",
        "Hezbollah",
    ):
        assert furniture not in seed.body


def test_seed_is_read_as_given_and_enriched_with_dateline_and_entities(seed):
    assert (seed.place, seed.source, seed.people) == (None, None, [])  # the reader takes only what is given
    article = enrich(seed)
    assert (article.place, article.source) == ("Baghdad", "Reuters")
    for person in (
        "Donald Trump",
        "Mike Pompeo",
        "Qassem Soleimani",
        "Adel Abdul Mahdi",
        "Ali al-Sistani",
        "Morgan Ortagus",
    ):
        assert person in article.people
    assert "NATO" in article.organizations
    assert "State Department" in article.organizations
    for place in ("Iraq", "Iran", "Baghdad", "Washington", "Kerbala"):
        assert place in article.places
    everything = article.people + article.organizations + article.places
    # Teaser headlines after "Share post:" are not part of the story.
    assert "Kuwait" not in everything and "Gaza" not in everything


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Date: 2020-01-10", datetime(2020, 1, 10, tzinfo=timezone.utc)),
        ("Date: January 10, 2020", datetime(2020, 1, 10, tzinfo=timezone.utc)),
        ("Date: 10 Jan 2020 14:30", datetime(2020, 1, 10, 14, 30, tzinfo=timezone.utc)),
        ("Published: 2020-01-10T09:00:00+03:00", datetime(2020, 1, 10, 6, 0, tzinfo=timezone.utc)),
        ("Date:", None),
        ("Date: not a date at all", None),
    ],
)
def test_date_line_formats(line, expected):
    article = parse_text(f"A headline\n\n{line}\n\nThe story.", "x")
    assert article.date == expected
    assert article.body == "The story."
    if expected:
        assert article.date.tzinfo is not None


def test_header_lines_give_source_author_url():
    article = parse_text(
        "Headline\nSource: BBC\nAuthor: Jane Doe\nURL: https://example.com/a\n\nBody text.", "x"
    )
    assert (article.source, article.author, article.url) == ("BBC", "Jane Doe", "https://example.com/a")
    assert article.body == "Body text."


def test_teaser_block_without_share_line_is_cut():
    text = "Headline\n\nFirst paragraph of the story.\n\nSecond paragraph.\n\nRelated\n\nOther story\n\nTeaser...\n"
    assert parse_text(text, "x").body == "First paragraph of the story.\n\nSecond paragraph."


def test_word_related_inside_story_is_kept():
    text = "Headline\n\nRelated\n\n" + "A long paragraph of the actual story that goes on. " * 10
    assert "actual story" in parse_text(text, "x").body


def test_word_lists_are_not_articles(tmp_path):
    (tmp_path / "places.txt").write_text("afghanistan\nalbania \nalgeria\n")
    with pytest.raises(ReadError, match=r"not an article: no line of text"):
        read_articles(tmp_path / "places.txt", tmp_path)


def test_a_page_of_links_is_not_an_article():
    menu = DATA / "safety" / "menu.txt"
    with pytest.raises(ReadError, match=r"not an article: .*links"):
        read_articles(menu, menu.parent)


@needs_corpora
def test_every_bbc_article_and_the_seed_are_still_read():
    folder = CORPORA / "bbc"
    problems = []
    results = [read_articles(file, root) for root, file, _ in discover([folder], problems)]
    assert not problems
    assert sum(len(r.articles) for r in results) == 2225
    assert {r.articles[0].id.split("/")[1] for r in results} == {
        "business",
        "entertainment",
        "politics",
        "sport",
        "tech",
    }
    pound = read_articles(folder / "sport" / "199.txt", folder)  # a latin-1 £
    assert "£" in pound.articles[0].body and pound.notes == ["not UTF-8, read as cp1252"]
    assert read_articles(SEED, SEED.parent).articles[0].headline == (
        "Washington turns down Iraqi call to remove troops"
    )
