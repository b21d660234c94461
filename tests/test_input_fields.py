"""News records as people have them (HuffPost-style JSON Lines in a ``.json`` file, leads in ``short_description``,
bylines and categories, fields of other names): read, noted and indexed. Searching them: ``test_fields.py``."""

import json

import pytest

from newssearch.errors import ReadError
from newssearch.ingest.readers import read_articles

from .helpers import invoke as run

# -- reading ---------------------------------------------------------------------------------------------------


def test_json_lines_in_a_json_file_are_read_as_json_lines(huffpost):
    result = read_articles(huffpost / "stories.json", huffpost)
    assert len(result.articles) == 5
    assert "read as JSON Lines (one record a line)" in result.notes
    first = result.articles[0]
    assert first.headline == "Harbour Council Votes To Close Old Ferry Pier"
    assert (first.author, first.section) == ("Mary Papenfuss", "POLITICS")
    assert first.url == "https://www.example.com/entry/harbour-council-vote_n_1001"


def test_a_jsonl_file_holding_one_json_document_is_read(tmp_path):
    records = [
        {"title": "Dam Opens", "text": "The new dam opened."},
        {"title": "Dam Closes", "text": "It shut."},
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps(records, indent=2), encoding="utf-8")
    result = read_articles(path, tmp_path)
    assert [a.headline for a in result.articles] == ["Dam Opens", "Dam Closes"]
    assert "read as one JSON document, not JSON Lines" in result.notes


def test_json_lines_with_a_broken_first_line_are_read_as_json_lines(tmp_path):
    path = tmp_path / "feed.json"
    path.write_text('{"headline": "Cut off\n{"headline": "Whole", "text": "It is."}\n', encoding="utf-8")
    result = read_articles(path, tmp_path)
    assert [a.headline for a in result.articles] == ["Whole"]
    assert result.notes[0] == "read as JSON Lines (one record a line)" and result.notes[-1].startswith(
        "line 1:"
    )


def test_a_json_file_that_is_neither_is_still_refused(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('[{"title": "A"},\n{"title": "B"}\n', encoding="utf-8")  # an array cut short
    with pytest.raises(ReadError, match="invalid JSON"):
        read_articles(path, tmp_path)


def test_a_lead_is_the_body_or_its_first_paragraph(huffpost):
    pier, *_, chess, fares = read_articles(huffpost / "stories.json", huffpost).articles
    assert pier.body == "The vote ends a decade of arguments over the crumbling pier at Eastwick."
    assert chess.body == ""
    lead = "Commuters will pay a fifth more from next month."
    assert fares.body.startswith(f"{lead}\n\nThe harbour ferry company said on Monday")
    assert fares.body.count(lead) == 1


def test_a_lead_that_opens_the_text_is_not_repeated(tmp_path):
    record = {"title": "Ferry", "summary": "Fares rise.", "content": "Fares rise.\n\nA pass costs more."}
    path = tmp_path / "one.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    assert read_articles(path, tmp_path).articles[0].body == "Fares rise.\n\nA pass costs more."


def test_fields_used_and_records_without_text_are_one_note_per_file(huffpost):
    notes = read_articles(huffpost / "stories.json", huffpost).notes
    [note] = [n for n in notes if n.startswith("read ") and "JSON Lines" not in n]
    assert "body from short_description or content" in note and "lead from short_description" in note
    assert "section from category" in note
    assert "author from authors" in note
    assert "1 record has a headline but no text (line 4)" in note


def test_unknown_fields_are_kept_as_metadata_and_noted(huffpost):
    result = read_articles(huffpost / "odd-fields.json", huffpost)
    keeper, library = result.articles
    assert keeper.body == ""  # its text is in a field newssearch does not know
    assert keeper.metadata["story_body"][0].startswith("The keeper of the Gull Point light")
    assert keeper.metadata["tags"] == ["coast", "people"]
    assert library.body == "The central library will stay open until nine on weekdays."
    assert library.metadata["abstract"] == ["A shorter note."]  # a second lead is kept, not lost
    [note] = [n for n in result.notes if "metadata" in n]
    assert "kept as metadata: story_body, tags, abstract" in note
    assert "1 record has a headline but no text (line 1)" in note


def test_csv_reads_the_same_field_names(huffpost):
    result = read_articles(huffpost / "stories.csv", huffpost)
    bakery, tram = result.articles
    assert bakery.body == "A small bakery in Hollin took the top prize at the county show."
    assert (bakery.section, bakery.author) == ("FOOD & DRINK", "Ruth Amsel")
    assert bakery.metadata == {"kicker": ["Taste test"]}
    assert tram.metadata == {}
    assert any("body from short_description" in note for note in result.notes)


def test_well_named_records_get_no_field_note(tmp_path):
    path = tmp_path / "plain.json"
    path.write_text(
        json.dumps([{"title": "A", "body": "a b"}, {"title": "B", "body": "c d"}]), encoding="utf-8"
    )
    assert read_articles(path, tmp_path).notes == []


# -- indexing ----------------------------------------------------------------------------------------------------


def test_a_refused_first_build_leaves_no_index_behind(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('[{"title": "A"},\n{"title": "B"}\n', encoding="utf-8")
    result = run("index", bad, "--index", tmp_path / "index")
    assert result.exit_code == 1 and "no file could be indexed" in result.stderr
    assert not (tmp_path / "index").exists()
    (tmp_path / "kept").mkdir()  # a huffpost that was there before stays, empty
    assert run("index", bad, "--index", tmp_path / "kept").exit_code == 1
    assert (tmp_path / "kept").is_dir() and not list((tmp_path / "kept").iterdir())


def test_the_cli_indexes_json_lines_in_a_json_file(huffpost, tmp_path):
    result = run("index", huffpost / "stories.json", "--index", tmp_path / "ix")
    assert result.exit_code == 0, result.output
    assert "5 added" in result.stdout
    assert "read as JSON Lines" in result.stderr


def test_text_nested_in_an_object_is_kept_as_metadata(tmp_path):
    record = {"headline": "Second Odd Story", "payload": {"text": "Nested text about Ford.", "words": 4}}
    (tmp_path / "o.json").write_text(json.dumps(record))
    result = read_articles(tmp_path / "o.json", tmp_path)
    [article] = result.articles
    assert article.metadata["payload"] == ["Nested text about Ford., 4"]
    assert any("kept as metadata: payload" in note for note in result.notes)


def test_a_deeply_nested_value_costs_no_record(tmp_path):
    deep: list = []
    for _ in range(600):  # json reads it; reading it as text must not recurse past Python's limit
        deep = [deep]
    records = [{"headline": "Deep", "body": "Text.", "x": deep}, {"headline": "Fine", "body": "Ok."}]
    (tmp_path / "deep.jsonl").write_text("\n".join(json.dumps(r) for r in records))
    result = read_articles(tmp_path / "deep.jsonl", tmp_path)
    assert [a.headline for a in result.articles] == ["Deep", "Fine"]
