"""Two imports Whoosh makes at start-up that newssearch never uses, made lazy: 30 ms of every command.

``whoosh.compat`` imports ``urllib.request`` (with ``http.client``, ``ssl``, ``email``: about 18 ms) only to
re-export ``urlretrieve``; ``whoosh.reading`` imports the ``cached_property`` package, which imports ``asyncio``
(about 12 ms) for its coroutine support. Both are imported here with a stand-in for that module, which loads the
real one the moment it is called; the stand-ins leave ``sys.modules`` at once, so any later import of those modules
gets the real ones.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Any


def _deferring(module: str, names: list[str]) -> types.ModuleType:
    """A stand-in for ``module`` whose ``names`` import the real module when called."""
    stand_in = types.ModuleType(module)

    def deferred(name: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            real = __import__(module, fromlist=[name])
            return getattr(real, name)(*args, **kwargs)

        return call

    for name in names:
        setattr(stand_in, name, deferred(name))
    return stand_in


def _iscoroutinefunction(func: Any) -> bool:
    """``asyncio.iscoroutinefunction`` without importing asyncio until something else has (since Python 3.11 the
    two differ only for asyncio's own markers, which only asyncio code sets)."""
    if "asyncio" in sys.modules:
        return bool(sys.modules["asyncio"].iscoroutinefunction(func))
    import inspect

    return inspect.iscoroutinefunction(func)


def import_whoosh_lean() -> None:
    """Import ``whoosh.compat`` and ``cached_property`` with stand-ins for the modules they do not need yet."""
    plan = {
        "whoosh.compat": ("urllib.request", ["urlretrieve"]),
        "cached_property": ("asyncio", ["ensure_future"]),
    }
    for importer, (module, names) in plan.items():
        if importer in sys.modules or module in sys.modules:
            continue
        sys.modules[module] = stand_in = _deferring(module, names)
        if module == "asyncio":
            stand_in.iscoroutinefunction = _iscoroutinefunction  # type: ignore[attr-defined]
        try:
            __import__(importer)
        except ImportError:
            pass  # not installed: whoever needs it reports that
        finally:
            del sys.modules[module]


import_whoosh_lean()
