"""Values given to the API are checked where they come in: one text where a list belongs is one item, an
``Article`` is checked when made (dates as text or ``date``, ids, topics), and a search's options are checked
before anything runs, each refusal one clear line."""

import shutil
from datetime import date, datetime, timezone

import pytest

from newssearch import Article, NewsIndex, QueryError, ReadError

from .helpers import DATA


@pytest.fixture
def index(corpus, index_path):
    with NewsIndex.create(index_path) as ix:
        ix.update([corpus])
        yield ix


# -- one text where a list belongs is one item ------------------------------------------------------------------


def test_delete_takes_one_id_as_text(index):
    assert index.get("corpus/storm.txt") is not None
    assert index.delete("corpus/storm.txt") == 1
    assert index.get("corpus/storm.txt") is None


def test_update_and_rebuild_take_one_path_as_text_or_path(tmp_path, corpus):
    files = len(list(corpus.iterdir()))
    with NewsIndex.create(tmp_path / "a") as ix:
        report = ix.update(str(corpus))
        assert report.files_read == files and report.skipped == []
    report = NewsIndex.rebuild(tmp_path / "b", str(corpus))
    assert report.files_read == files
    with NewsIndex.create(tmp_path / "c") as ix:
        assert ix.update(corpus).files_read == files  # a pathlib.Path alone


def test_an_empty_path_is_refused_not_read_as_the_current_folder(index, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # it holds the index: read as articles, the index would be read into itself
    before = len(index)
    for given in ("", [""]):
        with pytest.raises(ReadError, match="an empty path names no file or folder"):
            index.update(given)
    assert len(index) == before


def test_columns_take_one_name_as_text(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "notes.csv").write_text(
        "Crude oil prices rose on Monday as traders bet on lower OPEC output\n"
        "Wheat futures fell in Chicago as rain eased worries over the harvest\n"
    )
    with NewsIndex.create(tmp_path / "index") as ix:
        report = ix.update([folder], columns="body")
        assert report.added == 2 and report.skipped == []
        assert ix.count("wheat") == 1


def test_paths_and_ids_of_the_wrong_type_are_refused(index):
    with pytest.raises(TypeError, match="paths must be a path or a list of paths, not int"):
        index.update(42)
    with pytest.raises(TypeError, match="ids must be text or a list of texts, not a list holding int"):
        index.delete([1, 2])
    with pytest.raises(TypeError, match="columns must be text or a list of texts"):
        index.update([], columns=3)


def test_list_fields_of_an_article_take_one_name_as_one_item():
    article = Article(id="a", people="Tony Blair", organizations=("NATO",), places="Iraq", topics="war")
    assert article.people == ["Tony Blair"] and article.organizations == ["NATO"]
    assert article.places == ["Iraq"] and article.topics == ["war"]
    assert Article(id="b", metadata={"desk": "Foreign"}).metadata == {"desk": ["Foreign"]}


def test_add_takes_one_article_and_refuses_what_is_not_one(index_path):
    with NewsIndex.create(index_path) as ix:
        assert ix.add(Article(id="one", headline="Storm closes ports", body="Ports closed.")) == 1
        with pytest.raises(TypeError, match="add\\(\\) takes Article objects, not dict"):
            ix.add([{"id": "two", "body": "text"}])
        assert len(ix) == 1


# -- Article checked when made ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored", "precision"),
    [
        ("2020-03-14T10:30:00+02:00", datetime(2020, 3, 14, 8, 30, tzinfo=timezone.utc), "time"),
        ("2020-03-14", datetime(2020, 3, 14, tzinfo=timezone.utc), "day"),
        ("2020-03", datetime(2020, 3, 1, tzinfo=timezone.utc), "month"),
        ("2020", datetime(2020, 1, 1, tzinfo=timezone.utc), "year"),
        ("March 14, 2020 10:30 EST", datetime(2020, 3, 14, 15, 30, tzinfo=timezone.utc), "time"),
        (date(2020, 3, 14), datetime(2020, 3, 14, tzinfo=timezone.utc), "day"),
        (datetime(2020, 3, 14, 10, 30), datetime(2020, 3, 14, 10, 30, tzinfo=timezone.utc), "time"),
    ],
)
def test_a_date_as_text_or_date_is_added_and_found(index_path, given, stored, precision):
    with NewsIndex.create(index_path) as ix:
        ix.add([Article(id="opec", headline="OPEC cuts output", body="OPEC cut output.", date=given)])
        back = ix.get("opec")
        assert back is not None and back.date == stored and back.date_precision == precision
        assert ix.count("opec", since=stored.date(), until=stored.date()) == 1


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"date": "yesterday"}, ValueError, "Article.date: not a date: 'yesterday' is relative"),
        ({"date": "01/03/1987"}, ValueError, "Article.date: .*day first or month first"),
        ({"date": 20200314}, TypeError, "Article.date must be a datetime, a date or text"),
        ({"id": ""}, ValueError, "Article.id must not be empty"),
        ({"id": "   "}, ValueError, "Article.id must not be empty"),
        ({"id": 7}, TypeError, "Article.id must be text, not int"),
        ({"headline": None}, TypeError, "Article.headline must be text, not NoneType"),
        ({"source": 3}, TypeError, "Article.source must be text or None, not int"),
        ({"people": ["Ann Lee", None]}, TypeError, "Article.people must be text or a list of texts"),
        ({"metadata": ["topics"]}, TypeError, "Article.metadata must be a dict"),
        ({"date_precision": "week"}, ValueError, "Article.date_precision must be one of"),
    ],
)
def test_an_article_that_cannot_be_indexed_is_refused_when_made(fields, error, message):
    with pytest.raises(error, match=message):
        Article(**{"id": "x", "body": "Oil rose.", **fields})


