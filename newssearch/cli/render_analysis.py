"""Coverage analyses in the terminal: Rich tables, and timelines as bar charts with their peaks named."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from newssearch.analyze.results import Cooccurrence, Facet, Keywords, Spike, Term, Timeline
from newssearch.cli.render import echoed, safe

BAR = 40  #: the longest bar of a chart, in characters
COLUMN_NAMES = {"people": "Person", "orgs": "Organization", "places": "Place", "sources": "Source"}
COLUMN_NAMES |= {"topics": "Topic", "authors": "Author", "sections": "Section", "words": "Word"}
KIND_NAMES = {"people": "person", "orgs": "org", "places": "place", "word": "word"}


def _query(text: str) -> str:
    return f"“{echoed(text)}”" if text.strip() else "every story"


def _bar(value: float, most: float, width: int) -> str:
    if most <= 0 or value <= 0:
        return ""
    cells = value / most * width
    return "█" * int(cells) + ("▌" if cells - int(cells) >= 0.5 else "") or "▏"


def print_facet(facet: Facet, console: Console) -> None:
    title = f"{facet.kind} in {facet.total:,} stor{'y' if facet.total == 1 else 'ies'} matching {_query(facet.query)}"
    if not facet.values:
        console.print(f"No {facet.kind} in the stories matching {_query(facet.query)}.")
        return
    table = Table(title=Text(title), title_justify="left")
    table.add_column(
        facet.kind[:-1].capitalize() if facet.kind.endswith("s") else facet.kind, overflow="fold"
    )
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
        console.print(
            f"No dated story matches {_query(first.query)}"
            + (f" ({first.undated:,} undated)." if first.undated else ".")
        )
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
        table.add_column(Text(echoed(line.query) or "every story"), overflow="fold")
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
        about = _query(line.query)
        undated = f"; {line.undated:,} undated" if line.undated else ""
        console.print(f"{about}: {line.total:,} stories{undated}.", end=" ")
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
    title = f"What the {result.total:,} stories matching {_query(result.query)} are about (against {result.background:,} others)"
    _terms(title, result.terms, console, label="matching")


def print_spike(spike: Spike, console: Console) -> None:
    p = spike.period
    console.print(
        f"[bold]{safe(p.label)}[/bold]: {p.count:,} of {p.total:,} stories ({p.share:.1%}) match {_query(spike.query)}; "
        f"set against {spike.background:,} matching stories of other periods.\n"
    )
    _terms(f"Words of {p.label}", spike.words, console)
    _terms(f"Names of {p.label}", spike.entities, console, with_kind=True)
    if spike.stories:
        console.print(f"\n[bold]Top stories of {safe(p.label)}[/bold]")
        for hit in spike.stories:
            date = hit.date.date().isoformat() if hit.date else "undated"
            console.print(f"  {safe(date)}  {safe(hit.headline)}  [dim]{safe(hit.id)}[/dim]")


def print_cooccurrence(result: Cooccurrence, console: Console) -> None:
    if not result.pairs:
        console.print(f"No two entities named together in the stories matching {_query(result.query)}.")
        return
    table = Table(
        title=Text(f"Named together in the {result.total:,} stories matching {_query(result.query)}"),
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
