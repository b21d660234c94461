"""``newssearch query``."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from newssearch.cli.common import IndexOption, app, default_index, errors, open_or_build
from newssearch.dates import parse_bound
from newssearch.errors import QueryError
from newssearch.render import json_text, print_count, render, safe, stderr, stdout


@app.command("query")
def query_command(
    text: Annotated[
        str, typer.Argument(help="What to search for (see the README for the syntax).", show_default=False)
    ],
    index: IndexOption = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Results per page (1 to 1000).")] = 10,
    page: Annotated[int, typer.Option("--page", "-p", help="Page of results.")] = 1,
    since: Annotated[
        str | None, typer.Option(help="Only articles dated on or after this (YYYY, YYYY-MM or YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(help="Only articles dated on or before this; a partial date covers its whole period."),
    ] = None,
    sort: Annotated[
        str, typer.Option(help="relevance, date (newest first) or oldest; undated articles come last.")
    ] = "relevance",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document instead of text.")] = False,
    plain: Annotated[
        bool, typer.Option("--plain", help="Search the words alone: no operators, phrases or fields.")
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
) -> None:
    """Search the index and print ranked results with highlighted snippets.

    Example: newssearch query '"State Department" Iraq' --since 2020 --sort date. A query that starts with a
    dash goes after `--`: newssearch query -- -oil
    """
    with errors():
        try:
            start = parse_bound(since) if since else None
            end = parse_bound(until, end=True) if until else None
            if start and end and start > end:
                raise QueryError("--since is after --until")
        except (ValueError, OverflowError) as exc:
            raise QueryError(str(exc)) from None
        with open_or_build(index or default_index()) as ix:
            if count:
                stories = ix.count(text, start, end, syntax=not plain, reprints=all_versions)
                copies = ix.count(text, start, end, syntax=not plain) if not all_versions else stories
                print_count(text, stories, copies, as_json)
                return
            results = ix.search(
                text,
                limit,
                page,
                start,
                end,
                sort,
                syntax=not plain,
                explain=explain,
                all_versions=all_versions,
            )
        for note in results.notes:
            stderr().print(f"[yellow]Note:[/yellow] {safe(note)}")
        if as_json:
            sys.stdout.write(json_text(results.to_dict()) + "\n")
        else:
            render(results, stdout())
