"""``newssearch.engine.matchers``: the safe AndNot/Require, ``Expanded`` and ``FastOr`` match and score as Whoosh's own
queries do; ``PreloadedMatcher`` behaves as a Whoosh matcher."""

import pytest
from whoosh import query as wq
from whoosh.matching import AndNotMatcher, ListMatcher, ReadTooFar, RequireMatcher

from newssearch.engine.matchers import (
    Expanded,
    FastOr,
    SafeAndNot,
    SafeAndNotMatcher,
    SafeRequire,
    SafeRequireMatcher,
)
from newssearch.engine.postings import PreloadedMatcher
from newssearch.engine.query import make_parser, parse

from .helpers import sample_searcher

WORDS = "Iraq NATO Kerbala embassy storm election price oil Reuters Bolsonaro police troops rain bank"


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    with sample_searcher(tmp_path_factory.mktemp("matchers")) as s:
        yield s


def scored(searcher, q, **kwargs) -> dict[int, float]:
    return {hit.docnum: hit.score for hit in searcher.search(q, limit=None, **kwargs)}


def same_results(searcher, ours, theirs, rel=1e-12) -> None:
    """Same documents, scores (up to rounding: sums in another order), matched terms, and boolean matches."""
    a = searcher.search(ours, limit=None, terms=True)
    b = searcher.search(theirs, limit=None, terms=True)
    assert len(b) > 0
    assert {h.docnum: pytest.approx(h.score, rel=rel) for h in a} == {h.docnum: h.score for h in b}
    assert {h.docnum: set(h.matched_terms()) for h in a} == {h.docnum: set(h.matched_terms()) for h in b}
    assert sorted(searcher.docs_for_query(ours)) == sorted(searcher.docs_for_query(theirs))


# --- SafeAndNot and SafeRequire ---------------------------------------------------------------------------------


class _ExhaustedBySkipping(ListMatcher):
    """A matcher whose skipping by quality runs off its end, as a real one does when no later block scores enough."""

    def skip_to_quality(self, minquality):
        skipped, self._i = len(self._ids) - self._i, len(self._ids)
        return skipped


def test_whoosh_matchers_read_past_the_end_when_skipping():
    """The flaw the safe matchers fix (``-heavy Lee valued because`` raised IndexError on Reuters-21578)."""
    with pytest.raises(IndexError):
        AndNotMatcher(_ExhaustedBySkipping([1, 2, 3]), ListMatcher([2, 5])).skip_to_quality(5)
    with pytest.raises(IndexError):
        RequireMatcher(_ExhaustedBySkipping([1, 2, 3]), ListMatcher([1, 5])).skip_to_quality(5)


def test_safe_matchers_stop_when_skipping_exhausts_them():
    safe = SafeAndNotMatcher(_ExhaustedBySkipping([1, 2, 3]), ListMatcher([2, 5]))
    assert safe.skip_to_quality(5) == 3 and not safe.is_active()
    safe = SafeRequireMatcher(_ExhaustedBySkipping([1, 2, 3]), ListMatcher([1, 5]))
    assert safe.skip_to_quality(5) == 3 and not safe.is_active()


def test_safe_matchers_skip_as_whooshs_while_documents_are_left():
    safe = SafeAndNotMatcher(ListMatcher([1, 2, 3, 4]), ListMatcher([2, 3]))
    safe.skip_to(2)
    assert safe.id() == 4  # 2 and 3 are excluded
    safe = SafeRequireMatcher(ListMatcher([1, 2, 3, 4]), ListMatcher([3, 4]))
    assert safe.id() == 3
    safe.next()
    assert safe.id() == 4


