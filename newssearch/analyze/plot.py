"""Timelines as a chart, PNG or SVG (``--plot FILE``), drawn with matplotlib: an optional extra,
``pip install "newssearch[plot]"``."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from newssearch.analyze.results import Period, Timeline
from newssearch.errors import QueryError

#: The formats a chart can be written in, by the suffix of its file name.
FORMATS = {".png": "png", ".svg": "svg"}
_LABEL_CHARS = 80  #: a longer query is cut in the legend
_NO_DATA = "no dated matching stories"
#: Days either side of the only date of a chart with one period, by the length of the period.
_PAD = {"day": 2, "week": 14, "month": 62, "year": 731}


def _text(text: str) -> str:
    """``text`` as matplotlib shows it literally: on one line, without control characters, ``$`` escaped (not
    mathtext) and at most ``_LABEL_CHARS`` long."""
    text = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cs", "Co", "Cn"))
    text = " ".join(text.split())
    if len(text) > _LABEL_CHARS:
        text = text[: _LABEL_CHARS - 1] + "…"
    return text.replace("$", r"\$")


def plot_timelines(timelines: list[Timeline], path: Path, share: bool = False) -> None:
    """Draw ``timelines`` to ``path`` (``.png`` or ``.svg``): one line per query, the matching stories per period
    (``share``: as a percentage of all the stories of the period), the peaks marked and labelled."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise QueryError(f"cannot plot to {path.name!r}: the file name must end in .png or .svg")
    try:
        import matplotlib  # noqa: F401  (first: a submodule imported before is found without its package)
        from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator, PercentFormatter
    except ImportError:
        raise QueryError('--plot needs matplotlib: pip install "newssearch[plot]"') from None

    def y(period: Period) -> float:
        return period.share * 100 if share else period.count

    # A bare Figure (no pyplot) draws with the backend of the format and is registered nowhere: no global state,
    # nothing to close; it goes with its last reference.
    fig = Figure(figsize=(10, 5), layout="constrained")
    ax = fig.add_subplot()
    bys = {timeline.by for timeline in timelines}
    by = bys.pop() if len(bys) == 1 else "period"
    ax.set_title(
        f"Share of the stories of each {by} that match (%)" if share else f"Matching stories per {by}"
    )
    ax.set_ylabel("% of the stories" if share else "stories")
    handles, labels = [], []
    for timeline in timelines:
        xs = [float(date2num(p.start)) for p in timeline.periods]
        (line,) = ax.plot(xs, [y(p) for p in timeline.periods], marker="o", markersize=3, linewidth=1.5)
        handles.append(line)
        labels.append(_text(timeline.query) or "(all stories)")
        for label in timeline.peaks:
            period = timeline.period(label)
            if period is None:
                continue
            point = (float(date2num(period.start)), y(period))
            ax.plot(*point, marker="o", markersize=7, color=line.get_color())
            ax.annotate(
                _text(label), point, xytext=(0, 7), textcoords="offset points", ha="center", fontsize=8,
                color=line.get_color(),
            )  # fmt: skip
    starts = {p.start for timeline in timelines for p in timeline.periods}
    if starts:
        locator = AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        if len(starts) == 1:  # else matplotlib spans years around it
            x = float(date2num(starts.pop()))
            ax.set_xlim(x - _PAD.get(by, 62), x + _PAD.get(by, 62))
        if share:
            ax.yaxis.set_major_formatter(PercentFormatter(xmax=100))
        else:
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.margins(y=0.12)  # room for the peak labels
        ax.set_ylim(bottom=0)
    else:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.text(0.5, 0.5, _NO_DATA, transform=ax.transAxes, ha="center", va="center", color="gray")
    ax.grid(True, alpha=0.3)
    if handles:
        ax.legend(handles, labels, loc="upper left", fontsize="small")
    fig.savefig(path, format=fmt, dpi=150, metadata={"Date": None} if fmt == "svg" else None)
