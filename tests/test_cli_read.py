"""``newssearch similar``, ``show`` and ``stats`` through the CLI: text, JSON, stdin, errors, help."""

import json

import pytest

from newssearch import Article, NewsIndex

from .helpers import SEED, related_corpus
from .helpers import invoke as run

SEED_ID = f"corpus/{SEED.name}"
RELATED = "corpus/similar/iraq_parliament.txt"


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli-read")
    with NewsIndex.create(folder / "index") as ix:
        ix.update([related_corpus(folder)])
        ix.add(
            [
                Article(
                    id="markup", headline="[bold]Not bold[/bold]", body="Rich [red]markup[/red] stays text."
                )
            ]
        )
    return folder / "index"


def stdin_run(stdin, *args):
    from typer.testing import CliRunner

    from newssearch.cli import app

    return CliRunner().invoke(app, [str(a) for a in args], input=stdin)


def test_similar_prints_ranked_stories_without_the_story_itself(indexed):
    result = run("similar", SEED_ID, "--index", indexed, "-n", "3")
    assert result.exit_code == 0, result.output
    assert f"similar to {SEED_ID}" in result.stdout
    assert "1. Iraqi parliament presses for withdrawal of U.S. troops" in result.stdout
    assert f"id: {SEED_ID}" not in result.stdout and "seed_reprint" not in result.stdout


def test_similar_json(indexed):
    result = run("similar", SEED_ID, "--index", indexed, "--json")
    data = json.loads(result.stdout)
    assert data["hits"][0]["id"] == RELATED and data["total"] == len(data["hits"])
    assert SEED_ID not in [hit["id"] for hit in data["hits"]]


@pytest.mark.parametrize("how", ["option", "dash", "piped"])
def test_similar_reads_pasted_text(indexed, how):
    text = "OPEC ministers weigh deeper oil output cuts as crude prices climb"
    if how == "option":
        result = run("similar", "--text", text, "--index", indexed, "--json")
    else:
        result = stdin_run(text, "similar", *(["-"] if how == "dash" else []), "--index", indexed, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["hits"][0]["id"] == "corpus/oil_prices.txt"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["similar", "no-such-id"], 1, "Error: no article with id 'no-such-id' in the index"),
        (["similar", SEED_ID, "--text", "oil"], 2, "Error: give an article id or --text, not both"),
        (["similar", SEED_ID, "--since", "later"], 2, "Error:"),
        (["show", "no-such-id"], 1, "Error: no article with id 'no-such-id' in the index"),
        (["show", SEED_ID, "--query", "the"], 2, "only common words"),
    ],
)
def test_bad_input_is_one_line_on_stderr(indexed, args, code, message):
    result = run(*args, "--index", indexed)
    assert result.exit_code == code
    assert message in result.stderr and result.stderr.count("\n") == 1 and not result.stdout


def test_similar_with_empty_stdin_is_a_usage_error(indexed):
    result = stdin_run("", "similar", "--index", indexed)
    assert result.exit_code == 2 and "empty text" in result.stderr


def test_show_prints_the_whole_story(indexed):
    result = run("show", SEED_ID, "--index", indexed)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Washington turns down Iraqi call to remove troops\n")
    assert (
        f"id: {SEED_ID}" in out
        and "People: Qassem Soleimani, Donald Trump" in out
        and "Reuters · Baghdad" in out
    )
    body = NewsIndex.open(indexed).get(SEED_ID).body
    assert body.split("\n\n")[-1].strip() in out and "\n\n" in out.split("People:")[1]  # paragraphs kept


def test_show_json_gives_the_spans_of_the_query_words(indexed):
    result = run("show", SEED_ID, "--index", indexed, "--query", "troops", "--json")
    data = json.loads(result.stdout)
    assert data["id"] == SEED_ID and data["query"] == "troops"
    assert {data["body"][a:b].lower() for a, b in data["body_highlights"]} == {"troops", "troop"}
    assert [data["headline"][a:b] for a, b in data["headline_highlights"]] == ["troops"]


def test_show_prints_markup_in_corpus_text_literally(indexed):
    result = run("show", "markup", "--index", indexed)
    assert "[bold]Not bold[/bold]" in result.stdout and "[red]markup[/red]" in result.stdout


def test_stats_text_and_json(indexed):
    result = run("stats", "--index", indexed)
    assert result.exit_code == 0, result.output
    assert "Stories:" in result.stdout and "12" in result.stdout
    assert "Dates:" in result.stdout and "2018-10-28 to 2022-11-27" in result.stdout
    assert "Sources:" in result.stdout and "Reuters 7" in result.stdout
    assert "Not from files: 1 stories" in result.stdout
    data = json.loads(run("stats", "--index", indexed, "--json").stdout)
    assert data["articles"] == 12 and data["unfiled"] == 1 and data["formats"][".txt"]["files"] == 6


def test_stats_without_an_index_says_what_to_run(tmp_path):
    result = run("stats", "--index", tmp_path / "none")
    assert result.exit_code == 1 and "newssearch index" in result.stderr


@pytest.mark.parametrize("command", ["similar", "show", "stats"])
def test_help_has_an_example(command):
    result = run(command, "--help")
    assert result.exit_code == 0 and f"Example: newssearch {command}" in result.stdout


def test_a_reader_that_stops_early_ends_similar_quietly(tmp_path):
    """`newssearch similar ID -n 1000 | head -1`: exit 0 and nothing on stderr, as `query` does."""
    import subprocess
    import sys

    from newssearch import Article

    index_path = tmp_path / "ix"
    with NewsIndex.create(index_path) as ix:
        ix.add(
            Article(
                id=f"s{n}",
                headline=f"Oil {n}",
                body=f"Crude oil rose at desk{n} today. " * 60 + "Oil traders.",
            )
            for n in range(300)
        )
    command = [sys.executable, "-m", "newssearch", "similar", "s1", "-n", "1000", "-i", str(index_path)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.readline()
    process.stdout.close()
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0 and err == b""


def test_show_prints_the_byline_section_and_each_label_with_its_key(huffpost, tmp_path):
    index_path = tmp_path / "ix"
    assert (
        run("index", huffpost / "odd-fields.json", huffpost / "stories.json", "--index", index_path).exit_code
        == 0
    )
    with NewsIndex.open(index_path) as ix:
        [pier] = [h for h in ix.search("pier", limit=50).hits if h.author == "Mary Papenfuss"][:1]
        [keeper] = ix.search("lighthouse keeper").hits[:1]
    out = run("show", pier.id, "--index", index_path).stdout
    assert "By: Mary Papenfuss" in out and "Section: POLITICS" in out
    labels = next(
        line for line in run("show", keeper.id, "--index", index_path).stdout.splitlines() if "Labels" in line
    )
    assert "tags: coast, people" in labels and "story_body: The keeper" in labels
