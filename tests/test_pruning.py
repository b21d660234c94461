"""Top-N pruning of an OR (``pruning.pruned``, MaxScore on arrays): the same ranked ids, scores, ties, totals and
snippets as scoring every match, over random corpora of skewed word frequencies and random queries."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newssearch import Article, NewsIndex
from newssearch.engine import pruning, vectors

from .helpers import property_settings

#: From common to rare: the n-th word is drawn about 1/(n+1) as often as the first (Zipf), so queries mix long
#: and short posting lists, as real ones do.
WORDS = ["said", "oil", "price", "bank", "rate", "iraq", "nato", "troop", "vote", "strike", "port", "crude"]
WEIGHTS = [1 / (n + 1) for n in range(len(WORDS))]
SETTINGS = property_settings(150)


def _stories(seed: int, n: int, start: int = 0) -> list[Article]:
    """Random stories without copies: each holds a word of its own."""
    rng = random.Random(seed)
    return [
        Article(
            id=f"d{i}",
            headline=" ".join(rng.choices(WORDS, WEIGHTS, k=rng.randint(1, 4))),
            body=" ".join(rng.choices(WORDS, WEIGHTS, k=rng.randint(1, 50))) + f" own{i}.",
        )
        for i in range(start, start + n)
    ]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    """Two segments, with deleted stories, and no copies."""
    path = tmp_path_factory.mktemp("pruning") / "ix"
    ix = _two_segments(path, _stories(3, 1200), _stories(4, 700, start=1200), range(0, 1900, 11))
    yield ix
    ix.close()


def _two_segments(path, first: list[Article], second: list[Article], deleted: range) -> NewsIndex:
    """An index of ``first``, then ``second`` added in another commit with the stories ``d{n}`` of ``deleted``
    deleted; opened."""
    with NewsIndex.create(path) as ix:
        ix.add(first, extract=False)
    with NewsIndex.open(path) as ix:
        ix.add(second, extract=False)
        ix.delete([f"d{i}" for i in deleted])
    return NewsIndex.open(path)


def _run(ix, monkeypatch, prune, text, **options):
    with monkeypatch.context() as patched:
        patched.setattr(vectors, "ARRAY_POSTINGS", 0)
        patched.setattr(vectors, "WARM_ARRAY_POSTINGS", 0)
        patched.setattr(pruning, "PRUNE", prune)
        patched.setattr(pruning, "PRUNE_POSTINGS", 0)
        results = ix.search(text, syntax=False, **options)
    return (
        results.total,
        [
            (hit.id, hit.score, hit.versions, hit.group, hit.snippet.text, hit.snippet.highlights)
            for hit in results.hits
        ],
    )


def _spy(monkeypatch):
    """Counts of ``pruning.pruned``'s answers: pruned, or scored in full."""
    seen = {"pruned": 0, "full": 0}
    pruned = pruning.pruned

    def spy(*args):
        found = pruned(*args)
        seen["pruned" if found is not None else "full"] += 1
        return found

    monkeypatch.setattr(pruning, "pruned", spy)
    return seen


@SETTINGS
@given(
    words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=6),
    limit=st.sampled_from([1, 2, 3, 10, 50]),
    page=st.integers(1, 3),
    recent=st.sampled_from([None, 30.0]),
)
def test_pruning_ranks_as_scoring_every_match(index, monkeypatch, words, limit, page, recent):
    text = " ".join(words)
    options = {"limit": limit, "page": page, "recent": recent}
    assert _run(index, monkeypatch, True, text, **options) == _run(index, monkeypatch, False, text, **options)


def test_pruning_is_taken_and_keeps_the_totals(index, monkeypatch):
    """Most two-word queries of a common and a rare word are pruned, and their totals are every match's."""
    seen = _spy(monkeypatch)
    for rare in WORDS[6:]:
        text = f"said {rare}"
        pruned = _run(index, monkeypatch, True, text, limit=3)
        assert pruned == _run(index, monkeypatch, False, text, limit=3)
        assert pruned[0] == index.count(text, syntax=False)
    assert seen["pruned"] >= 6


def test_ties_at_the_cut_go_to_the_lower_story(tmp_path, monkeypatch):
    """Stories of equal score on both sides of the N-th place: the lower ones are kept, as the heap keeps them."""
    stories = [Article(id=f"t{i}", headline="harbour", body=f"harbour crane own{i}.") for i in range(40)]
    stories += [Article(id=f"c{i}", headline="filler", body=f"crane own{i}x.") for i in range(400)]
    with NewsIndex.create(tmp_path / "ix") as ix:
        ix.add(stories, extract=False)
        seen = _spy(monkeypatch)
        for limit in (1, 5, 17):
            pruned = _run(ix, monkeypatch, True, "harbour crane", limit=limit)
            assert pruned == _run(ix, monkeypatch, False, "harbour crane", limit=limit)
            assert [hit[0] for hit in pruned[1]] == [f"t{i}" for i in range(limit)]
    assert seen["pruned"] == 3


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    """Two segments where every seventh story repeats an earlier one (some under a new id, some as a later
    version of an id of the other segment), and deleted stories."""
    rng = random.Random(8)
    stories = _stories(6, 900)
    for i in range(6, 900, 7):
        earlier = stories[rng.randrange(i)]
        stories[i] = Article(id=f"d{i}", headline=earlier.headline, body=earlier.body)
    again = [
        Article(id=f"d{i}", headline=s.headline, body=s.body)
        for i, s in zip(range(3, 600, 50), stories[620::20][:12], strict=True)
    ]
    path = tmp_path_factory.mktemp("pruning-copies") / "ix"
    ix = _two_segments(path, stories[:600], stories[600:] + again, range(0, 900, 13))
    yield ix
    ix.close()


