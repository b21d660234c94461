"""The search path: ranking, snippets, paging, option checks and totals. Date filters, date sorting and match
sets are in test_search_dates.py."""

from datetime import datetime, timedelta, timezone

import pytest

from newssearch import Article, NewsIndex, QueryError, SearchResults

from .helpers import DAY_START as START
from .helpers import day_story as _story


@pytest.fixture
def built(corpus, index_path):
    with NewsIndex.create(index_path) as index:
        return index.update([corpus])


def test_nato_iraq_puts_the_example_article_first(built, index_path):
    with NewsIndex.open(index_path) as index:
        results = index.search("NATO Iraq")
    assert isinstance(results, SearchResults)
    top = results.hits[0]
    assert top.id == "corpus/000_fef9c184b96aac0a.txt"
    assert top.rank == 1 and top.score > 0
    assert (top.source, top.place) == ("Reuters", "Baghdad")
    assert "NATO" in top.organizations and "Iraq" in top.places
    highlighted = {top.snippet.text[a:b].lower() for a, b in top.snippet.highlights}
    assert {"nato", "iraq"} <= highlighted


def test_more_matching_words_rank_higher(built, index_path):
    with NewsIndex.open(index_path) as index:
        results = index.search("Reuters oil OPEC")
    assert results.hits[0].id == "corpus/oil_prices.txt"
    assert results.total > 1  # OR semantics: the other Reuters stories match too


def test_snippet_falls_back_to_lead_when_only_headline_matches(built, index_path):
    with NewsIndex.open(index_path) as index:
        hit = index.search("headline:typhoon").hits[0]
    assert hit.snippet.text.startswith("MANILA (AP) — Tens of thousands")
    assert hit.snippet.highlights == []
    assert hit.headline[slice(*hit.headline_highlights[0])] == "Typhoon"


def test_date_filters_and_sort(built, index_path):
    with NewsIndex.open(index_path) as index:
        every = index.search("said", limit=50)
        dated = [h for h in every.hits if h.date]
        assert len(dated) >= 5
        since = datetime(2021, 1, 1, tzinfo=timezone.utc)
        recent = index.search("said", limit=50, since=since)
        assert recent.hits and all(h.date and h.date >= since for h in recent.hits)
        until = datetime(2019, 12, 31, tzinfo=timezone.utc)
        old = index.search("said", limit=50, until=until)
        assert old.hits and all(h.date and h.date <= until for h in old.hits)
        newest = index.search("said", limit=50, sort="date")
        dates = [h.date for h in newest.hits if h.date]
        assert dates == sorted(dates, reverse=True)


def test_paging(built, index_path):
    with NewsIndex.open(index_path) as index:
        everything = index.search("said OR the", limit=50)
        first = index.search("said OR the", limit=3, page=1)
        second = index.search("said OR the", limit=3, page=2)
        beyond = index.search("said OR the", limit=3, page=99)
    assert first.total == everything.total > 3
    assert [h.id for h in first.hits + second.hits] == [h.id for h in everything.hits[:6]]
    assert [h.rank for h in second.hits] == [4, 5, 6]
    assert beyond.hits == [] and beyond.total == everything.total


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"sort": "popularity"}, "unknown sort"), ({"limit": 0}, "limit"), ({"page": 0}, "page")],
)
def test_bad_search_options(built, index_path, kwargs, message):
    with NewsIndex.open(index_path) as index, pytest.raises(QueryError, match=message):
        index.search("Iraq", **kwargs)


def test_searcher_sees_writes_made_through_the_same_object(index_path):
    with NewsIndex.create(index_path) as index:
        assert index.search("glacier").total == 0
        index.add([Article(id="g", headline="Glacier", body="Ice.")])
        assert index.search("glacier").total == 1


def test_a_hit_holds_the_stored_article(built, index_path):
    with NewsIndex.open(index_path) as index:
        hit = index.search("NATO Iraq").hits[0]
        assert hit.article == index.get(hit.id)
    assert hit.headline == hit.article.headline and hit.people == hit.article.people
    assert [hit.snippet.text[a:b].lower() for a, b in hit.snippet.highlights][:2] != []


