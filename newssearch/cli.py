"""The ``newssearch`` command: a thin Typer layer over ``NewsIndex`` that renders with Rich or JSON."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console, Group
from rich.markup import escape
from rich.padding import Padding
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text
from typer.exceptions import TyperException

from newssearch.dates import parse_bound
from newssearch.errors import IndexIncompatibleError, IndexNotFoundError, NewsSearchError, QueryError
from newssearch.index import NewsIndex
from newssearch.models import Hit, IndexReport, SearchResults

app = typer.Typer(
    help="Full-text search for news articles.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

HIGHLIGHT = "bold black on yellow"


def default_index() -> Path:
    return Path(os.environ.get("NEWSSEARCH_INDEX") or "index")


def default_corpus() -> Path:
    return Path(os.environ.get("NEWSSEARCH_CORPUS") or "corpus")


def _stderr() -> Console:
    # soft_wrap: a message stays one line however narrow the terminal.
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _stdout() -> Console:
    return Console(highlight=False)


@contextmanager
def _errors() -> Iterator[None]:
    """Turn the library's errors (and an interrupt) into one line on stderr and an exit code."""
    try:
        yield
    except NewsSearchError as exc:
        _stderr().print(f"[red]Error:[/red] {escape(str(exc))}")
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        _stderr().print("[red]Interrupted:[/red] nothing was committed; the index is as it was.")
        raise typer.Exit(130) from None
    except OSError as exc:
        _stderr().print(
            f"[red]Error:[/red] {escape(exc.strerror or str(exc))}: {escape(str(exc.filename or ''))}"
        )
        raise typer.Exit(1) from None


IndexOption = Annotated[
    Path | None,
    typer.Option(
        "--index", "-i", help="Index folder [default: $NEWSSEARCH_INDEX or ./index]", show_default=False
    ),
]


# --- index -----------------------------------------------------------------------------------------------


def _run_update(
    index: NewsIndex, paths: list[Path], rebuild: bool, columns: list[str] | None = None
) -> IndexReport:
    """Run an update with a progress bar on stderr, shown once there is a file to read."""
    console = _stderr()
    bar = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
    task = bar.add_task("Indexing", total=None)

    def progress(done: int, total: int, path: str) -> None:
        if done == 1:
            bar.start()
        bar.update(task, completed=done, total=total, description=f"Indexing {Path(path).name[:30]}")

    try:
        return index.update(paths, rebuild=rebuild, columns=columns, progress=progress)
    finally:
        if bar.live.is_started:
            bar.stop()


def _print_report(report: IndexReport, console: Console) -> None:
    formats = ", ".join(
        f"{c.files} {fmt}" + (f" with {c.articles} articles" if c.articles != c.files else "")
        for fmt, c in sorted(report.formats.items())
    )
    summary = (
        f"{'Rebuilt' if report.rebuilt else 'Indexed'}: {report.added} added, {report.updated} updated, "
        f"{report.removed} removed; files: {report.files_read} read{f' ({formats})' if formats else ''}, "
        f"{report.files_unchanged} unchanged, {report.files_removed} gone, {len(report.skipped)} skipped. "
        f"The index holds {report.total} article{'s' if report.total != 1 else ''}."
    )
    console.print(summary, soft_wrap=True)
    for path, reason in report.skipped:
        _stderr().print(f"[yellow]Skipped[/yellow] {escape(path)}: {escape(reason)}")
    for path, note in report.notes:
        _stderr().print(f"[yellow]Note[/yellow] {escape(path)}: {escape(note)}")


@app.command("index")
def index_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Article files or folders [default: ./corpus or $NEWSSEARCH_CORPUS]", show_default=False
        ),
    ] = None,
    index: IndexOption = None,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Empty the index and read everything again.")
    ] = False,
    columns: Annotated[
        str | None,
        typer.Option(
            "--columns",
            help="Column names for CSV/TSV files without a header row, e.g. class,title,description.",
        ),
    ] = None,
) -> None:
    """Index article files: new and changed files are read, unchanged ones skipped, deleted ones removed."""
    with _errors():
        location = index or default_index()
        paths = paths or [default_corpus()]
        try:
            ix = NewsIndex.create(location)
        except IndexIncompatibleError:
            if not rebuild:
                raise
            ix = NewsIndex.create(location, overwrite=True)  # unusable as it is: start afresh
        with ix:
            names = [c.strip() for c in columns.split(",")] if columns else None
            report = _run_update(ix, paths, rebuild, names)
        _print_report(report, _stdout())
        if not (report.files_read or report.files_unchanged or report.files_removed):
            what = "no file could be indexed" if report.skipped else "no article files found"
            _stderr().print(f"[red]Error:[/red] {what} in {', '.join(map(str, paths))}")
            raise typer.Exit(1)


# --- query -----------------------------------------------------------------------------------------------


