"""The limits ``newssearch.engine.bounds`` puts on what a query may cost, through ``query.prepare``: bounded wildcard,
fuzzy and range expansions, and long ORs cut to their rarest words, with a note or a one-line QueryError."""

import re

import pytest
from whoosh import query as wq
from whoosh.support.levenshtein import damerau_levenshtein

from newssearch.engine import bounds
from newssearch.engine import query as query_mod
from newssearch.engine.matchers import Expanded, FastOr
from newssearch.engine.query import make_parser, parse, prepare

from .helpers import SEED, found, refused, sample_searcher
from .helpers import run_query as run

SEED_NAME = SEED.name


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    with sample_searcher(tmp_path_factory.mktemp("limits")) as s:
        yield s


def expanded(q) -> list[Expanded]:
    return [leaf for leaf in q.leaves() if isinstance(leaf, Expanded)]


# --- wildcards and prefixes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["a*", "?*?", "*ing", "*", "x?", "a*b", "headline:*", "person:P*", "Iraq ?raq"]
)
def test_wildcards_without_enough_letters_are_refused(searcher, text):
    message = refused(searcher, text)
    assert f"at least {bounds.MIN_WILDCARD_PREFIX} letters before the first * or ?" in message
    assert "type more of the word" in message


def test_refusal_quotes_the_wildcard_as_typed(searcher):
    assert "“a*”" in refused(searcher, "Iraq a*")
    assert "“*ing”" in refused(searcher, "*ing")


def test_wildcard_with_a_prefix_expands_and_finds(searcher):
    prepared, results = run(searcher, "Soleim*")
    assert SEED_NAME in found(results) and prepared.notes == []
    words = {w for e in expanded(prepared.query) for w in e.btexts}
    assert b"soleimani" in words
    assert all(w.startswith(b"soleim") for w in words)
    _, results = run(searcher, "Soleiman?")
    assert SEED_NAME in found(results)


def test_wildcard_expansion_keeps_the_most_common_words(searcher, monkeypatch):
    monkeypatch.setattr(bounds, "MAX_EXPANSIONS", 3)
    reader = searcher.reader()
    everything = sorted(reader.doc_frequency("content", w) for w in reader.expand_prefix("content", "st"))
    assert len(everything) > 3
    prepared, results = run(searcher, "text:st*")
    (only,) = expanded(prepared.query)
    assert len(only.btexts) == 3
    assert sorted(reader.doc_frequency("content", w) for w in only.btexts) == everything[-3:]
    assert prepared.notes == [f"“st*” matches {len(everything):,} words: searched the 3 most common"]
    assert len(results) > 0


def test_wildcard_expansion_is_bounded_by_documents_too(searcher, monkeypatch):
    monkeypatch.setattr(bounds, "MAX_EXPANSION_POSTINGS", 3)
    prepared, _ = run(searcher, "text:re*")
    (only,) = expanded(prepared.query)
    frequencies = [searcher.reader().doc_frequency("content", w) for w in only.btexts]
    assert frequencies == [5]  # "reuter": at least one word, even when it alone is over the limit
    assert "searched the 1 most common" in prepared.notes[0]
    monkeypatch.setattr(bounds, "MAX_EXPANSION_POSTINGS", 7)
    prepared, _ = run(searcher, "text:re*")
    (only,) = expanded(prepared.query)
    assert (
        len(only.btexts) > 1 and sum(searcher.reader().doc_frequency("content", w) for w in only.btexts) <= 7
    )


def test_too_many_documents_for_all_wildcards_together_is_refused(searcher, monkeypatch):
    monkeypatch.setattr(bounds, "MAX_EXPANDED_POSTINGS", 5)
    assert "too many common words" in refused(searcher, "st* pr* co*")


def test_too_many_words_to_look_through_is_refused(searcher, monkeypatch):
    monkeypatch.setattr(bounds, "MAX_SCANNED_TERMS", 10)
    assert "too many words to look through" in refused(searcher, "text:[a TO z]")


