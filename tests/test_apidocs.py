"""The API reference (``python -m docs.apidocs``, as the README says) builds without a warning from pdoc, and its
page shows every exported name and ``NewsIndex``'s methods with their signatures and docstrings."""

import html
import inspect
import re
import subprocess
import sys

import newssearch
from docs import apidocs
from newssearch import NewsIndex

from .helpers import ROOT

METHODS = ["search", "count", "iter_search", "add", "update", "delete", "similar", "read", "stats", "matches"]
METHODS += ["get", "check", "top", "facets", "timeline", "spike", "keywords", "cooccur"]


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", fragment))).strip()


def _members(page: str) -> dict[str, tuple[str, str]]:
    """Each documented member of NewsIndex (and of its base class Coverage): its rendered signature and docstring,
    as text."""
    found = {}
    for match in re.finditer(
        r'<div id="(?:NewsIndex|Coverage)\.(\w+)" class="classattr">(.*?)(?=<div id="|</section>)', page, re.S
    ):
        block = match.group(2)
        signature = re.search(r'<span class="signature[^"]*">(.*?)</span>\s*(?:<label|</div>)', block, re.S)
        docstring = re.search(r'<div class="docstring">(.*?)</div>', block, re.S)
        found[match.group(1)] = (
            _text(signature.group(1)) if signature else "",
            _text(docstring.group(1)) if docstring else "",
        )
    return found


def test_the_readme_command_builds_the_reference_without_warnings(tmp_path):
    command = re.search(r"python -m docs\.apidocs[^\n`]*", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert command, "the README gives the command that builds the reference"
    done = subprocess.run(
        [sys.executable, "-m", "docs.apidocs", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    page = (tmp_path / "newssearch.html").read_text(encoding="utf-8")

    for name in newssearch.__all__:
        assert f'<section id="{name}">' in page, name
    members = _members(page)
    for name in METHODS:
        signature, _ = members[name]
        wanted = inspect.signature(getattr(NewsIndex, name))
        for parameter in wanted.parameters:
            assert re.search(rf"\b{parameter}\b", signature), (name, parameter, signature)
        returns = wanted.return_annotation
        assert signature.endswith(f"-> {returns}:"), (name, signature)
    assert "limit: int = 10" in members["search"][0]
    lead = inspect.getdoc(NewsIndex.search).split("\n\n")[0].replace("\n", " ")
    assert lead.startswith("Ranked search (BM25")
    assert members["search"][1].startswith(lead)
    assert "def search(" not in page  # the signatures and docstrings, not the source
    anchors = set(re.findall(r'\bid="([^"]+)"', page))
    assert set(re.findall(r'href="#([^"]+)"', page)) <= anchors  # every cross-reference leads somewhere
    for docstring in re.findall(r'<div class="docstring">(.*?)</div>', page, re.S):
        prose = _text(re.sub(r"<pre>.*?</pre>", "", docstring, flags=re.S))
        assert not re.search(r"::|``|:\w+:`", prose), prose  # reStructuredText that pdoc misread


def test_a_warning_fails_the_build(tmp_path, monkeypatch, capsys):
    """An annotation pdoc cannot read is a warning, and the build says so and exits 1."""
    monkeypatch.setitem(NewsIndex.stats.__annotations__, "return", "NoSuchStats")
    assert apidocs.main([str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "NoSuchStats" in err and "NewsIndex.stats" in err
