"""The plain data that leaves the library: hits hold their article and serialise themselves."""

import copy
import json
import pickle
from datetime import datetime, timezone

from newssearch.models import Article, Hit, SearchResults, Snippet

ARTICLE = Article(
    id="corpus/a.txt",
    headline="Iraq asks NATO to stay",
    body="Iraq asked NATO to keep its trainers.",
    date=datetime(2020, 1, 7, tzinfo=timezone.utc),
    source="Reuters",
    place="Baghdad",
    url="https://example.com/a",
    author="A. Writer",
    people=["Adel Abdul Mahdi"],
    organizations=["NATO"],
    places=["Iraq"],
    path="corpus/a.txt",
    metadata={"topics": ["politics"]},
)
HIT = Hit(rank=3, score=1.234567, article=ARTICLE, snippet=Snippet("Iraq asked NATO", [(0, 4), (11, 15)]),
          headline_highlights=[(0, 4)])  # fmt: skip


def test_a_hit_reads_its_articles_fields():
    assert (HIT.id, HIT.headline, HIT.place, HIT.people) == (
        ARTICLE.id,
        ARTICLE.headline,
        "Baghdad",
        ["Adel Abdul Mahdi"],
    )
    assert HIT.article is ARTICLE


def test_a_hit_survives_copy_and_pickle():
    assert copy.deepcopy(HIT) == HIT
    assert pickle.loads(pickle.dumps(HIT)) == HIT


def test_hit_to_dict_has_the_article_fields_rank_score_and_spans_and_is_json():
    data = HIT.to_dict()
    assert data == {
        "id": "corpus/a.txt",
        "headline": "Iraq asks NATO to stay",
        "date": "2020-01-07T00:00:00+00:00",
        "date_precision": "time",
        "source": "Reuters",
        "place": "Baghdad",
        "url": "https://example.com/a",
        "author": "A. Writer",
        "section": None,
        "path": "corpus/a.txt",
        "people": ["Adel Abdul Mahdi"],
        "organizations": ["NATO"],
        "places": ["Iraq"],
        "rank": 3,
        "score": 1.2346,
        "snippet": "Iraq asked NATO",
        "snippet_highlights": [[0, 4], [11, 15]],
        "headline_highlights": [[0, 4]],
        "versions": 0,
        "group": HIT.id,
    }
    assert json.loads(json.dumps(data)) == data


def test_results_to_dict_and_pages():
    results = SearchResults(query="iraq", total=21, page=2, limit=10, hits=[HIT], notes=["a note"])
    assert results.pages == 3
    assert results.to_dict() == {
        "query": "iraq",
        "total": 21,
        "total_with_reprints": 21,
        "page": 2,
        "pages": 3,
        "limit": 10,
        "notes": ["a note"],
        "suggestion": None,
        "hits": [HIT.to_dict()],
    }
    assert SearchResults(query="x", total=0, page=1, limit=10).pages == 1
