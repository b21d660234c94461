"""``newssearch.ingest.readers.reuters``: Reuters-21578 SGML."""

from datetime import datetime, timezone

import pytest

from newssearch import NewsIndex
from newssearch.extract.enrich import enrich
from newssearch.ingest.readers import read_articles

from .helpers import CORPORA, DATA, needs_corpora

FORMATS = DATA / "formats"


@pytest.fixture(scope="module")
def reuters():
    return read_articles(FORMATS / "sample.sgm", FORMATS)


def test_reuters_story_fields(reuters):
    story = reuters.articles[0]
    assert story.id == "reuters-7"
    assert story.headline == "U.S. OFFERS WHEAT TO WEST GERMANY UNDER <EXPORT> PLAN"
    assert story.date == datetime(1987, 3, 2, 9, 15, 22, tzinfo=timezone.utc)
    assert (story.source, story.place, story.author) == ("Reuters", "Washington", "Sam Writer")
    # wrapped lines are joined, indented lines start paragraphs, the sign-off and control characters are gone
    assert story.body == (
        "The United States offered subsidized wheat to West Germany on Monday, Agriculture Secretary Richard "
        "Lyng said, in a move aimed at <Grain Traders Inc> customers.\n\n"
        "Lyng said the offer would be reviewed by officials in Bonn next week."
    )


def test_reuters_labels_are_metadata_not_entities(reuters):
    story = reuters.articles[0]
    assert story.metadata == {
        "topics": ["grain", "wheat"],
        "places": ["usa", "west-germany"],
        "people": ["lyng"],
        "lewissplit": ["TEST"],
        "cgisplit": ["TRAINING-SET"],
        "oldid": ["9001"],
        "topics_attribute": ["YES"],
        "type": ["NORM"],
    }
    assert (story.people, story.organizations, story.places) == ([], [], [])
    enriched = enrich(story)
    assert "usa" not in enriched.places and "lyng" not in enriched.people
    assert "Richard Lyng" in enriched.people and "West Germany" in enriched.places


def test_reuters_brief_unproc_and_empty_stories(reuters):
    by_id = {a.id: a for a in reuters.articles}
    assert set(by_id) == {"reuters-7", "reuters-8", "reuters-9", "reuters-11"}  # reuters-10 has nothing
    assert by_id["reuters-8"].headline == "MONEY FUNDS ROSE 100 MLN DLRS IN WEEK"
    assert by_id["reuters-8"].body == ""  # the "Blah blah blah." filler
    assert by_id["reuters-9"].headline == ""
    assert by_id["reuters-9"].body.startswith("WEEKLY RESERVES REPORT")
    assert "Net reserves" in by_id["reuters-9"].body and "Reuter" not in by_id["reuters-9"].body
    assert "line 57 (NEWID 10): no headline or text" in reuters.notes


def test_reuters_non_utf8_byte_is_read_and_reported(reuters):
    assert "München" in reuters.articles[-1].body
    assert "not UTF-8, read as cp1252" in reuters.notes
    assert reuters.articles[-1].place == "Rio de Janeiro"


def test_reuters_escape_references_are_removed_whole():
    path = DATA / "safety" / "escape.sgm"
    article = enrich(read_articles(path, path.parent).articles[0])
    assert article.headline == "CHIPMAKER NAMES HEAD OF UNIT"
    assert (
        article.body
        == "Gould Inc said it named a president of its Semiconductor Division & its testing unit."
    )
    assert "Br Division" not in article.organizations


def test_topic_field_query(tmp_path):
    with NewsIndex.create(tmp_path / "ix") as index:
        index.update([FORMATS / "sample.sgm"])
        assert [h.id for h in index.search("topic:wheat").hits] == ["reuters-7"]
        assert index.get("reuters-11").metadata["topics"] == ["coffee"]


@needs_corpora
def test_real_reuters_file():
    folder = CORPORA / "reuters21578"
    result = read_articles(folder / "reut2-000.sgm", folder)
    assert len(result.articles) == 1000
    first = result.articles[0]
    assert first.id == "reuters-1" and first.headline == "BAHIA COCOA REVIEW"
    assert first.place == "Salvador" and first.metadata["topics"] == ["cocoa"]
    assert "Blah blah blah" not in " ".join(a.body for a in result.articles)
    odd = read_articles(folder / "reut2-017.sgm", folder)
    assert len(odd.articles) == 1000 and any("not UTF-8" in n for n in odd.notes)


def test_an_all_caps_sign_off_is_removed_too(tmp_path):
    """Upper-case stories end in "REUTER" (reuters-21502, say): it is no more part of the story than "Reuter"."""
    sgm = tmp_path / "reut2-000.sgm"
    sgm.write_text(
        '<REUTERS TOPICS="YES" NEWID="21502"><TEXT><TITLE>SOUTH YEMEN PLANS OIL EXPORT PIPELINE</TITLE>'
        "<BODY>South Yemen plans a pipeline from its oilfields.\n REUTER\n&#3;</BODY></TEXT></REUTERS>\n"
    )
    (story,) = read_articles(sgm, tmp_path).articles
    assert story.body == "South Yemen plans a pipeline from its oilfields."
    for ending in ("\nREUTER\n Reuter", " REUTER^M", "\n reuter"):  # reuters-1853, reuters-11861
        sgm.write_text(
            f'<REUTERS NEWID="1"><TEXT><TITLE>T</TITLE><BODY>Sales rose 5.5 pct.{ending}\n&#3;</BODY></TEXT></REUTERS>'
        )
        assert read_articles(sgm, tmp_path).articles[0].body == "Sales rose 5.5 pct.", ending
