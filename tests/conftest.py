import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "corpus" / "000_fef9c184b96aac0a.txt"
DATA = Path(__file__).resolve().parent / "data"
CORPORA = ROOT.parent / "shared" / "corpora"

needs_corpora = pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not here")


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
def index_path(tmp_path) -> Path:
    return tmp_path / "index"
