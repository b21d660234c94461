"""The grouper's memory of a transaction's stories (ingest/written.py): what it gives back is what it was given,
whether held in memory or read back from its file, in one run of band keys or many."""

import random
from collections import Counter, defaultdict
from datetime import datetime

import numpy as np
import pytest

from newssearch import NewsIndex
from newssearch.ingest import grouping, reprints, written
from newssearch.ingest.written import Copy, Written, runs_of

from .helpers import CORPORA, needs_corpora


def story(n: int, rng: random.Random) -> tuple[Copy, list[int]]:
    shingles = frozenset(
        f"w{rng.randrange(500)} w{rng.randrange(500)} w{n}" for _ in range(rng.randrange(1, 40))
    )
    named = tuple(f"h{rng.randrange(30)}" for _ in range(rng.randrange(0, 5)))
    day = datetime(1987, 3, 1 + n % 28) if n % 3 else None
    copy = Copy(f"id-{n}", f"id-{n - n % 4}", day, named, n % 7 == 0, len(shingles), runs_of(shingles))
    keys = [rng.randrange(-(2**40), 2**40) if rng.random() < 0.5 else rng.randrange(60) for _ in range(16)]
    return copy, keys


@pytest.fixture
def small(monkeypatch):
    """Runs of a few stories and a file flushed every few records, so that a few hundred stories cross both."""
    monkeypatch.setattr(written, "RUN_STORIES", 7)
    monkeypatch.setattr(written, "FLUSH_BYTES", 500)


def test_every_story_is_read_back_as_it_was_given_from_the_buffer_or_the_file(small, tmp_path):
    rng = random.Random(5)
    kept = Written(str(tmp_path))
    given, waited = [], False
    for n in range(300):
        copy, keys = story(n, rng)
        assert kept.add(copy, keys) == n
        given.append(copy)
        back = kept.get(rng.randrange(n + 1))  # read while later ones are still written
        assert back.id.startswith("id-")
        waited |= bool(kept._buffer)
    assert len(kept) == 300 and kept._flushed > 0 and waited  # read back from the file and from memory
    for n, copy in enumerate(given):
        back = kept.get(n)
        assert (back.id, back.group, back.date, back.named, back.corrects, back.size) == (
            copy.id,
            copy.group,
            copy.date,
            copy.named,
            copy.corrects,
            copy.size,
        )
        assert np.array_equal(back.runs, copy.runs)
        assert kept.headlines[n] == hash(copy.named) and kept.corrections[n] == copy.corrects
    kept.close()
    assert list(tmp_path.iterdir()) == []  # the file had no name


@pytest.mark.parametrize("limit", [1, 3, 50])
def test_stories_sharing_band_keys_are_those_a_dict_of_every_key_gives(small, tmp_path, limit):
    rng = random.Random(limit)
    kept = Written(str(tmp_path))
    under: defaultdict[int, list[int]] = defaultdict(list)  # the model: every story under each 32-bit key
    for n in range(400):
        copy, keys = story(n, rng)
        kept.add(copy, keys)
        for key in {key & 0xFFFFFFFF for key in keys}:
            under[key].append(n)
        asked = [rng.randrange(60) for _ in range(8)] + keys[:4]
        expected: Counter[int] = Counter()
        for key in asked:
            expected.update(under.get(key & 0xFFFFFFFF, [])[:limit])
        assert kept.sharing(asked, limit) == expected
    assert len(kept._runs) > 1  # merged runs and the pending dict were both read
    kept.close()


def test_shingle_hashes_count_what_the_shingles_share():
    a = reprints.shingles("Strike closes port", "Dockworkers walked out on Monday at the port of Antwerp.")
    b = reprints.shingles("Strike closes port", "Dockworkers walked out on Monday at the port of Rotterdam.")
    one, two = (Copy("a", "a", None, (), False, len(s), runs_of(s)) for s in (a, b))
    assert one.common(two) == len(a & b) > 0 and one.size == len(a)


@needs_corpora
def test_reuters_groups_do_not_depend_on_how_the_memory_is_cut(tmp_path, monkeypatch):
    """Reuters-21578 grouped with runs of 8,192 stories and 1 MB writes, and with runs of 50 and 4 kB writes:
    the same groups, and hundreds of copies among them."""
    from newssearch.ingest.readers import read_articles

    folder = CORPORA / "reuters21578"
    articles = [
        a
        for name in ("reut2-002.sgm", "reut2-003.sgm")
        for a in read_articles(folder / name, folder).articles
    ]

    def grouped() -> dict[str, str]:
        grouper = grouping.Grouper(None, folder=str(tmp_path))
        found = {a.id: grouper.fields(a).get("group", a.id) for a in articles}
        grouper.close()
        return found

    wide = grouped()
    monkeypatch.setattr(written, "RUN_STORIES", 50)
    monkeypatch.setattr(written, "FLUSH_BYTES", 4096)
    assert grouped() == wide
    assert sum(key != group for key, group in wide.items()) > 20


def test_a_build_leaves_no_file_of_the_grouper_in_the_index(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(3):
        (corpus / f"{n}.txt").write_text(
            f"Port strike {n}\n\nDockworkers walked out on day {n} of the dispute.\n"
        )
    NewsIndex.rebuild(tmp_path / "ix", [corpus])
    assert not [p for p in (tmp_path / "ix").rglob("*") if "grouping" in p.name]
