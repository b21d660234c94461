import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

from . import fault_injection as fi
from .helpers import CORPORA, DATA, SEED, invoke, mini_corpora, sample_searcher

# In CI the property tests run a fixed set of examples, so a run passes or fails for the code it tests; local runs
# draw new examples each time (and Hypothesis keeps any failure it finds in .hypothesis/ to replay it).
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


# The extractor's tables are cached on disk (newssearch.extract.cache): the tests keep theirs out of the user's cache,
# in one folder shared by every test and CLI subprocess so that each builds them at most once.
os.environ.setdefault("NEWSSEARCH_CACHE", os.path.join(tempfile.gettempdir(), "newssearch-test-cache"))


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    """Every test gets its own default index and corpus locations, never the project's."""
    monkeypatch.setenv("NEWSSEARCH_INDEX", str(tmp_path / "default-index"))
    monkeypatch.setenv("NEWSSEARCH_CORPUS", str(tmp_path / "default-corpus"))
    monkeypatch.setenv("COLUMNS", "120")


@pytest.fixture
def corpus(tmp_path) -> Path:
    """A small corpus: the user's example article plus hand-written articles in every format."""
    folder = tmp_path / "corpus"
    shutil.copytree(DATA / "mixed", folder)
    shutil.copy(SEED, folder / SEED.name)
    return folder


@pytest.fixture
def huffpost(tmp_path) -> Path:
    """A copy of the HuffPost-style records (JSON Lines in a .json file, a CSV, odd field names)."""
    folder = tmp_path / "huffpost"
    shutil.copytree(DATA / "huffpost", folder)
    return folder


@pytest.fixture
def indexed(corpus, index_path):
    """The test corpus indexed through the CLI (for the CLI's tests; modules with another index define their own)."""
    result = invoke("index", corpus, "--index", index_path)
    assert result.exit_code == 0, result.output
    return index_path


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    """A raw Whoosh searcher over the sample corpus, built once per test module (tests of the query modules)."""
    with sample_searcher(tmp_path_factory.mktemp("query")) as s:
        yield s


@pytest.fixture
def index_path(tmp_path) -> Path:
    return tmp_path / "index"


@pytest.fixture(scope="session")
def bbc_index(tmp_path_factory) -> Path:
    """The BBC collection of ../shared/corpora, indexed once for the tests that read it (skipped without it)."""
    if not (CORPORA / "bbc").is_dir():
        pytest.skip("../shared/corpora is not here")
    from newssearch import NewsIndex

    path = tmp_path_factory.mktemp("bbc") / "index"
    with NewsIndex.create(path) as ix:
        ix.update([CORPORA / "bbc"])
    return path


@pytest.fixture
def mini(tmp_path) -> Path:
    """A few generated documents laid out like ../shared/corpora (for the benchmark harness's tests)."""
    return mini_corpora(tmp_path / "corpora")


@pytest.fixture(scope="session")
def sc(tmp_path_factory) -> fi.Scenario:
    """150 generated articles and a JSON Lines file, indexed, then changed (edits, additions, deletions); a clean
    build of the changed corpus; and the duration of an uninterrupted run of each mode."""
    scenario = fi.scenario(tmp_path_factory.mktemp("faults"), articles=150)
    # Time a first build only: on this small corpus the start-up and the entity gazetteer take most of any run,
    # so an update or a rebuild takes about as long (the script times each mode).
    scenario.measure(["build"])
    scenario.durations.update(update=scenario.durations["build"], rebuild=scenario.durations["build"])
    return scenario
