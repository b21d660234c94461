"""What an index folder may make newssearch load: data, never code.

Whoosh keeps a lot with ``pickle``: the schema and the list of segments in the TOC, and in the segments the stored
fields, the posting blocks, and the headers of hash tables, columns and compound files. Unpickling can call any
function a pickle names, so a crafted folder (a cloned repository's ``./index``, say) could run code. Importing
this module changes whoosh-reloaded 2.7.5 so that nothing of the kind is loaded:

- newssearch's index is opened with the schema built from code (``schema.build_schema``), once the stored one is
  found the same: read by an unpickler that knows nothing but the classes and functions newssearch's own schema
  pickles (as is any schema Whoosh reads in this process);
- every other pickle goes through an unpickler that knows only what newssearch's indexes hold (``DATA_GLOBALS``);
- the segments a TOC lists must be Whoosh 3 segments of that index with plain names and counts (their names
  become file names), and a TOC of an older Whoosh format (read with an unrestricted unpickler) is refused.

Anything else raises ``IndexUntrustedError`` ("not an index newssearch wrote: refuses to load …") before it runs.
"""

from __future__ import annotations

import collections
import datetime
import importlib
import io
import pickle
import pickletools
import re
import sys
import types
from pathlib import Path
from typing import Any, ClassVar

from whoosh import index as whoosh_index
from whoosh import legacy
from whoosh.codec import whoosh3
from whoosh.fields import FieldConfigurationError
from whoosh.filedb.filestore import FileStorage

from newssearch.engine.schema import build_schema
from newssearch.errors import IndexUntrustedError


def _latin1(text: Any, encoding: Any = "latin1") -> bytes:
    """``_codecs.encode`` as protocol 2 uses it to pickle bytes; no other encoding (a codec is looked up by name)."""
    if not isinstance(text, str) or encoding != "latin1":
        raise _refused("_codecs", "encode")
    return text.encode("latin1")


#: Each class or function a pickle in newssearch's indexes may name, as Whoosh and newssearch write them (found by
#: recording every one while indexing Reuters-21578, BBC News, the bundled corpus and articles added through the
#: API with every field, and then querying, checking and updating them). Each only builds a value.
DATA_GLOBALS: dict[tuple[str, str], Any] = {
    ("_codecs", "encode"): _latin1,  # bytes, in protocol 2 (stored fields)
    ("__builtin__", "bytes"): bytes,  # empty bytes, likewise
    ("datetime", "datetime"): datetime.datetime,  # a stored date
    ("collections", "defaultdict"): collections.defaultdict,  # a segment's field lengths, defaultdict(int)
    ("builtins", "int"): int,
    ("whoosh.codec.whoosh3", "W3Segment"): whoosh3.W3Segment,
    ("whoosh.codec.whoosh3", "W3Codec"): whoosh3.W3Codec,
}


def _refused(module: str, name: str) -> IndexUntrustedError:
    what = re.sub(r"[^\w.]", "?", f"{module}.{name}")[:100]  # the names are the file's: no control characters
    return IndexUntrustedError(f"not an index newssearch wrote: refuses to load {what}")


class DataUnpickler(pickle.Unpickler):
    allowed: ClassVar[dict[tuple[str, str], Any]] = DATA_GLOBALS

    def find_class(self, module: str, name: str) -> Any:
        found = self.allowed.get((module, name))
        if found is None:
            raise _refused(module, name)
        return found


def load(file: Any) -> Any:
    """``pickle.load`` of data only."""
    return DataUnpickler(file).load()


def loads(data: bytes) -> Any:
    """``pickle.loads`` of data only. (Read through a buffered reader: the unpickler then takes the whole pickle at
    once, where from a ``BytesIO`` it reads each posting of a posting block on its own, twice as slow.)"""
    return DataUnpickler(io.BufferedReader(io.BytesIO(data))).load()


# -- the schema ------------------------------------------------------------------------------------------------


def _schema_globals() -> dict[tuple[str, str], Any]:
    """What newssearch's own schema pickle names (read from its opcodes, so it follows the code)."""
    found = {}
    for opcode, arg, _ in pickletools.genops(pickle.dumps(build_schema(), 2)):
        if opcode.name == "GLOBAL":
            module, name = str(arg).split(" ", 1)
            found[module, name] = pickle.Unpickler(io.BytesIO()).find_class(module, name)  # our own names
    return found


class _SchemaUnpickler(DataUnpickler):
    allowed: ClassVar[dict[tuple[str, str], Any]] = {}


def _state(value: Any) -> Any:
    getstate = getattr(type(value), "__getstate__", None)
    if getstate is not None and getstate is not getattr(object, "__getstate__", None):
        return value.__getstate__()  # a field or filter that leaves its caches out
    return vars(value)


def _same(a: Any, b: Any, depth: int = 0) -> bool:
    """Whether two schema objects hold the same: the same types and values all the way down."""
    if type(a) is not type(b) or depth > 30:
        return False
    if a is None or isinstance(a, (str, bytes, int, float, set, frozenset)):
        return bool(a == b)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y, depth + 1) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[key], b[key], depth + 1) for key in a)
    if isinstance(a, re.Pattern):
        return bool(a.pattern == b.pattern and a.flags == b.flags)
    if isinstance(a, (types.FunctionType, types.BuiltinFunctionType, type)):
        return a is b
    return _same(_state(a), _state(b), depth + 1)


