from pathlib import Path

import pytest

from newssearch import NewsIndex, QueryError


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    import shutil

    from .helpers import DATA, SEED

    folder = tmp_path_factory.mktemp("q")
    shutil.copytree(DATA / "mixed", folder / "corpus")
    shutil.copy(SEED, folder / "corpus")
    with NewsIndex.create(folder / "index") as ix:
        ix.update([folder / "corpus"])
        yield ix


def local(article_id: str) -> str:
    """An id relative to the corpus folder (ids may start with the folder's name, ``corpus/``)."""
    return article_id.removeprefix("corpus/")


def ids(results):
    return {local(h.id) for h in results.hits}


SEED_ID = "000_fef9c184b96aac0a.txt"


@pytest.mark.parametrize(
    ("text", "must", "must_not"),
    [
        ("NATO AND Iraq", {SEED_ID}, set()),
        ("NATO AND Bolsonaro", set(), {SEED_ID}),
        ("Bolsonaro OR Lagarde", {"election.txt", "wire-1"}, {SEED_ID}),
        ("Iraq NOT NATO", set(), {SEED_ID}),
        ("Reuters -Iraq", {"oil_prices.txt"}, {SEED_ID}),
        ('"State Department"', {SEED_ID}, set()),
        ('"Department State"', set(), {SEED_ID}),
        ("headline:troops", {SEED_ID}, set()),
        ("headline:Kerbala", set(), {SEED_ID}),
        ("person:Pompeo", {SEED_ID}, set()),
        ('person:"Mike Pompeo"', {SEED_ID}, set()),
        ("org:NATO", {SEED_ID}, set()),
        ("place:Kerbala", {SEED_ID}, set()),
        ("source:AP", {"storm.txt"}, {SEED_ID}),
        ("Soleim*", {SEED_ID}, set()),
        ("Soleimany~", {SEED_ID}, set()),
        ("Bolsonaro~2", {"election.txt"}, set()),
    ],
)
def test_query_syntax(index, text, must, must_not):
    found = ids(index.search(text, limit=50))
    assert must <= found
    assert not (must_not & found)


HOSTILE = [
    '"unbalanced quote',
    "unbalanced paren (",
    "))))",
    "AND",
    "OR OR OR",
    "NOT",
    "a AND",
    "field:",
    ":",
    "*",
    "?",
    "~",
    "^",
    "headline:",
    "nosuchfield:value",
    "date:[2020 to",
    "[a TO b]",
    "{}",
    "\\",
    "'single",
    "Iraq^abc",
    "Iraq~abc",
    "-",
    "+",
    "!!!???",
    "\x00\x01\x02",
    "Ирак НАТО",
    "伊拉克 北约",
    "العراق",
    "🙂 emoji",
    "x" * 10_000,
    "Iraq " * 1_999,
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_returns_results_or_query_error(index, text):
    try:
        results = index.search(text)
    except QueryError as exc:
        assert "\n" not in str(exc) and str(exc)
    else:
        assert results.total >= 0 and len(results.hits) <= 10


@pytest.mark.parametrize("text", ["", "   ", "x" * 10_001])
def test_unusable_text_is_a_query_error(index, text):
    with pytest.raises(QueryError):
        index.search(text)


def test_long_natural_text_still_searches(index):
    from .helpers import SEED

    paragraph = Path(SEED).read_text(encoding="utf-8")[:9_000]
    results = index.search(paragraph)
    assert local(results.hits[0].id) == SEED_ID


def test_body_alias_searches_headline_and_body_text(index):
    assert SEED_ID in ids(index.search("body:Kerbala"))
    assert SEED_ID in ids(index.search("text:Kerbala"))


def test_plain_words_mode_ignores_syntax(index):
    assert ids(index.search("Iraq NOT NATO")) == set()
    plain = index.search("Iraq NOT NATO", syntax=False)
    assert SEED_ID in ids(plain)  # "not" is a stop word, the rest are words
    assert SEED_ID in ids(index.search('headline:"zzz" Kerbala', syntax=False))


def test_snippets_can_be_skipped(index):
    fast = index.search("NATO Iraq", snippets=False).hits[0]
    full = index.search("NATO Iraq").hits[0]
    # Whoosh adds the same scores in another order when it records matched terms: equal up to rounding.
    assert local(fast.id) == local(full.id) == SEED_ID and fast.score == pytest.approx(full.score, rel=1e-12)
    assert fast.snippet.highlights == [] and fast.snippet.text.startswith("Baghdad (Reuters)")
    assert full.snippet.highlights
