"""``newssearch.ingest.readers``: what cannot be read (empty files, files without a good record, special files, folders
that cannot be listed) and the limits (file size, article and headline length, links out of the folder)."""

import json
import os
import signal
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newssearch import NewsIndex
from newssearch.cli import app
from newssearch.errors import ReadError
from newssearch.ingest.readers import (
    MAX_ARTICLE_CHARS,
    MAX_FILE_BYTES,
    MAX_HEADLINE_CHARS,
    detect_format,
    discover,
    read_articles,
)
from newssearch.text.sanitize import path_text

from .helpers import STORY
from .helpers import read_beside as read
from .helpers import write_file as write


@pytest.fixture
def no_hang():
    """Fail, rather than hang, when a test opens a FIFO for reading."""
    if not hasattr(signal, "SIGALRM"):
        pytest.skip("needs SIGALRM")

    def fail(signum, frame):
        raise TimeoutError("blocked opening a special file")

    previous = signal.signal(signal.SIGALRM, fail)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_empty_file_is_an_error(tmp_path):
    with pytest.raises(ReadError, match="empty file"):
        read(write(tmp_path, "empty.txt", "   \n\n"))


def test_a_file_without_a_good_record_is_an_error(tmp_path):
    with pytest.raises(
        ReadError, match=r"no articles found: line 1: invalid JSON.*; line 2: record has no headline"
    ):
        read(write(tmp_path, "bad.jsonl", '{broken\n{"url": "x"}\n'))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and symlinks")
def test_special_files_are_never_opened(tmp_path, no_hang):
    folder = tmp_path / "corpus"
    write(folder, "good.txt", f"Good\n\n{STORY}")
    os.mkfifo(folder / "pipe.txt")
    os.mkfifo(folder / "pipe")  # no ending: would be sniffed
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "gone.txt").symlink_to(folder / "missing.txt")
    (folder / "link.txt").symlink_to(folder / "good.txt")  # a symlink to a regular file is read
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(folder / "sock.txt"))
    except OSError:
        (folder / "sock.txt").symlink_to("/dev/null")  # a path too long for a socket: another special file
    problems = []
    found = [file.name for _, file, _ in discover([folder], problems)]
    sock.close()
    assert found == ["good.txt", "link.txt"]
    assert sorted((path.name, reason) for path, reason in problems) == [
        (name, "not a regular file") for name in ("gone.txt", "pipe", "pipe.txt", "sock.txt", "zero.txt")
    ]
    assert detect_format(folder / "pipe") is None
    for name in ("pipe.txt", "pipe", "zero.txt", "gone.txt"):
        with pytest.raises(ReadError, match="not a regular file"):
            read_articles(folder / name, folder)
    problems = []
    assert list(discover([folder / "pipe.txt", folder / "zero.txt"], problems)) == []
    assert [reason for _, reason in problems] == ["not a regular file"] * 2


def test_a_folder_that_cannot_be_listed_is_a_problem(tmp_path, monkeypatch):
    write(tmp_path / "corpus" / "open", "a.txt", f"A\n\n{STORY}")
    locked = tmp_path / "corpus" / "locked"
    write(locked, "b.txt", f"B\n\n{STORY}")
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    problems = []
    assert [file.name for _, file, _ in discover([tmp_path / "corpus"], problems)] == ["a.txt"]
    assert problems == [(locked, "cannot read folder: Permission denied")]


def test_files_over_the_size_limit_are_not_read(tmp_path):
    assert MAX_FILE_BYTES == 100_000_000
    path = tmp_path / "huge.jsonl"
    with path.open("wb") as handle:
        handle.write(b'{"title": "Huge"}\n')
        handle.truncate(101_000_000)  # sparse: no disk space used
    with pytest.raises(ReadError, match=r"too large \(101 MB; the limit is 100 MB\)"):
        read(path)
    # A file of one article is refused at a few megabytes (the 99 MB one-line file of issue 17 peaked at 3.1 GB).
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.write(b"Huge\n\n")
        handle.truncate(4_000_001)
    with pytest.raises(ReadError, match=r"too large \(4 MB; the limit for one text article is 4 MB\)"):
        read(path)


