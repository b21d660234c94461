"""Pinned ranked results: the ids, scores, snippets and highlights of a dozen queries on the sample corpus and on
BBC-sized fixtures (two BBC sections, when ../shared/corpora is here). Refactors must leave them unchanged; when
ranking changes on purpose, regenerate with ``NEWSSEARCH_UPDATE_PINS=1 .venv/bin/python -m pytest
tests/test_ranking_pins.py`` and commit the new files with the change that explains them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from newssearch import NewsIndex

from .helpers import CORPORA, DATA

PINS = DATA / "pins"
UPDATE = os.environ.get("NEWSSEARCH_UPDATE_PINS") == "1"

QUERIES = [
    "NATO Iraq",
    "oil prices",
    "election results",
    '"prime minister"',
    "storm OR flood",
    "headline:oil",
    "market -oil",
    "gover*",
    "economy~1",
    "Blair Brown",
    "people:Blair",
    "growth profits shares",
    "film award",
]
SORTS = [("oil prices", "date"), ("government", "oldest")]


def _snapshot(index: NewsIndex) -> dict:
    out: dict = {}
    for text, sort in [(q, "relevance") for q in QUERIES] + SORTS:
        results = index.search(text, limit=10, sort=sort, all_versions=True)  # ranking, not grouping
        out[f"{sort}: {text}"] = {
            "total": results.total,
            "notes": results.notes,
            "hits": [
                {
                    "id": hit.id,
                    "score": round(hit.score, 5),
                    "headline": hit.headline,
                    "headline_highlights": [list(span) for span in hit.headline_highlights],
                    "snippet": hit.snippet.text,
                    "highlights": [list(span) for span in hit.snippet.highlights],
                    "people": hit.people,
                    "organizations": hit.organizations,
                    "places": hit.places,
                    "place": hit.place,
                }
                for hit in results.hits
            ],
        }
    return out


def _check(name: str, roots: list[Path], index_path: Path) -> None:
    with NewsIndex.create(index_path) as index:
        index.update(roots)
        got = _snapshot(index)
    pinned = PINS / f"{name}.json"
    if UPDATE:
        pinned.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(pinned.read_text(encoding="utf-8"))
    assert got.keys() == expected.keys()
    for key in expected:
        assert got[key] == expected[key], key
    assert sum(bool(v["hits"]) for v in expected.values()) >= 8, "the pinned queries must find something"


def test_sample_corpus_results_are_pinned(corpus, index_path):
    _check("sample", [corpus], index_path)


@pytest.mark.slow
@pytest.mark.skipif(not (CORPORA / "bbc").is_dir(), reason="../shared/corpora is not here")
def test_bbc_results_are_pinned(index_path):
    _check("bbc", [CORPORA / "bbc" / "business", CORPORA / "bbc" / "politics"], index_path)
