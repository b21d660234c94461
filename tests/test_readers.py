"""``newssearch.ingest.readers`` (the package): discover, format detection, read_articles (ids, cleaning), and every
format in one run. What cannot be read and the limits are in test_readers_limits.py."""

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newssearch import NewsIndex
from newssearch.cli import app
from newssearch.errors import ReadError
from newssearch.extract.enrich import enrich
from newssearch.ingest.readers import (
    detect_format,
    discover,
    read_articles,
)
from newssearch.text.sanitize import path_text

from .helpers import CORPORA, DATA, STORY, needs_corpora
from .helpers import read_beside as read
from .helpers import write_file as write

FORMATS = DATA / "formats"


def test_discover_is_sorted_recursive_and_skips_non_articles(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("Z\n\nz")
    (tmp_path / "a.txt").write_text("A\n\na")
    (tmp_path / "README.md").write_text("# corpus")
    (tmp_path / ".hidden.txt").write_text("H\n\nh")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\0\0")
    found = [f.relative_to(tmp_path).as_posix() for _, f, _ in discover([tmp_path])]
    assert found == ["a.txt", "b/z.txt"]
    assert detect_format(tmp_path / "README.md") is None
    with pytest.raises(ReadError, match="not an article file"):
        read(tmp_path / "README.md")


@pytest.mark.parametrize(
    ("name", "content", "fmt"),
    [
        ("story", "Markets rally\n\nShares rose on Monday in London.", "text"),
        ("feed", '{"title": "A"}\n{"title": "B"}\n', "jsonl"),
        ("one", '{"title": "A"}', "json"),
        ("list", '[{"title": "A"}]', "json"),
        ("papers.all", ".I 1\n.T\nA title\n.W\nText.\n", "smart"),
        ("data.bin", "no known ending and not JSON", None),
    ],
)
def test_files_without_a_known_ending_are_sniffed(tmp_path, name, content, fmt):
    path = write(tmp_path, name, content)
    assert detect_format(path) == fmt
    if fmt is None:
        with pytest.raises(ReadError, match="not an article file"):
            read(path)
    else:
        assert read(path).format == fmt


def test_the_format_is_detected_once_from_the_bytes_read(tmp_path, monkeypatch):
    path = write(tmp_path, "story", f"Headline\n\n{STORY}")
    opened = []
    real_open = os.open

    def counting_open(file, *args, **kwargs):
        opened.append(file)
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", counting_open)
    assert read(path).format == "text"
    assert opened == [path]


def test_ids_are_stable_across_reads(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "story.txt").write_text("Head\n\nThe body text.")
    ids = [read_articles(tmp_path / "sub" / "story.txt", tmp_path).articles[0].id for _ in range(2)]
    assert ids == [f"{tmp_path.name}/sub/story.txt"] * 2


def test_ids_start_with_the_folder_given_so_two_folders_cannot_clash(tmp_path):
    for topic in ("tech", "sport"):
        write(tmp_path / "bbc" / topic, "001.txt", f"A {topic} story\n\n{STORY}")
    roots = [tmp_path / "bbc" / "tech", tmp_path / "bbc" / "sport"]
    ids = [read_articles(file, root).articles[0].id for root, file, _ in discover(roots)]
    assert ids == ["tech/001.txt", "sport/001.txt"]
    # a file given alone: its root is its folder
    (root, file, _), *_ = discover([tmp_path / "bbc" / "tech" / "001.txt"])
    assert read_articles(file, root).articles[0].id == "tech/001.txt"
    # a folder of folders; records of a multi-record file get their number
    write(tmp_path / "bbc" / "feeds", "wire.jsonl", '{"title": "One"}\n{"title": "Two"}\n')
    found = {
        file.relative_to(root).as_posix(): [a.id for a in read_articles(file, root).articles]
        for root, file, _ in discover([tmp_path / "bbc"])
    }
    assert found == {
        "feeds/wire.jsonl": ["bbc/feeds/wire.jsonl#1", "bbc/feeds/wire.jsonl#2"],
        "sport/001.txt": ["bbc/sport/001.txt"],
        "tech/001.txt": ["bbc/tech/001.txt"],
    }


def test_a_file_name_that_is_not_utf8_gives_a_utf8_id(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    path = Path(os.fsdecode(bytes(folder) + b"/caf\xe9.txt"))
    try:
        path.write_text(f"Cafe opens\n\n{STORY}")
    except (OSError, UnicodeEncodeError):
        pytest.skip("the file system does not take names that are not UTF-8")
    article = read_articles(path, folder).articles[0]
    assert article.id == "corpus/caf\\xe9.txt"
    assert article.path == path_text(path) and article.path.encode("utf-8")


def test_file_result_has_digest_and_size(tmp_path):
    content = f"Headline\n\n{STORY}".encode()
    result = read(write(tmp_path, "a.txt", content))
    assert result.size == len(content)
    assert result.digest == hashlib.sha256(content).hexdigest()


def test_escape_sequences_are_removed_before_entities_are_extracted(tmp_path):
    path = write(
        tmp_path,
        "story.txt",
        f"Shares rally\033]0;PWNED Holdings\007 in London\r\n\r\n{STORY}\033[2J\033[H\r\n\r\n"
        "Analysts at \033]2;Evil Corp Inc\033\\Barclays said the move was expected.\n",
    )
    article = enrich(read(path).articles[0])
    assert article.headline == "Shares rally in London"
    assert article.body == f"{STORY}\n\nAnalysts at Barclays said the move was expected."
    everything = " ".join(
        [article.headline, article.body, *article.people, *article.organizations, *article.places]
    )
    assert "PWNED" not in everything and "Evil" not in everything and "\033" not in everything
    assert article.place == "London" and article.source == "Reuters"


def test_json_fields_are_cleaned(tmp_path):
    record = {
        "title": "Vote\u001b]0;PWNED\u0007 count begins",
        "body": "Counting began.\u001b[31m",
        "source": "Wire\nService",
        "people": ["Jane\u0000 Doe"],
    }
    article = read(write(tmp_path, "a.json", json.dumps(record))).articles[0]
    assert (article.headline, article.body, article.source) == (
        "Vote count begins",
        "Counting began.",
        "Wire Service",
    )
    assert article.people == ["Jane Doe"]


def test_a_record_of_nothing_but_escape_sequences_is_left_out(tmp_path):
    lines = [
        json.dumps({"title": "\u001b]0;PWNED\u0007", "body": "\u001b[2J"}),
        json.dumps({"title": "Real"}),
    ]
    result = read(write(tmp_path, "feed.jsonl", "\n".join(lines)))
    assert [a.headline for a in result.articles] == ["Real"]
    assert result.notes == [
        "read headline from title, body from body; 1 record has a headline but no text (line 2)",
        f"{tmp_path.name}/feed.jsonl#1: no headline or text once control characters are removed",
    ]


def test_index_reports_per_format(tmp_path):
    folder = tmp_path / "mixed"
    shutil.copytree(FORMATS, folder)
    result = CliRunner().invoke(
        app, ["index", str(folder), "--index", str(tmp_path / "ix"), "--columns", "class,title,description"]
    )
    assert result.exit_code == 0, result.output
    assert "reuters-sgml with 4 articles" in result.stdout
    assert "2 csv with 5 articles" in result.stdout
    assert "1 html" in result.stdout and "1 tsv with 2" in result.stdout
    assert "2 smart with 6 articles" in result.stdout
    assert "not UTF-8, read as cp1251" in result.stderr
    query = CliRunner().invoke(app, ["query", "comet", "--index", str(tmp_path / "ix"), "--json"])
    assert json.loads(query.stdout)["hits"][0]["id"] == "mixed/agstyle.csv#3"


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
