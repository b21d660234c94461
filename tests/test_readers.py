"""``newssearch.readers`` (the package): discover, format detection, read_articles (ids, cleaning, limits, notes),
and every format in one run."""

import hashlib
import json
import os
import shutil
import signal
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newssearch import NewsIndex
from newssearch.cli import app
from newssearch.enrich import enrich
from newssearch.errors import ReadError
from newssearch.readers import (
    MAX_ARTICLE_CHARS,
    MAX_FILE_BYTES,
    MAX_HEADLINE_CHARS,
    detect_format,
    discover,
    read_articles,
)
from newssearch.sanitize import path_text

from .helpers import CORPORA, DATA, needs_corpora

FORMATS = DATA / "formats"
STORY = (
    "LONDON (Reuters) - Shares in London rose on Monday as investors welcomed the rate decision of the bank."
)


def read(path: Path, **kwargs):
    return read_articles(path, path.parent, **kwargs)


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


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


# --- discover and detect_format -----------------------------------------------------------------------------


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


# --- ids -------------------------------------------------------------------------------------------------------


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


# --- cleaning --------------------------------------------------------------------------------------------------


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


# --- what cannot be read ---------------------------------------------------------------------------------------


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


# --- limits ----------------------------------------------------------------------------------------------------


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


# --- every format in one run -----------------------------------------------------------------------------------


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
