"""Build the API reference: one HTML page for what ``newssearch`` exports, from its docstrings and type hints.

    python -m docs.apidocs [FOLDER]    # from the checkout's root; FOLDER defaults to docs/api

It writes ``FOLDER/newssearch.html`` (and an ``index.html`` leading to it) with pdoc, then exits 1 if pdoc
warned about anything (an annotation it could not read, a name it could not find), printing each warning:
``tests/test_apidocs.py`` builds it so in CI.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pdoc
import pdoc.render

import newssearch


def build(folder: Path) -> list[str]:
    """Write the reference into ``folder``; returns the warnings given while building it, one line each."""
    for name in newssearch.__all__:
        getattr(newssearch, name)  # they load on first use: loaded here, pdoc finds each in the module's dict
    pdoc.render.configure(
        docformat="restructuredtext",
        show_source=False,
        footer_text=f"newssearch {newssearch.__version__}",
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdoc.pdoc("newssearch", output_directory=folder)
    return [f"{w.category.__name__}: {w.message}".replace("\n", " ") for w in caught]


def main(argv: list[str]) -> int:
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        print("usage: python -m docs.apidocs [FOLDER]", file=sys.stderr)
        return 2
    folder = Path(argv[0] if argv else "docs/api")
    problems = build(folder)
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    print(f"{folder / 'newssearch.html'}{f': {len(problems)} warning(s)' if problems else ''}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
