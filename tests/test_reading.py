"""Reading a whole story: every field back, and the query's matched words marked as search marks them."""

import pytest

from newssearch import Article, NewsIndex, QueryError
from newssearch.errors import ArticleNotFoundError

from .helpers import SEED, related_corpus

SEED_ID = f"corpus/{SEED.name}"


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reading")
    with NewsIndex.create(folder / "index") as ix:
        ix.update([related_corpus(folder)])
        ix.add(
            [
                Article(
                    id="labelled",
                    headline="Wheat exports rise",
                    body="Wheat exports rose.\n\nCorn fell.",
                    metadata={"topics": ["grain", "wheat"]},
                )
            ]
        )
        yield ix


def marked(text, spans):
    return [text[start:end] for start, end in spans]


def test_reading_without_a_query_gives_the_whole_story(index):
    reading = index.read(SEED_ID)
    assert reading.article == index.get(SEED_ID)
    assert reading.body_highlights == [] and reading.headline_highlights == [] and reading.query is None
    data = reading.to_dict()
    assert data["body"] == reading.article.body and data["metadata"] == {}
    assert "Mike Pompeo" in data["people"]


def test_stemmed_forms_are_marked_in_headline_and_body(index):
    reading = index.read(SEED_ID, query="troop")
    article = reading.article
    assert marked(article.headline, reading.headline_highlights) == ["troops"]
    words = marked(article.body, reading.body_highlights)
    assert {"troops", "troop"} <= set(words) and set(words) <= {"troops", "troop", "Troops"}
    assert len(words) == article.body.lower().count("troop")  # every one, the whole body through


def test_phrases_wildcards_and_fields_mark_what_they_matched(index):
    reading = index.read(SEED_ID, query='"State Department" Soleim* headline:iraqi')
    assert {"State", "Department", "Soleimani"} <= set(marked(reading.article.body, reading.body_highlights))
    assert marked(reading.article.headline, reading.headline_highlights) == ["Iraqi"]


def test_a_query_the_story_does_not_match_marks_nothing(index):
    reading = index.read(SEED_ID, query="troops NOT Iraq")
    assert reading.body_highlights == [] and reading.headline_highlights == []
    assert reading.to_dict()["query"] == "troops NOT Iraq"


def test_metadata_and_paragraphs_are_kept(index):
    reading = index.read("labelled", query="wheat")
    assert reading.article.body == "Wheat exports rose.\n\nCorn fell."
    assert reading.to_dict()["metadata"] == {"topics": ["grain", "wheat"]}
    assert reading.to_dict()["body_highlights"] == [[0, 5]]


def test_unknown_ids_and_bad_queries_are_one_line_errors(index):
    with pytest.raises(ArticleNotFoundError, match="no article with id 'nope'"):
        index.read("nope")
    with pytest.raises(QueryError):
        index.read(SEED_ID, query="the of and")
