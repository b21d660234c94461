import shutil
from pathlib import Path

import pytest

from .helpers import DATA, SEED


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
