"""A folder holding anything but a newssearch index is never emptied or overwritten: not by ``create`` (with or
without ``overwrite``), ``rebuild``, ``newssearch index`` (first build or ``--rebuild``) nor a query's build on
first use; opening it raises NotAnIndexError saying what it holds. A newssearch index whose creation or first build
was cut short is still finished or replaced as before."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newssearch import NewsIndex
from newssearch.errors import IndexUnfinishedError, NotAnIndexError
from newssearch.index import META_FILE, index_state

from .helpers import invoke

WHOOSH_INDEX = """
import sys
from whoosh import fields, index
schema = fields.Schema(title=fields.TEXT(stored=True), path=fields.ID(stored=True, unique=True))
ix = index.create_in(sys.argv[1], schema, **({"indexname": sys.argv[3]} if len(sys.argv) > 3 else {}))
if sys.argv[2] == "1":
    with ix.writer() as writer:
        writer.add_document(title="Harbour strike ends", path="/news/1")
"""
#: Whoosh alone (no newssearch in the process) reads the index: what its owner would do.
WHOOSH_READ = """
import sys
from whoosh import index, qparser
ix = index.open_dir(sys.argv[1], **({"indexname": sys.argv[2]} if len(sys.argv) > 2 else {}))
with ix.searcher() as s:
    print(ix.doc_count(), [h["path"] for h in s.search(qparser.QueryParser("title", ix.schema).parse("strike"))])
"""


def _python(code: str, *args: object) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _files(folder: Path) -> dict[str, bytes | None]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else None for p in folder.rglob("*")
    }


def _whoosh(folder: Path, docs: int = 1, name: str | None = None) -> None:
    """A Whoosh index made with Whoosh's own API (in another process: as its owner made it)."""
    folder.mkdir()
    _python(WHOOSH_INDEX, folder, docs, *([name] if name else []))


def _user_files(folder: Path) -> None:
    (folder / "drafts").mkdir(parents=True)
    (folder / "notes.txt").write_text("keep me")
    (folder / "drafts" / "a.md").write_text("# draft")


def _user_meta_file(folder: Path) -> None:
    """Another program's ``newssearch.json`` among the user's files (no Whoosh files at all)."""
    _user_files(folder)
    (folder / META_FILE).write_text('{"theme": "dark"}')


FOREIGN = {
    "whoosh index": lambda folder: _whoosh(folder),
    "empty whoosh index": lambda folder: _whoosh(folder, docs=0),
    "whoosh index named otherwise": lambda folder: _whoosh(folder, name="articles"),
    "user's files": _user_files,
    "user's newssearch.json": _user_meta_file,
}


def _attempts(folder: Path, corpus: Path) -> dict[str, object]:
    """Every way newssearch could write to the folder, each tried: what it raised, or the CLI's exit code and
    stderr (each must refuse: checked once the folder is found as it was)."""
    out: dict[str, object] = {}
    for name, call in {
        "open": lambda: NewsIndex.open(folder),
        "create": lambda: NewsIndex.create(folder),
        "create(overwrite=True)": lambda: NewsIndex.create(folder, overwrite=True),
        "rebuild": lambda: NewsIndex.rebuild(folder, [corpus]),
    }.items():
        try:
            call().close()  # type: ignore[union-attr]
            out[name] = None
        except Exception as exc:
            out[name] = exc
    for args in (["index", corpus], ["index", corpus, "--rebuild"], ["query", "strike"], ["check"]):
        result = invoke(*args, "--index", folder)
        out[" ".join(map(str, args[:1] + args[2:]))] = (result.exit_code, result.stderr)
    return out


def _refused(attempts: dict[str, object]) -> dict[str, str]:
    """Each attempt's message, once each is found to be a NotAnIndexError or the CLI's exit code 1."""
    out = {}
    for name, outcome in attempts.items():
        if isinstance(outcome, tuple):
            assert outcome[0] == 1, (name, outcome)
            out[name] = outcome[1]
        else:
            assert isinstance(outcome, NotAnIndexError), (name, outcome)
            out[name] = str(outcome)
    return out


@pytest.mark.parametrize("kind", FOREIGN)
def test_a_folder_that_is_not_a_newssearch_index_is_left_byte_for_byte(kind, tmp_path, corpus, monkeypatch):
    folder = tmp_path / "folder"
    FOREIGN[kind](folder)
    monkeypatch.setenv("NEWSSEARCH_CORPUS", str(corpus))  # a query would build the index from it on first use
    before = _files(folder)
    attempts = _attempts(folder, corpus)
    assert _files(folder) == before
    assert index_state(folder) == "foreign" and not NewsIndex.exists(folder)
    messages = _refused(attempts)
    for message in messages.values():
        assert "is not a newssearch index" in message and "Traceback" not in message, message
    whoosh = "Whoosh index newssearch did not make"
    assert (whoosh in messages["open"]) == kind.startswith(("whoosh", "empty whoosh")), messages["open"]
    cli = messages["index --rebuild"]
    assert len(cli.strip().splitlines()) == 1 and "choose another --index folder" in cli


def test_whoosh_still_reads_its_own_index_afterwards(tmp_path, corpus):
    folder = tmp_path / "whoosh"
    _whoosh(folder)
    assert _python(WHOOSH_READ, folder) == "1 ['/news/1']"
    attempts = _attempts(folder, corpus)
    assert _python(WHOOSH_READ, folder) == "1 ['/news/1']"
    _refused(attempts)


def test_a_creation_cut_short_is_still_replaced(tmp_path, corpus):
    """newssearch's own index with no meta file (killed between Whoosh's files and it) is no foreign folder."""
    for name, make in {
        "created": lambda p: NewsIndex.create(p).close(),
        "built": lambda p: _built(p, corpus),
    }.items():
        folder = tmp_path / name
        make(folder)
        (folder / META_FILE).unlink()
        assert index_state(folder) == "unfinished", name
        with pytest.raises(IndexUnfinishedError, match="never finished"):
            NewsIndex.open(folder)
        report = NewsIndex.rebuild(folder, [corpus])
        assert report.total == 9 and json.loads((folder / META_FILE).read_text())["complete"] is True


def _built(folder: Path, corpus: Path) -> None:
    with NewsIndex.create(folder) as index:
        index.update([corpus])