def test_safe_queries_match_and_score_as_whooshs(searcher):
    parser = make_parser(searcher.schema)
    words, excluded = parse(parser, "Iraq oil price bank"), parse(parser, "NATO OR OPEC")
    same_results(searcher, SafeAndNot(words, excluded), wq.AndNot(words, excluded))
    same_results(searcher, SafeRequire(words, excluded), wq.Require(words, excluded))
    assert set(scored(searcher, SafeAndNot(words, excluded))).isdisjoint(scored(searcher, excluded))
    # scored by the first side alone
    required = scored(searcher, SafeRequire(words, excluded))
    assert required and required == {d: s for d, s in scored(searcher, words).items() if d in required}
    # skipping low-scoring blocks (a top 1) gives the same best document
    for ours, theirs in [(SafeAndNot, wq.AndNot), (SafeRequire, wq.Require)]:
        (best,) = searcher.search(ours(words, excluded), limit=1)
        assert best.docnum == searcher.search(theirs(words, excluded), limit=None)[0].docnum


# --- Expanded ---------------------------------------------------------------------------------------------------


def test_expanded_scores_as_whooshs_prefix(searcher):
    """The same documents and scores as Whoosh's unbounded prefix query and an OR of the words. (Whoosh gives its
    prefix query a constant score unless matched terms are recorded, as searching does for highlighting.)"""
    words = list(searcher.reader().expand_prefix("content", "st"))
    assert len(words) > 1
    ours = Expanded("content", words, "st*")
    assert len(scored(searcher, ours)) > 1
    for theirs in [wq.Prefix("content", "st"), wq.Or([wq.Term("content", w) for w in words])]:
        assert scored(searcher, ours) == pytest.approx(scored(searcher, theirs, terms=True), rel=1e-9)
        assert sorted(searcher.docs_for_query(ours)) == sorted(searcher.docs_for_query(theirs))


def test_expanded_keeps_the_boost_of_a_single_word(searcher):
    ours = scored(searcher, Expanded("headline", [b"oil"], "oil*", boost=0.3))
    assert ours and ours == pytest.approx(scored(searcher, wq.Term("headline", "oil", boost=0.3)), rel=1e-12)


def test_expanded_records_the_first_word_each_document_matched(searcher):
    reader = searcher.reader()
    words = [b"oil", b"presid", b"said", b"reuter"]
    postings = {w: set(reader.postings("content", w).all_ids()) for w in words}
    assert len(set.union(*postings.values())) < sum(map(len, postings.values()))  # some match several words
    results = searcher.search(Expanded("content", words, "x"), limit=None, terms=True)
    assert len(results) == len(set.union(*postings.values()))
    for hit in results:
        assert hit.matched_terms() == [("content", next(w for w in words if hit.docnum in postings[w]))]


def test_expanded_skips_words_not_in_the_index(searcher):
    assert scored(searcher, Expanded("content", [b"zzzz", b"oil"], "x")) == scored(
        searcher, wq.Term("content", "oil", boost=1.0)
    )
    nothing = Expanded("content", [b"zzzz"], "x")
    assert scored(searcher, nothing) == {} and list(searcher.docs_for_query(nothing)) == []


def test_expanded_equality_and_text():
    a = Expanded("content", [b"oil", b"oils"], "oil*", boost=0.3)
    assert a == Expanded("content", (b"oil", b"oils"), "other text", boost=0.3)
    assert hash(a) == hash(Expanded("content", (b"oil", b"oils"), "other text", boost=0.3))
    assert a != Expanded("content", [b"oil"], "oil*", boost=0.3)
    assert a != Expanded("headline", [b"oil", b"oils"], "oil*", boost=0.3)
    assert a != Expanded("content", [b"oil", b"oils"], "oil*")
    assert a != wq.Term("content", "oil")
    assert str(a) == "content:oil*" and repr(a) == "Expanded('content', 'oil*', 2 words)"


# --- FastOr -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [None, 0.9])
@pytest.mark.parametrize("boost", [1.0, 2.5])
def test_fast_or_scores_as_whooshs_or(searcher, scale, boost):
    """Scores (with the coordination bonus when ``scale`` is set), matched terms and boolean matches."""
    subqueries = parse(make_parser(searcher.schema), WORDS).subqueries
    assert len(subqueries) >= 50
    same_results(
        searcher, FastOr(subqueries, boost=boost, scale=scale), wq.Or(subqueries, boost=boost, scale=scale)
    )