def test_wildcard_mixed_with_words_and_exclusions(searcher):
    _, results = run(searcher, "Soleim* -Bolsonaro")
    assert SEED_NAME in found(results)
    _, results = run(searcher, "+Soleim* Kerbala")
    assert found(results) == {SEED_NAME}
    _, results = run(searcher, "Iraq NOT Soleim*")
    assert SEED_NAME not in found(results)
    # counting matches (a boolean search, no scores) sees the same documents
    prepared = prepare(searcher.schema, "Soleim* OR Bolsonar?", searcher.reader())
    assert len(list(searcher.docs_for_query(prepared.query))) == len(
        searcher.search(prepared.query, limit=None)
    )


# --- fuzzy terms ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "searched"), [("oil~3", "oil~2"), ("Economy~9", "Economy~2")])
def test_fuzzy_edits_are_capped_with_a_note(searcher, text, searched):
    prepared, _ = run(searcher, text)
    edits = bounds.MAX_FUZZY_EDITS
    assert prepared.notes[0] == f"“{text}”: at most {edits} edits are allowed; searched {searched}"
    base = text.split("~")[0].lower()
    for e in expanded(prepared.query):
        if e.fieldname in ("person_text", "org_text", "place_text"):  # unstemmed: the word as typed
            assert all(damerau_levenshtein(w.decode(), base, edits + 1) <= edits for w in e.btexts)


def test_fuzzy_words_stay_within_the_edits(searcher):
    prepared, _ = run(searcher, "person:Pompeo~2")
    (only,) = expanded(prepared.query)
    assert only.btexts and all(damerau_levenshtein(w.decode(), "pompeo", 2) <= 2 for w in only.btexts)


def test_fuzzy_prefix_longer_than_the_word_does_not_crash(searcher):
    prepared, results = run(searcher, "oil~1/4")
    assert {b"oil"} <= {w for e in expanded(prepared.query) for w in e.btexts}
    assert "oil_prices.txt" in found(results)


@pytest.mark.parametrize(
    "text", ["Bolsonaro~2/1", "Bolsonaro~2/3", "Bolsonaro~/2", "Bolsonara~", "Bolsonaro~2"]
)
def test_fuzzy_syntax_with_a_prefix_length_still_works(searcher, text):
    _, results = run(searcher, text)
    assert "election.txt" in found(results)


def test_fuzzy_prefix_is_at_least_the_minimum(searcher):
    # The first letter must match: "Xolsonaro" is one edit from "bolsonaro", but starts with another letter.
    _, results = run(searcher, "Xolsonaro~")
    assert "election.txt" not in found(results)


def test_fuzzy_expansion_keeps_the_closest_words(searcher, monkeypatch):
    monkeypatch.setattr(bounds, "MAX_EXPANSIONS", 1)
    prepared, _ = run(searcher, "text:oil~2")
    (only,) = expanded(prepared.query)
    assert only.btexts == (b"oil",)
    assert "searched the 1 closest" in prepared.notes[0]


# --- ranges -----------------------------------------------------------------------------------------------------


def test_ranges_on_text_fields_are_bounded(searcher, monkeypatch):
    monkeypatch.setattr(bounds, "MAX_EXPANSIONS", 5)
    prepared, results = run(searcher, "text:{growth TO}")
    (only,) = expanded(prepared.query)
    assert len(only.btexts) == 5 and all(w > b"growth" for w in only.btexts)
    assert (
        prepared.notes[0].startswith("“{growth TO}” matches ")
        and "searched the 5 most common" in prepared.notes[0]
    )
    assert len(results) > 0


def test_range_bounds_are_respected(searcher):
    prepared, _ = run(searcher, "text:[iraq TO iraqi]")
    (only,) = expanded(prepared.query)
    assert set(only.btexts) <= {b"iraq", b"iraqi"} and b"iraq" in only.btexts
    prepared, _ = run(searcher, "text:{iraq TO iraqi}")
    assert b"iraq" not in {w for e in expanded(prepared.query) for w in e.btexts}


