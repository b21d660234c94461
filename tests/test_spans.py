"""newssearch.extract.spans: runs of capitalised words, joined and split by their connectors."""

from __future__ import annotations

import pytest

from newssearch.extract.gazetteer import gazetteer
from newssearch.extract.spans import spans
from newssearch.extract.tokens import join, tokenize


def _spans(text: str) -> list[tuple[str, str | None, str | None]]:
    """Each run as written, with the text of the tokens around it."""
    toks = tokenize(text, 0, set())
    return [
        (join(span), prev.text if prev else None, nxt.text if nxt else None)
        for span, prev, nxt in spans(toks, gazetteer())
    ]


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("the Bank of England said", [("Bank of England", "the", "said")]),
        (
            "The Securities and Exchange Commission met.",
            [("The Securities and Exchange Commission", None, "met")],
        ),
        ("Moody's Investors Service Inc said", [("Moody's Investors Service Inc", None, "said")]),
        (
            "Rio de Janeiro and the Gulf of Mexico",
            [("Rio de Janeiro", None, None), ("Gulf of Mexico", None, None)],
        ),
        ("Procter & Gamble rose", [("Procter & Gamble", None, "rose")]),
    ],
)
def test_connectors_join_names(text: str, runs: list[tuple[str, str | None, str | None]]) -> None:
    assert _spans(text) == runs


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        # "and" between companies, or between places, joins nothing
        ("Standard Oil Co and BP Inc rose.", [("Standard Oil Co", None, None), ("BP Inc", None, "rose")]),
        ("Paris and London agreed", [("Paris", None, None), ("London", None, "agreed")]),
        # a possessive ends a name unless a company's own ("Moody's")
        ("Britain's Labour Party won.", [("Britain", None, None), ("Labour Party", None, "won")]),
        # "the" only after "of" or "for"
        ("Iraq the Gulf", [("Iraq", None, "the"), ("Gulf", "the", None)]),
    ],
)
def test_runs_split_where_connectors_do_not_hold(
    text: str, runs: list[tuple[str, str | None, str | None]]
) -> None:
    assert _spans(text) == runs


def test_lower_case_words_end_runs() -> None:
    assert _spans("talks with Donald Trump in Washington ended") == [
        ("Donald Trump", "with", "in"),
        ("Washington", "in", "ended"),
    ]
