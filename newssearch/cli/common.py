"""What every command shares: the Typer app, error handling with hints, the index option, building on first use.

The library's errors say what is wrong; this layer adds how to fix it with the CLI's own commands and flags.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from newssearch import __version__
from newssearch.cli.render import print_report, safe, stderr, stdout
from newssearch.coverage import Filters
from newssearch.errors import (
    IndexBusyError,
    IndexDamagedError,
    IndexIncompatibleError,
    IndexInterrupted,
    IndexNotFoundError,
    IndexUnfinishedError,
    IndexUntrustedError,
    NewsSearchError,
    NotAnIndexError,
)
from newssearch.index import NewsIndex, commit_count, index_state
from newssearch.reports import IndexReport
from newssearch.text.sanitize import path_text, terminal_safe

app = typer.Typer(
    help="Full-text search for news articles.\n\nExample: newssearch index corpus && newssearch query 'NATO Iraq'",
    add_completion=True,
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
    (IndexUntrustedError, "delete that folder (nothing in it was run), or choose another --index folder"),
]


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C so that writers cancel and the terminal is restored."""


#: Whether an interrupt was already reported on stderr, and whether it was SIGTERM: Typer turns an interrupt
#: during argument parsing into a bare exit code 130, which ``main`` then has to explain.
INTERRUPT = {"reported": False, "terminated": False}


def default_index() -> Path:
    return Path(os.environ.get("NEWSSEARCH_INDEX") or "index")


def default_corpus() -> Path:
    return Path(os.environ.get("NEWSSEARCH_CORPUS") or "corpus")


def error(message: str) -> None:
    stderr().print(f"[red]Error:[/red] {safe(message)}")


def with_hint(exc: NewsSearchError) -> str:
    hint = next((hint for kind, hint in HINTS if isinstance(exc, kind)), None)
    return f"{exc}; {hint}" if hint else str(exc)


@contextmanager
def errors() -> Iterator[None]:
    """Turn the library's errors (and an interrupt) into one line on stderr and an exit code."""
    try:
        yield
    except NewsSearchError as exc:
        error(with_hint(exc))
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt as exc:
        if isinstance(exc, IndexInterrupted):
            stderr().print(f"[red]Interrupted:[/red] {interrupted(exc)}")
        else:
            stderr().print("[red]Interrupted.[/red]")
        INTERRUPT["reported"] = True
        raise typer.Exit(143 if INTERRUPT["terminated"] else 130) from None
    except OSError as exc:
        error(f"{exc.strerror or exc}: {path_text(exc.filename or '')}")
        raise typer.Exit(1) from None


def interrupted(exc: IndexInterrupted) -> str:
    """What an interrupted update left in the index."""
    if exc.committed:
        return "the work was committed: the index holds this run's changes."
    if exc.checkpointed is None:
        return "nothing was committed; the index is as it was."
    if not exc.checkpointed:
        return "nothing was committed; the index is still empty: run the same command to build it."
    return (
        f"the first build is not finished: {exc.checkpointed} stories are committed (in checkpoints), the rest "
        "is not; run the same command to resume it."
    )


@contextmanager
def committed(made: int = -1) -> Iterator[None]:
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
        help="Index folder (one crafted to run code is refused: nothing in it is run).",
        show_default="./index",
        envvar="NEWSSEARCH_INDEX",
        show_envvar=True,
    ),
]


LimitOption = Annotated[int, typer.Option("--limit", "-n", help="Results per page (1 to 1000).")]
PageOption = Annotated[int, typer.Option("--page", "-p", help="Page of results.")]
SinceOption = Annotated[
    str | None, typer.Option(help="Only articles dated on or after this (YYYY, YYYY-MM or YYYY-MM-DD).")
]
UntilOption = Annotated[
    str | None,
    typer.Option(help="Only articles dated on or before this; a partial date covers its whole period."),
]


_ANY = "(repeat it: any of them)"
_EVERY = "(repeat it: stories naming each)"
AuthorOption = Annotated[
    list[str] | None,
    typer.Option(help=f"Only stories with this name in the byline {_ANY}.", show_default=False),
]
SectionOption = Annotated[
    list[str] | None,
    typer.Option(help=f"Only stories of this section or category {_ANY}.", show_default=False),
]
SourceOption = Annotated[
    list[str] | None, typer.Option(help=f"Only stories from this source {_ANY}.", show_default=False)
]
PersonOption = Annotated[
    list[str] | None,
    typer.Option(
        help=f"Only stories naming this person, any variant of the name {_EVERY}.", show_default=False
    ),
]
OrgOption = Annotated[
    list[str] | None,
    typer.Option(help=f"Only stories naming this organization {_EVERY}.", show_default=False),
]
PlaceOption = Annotated[
    list[str] | None, typer.Option(help=f"Only stories naming this place {_EVERY}.", show_default=False)
]


def filters(
    author: list[str] | None, section: list[str] | None, source: list[str] | None,
    person: list[str] | None, org: list[str] | None, place: list[str] | None,
) -> Filters:  # fmt: skip
    """The filter options given, as ``NewsIndex``'s methods take them (an option not given: None)."""
    return Filters(
        author=author or None, section=section or None, source=source or None, person=person or None,
        org=org or None, place=place or None,
    )  # fmt: skip


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
    INTERRUPT.update(reported=False, terminated=False)


def run_update(
    index: NewsIndex | Path,
    paths: list[Path],
    rebuild: bool,
    columns: list[str] | None = None,
    *,
    shards: int | None = None,
    cluster: dict[str, Any] | None = None,
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
            return index.update(paths, rebuild=rebuild, columns=columns, progress=progress, **(cluster or {}))
        return NewsIndex.rebuild(
            index, paths, columns=columns, progress=progress, shards=shards, **(cluster or {})
        )
    finally:
        if bar.live.is_started:
            bar.stop()


def build_from(location: Path, corpus: Path) -> NewsIndex:
    err = stderr()
    err.print(f"No index at {safe(location)} yet: building it from {safe(corpus)}/ …")
    ix = NewsIndex.create(location)
    report = run_update(ix, [corpus], False)
    with committed():
        print_report(report, err)
    return ix


def open_or_build(location: Path) -> NewsIndex:
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
                return build_from(location, corpus)
            ix = NewsIndex.open(location)
            if state == "building":  # not locked, so a first build was interrupted: finish it, or say so
                ix.close()
                if not corpus.is_dir():
                    raise IndexUnfinishedError(
                        f"the index at {location} was never finished (its first build was interrupted)"
                    )
                return build_from(location, corpus)
            return ix
        except IndexBusyError:
            if time.monotonic() > deadline:
                raise
            if not waiting:
                stderr().print(f"Waiting for the index at {safe(location)} to be built by another process …")
                waiting = True
            time.sleep(0.5)


@contextmanager
def output() -> Iterator[Console]:
    """stdout's console for a command's results; a reader that stops early (``| head``) ends the command quietly,
    with exit code 0 (Rich's own handler exits with 1)."""
    console = stdout()
    console.on_broken_pipe = _pipe_closed  # type: ignore[method-assign]
    try:
        yield console
        sys.stdout.flush()
    except BrokenPipeError:
        _drop_stdout()
        raise typer.Exit(0) from None


def _pipe_closed() -> None:
    raise BrokenPipeError


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so that flushing it at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (a test runner's)
        pass
