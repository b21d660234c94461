"""Coverage analyses in the terminal: Rich tables, and timelines as bar charts with their peaks named."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from newssearch.analyze.results import Cooccurrence, Facet, Keywords, Spike, Term, Timeline
from newssearch.cli.render import ECHO, safe
from newssearch.text.sanitize import terminal_safe

BAR = 40  #: the longest bar of a chart, in characters
COLUMN_NAMES = {"people": "Person", "orgs": "Organization", "places": "Place", "sources": "Source"}
COLUMN_NAMES |= {"topics": "Topic", "authors": "Author", "sections": "Section", "words": "Word"}
KIND_NAMES = {"people": "person", "orgs": "org", "places": "place", "word": "word"}


def _echo(text: str) -> str:
    """A query as a title shows it, as plain text (no markup: titles are ``Text``): whole up to ``ECHO``
    characters, else its first words and an ellipsis."""
    flat = " ".join(terminal_safe(text).split())
    return flat if len(flat) <= ECHO else flat[:ECHO].rsplit(" ", 1)[0] + " …"


def _which(text: str, filters: dict[str, list[str]]) -> str:
    """Which stories a result speaks of, as plain text: ``matching “oil”``, ``naming person Helmut Kohl``,
    ``with source Reuters or AP``; empty for every story."""
    parts = [f"matching “{_echo(text)}”"] if text.strip() else []
    for name, values in filters.items():
        entity = name in ("person", "org", "place")
        joined = (" and " if entity else " or ").join(_echo(v) for v in values)
        parts.append(f"{'naming' if entity else 'with'} {name} {joined}")
    return " ".join(parts)


def _query(text: str, filters: dict[str, list[str]]) -> str:
    """The stories as a column names them: the query, or what the filters keep, or every story (plain text)."""
    return f"“{_echo(text)}”" if text.strip() else _which(text, filters) or "every story"


def _bar(value: float, most: float, width: int) -> str:
    if most <= 0 or value <= 0:
        return ""
    cells = value / most * width
    return "█" * int(cells) + ("▌" if cells - int(cells) >= 0.5 else "") or "▏"


def print_facet(facet: Facet, console: Console) -> None:
    which = _which(facet.query, facet.filters)
    title = f"{facet.kind} in {facet.total:,} stor{'y' if facet.total == 1 else 'ies'} {which}".rstrip()
    if not facet.values:
        console.print(Text(f"No {facet.kind} in the {facet.total:,} stories {which}".rstrip() + "."))
        return
    table = Table(title=Text(title), title_justify="left")
    table.add_column(COLUMN_NAMES.get(facet.kind, facet.kind), overflow="fold")
    table.add_column("Stories", justify="right")
    table.add_column("Share", justify="right")
    for value in facet.values:
        table.add_row(Text(value.name), f"{value.count:,}", f"{value.share:.1%}")
    console.print(table)
    if facet.distinct > len(facet.values):
        console.print(f"{len(facet.values)} of {facet.distinct:,} {facet.kind}")


def print_timelines(lines: list[Timeline], console: Console, share: bool = False) -> None:
    first = lines[0]
    if not any(line.periods for line in lines):
        undated = f" ({first.undated:,} undated)" if first.undated else ""
        console.print(Text(f"No dated story {_which(first.query, first.filters)}".rstrip() + f"{undated}."))
        return
    labels = list(dict.fromkeys(p.label for line in lines for p in line.periods))
    labels.sort()
    width = BAR if len(lines) == 1 else max(10, BAR // len(lines))
    most = [max(((p.share if share else p.count) for p in line.periods), default=0) for line in lines]
    table = Table(
        title=Text(f"Stories per {first.by}" + (" (share of all stories)" if share else "")),
        title_justify="left",
    )
    table.add_column(first.by.capitalize())
    for line in lines:
        table.add_column(
            Text(_echo(line.query) or _which("", line.filters) or "every story"), overflow="fold"
        )
    for label in labels:
        row: list[Text | str] = [label]
        for line, top in zip(lines, most, strict=True):
            period = line.period(label)
            if period is None:
                row.append("")
                continue
            value = period.share if share else period.count
            cell = Text(_bar(value, top, width), style="cyan")
            cell.append(f" {period.count:,} ({period.share:.1%})")
            if label in line.peaks:
                cell.append(" ▲ peak", style="bold magenta")
            row.append(cell)
        table.add_row(*row)
    console.print(table)
    for line in lines:
        about = _query(line.query, line.filters)
        undated = f"; {line.undated:,} undated" if line.undated else ""
        console.print(Text(f"{about}: {line.total:,} stories{undated}."), end=" ")
        if line.peaks:
            console.print(f"Peaks: {', '.join(line.peaks)} (why: --period {line.peaks[0]})")
        else:
            console.print("No period stands out.")


def _terms(
    title: str, terms: list[Term], console: Console, with_kind: bool = False, label: str = "in it"
) -> None:
    if not terms:
        console.print(f"{title}: none stand out.")
        return
    table = Table(title=Text(title), title_justify="left")
    table.add_column("Word" if not with_kind else "Name", overflow="fold")
    if with_kind:
        table.add_column("Kind")
    table.add_column(f"Stories {label}", justify="right")
    table.add_column("Others", justify="right")
    table.add_column("G²", justify="right")
    for term in terms:
        row: list[Text | str] = [Text(term.name)]
        if with_kind:
            row.append(KIND_NAMES.get(term.kind, term.kind))
        row += [f"{term.count:,}", f"{term.background:,}", f"{term.score:.1f}"]
        table.add_row(*row)
    console.print(table)


def print_keywords(result: Keywords, console: Console) -> None:
    which = _which(result.query, result.filters)
    title = f"What the {result.total:,} stories {which} are about (against {result.background:,} others)"
    _terms(title, result.terms, console, label="matching")


def print_spike(spike: Spike, console: Console) -> None:
    p = spike.period
    which = _which(spike.query, spike.filters) or "in the index"
    head = Text(p.label, style="bold")
    head.append(f": {p.count:,} of {p.total:,} stories ({p.share:.1%}) {which}; ")
    head.append(f"set against {spike.background:,} of other periods.\n")
    console.print(head)
    _terms(f"Words of {p.label}", spike.words, console)
    _terms(f"Names of {p.label}", spike.entities, console, with_kind=True)
    if spike.stories:
        console.print(f"\n[bold]Top stories of {safe(p.label)}[/bold]")
        for hit in spike.stories:
            date = hit.date.date().isoformat() if hit.date else "undated"
            console.print(f"  {safe(date)}  {safe(hit.headline)}  [dim]{safe(hit.id)}[/dim]")


def print_cooccurrence(result: Cooccurrence, console: Console) -> None:
    if not result.pairs:
        which = _which(result.query, result.filters)
        console.print(
            Text(f"No two entities named together in the {result.total:,} stories {which}".rstrip() + ".")
        )
        return
    table = Table(
        title=Text(
            f"Named together in the {result.total:,} stories {_which(result.query, result.filters)}".rstrip()
        ),
        title_justify="left",
    )
    for column in ("Entity", "Kind", "Entity", "Kind"):
        table.add_column(column, overflow="fold")
    table.add_column("Stories", justify="right")
    table.add_column("NPMI", justify="right")
    for pair in result.pairs:
        table.add_row(
            Text(pair.a), KIND_NAMES.get(pair.a_kind, pair.a_kind), Text(pair.b), KIND_NAMES.get(pair.b_kind, pair.b_kind),
            f"{pair.count:,}", f"{pair.npmi:+.2f}",
        )  # fmt: skip
    console.print(table)
