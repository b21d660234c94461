"""A disk cache for the tables the extractor builds from its libraries' data (the word list and the gazetteer:
about 0.8 s to build, 0.02 s to load), so that a run indexing a few files does not spend most of its time on them.

Files live in ``$NEWSSEARCH_CACHE``, else ``$XDG_CACHE_HOME/newssearch``, else ``~/.cache/newssearch``. A file's name
holds a hash of what the table is built from (the building module's source and the data files' sizes and times), so
a change to either builds a new one. Any failure to read or write the cache only means building the table again.
Only files this user owns, that nobody else may write, are loaded.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import pickle
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def cache_dir() -> Path:
    """Where cached tables are kept."""
    if os.environ.get("NEWSSEARCH_CACHE"):
        return Path(os.environ["NEWSSEARCH_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newssearch"


def fingerprint(sources: Iterable[str | os.PathLike[str]]) -> str:
    """A hash of the files a table is built from: each file's content if small (source code), else its size and
    modification time (data files)."""
    digest = hashlib.sha256()
    for source in sources:
        path = Path(source)
        stat = path.stat()
        digest.update(str(path).encode())
        if stat.st_size <= 1 << 20:
            digest.update(path.read_bytes())
        else:
            digest.update(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def library_files(package: str) -> list[Path]:
    """An installed package's files (its code, and its ``data`` folder), found without importing the package."""
    spec = importlib.util.find_spec(package)
    locations = list(spec.submodule_search_locations or []) if spec else []
    folders = [Path(location) / sub for location in locations for sub in (".", "data")]
    return sorted(path for folder in folders for path in folder.glob("*") if path.is_file())


def _trusted(path: Path) -> bool:
    """A cache file this user wrote and nobody else can change (a pickle runs code when it is loaded)."""
    stat = path.stat()
    if hasattr(os, "getuid") and stat.st_uid != os.getuid():
        return False
    return not stat.st_mode & 0o022


def cached(name: str, sources: Callable[[], Iterable[str | os.PathLike[str]]], build: Callable[[], T]) -> T:
    """The table ``build()`` makes, loaded from the cache when one built from the same ``sources`` is there."""
    try:  # no home folder (a container's anonymous user), unreadable sources...: just build
        path = cache_dir() / f"{name}-{fingerprint(sources())}.pickle"
    except Exception:
        return build()
    with contextlib.suppress(Exception):  # missing, unreadable, truncated or from another Python: build anew
        if _trusted(path):
            with path.open("rb") as file:
                value: Any = pickle.load(file)
            if isinstance(value, tuple) and len(value) == 2 and value[0] == name:
                result: T = value[1]
                return result
    result = build()
    with contextlib.suppress(OSError, pickle.PicklingError):
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        for old in path.parent.glob(f"{name}-*.pickle"):  # tables built from older sources
            with contextlib.suppress(OSError):
                old.unlink()
        for left in path.parent.glob(f".{name}-*"):  # left by a run killed while writing
            with contextlib.suppress(OSError):
                if time.time() - left.stat().st_mtime > 3600:
                    left.unlink()
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{name}-")
        try:
            with os.fdopen(fd, "wb") as file:
                pickle.dump((name, result), file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)  # readers see the whole file or none
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return result
