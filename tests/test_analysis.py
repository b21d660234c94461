"""``engine/analysis.py``: a text field indexed through the per-word cache gives Whoosh's own terms, frequencies,
weights and positions, for every text field of the schema and any text."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import fields

from newssearch.engine import analysis
from newssearch.engine.schema import build_schema

SCHEMA = build_schema()
TEXT_FIELDS = sorted(name for name, field in SCHEMA.items() if isinstance(field, fields.TEXT))
#: Words and pieces a story holds: stop words, one-letter words, accents, capitals, numbers, apostrophes,
#: hyphens, other scripts, punctuation and spaces.
PIECES = ["the", "a", "of", "Oil", "OIL", "prices", "price", "Pricing", "Zürich", "zurich", "café", "É", "U.S.",
          "5.5", "1987", "don't", "co-operate", "Москва", "東京", "x", "I", "running", "ran", " ", "  ", ", ", ".",
          "\n", "—", "'s", "Blair's", "naïve", "ﬁnance", "straße"]  # fmt: skip


@pytest.mark.parametrize("name", TEXT_FIELDS)
def test_every_text_field_takes_the_cached_path(name):
    assert analysis._terms_of(SCHEMA[name].analyzer) is not None


@settings(max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "300")), deadline=None)
@given(
    name=st.sampled_from(TEXT_FIELDS),
    text=st.one_of(st.lists(st.sampled_from(PIECES), max_size=40).map("".join), st.text(max_size=80)),
)
def test_a_field_indexes_as_whoosh_indexes_it(name, text):
    field = SCHEMA[name]
    expected = list(analysis._whoosh_index(field, text))
    assert list(field.index(text)) == expected
    assert list(field.index(text)) == expected  # again, from the cache


def test_the_whoosh_the_engine_reaches_into_is_the_pinned_one():
    """The engine reads Whoosh 2.7.5's posting blocks, columns and writer from the inside (``analysis.py``,
    ``postings.py``, ``vectors.py``, ``docsets.py``, ``segments.py``): the version is pinned, and installed."""
    from importlib.metadata import version

    from .helpers import ROOT

    assert version("whoosh-reloaded") == "2.7.5"
    assert '"whoosh-reloaded==2.7.5"' in (ROOT / "pyproject.toml").read_text()
