"""The layering contracts (``pyproject.toml``'s ``[tool.importlinter]``, run by ``lint-imports`` in ``.ci/run``)
hold for the package, and break when code reaches past them: each test copies the package, adds one import that
crosses a line, and runs the tool on the copy."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import ROOT

LINT = Path(sys.executable).with_name("lint-imports")
pytestmark = pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed (the test extra)")


def _lint(tmp_path: Path, module: str | None = None, line: str = "") -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on a copy of the package, ``line`` appended to ``module`` (a path under the package)."""
    shutil.copytree(
        ROOT / "newssearch", tmp_path / "newssearch", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    if module is not None:
        with (tmp_path / "newssearch" / module).open("a") as handle:
            handle.write(f"\n{line}  # noqa\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    return subprocess.run(
        [str(LINT), "--no-cache"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_package_keeps_every_contract(tmp_path):
    done = _lint(tmp_path)
    assert done.returncode == 0, done.stdout
    assert "4 kept, 0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("search/hits.py", "import whoosh.query", "newssearch.search is not allowed to import whoosh"),
        (  # an engine module imported past its interface
            "read/export.py",
            "from newssearch.engine.store import Store",
            "newssearch.read is not allowed to import newssearch.engine.store",
        ),
        (  # an arrow back up
            "engine/columns.py",
            "from newssearch.search import searching",
            "newssearch.engine is not allowed to import newssearch.search",
        ),
        ("text/highlight.py", "from newssearch.text import kwic", "No cycles are allowed in newssearch.text"),
    ],
)
def test_an_import_across_a_line_breaks_a_contract(tmp_path, module, line, broken):
    done = _lint(tmp_path, module, line)
    assert done.returncode != 0
    assert broken in done.stdout
