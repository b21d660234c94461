"""``newssearch query``."""

from __future__ import annotations

import sys
from datetime import timezone
from typing import Annotated, Any

import typer

from newssearch.analyze.results import Facet
from newssearch.cli.common import (
    AuthorOption,
    IndexOption,
    LimitOption,
    OrgOption,
    PageOption,
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
from newssearch.cli.render import json_text, print_count, render, safe, stderr, write_all
from newssearch.cli.render_analysis import print_facet
from newssearch.dates import parse_bound
from newssearch.engine import HALF_LIFE_DAYS
from newssearch.errors import QueryError
from newssearch.models import SearchResults
from newssearch.search.searching import SORTS

FORMATS = ("text", "json", "jsonl", "csv")


def _sorts() -> list[str]:
    return list(SORTS)


def _formats() -> list[str]:
    return list(FORMATS)


@app.command("query")
def query_command(
    ctx: typer.Context,
    text: Annotated[
        str,
        typer.Argument(
            help='What to search for: words (any may match, best first); "a phrase", "words near"~5;'
            " AND, OR, NOT, +must, -not; oil* and oil~ (spellings); fields person:, org:, place:, author:,"
            " section:, source:, headline:, topic:, date:2021-03.",
            show_default=False,
        ),
    ],
    index: IndexOption = None,
    limit: LimitOption = 10,
    page: PageOption = 1,
    since: SinceOption = None,
    until: UntilOption = None,
    sort: Annotated[
        str,
        typer.Option(
            help="relevance, or by date: newest (or date) or oldest first; undated last.",
            autocompletion=_sorts,
        ),
    ] = "relevance",
    recent: Annotated[
        bool,
        typer.Option(
            "--recent",
            help="Rank newer stories higher: relevance times a freshness factor, 1 for the newest story in the index,"
            f" 0.75 for one {HALF_LIFE_DAYS:g} days older, towards 0.5 for old and undated ones.",
        ),
    ] = False,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="text, json, jsonl or csv (rows with each match in context).",
            autocompletion=_formats,
        ),
    ] = "text",
    every: Annotated[
        bool, typer.Option("--all", help="Every match, in order, streamed: no --limit or --page.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="The same as --format json.")] = False,
    plain: Annotated[
        bool, typer.Option("--plain", help="Search the words alone: no operators, phrases or fields.")
    ] = False,
    exact: Annotated[
        bool,
        typer.Option(
            "--exact",
            help="Match the text literally: case, punctuation and spelling as typed (quoted parts each).",
        ),
    ] = False,
    explain: Annotated[bool, typer.Option(help="Show what each field and word added to each score.")] = False,
    all_versions: Annotated[
        bool,
        typer.Option(
            "--all-versions", help="List every near-identical copy of a story, not the first alone."
        ),
    ] = False,
    count: Annotated[
        bool, typer.Option("--count", help="Print the number of matching stories only (and with reprints).")
    ] = False,
    facets: Annotated[
        bool,
        typer.Option(
            "--facets",
            help="Also the top people, organizations, places and sources of every match (text or JSON).",
        ),
    ] = False,
    author: AuthorOption = None,
    section: SectionOption = None,
    source: SourceOption = None,
    person: PersonOption = None,
    org: OrgOption = None,
    place: PlaceOption = None,
) -> None:
    """Search the index and print ranked results with highlighted snippets.

    Examples:
      newssearch query 'NATO Iraq'
      newssearch query '"State Department" Iraq' --since 2020 --sort newest
      newssearch query 'oil prices' --recent
      newssearch query 'Bank of England' --exact --all --format csv > boe.csv
      newssearch query 'person:Pelosi "health care"~3' --section politics

    A query that starts with a dash goes after --: newssearch query -- -oil
    """
    with errors():
        try:
            start = parse_bound(since) if since else None
            end = parse_bound(until, end=True) if until else None
            if start and end and start > end:
                raise QueryError("--since is after --until")
        except (ValueError, OverflowError) as exc:
            raise QueryError(str(exc)) from None
        fmt = _format(
            ctx,
            fmt,
            as_json,
            every,
            explain,
            count=count,
            recent=recent,
            sort=sort,
            facets=facets,
            exact=exact,
        )
        with open_or_build(index or default_index()) as ix:
            by = filters(author, section, source, person, org, place)
            if count:
                _count(ix, text, start, end, not plain, all_versions, exact, fmt == "json", by)
                return
            freshness = HALF_LIFE_DAYS if recent else None
            if every:
                stream = ix.iter_search(
                    text, start, end, sort, syntax=not plain, snippets=fmt != "csv", kwic=fmt != "text",
                    recent=freshness, exact=exact, all_versions=all_versions,
                    **by,
                )  # fmt: skip
                _notes(stream.notes, stream.suggestion)
                _write(fmt, {**stream.header(), **_modes(exact, recent, all_versions)}, stream)
                return
            results = ix.search(
                text, limit, page, start, end, sort, syntax=not plain, explain=explain, kwic=fmt != "text",
                recent=freshness, exact=exact, all_versions=all_versions,
                **by,
            )  # fmt: skip
            found = (
                ix.facets(
                    text, limit=5, since=start, until=end, syntax=not plain, all_versions=all_versions, **by
                )
                if facets
                else None
            )
        _notes(results.notes, results.suggestion if fmt != "text" else None)
        if fmt in ("text", "json"):  # a page as before: --json's document, or text
            _write(fmt, {}, results, found)
        else:
            bounds = {"since": start, "until": end}
            header: dict[str, Any] = {
                "query": results.query,
                "index": results.index,
                "total": results.total,
                "page": results.page,
                "pages": results.pages,
                "limit": results.limit,
                "total_with_reprints": results.with_reprints or results.total,
                "sort": sort,
                **{k: v.astimezone(timezone.utc).isoformat() if v else None for k, v in bounds.items()},
                "syntax": not plain,
                "suggestion": results.suggestion,
                **_modes(exact, recent, all_versions),
            }
            _write(fmt, header, results.hits)


def _format(
    ctx: typer.Context,
    fmt: str,
    as_json: bool,
    every: bool,
    explain: bool,
    *,
    count: bool,
    recent: bool,
    sort: str,
    facets: bool = False,
    exact: bool = False,
) -> str:
    """The output format, once the options are checked against each other."""
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    if as_json and fmt not in ("text", "json"):
        raise QueryError("--json means --format json: give one of them")
    fmt = "json" if as_json else fmt
    # By name: Typer and Click may each hold their own copy of the enum.
    sources = {name: getattr(ctx.get_parameter_source(name), "name", "DEFAULT") for name in ("limit", "page")}
    given = [f"--{name}" for name, source in sources.items() if source != "DEFAULT"]
    if every and given:
        raise QueryError(f"--all writes every match: leave out {' and '.join(given)}")
    if explain and (every or fmt == "csv"):
        raise QueryError("--explain explains a page of results in text or JSON, not with --all or in CSV")
    if count and (fmt not in ("text", "json") or every or explain or given):
        raise QueryError(
            "--count prints a number (with --json, a JSON document): no --format, --all, --explain, --limit or --page"
        )
    if facets and exact:
        raise QueryError("--facets counts what the words match, not --exact's literal text: leave one out")
    if facets and (every or count or fmt not in ("text", "json")):
        raise QueryError(
            "--facets goes with a page of results in text or JSON: no --all, --count or --format csv"
        )
    if recent and sort != "relevance":
        raise QueryError(
            "--recent ranks by relevance and freshness: leave out --sort, or use --sort newest alone"
        )
    return fmt


def _modes(exact: bool, recent: bool, all_versions: bool) -> dict[str, Any]:
    """What an export's header says of the options that change its rows, when they are given."""
    modes: dict[str, Any] = {"exact": exact, "recent": HALF_LIFE_DAYS if recent else None}
    return {**{k: v for k, v in modes.items() if v}, **({"all_versions": True} if all_versions else {})}


def _count(
    ix: Any, text: str, start: Any, end: Any, syntax: bool, every: bool, exact: bool, as_json: bool, by: Any
) -> None:
    """``--count``: the number of matching stories, each group of copies once (all copies with ``every``), and
    with reprints."""
    if exact:  # literal matches are known only by reading the candidates: a search counts them
        found = ix.search(
            text, 1, 1, start, end, syntax=syntax, snippets=False, exact=True, all_versions=every, **by
        )
        stories, copies = found.total, found.with_reprints or found.total
    else:
        copies = ix.count(text, start, end, syntax=syntax, all_versions=True, **by)
        stories = copies if every else ix.count(text, start, end, syntax=syntax, **by)
    print_count(text, stories, copies, as_json)


def _notes(notes: list[str], suggestion: str | None = None) -> None:
    """The notes, and an export's suggestion, on stderr (a page in text shows its suggestion itself)."""
    for note in notes:
        stderr().print(f"[yellow]Note:[/yellow] {safe(note)}")
    if suggestion:
        stderr().print(f"Did you mean: [bold]{safe(suggestion)}[/bold]?")


def _write(fmt: str, header: dict[str, Any], rows: Any, facets: list[Facet] | None = None) -> None:
    """Write the results (and a page's facets); a reader that stops early (``| head``) ends the command quietly,
    with exit code 0."""
    with output() as console:
        if isinstance(rows, SearchResults):
            if fmt == "json":
                document = rows.to_dict()
                if facets is not None:
                    document["facets"] = {facet.kind: facet.to_dict()["values"] for facet in facets}
                sys.stdout.write(json_text(document) + "\n")
            else:
                render(rows, console)
                for facet in facets or []:
                    print_facet(facet, console)
            return
        from newssearch.read import export

        if fmt == "text":
            write_all(header, rows, console)
        else:
            {"csv": export.write_csv, "json": export.write_json, "jsonl": export.write_jsonl}[fmt](
                header, rows, sys.stdout
            )
