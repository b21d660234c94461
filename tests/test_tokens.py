"""newssearch.extract.tokens: cleaning, paragraphs and tokens."""

from __future__ import annotations

from newssearch.extract.tokens import (
    Tok,
    clean_body,
    clean_headline,
    is_acronym,
    is_date_word,
    join,
    paragraphs,
    tokenize,
)


def _tokens(text: str) -> list[Tok]:
    return tokenize(text, 0, set())


def test_clean_body_drops_tickers_and_the_sign_off() -> None:
    assert clean_body("Chrysler Corp <C> said \u201cyes\u201d.\n\n Reuter") == 'Chrysler Corp   said "yes".'
    assert clean_body("He said so.\nREUTERS") == "He said so."
    assert clean_body("Reuters said so.") == "Reuters said so."  # not a sign-off


def test_clean_headline_keeps_reuter_and_drops_tickers() -> None:
    assert clean_headline("CHRYSLER <C> UP\n\nReuter") == "CHRYSLER   UP\n\nReuter"


def test_typographic_characters_become_plain_one_for_one() -> None:
    text = "NATO\u2019s \u201cplan\u201d\u00a0for Abu\u2011Dhabi"
    assert clean_headline(text) == 'NATO\'s "plan" for Abu-Dhabi'
    assert len(clean_headline(text)) == len(text)


def test_abbreviations_keep_their_full_stop() -> None:
    toks = _tokens("Mr. Smith of Chrysler Corp. met J. Doe. Then he left.")
    assert [t.text for t in toks if t.word] == [
        *("Mr.", "Smith", "of", "Chrysler", "Corp.", "met", "J.", "Doe", "Then", "he", "left")
    ]
    then = next(t for t in toks if t.text == "Then")
    assert then.initial  # "Doe." ended the sentence


def test_token_flags() -> None:
    lower: set[str] = set()
    toks = tokenize("NATO's chief met al-Sistani. State-owned firms", 100, lower)
    by_text = {t.text: t for t in toks}
    assert by_text["NATO"].possessive and by_text["NATO"].cap and by_text["NATO"].pos == 100
    assert by_text["al-Sistani"].cap  # an Arabic article before a capital
    assert not by_text["State-owned"].cap
    assert by_text["State-owned"].initial
    assert not by_text["."].word
    assert lower == {"chief", "met", "al-Sistani", "firms"}


def test_words_joined_by_a_hyphen_split_at_known_places() -> None:
    texts = [(t.text, t.cap, t.word) for t in _tokens("Iraq-Iran talks, Inter-American bank")]
    assert texts[:3] == [("Iraq", True, True), ("-", False, False), ("Iran", True, True)]
    assert ("Inter-American", True, True) in texts


def test_paragraphs_with_offsets() -> None:
    pars = paragraphs("One two.\n\nThree four\n  indented", 10, set())
    assert [[t.text for t in p] for p in pars] == [["One", "two", "."], ["Three", "four"], ["indented"]]
    assert [p[0].pos for p in pars] == [10, 20, 33]


def test_is_acronym() -> None:
    assert is_acronym("NATO") and is_acronym("U.S.") and is_acronym("AT&T")
    assert not is_acronym("Nato")
    assert not is_acronym("A")
    assert not is_acronym("ABCDEFG")


def test_join_keeps_inner_possessives() -> None:
    toks = _tokens("Moody's Investors Service's")
    assert join(toks) == "Moody's Investors Service"


def test_date_words() -> None:
    toks = _tokens("Jan. March 3 May Smith")
    assert is_date_word(toks, 0)  # abbreviated
    assert is_date_word(toks, 1)  # before a day number
    assert not is_date_word(toks, 3)  # "May Smith"
    assert not is_date_word(toks, 4)  # no month
    assert is_date_word(_tokens("May"), 0)  # alone
