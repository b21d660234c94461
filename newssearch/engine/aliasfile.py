"""The alias file an index was built with (``index --aliases``), kept in its folder as
``newssearch-aliases.json``: later runs and ``add`` apply the same names, and filters read typed names by it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from newssearch.errors import QueryError
from newssearch.extract.aliases import MAX_BYTES, Aliases, parse

ALIASES_FILE = "newssearch-aliases.json"


def stored_aliases(store: Any) -> Aliases:
    """The aliases of the index ``store`` opens (none when it was built without), read again when the file
    changes."""
    path = Path(store.path) / ALIASES_FILE
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return Aliases()
    kept = store.__dict__.get("_newssearch_aliases")
    if kept is None or kept[0] != stamp:
        try:
            with open(path, "rb") as f:  # bounded: the folder may come from anywhere
                text = json.loads(f.read(4 * MAX_BYTES).decode("utf-8")).get("text", "")
            aliases = parse(text) if isinstance(text, str) else Aliases()
        except (
            OSError,
            ValueError,
            AttributeError,
            QueryError,
        ):  # damaged: the index still answers, without them
            aliases = Aliases()
        kept = store.__dict__["_newssearch_aliases"] = (stamp, aliases)
    found: Aliases = kept[1]
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
