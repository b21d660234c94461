"""The Article ⇄ stored-document mapping."""

from datetime import datetime, timedelta, timezone

import pytest

from newssearch.engine.documents import author_names, filesig, parse_filesig, to_article, to_document
from newssearch.models import Article

from .helpers import whoosh_modules_after_importing


def _article(**fields):
    base = dict(
        id="corpus/a.txt",
        headline="Iraq asks NATO to stay",
        body="BAGHDAD (Reuters) - Iraq asked NATO on Tuesday to keep its trainers.",
        date=datetime(2020, 1, 7, 10, 30, tzinfo=timezone(timedelta(hours=3))),
        source="Reuters",
        place="Baghdad",
        url="https://example.com/a",
        author="A. Writer",
        people=["Adel Abdul Mahdi"],
        organizations=["NATO", "Iraqi Parliament"],
        places=["Iraq", "Baghdad"],
        path="corpus/a.txt",
        metadata={"topics": ["politics", "defence"]},
    )
    return Article(**{**base, **fields})


def test_a_document_gives_back_the_article_with_its_date_in_utc():
    article = _article()
    back = to_article(to_document(article))
    assert back.date == datetime(2020, 1, 7, 7, 30, tzinfo=timezone.utc)
    assert back == _article(date=back.date)


def test_content_holds_headline_and_body_and_place_text_the_dateline_place_first():
    doc = to_document(_article())
    assert (
        doc["content"]
        == "Iraq asks NATO to stay\nBAGHDAD (Reuters) - Iraq asked NATO on Tuesday to keep its trainers."
    )
    assert doc["place_text"].split("\n") == ["Baghdad", "Iraq", "Baghdad"]
    assert doc["topics"] == "politics,defence"
    assert doc["date"] == datetime(2020, 1, 7, 7, 30)  # Whoosh stores naive UTC


def test_commas_and_repeats_in_names_cannot_split_or_double_a_facet_value():
    doc = to_document(_article(people=["Smith, John", "Smith  John", " "], place="Washington, D.C."))
    assert doc["people"] == "Smith John"
    assert doc["place"] == "Washington D.C."
    assert to_article(doc).people == ["Smith John"]


def test_empty_optional_fields_are_left_out():
    doc = to_document(Article(id="x", headline="H", body="B"))
    assert set(doc) == {
        "id", "headline", "body", "content", "people", "organizations", "places", "person_text", "org_text",
        "place_text",
    }  # fmt: skip
    assert to_article(doc) == Article(id="x", headline="H", body="B")


def test_filesig_round_trips_a_file_name_with_tabs():
    sig = filesig("corpus/odd\tname.txt", 1234, "ab" * 32)
    assert parse_filesig(sig) == ("corpus/odd\tname.txt", 1234, "ab" * 32)
    assert to_document(_article(), sig)["filesig"] == sig


def test_documents_import_no_whoosh():
    assert whoosh_modules_after_importing("newssearch.engine.documents") == ["whoosh", "whoosh.compat"]


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("By Ann Lee and Bo Ng, AP", ["Ann Lee", "Bo Ng", "AP"]),
        ("Tom Quill & Jo Dee", ["Tom Quill", "Jo Dee"]),
        ("Ann Lee; Bo Ng, AP", ["Ann Lee", "Bo Ng AP"]),  # semicolons, when there are any, alone separate
        ("Ann" + " " * 5000 + "Lee ,   Bo Ng", ["Ann Lee", "Bo Ng"]),  # runs of spaces folded, not matched
    ],
)
def test_a_byline_is_split_into_its_authors(byline, names):
    assert author_names(byline) == names
