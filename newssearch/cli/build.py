"""``newssearch index`` and ``newssearch check``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newssearch.cli.common import (
    IndexOption,
    app,
    committed,
    default_corpus,
    default_index,
    error,
    errors,
    run_update,
)
from newssearch.cli.render import print_report, safe, stderr, stdout
from newssearch.engine import UNCHANGED, remove_created
from newssearch.errors import IndexAccessError, ReadError
from newssearch.index import NewsIndex, commit_count, index_state
from newssearch.text.sanitize import path_text


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
    shards: Annotated[
        int | None,
        typer.Option(
            "--shards",
            min=1,
            max=64,
            help="Split a new (or rebuilt) index into N shards, built and searched side by side.",
            show_default="1, or as the index has",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help='Read and write on a local Dask cluster of W processes (pip install "newssearch[cluster]").',
        ),
    ] = None,
    aliases: Annotated[
        Path | None,
        typer.Option(
            "--aliases",
            help="An alias file (NAME = OTHER NAME, ...): each entity counted under one name; kept with the index.",
            show_default=False,
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Read and write on the Dask cluster at tcp://HOST:PORT; its workers must reach the same paths.",
            show_default="$NEWSSEARCH_SCHEDULER",
        ),
    ] = None,
) -> None:
    """Index article files: new and changed files are read, unchanged ones skipped, deleted ones removed.

    Example: newssearch index ~/news --index ~/news-index
    """
    with errors():
        location = index or default_index()
        paths = paths or [default_corpus()]
        for path in paths:
            if not path.exists():  # before anything is created: a failed run leaves no empty index behind
                raise ReadError(f"no such file or folder: {path_text(path)}")
        names = [c.strip() for c in columns.split(",")] if columns else None
        cluster = {"workers": workers, "scheduler": scheduler, "aliases": aliases}
        existed, fresh = location.exists(), index_state(location) == "missing"
        made = commit_count()
        try:
            with committed(made):  # an interrupt on the way back from the commit, or while printing
                if rebuild:
                    report = run_update(location, paths, True, names, shards=shards, cluster=cluster)
                else:
                    with NewsIndex.create(location, shards=shards) as ix:
                        report = run_update(ix, paths, False, names, cluster=cluster)
                print_report(report, stdout())
        except (
            IndexAccessError
        ) as exc:  # a full disk, say: a first build that committed nothing leaves no index
            if fresh and commit_count() == made:
                remove_created(location, existed)
                raise IndexAccessError(str(exc).replace(UNCHANGED, "; no index was made")) from None
            raise
        if not (report.files_read or report.files_unchanged or report.files_removed):
            # A first build that indexed nothing leaves no empty index behind (unless another process's run
            # filled it meanwhile: this one waited for its lock).
            if fresh and not rebuild and not report.total:
                remove_created(location, existed)
            what = "no file could be indexed" if report.skipped else "no article files found"
            error(f"{what} in {', '.join(path_text(p) for p in paths)}")
            raise typer.Exit(1)


@app.command("check")
def check_command(index: IndexOption = None) -> None:
    """Read every stored article and word list of the index and report anything damaged.

    Example: newssearch check --index ~/news-index
    """
    with errors():
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
            f"{verdict}: read {report.documents} article{'' if report.documents == 1 else 's'} and {report.terms} word lists in {safe(location)}."
        )
        if not report.ok:
            err.print("Rebuild it with `newssearch index PATHS --rebuild`.")
            raise typer.Exit(1)