def _open_or_build(location: Path) -> NewsIndex:
    """Open the index; on first use, build it from the default corpus when there is one."""
    if NewsIndex.exists(location):
        return NewsIndex.open(location)
    corpus = default_corpus()
    if not corpus.is_dir():
        raise IndexNotFoundError(
            f"no index at {location}; build one with `newssearch index PATH…` (no {corpus}/ folder to index here)"
        )
    err = _stderr()
    err.print(f"No index at {escape(str(location))} yet: building it from {escape(str(corpus))}/ …")
    ix = NewsIndex.create(location)
    report = _run_update(ix, [corpus], False)
    _print_report(report, err)
    return ix


def _hit_renderable(hit: Hit) -> Group:
    title = Text(f"{hit.rank:>3}. ", style="bold")
    headline = Text(hit.headline or "(no headline)", style="bold")
    for start, end in hit.headline_highlights:
        headline.stylize(HIGHLIGHT, start, end)
    title.append_text(headline)
    title.append(f"  ({hit.score:.2f})", style="dim")
    details = Text()
    meta = [hit.date.date().isoformat() if hit.date else None, hit.source, hit.place]
    if any(meta):
        details.append(" · ".join(m for m in meta if m) + "\n", style="cyan")
    snippet = Text(hit.snippet.text)
    for start, end in hit.snippet.highlights:
        snippet.stylize(HIGHLIGHT, start, end)
    details.append_text(snippet)
    for label, names in (("People", hit.people), ("Orgs", hit.organizations), ("Places", hit.places)):
        if names:
            details.append(f"\n{label}: ", style="dim")
            details.append(", ".join(names[:8]) + (" …" if len(names) > 8 else ""), style="green")
    details.append(f"\nid: {hit.id}", style="dim")
    return Group(title, Padding(details, (0, 0, 0, 5), expand=False))


def _render(results: SearchResults, console: Console) -> None:
    if not results.total:
        console.print(f"No results for “{escape(results.query)}”.")
        return
    shown = f"{results.hits[0].rank}–{results.hits[-1].rank}" if results.hits else "none"
    console.print(
        f"[bold]{results.total}[/bold] result{'s' if results.total != 1 else ''} for “{escape(results.query)}” "
        f"(showing {shown}, page {results.page} of {results.pages})\n"
    )
    for hit in results.hits:
        console.print(_hit_renderable(hit))
        console.print()


def results_to_json(results: SearchResults) -> dict:
    hits = []
    for hit in results.hits:
        hits.append(
            {
                "id": hit.id,
                "headline": hit.headline,
                "date": hit.date.isoformat() if hit.date else None,
                "source": hit.source,
                "place": hit.place,
                "score": round(hit.score, 4),
                "snippet": hit.snippet.text,
                "path": hit.path,
                "people": hit.people,
                "organizations": hit.organizations,
                "places": hit.places,
            }
        )
    return {"query": results.query, "total": results.total, "page": results.page, "hits": hits}


@app.command("query")
def query_command(
    text: Annotated[str, typer.Argument(help="What to search for (see the README for the syntax).")],
    index: IndexOption = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Results per page.")] = 10,
    page: Annotated[int, typer.Option("--page", "-p", help="Page of results.")] = 1,
    since: Annotated[
        str | None, typer.Option(help="Only articles dated on or after (YYYY[-MM[-DD]]).")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Only articles dated on or before (YYYY[-MM[-DD]]).")
    ] = None,
    sort: Annotated[str, typer.Option(help="relevance or date (newest first).")] = "relevance",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document instead of text.")] = False,
    plain: Annotated[
        bool, typer.Option("--plain", help="Search the words alone: no operators, phrases or fields.")
    ] = False,
) -> None:
    """Search the index and print ranked results with highlighted snippets."""
    with _errors():
        try:
            since_dt = parse_bound(since) if since else None
            until_dt = parse_bound(until, end=True) if until else None
        except ValueError as exc:
            raise QueryError(str(exc)) from None
        with _open_or_build(index or default_index()) as ix:
            results = ix.search(
                text, limit=limit, page=page, since=since_dt, until=until_dt, sort=sort, syntax=not plain
            )
        if as_json:
            sys.stdout.write(json.dumps(results_to_json(results), ensure_ascii=False, indent=2) + "\n")
        else:
            _render(results, _stdout())


COMMANDS = ("index", "query")


def main() -> None:
    """Console-script entry point: usage mistakes and unexpected failures become one line on stderr."""
    try:
        code = app(standalone_mode=False)
    except TyperException as exc:
        command = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] in COMMANDS else ""
        print(
            f"Error: {exc.format_message()} (see `newssearch {command} --help`)".replace("  ", " "),
            file=sys.stderr,
        )
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        print("Interrupted.", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # a bug, not a user mistake: still one line, with a way to see more
        if os.environ.get("NEWSSEARCH_DEBUG"):
            raise
        print(
            f"Error: unexpected {type(exc).__name__}: {exc} (set NEWSSEARCH_DEBUG=1 for details)",
            file=sys.stderr,
        )
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