def test_an_id_left_empty_by_cleaning_is_refused_by_add(index_path):
    with NewsIndex.create(index_path) as ix, pytest.raises(ValueError, match=r"Article.id must not be empty"):
        ix.add([Article(id="\x07", body="Oil rose.")])


# -- topics and topic ---------------------------------------------------------------------------------------------


def test_topics_given_as_a_field_or_in_metadata_are_searched(index_path):
    with NewsIndex.create(index_path) as ix:
        ix.add(
            [
                Article(id="a", headline="OPEC cuts output", body="OPEC cut output.", topics=["crude"]),
                Article(id="b", headline="Wheat falls", body="Wheat fell.", metadata={"topic": ["grain"]}),
                Article(
                    id="c", headline="Banks lend more", body="Banks lent.", metadata={"Topics": ["money-fx"]}
                ),
            ]
        )
        assert ix.matches("topic:crude").ids == ["a"]
        assert ix.matches("topic:grain").ids == ["b"]
        assert ix.matches("topics:money-fx").ids == ["c"]
        back = ix.get("a")
        assert back is not None and back.topics == ["crude"]  # an article comes back as it went in
        assert ix.get("b") == Article(
            id="b", headline="Wheat falls", body="Wheat fell.", metadata={"topic": ["grain"]}
        )


def test_a_json_record_s_topic_and_topics_keys_are_searched(tmp_path):
    folder = tmp_path / "topics"
    shutil.copytree(DATA / "topics", folder)
    with NewsIndex.create(tmp_path / "index") as ix:
        ix.update([folder])
        assert ix.matches("topic:crude").ids == ["desk-1"]  # "topic": "crude"
        assert (
            ix.matches("topic:wheat").ids == ix.matches("topic:grain").ids == ["desk-2"]
        )  # "Topics": "grain, wheat"


# -- a search's options ------------------------------------------------------------------------------------------

READS = {
    "search": lambda ix, **kw: ix.search("oil", **kw),
    "count": lambda ix, **kw: ix.count("oil", **kw),
    "iter_search": lambda ix, **kw: ix.iter_search("oil", **kw),
    "matches": lambda ix, **kw: ix.matches("oil", **kw),
}


@pytest.mark.parametrize(
    ("method", "options", "message"),
    [
        ("search", {"exact": "false"}, "exact must be True or False, not str"),
        ("search", {"syntax": "no"}, "syntax must be True or False"),
        ("search", {"kwic": 1}, "kwic must be True or False, not int"),
        ("search", {"explain": None}, "explain must be True or False"),
        ("search", {"snippets": "yes"}, "snippets must be True or False"),
        ("search", {"all_versions": 0}, "all_versions must be True or False"),
        ("search", {"limit": True}, "limit must be a whole number from 1 to 1000"),
        ("search", {"page": True}, "page must be a whole number"),
        ("search", {"recent": True}, "recent must be a half-life in days"),
        ("count", {"all_versions": "no"}, "all_versions must be True or False"),
        ("count", {"syntax": 1}, "syntax must be True or False"),
        ("iter_search", {"kwic": "no"}, "kwic must be True or False"),
        ("iter_search", {"exact": "true"}, "exact must be True or False"),
        ("matches", {"syntax": None}, "syntax must be True or False"),
    ],
)
def test_an_option_of_the_wrong_type_is_a_query_error(index, method, options, message):
    with pytest.raises(QueryError, match=message):
        READS[method](index, **options)


def test_rebuild_and_extract_must_be_true_or_false(index, corpus):
    before = len(index)
    with pytest.raises(TypeError, match="rebuild must be True or False, not str"):
        index.update([corpus], rebuild="no")
    with pytest.raises(TypeError, match="extract must be True or False, not str"):
        index.add([Article(id="x", body="Oil rose.")], extract="no")
    assert len(index) == before


def test_a_record_whose_id_is_only_control_characters_is_left_out_not_its_file(tmp_path):
    folder = tmp_path / "wires"
    folder.mkdir()
    (folder / "wires.jsonl").write_text(
        '{"id": "\\u0007", "title": "Oil rises", "text": "Crude oil rose on Monday."}\n'
        '{"id": "wheat-1", "title": "Wheat falls", "text": "Wheat fell in Chicago."}\n'
    )
    with NewsIndex.create(tmp_path / "index") as ix:
        report = ix.update([folder])
        assert ix.matches("oil OR wheat").ids == ["wheat-1"] and report.skipped == []
        assert [note for _, note in report.notes] == ["id '\\x07': empty once control characters are removed"]
