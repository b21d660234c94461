"""The alias file an index was built with (``index --aliases``), kept in its folder as
``newssearch-aliases.json``: later runs and ``add`` apply the same names, and filters read typed names by it.
The extractor's modules load only when an index has such a file."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newssearch.extract.aliases import Aliases

ALIASES_FILE = "newssearch-aliases.json"
#: Read at most this much of the file (an alias file's limit, escaped as JSON): the folder may come from anywhere.
_MAX_BYTES = 3_000_000


def stored_aliases(store: Any) -> Aliases | None:
    """The aliases of the index ``store`` opens (None when it was built without), read again when the file
    changes; a damaged file is none (the index still answers)."""
    path = Path(store.path) / ALIASES_FILE
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return None
    kept = store.__dict__.get("_newssearch_aliases")
    if kept is None or kept[0] != stamp:
        from newssearch.errors import QueryError
        from newssearch.extract.aliases import parse

        try:
            with open(path, "rb") as f:
                text = json.loads(f.read(_MAX_BYTES).decode("utf-8")).get("text", "")
            aliases = parse(text) if isinstance(text, str) else None
        except (OSError, ValueError, AttributeError, QueryError):
            aliases = None
        kept = store.__dict__["_newssearch_aliases"] = (stamp, aliases)
    found: Aliases | None = kept[1]
    return found


def save_aliases(store: Any, aliases: Aliases) -> None:
    """Keep ``aliases`` as the index's (none: the file is removed), atomically."""
    path = Path(store.path) / ALIASES_FILE
    if not aliases:
        path.unlink(missing_ok=True)
        return
    tmp = path.with_name(ALIASES_FILE + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump({"text": aliases.text}, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
