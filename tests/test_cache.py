"""The disk cache of the extractor's tables (newssearch.extract.cache)."""

import importlib
import pickle

import pytest

from newssearch.extract import cache
from newssearch.extract.cache import cached, fingerprint


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSSEARCH_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "table.py"
    path.write_text("TABLE = 1\n")
    return path


def _counting(value):
    calls = []

    def build():
        calls.append(1)
        return value

    return build, calls


def test_a_table_is_built_once_then_loaded(folder, source):
    build, calls = _counting({"Baghdad": "Iraq"})
    assert cached("places", lambda: [source], build) == {"Baghdad": "Iraq"}
    assert cached("places", lambda: [source], build) == {"Baghdad": "Iraq"}
    assert len(calls) == 1 and len(list(folder.glob("places-*.pickle"))) == 1


def test_a_changed_source_builds_anew_and_drops_the_old_file(folder, source):
    build, calls = _counting([1])
    cached("places", lambda: [source], build)
    old = fingerprint([source])
    source.write_text("TABLE = 2\n")
    assert fingerprint([source]) != old
    cached("places", lambda: [source], build)
    assert len(calls) == 2 and [p.name for p in folder.glob("places-*.pickle")] == [
        f"places-{fingerprint([source])}.pickle"
    ]


@pytest.mark.parametrize("content", [b"", b"garbage", pickle.dumps(("other-table", 5))])
def test_a_damaged_or_foreign_file_is_rebuilt_and_replaced(folder, source, content):
    build, calls = _counting("fresh")
    folder.mkdir()
    (folder / f"places-{fingerprint([source])}.pickle").write_bytes(content)
    assert cached("places", lambda: [source], build) == "fresh"
    assert cached("places", lambda: [source], build) == "fresh" and len(calls) == 1


def test_an_unwritable_cache_only_means_building(tmp_path, monkeypatch, source):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("NEWSSEARCH_CACHE", str(blocker / "cache"))  # a folder under a file cannot exist
    build, calls = _counting(7)
    assert cached("places", lambda: [source], build) == 7 and cached("places", lambda: [source], build) == 7
    assert len(calls) == 2


def test_the_cache_folder_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("NEWSSEARCH_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "newssearch"
    monkeypatch.setenv("NEWSSEARCH_CACHE", str(tmp_path / "x"))
    assert cache.cache_dir() == tmp_path / "x"


def test_the_real_gazetteer_round_trips_through_the_cache(folder):
    gaz = importlib.import_module(
        "newssearch.extract.gazetteer"
    )  # the package exports a function of that name
    built = gaz._build()
    loaded = cached("gazetteer", gaz._sources, gaz._build)  # builds and writes
    again = cached("gazetteer", gaz._sources, lambda: pytest.fail("should come from the cache"))
    assert built == loaded == again and again.places["Baghdad"] is None and "Iraq" in again.countries


def test_no_home_folder_only_means_building(monkeypatch, source):
    monkeypatch.delenv("NEWSSEARCH_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def homeless() -> None:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(cache.Path, "home", staticmethod(homeless))
    build, calls = _counting(3)
    assert cached("places", lambda: [source], build) == 3 and len(calls) == 1


def test_a_file_others_may_write_is_not_loaded(folder, source):
    build, calls = _counting("mine")
    cached("places", lambda: [source], build)
    path = next(folder.glob("places-*.pickle"))
    assert path.stat().st_mode & 0o077 == 0  # written for this user only
    path.chmod(0o666)
    assert cached("places", lambda: [source], build) == "mine" and len(calls) == 2
