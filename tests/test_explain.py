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
    assert hit.explanation == [] and "explanation" not in hit.to_dict()


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
