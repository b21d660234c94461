"""The ``newssearch`` command: a thin Typer layer over ``NewsIndex``; ``render.py`` prints with Rich or JSON.

The library's errors say what is wrong; this layer adds how to fix it with the CLI's own commands and flags.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer
from rich.markup import escape
from typer.exceptions import TyperException

from newssearch import __version__
from newssearch.dates import parse_bound
from newssearch.errors import (
    IndexBusyError,
    IndexDamagedError,
    IndexIncompatibleError,
    IndexInterrupted,
    IndexNotFoundError,
    IndexUnfinishedError,
    NewsSearchError,
    NotAnIndexError,
    QueryError,
    ReadError,
)
from newssearch.index import NewsIndex, commit_count, index_state
from newssearch.models import IndexReport
from newssearch.render import json_text, print_report, render, safe, stderr, stdout
from newssearch.sanitize import path_text, terminal_safe

app = typer.Typer(
    help="Full-text search for news articles.\n\nExample: newssearch index corpus && newssearch query 'NATO Iraq'",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

#: How long a query waits for another process that is building the index.
BUILD_WAIT_SECONDS = 300
#: How to fix what an error says, by its class (the first that matches).
HINTS: list[tuple[type[NewsSearchError], str]] = [
    (NotAnIndexError, "choose another --index folder"),
    (IndexNotFoundError, "build one with `newssearch index PATH…`"),
    (IndexUnfinishedError, "run `newssearch index PATH…` to build it"),
    (IndexIncompatibleError, "run `newssearch index PATH… --rebuild`"),
    (IndexDamagedError, "rebuild it with `newssearch index PATH… --rebuild`"),
]


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C so that writers cancel and the terminal is restored."""


#: Whether an interrupt was already reported on stderr, and whether it was SIGTERM: Typer turns an interrupt
#: during argument parsing into a bare exit code 130, which ``main`` then has to explain.
_interrupt = {"reported": False, "terminated": False}


def default_index() -> Path:
    return Path(os.environ.get("NEWSSEARCH_INDEX") or "index")


def default_corpus() -> Path:
    return Path(os.environ.get("NEWSSEARCH_CORPUS") or "corpus")


def _error(message: str) -> None:
    stderr().print(f"[red]Error:[/red] {safe(message)}")


def _with_hint(exc: NewsSearchError) -> str:
    hint = next((hint for kind, hint in HINTS if isinstance(exc, kind)), None)
    return f"{exc}; {hint}" if hint else str(exc)


@contextmanager
def _errors() -> Iterator[None]:
    """Turn the library's errors (and an interrupt) into one line on stderr and an exit code."""
    try:
        yield
    except NewsSearchError as exc:
        _error(_with_hint(exc))
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt as exc:
        if isinstance(exc, IndexInterrupted):
            what = "the work was committed: the index holds this run's changes." if exc.committed else None
            stderr().print(
                f"[red]Interrupted:[/red] {what or 'nothing was committed; the index is as it was.'}"
            )
        else:
            stderr().print("[red]Interrupted.[/red]")
        _interrupt["reported"] = True
        raise typer.Exit(143 if _interrupt["terminated"] else 130) from None
    except OSError as exc:
        _error(f"{exc.strerror or exc}: {path_text(exc.filename or '')}")
        raise typer.Exit(1) from None


@contextmanager
def _committed(made: int = -1) -> Iterator[None]:
    """An interrupt once this process has made more than ``made`` commits (by default: at once) must still say
    that the work reached the index."""
    try:
        yield
    except IndexInterrupted:
        raise
    except KeyboardInterrupt as exc:
        if commit_count() > made:
            raise IndexInterrupted(True) from exc
        raise


IndexOption = Annotated[
    Path | None,
    typer.Option(
        "--index",
        "-i",
        help="Index folder. The index stores its schema with pickle: open only indexes you built or trust.",
        show_default="./index",
        envvar="NEWSSEARCH_INDEX",
        show_envvar=True,
    ),
]


def _version(value: bool) -> None:
    if value:
        print(f"newssearch {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", help="Print the version and exit.", callback=_version, is_eager=True)
    ] = False,
) -> None:
    """Full-text search for news articles.

    Example: newssearch index corpus && newssearch query 'NATO Iraq'
    """
    _interrupt.update(reported=False, terminated=False)


# --- index -----------------------------------------------------------------------------------------------


def _run_update(
    index: NewsIndex | Path, paths: list[Path], rebuild: bool, columns: list[str] | None = None
) -> IndexReport:
    """Update an open index, or rebuild the one at a location, with a progress bar on stderr (in bytes, so that
    long files move it too)."""
    console = stderr()
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn  # index only

    bar = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
    task = bar.add_task("Indexing", total=None)

    def progress(done: int, total: int, path: str) -> None:
        if not bar.live.is_started:
            bar.start()
        name = terminal_safe(Path(path).name[:30])
        bar.update(task, completed=done, total=total, description=f"Indexing {escape(name)}")

    try:
        if isinstance(index, NewsIndex):
            return index.update(paths, rebuild=rebuild, columns=columns, progress=progress)
        return NewsIndex.rebuild(index, paths, columns=columns, progress=progress)
    finally:
        if bar.live.is_started:
            bar.stop()


