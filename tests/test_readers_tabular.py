"""``newssearch.ingest.readers.tabular``: CSV and TSV files, with or without a header row."""

from datetime import datetime, timezone
from pathlib import Path

import pytest

from newssearch.errors import ReadError
from newssearch.extract.enrich import enrich
from newssearch.ingest.readers import read_articles
from newssearch.ingest.readers.tabular import clean_cell

from .helpers import DATA

FORMATS = DATA / "formats"


def read(name: str, **kwargs):
    return read_articles(FORMATS / name, FORMATS, **kwargs)


def test_csv_with_header():
    result = read("wires.csv")
    assert result.format == "csv"
    port, rain = result.articles
    assert (port.id, port.headline, port.source) == ("c-1", "Port strike halts exports", "Reuters")
    assert enrich(port).place == "Rotterdam"
    assert port.date == datetime(2022, 6, 13, tzinfo=timezone.utc)
    assert port.section == "business" and port.metadata == {}
    assert rain.body.endswith("play resumes tomorrow.")  # markup removed
    assert result.notes == [
        "read headline from title, body from description, id from id, date from date, section from category, "
        "source from source",
        "line 4: record has no headline or body",
    ]


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
    assert result.notes == ["read headline from title, body from description; kept as metadata: class"]


def test_headerless_csv_columns_are_guessed_and_reported():
    result = read("agstyle.csv")
    assert result.articles[2].headline == "Probe reaches comet"
    assert result.articles[2].body.startswith("PASADENA - A space probe")
    assert result.notes[0].startswith("no header row: read columns as ") and "--" not in result.notes[0]


def test_columns_that_do_not_match_the_rows_are_an_error():
    with pytest.raises(ReadError, match="has 3 columns but 2 column names were given"):
        read("agstyle.csv", columns=["title", "description"])
    with pytest.raises(ReadError, match="has 3 columns but 4 column names were given"):
        read("agstyle.csv", columns=["id", "class", "title", "description"])


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


def test_a_csv_row_that_cannot_be_parsed_is_left_out(tmp_path: Path):
    rows = [
        "title,body",
        "First,The first story.",
        "Huge," + "x" * 200_000,
        ",",
        "Last,The last story.",
    ]
    path = tmp_path / "rows.csv"
    path.write_text("\n".join(rows) + "\n")
    result = read_articles(path, tmp_path)
    assert [a.headline for a in result.articles] == ["First", "Last"]
    assert result.notes == ["line 3: CSV error: field larger than field limit (131072)"]