def test_snippets_can_be_skipped(built, index_path):
    with NewsIndex.open(index_path) as index:
        fast, full = index.search("NATO Iraq", snippets=False).hits[0], index.search("NATO Iraq").hits[0]
    assert fast.id == full.id and fast.score == pytest.approx(full.score, rel=1e-12)
    assert fast.snippet.highlights == [] and fast.snippet.text.startswith("Baghdad (Reuters)")
    assert full.snippet.highlights


def test_total_is_exact_when_later_segments_cannot_reach_the_top(index_path):
    """The total comes from the top-N pass: no segment's matches may be skipped, even when none of them could
    enter the top N (each ``add`` here writes a segment whose stories score lower than the last one's)."""
    with NewsIndex.create(index_path) as index:
        for batch in range(3):
            index.add(
                [
                    Article(
                        id=f"b{batch}-{n}",
                        headline=f"Story {n}",
                        body="oil " * (3 - batch) + "word " * (10 - 2 * n + 20 * batch),
                    )
                    for n in range(5)
                ],
                extract=False,
            )
        assert len(index._store.searcher().reader().leaf_readers()) == 3
        for limit in (1, 3, 20):
            results = index.search("oil", limit=limit)
            assert results.total == 15 and results.hits[0].id == "b0-4"
        assert index.search("oil OR nothing", limit=1).total == 15
        assert index.search("oil -b0", limit=2).total == 15  # not a plain OR: counted apart
        assert index.search("oil AND story", limit=2).total == 15


def test_scores_after_an_add_are_those_of_a_fresh_index(index_path):
    """What is kept for a searcher (field lengths, average lengths) is renewed after a commit."""
    with NewsIndex.create(index_path) as index:
        index.add([_story(n) for n in range(5)], extract=False)
        before = index.search("crude OPEC")
        index.add([_story(n) for n in range(5, 12)], extract=False)
        after = index.search("crude OPEC")
        assert after.total == 12 and before.total == 5
    with NewsIndex.open(index_path) as fresh:
        again = fresh.search("crude OPEC")
    assert [(h.id, h.score) for h in after.hits] == [(h.id, h.score) for h in again.hits]
    assert [h.snippet for h in after.hits] == [h.snippet for h in again.hits]


@pytest.mark.parametrize(
    "text",
    ["NATO Iraq", "oil prices", '"prime minister"', "headline:oil", "people:Blair", "gover*", "typhoon"],
)
def test_snippets_and_headline_highlights_are_whoosh_highlighters_own(built, index_path, monkeypatch, text):
    """Snippets are found without Whoosh's highlighter (see snippets.Highlights): they must be exactly its own."""
    from newssearch.engine import snippets

    def shown(results):
        return [(h.id, h.snippet, h.headline_highlights) for h in results.hits]

    with NewsIndex.open(index_path) as index:
        ours = shown(index.search(text, limit=20))
        monkeypatch.setattr(snippets, "_TERMS", {})
        monkeypatch.setattr(snippets, "_per_word", lambda analyzer: False)  # every text left to Whoosh
        whoosh = shown(index.search(text, limit=20))
    assert ours == whoosh
    assert any(snippet.highlights for _, snippet, _ in ours) or text in ("headline:oil", "people:Blair")


def test_words_are_found_as_the_schemas_tokenizer_finds_them():
    from newssearch.engine import snippets
    from newssearch.engine.schema import build_schema

    text = (
        "U.S. a..b x.*y *** 3.5.6. é.ü a_b.c_ ..a. foo.bar.baz. *.* a. b Oil-prices, 1,000.50 İstanbul U.S.A"
    )
    for name in ("content", "headline"):
        analyzer = build_schema()[name].analyzer
        assert snippets._per_word(analyzer)  # the fast path serves the schema's fields
        tokens = analyzer.items[0](text, chars=True, mode="index")
        assert [m.span() for m in snippets._WORD.finditer(text)] == [(t.startchar, t.endchar) for t in tokens]


