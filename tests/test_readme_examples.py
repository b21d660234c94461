"""The README's examples print what the commands print: each example that shows output is run on the index it
names (the bundled corpus/, or BBC as a slow test) and its headers, hits, scores, ids and counts must match.

When they change on purpose (ranking, extraction), re-sync the README with
``NEWSSEARCH_UPDATE_DOCS=1 .venv/bin/python -m pytest tests/test_readme_examples.py`` (with ../shared/corpora
present) and read the diff before committing it.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path

import pytest

from newssearch import NewsIndex

from .helpers import CORPORA, ROOT, invoke, needs_corpora

README = ROOT / "README.md"
UPDATE = os.environ.get("NEWSSEARCH_UPDATE_DOCS") == "1"
#: What an example's ``--index NAME`` holds (no ``--index``: the bundled corpus).
INDEXES = {"bbc-index": "bbc", "reuters-index": "reuters21578"}
#: Commands whose output is of the moment (the time of the last update, the size on disk): not checked.
UNCHECKED = {"stats"}

#: The facts of an output, by kind: each pattern's group 1 is one fact; the README shows some of each kind.
TEXT_FACTS = {
    "header": re.compile(r"^(\d+ results? for .*)$", re.M),
    "hit": re.compile(r"^ +(\d+\. .*\(-?\d+\.\d+\))$", re.M),
    "id": re.compile(r"^ +id: (.*)$", re.M),
    "count": re.compile(r"^(\d+(?: \(\d+ with reprints\))?)$", re.M),
}
JSON_FACTS = {
    key: re.compile(rf'"{key}": ([^,\n}}]+)') for key in ("total", "total_with_reprints", "rank", "score")
}
JSON_FACTS["id"] = re.compile(r'"id": ("[^"]*")')
#: The rows of an analysis's tables (``top``, ``timeline``, ``keywords``, ``cooccur``).
TABLE_FACTS = {"row": re.compile(r"^(│.*│) *$", re.M)}
ANALYSES = {"top", "timeline", "keywords", "cooccur"}
CSV_FACTS = {
    "total": re.compile(r"^ *# newssearch .*? total=(\d+)", re.M),
    "row": re.compile(r"^ *(\d+,-?\d+\.\d+,[^,]+),", re.M),
}

#: Examples without a ``$`` prompt: how the README's block starts, the command, and the facts it shows.
PLAIN_EXAMPLES = [
    ('{"query": "NATO Iraq"', ["query", "NATO Iraq", "--json"], JSON_FACTS),
    ('# newssearch query="NATO Iraq"', ["query", "NATO Iraq", "--format", "csv"], CSV_FACTS),
]


class Example:
    """One example: its command, the index it names, and where its output is in the README."""

    def __init__(self, args: list[str], start: int, end: int, facts: dict[str, re.Pattern[str]]):
        self.args, self.start, self.end, self.facts = args, start, end, facts
        name = args[args.index("--index") + 1] if "--index" in args else None
        self.corpus = INDEXES.get(name) if name else None
        self.args = [a for i, a in enumerate(args) if "--index" not in (a, args[i - 1] if i else "")]

    def __repr__(self) -> str:
        return " ".join(self.args)


def examples(text: str) -> list[Example]:
    found = []
    for block in re.finditer(r"```(?:text|json)\n(.*?)```", text, re.S):
        body, offset = block.group(1), block.start(1)
        prompts = list(re.finditer(r"^\$ newssearch (.*)$", body, re.M))
        for n, prompt in enumerate(prompts):
            end = prompts[n + 1].start() if n + 1 < len(prompts) else len(body)
            args = shlex.split(prompt.group(1))
            if args[0] not in UNCHECKED:
                facts = TABLE_FACTS if args[0] in ANALYSES else TEXT_FACTS
                found.append(Example(args, offset + prompt.end(), offset + end, facts))
        for start, args, facts in PLAIN_EXAMPLES:
            if body.lstrip().startswith(start):
                found.append(Example(args, offset, offset + len(body), facts))
    return found


EXAMPLES = examples(README.read_text(encoding="utf-8"))


def test_the_readme_examples_are_found():
    assert len(EXAMPLES) >= 5
    assert {e.corpus for e in EXAMPLES} == {None, "bbc", "reuters21578"}


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "corpus", folder / "corpus")
    with NewsIndex.create(folder / "index") as ix:
        ix.update([folder / "corpus"])
    return folder / "index"


@pytest.fixture
def bbc(bbc_index):
    return bbc_index


def _facts(text: str, patterns: dict[str, re.Pattern[str]]) -> dict[str, list[re.Match[str]]]:
    return {kind: list(pattern.finditer(text)) for kind, pattern in patterns.items()}


def _check(example: Example, index: Path) -> None:
    result = invoke(*example.args, "--index", index)
    assert result.exit_code == 0, result.output
    readme = README.read_text(encoding="utf-8")
    # Where the example is now (an update of an earlier example may have moved it).
    example = next(e for e in examples(readme) if (e.args, e.corpus) == (example.args, example.corpus))
    shown = _facts(readme[example.start : example.end], example.facts)
    printed = _facts(result.stdout, example.facts)
    edits: list[tuple[int, int, str]] = []
    for kind, matches in shown.items():
        wanted = [m.group(1) for m in printed[kind]][: len(matches)]
        assert len(wanted) == len(matches), f"{example}: the README shows more {kind} lines than it prints"
        for match, value in zip(matches, wanted, strict=True):
            if match.group(1) != value:
                edits.append((example.start + match.start(1), example.start + match.end(1), value))
    if UPDATE:
        for start, end, value in sorted(edits, reverse=True):
            readme = readme[:start] + value + readme[end:]
        README.write_text(readme, encoding="utf-8")
        return
    assert not edits, (
        f"README example `newssearch {example}` differs from what it prints: "
        + "; ".join(f"{readme[s:e]!r} is now {v!r}" for s, e, v in edits)
        + " (re-sync: NEWSSEARCH_UPDATE_DOCS=1 python -m pytest tests/test_readme_examples.py)"
    )


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.corpus is None], ids=repr)
def test_an_example_on_the_bundled_corpus_prints_what_the_readme_shows(example, bundled):
    _check(example, bundled)


@needs_corpora
@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.corpus == "bbc"], ids=repr)
def test_an_example_on_bbc_prints_what_the_readme_shows(example, bbc):
    _check(example, bbc)


@pytest.fixture(scope="module")
def reuters(tmp_path_factory):
    path = tmp_path_factory.mktemp("reuters") / "index"
    NewsIndex.rebuild(path, [CORPORA / "reuters21578"])
    return path


@needs_corpora
@pytest.mark.slow
@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.corpus == "reuters21578"], ids=repr)
def test_an_example_on_reuters_prints_what_the_readme_shows(example, reuters):
    _check(example, reuters)
