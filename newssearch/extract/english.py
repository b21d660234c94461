"""Common English words, from ``english-words`` (Webster's 2nd, where proper nouns are capitalised).

The word list loads once, lazily, on first use.
"""

from __future__ import annotations

from functools import lru_cache

from newssearch.extract.cache import cached, library_files


@lru_cache(maxsize=1)
def english_words() -> tuple[frozenset[str], frozenset[str]]:
    """(words Webster's 2nd writes in lower case, lower-cased words it writes capitalised)."""
    return cached("english-words", lambda: [__file__, *library_files("english_words")], _build)


def _build() -> tuple[frozenset[str], frozenset[str]]:
    from english_words import get_english_words_set

    words: set[str] = get_english_words_set(["web2"])
    return frozenset(w for w in words if w.islower()), frozenset(w.lower() for w in words if not w.islower())


_INFLECTIONS = (
    ("ies", "y"),
    ("es", ""),
    ("s", ""),
    ("ed", ""),
    ("ed", "e"),
    ("ing", ""),
    ("ing", "e"),
    ("est", ""),
)


def is_common(word: str) -> bool:
    """True if English writes ``word`` in lower case ("reading", "nice"); also inflected forms ("banks")."""
    lower, proper = english_words()
    w = word.lower()
    if w in lower:
        return True
    if w in proper:
        return False
    return any(
        w.endswith(suf) and len(w) - len(suf) >= 3 and w[: -len(suf)] + rep in lower
        for suf, rep in _INFLECTIONS
    )


def is_pure_common(word: str) -> bool:
    """A common word that English does not also use as a name ("seeking", "reading"; not "nice", "mike")."""
    return is_common(word) and word.lower() not in english_words()[1]
