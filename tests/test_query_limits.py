"""The limits ``query.prepare`` puts on what a query may cost, and its promise: results or a QueryError, nothing else."""

import re
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.matching import AndNotMatcher, ListMatcher, RequireMatcher
from whoosh.qparser import QueryParser
from whoosh.support.levenshtein import damerau_levenshtein

from newssearch import NewsIndex, QueryError
from newssearch import query as query_mod
from newssearch.query import Expanded, prepare, stop_words_only

from .helpers import DATA, SEED

SEED_NAME = SEED.name


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    folder = tmp_path_factory.mktemp("limits")
    shutil.copytree(DATA / "mixed", folder / "corpus")
    shutil.copy(SEED, folder / "corpus")
    with NewsIndex.create(folder / "index") as ix:
        ix.update([folder / "corpus"])
    wix = whoosh_index.open_dir(str(folder / "index"))
    with wix.searcher() as s:
        yield s


def run(searcher, text, **kwargs):
    """prepare + search, as the CLI does: (prepared, results)."""
    prepared = prepare(searcher.schema, text, searcher.reader(), **kwargs)
    return prepared, searcher.search(prepared.query, limit=10, terms=True)


def found(results) -> set[str]:
    return {hit["id"].rsplit("/", 1)[-1] for hit in results}


def expanded(q) -> list[Expanded]:
    return [leaf for leaf in q.leaves() if isinstance(leaf, Expanded)]


def refused(searcher, text, **kwargs) -> str:
    with pytest.raises(QueryError) as info:
        prepare(searcher.schema, text, searcher.reader(), **kwargs)
    message = str(info.value)
    assert message and "\n" not in message
    return message


# --- wildcards and prefixes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["a*", "?*?", "*ing", "*", "x?", "a*b", "headline:*", "person:P*", "Iraq ?raq"]
)
def test_wildcards_without_enough_letters_are_refused(searcher, text):
    message = refused(searcher, text)
    assert f"at least {query_mod.MIN_WILDCARD_PREFIX} letters before the first * or ?" in message
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
    monkeypatch.setattr(query_mod, "MAX_EXPANSIONS", 3)
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
    monkeypatch.setattr(query_mod, "MAX_EXPANSION_POSTINGS", 1)
    prepared, _ = run(searcher, "text:st*")
    (only,) = expanded(prepared.query)
    assert len(only.btexts) == 1  # at least one word, even when it alone is over the limit
    assert "searched the 1 most common" in prepared.notes[0]


def test_too_many_documents_for_all_wildcards_together_is_refused(searcher, monkeypatch):
    monkeypatch.setattr(query_mod, "MAX_EXPANDED_POSTINGS", 5)
    assert "too many common words" in refused(searcher, "st* pr* co*")


def test_too_many_words_to_look_through_is_refused(searcher, monkeypatch):
    monkeypatch.setattr(query_mod, "MAX_SCANNED_TERMS", 10)
    assert "too many words to look through" in refused(searcher, "text:[a TO z]")


def test_wildcard_scores_are_whooshs_own(searcher):
    """Expanded words score as in Whoosh's own (unbounded) prefix query, and matched terms are recorded."""
    prepared = prepare(searcher.schema, "text:st*", searcher.reader())
    (only,) = expanded(prepared.query)
    assert len(only.btexts) > 1
    ours = searcher.search(prepared.query, limit=None, terms=True)
    theirs = searcher.search(wq.Prefix("content", "st"), limit=None, terms=True)
    assert {h.docnum: pytest.approx(h.score, rel=1e-9) for h in ours} == {h.docnum: h.score for h in theirs}
    assert ours.matched_terms() and ours.matched_terms() <= theirs.matched_terms()
    for hit in ours:
        assert hit.matched_terms() and set(hit.matched_terms()) <= {("content", w) for w in only.btexts}


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
    edits = query_mod.MAX_FUZZY_EDITS
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
    monkeypatch.setattr(query_mod, "MAX_EXPANSIONS", 1)
    prepared, _ = run(searcher, "text:oil~2")
    (only,) = expanded(prepared.query)
    assert only.btexts == (b"oil",)
    assert "searched the 1 closest" in prepared.notes[0]


# --- ranges -----------------------------------------------------------------------------------------------------


