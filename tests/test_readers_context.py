"""``newssearch.ingest.readers.context``: the notes a reader leaves on the records it leaves out."""

from newssearch.ingest.readers import ReadContext, read_articles


def test_many_bad_records_are_summarised(tmp_path):
    (tmp_path / "feed.jsonl").write_text("{broken\n" * 10 + '{"title": "Good"}\n')
    result = read_articles(tmp_path / "feed.jsonl", tmp_path)
    assert len(result.articles) == 1
    assert result.notes == [
        "read headline from title; 1 record has a headline but no text (line 11)",
        *(f"line {n}: invalid JSON: Expecting property name enclosed in double quotes" for n in (1, 2, 3)),
        "and 7 more records left out",
    ]


def test_long_notes_are_cut():
    ctx = ReadContext(rel="x")
    ctx.leave_out("line 1", "y" * 500)
    ctx.leave_out("line 2", "short")
    (long, short) = ctx.left_out_notes()
    assert len(long) == 200 and long.startswith("line 1: yyy") and long.endswith("…")
    assert short == "line 2: short"
