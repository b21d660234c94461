"""Results as rows for a table: ``SearchResults.to_records()`` and ``HitStream.to_records()`` give flat dicts that
``pandas.DataFrame`` takes as they are; ``search`` and ``iter_search`` share their defaults."""

import inspect
import json
import subprocess
import sys
from datetime import datetime

import pytest

from newssearch import Article, NewsIndex

KEYS = [
    "rank", "score", "id", "headline", "date", "date_precision", "source", "place", "author", "section", "people",
    "organizations", "places", "topics", "snippet", "kwic", "url", "path", "versions", "group", "metadata",
]  # fmt: skip
LISTS = {"people", "organizations", "places", "topics", "kwic"}


@pytest.fixture
def index(corpus, index_path):
    with NewsIndex.create(index_path) as ix:
        ix.update([corpus])
        ix.add(
            [
                Article(
                    id="opec",
                    headline="OPEC agrees to trim oil output",
                    body="VIENNA (Reuters) - OPEC agreed on Wednesday to cut oil output to lift prices.",
                    date="1987-02",
                    topics="crude",
                    metadata={"topics": ["energy"]},
                ),
            ]
        )
        yield ix


def _check_rows(rows: list[dict]) -> None:
    """Flat rows: the same keys in the same order, each value a scalar or a list of texts (metadata a dict of
    lists of texts), dates as datetimes."""
    assert rows
    for row in rows:
        assert list(row) == KEYS
        for key, value in row.items():
            if key in LISTS:
                assert isinstance(value, list) and all(isinstance(v, str) for v in value), key
            elif key == "metadata":
                assert all(isinstance(v, list) for v in value.values())
            elif key == "date":
                assert value is None or (isinstance(value, datetime) and value.tzinfo is not None)
            else:
                assert value is None or isinstance(value, (str, int, float)), key


def test_a_page_of_results_as_rows(index):
    results = index.search("oil", limit=20)
    rows = results.to_records()
    _check_rows(rows)
    assert [row["id"] for row in rows] == [hit.id for hit in results.hits]
    assert [row["score"] for row in rows] == [hit.score for hit in results.hits]
    assert [row["snippet"] for row in rows] == [hit.snippet.text for hit in results.hits]
    opec = next(row for row in rows if row["id"] == "opec")
    assert (
        opec["date"] == datetime.fromisoformat("1987-02-01T00:00:00+00:00")
        and opec["date_precision"] == "month"
    )
    assert opec["topics"] == ["crude", "energy"] and opec["metadata"] == {"topics": ["energy"]}
    assert opec["place"] == "Vienna" and opec["source"] == "Reuters"


def test_a_stream_as_rows_is_search_s_pages_one_after_another(index):
    stream = index.iter_search("oil OR storm", kwic=True)
    rows = stream.to_records()
    _check_rows(rows)
    paged = index.search("oil OR storm", limit=100, kwic=True).to_records()
    assert rows == paged and len(rows) == stream.total
    assert any(row["kwic"] and "[" in row["kwic"][0] for row in rows)


def test_search_and_iter_search_share_their_defaults():
    search = inspect.signature(NewsIndex.search).parameters
    stream = inspect.signature(NewsIndex.iter_search).parameters
    shared = set(search) & set(stream) - {"self"}
    assert {"snippets", "kwic", "syntax", "timeout", "sort"} <= shared
    assert {name: stream[name].default for name in shared} == {name: search[name].default for name in shared}


def test_pandas_takes_the_rows_as_they_are(index, index_path):
    """In a process of its own: pandas would stay in the suite's memory, which the subprocesses of the memory
    harnesses inherit as their peak (``tests/fault_hostile.py``)."""
    index.close()
    script = f"""
import json, pandas
from newssearch import NewsIndex
with NewsIndex.open({str(index_path)!r}) as ix:
    rows = ix.search("oil", limit=20).to_records()
frame = pandas.DataFrame(rows)
print(json.dumps([list(frame.columns), str(frame["date"].dtype), frame["score"].dtype.kind, len(frame), len(rows)]))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    columns, date_type, score_kind, length, rows = json.loads(done.stdout)
    assert columns == KEYS
    assert date_type.startswith("datetime64") and score_kind == "f"
    assert length == rows > 1
