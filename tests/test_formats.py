"""Reuters-21578 SGML, CSV/TSV, HTML, SMART and encodings, on small hand-written samples (and the real corpora
when ../shared/corpora is present)."""

import json
import shutil
from datetime import datetime, timezone

import pytest
from typer.testing import CliRunner

from newssearch import NewsIndex
from newssearch.cli import app
from newssearch.readers import decode, detect_format, read_articles
from newssearch.readers.tabular import clean_cell

from .helpers import CORPORA, DATA, needs_corpora

FORMATS = DATA / "formats"


def read(name, **kwargs):
    return read_articles(FORMATS / name, FORMATS, **kwargs)


# --- Reuters-21578 SGML ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reuters():
    return read("sample.sgm")


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
    assert story.metadata["topics"] == ["grain", "wheat"]
    assert story.metadata["places"] == ["usa", "west-germany"]
    assert story.metadata["people"] == ["lyng"]
    assert story.metadata["lewissplit"] == ["TEST"]
    assert "usa" not in story.places and "lyng" not in story.people
    assert "Richard Lyng" in story.people and "West Germany" in story.places


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


def test_topic_field_query(tmp_path):
    with NewsIndex.create(tmp_path / "ix") as index:
        index.update([FORMATS / "sample.sgm"])
        assert [h.id for h in index.search("topic:wheat").hits] == ["reuters-7"]
        assert index.get("reuters-11").metadata["topics"] == ["coffee"]


# --- CSV and TSV -------------------------------------------------------------------------------------------


def test_csv_with_header():
    result = read("wires.csv")
    assert result.format == "csv"
    port, rain = result.articles
    assert (port.id, port.headline, port.source, port.place) == (
        "c-1",
        "Port strike halts exports",
        "Reuters",
        "Rotterdam",
    )
    assert port.date == datetime(2022, 6, 13, tzinfo=timezone.utc)
    assert port.metadata == {"category": ["business"]}
    assert rain.body.endswith("play resumes tomorrow.")  # markup removed
    assert result.notes == ["line 4: record has no headline or body"]


def test_tsv_with_header():
    result = read("notices.tsv")
    assert result.format == "tsv"
    assert [a.headline for a in result.articles] == ["Library reopens", "Bridge closed"]
    assert result.articles[1].id == "formats/notices.tsv#2"


def test_headerless_csv_with_named_columns():
    result = read("agstyle.csv", columns=["class", "title", "description"])
    first, second, _ = result.articles
    assert first.id == "formats/agstyle.csv#1" and first.headline == "Striker scores twice in derby"
    assert first.metadata == {"class": ["2"]}
    assert first.body.endswith("it was 'a huge result'.")  # "#39;" restored
    assert "$1.2 billion, beating" in second.body  # "\$" and the "\" line break cleaned
    assert not result.notes


def test_headerless_csv_columns_are_guessed_and_reported():
    result = read("agstyle.csv")
    assert result.articles[2].headline == "Probe reaches comet"
    assert result.articles[2].body.startswith("PASADENA - A space probe")
    assert "no header row" in result.notes[0] and "--columns" in result.notes[0]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("It#39;s", "It's"),
        ("quot;Yes quot;", '"Yes "'),
        ("AT amp;T", "AT &T"),
        ("&lt;b&gt;Bold&lt;/b&gt; move", "Bold move"),
        ("costs \\$5", "costs $5"),
        ("line\\break", "line break"),
        ("Tom &amp; Jerry", "Tom & Jerry"),
    ],
)
def test_clean_cell(raw, clean):
    assert clean_cell(raw) == clean


# --- HTML, SMART, encodings --------------------------------------------------------------------------------


def test_html_main_text_and_metadata():
    result = read("page.html")
    assert result.format == "html"
    page = result.articles[0]
    assert page.headline == "Floods close schools in Valencia"
    assert page.body.startswith("VALENCIA (Reuters) - Heavy rain flooded streets")
    assert "Mayor Maria Jose Catala" in page.body
    for furniture in ("Home", "Most read", "Celebrity buys castle", "Cookie settings"):
        assert furniture not in page.body
    assert page.author == "Ana Garcia" and page.source == "Example News"
    assert page.date == datetime(2023, 9, 5, tzinfo=timezone.utc)
    assert page.place == "Valencia"


