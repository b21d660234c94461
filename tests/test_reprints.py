"""Near-identical copies: shingles, band keys and the verification of a pair, on the fixtures in data/reprints."""

import subprocess
import sys
from datetime import timedelta

from newssearch.ingest import reprints
from newssearch.ingest.readers import read_articles

from .helpers import DATA, ROOT

FOLDER = DATA / "reprints"


def _story(name: str):
    article = read_articles(FOLDER / f"{name}.txt", FOLDER).articles[0]
    return article, reprints.shingles(article.headline, article.body)


def test_words_are_folded_and_numbers_kept():
    assert reprints.words("Café RISES 2,500 pct—Zürich") == ["cafe", "rises", "2", "500", "pct", "zurich"]
    assert reprints.shingles("A b", "") == frozenset({"a b"})
    assert reprints.shingles("", " ") == frozenset() and reprints.band_keys([]) == []
    assert "a b c" in reprints.shingles("A b c", "d")


def test_an_edited_reprint_is_a_copy_and_a_story_of_the_same_template_is_not():
    wire, wire_runs = _story("strike_0912")
    reprint, reprint_runs = _story("strike_1140")
    assert reprints.copies(wire_runs, reprint_runs, wire.date, reprint.date)
    assert set(reprints.band_keys(wire_runs)) & set(reprints.band_keys(reprint_runs))
    acme, acme_runs = _story("earnings_acme")
    beta, beta_runs = _story("earnings_beta")
    # The same earnings template shares a band key (a candidate) but not enough of its text.
    assert set(reprints.band_keys(acme_runs)) & set(reprints.band_keys(beta_runs))
    assert not reprints.copies(acme_runs, beta_runs, acme.date, beta.date)
    other, other_runs = _story("other_port")
    assert not reprints.copies(wire_runs, other_runs, wire.date, other.date)


def test_the_same_text_weeks_apart_is_a_recurring_report_not_a_reprint():
    wire, runs = _story("strike_0912")
    assert reprints.copies(runs, runs, wire.date, wire.date + timedelta(days=reprints.MAX_DAYS))
    assert not reprints.copies(runs, runs, wire.date, wire.date + timedelta(days=reprints.MAX_DAYS, hours=1))
    assert reprints.copies(runs, runs, None, wire.date)  # an undated copy: the text alone decides


def test_short_stories_need_more_of_their_text_in_common():
    head = "Qtly div 11 cts vs 11 cts prior Pay June 15 Record May"
    one = reprints.shingles("MILTON ROY CO SETS QUARTERLY", head)
    two = reprints.shingles("FRANKLIN FUND SETS QUARTERLY", head)
    assert len(one) < reprints.SHORT
    assert reprints.THRESHOLD <= reprints.similarity(one, two) < reprints.SHORT_THRESHOLD
    assert not reprints.copies(one, two, None, None)


def test_band_keys_are_the_same_in_another_process():
    """They are stored in the index: a later run must compute the same ones."""
    _, runs = _story("strike_0912")
    code = (
        "from newssearch.ingest import reprints; from newssearch.ingest.readers import read_articles; from pathlib import Path;"
        f"a = read_articles(Path({str(FOLDER / 'strike_0912.txt')!r}), Path({str(FOLDER)!r})).articles[0];"
        "print(' '.join(reprints.band_keys(reprints.shingles(a.headline, a.body))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"PYTHONHASHSEED": "7", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    keys = reprints.band_keys(runs)
    assert out.stdout.split() == keys and len(keys) == reprints.BANDS


WIRE = DATA / "reprints_wire"


def _wire(name: str):
    article = read_articles(WIRE / f"{name}.txt", WIRE).articles[0]
    return article, reprints.shingles(article.headline, article.body)


def _copies(one: str, two: str) -> bool:
    (a, a_runs), (b, b_runs) = _wire(one), _wire(two)
    return reprints.copies(a_runs, b_runs, a.date, b.date, a.headline, b.headline)


def test_a_shortened_copy_and_a_correction_are_copies_though_they_share_little_of_the_text():
    story, runs = _wire("smelter_1407")
    for name in ("smelter_1453", "smelter_1820_corrected"):
        copy, copy_runs = _wire(name)
        # Too little in common for the Jaccard rule, and no band key in common: found by their headlines.
        assert reprints.similarity(runs, copy_runs) < reprints.THRESHOLD
        assert not set(reprints.band_keys(runs)) & set(reprints.band_keys(copy_runs))
        assert not reprints.copies(runs, copy_runs, story.date, copy.date)  # the text alone
        assert _copies("smelter_1407", name) and _copies(name, "smelter_1407")
    assert _copies("smelter_1453", "smelter_1820_corrected")
    assert _copies("dividend_beta", "dividend_beta_corrected")


def test_stories_of_one_template_stay_apart_under_the_rules_for_shortened_copies_and_corrections():
    # Another company's dividend: the correction holds enough of its text, but names another company.
    _, acme_runs = _wire("dividend_acme")
    _, corrected_runs = _wire("dividend_beta_corrected")
    assert len(acme_runs & corrected_runs) / len(acme_runs) >= reprints.CORRECTION_CONTAINED
    assert not _copies("dividend_acme", "dividend_beta_corrected")
    assert not _copies("dividend_acme", "dividend_beta")
    # A daily report under the same headline is as long as the last one: not a shortened copy of it.
    assert not _copies("grain_ships_0317", "grain_ships_0319")
    # Nor is a shortened copy one more than MAX_DAYS later.
    story, runs = _wire("smelter_1407")
    short, short_runs = _wire("smelter_1453")
    later = short.date + timedelta(days=reprints.MAX_DAYS + 1)
    assert not reprints.copies(runs, short_runs, story.date, later, story.headline, short.headline)


def test_corrections_are_told_by_a_leading_marker():
    assert reprints.is_correction("CORRECTED - MELLON <MEL> UNIT'S NOTES")
    assert reprints.is_correction("(CORRECTED)-IVORY COAST CONFIRMS PRESENCE AT TALKS")
    assert reprints.is_correction("Correction: Council tax figures")
    assert not reprints.is_correction("SILVER STATE MINING <SSMC> CORRECTS NET")  # a company's own news
    assert not reprints.is_correction("Markets brace for a correction")
    assert not reprints.is_correction("Correction agency plans dropped")  # BBC: the word, not a marker
    assert reprints.headline_words("CORRECTED-U.S. <ABC> 1ST QTR NET") == ("abc", "1st", "qtr", "net")