def test_ranges_on_text_fields_are_bounded(searcher, monkeypatch):
    monkeypatch.setattr(query_mod, "MAX_EXPANSIONS", 5)
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
    monkeypatch.setattr(query_mod, "MAX_OR_WORDS", 4)
    text = "said also would Kerbala Soleimani police storm election price"
    prepared, results = run(searcher, text)
    assert prepared.notes == ["long query: searched the 4 rarest of its 9 words"]
    reader = searcher.reader()
    words = {leaf.text for leaf in query_mod.parse(query_mod.make_parser(searcher.schema), text).leaves()}
    kept = {leaf.text for leaf in prepared.query.leaves() if leaf.field() == "content"}
    dropped = {w for w in words if reader.doc_frequency("content", w)} - kept
    assert len(kept) == 4 and {"kerbala", "soleimani"} <= kept and dropped
    assert max(reader.doc_frequency("content", w) for w in kept) <= min(
        reader.doc_frequency("content", w) for w in dropped
    )
    assert SEED_NAME in found(results)


def test_long_or_query_reads_a_bounded_number_of_documents(searcher, monkeypatch):
    monkeypatch.setattr(query_mod, "MAX_OR_POSTINGS", 3)
    text = "Kerbala Soleimani said storm price election " + " ".join(f"w{i}" for i in range(10))
    prepared, results = run(searcher, text)
    kept = int(re.fullmatch(r"long query: searched the (\d+) rarest of its 16 words", prepared.notes[0])[1])
    assert 1 <= kept < 16
    reader = searcher.reader()
    terms = [leaf for leaf in prepared.query.leaves() if isinstance(leaf, wq.Term)]
    assert kept == 1 or sum(reader.doc_frequency(t.fieldname, t.text) for t in terms) <= 3
    assert "kerbala" in {t.text for t in terms} and SEED_NAME in found(results)


def test_many_words_score_as_whoosh_scores_them(searcher):
    """An OR of FAST_OR_WORDS words or more runs on newssearch's matcher: same documents, scores, matched terms."""
    words = "Iraq NATO Kerbala embassy storm election price oil Reuters Bolsonaro police troops rain bank"
    parser = query_mod.make_parser(searcher.schema)
    for text in [words, words + " -Pompeo", words.replace(" ", " OR ")]:
        prepared = prepare(searcher.schema, text, searcher.reader())
        assert prepared.notes == []
        plain = query_mod.parse(parser, text)
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
    assert type(prepare(searcher.schema, words, searcher.reader()).query).__name__ == "_FastOr"


FOURTEEN = "Iraq NATO Kerbala embassy storm election price oil Reuters Bolsonaro police troops rain bank"


def test_long_or_inside_other_operators_is_bounded_too(searcher, monkeypatch):
    monkeypatch.setattr(query_mod, "MAX_OR_WORDS", 4)
    prepared, results = run(searcher, f"({FOURTEEN}) AND Soleimani -Bolsonaro")
    (fast,) = [n for n in _nodes(prepared.query) if isinstance(n, query_mod._FastOr)]
    assert len(query_mod._word_groups(fast.subqueries)) == 4
    assert prepared.notes == ["long query: searched the 4 rarest of its 14 words"]
    assert found(results) == {SEED_NAME}


def test_excluded_words_are_never_dropped(searcher, monkeypatch):
    monkeypatch.setattr(query_mod, "MAX_OR_WORDS", 4)
    for text in [
        f"Soleimani -({FOURTEEN})",
        f"Soleimani NOT ({FOURTEEN})",
        f"Soleimani AND NOT ({FOURTEEN})",
    ]:
        prepared, results = run(searcher, text)
        assert prepared.notes == [] and len(results) == 0, text  # the seed story names Iraq and NATO
        plain = query_mod.parse(query_mod.make_parser(searcher.schema), text)
        assert sorted(searcher.docs_for_query(prepared.query)) == sorted(searcher.docs_for_query(plain))


def test_pasted_article_still_finds_itself(searcher):
    article = SEED.read_text(encoding="utf-8")
    prepared, results = run(searcher, article)
    assert any(note.startswith("long query: searched the ") for note in prepared.notes)
    assert found(results) and results[0]["id"].endswith(SEED_NAME)
    prepared, results = run(searcher, article, syntax=False)
    assert results[0]["id"].endswith(SEED_NAME)


