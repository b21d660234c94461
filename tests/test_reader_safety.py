"""Reading hostile or odd input safely: terminal escapes, special files, huge files and records, bad records,
byte-order marks, binary files, ids that cannot clash; and the text cleaning of ``newssearch.sanitize``."""

import codecs
import json
import os
import random
import re
import signal
import socket
import time
from pathlib import Path

import pytest

from newssearch.errors import ReadError
from newssearch.models import Article
from newssearch.readers import (
    MAX_ARTICLE_CHARS,
    MAX_FILE_BYTES,
    MAX_HEADLINE_CHARS,
    detect_format,
    discover,
    read_articles,
)
from newssearch.sanitize import clean_article, clean_text, path_text, terminal_safe

from .helpers import CORPORA, DATA, SEED, needs_corpora

SAFETY = DATA / "safety"
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


# --- sanitize ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\033]0;PWNED\007b", "ab"),  # OSC: set the window title, BEL-terminated
        ("a\033]2;PWNED\033\\b", "ab"),  # OSC, ESC \ terminated
        ("\033]8;;http://evil.example\033\\link\033]8;;\033\\", "link"),  # OSC 8 hyperlink
        (
            "\033[1;31mred\033[0m \033[2J\033[Hcleared",
            "red cleared",
        ),  # CSI colours, clear screen, cursor home
        ("\033[?1049h\033[38;5;196mx", "x"),  # private-mode CSI, 256 colours
        ("\033cReset \0337saved\0338 \033(Bcharset", "Reset saved charset"),  # two-char and nF sequences
        ("\x9b2Jx \x9d0;PWNED\x9cy", "x y"),  # C1 CSI and OSC
        ("bell\x07 nul\x00 del\x7f c1\x85\x90 bs\x08", "bell nul del c1 bs"),
        ("one\r\ntwo\rthree\nfour\tfive", "one\ntwo\nthree\nfour\tfive"),
        ("lone escape at the end \033", "lone escape at the end "),
        ("plain text, “quotes” and £", "plain text, “quotes” and £"),
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


def test_clean_text_is_fast_on_megabytes():
    text = (
        "A paragraph of ordinary news text that goes on for a while. " * 20 + "\033[31mred\033[0m\r\n"
    ) * 5000
    start = time.perf_counter()
    cleaned = clean_text(text)
    assert time.perf_counter() - start < 2
    assert len(text) > 5_000_000 and "\033" not in cleaned and "\r" not in cleaned and "red\n" in cleaned


def test_clean_article_cleans_every_field_in_place():
    article = Article(
        id="feed.jsonl#1\n",
        headline="Markets\033]0;PWNED\007 rally\nagain",
        body="First\r\nparagraph.\033[2J\n\nSecond\tparagraph.",
        source="Reu\x00ters",
        place="\tLondon\n",
        url="https://example.com/a\x1b[0m",
        author="Jane\nDoe",
        people=["Mike\nPompeo", "\033[31m"],
        organizations=["NATO\x07"],
        places=["Bag\x85hdad"],
        metadata={"topics": ["grain\x1b]0;x\x07", "wheat"]},
    )
    assert clean_article(article) is article
    assert article.id == "feed.jsonl#1"
    assert article.headline == "Markets rally again"
    assert article.body == "First\nparagraph.\n\nSecond\tparagraph."
    assert (article.source, article.place, article.url, article.author) == (
        "Reuters",
        "London",
        "https://example.com/a",
        "Jane Doe",
    )
    assert (article.people, article.organizations, article.places) == (["Mike Pompeo"], ["NATO"], ["Baghdad"])
    assert article.metadata == {"topics": ["grain", "wheat"]}


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\033]0;PWNED\007", "\\x1b]0;PWNED\\x07"),
        ("two\nlines\tand\rreturn", "two\\nlines\\tand\\rreturn"),
        ("\x00\x7f\x9b", "\\x00\\x7f\\x9b"),
        ("caf\udce9.txt", "caf\\xe9.txt"),  # a byte of a file name that is not UTF-8
        ("abc\u202edcba", "abc\\u202edcba"),  # a right-to-left override
        ("naïve café £5", "naïve café £5"),
    ],
)
def test_terminal_safe(raw, shown):
    assert terminal_safe(raw) == shown
    assert terminal_safe(raw).encode("utf-8")  # printable as UTF-8


def test_path_text_is_valid_utf8():
    assert path_text(os.fsdecode(b"/corpus/caf\xe9.txt")) == "/corpus/caf\\xe9.txt"
    assert path_text(Path("/corpus/café.txt")) == "/corpus/café.txt"
    assert path_text(b"caf\xe9.txt") == "caf\\xe9.txt"


# --- cleaning, ids, digest and progress in read_articles -------------------------------------------------------


