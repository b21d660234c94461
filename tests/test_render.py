"""What the CLI prints, rendered directly: highlights, terminal safety, piped text, the JSON text."""

import io
import json
from datetime import datetime, timezone

from rich.console import Console

from newssearch.cli.render import HIGHLIGHT, hit_renderable, json_text, print_report, render, safe
from newssearch.models import Article, Hit, SearchResults, Snippet
from newssearch.reports import FormatCount, IndexReport

ARTICLE = Article(
    id="wire/1.txt",
    headline="Iraq asks NATO to stay",
    body="Iraq asked NATO to keep its trainers.",
    date=datetime(2020, 1, 7, tzinfo=timezone.utc),
    source="Reuters",
    place="Baghdad",
    people=[f"Person {n}" for n in range(10)],
)
HIT = Hit(1, 3.14159, ARTICLE, Snippet("Iraq asked NATO to keep", [(11, 15)]), headline_highlights=[(0, 4)])


def _console(terminal: bool) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    colors = "standard" if terminal else None
    console = Console(file=out, force_terminal=terminal, width=60, highlight=False, color_system=colors)
    console.soft_wrap = not terminal  # as the CLI does: piped text is not wrapped
    return console, out


def test_a_hit_shows_rank_headline_score_meta_snippet_entities_and_id():
    console, out = _console(terminal=False)
    console.print(hit_renderable(HIT, piped=True))
    lines = out.getvalue().splitlines()
    assert lines[0] == "  1. Iraq asks NATO to stay  (3.14)"
    assert lines[1] == "     2020-01-07 · Reuters · Baghdad"
    assert lines[2] == "     Iraq asked NATO to keep"
    assert lines[3].startswith("     People: Person 0, Person 1") and lines[3].endswith(
        "Person 7 …"
    )  # 8 shown
    assert lines[4] == "     id: wire/1.txt"


def test_highlight_spans_are_styled_exactly():
    text = hit_renderable(HIT, piped=True)
    styled = [text.plain[span.start : span.end] for span in text.spans if span.style == HIGHLIGHT]
    assert styled == ["Iraq", "NATO"]


def test_control_characters_and_markup_from_a_corpus_are_shown_harmlessly():
    hostile = Article(
        id="x\x1b[2J", headline="Markets \x1b]0;PWNED\x07rally", body="", people=["[bold]Eve[/bold]"]
    )
    hit = Hit(1, 1.0, hostile, Snippet("held \x9b2J rates [red]x[/red]", [(0, 4)]))
    console, out = _console(terminal=True)
    console.print(hit_renderable(hit, piped=False))
    printed = out.getvalue()
    assert "\x07" not in printed and "\x9b" not in printed and "]0;PWNED" in printed
    assert "[bold]Eve[/bold]" in printed and "[red]x[/red]" in printed  # literal, not markup
    assert "x\\x1b[2J" in printed  # the id shown with its escape spelled out
    assert safe("[b]x\x1b") == "\\[b]x\\x1b"


def test_no_results_and_the_page_line():
    console, out = _console(terminal=False)
    render(SearchResults(query="zyzzyva", total=0, page=1, limit=10), console)
    assert out.getvalue() == "No results for “zyzzyva”.\n"
    console, out = _console(terminal=False)
    render(SearchResults(query="iraq", total=11, page=2, limit=10, hits=[HIT]), console)
    assert out.getvalue().startswith("11 results for “iraq” (showing 1–1, page 2 of 2)")


def test_json_text_escapes_c1_controls_and_is_valid_json():
    document = {"snippet": "a\x9b2Jb\u2028c\x1b"}
    text = json_text(document)
    assert "\x9b" not in text and "\\u009b" in text and "\\u2028" in text and "\\u001b" in text
    assert json.loads(text) == document


def test_report_summary_counts_files_and_articles(capsys):
    report = IndexReport(
        added=5, files_read=2, total=5, formats={"jsonl": FormatCount(1, 4), "text": FormatCount(1, 1)}
    )
    report.notes.append(("ag.csv", "no header row: read columns as class,title,description"))
    console, out = _console(terminal=False)
    print_report(report, console)
    assert out.getvalue().strip() == (
        "Indexed: 5 added, 0 updated, 0 removed; files: 2 read (1 jsonl with 4 articles, 1 text), 0 unchanged, "
        "0 gone, 0 skipped. The index holds 5 articles."
    )
    err = capsys.readouterr().err
    assert "Note ag.csv: no header row" in err and "--columns" in err


PASTED = (
    "Oil prices rose sharply on Monday after OPEC ministers agreed to cut output, traders in London said, "
    "and analysts expected further gains this week as stocks fell across Europe and Asia. "
) * 3


def test_a_pasted_query_is_echoed_short_and_whole_in_exports(corpus, index_path):
    from .helpers import invoke

    assert invoke("index", str(corpus), "--index", str(index_path)).exit_code == 0
    words = len(PASTED.split())
    text = invoke("query", PASTED, "--index", str(index_path))
    assert text.exit_code == 0, text.output
    header = text.stdout.splitlines()[0]
    assert PASTED.strip() not in text.stdout and f"… ({words} words)" in header
    assert "Oil prices rose sharply on Monday after OPEC ministers agreed to cut output," in header
    assert len(header) < 200
    every = invoke("query", PASTED, "--index", str(index_path), "--all")
    assert f"… ({words} words)" in every.stdout.splitlines()[0]
    assert (
        json.loads(invoke("query", PASTED, "--index", str(index_path), "--format", "json").stdout)["query"]
        == PASTED
    )
    short = invoke("query", "oil   prices", "--index", str(index_path))
    assert "“oil   prices”" in short.stdout  # a query that fits is shown as typed
