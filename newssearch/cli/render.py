"""What the CLI prints: Rich renderings of results and reports, and the JSON document.

Everything printed that came from a corpus, a file name or the user's own query goes through ``terminal_safe``
(or a same-length replacement where highlight spans must stay valid), so no text can move the cursor, clear the
screen or set the window title.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from rich.console import Console, Group
from rich.markup import escape
from rich.padding import Padding
from rich.text import Text

from newssearch.dates import format_date
from newssearch.models import Contribution, Hit, SearchResults
from newssearch.reports import IndexReport
from newssearch.text.sanitize import terminal_safe

HIGHLIGHT = "bold black on yellow"
#: A query up to this many characters is echoed whole in a results header.
ECHO = 80
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def stderr() -> Console:
    # soft_wrap: a message stays one line however narrow the terminal.
    return Console(stderr=True, highlight=False, soft_wrap=True)


def stdout() -> Console:
    console = Console(highlight=False)
    console.soft_wrap = not console.is_terminal  # piped: one line per line, no hard wrapping or padding
    return console


def safe(value: object) -> str:
    """Any text for the terminal: control characters shown as escapes, Rich markup shown literally."""
    return escape(terminal_safe(str(value)))


def echoed(query: str) -> str:
    """The query as a results header shows it: whole up to ``ECHO`` characters; a longer one (pasted text) its
    first words with an ellipsis and its number of words. Exports keep the query whole."""
    if len(query) <= ECHO:
        return safe(query)
    flat = " ".join(query.split())
    cut = flat.rfind(" ", 0, ECHO + 1)
    words = len(flat.split())
    return safe(f"{flat[: cut if cut > ECHO // 2 else ECHO].rstrip()} … ({words:,} words)")


def _same_length(text: str) -> str:
    """Control characters replaced one for one, so highlight spans stay valid."""
    return _CONTROL.sub(lambda m: " " if m.group() in "\n\t" else "\ufffd", text)


def print_report(report: IndexReport, console: Console) -> None:
    formats = ", ".join(
        f"{c.files} {fmt}" + (f" with {c.articles} articles" if c.articles != c.files else "")
        for fmt, c in sorted(report.formats.items())
    )
    appended = len(report.files_appended)
    in_part = f", {appended} of them only where appended to" if appended else ""
    summary = (
        f"{'Rebuilt' if report.rebuilt else 'Indexed'}: {report.added} added, {report.updated} updated, "
        f"{report.removed} removed; files: {report.files_read} read{f' ({formats})' if formats else ''}{in_part}, "
        f"{report.files_unchanged} unchanged, {report.files_removed} gone, {len(report.skipped)} skipped. "
        f"The index holds {report.total} article{'s' if report.total != 1 else ''}."
    )
    console.print(escape(summary), soft_wrap=True)
    err = stderr()
    for path, reason in report.skipped:
        err.print(f"[yellow]Skipped[/yellow] {safe(path)}: {safe(reason)}")
    for path in report.files_appended:
        err.print(f"[cyan]Appended[/cyan] {safe(path)}: read from where the index had it")
    for path, note in report.notes:
        err.print(f"[yellow]Note[/yellow] {safe(path)}: {safe(note)}")
    if any(note.startswith("no header row") for _, note in report.notes):
        err.print(
            "Name the columns of CSV/TSV files without a header row with --columns, e.g. class,title,description."
        )


def hit_renderable(hit: Hit, piped: bool) -> Group | Text:
    title = Text(f"{hit.rank:>3}. ", style="bold")
    headline = Text(_same_length(hit.headline) or "(no headline)", style="bold")
    for start, end in hit.headline_highlights:
        headline.stylize(HIGHLIGHT, start, end)
    title.append_text(headline)
    title.append(f"  ({hit.score:.2f})", style="dim")
    details = Text()
    meta = [
        format_date(hit.date, hit.article.date_precision, time=False) if hit.date else None,
        hit.source,
        hit.place,
    ]
    if any(meta):
        details.append(terminal_safe(" · ".join(m for m in meta if m)) + "\n", style="cyan")
    snippet = Text(_same_length(hit.snippet.text))
    for start, end in hit.snippet.highlights:
        snippet.stylize(HIGHLIGHT, start, end)
    details.append_text(snippet)
    for label, names in (("People", hit.people), ("Orgs", hit.organizations), ("Places", hit.places)):
        if names:
            details.append(f"\n{label}: ", style="dim")
            shown = ", ".join(terminal_safe(n) for n in names[:8]) + (" …" if len(names) > 8 else "")
            details.append(shown, style="green")
    if hit.versions:
        details.append(
            f"\n+{hit.versions} near-identical version{'s' if hit.versions != 1 else ''}", style="magenta"
        )
    details.append(f"\nid: {terminal_safe(hit.id)}", style="dim")
    if hit.explanation:
        details.append(f"\nscore {hit.score:.2f} = ", style="dim")
        details.append(" + ".join(_part(part) for part in hit.explanation), style="dim")
    if piped:
        indented = Text("     ").join(details.split("\n", include_separator=True))
        return Text.assemble(title, "\n     ", indented)
    return Group(title, Padding(details, (0, 0, 0, 5), expand=False))


def _part(part: Contribution) -> str:
    """``headline:oil 1.20``; the part no word accounts for is ``other``."""
    name = f"{part.field}:{terminal_safe(part.word)}" if part.field else "other"
    return f"{name} {part.score:.2f}"


def render(results: SearchResults, console: Console) -> None:
    query = echoed(results.query)
    if not results.total:
        console.print(f"No results for “{query}”.")
    if results.suggestion:
        console.print(f"Did you mean: [bold]{safe(results.suggestion)}[/bold]?\n")
    if not results.total:
        return
    shown = f"{results.hits[0].rank}–{results.hits[-1].rank}" if results.hits else "none"
    copies = results.with_reprints
    extra = f", {copies} with reprints" if copies is not None and copies != results.total else ""
    console.print(
        f"[bold]{results.total}[/bold] result{'s' if results.total != 1 else ''} for “{query}” "
        f"(showing {shown}, page {results.page} of {results.pages}{extra})\n"
    )
    for hit in results.hits:
        console.print(hit_renderable(hit, piped=not console.is_terminal))
        console.print()


def print_count(query: str, stories: int, copies: int, as_json: bool) -> None:
    """``query --count``: the number of matching stories, and of copies with reprints."""
    if as_json:
        print(json_text({"query": query, "count": stories, "with_reprints": copies}))
    else:
        print(f"{stories}" + (f" ({copies} with reprints)" if copies != stories else ""))


def json_text(document: dict[str, Any]) -> str:
    # json escapes C0 controls; C1 ones (a terminal reads U+009B as CSI) are escaped here too.
    text = json.dumps(document, ensure_ascii=False, indent=2)
    return re.sub(r"[\x7f-\x9f\u2028\u2029]", lambda m: f"\\u{ord(m.group()):04x}", text)


def write_all(header: dict[str, Any], hits: Iterable[Hit], console: Console) -> None:
    """Every hit of ``query --all`` (the text format), as ``newssearch query`` shows a page of them."""
    total = header["total"]
    query = echoed(header["query"])
    if not total:
        console.print(f"No results for “{query}”.")
        return
    console.print(f"[bold]{total}[/bold] result{'s' if total != 1 else ''} for “{query}” (all)\n")
    for hit in hits:
        console.print(hit_renderable(hit, piped=not console.is_terminal))
        console.print()
        console.file.flush()
