"""What ``newssearch show`` and ``newssearch stats`` print (``render.py`` prints search results).

Corpus text goes through ``terminal_safe``, or a same-length replacement where highlight spans must stay valid
(the body keeps its line breaks, so its paragraphs stay paragraphs).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from rich.console import Console
from rich.text import Text

from newssearch.cli.render import HIGHLIGHT, safe
from newssearch.dates import format_date
from newssearch.models import IndexStats, Reading
from newssearch.text.sanitize import terminal_safe

#: Sources shown in text (``--json`` lists up to ``stats.MAX_SOURCES``).
SHOWN_SOURCES = 10
_CONTROL_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def _body_text(text: str) -> str:
    """Control characters replaced one for one (a tab by a space), line breaks kept."""
    return _CONTROL_BUT_NEWLINE.sub(lambda m: " " if m.group() == "\t" else "\ufffd", text)


def _marked(text: str, spans: list[tuple[int, int]], style: str = "") -> Text:
    out = Text(_body_text(text), style=style)
    for start, end in spans:
        out.stylize(HIGHLIGHT, start, end)
    return out


def render_reading(reading: Reading, console: Console) -> None:
    """The whole article: headline, where it came from, its labels and entities, then its body."""
    article = reading.article
    headline = _marked(article.headline.replace("\n", " "), reading.headline_highlights, "bold")
    console.print(headline if article.headline else Text("(no headline)", style="bold"))
    meta = [
        format_date(article.date, article.date_precision) if article.date else None,
        article.source,
        article.place,
    ]
    details = Text()
    if any(meta):
        details.append(terminal_safe(" · ".join(m for m in meta if m)) + "\n", style="cyan")
    fields = [("By", article.author), ("Section", article.section), ("URL", article.url)]
    fields += [("id", article.id), ("File", article.path)]
    labels = "; ".join(
        f"{key}: {', '.join(values)}" for key, values in sorted(article.metadata.items()) if values
    )
    fields.append(("Labels", labels))  # what came with the record (Reuters' topics, say), apart from entities
    for label, names in (
        ("People", article.people),
        ("Orgs", article.organizations),
        ("Places", article.places),
    ):
        fields.append((label, ", ".join(names)))
    for label, value in fields:
        if value:
            details.append(f"{terminal_safe(label)}: ", style="dim")
            details.append(
                terminal_safe(value) + "\n", style="green" if label in ("People", "Orgs", "Places") else ""
            )
    console.print(details)
    console.print(_marked(article.body, reading.body_highlights))


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"  # not reached


def human_age(then: datetime, now: datetime | None = None) -> str:
    seconds = max(0.0, ((now or datetime.now(timezone.utc)) - then).total_seconds())
    for unit, length in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= length:
            count = int(seconds // length)
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"


def render_stats(stats: IndexStats, console: Console) -> None:
    rows: list[tuple[str, str]] = [("Index", safe(stats.path)), ("Stories", f"{stats.articles:,}")]
    if stats.earliest and stats.latest:
        dated = f"{stats.earliest.date().isoformat()} to {stats.latest.date().isoformat()}"
        rows.append(("Dates", f"{dated} ({stats.undated:,} undated)" if stats.undated else dated))
    else:
        rows.append(("Dates", "none dated"))
    if stats.sources:
        shown = ", ".join(f"{safe(name)} {count:,}" for name, count in stats.sources[:SHOWN_SOURCES])
        more = stats.source_count - min(SHOWN_SOURCES, len(stats.sources))
        rows.append(("Sources", shown + (f", and {more:,} more" if more > 0 else "")))
    if stats.unsourced:
        rows.append(("No source", f"{stats.unsourced:,} stories"))
    formats = ", ".join(
        f"{safe(ending or '(no ending)')} {c.files:,} file{'s' if c.files != 1 else ''}"
        + (f" with {c.articles:,} stories" if c.articles != c.files else "")
        for ending, c in sorted(stats.formats.items(), key=lambda item: (-item[1].articles, item[0]))
    )
    rows.append(("Files", f"{stats.files:,}" + (f" ({formats})" if formats else "")))
    if stats.unfiled:
        rows.append(("Not from files", f"{stats.unfiled:,} stories (added through the API)"))
    rows.append(("Size", f"{human_size(stats.size_bytes)} on disk, {stats.segments} segment(s)"))
    if stats.last_commit:
        when = stats.last_commit.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
        rows.append(("Updated", f"{when} ({human_age(stats.last_commit)})"))
    if stats.reprints:
        copies = f"{stats.reprints:,} near-identical cop{'y' if stats.reprints == 1 else 'ies'}"
        rows.append(
            (
                "Reprints",
                f"{copies} of {stats.reprint_groups:,} stor{'y' if stats.reprint_groups == 1 else 'ies'}",
            )
        )
    rows.append(("Schema", f"version {stats.schema_version}"))
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        console.print(f"[bold]{label + ':':<{width + 1}}[/bold] {value}")
