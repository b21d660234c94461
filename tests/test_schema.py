"""The Whoosh schema: analyzers, the default fields and their boosts, and scores that ignore update history."""

import pytest

from newssearch import Article, NewsIndex
from newssearch.engine.schema import DEFAULT_FIELDS, build_schema, name_analyzer, text_analyzer


def _tokens(analyzer, text):
    return [t.text for t in analyzer(text)]


def test_text_is_stemmed_accent_folded_and_stop_words_go():
    assert _tokens(text_analyzer(), "The Ministers of Zürich were meeting about prices") == [
        "minist",
        "zurich",
        "meet",
        "price",
    ]


def test_names_keep_every_word_unstemmed():
    assert _tokens(name_analyzer(), "Abdul-Mahdi of the Ministries") == [
        "abdul",
        "mahdi",
        "of",
        "the",
        "ministries",
    ]


def test_default_fields_are_the_boosted_ones_and_exist_in_the_schema():
    schema = build_schema()
    assert all(name in schema.names() for name in DEFAULT_FIELDS)
    assert schema["body"].stored and not schema["body"].indexed  # its words are in "content"


def test_bm25_average_length_comes_from_the_stored_lengths(index_path):
    """Merging segments sums rounded lengths; the scorer's average must not depend on it."""
    with NewsIndex.create(index_path) as index:
        # Lengths of several hundred words: the index stores them rounded to one byte each.
        body = "oil price crude barrel market {} "
        index.add(
            [Article(id=f"a{n}", headline="Oil", body=body.format(n) * (97 + 31 * n)) for n in range(5)]
        )
        first = {h.id: h.score for h in index.search("oil", limit=5).hits}
        index.add([Article(id="a0", headline="Oil", body=body.format(0) * 97)])  # the same again: a merge
        second = {h.id: h.score for h in index.search("oil", limit=5).hits}
    assert first == second


def test_lengths_are_read_in_one_piece_as_the_column_gives_them_one_by_one(index_path):
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

    from newssearch.engine.schema import length_bytes

    with NewsIndex.create(index_path) as index:
        index.add([Article(id=f"a{n}", headline="Oil " * n, body="crude " * (3 * n + 1)) for n in range(6)])
        index.add([Article(id="b", headline="", body="no headline here", people=["Ann Lee"])])
        for reader, _ in index._store.searcher().reader().leaf_readers():
            for field in ("content", "headline", "person_text", "org_text"):
                column = reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
                expected = None if column is None else bytes(column[d] for d in range(reader.doc_count_all()))
                assert length_bytes(reader, field) == expected
                assert expected is None or len(expected) == reader.doc_count_all()


def test_counting_deleted_articles_for_idf_checks_the_search_deadline(index_path, monkeypatch):
    """The idf leaves out deleted articles by walking postings or deletions: that walk stops at the deadline."""
    from whoosh.collectors import TimeLimit

    from newssearch.engine import schema
    from newssearch.engine.schema import _deleted_frequency

    with NewsIndex.create(index_path) as index:
        index.add(
            [Article(id=f"a{n}", headline="Oil", body=f"oil story {n}") for n in range(40)], extract=False
        )
        index.delete([f"a{n}" for n in range(0, 40, 5)])  # 8 of 40: the segment keeps them
        searcher = index._store.searcher()
        assert _deleted_frequency(searcher, "content", "oil") == 8
        assert _deleted_frequency(searcher, "headline", "oil") == 8

        def stop() -> None:
            raise TimeLimit

        monkeypatch.setattr(schema, "tick", stop)
        with pytest.raises(TimeLimit):
            _deleted_frequency(searcher, "content", "oil")
