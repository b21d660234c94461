"""Similar stories: the related story first, never the story itself or its copies, pasted text, bad input."""

import pytest

from newssearch import NewsIndex, QueryError
from newssearch.engine.snapshot import Snapshot
from newssearch.errors import ArticleNotFoundError
from newssearch.search.similar import MAX_TEXT_CHARS, key_terms

from .helpers import CORPORA, SEED, needs_corpora, related_corpus

SEED_ID = f"corpus/{SEED.name}"
RELATED = "corpus/similar/iraq_parliament.txt"
REPRINT = "corpus/similar/seed_reprint.txt"


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("similar")
    with NewsIndex.create(folder / "index") as ix:
        ix.update([related_corpus(folder)])
        yield ix


def test_the_related_story_comes_first_and_the_story_and_its_reprint_never(index):
    results = index.similar(SEED_ID, limit=1000)
    ids = [hit.id for hit in results.hits]
    assert ids[0] == RELATED
    assert SEED_ID not in ids and REPRINT not in ids
    assert results.total == len(ids) >= 2
    assert results.query == f"similar to {SEED_ID}"
    assert results.hits[0].snippet.highlights  # the key words are marked in the snippet


def test_a_reprint_leaves_out_the_original(index):
    ids = [hit.id for hit in index.similar(REPRINT, limit=1000).hits]
    assert ids[0] == RELATED and SEED_ID not in ids and REPRINT not in ids


def test_exclude_leaves_out_the_ids_given_and_pages_stay_exact(index):
    everything = [hit.id for hit in index.similar(SEED_ID, limit=1000).hits]
    results = index.similar(SEED_ID, limit=1, page=1, exclude={RELATED})
    assert results.total == len(everything) - 1
    assert [hit.id for hit in results.hits] == everything[1:2]
    assert index.similar(SEED_ID, limit=1, page=2).hits[0].id == everything[1]


def test_key_terms_weigh_the_story_s_own_words(index):
    terms = dict(key_terms(Snapshot.of(index._store), index.get(SEED_ID)))
    assert max(terms.values()) == 1.0 and len(terms) <= 25
    assert {"troop", "iraqi", "soleimani"} <= set(terms)  # stemmed, as the index holds them
    assert "the" not in terms


def test_pasted_text_finds_the_story_it_was_taken_from_unless_it_is_all_of_it(index):
    story = index.get(RELATED)
    assert index.similar(text=story.body, limit=1).hits[0].id == RELATED
    ids = [hit.id for hit in index.similar(text=f"{story.headline}\n\n{story.body}", limit=3).hits]
    assert ids[0] in (SEED_ID, REPRINT) and RELATED not in ids  # the whole story pasted is a copy of it


def test_pasted_text_is_read_up_to_the_limit(index):
    results = index.similar(text="Oil prices OPEC output cuts. " * (MAX_TEXT_CHARS // 10), limit=1)
    assert results.hits[0].id.endswith("oil_prices.txt")
    assert any("100,000 characters" in note for note in results.notes)


def test_dates_bound_the_results(index):
    results = index.similar(SEED_ID, since="2020-01", until="2020-01-31")
    assert [hit.id for hit in results.hits] == [RELATED]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"article_id": "no-such-story"}, ArticleNotFoundError),
        ({}, QueryError),
        ({"article_id": SEED_ID, "text": "oil"}, QueryError),
        ({"text": "   "}, QueryError),
        ({"text": "the and of"}, QueryError),
        ({"article_id": SEED_ID, "limit": 0}, QueryError),
        ({"article_id": SEED_ID, "since": "soon"}, QueryError),
    ],
)
def test_bad_input_is_a_one_line_error(index, kwargs, error):
    with pytest.raises(error) as info:
        index.similar(**kwargs)
    assert "\n" not in str(info.value)


@needs_corpora
def test_bbc_sport_story_gives_sport_stories(tmp_path):
    with NewsIndex.create(tmp_path / "bbc") as ix:
        ix.update([CORPORA / "bbc" / "sport", CORPORA / "bbc" / "tech"])
        sport = ix.similar("sport/001.txt", limit=10)
        tech = ix.similar("tech/010.txt", limit=10)
    assert all(hit.id.startswith("sport/") for hit in sport.hits)
    assert sum(hit.id.startswith("tech/") for hit in tech.hits) >= 9


def test_near_identical_copies_of_the_story_are_left_out(tmp_path):
    """The strike story and its edited reprint (``tests/data/reprints``) are one group: neither is similar to the
    other, though each names the same port, union and strike."""
    from .helpers import DATA

    with NewsIndex.create(tmp_path / "ix") as ix:
        ix.update([DATA / "reprints"])
        first, reprint = "reprints/strike_0912.txt", "reprints/strike_1140.txt"
        assert ix.count("Rotterdam dockworkers") < ix.count(
            "Rotterdam dockworkers", all_versions=True
        )  # grouped
        for story, copy in ((first, reprint), (reprint, first)):
            ids = [hit.id for hit in ix.similar(story, limit=100).hits]
            assert ids and story not in ids and copy not in ids
