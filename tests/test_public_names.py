"""Everything a caller can catch or get back is importable from ``newssearch`` itself: every error of ``errors.py``
and every newssearch type a public ``NewsIndex`` method takes or returns (and the types those hold), found by
walking the annotations, so that a type added later cannot be left out. ``import newssearch`` stays light."""

import ast
import dataclasses
import inspect
import subprocess
import sys
import typing

import typing_extensions

import newssearch
from newssearch import errors, index
from newssearch.index import NewsIndex
from newssearch.ingest import update

#: Names ``index.py`` imports for type checking only.
CHECKING_ONLY = {"Progress": update.Progress, "Unpack": typing_extensions.Unpack}


def _named(annotation: object) -> set[type]:
    """The newssearch classes an annotation names, through unions, generics and aliases."""
    found = set()
    if isinstance(annotation, type) and annotation.__module__.split(".")[0] == "newssearch":
        found.add(annotation)
    for arg in typing.get_args(annotation):
        found |= _named(arg)
    return found


def _public_methods() -> dict[str, object]:
    out = {}
    members = {
        name: member for klass in reversed(NewsIndex.__mro__[:-1]) for name, member in vars(klass).items()
    }
    for name, member in members.items():
        if name.startswith("_") and name not in ("__enter__", "__len__", "__init__"):
            continue
        if isinstance(member, property):
            member = member.fget
        elif isinstance(member, (classmethod, staticmethod)):
            member = member.__func__
        if callable(member):
            out[name] = member
    return out


def _types_of_the_api() -> dict[type, str]:
    """Each newssearch class a public method takes or returns, with the classes their fields hold: where found."""
    found: dict[type, str] = {}
    todo: list[tuple[type, str]] = []
    for name, method in _public_methods().items():
        module = sys.modules[getattr(method, "__module__", index.__name__)]
        hints = typing.get_type_hints(method, globalns=vars(module), localns={**vars(index), **CHECKING_ONLY})
        todo += [(cls, f"NewsIndex.{name}") for hint in hints.values() for cls in _named(hint)]
    while todo:
        cls, where = todo.pop()
        if cls in found or cls is NewsIndex:
            continue
        found[cls] = where
        if dataclasses.is_dataclass(cls):
            fields = typing.get_type_hints(cls, globalns=vars(sys.modules[cls.__module__]))
            todo += [
                (held, f"{cls.__name__}.{field}") for field, hint in fields.items() for held in _named(hint)
            ]
    return found


def _errors() -> list[type]:
    return [
        cls
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, BaseException) and cls.__module__ == errors.__name__
    ]


def test_the_walk_finds_what_the_api_is_made_of():
    found = _types_of_the_api()
    names = {cls.__name__ for cls in found}
    assert {"Article", "SearchResults", "Hit", "Snippet", "HitStream", "Matches", "Reading"} <= names
    assert {"IndexStats", "IndexReport", "CheckReport", "FormatCount", "Context", "Contribution"} <= names
    assert len(_errors()) >= 15


def test_every_error_and_every_type_of_the_api_is_importable_from_newssearch():
    public = set(newssearch.__all__)
    missing = {
        cls.__name__: where for cls, where in _types_of_the_api().items() if cls.__name__ not in public
    }
    missing |= {cls.__name__: "errors.py" for cls in _errors() if cls.__name__ not in public}
    assert missing == {}
    for cls in [*_types_of_the_api(), *_errors()]:
        assert getattr(newssearch, cls.__name__) is cls


def test_errors_of_a_search_that_ran_too_long_or_read_a_changed_index_are_query_errors():
    for name in ("QueryTimeoutError", "StaleResultsError"):
        error = getattr(newssearch, name)
        assert issubclass(error, newssearch.QueryError) and error.exit_code == newssearch.QueryError.exit_code


def test_the_lazy_exports_the_names_for_type_checkers_and_all_agree():
    tree = ast.parse(inspect.getsource(newssearch))
    checking = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            checking = {
                alias.name for sub in ast.walk(node) if isinstance(sub, ast.ImportFrom) for alias in sub.names
            }
    assert set(newssearch.__all__) == set(newssearch._EXPORTS) == checking


def test_import_newssearch_loads_none_of_its_modules():
    code = "import sys, newssearch; print(sorted(m for m in sys.modules if m.split('.')[0] == 'newssearch'))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["['newssearch',", "'newssearch.startup']"], done.stderr