def test_escape_sequences_are_removed_before_entities_are_extracted(tmp_path):
    path = write(
        tmp_path,
        "story.txt",
        f"Shares rally\033]0;PWNED Holdings\007 in London\r\n\r\n{STORY}\033[2J\033[H\r\n\r\n"
        "Analysts at \033]2;Evil Corp Inc\033\\Barclays said the move was expected.\n",
    )
    article = read(path).articles[0]
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


def test_ids_start_with_the_folder_given_so_two_folders_cannot_clash(tmp_path):
    for topic in ("tech", "sport"):
        write(tmp_path / "bbc" / topic, "001.txt", f"A {topic} story\n\n{STORY}")
    roots = [tmp_path / "bbc" / "tech", tmp_path / "bbc" / "sport"]
    ids = [read_articles(file, root).articles[0].id for root, file in discover(roots)]
    assert ids == ["tech/001.txt", "sport/001.txt"]
    # a file given alone: its root is its folder
    (root, file), *_ = discover([tmp_path / "bbc" / "tech" / "001.txt"])
    assert read_articles(file, root).articles[0].id == "tech/001.txt"
    # a folder of folders; records of a multi-record file get their number
    write(tmp_path / "bbc" / "feeds", "wire.jsonl", '{"title": "One"}\n{"title": "Two"}\n')
    found = {file.name: read_articles(file, root) for root, file in discover([tmp_path / "bbc"])}
    assert found["001.txt"].articles[0].id in ("bbc/sport/001.txt", "bbc/tech/001.txt")
    assert [a.id for a in found["wire.jsonl"].articles] == [
        "bbc/feeds/wire.jsonl#1",
        "bbc/feeds/wire.jsonl#2",
    ]


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
    assert result.digest == __import__("hashlib").sha256(content).hexdigest()


def test_progress_is_called_after_each_article():
    calls = []
    result = read(DATA / "formats" / "sample.sgm", progress=lambda done, total: calls.append((done, total)))
    assert len(result.articles) == 4
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_reuters_escape_references_are_removed_whole():
    article = read(SAFETY / "escape.sgm").articles[0]
    assert article.headline == "CHIPMAKER NAMES HEAD OF UNIT"
    assert (
        article.body
        == "Gould Inc said it named a president of its Semiconductor Division & its testing unit."
    )
    assert "Br Division" not in article.organizations


# --- regular files only, bounded sizes --------------------------------------------------------------------------


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
    found = [file.name for _, file in discover([folder], problems)]
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
    assert [file.name for _, file in discover([tmp_path / "corpus"], problems)] == ["a.txt"]
    assert problems == [(locked, "cannot read folder: Permission denied")]


def test_files_over_the_size_limit_are_not_read(tmp_path):
    assert MAX_FILE_BYTES == 100_000_000
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.write(b"Huge\n\n")
        handle.truncate(101_000_000)  # sparse: no disk space used
    with pytest.raises(ReadError, match=r"too large \(101 MB; the limit is 100 MB\)"):
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
        f"{tmp_path.name}/feed.jsonl#2: too long for one article (505,003 characters; the limit is 500,000)"
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


def test_a_page_of_links_is_not_an_article():
    with pytest.raises(ReadError, match=r"not an article: .*links"):
        read(SAFETY / "menu.txt")


@needs_corpora
def test_every_bbc_article_and_the_seed_are_still_read():
    folder = CORPORA / "bbc"
    problems = []
    results = [read_articles(file, root) for root, file in discover([folder], problems)]
    assert not problems
    assert sum(len(r.articles) for r in results) == 2225
    assert {r.articles[0].id.split("/")[1] for r in results} == {
        "business",
        "entertainment",
        "politics",
        "sport",
        "tech",
    }
    pound = read_articles(folder / "sport" / "199.txt", folder)  # a latin-1 £
    assert "£" in pound.articles[0].body and pound.notes == ["not UTF-8, read as cp1252"]
    assert read(SEED).articles[0].headline == "Washington turns down Iraqi call to remove troops"


# --- one bad record never loses a file ---------------------------------------------------------------------------


def test_bad_json_lines_are_left_out_with_notes(tmp_path):
    lines = [
        '{"title": "First", "body": "One."}',
        '{"title": broken',
        '{"url": "x"}',
        "",
        "[1]",
        '{"title": "Last"}',
    ]
    result = read(write(tmp_path, "feed.jsonl", "\n".join(lines)))
    assert [a.headline for a in result.articles] == ["First", "Last"]
    assert result.notes == [
        "line 2: invalid JSON: Expecting value",
        "line 3: record has no headline or body",
        "line 5: expected a JSON object, found list",
    ]


