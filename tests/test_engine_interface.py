"""``newssearch.engine``'s interface: the names it lists are the ones its type-checking imports name, each found in
the module it says, loaded only when asked for."""

import ast
import importlib
import subprocess
import sys

import newssearch.engine as engine

from .helpers import ROOT


def _typed_imports() -> dict[str, str]:
    tree = ast.parse((ROOT / "newssearch" / "engine" / "__init__.py").read_text())
    [block] = [node for node in tree.body if isinstance(node, ast.If)]  # if TYPE_CHECKING:
    return {alias.name: node.module.rsplit(".", 1)[1] for node in block.body for alias in node.names}


def test_the_interface_lists_what_the_type_checker_sees():
    assert _typed_imports() == engine._WHERE
    assert sorted(engine.__all__, key=str.lower) == sorted(engine._WHERE, key=str.lower)


def test_each_name_is_the_object_its_module_defines():
    for name, module in engine._WHERE.items():
        assert getattr(engine, name) is getattr(importlib.import_module(f"newssearch.engine.{module}"), name)


def test_the_interface_s_names_are_listed_before_they_are_used():
    code = "import newssearch.engine as e; print(all(name in dir(e) for name in e.__all__))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "True", done.stderr


def test_an_unknown_name_is_an_attribute_error():
    try:
        engine.Searcher  # noqa: B018
    except AttributeError as exc:
        assert "Searcher" in str(exc)
    else:
        raise AssertionError("no AttributeError")


def test_importing_the_interface_loads_no_engine_module():
    code = "import sys, newssearch.engine; print(sorted(m for m in sys.modules if m.startswith('newssearch.engine.')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr
