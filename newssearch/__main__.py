"""Entry point of the ``newssearch`` command and of ``python -m newssearch``.

The CLI and Whoosh are imported inside ``main`` so that Ctrl-C during start-up is one line, not a traceback.
"""

import sys


def main() -> None:
    try:
        from newssearch.cli import main as cli_main
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        sys.exit(130)
    cli_main()


if __name__ == "__main__":
    main()