def test_short_queries_are_left_as_parsed(searcher):
    """Ordinary queries (the README's table) are exactly what the parser makes: same ranking as before."""
    parser = query_mod.make_parser(searcher.schema)
    for text in [
        "NATO Iraq",
        "NATO AND Iraq",
        "Iraq NOT NATO",
        "Reuters -Iraq",
        '"State Department"',
        "headline:troops",
        'person:"Mike Pompeo"',
        "org:NATO place:Kerbala",
        "source:Reuters",
        "topic:grain",
        "(Iraq OR Iran) AND sanctions",
        "the Hague",
    ]:
        prepared = prepare(searcher.schema, text, searcher.reader())
        assert prepared.query == query_mod.parse(parser, text) and prepared.notes == [], text
        assert getattr(prepared.query, "scale", None) == getattr(query_mod.parse(parser, text), "scale", None)


def test_existing_caps_still_hold(searcher):
    assert "too long" in refused(searcher, "x" * (query_mod.MAX_QUERY_CHARS + 1))
    distinct = " ".join(f"w{i}" for i in range(query_mod.MAX_TERMS + 1))
    assert "too many distinct words" in refused(searcher, distinct)
    assert "empty query" in refused(searcher, "   ")
    assert "empty query" in refused(searcher, "!!!", syntax=False)


# --- stop words -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "the and of",
        "The",
        "to be or not to be",
        '"the who"',
        "the AND of",
        "NOT " * 1200,
        "AND",
        "headline:the",
    ],
)
def test_only_stop_words_is_a_query_error(searcher, text):
    message = refused(searcher, text)
    assert "only common words (stop words)" in message and "add a word that is more specific" in message


def test_only_stop_words_in_plain_words_mode(searcher):
    assert "stop words" in refused(searcher, "The AND of", syntax=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the and of", True),
        ("THE And OF", True),
        ("headline:the", True),
        ("OR OR", True),
        ("the Hague", False),
        ("the*", False),
        ("th?", False),
        ("Iraq", False),
        ("", False),
        ("!!!", False),
        ("the 2020", False),
        ("org:WHO", False),  # asked for in an entity field: searched as typed
        ('place:"The Hague"', False),
        ("person:(the OR who)", False),
        ("WHO", True),
    ],
)
def test_stop_words_only(text, expected):
    assert stop_words_only(text) is expected


def test_stop_words_asked_for_in_an_entity_field_are_searched(searcher):
    prepared, _ = run(searcher, "org:the")
    assert prepared.query == wq.Term("org_text", "the")


def test_a_stop_word_with_a_real_word_still_searches(searcher):
    _, results = run(searcher, "the Kerbala")
    assert SEED_NAME in found(results)


# --- what used to crash -----------------------------------------------------------------------------------------

CRASHERS = [
    "oil~1/4",
    "oil~9/99",
    "NOT " * 1200,
    "NOT " * 1200 + "oil",
    "(" * 3000 + "oil",
    "oil" + ")" * 3000,
    "(a AND (b OR (" * 300 + "oil",
    "(x AND (y OR " * 700,
    '"' * 4000,
    "oil~" * 2000,
    "oil^" * 2000,
    "a:" * 3000,
    "[a TO b] " * 800,
    "NOT (" * 1500,
    "date:[2020 TO]",
    "date:>2020",
    "*:*",
    "oil^99999999999999999999999999",
    "oil~2/9999999999999999999",
    "\x00*\x01~\x02",
    "İstanbul* ǅ~2 ß?",
    "text:[z TO a]",
    "person:{ TO }",
    'date:"was"~2',
    'date:"2020 2021"',
    "-HEAVY Lee valued + Because",
]


@pytest.mark.parametrize("text", CRASHERS, ids=range(len(CRASHERS)))
def test_former_crashes_give_results_or_a_query_error(searcher, text):
    try:
        _, results = run(searcher, text)
    except QueryError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert len(results) >= 0


class _ExhaustedBySkipping(ListMatcher):
    """A matcher whose skipping by quality runs off its end, as a real one does when no later block scores enough."""

    def skip_to_quality(self, minquality):
        skipped, self._i = len(self._ids) - self._i, len(self._ids)
        return skipped


