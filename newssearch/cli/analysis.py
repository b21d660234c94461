"""``newssearch top``, ``timeline``, ``keywords`` and ``cooccur``: coverage analysis over every matching story."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from newssearch.analyze.results import Timeline
from newssearch.cli.common import (
    AuthorOption,
    IndexOption,
    OrgOption,
    PersonOption,
    PlaceOption,
    SectionOption,
    SinceOption,
    SourceOption,
    UntilOption,
    app,
    default_index,
    errors,
    filters,
    open_or_build,
    output,
)
from newssearch.cli.render import json_text, safe, stderr
from newssearch.cli.render_analysis import (
    print_cooccurrence,
    print_facet,
    print_keywords,
    print_spike,
    print_timelines,
)
from newssearch.errors import QueryError

QueryArgument = Annotated[
    str,
    typer.Argument(help="The stories to count: a query as `newssearch query` takes it; '' for every story."),
]
FormatOption = Annotated[str, typer.Option("--format", "-f", help="text, json or csv.")]
PlainOption = Annotated[
    bool, typer.Option("--plain", help="Search the words alone: no operators, phrases or fields.")
]
VersionsOption = Annotated[
    bool,
    typer.Option("--all-versions", help="Count every near-identical copy of a story, not the first alone."),
]


def _check(fmt: str, allowed: tuple[str, ...] = ("text", "json", "csv")) -> str:
    if fmt not in allowed:
        raise QueryError(f"unknown format {fmt!r}: use one of {', '.join(allowed)}")
    return fmt


def _write(
    fmt: str, document: Any, records: list[dict[str, Any]], show: Any, columns: tuple[str, ...]
) -> None:
    """The result as JSON, CSV (its records) or text; a reader that stops early ends the command quietly."""
    from newssearch.read.export import write_records

    with output() as console:
        if fmt == "json":
            sys.stdout.write(json_text(document) + "\n")
        elif fmt == "csv":
            write_records(records, columns, sys.stdout)
        else:
            show(console)


def _notes(notes: list[str]) -> None:
    for note in dict.fromkeys(notes):
        stderr().print(f"[yellow]Note:[/yellow] {safe(note)}")


@app.command("top")
def top_command(
    kind: Annotated[
        str, typer.Argument(help="people, orgs, places, sources, topics, authors, sections or words.")
    ],
    text: QueryArgument = "",
    index: IndexOption = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Values to list (1 to 1000).")] = 10,
    since: SinceOption = None,
    until: UntilOption = None,
    fmt: FormatOption = "text",
    plain: PlainOption = False,
    all_versions: VersionsOption = False,
    author: AuthorOption = None,
    section: SectionOption = None,
    source: SourceOption = None,
    person: PersonOption = None,
    org: OrgOption = None,
    place: PlaceOption = None,
) -> None:
    """The most common people, organizations, places, sources, topics, authors, sections or words over every
    story the query matches, with counts and share of the matches.

    Examples:
      newssearch top people 'oil'
      newssearch top places '' --since 1987-03 --until 1987-03
      newssearch top orgs 'trade' --person Reagan --format csv
    """
    with errors():
        fmt = _check(fmt)
        by = filters(author=author, section=section, source=source, person=person, org=org, place=place)
        with open_or_build(index or default_index()) as ix:
            result = ix.top(
                kind, text, limit, since, until, syntax=not plain, all_versions=all_versions, **by
            )
        _notes(result.notes)
        _write(
            fmt,
            result.to_dict(),
            result.to_records(),
            lambda console: print_facet(result, console),
            result.COLUMNS,
        )


@app.command("timeline")
def timeline_command(
    texts: Annotated[
        list[str],
        typer.Argument(help="The query ('' for every story); with --compare, the queries to set beside it."),
    ],
    index: IndexOption = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            help="day, week, month or year (default: the finest giving at most 60 periods).",
            show_default=False,
        ),
    ] = None,
    compare: Annotated[
        bool,
        typer.Option(
            "--compare", help='Set the queries after it beside the first: timeline "Q1" --compare "Q2" "Q3".'
        ),
    ] = False,
    share: Annotated[
        bool, typer.Option("--share", help="Draw each period's share of all stories, not its count.")
    ] = False,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot",
            help='Also draw the chart into FILE.png or FILE.svg (pip install "newssearch[plot]").',
            show_default=False,
        ),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            help="Why a period stands out: its most characteristic words and entities, and its top stories"
            " (a label such as 1987-03 or 1987-W10, or peak).",
            show_default=False,
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", help="With --period: words and entities to list.")
    ] = 10,
    since: SinceOption = None,
    until: UntilOption = None,
    fmt: FormatOption = "text",
    plain: PlainOption = False,
    all_versions: VersionsOption = False,
    author: AuthorOption = None,
    section: SectionOption = None,
    source: SourceOption = None,
    person: PersonOption = None,
    org: OrgOption = None,
    place: PlaceOption = None,
) -> None:
    """Attention over time: the stories the query matches per period, as counts and as a share of all the
    stories of that period, drawn as a chart with its peaks named; --period says why one stands out.

    Examples:
      newssearch timeline 'oil'
      newssearch timeline 'oil' --by month --compare 'wheat' 'gold'
      newssearch timeline 'oil' --period peak
      newssearch timeline 'Iran' --by month --plot iran.png
    """
    with errors():
        fmt = _check(fmt)
        if len(texts) > 1 and not compare:
            raise QueryError('give one query, or compare several: timeline "Q1" --compare "Q2" "Q3"')
        if compare and len(texts) < 2:
            raise QueryError('--compare needs the queries to compare after it: timeline "Q1" --compare "Q2"')
        if len(texts) > 10:
            raise QueryError("compare at most 10 queries")
        if period is not None and len(texts) > 1:
            raise QueryError("--period explains one query's timeline: leave out --compare")
        options: dict[str, Any] = dict(syntax=not plain, all_versions=all_versions)
        options |= filters(author=author, section=section, source=source, person=person, org=org, place=place)
        with open_or_build(index or default_index()) as ix:
            if period is not None:
                found = ix.spike(texts[0], period, by, limit, 5, since, until, **options)
            else:
                lines = [ix.timeline(texts[0], by, since, until, **options)]
                lines += [ix.timeline(text, lines[0].by, since, until, **options) for text in texts[1:]]
        if period is not None:
            _notes(found.notes)
            _write(
                fmt,
                found.to_dict(),
                found.to_records(),
                lambda console: print_spike(found, console),
                found.COLUMNS,
            )
            return
        _notes([note for line in lines for note in line.notes])
        if plot is not None:
            from newssearch.analyze.plot import plot_timelines

            plot_timelines(lines, plot, share=share)
            stderr().print(f"Wrote the chart to {safe(plot)}")
        document = (
            lines[0].to_dict() if len(lines) == 1 else {"timelines": [line.to_dict() for line in lines]}
        )
        records = [row for line in lines for row in line.to_records()]
        _write(
            fmt, document, records, lambda console: print_timelines(lines, console, share), Timeline.COLUMNS
        )


@app.command("keywords")
def keywords_command(
    text: Annotated[
        str, typer.Argument(help="The stories whose words to set against the rest of the index.")
    ],
    index: IndexOption = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Words to list (1 to 1000).")] = 20,
    since: SinceOption = None,
    until: UntilOption = None,
    fmt: FormatOption = "text",
    plain: PlainOption = False,
    all_versions: VersionsOption = False,
    author: AuthorOption = None,
    section: SectionOption = None,
    source: SourceOption = None,
    person: PersonOption = None,
    org: OrgOption = None,
    place: PlaceOption = None,
) -> None:
    """The words most characteristic of the stories the query matches against the rest of the index
    (significant terms, by log-likelihood ratio): what this coverage is about.

    Examples:
      newssearch keywords 'Iran'
      newssearch keywords '' --person Reagan --since 1987-03
    """
    with errors():
        fmt = _check(fmt)
        by = filters(author=author, section=section, source=source, person=person, org=org, place=place)
        with open_or_build(index or default_index()) as ix:
            result = ix.keywords(text, limit, since, until, syntax=not plain, all_versions=all_versions, **by)
        _notes(result.notes)
        _write(
            fmt,
            result.to_dict(),
            result.to_records(),
            lambda console: print_keywords(result, console),
            result.COLUMNS,
        )


@app.command("cooccur")
def cooccur_command(
    text: QueryArgument = "",
    index: IndexOption = None,
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind", help="people, orgs or places (repeat it; default: all three).", show_default=False
        ),
    ] = None,
    with_name: Annotated[
        str | None, typer.Option("--with", help="Only the pairs with this entity.", show_default=False)
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Pairs to list (1 to 1000).")] = 20,
    since: SinceOption = None,
    until: UntilOption = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="text, json, csv, gexf or graphml (Gephi, networkx).")
    ] = "text",
    plain: PlainOption = False,
    all_versions: VersionsOption = False,
    author: AuthorOption = None,
    section: SectionOption = None,
    source: SourceOption = None,
    person: PersonOption = None,
    org: OrgOption = None,
    place: PlaceOption = None,
) -> None:
    """The pairs of entities named together in most of the stories the query matches, with their association
    (normalised PMI: 0 is chance, 1 always together); as a graph for Gephi or networkx.

    Examples:
      newssearch cooccur 'oil'
      newssearch cooccur 'Iran' --kind people --with Reagan
      newssearch cooccur '' --kind orgs --format gexf > orgs.gexf
    """
    with errors():
        fmt = _check(fmt, ("text", "json", "csv", "gexf", "graphml"))
        by = filters(author=author, section=section, source=source, person=person, org=org, place=place)
        with open_or_build(index or default_index()) as ix:
            result = ix.cooccur(
                text, kind, with_name, limit, since, until, syntax=not plain, all_versions=all_versions, **by
            )
        _notes(result.notes)
        if fmt in ("gexf", "graphml"):
            from newssearch.analyze.graphs import write_gexf, write_graphml

            with output():
                (write_gexf if fmt == "gexf" else write_graphml)(result, sys.stdout)
            return
        show = lambda console: print_cooccurrence(result, console)  # noqa: E731
        _write(fmt, result.to_dict(), result.to_records(), show, result.COLUMNS)
