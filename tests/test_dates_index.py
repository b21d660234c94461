"""Dates as news files give them, through the index and the CLI: partial dates, time zones, day/month orders and
relative dates (fixtures in data/dates: text files with ``Date:`` lines, JSON Lines records, CSV rows).

Nothing here depends on today's date. Before dates were read with their precision, dateutil filled a date's missing
parts from today: "March 2021" was stored on today's day of March, and ``since="March 2021"`` started there."""

import csv
import io
import json
import shutil
import warnings
from datetime import datetime, timezone

import pytest

from newssearch import NewsIndex

from .helpers import DATA
from .helpers import invoke as run

UTC = timezone.utc
OIL_IN_MARCH_2021 = {
    "corpus/texts/month.txt",  # "March 2021": the whole month
    "corpus/texts/day.txt",  # 2021-03-02
    "corpus/texts/eastern.txt",  # March 8, 10:00 EST
    "corpus/texts/pacific.txt",  # March 9, 18:30 PST (March 10 in UTC)
    "corpus/texts/late.txt",  # March 30
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The index and the report of indexing data/dates, read with every warning an error."""
    folder = tmp_path_factory.mktemp("dates")
    shutil.copytree(DATA / "dates", folder / "corpus")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # dateutil's UnknownTimezoneWarning, say, would fail the read
        with NewsIndex.create(folder / "index") as index:
            report = index.update([folder / "corpus"])
    return folder / "index", report


@pytest.fixture
def index(built):
    with NewsIndex.open(built[0]) as opened:
        yield opened


@pytest.mark.parametrize(
    ("story", "start", "precision"),
    [
        ("corpus/texts/year.txt", datetime(2021, 1, 1, tzinfo=UTC), "year"),  # Date: 2021
        ("corpus/texts/month.txt", datetime(2021, 3, 1, tzinfo=UTC), "month"),  # Date: March 2021
        ("corpus/texts/day.txt", datetime(2021, 3, 2, tzinfo=UTC), "day"),
        ("corpus/stories.jsonl#2", datetime(2022, 9, 1, tzinfo=UTC), "month"),  # "date": "September 2022"
        ("corpus/stories.jsonl#4", datetime(2022, 1, 1, tzinfo=UTC), "year"),  # "date": "2022"
        ("corpus/stories.jsonl#1", datetime(2022, 9, 23, tzinfo=UTC), "day"),
        ("corpus/stories.jsonl#5", datetime(2020, 1, 1, tzinfo=UTC), "year"),  # "date": 2020, a number
    ],
)
def test_a_partial_date_is_stored_as_the_start_of_its_period_with_its_precision(
    index, story, start, precision
):
    article = index.get(story)
    assert article.date == start and article.date_precision == precision


def test_zone_abbreviations_are_read_and_nothing_is_warned(index):
    assert index.get("corpus/texts/eastern.txt").date == datetime(2021, 3, 8, 15, tzinfo=UTC)  # 10:00 EST
    assert index.get("corpus/texts/pacific.txt").date == datetime(2021, 3, 10, 2, 30, tzinfo=UTC)  # 18:30 PST
    assert index.get("corpus/texts/eastern.txt").date_precision == "time"


def test_a_month_in_words_bounds_the_whole_month(index):
    found = {hit.id for hit in index.search("oil", since="March 2021", until="Mar 2021", limit=50).hits}
    assert found == OIL_IN_MARCH_2021
    assert set(index.matches("oil", since="March 2021", until="Mar 2021").ids) == OIL_IN_MARCH_2021
    assert index.count("oil", since="Mar 2021", until="March 2021") == len(OIL_IN_MARCH_2021)


def test_a_story_dated_by_month_sorts_at_the_start_of_its_month(index):
    ids = [hit.id for hit in index.search("oil", since="2021", until="2021", sort="oldest").hits]
    assert ids[:3] == ["corpus/texts/month.txt", "corpus/texts/day.txt", "corpus/texts/eastern.txt"]


def test_ambiguous_day_and_month_follow_the_file_or_are_left_undated(index):
    assert index.get("eu-2").date == datetime(1987, 4, 1, tzinfo=UTC)  # 01/04/1987 beside 25/03/1987
    assert index.get("us-2").date == datetime(1987, 4, 1, tzinfo=UTC)  # 04/01/1987 beside 03/25/1987
    for story in ("un-1", "un-2", "corpus/texts/dotted.txt"):  # 01/03/1987, 02/03/1987; 4.3.2021
        assert index.get(story).date is None


def test_relative_dates_leave_a_story_undated(index):
    assert index.get("corpus/texts/relative.txt").date is None  # Date: yesterday
    assert index.get("corpus/stories.jsonl#3").date is None  # "date": "2 hours ago"


def test_each_file_notes_the_dates_it_could_not_read_as_written(built):
    notes = {path.rsplit("/corpus/", 1)[1]: note for path, note in built[1].notes}
    assert notes["texts/relative.txt"] == (
        "1 date relative to when the story was written (such as 'yesterday'): left undated"
    )
    assert notes["stories.jsonl"] == (
        "1 date relative to when the story was written (such as '2 hours ago'): left undated"
    )
    assert "either way round" in notes["texts/dotted.txt"] and "left undated" in notes["texts/dotted.txt"]
    assert notes["unsettled.csv"].startswith("2 dates with day and month either way round")
    assert notes["european.csv"].endswith("read day first, as the file's other dates are")
    assert notes["american.csv"].endswith("read month first, as the file's other dates are")
    assert not {"texts/month.txt", "texts/year.txt", "texts/eastern.txt", "texts/pacific.txt"} & set(notes)


def test_the_index_command_prints_the_notes_and_no_library_warning(tmp_path):
    shutil.copytree(DATA / "dates" / "texts", tmp_path / "corpus")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = run("index", tmp_path / "corpus", "--index", tmp_path / "index")
    assert result.exit_code == 0, result.output
    assert "Warning" not in result.stderr and "dateutil" not in result.stderr
    assert "relative.txt: 1 date relative to when the story was written" in " ".join(result.stderr.split())


def test_query_and_show_print_a_date_at_its_precision(built):
    path = built[0]
    result = run(
        "query", "oil", "--index", path, "--since", "March 2021", "--until", "Mar 2021", "--sort", "oldest"
    )
    assert result.exit_code == 0, result.output
    assert "2021-03 · Energy Desk" in result.stdout and "2021-03-02 · Energy Desk" in result.stdout
    month = run("show", "corpus/texts/month.txt", "--index", path).stdout
    day = run("show", "corpus/texts/day.txt", "--index", path).stdout
    timed = run("show", "corpus/texts/eastern.txt", "--index", path).stdout
    assert "2021-03 · Energy Desk" in month and "2021-03-01" not in month
    assert "2021-03-02 · Energy Desk" in day and "T00:00:00" not in day
    assert "2021-03-08T15:00:00+00:00 · Markets Wire" in timed
    shown = json.loads(run("show", "corpus/texts/month.txt", "--index", path, "--json").stdout)
    assert (shown["date"], shown["date_precision"]) == ("2021-03-01T00:00:00+00:00", "month")
    undated = json.loads(run("show", "corpus/texts/relative.txt", "--index", path, "--json").stdout)
    assert (undated["date"], undated["date_precision"]) == (None, None)


def test_exports_keep_the_iso_date_and_add_its_precision(built):
    path = built[0]
    args = (
        "query",
        "oil",
        "--index",
        path,
        "--since",
        "March 2021",
        "--until",
        "Mar 2021",
        "--sort",
        "oldest",
    )
    hits = json.loads(run(*args, "--json").stdout)["hits"]
    assert (hits[0]["date"], hits[0]["date_precision"]) == ("2021-03-01T00:00:00+00:00", "month")
    assert (hits[1]["date"], hits[1]["date_precision"]) == ("2021-03-02T00:00:00+00:00", "day")
    lines = run(*args, "--format", "csv").stdout.splitlines()
    rows = list(csv.DictReader(io.StringIO("\n".join(line for line in lines if not line.startswith("#")))))
    assert [(row["id"], row["date_precision"]) for row in rows][:3] == [
        ("corpus/texts/month.txt", "month"),
        ("corpus/texts/day.txt", "day"),
        ("corpus/texts/eastern.txt", "time"),
    ]
    undated = json.loads(run("query", "panic buying", "--index", path, "--json").stdout)["hits"]
    assert undated and all(hit["date"] is None and hit["date_precision"] is None for hit in undated)


def test_a_date_out_of_range_leaves_its_story_undated_and_costs_nothing_else(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.jsonl").write_text(
        json.dumps({"headline": "Harbour opens", "body": "The harbour opened."})
    )
    index_path = tmp_path / "index"
    assert run("index", corpus, "--index", index_path).exit_code == 0
    records = [
        {"id": "late", "headline": "Far future", "body": "Ferry timetable.", "date": "9999-12-31 23:59 EST"},
        {"id": "zero", "headline": "Year zero", "body": "Ferry history.", "date": "0000"},
        {"id": "fine", "headline": "Ferry fares", "body": "Ferry fares rise.", "date": "2021-03-05"},
    ]
    (corpus / "future.jsonl").write_text("\n".join(json.dumps(r) for r in records))
    (corpus / "zero.csv").write_text("id,headline,body,date\nz1,Old ferry,Ferry of old.,0000\n")
    (corpus / "zero.txt").write_text("Ferry at year zero\nDate: 0000\n\nThe ferry story.\n")
    result = run("index", corpus, "--index", index_path)
    assert result.exit_code == 0, result.output
    assert "Error" not in result.output and "Skipped" not in result.stderr
    assert "out of range" not in result.stdout and "left undated" in " ".join(result.stderr.split())
    with NewsIndex.open(index_path) as ix:
        assert ix.count("ferry") == 5
        assert ix.get("late").date is None and ix.get("zero").date is None
        assert ix.get("fine").date == datetime(2021, 3, 5, tzinfo=UTC)
        assert ix.count("harbour") == 1  # the first run's story stays
    bad_bound = run("query", "ferry", "--until", "0000", "--index", index_path)
    assert bad_bound.exit_code == 2 and "not a date: '0000' is out of range" in bad_bound.output