def test_bad_items_of_a_json_array_are_left_out(tmp_path):
    items = [{"title": "A"}, 5, {"url": "x"}, {"title": "B"}]
    result = read(write(tmp_path, "items.json", json.dumps(items)))
    assert [a.headline for a in result.articles] == ["A", "B"]
    assert result.notes == [
        "item 2: expected a JSON object, found int",
        "item 3: record has no headline or body",
    ]


def test_many_bad_records_are_summarised(tmp_path):
    result = read(write(tmp_path, "feed.jsonl", "{broken\n" * 10 + '{"title": "Good"}\n'))
    assert len(result.articles) == 1
    assert result.notes == [
        *(f"line {n}: invalid JSON: Expecting property name enclosed in double quotes" for n in (1, 2, 3)),
        "and 7 more records left out",
    ]


def test_a_file_without_a_good_record_is_an_error(tmp_path):
    with pytest.raises(
        ReadError, match=r"no articles found: line 1: invalid JSON.*; line 2: record has no headline"
    ):
        read(write(tmp_path, "bad.jsonl", '{broken\n{"url": "x"}\n'))


def test_a_csv_row_that_cannot_be_parsed_is_left_out(tmp_path):
    rows = [
        "title,body",
        "First,The first story.",
        "Huge," + "x" * 200_000,
        ",",
        "Last,The last story.",
    ]
    result = read(write(tmp_path, "rows.csv", "\n".join(rows) + "\n"))
    assert [a.headline for a in result.articles] == ["First", "Last"]
    assert result.notes == ["line 3: CSV error: field larger than field limit (131072)"]


@needs_corpora
def test_cranfield_as_json_lines_keeps_every_good_record(tmp_path):
    text = (CORPORA / "cranfield" / "cran.all.1400").read_text()
    lines = []
    for record in re.split(r"^\.I ", text, flags=re.MULTILINE)[1:]:
        number, rest = record.split("\n", 1)
        fields = dict(re.findall(r"^\.([TAW])\n(.*?)(?=^\.[A-Z]\n|\Z)", rest, re.MULTILINE | re.DOTALL))
        title, text_ = (" ".join(fields.get(key, "").split()) for key in "TW")
        lines.append(json.dumps({"id": f"cran-{number.strip()}", "title": title, "text": text_}))
    result = read(write(tmp_path, "cran.jsonl", "\n".join(lines)))
    assert len(lines) == 1400 and len(result.articles) == 1398
    assert result.notes == [
        "line 471: record has no headline or body",
        "line 995: record has no headline or body",
    ]
    assert result.articles[0].id == "cran-1"


# --- encodings and binary files --------------------------------------------------------------------------------

ARTICLE = "Talks resume in Geneva\n\nGENEVA (Reuters) - Negotiators met again on Monday, diplomats said. Prices: 5 €.\n"


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_byte_order_marks_are_honoured(tmp_path, bom, encoding):
    path = write(tmp_path, "talks", bom + ARTICLE.encode(encoding))  # no ending: sniffed as text
    assert detect_format(path) == "text"
    result = read(path)
    article = result.articles[0]
    assert article.headline == "Talks resume in Geneva"
    assert article.body == "GENEVA (Reuters) - Negotiators met again on Monday, diplomats said. Prices: 5 €."
    assert article.place == "Geneva" and "Geneva" in article.places
    assert not result.notes


@pytest.mark.parametrize("name", ["random.txt", "x.csv", "data.jsonl"])
def test_binary_files_are_skipped(tmp_path, name):
    data = random.Random(7).randbytes(20_000)
    with pytest.raises(ReadError, match=r"binary file \(it holds NUL bytes\)"):
        read_articles(write(tmp_path, name, data), tmp_path)
    with pytest.raises(ReadError, match=r"binary file \(\d+% control characters\)"):
        read_articles(write(tmp_path, name, data.replace(b"\0", b"")), tmp_path)


# --- CSV/TSV columns --------------------------------------------------------------------------------------------


def test_columns_that_do_not_match_the_rows_are_an_error():
    with pytest.raises(ReadError, match="has 3 columns but --columns names 2"):
        read(DATA / "formats" / "agstyle.csv", columns=["title", "description"])
    with pytest.raises(ReadError, match="has 3 columns but --columns names 4"):
        read(DATA / "formats" / "agstyle.csv", columns=["id", "class", "title", "description"])


def test_a_record_of_nothing_but_escape_sequences_is_left_out(tmp_path):
    lines = [
        json.dumps({"title": "\u001b]0;PWNED\u0007", "body": "\u001b[2J"}),
        json.dumps({"title": "Real"}),
    ]
    result = read(write(tmp_path, "feed.jsonl", "\n".join(lines)))
    assert [a.headline for a in result.articles] == ["Real"]
    assert result.notes == [
        f"{tmp_path.name}/feed.jsonl#1: no headline or text once control characters are removed"
    ]
