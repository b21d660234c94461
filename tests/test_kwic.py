"""Keyword in context: a match in its sentence, or a bounded window of it; bounded in number."""

import re

from newssearch.models import Context
from newssearch.text.kwic import MAX_CONTEXTS, SENTENCE, SIDE, contexts


def spans(text: str, word: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(rf"\b{word}\b", text)]


def test_a_short_sentence_is_shown_whole():
    text = "Markets were calm. The oil price rose   sharply today! Traders left early."
    shown, more = contexts(text, spans(text, "oil"))
    assert shown == [Context("The ", "oil", " price rose sharply today!")] and more == 0
    assert str(shown[0]) == "The [oil] price rose sharply today!"


def test_a_capital_before_a_full_stop_does_not_end_the_sentence():
    text = "Officials of the U.S. said oil would flow. Next."
    (context,), _ = contexts(text, spans(text, "oil"))
    assert context.left == "Officials of the U.S. said " and context.right == " would flow."


def test_a_line_break_ends_the_sentence():
    text = "Oil Prices\nCrude oil rose\n\nOther news"
    (context,), _ = contexts(text, spans(text, "oil"))
    assert context == Context("Crude ", "oil", " rose")


def test_a_long_sentence_is_cut_to_a_window_at_word_boundaries():
    before = " ".join(f"word{n}" for n in range(60))
    after = " ".join(f"more{n}" for n in range(60))
    text = f"{before} oil {after}."
    (context,), _ = contexts(text, spans(text, "oil"))
    assert context.match == "oil"
    assert context.left.startswith("… word") and context.right.endswith(" …")
    assert len(context.left) <= SIDE + 2 and len(context.right) <= SIDE + 2
    assert context.left.split()[1] in before.split() and context.right.split()[-2] in after.split()


def test_matched_words_next_to_each_other_are_one_match():
    text = "The State Department said so."
    shown, more = contexts(text, spans(text, "State") + spans(text, "Department"))
    assert shown == [Context("The ", "State Department", " said so.")] and more == 0


def test_the_number_of_contexts_is_bounded_and_the_rest_counted():
    text = "Oil rose. " * 2000  # 20,000 characters, 2,000 matches
    shown, more = contexts(text, spans(text, "Oil"))
    assert len(shown) == MAX_CONTEXTS and more == 2000 - MAX_CONTEXTS
    assert all(c == Context("", "Oil", " rose.") for c in shown)


def test_a_huge_story_without_sentences_gives_a_small_row():
    text = ("x" * 999 + " ") * 500 + "oil " + "y" * 500_000  # no spaces near the match on the right
    (context,), _ = contexts(text, spans(text, "oil"))
    assert len(context.left) + len(context.right) <= 2 * SENTENCE


def test_a_sentence_with_several_matches_is_one_context_with_each_marked():
    text = "Markets were calm. Oil rose as  oil   stocks fell and oil traders left. Then oil fell."
    shown, more = contexts(text, spans(text, "[Oo]il"))
    assert more == 0 and len(shown) == 2  # one a sentence, not one a match
    assert str(shown[0]) == "[Oil] rose as [oil] stocks fell and [oil] traders left."
    assert shown[0].to_dict()["marks"] == [[0, 3], [12, 15], [32, 35]]
    assert [shown[0].match[a:b] for a, b in shown[0].marks] == ["Oil", "oil", "oil"]
    assert str(shown[1]) == "Then [oil] fell." and "marks" not in shown[1].to_dict()