def schema_loads(data: bytes) -> Any:
    """A stored schema, read knowing only the classes and functions of newssearch's own schema: how every Whoosh
    index this process opens without giving its schema (a benchmark's plain Whoosh index, say) is read."""
    if not _SchemaUnpickler.allowed:
        _SchemaUnpickler.allowed = _schema_globals()
    return _SchemaUnpickler(io.BytesIO(data)).load()  # a truncated or garbled one: damage, as before


def open_dir(path: Path, indexname: str) -> Any:
    """newssearch's index at ``path``, with the schema built from code once the stored one is found the same
    (Whoosh then skips the stored one whenever it reads the TOC again)."""
    try:
        stored = whoosh_index.TOC.read(FileStorage(str(path)), indexname).schema
    except FieldConfigurationError:  # what was unpickled is no schema at all
        stored = None
    if not _same(stored, build_schema()):
        raise IndexUntrustedError(
            "not an index newssearch wrote: refuses to load a schema that is not newssearch's"
        )
    return whoosh_index.open_dir(str(path), indexname=indexname, schema=build_schema())


def made_here(path: Path, indexname: str) -> bool:
    """Whether the newest TOC of the Whoosh index ``indexname`` at ``path`` holds newssearch's schema (read as
    ``open_dir`` reads it): False for another program's index, and for a TOC that cannot be read."""
    try:
        return _same(whoosh_index.TOC.read(FileStorage(str(path)), indexname).schema, build_schema())
    except Exception:  # refused, garbled or no schema at all: not one newssearch can tell as its own
        return False


# -- the TOC ---------------------------------------------------------------------------------------------------

_SEGMENT_ID = re.compile(r"[0-9a-z]{1,64}")
_read_toc = whoosh_index.TOC.read.__func__
_LEGACY = set(legacy.toc_loaders)  # formats Whoosh reads with its own, unrestricted unpickler


def _sound(segment: Any, indexname: str) -> bool:
    """A Whoosh 3 segment of this index: plain id (it names files), counts, deleted document numbers, codec."""
    if type(segment) is not whoosh3.W3Segment:
        return False
    state, codec = vars(segment), vars(segment).get("_codec")
    deleted, lengths = state.get("_deleted"), state.get("_fieldlengths", {})
    return (
        set(state) - {"_fieldlengths"}
        == {"indexname", "segid", "_codec", "_doccount", "_deleted", "compound"}
        and state["indexname"] == indexname
        and isinstance(state["segid"], str)
        and _SEGMENT_ID.fullmatch(state["segid"]) is not None
        and type(state["_doccount"]) is int
        and state["_doccount"] >= 0
        and (deleted is None or (type(deleted) is set and all(type(d) is int for d in deleted)))
        and type(state["compound"]) is bool
        and type(lengths) in (dict, collections.defaultdict)
        and getattr(lengths, "default_factory", int) is int
        and all(type(k) is str and type(v) is int for k, v in lengths.items())
        and type(codec) is whoosh3.W3Codec
        and set(vars(codec)) == {"_blocklimit", "_compression", "_inlinelimit"}
        and all(type(v) is int for v in vars(codec).values())
    )


def _read_checked(cls: Any, storage: Any, indexname: str, gen: Any = None, schema: Any = None) -> Any:
    """``TOC.read`` that checks the segments (and refuses the old formats Whoosh unpickles freely)."""
    try:
        toc = _read_toc(cls, storage, indexname, gen, schema)
    except whoosh_index.IndexVersionError as exc:
        if exc.version not in _LEGACY:
            raise  # garbled: damage
        raise IndexUntrustedError(
            f"not an index newssearch wrote: refuses to load a TOC of Whoosh format {exc.version}"
        ) from None
    if not isinstance(toc.segments, list) or not all(_sound(s, indexname) for s in toc.segments):
        raise IndexUntrustedError("not an index newssearch wrote: refuses to load its list of segments")
    return toc


def _shim(loader: Any) -> types.SimpleNamespace:
    """The ``pickle`` module as a Whoosh module sees it: writing as before, reading through ``loader``."""
    return types.SimpleNamespace(
        dump=pickle.dump,
        dumps=pickle.dumps,
        load=load,
        loads=loader,
        PicklingError=pickle.PicklingError,
        UnpicklingError=pickle.UnpicklingError,
        HIGHEST_PROTOCOL=pickle.HIGHEST_PROTOCOL,
    )


def install() -> None:
    """Route every unpickling of the Whoosh modules loaded so far through this module (done on import; it runs
    again harmlessly, to cover a Whoosh module loaded later)."""
    legacy.toc_loaders.clear()  # the same dict as whoosh.index's: old formats unpickle their schema freely
    whoosh_index.TOC.read = classmethod(_read_checked)
    whoosh_index.pickle = _shim(schema_loads)
    for name in [name for name in sys.modules if name == "whoosh" or name.startswith("whoosh.")]:
        module = sys.modules[name]
        if module is None or module is whoosh_index:
            continue
        for attr, value in list(vars(module).items()):
            if value is pickle.loads:
                setattr(module, attr, loads)
            elif value is pickle.load:
                setattr(module, attr, load)
            elif value is pickle:
                setattr(module, attr, _shim(loads))


for _module in ("whoosh.filedb.compound", "whoosh.filedb.filetables", "whoosh.reading", "whoosh.searching"):
    importlib.import_module(_module)  # the readers of an index, patched below before they are used
install()
