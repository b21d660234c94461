"""``--recent``: relevance times a freshness factor, so that of two stories about as relevant the newer ranks first.

The factor halves its distance to a floor with every half-life of age: ``(1 + 2 ** (-age / half_life)) / 2``,
from 1 for a story as new as the newest one in the index down towards 0.5 for old ones (and 0.5 for undated
stories). Age counts from the newest story in the index, not from today, so an archive's own latest news comes
first. A story can overtake one at most twice as relevant: freshness reorders, it does not drown relevance.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from newssearch.models import Contribution

#: The default half-life, in days, of ``--recent``.
HALF_LIFE_DAYS = 7.0
#: The factor of an undated story, and the limit of an old one's.
FLOOR = 0.5
_DAY = 86400.0


def factor(age_seconds: float | None, half_life_days: float) -> float:
    """The freshness factor of a story this old (None: undated)."""
    if age_seconds is None:
        return FLOOR
    age_days = max(age_seconds, 0.0) / _DAY
    return FLOOR + (1 - FLOOR) * 2.0 ** (-age_days / half_life_days)


def rerank(
    scored: list[tuple[float, int]], age: Callable[[int], float | None], half_life_days: float, depth: int
) -> tuple[list[tuple[float, int]], bool]:
    """``scored`` ((score, docnum), best first: the top of the matches by relevance) ranked by score times
    freshness; and whether that order's first ``depth`` are exact, i.e. no match ranked below ``scored`` could
    reach them (its score is at most the last one's, and its factor at most 1)."""
    boosted = [(score * factor(age(docnum), half_life_days), docnum) for score, docnum in scored]
    boosted.sort(key=lambda item: (-item[0], item[1]))
    if len(boosted) <= depth:
        return boosted, True
    return boosted, scored[-1][0] < boosted[depth - 1][0]


def with_recency(parts: list[Contribution], hit: Any, raw: dict[int, float]) -> list[Contribution]:
    """A reranked hit's explanation, with what freshness added (or took away) as a part of its own."""
    if hit.docnum not in raw:
        return parts
    relevance = raw[hit.docnum]
    factor = (hit.score or 0.0) / relevance if relevance else 1.0
    return [*parts, Contribution("recency", f"x{factor:.2f}", (hit.score or 0.0) - relevance)]
