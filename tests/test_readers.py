import json
from datetime import datetime, timezone

import pytest

from newssearch.errors import ReadError
from newssearch.readers import decode, detect_format, discover, parse_text, read_articles

from .helpers import DATA, SEED


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


def test_seed_dateline_place_and_source(seed):
    assert seed.place == "Baghdad"
    assert seed.source == "Reuters"


def test_seed_entities(seed):
    for person in (
        "Donald Trump",
        "Mike Pompeo",
        "Qassem Soleimani",
        "Adel Abdul Mahdi",
        "Ali al-Sistani",
        "Morgan Ortagus",
    ):
        assert person in seed.people
    assert "NATO" in seed.organizations
    assert "State Department" in seed.organizations
    for place in ("Iraq", "Iran", "Baghdad", "Washington", "Kerbala"):
        assert place in seed.places
    everything = seed.people + seed.organizations + seed.places
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


def test_jsonl_maps_usual_keys():
    result = read_articles(DATA / "mixed" / "wires.jsonl", DATA / "mixed")
    assert result.format == "jsonl"
    first, second, third = result.articles
    assert first.id == "wire-1" and second.id == "wire-2"
    assert third.id == "mixed/wires.jsonl#3"  # no own id: folder, path and record number
    assert first.headline == "Central bank holds rates steady"
    assert first.date == datetime(2021, 1, 21, 13, 45, tzinfo=timezone.utc)
    assert first.url == "https://example.com/ecb"
    assert third.source == "AP" and third.author == "Staff"
    assert third.date == datetime(2020, 1, 3, 22, 0, tzinfo=timezone.utc)
    assert first.place == "Frankfurt"


def test_json_array_and_body_key_variants():
    result = read_articles(DATA / "mixed" / "features.json", DATA / "mixed")
    assert result.format == "json"
    museum, chess = result.articles
    assert museum.id == "mixed/features.json#1" and chess.id == "mixed/features.json#2"
    assert chess.body.startswith("OSLO (Reuters)") and chess.author == "Desk"
    assert museum.place == "London"


def test_json_single_object_and_wrapped_list(tmp_path):
    (tmp_path / "one.json").write_text(json.dumps({"title": "Solo", "content": "Only story."}))
    (tmp_path / "feed.json").write_text(
        json.dumps({"status": "ok", "articles": [{"title": "A", "description": "a"}, {"title": "B"}]})
    )
    assert [a.id for a in read_articles(tmp_path / "one.json", tmp_path).articles] == [
        f"{tmp_path.name}/one.json"
    ]
    assert [a.headline for a in read_articles(tmp_path / "feed.json", tmp_path).articles] == ["A", "B"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.json", "{not json", "invalid JSON"),
        (
            "bad.jsonl",
            '{broken\n\n{"url": "x"}\n',
            "no articles found: line 1: invalid JSON.*; line 3: record has no",
        ),
        ("empty.txt", "   \n\n", "empty"),
        ("nums.json", "[1, 2]", "expected a JSON object"),
        ("blank.json", '{"url": "x"}', "no headline or body"),
    ],
)
def test_bad_files_raise_read_error(tmp_path, name, content, message):
    (tmp_path / name).write_text(content)
    with pytest.raises(ReadError, match=message):
        read_articles(tmp_path / name, tmp_path)


def test_latin1_file_is_read_with_a_note(tmp_path):
    (tmp_path / "old.txt").write_bytes("Prices in £\n\nThe pound (£) fell.".encode("latin-1"))
    result = read_articles(tmp_path / "old.txt", tmp_path)
    assert result.articles[0].body == "The pound (£) fell."
    assert result.notes == ["not UTF-8, read as cp1252"]
    assert decode("é".encode()).fallback is False


def test_discover_is_sorted_recursive_and_skips_non_articles(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("Z\n\nz")
    (tmp_path / "a.txt").write_text("A\n\na")
    (tmp_path / "README.md").write_text("# corpus")
    (tmp_path / ".hidden.txt").write_text("H\n\nh")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\0\0")
    found = [f.relative_to(tmp_path).as_posix() for _, f in discover([tmp_path])]
    assert found == ["a.txt", "b/z.txt"]
    assert detect_format(tmp_path / "README.md") is None


def test_ids_are_stable_across_reads(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "story.txt").write_text("Head\n\nThe body text.")
    ids = [read_articles(tmp_path / "sub" / "story.txt", tmp_path).articles[0].id for _ in range(2)]
    assert ids == [f"{tmp_path.name}/sub/story.txt"] * 2
