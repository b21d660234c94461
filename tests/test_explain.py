"""``explain=True`` / ``--explain``: what each field and word added to a hit's score."""

from __future__ import annotations

import json

import pytest

from newssearch import Article, Contribution, NewsIndex

from .helpers import invoke

STORIES = [
    Article(
        id="pipeline",
        headline="Oil pipeline to Turkey reopens",
        body="Baghdad (Reuters) - Iraq reopened its oil pipeline to Turkey on Monday, the oil ministry said. "
        "Crude oil exports had stopped for a week.",
    ),
    Article(
        id="wheat",
        headline="Wheat harvest falls short",
        body="Farmers in Kansas said the wheat harvest fell short after a dry spring, while oil prices rose.",
    ),
    Article(
        id="gas", headline="Gas prices climb", body="Natural gas prices climbed in Europe on cold weather."
    ),
]


@pytest.fixture
def ix(index_path):
    with NewsIndex.create(index_path) as index:
        index.add(STORIES)
    with NewsIndex.open(index_path) as index:
        yield index


def _parts(hit) -> dict[tuple[str, str], float]:
    return {(p.field, p.word): p.score for p in hit.explanation}


def test_parts_add_up_to_the_score_field_by_field(ix):
    hits = ix.search("oil pipeline", explain=True).hits
    assert [h.id for h in hits][:2] == ["pipeline", "wheat"]
    top = hits[0]
    assert all(isinstance(p, Contribution) for p in top.explanation)
    parts = _parts(top)
    assert {
        ("content", "oil"),
        ("content", "pipeline"),
        ("headline", "oil"),
        ("headline", "pipeline"),
    } <= set(parts)
    assert sum(parts.values()) == pytest.approx(top.score, rel=1e-9)
    assert parts[("content", "oil")] > parts[("headline", "oil")] > 0  # the headline is a smaller bonus
    assert [p.score for p in top.explanation] == sorted((p.score for p in top.explanation), reverse=True)
    # the story that names oil once in its body has no headline part and no pipeline part
    assert set(_parts(hits[1])) == {("content", "oil")}


def test_a_repeated_word_doubles_its_parts(ix):
    once = _parts(ix.search("oil pipeline", explain=True).hits[0])
    twice = _parts(ix.search("oil oil pipeline", explain=True).hits[0])
    assert twice[("content", "oil")] == pytest.approx(2 * once[("content", "oil")])
    assert twice[("content", "pipeline")] == pytest.approx(once[("content", "pipeline")])


def test_phrases_and_exclusions(ix):
    hit = ix.search('"crude oil" -wheat', explain=True).hits[0]
    parts = _parts(hit)
    assert hit.id == "pipeline" and ("content", '"crude oil"') in parts
    assert not [p for p in hit.explanation if p.word == "wheat"]
    assert sum(parts.values()) == pytest.approx(hit.score, rel=1e-9)


def test_without_explain_there_is_no_explanation(ix):
    hit = ix.search("oil").hits[0]
    assert hit.explanation == [] and not hit.has_explanation and "explanation" not in hit.to_dict()
    zero = ix.search("oil^0", explain=True).hits[0]  # asked for: listed even when there is nothing to list
    assert zero.to_dict()["explanation"] == []


@pytest.mark.parametrize(
    "text",
    [
        "(pipeline OR wheat) AND oil",
        "oil AND NOT gas",
        "(oil OR crude)^2 AND (exports OR prices)",
        "+oil pipeline",
    ],
)
def test_operators_add_up_without_a_remainder(ix, text):
    """Groups joined by AND carry no coordination bonus and AND NOT adds nothing: the words are the score."""
    for hit in ix.search(text, explain=True).hits:
        assert [p for p in hit.explanation if not p.field] == [], (text, hit.explanation)
        assert sum(p.score for p in hit.explanation) == pytest.approx(hit.score, rel=1e-9)


def test_hits_in_several_segments_with_deletions(index_path):
    with NewsIndex.create(index_path) as index:
        for story in STORIES:  # one commit each: one segment each
            index.add([story])
        index.delete(["gas"])
        index.add([Article(id="late", headline="Oil exports", body="Oil and gas exports rose; oil led.")])
        hits = index.search("oil gas exports", explain=True).hits
    assert {h.id for h in hits} == {"pipeline", "wheat", "late"}
    for hit in hits:
        assert hit.explanation and sum(p.score for p in hit.explanation) == pytest.approx(hit.score, rel=1e-9)


def test_explaining_stops_at_the_time_limit(ix, monkeypatch):
    from newssearch.engine import ranking as search

    real = search.explain_scores
    monkeypatch.setattr(search, "explain_scores", lambda *a: real(*a[:4], 0.0))  # a deadline long past
    results = ix.search("oil", explain=True)
    assert results.hits and all(h.explanation == [] and not h.has_explanation for h in results.hits)
    assert all("explanation" not in h.to_dict() for h in results.hits)
    assert any("too long to explain" in note for note in results.notes)


def test_each_words_postings_are_read_once_for_the_whole_page(ix, monkeypatch):
    """A page of 1,000 hits is explained in one pass per word, not one per word and hit."""
    from whoosh.searching import Searcher

    from newssearch.engine import ranking as search

    calls: list = []
    explaining = []
    real_postings, real_explain = Searcher.postings, search.explain_scores

    def postings(self, *args, **kwargs):
        if explaining:
            calls.append(args)
        return real_postings(self, *args, **kwargs)

    def explain_scores(*args):
        explaining.append(True)
        try:
            return real_explain(*args)
        finally:
            explaining.clear()

    monkeypatch.setattr(Searcher, "postings", postings)
    monkeypatch.setattr(search, "explain_scores", explain_scores)
    hits = ix.search("oil prices exports", explain=True, limit=50).hits
    assert len(hits) == 3 and all(h.explanation for h in hits)
    assert sorted(calls) == sorted(set(calls)) and len(calls) == 5  # oil, price, export x content, headline


def test_cli_explain_in_text_and_json(index_path):
    with NewsIndex.create(index_path) as index:
        index.add(STORIES)
    result = invoke("query", "oil pipeline", "--index", index_path, "--explain")
    assert result.exit_code == 0, result.output
    line = next(ln for ln in result.output.splitlines() if "score" in ln and "=" in ln)
    assert "content:oil" in line and "headline:pipeline" in line
    result = invoke("query", "oil pipeline", "--index", index_path, "--explain", "--json")
    hit = json.loads(result.output)["hits"][0]
    parts = hit["explanation"]
    assert parts[0]["field"] == "content" and set(parts[0]) == {"field", "word", "score"}
    assert sum(p["score"] for p in parts) == pytest.approx(hit["score"], abs=1e-3)
    plain = json.loads(invoke("query", "oil pipeline", "--index", index_path, "--json").output)
    assert "explanation" not in plain["hits"][0]


def test_words_are_shown_as_typed_and_wildcard_words_as_indexed(ix):
    parts = _parts(ix.search("pipelines exports", explain=True).hits[0])
    assert ("content", "pipelines") in parts and ("content", "exports") in parts  # not "pipelin", "export"
    wild = _parts(ix.search("pipel*", explain=True).hits[0])
    assert ("content", "pipelin") in wild  # what the wildcard matched, as the index holds it
