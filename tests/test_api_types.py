"""The API's signatures reach a type checker: ``NewsIndex`` methods keep their parameters through ``_locked``."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

from newssearch import NewsIndex

from .helpers import ROOT

pytest.importorskip("mypy")

SCRIPT = """
from newssearch import NewsIndex

with NewsIndex.open("index") as index:
    results = index.search("oil prices", {limit})
    print(results.total)
"""


def _check(tmp_path: Path, limit: str) -> tuple[str, int]:
    return _mypy(tmp_path, SCRIPT.format(limit=limit))


def _mypy(tmp_path: Path, source: str) -> tuple[str, int]:
    """mypy --strict on a user's script: its messages and exit status."""
    script = tmp_path / "user_script.py"
    script.write_text(source)
    # In a process of its own: mypy in this one would grow it by hundreds of MB for the tests after it.
    command = [
        sys.executable,
        "-m",
        "mypy",
        "--strict",
        "--follow-imports=silent",
        "--no-error-summary",
        str(script),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    return done.stdout + done.stderr, done.returncode


def test_a_misspelt_keyword_is_a_type_error(tmp_path):
    out, status = _check(tmp_path, "limt=5")
    assert status == 1 and 'Unexpected keyword argument "limt" for "search" of "NewsIndex"' in out


def test_a_wrong_type_is_a_type_error_and_a_right_call_passes(tmp_path):
    out, status = _check(tmp_path, "limit='5'")
    assert status == 1 and 'Argument "limit" to "search" of "NewsIndex" has incompatible type "str"' in out
    out, status = _check(tmp_path, "limit=5")
    assert status == 0, out


def test_the_methods_show_their_own_parameters():
    """What IDEs and help() show: the real parameters, not ``*args, **kwargs``."""
    for name in ("search", "count", "matches", "iter_search", "similar", "update", "delete"):
        parameters = inspect.signature(getattr(NewsIndex, name)).parameters
        assert "args" not in parameters and "kwargs" not in parameters, name
    assert "limit" in inspect.signature(NewsIndex.search).parameters


def test_the_readme_s_python_examples_pass_mypy_strict(tmp_path):
    """What the README shows a developer type-checks as written (``hit.kwic`` is a list, not Optional)."""
    blocks = re.findall(r"```python\n(.+?)\n```", (ROOT / "README.md").read_text(encoding="utf-8"), re.DOTALL)
    assert blocks
    for number, block in enumerate(blocks):
        out, status = _mypy(tmp_path, block)
        assert status == 0, f"README python block {number}:\n{out}"
