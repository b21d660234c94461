"""``newssearch.ingest.readers.encoding``: bytes to text (byte-order marks, UTF-8, detected and Western encodings) and
telling binary files from text."""

import codecs
import random

import pytest

from newssearch.errors import ReadError
from newssearch.ingest.readers import decode, detect_format, read_articles

from .helpers import DATA

FORMATS = DATA / "formats"
ARTICLE = "Talks resume in Geneva\n\nGENEVA (Reuters) - Negotiators met again on Monday, diplomats said. Prices: 5 €.\n"


def test_decode_prefers_utf8_and_never_fails():
    assert decode("naïve café".encode()).encoding == "utf-8"
    assert decode("é".encode()).fallback is False
    assert decode(bytes(range(256))).fallback


def test_latin1_file_is_read_with_a_note(tmp_path):
    (tmp_path / "old.txt").write_bytes("Prices in £\n\nThe pound (£) fell.".encode("latin-1"))
    result = read_articles(tmp_path / "old.txt", tmp_path)
    assert result.articles[0].body == "The pound (£) fell."
    assert result.notes == ["not UTF-8, read as cp1252"]


def test_cp1251_text_is_detected():
    result = read_articles(FORMATS / "russian-cp1251.txt", FORMATS)
    assert result.articles[0].headline == "Новости дня"
    assert result.notes == ["not UTF-8, read as cp1251"]


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
    path = tmp_path / "talks"  # no ending: sniffed as text
    path.write_bytes(bom + ARTICLE.encode(encoding))
    assert detect_format(path) == "text"
    result = read_articles(path, tmp_path)
    article = result.articles[0]
    assert article.headline == "Talks resume in Geneva"
    assert article.body == "GENEVA (Reuters) - Negotiators met again on Monday, diplomats said. Prices: 5 €."
    assert not result.notes


@pytest.mark.parametrize("name", ["random.txt", "x.csv", "data.jsonl"])
def test_binary_files_are_skipped(tmp_path, name):
    data = random.Random(7).randbytes(20_000)
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReadError, match=r"binary file \(\d+% NUL and control bytes\)"):
        read_articles(path, tmp_path)
    path.write_bytes(data.replace(b"\0", b""))
    with pytest.raises(ReadError, match=r"binary file \(\d+% control bytes\)"):
        read_articles(path, tmp_path)
    # C1 controls (0x80-0x9f) count once decoded: latin-1 text full of them is not text either.
    path.write_bytes(bytes(b for b in data if 0x80 <= b < 0xA0 or 0x41 <= b < 0x5B))
    with pytest.raises(ReadError, match=r"binary file \(\d+% control characters\)"):
        read_articles(path, tmp_path)