# --- long queries -----------------------------------------------------------------------------------------------


def test_long_or_query_keeps_its_rarest_words(searcher, monkeypatch):
    monkeypatch.setattr(bounds, "MAX_OR_WORDS", 4)
    text = "said also would Kerbala Soleimani police storm election price"
    prepared, results = run(searcher, text)
    assert prepared.notes == ["long query: searched the 4 rarest of its 9 words"]
    reader = searcher.reader()
    words = {leaf.text for leaf in parse(make_parser(searcher.schema), text).leaves()}
    kept = {leaf.text for leaf in prepared.query.leaves() if leaf.field() == "content"}
    dropped = {w for w in words if reader.doc_frequency("content", w)} - kept
    assert len(kept) == 4 and {"kerbala", "soleimani"} <= kept and dropped
    assert max(reader.doc_frequency("content", w) for w in kept) <= min(
        reader.doc_frequency("content", w) for w in dropped
    )
    assert SEED_NAME in found(results)


def test_long_or_query_reads_a_bounded_number_of_documents(searcher, monkeypatch):
    monkeypatch.setattr(bounds, "MAX_OR_POSTINGS", 3)
    monkeypatch.setattr(bounds, "OR_POSTINGS_PER_STORY", 0)
    text = "Kerbala Soleimani said storm price election " + " ".join(f"w{i}" for i in range(10))
    prepared, results = run(searcher, text)
    kept = int(re.fullmatch(r"long query: searched the (\d+) rarest of its 16 words", prepared.notes[0])[1])
    assert 1 <= kept < 16
    reader = searcher.reader()
    terms = [leaf for leaf in prepared.query.leaves() if isinstance(leaf, wq.Term)]
    assert kept == 1 or sum(reader.doc_frequency(t.fieldname, t.text) for t in terms) <= 3
    assert "kerbala" in {t.text for t in terms} and SEED_NAME in found(results)


def test_the_bound_on_documents_grows_with_the_index(searcher, monkeypatch):
    """A short query of common words is searched whole when its words hold fewer documents than
    ``OR_POSTINGS_PER_STORY`` per story, however low the fixed bound."""
    monkeypatch.setattr(bounds, "MAX_OR_POSTINGS", 3)
    text = "said storm price election"
    reader = searcher.reader()
    monkeypatch.setattr(bounds, "OR_POSTINGS_PER_STORY", 0)
    assert run(searcher, text)[0].notes
    monkeypatch.setattr(bounds, "OR_POSTINGS_PER_STORY", 6 * len(text.split()))
    prepared, _ = run(searcher, text)
    assert prepared.notes == [] and reader.doc_count() * 4 < 6 * len(text.split()) * reader.doc_count()


def test_a_word_of_few_headlines_but_many_stories_is_not_rare(tmp_path, monkeypatch):
    """Rarity is the word's stories (headline and body), not its headlines: "said", in every story's body and one
    headline, is dropped before "harbour", in five headlines and bodies."""
    from newssearch import Article, NewsIndex

    stories = [
        Article(id=f"s{i}", headline=f"Story {i}", body=f"The mayor said on day {i}.") for i in range(30)
    ]
    stories[0].headline = "Mayor said"
    stories += [
        Article(id=f"h{i}", headline=f"Harbour {i} closed", body=f"Harbour {i} said no.") for i in range(5)
    ]
    monkeypatch.setattr(bounds, "MAX_OR_POSTINGS", 10)
    monkeypatch.setattr(bounds, "OR_POSTINGS_PER_STORY", 0)
    with NewsIndex.create(tmp_path / "ix") as ix:
        ix.add(stories, extract=False)
        results = ix.search("said harbour", syntax=False)
    assert results.notes == ["long query: searched the 1 rarest of its 2 words"]
    assert {hit.id for hit in results.hits} == {f"h{i}" for i in range(5)}


