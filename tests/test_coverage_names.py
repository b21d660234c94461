"""One name per entity: alias files (parsed, applied at index time, kept with the index), surnames merged into
the full name that leads, and the cached arrays of two indexes kept apart."""

from __future__ import annotations

import pytest

from newssearch import Article, NewsIndex
from newssearch.errors import QueryError
from newssearch.extract.aliases import fold, parse, surname_merges

from .test_coverage import STORIES, _story, _values  # noqa: F401  (the fixture's stories)


def test_alias_files_are_read_with_their_kinds():
    aliases = parse(
        "# a comment\nperson: Margaret Thatcher = Thatcher, Mrs  Thatcher\nUnited States = U.S., USA\n"
    )
    assert aliases.canonical("person", "mrs thatcher") == "Margaret Thatcher"
    assert aliases.canonical("org", "Thatcher") == "Thatcher"  # a person's line only
    assert aliases.canonical("place", "usa") == "United States"
    assert aliases.canonical("org", "U.S.") == "United States"  # no kind: every kind
    article = aliases.apply(
        Article(id="a", headline="h", body="b", people=["Thatcher", "Margaret Thatcher"], place="USA")
    )
    assert article.people == ["Margaret Thatcher"] and article.place == "United States"
    for bad, message in [
        ("Thatcher", "line 1"),
        ("thing: A = B", "not a kind"),
        ("A =", "no other name"),
        ("A = ,", "no other name"),
    ]:
        with pytest.raises(QueryError, match=message):
            parse(bad)
    assert fold("  Pérez   de CUÉLLAR ") == "perez de cuellar"


def test_surnames_merge_into_the_full_name_that_clearly_leads():
    names = [
        "reagan",
        "ronald reagan",
        "nancy reagan",
        "smith",
        "john smith",
        "adam smith",
        "president reagan",
    ]
    merged = surname_merges(names, [300, 40, 5, 9, 4, 3, 2])
    as_names = {names[k]: names[v] for k, v in merged.items()}
    assert as_names == {
        "reagan": "ronald reagan",
        "president reagan": "ronald reagan",
    }  # smith: no clear lead


def test_aliases_given_at_index_time_name_the_entities(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Thatcher visits Paris\n\nLONDON (Reuters) - Prime Minister Margaret Thatcher flew to Paris on Monday.\n"
    )
    (corpus / "b.txt").write_text(
        "Iron Lady speaks\n\nLONDON (Reuters) - Margaret Thatcher spoke in the Commons on Tuesday.\n"
    )
    aliases = tmp_path / "aliases.txt"
    aliases.write_text("person: The Iron Lady = Margaret Thatcher, Thatcher\n")
    report = NewsIndex.rebuild(tmp_path / "index", [corpus], aliases=aliases)
    assert report.added == 2
    with NewsIndex.open(tmp_path / "index") as index:
        assert ("The Iron Lady", 2) in _values(index.top("people", ""))
        assert (
            index.top("places", "", person="Margaret Thatcher").total == 2
        )  # the typed name, through the aliases
        index.add([Article(id="c", headline="h", body="b", people=["Thatcher"])], extract=False)
        assert ("The Iron Lady", 3) in _values(index.top("people", ""))
        report = index.update([corpus])  # no aliases given: the index's stay
        assert ("The Iron Lady", 3) in _values(index.top("people", ""))
        empty = tmp_path / "none.txt"
        empty.write_text("")
        report = index.update([corpus], aliases=empty)  # removed: every story read again
        assert any("read again" in note for _, note in report.notes)
        assert ("Margaret Thatcher", 2) in _values(index.top("people", ""))
    bad = tmp_path / "bad.txt"
    bad.write_text("person: A = B\nnonsense\n")
    with pytest.raises(QueryError, match="line 2"):
        NewsIndex.rebuild(tmp_path / "index", [corpus], aliases=bad)


def test_a_surname_no_full_name_leads_keeps_them_all(tmp_path):
    stories = [
        _story(n, "2021-01-04", "Oil talks.", [name])
        for n, name in enumerate(["David Jones"] * 3 + ["Ed Jones"] * 2)
    ]
    with NewsIndex.create(tmp_path / "index") as index:
        index.add(stories, extract=False)
        assert index.count("oil", person="Jones") == 5  # 3 is not twice 2: either may be meant
        assert index.count("oil", person="David Jones") == 3


def test_alias_files_are_bounded():
    with pytest.raises(QueryError, match="one '='"):
        parse("A = B = C")
    with pytest.raises(QueryError, match="more than"):
        parse("A = " + ",".join(f"n{i}" for i in range(100_001)))


def test_two_indexes_never_share_cached_arrays(tmp_path):
    import random

    people = {}
    for name, person in (("a", "Alice Adams"), ("b", "Bob Brown")):
        random.seed(42)  # Whoosh names segments from the global generator: both get the same segment name
        with NewsIndex.create(tmp_path / name) as index:
            index.add([_story(1, "2021-01-04", "Oil news.", [person])], extract=False)
            people[name] = _values(index.top("people", "oil"))
    assert people == {"a": [("Alice Adams", 1)], "b": [("Bob Brown", 1)]}
