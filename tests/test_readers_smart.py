"""``newssearch.ingest.readers.smart``: SMART test collections (Cranfield, CISI)."""

import re

from newssearch.ingest.readers import detect_format, read_articles
from newssearch.ingest.readers.smart import smart_records

from .helpers import CORPORA, DATA, needs_corpora

FORMATS = DATA / "formats"


def read(name):
    return read_articles(FORMATS / name, FORMATS)


def test_smart_collection():
    assert detect_format(FORMATS / "papers.all") == "smart"
    result = read("papers.all")
    assert [a.id for a in result.articles] == ["formats/papers.all#1", "formats/papers.all#3"]
    first = result.articles[0]
    assert first.headline == "boundary layer transition on a flat plate ."
    assert first.body == (
        "boundary layer transition on a flat plate . measurements of transition in the boundary layer of a flat "
        "plate at low speeds are reported ."
    )
    assert first.author == "smith,j."
    assert result.notes == ["line 12 (.I 2): no title or text"]


def test_fields_can_repeat_or_come_in_any_order():
    by_id = {a.id.rpartition("#")[2]: a for a in read("repeats.all").articles}
    assert list(by_id) == ["240", "578", "52", "7"]
    # Cranfield 240: stray ".A" and ".B" lines inside .W are dropped; their text stays in the body
    stray = by_id["240"]
    assert stray.author == "dean r. chapman"
    assert stray.body == (
        "a theoretical analysis of heat transfer in regions of separated flow . the flow field analyzed consists "
        "of a thin, constant pressure viscous mixing layer separated from a solid surface by an enclosed region "
        "of low-velocity air (/dead air/) . application to turbulent separations is made for a prandtl number "
        "of unity in low-speed flow without injection . all calculations are for the case of zero "
        "boundary-layer thickness at the position of separation ."
    )
    # Cranfield 578: two .W fields in a row: both are the text
    assert by_id["578"].body == (
        "dissociation scaling for nonequilibrium blunt nose flows . "
        "compressor operation with one or more blade rows stalled ."
    )
    # CISI: one .A per author
    assert by_id["52"].author == "Schultz, Claire K.; Schultz, Wallace L.; Orr, Richard H."
    assert (
        by_id["52"].headline
        == "Comparative Indexing: Terms Supplied by Biomedical Authors and by Document Titles"
    )
    assert by_id["52"].body.endswith('whether author indexing is "good"..')
    # .W before .T
    assert (by_id["7"].headline, by_id["7"].body) == (
        "fields in any order",
        "the text comes before the title: fields come in any order .",
    )


def test_smart_records_read_query_files_too():
    records = list(smart_records(".I 001\n.W\nwhat is\n  transition ?\n.I 004\n.W\n.I 009\n.W\nlift .\n"))
    assert [(r.id, r.line, r.text("W")) for r in records] == [
        ("001", 1, "what is transition ?"),
        ("004", 5, ""),
        ("009", 7, "lift ."),
    ]
    assert records[0].text("T") == ""


def test_smart_queries_and_judgments_are_not_articles(tmp_path):
    (tmp_path / "queries.qry").write_text(".I 001\n.W\nwhat is transition ?\n")
    (tmp_path / "qrels").write_text("1 184 2\n1 29 2\n")
    assert detect_format(tmp_path / "queries.qry") is None
    assert detect_format(tmp_path / "qrels") is None


@needs_corpora
def test_real_cranfield_keeps_every_line_of_text():
    path = CORPORA / "cranfield" / "cran.all.1400"
    result = read_articles(path, path.parent)
    assert len(result.articles) == 1398
    assert result.notes == ["line 13470 (.I 471): no title or text", "line 27712 (.I 995): no title or text"]
    bodies = {a.id.rpartition("#")[2]: a.body for a in result.articles}
    # Every Cranfield record has its .W last: its text is every line after the first .W but markers.
    for record in re.split(r"^\.I ", path.read_text(), flags=re.MULTILINE)[1:]:
        number, rest = record.split("\n", 1)
        after = rest.split("\n.W\n", 1)[1]
        words = [w for line in after.splitlines() if not re.fullmatch(r"\.[A-Z]", line) for w in line.split()]
        if words:
            assert bodies[number.strip()] == " ".join(words), number
    record = next(a for a in result.articles if a.id.endswith("#240"))
    assert len(record.body) == 1471 and record.author == "dean r. chapman"
    assert max(len(a.author or "") for a in result.articles) < 150  # no text in an author field


@needs_corpora
def test_real_cisi_keeps_every_author():
    path = CORPORA / "cisi" / "CISI.ALL"
    result = read_articles(path, path.parent)
    assert len(result.articles) == 1460 and not result.notes
    assert sum("; " in (a.author or "") for a in result.articles) == 109  # records with several .A fields
    record = next(a for a in result.articles if a.id.endswith("#207"))
    assert (
        record.author
        == "Orr, Richard H.; Pings, Vern M.; Pizer, Irwin H.; Olson, Edwin E.; Spencer, Carol C."
    )
