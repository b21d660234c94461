"""``newssearch.ingest.readers.jsonl``: JSON and JSON Lines records with the usual key names."""

import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from newssearch.errors import ReadError
from newssearch.extract.enrich import enrich
from newssearch.ingest.readers import read_articles

from .helpers import CORPORA, DATA, needs_corpora

MIXED = DATA / "mixed"


def read(path: Path):
    return read_articles(path, path.parent)


def write(path: Path, content: str) -> Path:
    path.write_text(content, encoding="utf-8")
    return path


def test_jsonl_maps_usual_keys():
    result = read_articles(MIXED / "wires.jsonl", MIXED)
    assert result.format == "jsonl"
    first, second, third = result.articles
    assert first.id == "wire-1" and second.id == "wire-2"
    assert third.id == "mixed/wires.jsonl#3"  # no own id: folder, path and record number
    assert first.headline == "Central bank holds rates steady"
    assert first.date == datetime(2021, 1, 21, 13, 45, tzinfo=timezone.utc)
    assert first.url == "https://example.com/ecb"
    assert third.source == "AP" and third.author == "Staff"
    assert third.date == datetime(2020, 1, 3, 22, 0, tzinfo=timezone.utc)
    assert first.place is None and enrich(first).place == "Frankfurt"  # the dateline is in the body


def test_json_array_and_body_key_variants():
    result = read_articles(MIXED / "features.json", MIXED)
    assert result.format == "json"
    museum, chess = result.articles
    assert museum.id == "mixed/features.json#1" and chess.id == "mixed/features.json#2"
    assert chess.body.startswith("OSLO (Reuters)") and chess.author == "Desk"
    assert enrich(museum).place == "London"


def test_json_single_object_and_wrapped_list(tmp_path):
    write(tmp_path / "one.json", json.dumps({"title": "Solo", "content": "Only story."}))
    write(
        tmp_path / "feed.json",
        json.dumps({"status": "ok", "articles": [{"title": "A", "description": "a"}, {"title": "B"}]}),
    )
    assert [a.id for a in read(tmp_path / "one.json").articles] == [f"{tmp_path.name}/one.json"]
    assert [a.headline for a in read(tmp_path / "feed.json").articles] == ["A", "B"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.json", "{not json", "invalid JSON"),
        (
            "bad.jsonl",
            '{broken\n\n{"url": "x"}\n',
            "no articles found: line 1: invalid JSON.*; line 3: record has no",
        ),
        ("nums.json", "[1, 2]", "expected a JSON object"),
        ("blank.json", '{"url": "x"}', "no headline or body"),
    ],
)
def test_bad_files_raise_read_error(tmp_path, name, content, message):
    with pytest.raises(ReadError, match=message):
        read(write(tmp_path / name, content))


def test_bad_json_lines_are_left_out_with_notes(tmp_path):
    lines = [
        '{"title": "First", "body": "One."}',
        '{"title": broken',
        '{"url": "x"}',
        "",
        "[1]",
        '{"title": "Last"}',
    ]
    result = read(write(tmp_path / "feed.jsonl", "\n".join(lines)))
    assert [a.headline for a in result.articles] == ["First", "Last"]
    assert result.notes == [
        "read headline from title, body from body; 1 record has a headline but no text (line 6)",
        "line 2: invalid JSON: Expecting value",
        "line 3: record has no headline or body",
        "line 5: expected a JSON object, found list",
    ]


def test_bad_items_of_a_json_array_are_left_out(tmp_path):
    items = [{"title": "A"}, 5, {"url": "x"}, {"title": "B"}]
    result = read(write(tmp_path / "items.json", json.dumps(items)))
    assert [a.headline for a in result.articles] == ["A", "B"]
    assert result.notes == [
        "read headline from title; 2 records have a headline but no text (item 1, item 4)",
        "item 2: expected a JSON object, found int",
        "item 3: record has no headline or body",
    ]


@needs_corpora
def test_cranfield_as_json_lines_keeps_every_good_record(tmp_path):
    text = (CORPORA / "cranfield" / "cran.all.1400").read_text()
    lines = []
    for record in re.split(r"^\.I ", text, flags=re.MULTILINE)[1:]:
        number, rest = record.split("\n", 1)
        fields = dict(re.findall(r"^\.([TAW])\n(.*?)(?=^\.[A-Z]\n|\Z)", rest, re.MULTILINE | re.DOTALL))
        title, text_ = (" ".join(fields.get(key, "").split()) for key in "TW")
        lines.append(json.dumps({"id": f"cran-{number.strip()}", "title": title, "text": text_}))
    result = read(write(tmp_path / "cran.jsonl", "\n".join(lines)))
    assert len(lines) == 1400 and len(result.articles) == 1398
    assert result.notes == [
        "line 471: record has no headline or body",
        "line 995: record has no headline or body",
    ]
    assert result.articles[0].id == "cran-1"