@SETTINGS
@given(
    words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=5),
    limit=st.sampled_from([1, 3, 10]),
    page=st.integers(1, 3),
)
def test_copies_are_grouped_as_when_every_match_is_scored(copies, monkeypatch, words, limit, page):
    text = " ".join(words)
    options = {"limit": limit, "page": page}
    assert _run(copies, monkeypatch, True, text, **options) == _run(
        copies, monkeypatch, False, text, **options
    )


def test_copies_among_pruned_matches_are_found(copies, monkeypatch):
    """Queries of a common and a rare word on the index of copies are pruned, and still fold the copies."""
    seen = _spy(monkeypatch)
    folded = 0
    for rare in WORDS[6:]:
        text = f"said {rare}"
        pruned = _run(copies, monkeypatch, True, text, limit=5)
        assert pruned == _run(copies, monkeypatch, False, text, limit=5)
        folded += sum(1 for hit in pruned[1] if hit[2])
    assert seen["pruned"] >= 6 and folded


@SETTINGS
@given(
    seed=st.integers(0, 10**6),
    terms=st.integers(2, 6),
    size=st.integers(20, 400),
    best=st.integers(1, 30),
    coordinated=st.booleans(),
)
def test_pruned_arrays_hold_the_top_of_every_match(monkeypatch, seed, terms, size, best, coordinated):
    """On random postings and scores (few distinct values, so ties are common; common words that may score
    higher than rare ones), the pruned candidates' top N are every match's top N, scores bit for bit."""
    import numpy as np

    monkeypatch.setattr(pruning, "PRUNE_POSTINGS", 0)
    rng = np.random.default_rng(seed)
    postings, scored = [], []
    for n in range(terms):
        share = rng.choice([0.02, 0.1, 0.5, 0.9])
        docs = np.flatnonzero(rng.random(size) < share).astype(np.int64)
        postings.append((("content", f"w{n}".encode()), docs))
        scored.append(rng.choice([0.25, 0.5, 1.0, 1.5, 3.0], len(docs)) * rng.choice([0.3, 1.0, 4.0]))
    how = (rng.choice([0.5, 1.0, 2.0]), 1.0 if coordinated else None, terms)
    dense, counts = np.zeros(size), np.zeros(size, dtype=np.int64)
    for (_, docs), scores in zip(postings, scored, strict=True):
        dense[docs] += scores
        counts[docs] += 1
    ids = np.flatnonzero(counts)
    final = pruning.final_scores(dense[ids], counts[ids], *how)
    expected = [(int(ids[i]), float(final[i])) for i in vectors.top_indexes(np, final, best)]
    pruned = pruning.pruned(np, postings, scored, how, best, size)
    if pruned is None:
        return
    kept, scores, _, mask = pruned
    found = [(int(kept[i]), float(scores[i])) for i in vectors.top_indexes(np, scores, best)]
    assert found == expected
    assert np.flatnonzero(mask).tolist() == ids.tolist()


def test_a_story_outside_the_candidates_that_ties_the_cut_keeps_its_place(monkeypatch):
    """A common word's story scoring exactly the N-th candidate's score, with a lower number, wins the tie: the
    candidates are not enough, and nothing is pruned."""
    import numpy as np

    monkeypatch.setattr(pruning, "PRUNE_POSTINGS", 0)
    rare = (("content", b"rare"), np.array([5, 6], dtype=np.int64))
    common = (("content", b"common"), np.arange(5, dtype=np.int64))
    scored = [np.array([1.0, 1.0]), np.ones(5)]
    assert pruning.pruned(np, [rare, common], scored, (1.0, None, 2), 1, 10) is None
    found = pruning.pruned(np, [rare, common], [np.array([2.0, 1.0]), np.ones(5)], (1.0, None, 2), 1, 10)
    assert found is not None and found[0].tolist() == [5, 6] and int(found[3].sum()) == 7


def test_a_pruned_part_answers_only_for_the_best_it_kept():
    """Grouping asks a pruned segment for its matches (all of them, from the mask), their scores (the kept ones)
    and its top N (only up to the N it kept: deeper, it must rank again)."""
    import numpy as np

    from newssearch.engine.collapse import Later, Seen

    mask = np.zeros(8, dtype=bool)
    mask[[1, 2, 5, 6]] = True
    seen = Seen(parts=[(10, [2, 5], [3.0, 1.0])], pruned={10: (mask, 2)})
    assert seen.top(2) == [(3.0, 12), (1.0, 15)]
    assert seen.top(3) is None
    assert [seen.is_match(n) for n in (11, 13, 16)] == [True, False, True]
    assert seen.score(12) == 3.0 and seen.score(16) is None
    later = Later(frozenset({16, 17}), {10: frozenset({6, 7})})
    assert seen.later(later) == [16]


def test_a_weighting_with_a_final_step_is_not_pruned(index, monkeypatch):
    """Whoosh walks every match itself when the weighting has a final step (``use_final``): nothing is pruned,
    and the total stays every match's."""
    from newssearch.engine.schema import StableBM25F

    monkeypatch.setattr(StableBM25F, "use_final", True)
    monkeypatch.setattr(StableBM25F, "final", lambda self, searcher, docnum, score: score, raising=False)
    seen = _spy(monkeypatch)
    pruned = _run(index, monkeypatch, True, "said crude", limit=3)
    assert pruned == _run(index, monkeypatch, False, "said crude", limit=3)
    assert pruned[0] == index.count("said crude", syntax=False) and seen["pruned"] == 0
