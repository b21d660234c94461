"""``keywords`` (what a query's coverage is about) and ``spike`` (why one of its periods stands out): the words
and entities most characteristic of a set of stories against another (``significance.py``)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from newssearch.analyze import significance
from newssearch.analyze.results import Keywords, Spike
from newssearch.analyze.timeline import by_of_label, timeline
from newssearch.engine import Selection, dates_of, stories
from newssearch.errors import QueryError


def keywords(sel: Selection, limit: int) -> Keywords:
    """The words most characteristic of the selection's stories against every other story of the index."""
    fg = sel.mask()
    bg = sel.mask(stories(sel)) & ~fg
    out = Keywords(
        query=sel.options.text if sel.options else "", total=int(fg.sum()), background=int(bg.sum())
    )
    out.notes, out.index, out.filters = list(sel.notes), sel.index, sel.filters
    out.terms = significance.words(sel, fg, bg, limit)
    if out.total > significance.SAMPLE:
        out.notes.append(
            f"the words are chosen from {significance.SAMPLE} of the {out.total:,} stories, and counted in all"
        )
    return out


def _in_period(sel: Selection, docs: Any, start: Any, end: Any) -> Any:
    """Which of ``docs`` are dated from ``start`` to ``end`` (dates, inclusive)."""
    np = sel.np
    dates = dates_of(sel.searcher, np)[docs]
    days = (np.datetime64("0001-01-01", "us") + np.maximum(dates, 0).astype("timedelta64[us]")).astype(
        "datetime64[D]"
    )
    return (dates >= 0) & (days >= np.datetime64(start, "D")) & (days <= np.datetime64(end, "D"))


def spike(sel: Selection, period: str, by: str | None, limit: int) -> Spike:
    """The words and entities most characteristic of a period's matching stories (``period``: a label such as
    ``1987-03``, or ``peak``: the timeline's highest peak) against the query's other periods."""
    np = sel.np
    if period != "peak":
        named = by_of_label(period)
        if named is None:
            raise QueryError(
                f"{period!r} is not a period: give a year (1987), month (1987-03), ISO week (1987-W10), day (1987-03-02) "
                "or peak"
            )
        if by is not None and by != named:
            raise QueryError(f"--period {period} is a {named}, not a {by}: leave out --by or make them agree")
        by = named
    line = timeline(sel, by, bool(sel.options and sel.options.all_versions))
    if period == "peak":
        if not line.peaks:
            raise QueryError(
                "the timeline has no peak: name a period with --period (as the timeline labels them)"
            )
        period = line.peaks[0]
    chosen = line.period(period)
    if chosen is None:
        span = (
            f"from {line.periods[0].label} to {line.periods[-1].label}"
            if line.periods
            else "none: no story is dated"
        )
        raise QueryError(f"no period {period} among the matches' {line.by}s ({span})")
    docs = sel.docs
    inside = _in_period(sel, docs, chosen.start, chosen.end)
    fg = sel.mask(docs[inside])
    dated = dates_of(sel.searcher, np)[docs] >= 0
    bg = sel.mask(docs[dated & ~inside])
    out = Spike(
        query=line.query, period=chosen, background=int(bg.sum()), notes=list(sel.notes), index=sel.index
    )
    out.filters = sel.filters
    if not out.background:  # every dated match is in the period: against the index's other periods instead
        everything = stories(sel)
        bg = sel.mask(
            everything[
                ~_in_period(sel, everything, chosen.start, chosen.end)
                & (dates_of(sel.searcher, np)[everything] >= 0)
            ]
        )
        out.background = int(bg.sum())
        out.notes.append(
            f"every dated match is in {chosen.label}: compared with the index's other stories instead"
        )
    out.words = significance.words(sel, fg, bg, limit)
    out.entities = significance.entities(sel, fg, bg, limit)
    return out


def period_options(options: Any, spike: Spike, limit: int) -> Any:
    """The options of a search for the period's best-matching stories."""
    from datetime import datetime, time

    start = datetime.combine(spike.period.start, time.min)
    end = datetime.combine(spike.period.end, time.max)
    start = max(start, options.start) if options.start else start
    end = min(end, options.end) if options.end else end
    return replace(options, limit=limit, page=1, start=start, end=end, sort="relevance", snippets=True)