def test_html_without_article_text_is_skipped(tmp_path):
    (tmp_path / "empty.html").write_text("<html><body><nav>Home</nav></body></html>")
    with pytest.raises(Exception, match="no article text"):
        read_articles(tmp_path / "empty.html", tmp_path)


def test_smart_collection():
    assert detect_format(FORMATS / "papers.all") == "smart"
    result = read("papers.all")
    assert [a.id for a in result.articles] == ["formats/papers.all#1", "formats/papers.all#3"]
    assert result.articles[0].headline == "boundary layer transition on a flat plate ."
    assert result.articles[0].author == "smith,j."
    assert result.notes == ["line 12 (.I 2): no title or text"]


def test_smart_queries_and_judgments_are_not_articles(tmp_path):
    (tmp_path / "queries.qry").write_text(".I 001\n.W\nwhat is transition ?\n")
    (tmp_path / "qrels").write_text("1 184 2\n1 29 2\n")
    assert detect_format(tmp_path / "queries.qry") is None
    assert detect_format(tmp_path / "qrels") is None


def test_cp1251_text_is_detected():
    result = read("russian-cp1251.txt")
    assert result.articles[0].headline == "Новости дня"
    assert result.notes == ["not UTF-8, read as cp1251"]


def test_decode_prefers_utf8_and_never_fails():
    assert decode("naïve café".encode()).encoding == "utf-8"
    assert decode(bytes(range(256))).fallback


def test_word_lists_are_not_articles(tmp_path):
    (tmp_path / "places.txt").write_text("afghanistan\nalbania \nalgeria\n")
    with pytest.raises(Exception, match="not an article"):
        read_articles(tmp_path / "places.txt", tmp_path)


# --- the CLI over every format -----------------------------------------------------------------------------


def test_index_reports_per_format(tmp_path):
    folder = tmp_path / "mixed"
    shutil.copytree(FORMATS, folder)
    result = CliRunner().invoke(
        app, ["index", str(folder), "--index", str(tmp_path / "ix"), "--columns", "class,title,description"]
    )
    assert result.exit_code == 0, result.output
    assert "reuters-sgml with 4 articles" in result.stdout
    assert "2 csv with 5 articles" in result.stdout
    assert (
        "1 html" in result.stdout
        and "1 smart with 2 articles" in result.stdout
        and "1 tsv with 2" in result.stdout
    )
    assert "not UTF-8, read as cp1251" in result.stderr
    query = CliRunner().invoke(app, ["query", "comet", "--index", str(tmp_path / "ix"), "--json"])
    assert json.loads(query.stdout)["hits"][0]["id"] == "mixed/agstyle.csv#3"


# --- the real corpora, when present ------------------------------------------------------------------------


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


@needs_corpora
def test_real_corpora_in_one_run(tmp_path):
    """Several real collections in one command, each format reported: Reuters (one file), CISI, AG News, BBC tech."""
    paths = [
        CORPORA / "reuters21578" / "reut2-000.sgm",
        CORPORA / "cisi",
        CORPORA / "ag-news",
        CORPORA / "bbc" / "tech",
    ]
    with NewsIndex.create(tmp_path / "ix") as index:
        report = index.update(paths, columns=["class", "title", "description"])
        counts = {fmt: (c.files, c.articles) for fmt, c in report.formats.items()}
        assert counts["reuters-sgml"] == (1, 1000)
        assert counts["smart"] == (1, 1460)
        assert counts["csv"] == (1, 7600)
        assert counts["text"] == (401, 401)
        assert [p.rsplit("/", 1)[-1] for p, _ in report.skipped] == ["classes.txt"]
        assert report.total == 1000 + 1460 + 7600 + 401
        assert index.search("cocoa Bahia").hits[0].id == "reuters-1"