@pytest.mark.parametrize("scale", [None, 0.9])
def test_fast_or_of_phrases_and_nested_queries(searcher, scale):
    """Subqueries that are not single terms: phrases, ANDs, boosted terms, an exclusion."""
    parser = make_parser(searcher.schema)
    subqueries = [
        parse(parser, '"State Department"'),
        parse(parser, "Iraq AND troops"),
        parse(parser, "oil^3"),
        parse(parser, "Iraq -storm"),
        wq.Term("content", "bank", boost=2.0),
        wq.Term("content", "nosuchword"),
    ]
    same_results(searcher, FastOr(subqueries, scale=scale), wq.Or(subqueries, scale=scale))
    # An exclusion whose excluded side runs out at once ("storm -Iraq" here): Whoosh's replace() drops it during
    # the search and recounts the coordination terms from then on; FastOr counts every term of the query
    # throughout. The same documents match.
    subqueries[3] = parse(parser, "storm -Iraq")
    fast = {h.docnum for h in searcher.search(FastOr(subqueries, scale=scale), limit=None)}
    assert fast == {h.docnum for h in searcher.search(wq.Or(subqueries, scale=scale), limit=None)} and fast


def test_fast_or_of_nothing_matches_nothing(searcher):
    q = FastOr([wq.Term("content", "nosuchword"), wq.Term("headline", "nosuchword")])
    assert scored(searcher, q) == {} and list(searcher.docs_for_query(q)) == []


# --- PreloadedMatcher -------------------------------------------------------------------------------------------


def preloaded() -> PreloadedMatcher:
    terms = [[("content", b"a")], [("content", b"a"), ("content", b"b")], [("content", b"b")]]
    return PreloadedMatcher([2, 5, 9], [1.0, 3.0, 2.0], terms)


def test_preloaded_matcher_steps_and_skips():
    m = preloaded()
    assert (m.id(), m.score(), m.weight()) == (2, 1.0, 1.0)
    m.skip_to(5)
    assert m.id() == 5 and list(m.matching_terms()) == [("content", b"a"), ("content", b"b")]
    assert list(m.matching_terms(2)) == []
    m.skip_to(3)  # behind: stays
    assert m.id() == 5
    copied = m.copy()
    m.skip_to(6)
    assert m.id() == 9 and copied.id() == 5 and list(m.all_ids()) == [9] and list(copied.all_ids()) == [5, 9]
    m.next()
    assert not m.is_active() and list(m.matching_terms()) == []
    for step in (m.id, m.next, lambda: m.skip_to(10)):
        with pytest.raises(ReadTooFar):
            step()
    m.reset()
    assert m.id() == 2


def test_preloaded_matcher_quality():
    m = preloaded()
    assert m.max_quality() == m.block_quality() == 3.0 and not m.supports_block_quality()
    assert m.replace(2.5) is m and not m.replace(3.5).is_active()
    m.skip_to(10)
    assert not m.replace().is_active()
    assert not PreloadedMatcher([], [], []).is_active()


def test_preloaded_matcher_shows_one_term_matcher_per_matched_term():
    """An OR's coordination bonus counts the term matchers active on a document: the faces."""
    m = preloaded()
    faces = m.children()
    assert len(faces) == 2 and len(list(m.term_matchers())) == 2
    assert [f.is_active() for f in faces] == [True, False] and faces[0].term() == ("content", b"a")
    m.next()
    assert [f.is_active() for f in faces] == [True, True] and [f.term() for f in faces] == [
        ("content", b"a"),
        ("content", b"b"),
    ]
    assert faces[1].id() == 5 and faces[1].score() == 0.0


def test_fastor_scores_a_word_exactly_as_whoosh_does(searcher):
    """FastOr computes BM25F scores of plain terms itself (no chain of calls per document): the very same floats."""
    for word in ["oil", "iraq", "nato"]:
        for boost in (1.0, 0.3):
            term = wq.Term("content", word, boost=boost)
            ours, theirs = scored(searcher, FastOr([term])), scored(searcher, term)
            assert ours and ours == theirs
