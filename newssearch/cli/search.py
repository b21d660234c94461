"""``newssearch query``."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from newssearch.cli.common import IndexOption, app, default_index, errors, open_or_build
from newssearch.dates import parse_bound
from newssearch.errors import QueryError
from newssearch.recency import HALF_LIFE_DAYS
from newssearch.render import json_text, render, safe, stderr, stdout
from newssearch.search import SORTS


def _sorts() -> list[str]:
    return list(SORTS)


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
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document instead of text.")] = False,
    plain: Annotated[
        bool, typer.Option("--plain", help="Search the words alone: no operators, phrases or fields.")
    ] = False,
    explain: Annotated[bool, typer.Option(help="Show what each field and word added to each score.")] = False,
    exact: Annotated[
        bool,
        typer.Option(
            "--exact",
            help="Match the text literally: case, punctuation and spelling as typed (quoted parts each).",
        ),
    ] = False,
) -> None:
    """Search the index and print ranked results with highlighted snippets.

    Examples:
      newssearch query 'NATO Iraq'
      newssearch query '"State Department" Iraq' --since 2020 --sort newest
      newssearch query 'oil prices' --recent

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
        with open_or_build(index or default_index()) as ix:
            results = ix.search(
                text,
                limit,
                page,
                start,
                end,
                sort,
                syntax=not plain,
                explain=explain,
                recent=HALF_LIFE_DAYS if recent else None,
                exact=exact,
            )
        for note in results.notes:
            stderr().print(f"[yellow]Note:[/yellow] {safe(note)}")
        if as_json:
            sys.stdout.write(json_text(results.to_dict()) + "\n")
        else:
            render(results, stdout())
