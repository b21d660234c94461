"""Values the API takes, checked where they come in: one text where a list of texts belongs is one item (not a
list of its letters), a path where a list of paths belongs is one path, and a flag is True or False.

Each check raises the error its caller gives (``TypeError`` by default; a search option's is ``QueryError``) with
one line that names the parameter.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping


def _kind(value: object) -> str:
    return type(value).__name__


def texts(value: str | Iterable[str], name: str, error: type[Exception] = TypeError) -> list[str]:
    """``value`` as a list of texts: one text is one item (``"bbc/001.txt"`` is one id, not eleven letters); a
    list, tuple, set or any other iterable of texts is its items, in order. A list of texts is returned as it is
    (not copied)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (bytes, bytearray, Mapping)) or not isinstance(value, Iterable):
        raise error(f"{name} must be text or a list of texts, not {_kind(value)}")
    items = value if isinstance(value, list) else list(value)
    for item in items:
        if not isinstance(item, str):
            raise error(f"{name} must be text or a list of texts, not a list holding {_kind(item)}")
    return items


PathLike = str | os.PathLike[str]


def paths(value: PathLike | Iterable[PathLike], name: str = "paths") -> list[PathLike]:
    """``value`` as a list of paths: one path (text or ``pathlib.Path``) is one item; TypeError for anything
    that is neither a path nor a list of paths."""
    if isinstance(value, (str, os.PathLike)):
        return [value]
    if isinstance(value, (bytes, bytearray, Mapping)) or not isinstance(value, Iterable):
        raise TypeError(f"{name} must be a path or a list of paths, not {_kind(value)}")
    items = list(value)
    for item in items:
        if not isinstance(item, (str, os.PathLike)):
            raise TypeError(f"{name} must be a path or a list of paths, not a list holding {_kind(item)}")
    return items


def flag(value: object, name: str, error: type[Exception] = TypeError) -> bool:
    """``value`` when it is True or False; else the error (``"no"`` and ``0`` are not False here: a truthy
    ``rebuild="no"`` would empty an index)."""
    if not isinstance(value, bool):
        raise error(f"{name} must be True or False, not {_kind(value)}")
    return value