FOURTEEN = "Iraq NATO Kerbala embassy storm election price oil Reuters Bolsonaro police troops rain bank"


def test_many_words_score_as_whoosh_scores_them(searcher):
    """An OR of FAST_OR_WORDS words or more runs on newssearch's matcher: same documents, scores, matched terms."""
    parser = make_parser(searcher.schema)
    for text in [FOURTEEN, FOURTEEN + " -Pompeo", FOURTEEN.replace(" ", " OR ")]:
        prepared = prepare(searcher.schema, text, searcher.reader())
        assert prepared.notes == []
        plain = parse(parser, text)
        ours = searcher.search(prepared.query, limit=None, terms=True)
        theirs = searcher.search(plain, limit=None, terms=True)
        assert {h.docnum: pytest.approx(h.score, rel=1e-12) for h in ours} == {
            h.docnum: h.score for h in theirs
        }
        assert ours.matched_terms() == theirs.matched_terms()
        assert {h.docnum: set(h.matched_terms()) for h in ours} == {
            h.docnum: set(h.matched_terms()) for h in theirs
        }
        assert sorted(searcher.docs_for_query(prepared.query)) == sorted(searcher.docs_for_query(plain))
    assert type(prepare(searcher.schema, FOURTEEN, searcher.reader()).query) is FastOr


def test_long_or_inside_other_operators_is_bounded_too(searcher, monkeypatch):
    monkeypatch.setattr(bounds, "MAX_OR_WORDS", 4)
    prepared, results = run(searcher, f"({FOURTEEN}) AND Soleimani -Bolsonaro")
    # Every OR is a FastOr (FAST_OR_WORDS); the long one is the one of several words.
    groups = [len(bounds._word_groups(n.subqueries)) for n in _nodes(prepared.query) if isinstance(n, FastOr)]
    assert max(groups) == 4 and sorted(groups)[:-1] == [1] * (len(groups) - 1)
    assert prepared.notes == ["long query: searched the 4 rarest of its 14 words"]
    assert found(results) == {SEED_NAME}


def test_excluded_words_are_never_dropped(searcher, monkeypatch):
    monkeypatch.setattr(bounds, "MAX_OR_WORDS", 4)
    for text in [
        f"Soleimani -({FOURTEEN})",
        f"Soleimani NOT ({FOURTEEN})",
        f"Soleimani AND NOT ({FOURTEEN})",
    ]:
        prepared, results = run(searcher, text)
        assert prepared.notes == [] and len(results) == 0, text  # the seed story names Iraq and NATO
        plain = parse(make_parser(searcher.schema), text)
        assert sorted(searcher.docs_for_query(prepared.query)) == sorted(searcher.docs_for_query(plain))
    # nor are the words of a filter (REQUIRE's second side)
    prepared, results = run(searcher, f"Soleimani REQUIRE ({FOURTEEN})")
    assert prepared.notes == [] and found(results) == {SEED_NAME}
    groups = [len(bounds._word_groups(n.subqueries)) for n in _nodes(prepared.query) if isinstance(n, FastOr)]
    assert sorted(groups) == [1, 14]  # Soleimani's OR of fields, and the filter's words, all kept


def test_pasted_article_still_finds_itself(searcher):
    article = SEED.read_text(encoding="utf-8")
    prepared, results = run(searcher, article)
    assert any(note.startswith("long query: searched the ") for note in prepared.notes)
    assert found(results) and results[0]["id"].endswith(SEED_NAME)
    prepared, results = run(searcher, article, syntax=False)
    assert results[0]["id"].endswith(SEED_NAME)


def test_the_limits_can_be_read_from_query():
    for name in [n for n in dir(bounds) if n.startswith(("MAX_", "MIN_", "FAST_"))]:
        assert getattr(query_mod, name) == getattr(bounds, name), name


def _nodes(q):
    yield q
    for child in q.children():
        yield from _nodes(child)