def test_equal_scores_keep_index_order_across_the_page_cut_and_segments(index_path):
    same = [
        Article(id=f"t{n:02d}", headline="Grain exports", body="Wheat grain exports rose.") for n in range(12)
    ]
    with NewsIndex.create(index_path) as index:
        index.add(same[:7], extract=False)
        index.add(same[7:], extract=False)  # a second segment
        pages = [index.search("grain exports", limit=5, page=p, all_versions=True) for p in (1, 2, 3)]
    assert len({h.score for page in pages for h in page.hits}) == 1
    assert [h.id for page in pages for h in page.hits] == [a.id for a in same]


def test_an_undated_only_segment_reads_no_other_segments_dates(index_path):
    """A segment whose articles are all undated has no date column: its articles stay undated, in matches and in
    date sorting, and no date bound lets them through."""
    with NewsIndex.create(index_path) as index:
        index.add(
            [Article(id=f"u{n}", body="alpha undated") for n in range(2)] + [Article(id="u2", body="beta")]
        )
        index.add([Article(id=f"d{n}", body="alpha dated", date=START + timedelta(days=n)) for n in range(5)])
        assert dict(index.matches("alpha", all_versions=True)) == {
            "u0": None,
            "u1": None,
            **{f"d{n}": START + timedelta(days=n) for n in range(5)},
        }
        assert sorted(index.matches("alpha", since="1987-03-03", all_versions=True).ids) == ["d2", "d3", "d4"]
        by_date = [h.id for h in index.search("alpha", sort="date", snippets=False, all_versions=True).hits]
        assert by_date == ["d4", "d3", "d2", "d1", "d0", "u0", "u1"]
        assert dict(index.matches("beta")) == {"u2": None}


def test_an_index_whose_articles_were_all_deleted_answers_nothing(index_path):
    with NewsIndex.create(index_path) as index:
        index.add([_story(n) for n in range(3)])
        index.delete([f"s{n:02d}" for n in range(3)])
        assert len(index) == 0 and len(index.matches("oil")) == 0
        for sort in ("relevance", "date", "oldest"):
            assert index.search("oil", sort=sort).total == 0


def test_an_excluded_word_excludes_even_when_its_first_article_comes_before_the_first_match(index_path):
    """Whoosh's AndNot only checked the excluded side when both started on the same article."""
    articles = [
        Article(id="d0", headline="Pi", body="pi alone"),
        Article(id="d1", headline="Sigma pi", body="sigma and pi"),
        Article(id="d2", headline="Sigma", body="sigma alone"),
        Article(id="d3", headline="Tau", body="tau alone"),
    ]
    with NewsIndex.create(index_path) as index:
        index.add(articles, extract=False)
        assert [h.id for h in index.search("sigma -pi").hits] == ["d2"]
        assert sorted(h.id for h in index.search("sigma tau -pi").hits) == ["d2", "d3"]
        assert index.search("sigma -pi", since="1900").total == 0  # no dated article: nothing, and no error
        assert sorted(index.matches("sigma tau -pi").ids) == ["d2", "d3"]


def test_pasted_text_keeps_abbreviations_and_decimals_whole(index_path):
    """Plain text (``syntax=False``, as pasted) is read into the words the index holds: ``U.S.`` and ``5.5`` are
    one word each in a story, so split into ``u`` ``s`` and ``5`` ``5`` they found nothing."""
    with NewsIndex.create(index_path) as index:
        index.add(
            [
                Article(
                    id="us", headline="Economy", body="The U.S. economy grew 5.5% last year, officials said."
                ),
                Article(
                    id="other", headline="Cricket", body="England won the second test at Lord's on Sunday."
                ),
            ]
        )
    with NewsIndex.open(index_path) as index:
        for text in ("U.S.", "5.5%", "what did the U.S. do?"):
            assert [h.id for h in index.search(text, syntax=False).hits] == ["us"], text
            assert [h.id for h in index.search(text).hits] == ["us"], text