def test_exclusions_survive_skipping_past_the_end():
    """Whoosh's AndNotMatcher and RequireMatcher read past the end there (``-heavy Lee valued because`` raised
    IndexError on Reuters-21578); the matchers prepare() uses do not."""
    with pytest.raises(IndexError):
        AndNotMatcher(_ExhaustedBySkipping([1, 2, 3]), ListMatcher([2, 5])).skip_to_quality(5)
    with pytest.raises(IndexError):
        RequireMatcher(_ExhaustedBySkipping([1, 2, 3]), ListMatcher([1, 5])).skip_to_quality(5)
    safe = query_mod._SafeAndNotMatcher(_ExhaustedBySkipping([1, 2, 3]), ListMatcher([2, 5]))
    safe.skip_to_quality(5)
    assert not safe.is_active()
    safe = query_mod._SafeRequireMatcher(_ExhaustedBySkipping([1, 2, 3]), ListMatcher([1, 5]))
    safe.skip_to_quality(5)
    assert not safe.is_active()


def test_prepared_exclusions_use_the_safe_matchers(searcher):
    for text in ["Iraq -NATO", "Iraq NOT NATO", "Iraq ANDNOT NATO", "+Iraq NATO -Bolsonaro"]:
        q = prepare(searcher.schema, text, searcher.reader()).query
        assert not [n for n in _nodes(q) if type(n) in (wq.AndNot, wq.Require)], text
        assert [n for n in _nodes(q) if isinstance(n, query_mod._AndNot)], text


def _nodes(q):
    yield q
    for child in q.children():
        yield from _nodes(child)


def test_parser_failure_falls_back_to_plain_words(searcher, monkeypatch):
    def broken(self, text, normalize=True, debug=False):
        raise IndexError("list index out of range")

    real = QueryParser.parse
    calls = []

    def fails_once(self, text, normalize=True, debug=False):
        calls.append(text)
        return broken(self, text) if len(calls) == 1 else real(self, text, normalize, debug)

    monkeypatch.setattr(QueryParser, "parse", fails_once)
    _, results = run(searcher, 'Kerbala "unbalanced')
    assert calls == ['Kerbala "unbalanced', "kerbala unbalanced"]
    assert SEED_NAME in found(results)

    monkeypatch.setattr(QueryParser, "parse", broken)
    assert refused(searcher, "Kerbala").startswith("cannot parse query: list index out of range")


def test_an_unexpected_failure_while_expanding_is_a_query_error(searcher, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("unexpected\nfailure")

    monkeypatch.setattr(query_mod._Bounder, "_scan", boom)
    assert refused(searcher, "Soleim*") == "cannot search this query: unexpected failure"


# --- any text at all --------------------------------------------------------------------------------------------

SYNTAX = [
    "AND", "OR", "NOT", "TO", "ANDNOT", "ANDMAYBE", '"', "'", "*", "?", "~", "~2", "~9/3", "/", ":", "(", ")", "[",
    "]", "{", "}", "^", "^2", "+", "-", "!", "\\", " ", "  ", "\t", "\n",
    "headline:", "text:", "person:", "org:", "place:", "source:", "topic:", "date:", "id:", "nosuch:",
]  # fmt: skip
WORDS = [
    "iraq", "Iraq", "NATO", "Kerbala", "Soleimani", "Bolsonaro", "oil", "price", "storm", "the", "and", "of", "a",
    "st", "pr", "s", "x", "Ирак", "伊拉克", "العراق", "🙂", "ǅ", "İ", "ß", "2020", "1e308", "\x00", "\x07", "\u200b",
]  # fmt: skip
pieces = st.one_of(st.sampled_from(SYNTAX), st.sampled_from(WORDS), st.text(max_size=4))
query_texts = st.lists(pieces, max_size=24).map("".join) | st.lists(pieces, max_size=12).map(" ".join)


def _results_or_query_error(searcher, text, syntax):
    try:
        prepared = prepare(searcher.schema, text, searcher.reader(), syntax=syntax)
    except QueryError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert all(note and "\n" not in note for note in prepared.notes)
    results = searcher.search(prepared.query, limit=10, terms=True)
    assert len(results) >= 0 and len(results.top_n) <= 10
    for hit in results:
        hit.matched_terms()
    sum(1 for _ in searcher.docs_for_query(prepared.query))


@settings(max_examples=1_500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=query_texts)
def test_any_query_text_gives_results_or_a_query_error(searcher, text):
    _results_or_query_error(searcher, text, syntax=True)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=query_texts, syntax=st.booleans())
def test_any_text_and_mode_gives_results_or_a_query_error(searcher, text, syntax):
    _results_or_query_error(searcher, text, syntax=syntax)
