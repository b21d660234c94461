"""``newssearch similar``, ``newssearch show`` and ``newssearch stats``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.console import Console

from newssearch.cli.common import (
    IndexOption,
    LimitOption,
    PageOption,
    SinceOption,
    UntilOption,
    app,
    default_index,
    errors,
    open_or_build,
    output,
)
from newssearch.cli.render import json_text, render, safe, stderr
from newssearch.cli.render_read import render_reading, render_stats
from newssearch.errors import QueryError
from newssearch.search.similar import MAX_TEXT_CHARS


def _print(result: Any, as_json: bool, draw: Callable[[Any, Console], None]) -> None:
    """A command's result: its ``to_dict()`` as JSON, or drawn for the terminal."""
    with output() as console:
        if as_json:
            sys.stdout.write(json_text(result.to_dict()) + "\n")
        else:
            draw(result, console)


def _pasted(article_id: str | None, text: str | None) -> tuple[str | None, str | None]:
    """(id, text): an id, ``--text``, or text on stdin (``-`` as the id, or no id with stdin piped)."""
    if article_id is not None and article_id != "-" and text is not None:
        raise QueryError("give an article id or --text, not both")
    if text is None and (article_id == "-" or (article_id is None and not sys.stdin.isatty())):
        text = sys.stdin.read(MAX_TEXT_CHARS + 1)
        article_id = None
    if article_id is None and text is None:
        raise QueryError("give an article id, --text, or the text on stdin")
    return (None, text) if text is not None else (article_id, None)


@app.command("similar")
def similar_command(
    article_id: Annotated[
        str | None,
        typer.Argument(
            help="Id of the story to match (as `query` shows it); `-` reads text from stdin.",
            show_default=False,
        ),
    ] = None,
    text: Annotated[
        str | None, typer.Option("--text", "-t", help="Text to match instead of a story.")
    ] = None,
    index: IndexOption = None,
    limit: LimitOption = 10,
    page: PageOption = 1,
    since: SinceOption = None,
    until: UntilOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document instead of text.")] = False,
) -> None:
    """Stories like a given one (its key words and names), never the story itself or its copies.

    Example: newssearch similar sport/001.txt -n 5; newssearch similar --text 'Oil prices rose …'; pbpaste |
    newssearch similar -
    """
    with errors():
        article_id, text = _pasted(article_id, text)
        with open_or_build(index or default_index()) as ix:
            results = ix.similar(article_id, text, limit, page, since, until)
        for note in results.notes:
            stderr().print(f"[yellow]Note:[/yellow] {safe(note)}")
        _print(results, as_json, render)


@app.command("show")
def show_command(
    article_id: Annotated[
        str, typer.Argument(help="Id of the story (as `query` shows it).", show_default=False)
    ],
    query: Annotated[
        str | None, typer.Option("--query", "-q", help="Highlight the words this query matches.")
    ] = None,
    index: IndexOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document instead of text.")] = False,
) -> None:
    """Print a whole story: headline, date, source, labels, entities and body.

    Example: newssearch show corpus/000_fef9c184b96aac0a.txt --query troops
    """
    with errors():
        with open_or_build(index or default_index()) as ix:
            reading = ix.read(article_id, query)
        _print(reading, as_json, render_reading)


@app.command("stats")
def stats_command(
    index: IndexOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document instead of text.")] = False,
) -> None:
    """Say what the index holds: stories, dates, sources, files, size and when it was last updated.

    Example: newssearch stats --index ~/news-index
    """
    with errors():
        with open_or_build(index or default_index()) as ix:
            stats = ix.stats()
        _print(stats, as_json, render_stats)