@app.command("index")
def index_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Article files or folders, read recursively.",
            show_default="./corpus, or $NEWSSEARCH_CORPUS",
        ),
    ] = None,
    index: IndexOption = None,
    rebuild: Annotated[
        bool,
        typer.Option(
            "--rebuild", help="Empty the index and read everything again (also repairs a damaged one)."
        ),
    ] = False,
    columns: Annotated[
        str | None,
        typer.Option(
            "--columns",
            help="Column names for CSV/TSV files without a header row, e.g. class,title,description.",
        ),
    ] = None,
) -> None:
    """Index article files: new and changed files are read, unchanged ones skipped, deleted ones removed.

    Example: newssearch index ~/news --index ~/news-index
    """
    with _errors():
        location = index or default_index()
        paths = paths or [default_corpus()]
        for path in paths:
            if not path.exists():  # before anything is created: a failed run leaves no empty index behind
                raise ReadError(f"no such file or folder: {path_text(path)}")
        names = [c.strip() for c in columns.split(",")] if columns else None
        with _committed(commit_count()):  # an interrupt on the way back from the commit, or while printing
            if rebuild:
                report = _run_update(location, paths, True, names)
            else:
                with NewsIndex.create(location) as ix:
                    report = _run_update(ix, paths, False, names)
            print_report(report, stdout())
        if not (report.files_read or report.files_unchanged or report.files_removed):
            what = "no file could be indexed" if report.skipped else "no article files found"
            _error(f"{what} in {', '.join(path_text(p) for p in paths)}")
            raise typer.Exit(1)


@app.command("check")
def check_command(index: IndexOption = None) -> None:
    """Read every stored article and word list of the index and report anything damaged.

    Example: newssearch check --index ~/news-index
    """
    with _errors():
        location = index or default_index()
        with NewsIndex.open(location) as ix:
            report = ix.check()
        err = stderr()
        for problem in report.problems[:50]:
            err.print(f"[red]Damaged:[/red] {safe(problem)}")
        if len(report.problems) > 50:
            err.print(f"… and {len(report.problems) - 50} more")
        verdict = "OK" if report.ok else f"DAMAGED ({len(report.problems)} problems)"
        stdout().print(
            f"{verdict}: read {report.documents} articles and {report.terms} word lists in {safe(location)}."
        )
        if not report.ok:
            err.print("Rebuild it with `newssearch index PATHS --rebuild`.")
            raise typer.Exit(1)


# --- query -----------------------------------------------------------------------------------------------


def _build(location: Path, corpus: Path) -> NewsIndex:
    err = stderr()
    err.print(f"No index at {safe(location)} yet: building it from {safe(corpus)}/ …")
    ix = NewsIndex.create(location)
    report = _run_update(ix, [corpus], False)
    with _committed():
        print_report(report, err)
    return ix


def _open_or_build(location: Path) -> NewsIndex:
    """Open the index; on first use, build it from the default corpus when there is one. While another process
    builds it, wait."""
    corpus = default_corpus()
    deadline = time.monotonic() + BUILD_WAIT_SECONDS
    waiting = False
    while True:
        state = index_state(location)
        try:
            if state in ("missing", "unfinished"):
                if state == "unfinished" and not corpus.is_dir():
                    NewsIndex.open(location)  # says that it was never finished
                if not corpus.is_dir():
                    raise IndexNotFoundError(
                        f"no index at {location} (and no {corpus}/ folder to build it from)"
                    )
                return _build(location, corpus)
            ix = NewsIndex.open(location)
            if state == "building":  # not locked, so a first build was interrupted: finish it, or say so
                ix.close()
                if not corpus.is_dir():
                    raise IndexUnfinishedError(
                        f"the index at {location} was never finished (its first build was interrupted)"
                    )
                return _build(location, corpus)
            return ix
        except IndexBusyError:
            if time.monotonic() > deadline:
                raise
            if not waiting:
                stderr().print(f"Waiting for the index at {safe(location)} to be built by another process …")
                waiting = True
            time.sleep(0.5)


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
) -> None:
    """Search the index and print ranked results with highlighted snippets.

    Example: newssearch query '"State Department" Iraq' --since 2020 --sort date. A query that starts with a
    dash goes after `--`: newssearch query -- -oil
    """
    with _errors():
        try:
            start = parse_bound(since) if since else None
            end = parse_bound(until, end=True) if until else None
            if start and end and start > end:
                raise QueryError("--since is after --until")
        except (ValueError, OverflowError) as exc:
            raise QueryError(str(exc)) from None
        with _open_or_build(index or default_index()) as ix:
            results = ix.search(text, limit, page, start, end, sort, syntax=not plain, explain=explain)
        for note in results.notes:
            stderr().print(f"[yellow]Note:[/yellow] {safe(note)}")
        if as_json:
            sys.stdout.write(json_text(results.to_dict()) + "\n")
        else:
            render(results, stdout())


COMMANDS = ("index", "query", "check")


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    _interrupt["terminated"] = True
    raise Terminated


def main() -> None:
    """Console-script entry point: usage mistakes and unexpected failures become one line on stderr."""
    _interrupt.update(reported=False, terminated=False)
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        code = app(standalone_mode=False)
    except TyperException as exc:
        message = exc.format_message()
        if message:  # no_args_is_help raises with an empty message after printing the help
            command = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] in COMMANDS else ""
            print(
                f"Error: {terminal_safe(message)} (see `newssearch {command} --help`)".replace("  ", " "),
                file=sys.stderr,
            )
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt) as exc:
        print("Interrupted.", file=sys.stderr)
        sys.exit(143 if isinstance(exc, Terminated) else 130)
    except Exception as exc:  # a bug, not a user mistake: still one line, with a way to see more
        if os.environ.get("NEWSSEARCH_DEBUG"):
            raise
        print(
            f"Error: unexpected {type(exc).__name__}: {terminal_safe(str(exc))} (set NEWSSEARCH_DEBUG=1 for details)",
            file=sys.stderr,
        )
        sys.exit(1)
    if code == 130 and not _interrupt["reported"]:  # interrupted while Typer parsed the arguments
        print("Interrupted.", file=sys.stderr)
        code = 143 if _interrupt["terminated"] else 130
    sys.exit(code if isinstance(code, int) else 0)
