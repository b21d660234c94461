"""newssearch.extract.english: what English writes in lower case."""

from __future__ import annotations

import pytest

from newssearch.extract.english import is_common, is_pure_common


@pytest.mark.parametrize(
    "word", ["reading", "Reading", "nice", "police", "banks", "studies", "closed", "seeking"]
)
def test_common_words_and_their_inflections(word: str) -> None:
    assert is_common(word)


@pytest.mark.parametrize("word", ["Baghdad", "Soleimani", "Pompeo", "Kerbala"])
def test_names_are_not_common(word: str) -> None:
    assert not is_common(word)


@pytest.mark.parametrize(
    ("word", "pure"), [("seeking", True), ("reading", True), ("nice", False), ("mike", False)]
)
def test_pure_common_words_are_never_names(word: str, pure: bool) -> None:
    assert is_common(word)
    assert is_pure_common(word) is pure
