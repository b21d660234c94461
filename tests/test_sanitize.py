"""``newssearch.text.sanitize``: text that is safe to index and to print."""

import itertools
import os
import time
from pathlib import Path

import pytest

from newssearch.models import Article
from newssearch.text.sanitize import clean_article, clean_text, path_text, terminal_safe


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


def test_clean_article_cleans_every_field_of_a_copy():
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
    cleaned = clean_article(article)
    assert cleaned is not article and article.headline == "Markets\033]0;PWNED\007 rally\nagain"
    assert cleaned.id == "feed.jsonl#1"
    assert cleaned.headline == "Markets rally again"
    assert cleaned.body == "First\nparagraph.\n\nSecond\tparagraph."
    assert (cleaned.source, cleaned.place, cleaned.url, cleaned.author) == (
        "Reuters",
        "London",
        "https://example.com/a",
        "Jane Doe",
    )
    assert (cleaned.people, cleaned.organizations, cleaned.places) == (["Mike Pompeo"], ["NATO"], ["Baghdad"])
    assert cleaned.metadata == {"topics": ["grain", "wheat"]}


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


def test_path_text_gives_each_path_its_own_text():
    """Issue 17: files named b"x\\xff.txt" and "x\\\\xff.txt" (a literal backslash) got the same key, so each run
    kept 2 of 3 stories. Every distinct name now has a text of its own (all names of up to 6 bytes from an
    alphabet of backslashes, "x", hex digits and bytes that are not UTF-8), and any name without a backslash
    before "xNN", another backslash or such a byte is its text unchanged, as before (index keys stay valid)."""
    assert path_text(os.fsdecode(b"x\xff.txt")) == "x\\xff.txt"
    assert path_text("x\\xff.txt") == "x\\\\xff.txt"
    for same in ("/corpus/a b.txt", "C:\\corpus\\story.txt", "dir\\", "café\\é.txt"):
        assert path_text(same) == same
    alphabet = [b"a", b"x", b"f", b"\\", b"\xff", b"\xc3", b"\xa9"]
    texts: dict[str, bytes] = {}
    for length in range(1, 7):
        for parts in itertools.product(alphabet, repeat=length):
            name = b"".join(parts)
            text = path_text(os.fsdecode(name))
            assert texts.setdefault(text, name) == name, (texts[text], name)
            assert text.encode("utf-8")