def test_articles_over_the_length_limit_are_left_out(tmp_path):
    long_body = "word " * (MAX_ARTICLE_CHARS // 5 + 1000)
    lines = [
        {"title": "Short one", "body": "Fine."},
        {"title": "Huge", "body": long_body},
        {"title": "Also fine"},
    ]
    result = read(write(tmp_path, "feed.jsonl", "\n".join(json.dumps(r) for r in lines)))
    assert [a.headline for a in result.articles] == ["Short one", "Also fine"]
    assert result.notes == [
        "read headline from title, body from body; 1 record has a headline but no text (line 3)",
        f"{tmp_path.name}/feed.jsonl#2: too long for one article (505,003 characters; the limit is 500,000)",
    ]
    with pytest.raises(
        ReadError, match=r"too long for one article \(505,\d+ characters; the limit is 500,000\)"
    ):
        read(write(tmp_path, "book.txt", f"A book\n\n{long_body}"))


def test_a_long_first_line_is_text_and_gives_a_short_headline(tmp_path):
    first = (
        "The city council voted on Tuesday to close the old bridge over the river for repairs that are expected "
        "to take at least two years. "
    ) + "Traffic will be diverted through the northern ring road while engineers work on the structure. " * 4
    assert len(first) > MAX_HEADLINE_CHARS
    article = read(write(tmp_path, "bridge.txt", f"{first}\n\nA second paragraph.")).articles[0]
    assert article.headline == (
        "The city council voted on Tuesday to close the old bridge over the river for repairs that are expected "
        "to take at least two years."
    )
    assert article.body == f"{first.strip()}\n\nA second paragraph."


def test_a_long_headline_is_cut_at_a_word_boundary(tmp_path):
    title = "Breaking news from the committee hearing on budget allocations " * 8
    record = {"title": title, "body": "The body."}
    article = read(write(tmp_path, "one.json", json.dumps(record))).articles[0]
    assert len(article.headline) <= 200 and article.headline.endswith("…")
    assert title.startswith(article.headline[:-1]) and title[len(article.headline) - 1] == " "
    assert article.body == f"{title.strip()}\n\nThe body."  # the text is kept, in the body


def test_links_out_of_the_folder_given_are_not_followed(tmp_path):
    """Issue 17: a link to a file outside the corpus folder was followed (a credentials file became searchable,
    /proc/self/environ was read). A link is followed only to a file inside the folder given; the others, and
    links to folders (never walked), are skipped with their reason."""
    folder = tmp_path / "corpus"
    write(folder, "good.txt", f"Good\n\n{STORY}")
    secret = write(
        tmp_path, "credentials.txt", "Secret canary\n\naws_secret_access_key canary, and more words here."
    )
    (folder / "sub").mkdir()
    (folder / "sub" / "inside.txt").symlink_to(folder / "good.txt")  # inside the folder: followed
    (folder / "notes.txt").symlink_to(secret)
    (folder / "environ.txt").symlink_to("/proc/self/environ")
    (folder / "up.txt").symlink_to(Path("..") / "credentials.txt")
    (folder / "outside").symlink_to(tmp_path, target_is_directory=True)
    problems = []
    assert [file.name for _, file, _ in discover([folder], problems)] == ["good.txt", "inside.txt"]
    reasons = {path.name: reason for path, reason in problems}
    assert reasons["outside"] == "a link to a folder, not followed"
    assert reasons["notes.txt"] == f"a link out of the folder given, not followed: {path_text(secret)}"
    assert reasons["up.txt"] == reasons["notes.txt"]
    assert reasons["environ.txt"].startswith("a link out of the folder given, not followed: /proc/")
    with pytest.raises(ReadError, match="a link out of the folder given"):
        read_articles(folder / "notes.txt", folder)  # read_articles checks too (the link may be made later)
    assert read_articles(folder / "sub" / "inside.txt", folder).articles[0].headline == "Good"
    index = tmp_path / "ix"
    result = CliRunner().invoke(app, ["index", str(folder), "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert f"Skipped {path_text(folder / 'notes.txt')}: a link out of the folder given" in result.stderr
    with NewsIndex.open(index) as ix:
        assert ix.search("canary").total == 0 and ix.search("good", all_versions=True).total == 2
