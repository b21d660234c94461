"""The ``newssearch`` command: a thin Typer layer over ``NewsIndex``; ``render.py`` prints with Rich or JSON.

One module per group of commands; ``common.py`` holds what they share. May import anything below it: the
facade first (``newssearch.index``), then the packages' entry points.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
from types import FrameType

import typer
from typer.exceptions import TyperException

from newssearch.cli.common import HINTS, INTERRUPT, Terminated, app
from newssearch.text.sanitize import terminal_safe

__all__ = ["HINTS", "app", "main"]

for _commands in (
    "build",
    "search",
    "read",
    "analysis",
):  # registers their commands, in the order --help lists them
    importlib.import_module(f"newssearch.cli.{_commands}")

COMMANDS = ("index", "query", "check", "similar", "show", "stats", "top", "timeline", "keywords", "cooccur")


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    INTERRUPT["terminated"] = True
    raise Terminated


def main() -> None:
    """Console-script entry point: usage mistakes and unexpected failures become one line on stderr."""
    INTERRUPT.update(reported=False, terminated=False)
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        code = app(standalone_mode=False)
    except TyperException as exc:
        message = exc.format_message()
        if message:  # no_args_is_help raises with an empty message after printing the help
            command = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] in COMMANDS else ""
            print(
                f"Error: {terminal_safe(message)} (see `newssearch {command} --help`)".replace("  ", " "),
                file=sys.stderr,
            )
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt) as exc:
        print("Interrupted.", file=sys.stderr)
        sys.exit(143 if isinstance(exc, Terminated) else 130)
    except Exception as exc:  # a bug, not a user mistake: still one line, with a way to see more
        if os.environ.get("NEWSSEARCH_DEBUG"):
            raise
        print(
            f"Error: unexpected {type(exc).__name__}: {terminal_safe(str(exc))} (set NEWSSEARCH_DEBUG=1 for details)",
            file=sys.stderr,
        )
        sys.exit(1)
    if code == 130 and not INTERRUPT["reported"]:  # interrupted while Typer parsed the arguments
        print("Interrupted.", file=sys.stderr)
        code = 143 if INTERRUPT["terminated"] else 130
    sys.exit(code if isinstance(code, int) else 0)
