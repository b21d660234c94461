"""The CLI's ``index`` as a newcomer meets it: its summary, skipped files, one-line errors, rebuilds, the
environment variable, a busy index, and what an interrupt says it left."""

import shutil

import pytest

from newssearch import NewsIndex

from .helpers import DATA
from .helpers import invoke as run


def test_index_prints_a_summary(corpus, index_path):
    result = run("index", corpus, "--index", index_path)
    assert result.exit_code == 0
    assert "9 added, 0 updated, 0 removed" in result.stdout
    assert "6 read (1 json with 2 articles, 1 jsonl with 3 articles, 4 text)" in result.stdout
    assert "holds 9 articles" in result.stdout
    again = run("index", corpus, "--index", index_path)
    assert "0 added" in again.stdout and "6 unchanged" in again.stdout


def test_index_reports_skipped_files_on_stderr_and_succeeds(corpus, index_path):
    (corpus / "broken.json").write_text("[{")
    result = run("index", corpus, "--index", index_path)
    assert result.exit_code == 0
    assert "1 skipped" in result.stdout
    assert "broken.json" in result.stderr and "invalid JSON" in result.stderr


def test_index_fails_when_nothing_could_be_indexed(tmp_path, index_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "bad.json").write_text("nope{")
    result = run("index", tmp_path / "c", "--index", index_path)
    assert result.exit_code == 1
    assert "no file could be indexed" in result.stderr


def test_index_empty_folder_is_an_error_but_removing_everything_is_not(tmp_path, index_path):
    (tmp_path / "empty").mkdir()
    result = run("index", tmp_path / "empty", "--index", index_path)
    assert result.exit_code == 1 and "no article files found" in result.stderr
    (tmp_path / "empty" / "story.txt").write_text("A story\n\nThe story has a sentence.")
    assert run("index", tmp_path / "empty", "--index", index_path).exit_code == 0
    (tmp_path / "empty" / "story.txt").unlink()
    gone = run("index", tmp_path / "empty", "--index", index_path)
    assert gone.exit_code == 0 and "1 removed" in gone.stdout and "holds 0 articles" in gone.stdout


def test_index_missing_path_is_one_line_error(tmp_path, index_path):
    result = run("index", tmp_path / "missing", "--index", index_path)
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("Error: no such file or folder")
    assert len(result.stderr.strip().splitlines()) == 1
    assert isinstance(result.exception, SystemExit)  # a clean exit, not an exception CliRunner caught


def test_index_rebuild(indexed, corpus):
    result = run("index", corpus, "--index", indexed, "--rebuild")
    assert result.exit_code == 0
    assert result.stdout.startswith("Rebuilt: 9 added")


def test_rebuild_recovers_an_index_from_another_version(indexed, corpus):
    (indexed / "newssearch.json").write_text("{}")
    assert run("query", "Iraq", "--index", indexed).exit_code == 1
    assert run("index", corpus, "--index", indexed, "--rebuild").exit_code == 0
    assert run("query", "Iraq", "--index", indexed).exit_code == 0


def test_index_uses_environment_variable(corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSSEARCH_INDEX", str(tmp_path / "from-env"))
    assert run("index", corpus).exit_code == 0
    assert (tmp_path / "from-env" / "newssearch.json").exists()


def test_busy_index_is_a_one_line_error(indexed, corpus):
    from whoosh import index as whoosh_index

    writer = whoosh_index.open_dir(str(indexed)).writer()
    try:
        result = run("index", corpus, "--index", indexed, "--rebuild")
    finally:
        writer.cancel()
    assert result.exit_code == 1
    assert "another process is writing" in result.stderr


def test_a_headerless_csv_gets_a_note_and_the_columns_hint(tmp_path, index_path):
    folder = tmp_path / "ag"
    folder.mkdir()
    shutil.copy(DATA / "formats" / "agstyle.csv", folder)
    result = run("index", folder, "--index", index_path)
    assert result.exit_code == 0
    assert "no header row: read columns as" in result.stderr
    assert "with --columns" in result.stderr
    named = run("index", folder, "--index", index_path, "--rebuild", "--columns", "class,title,description")
    assert named.exit_code == 0 and "no header row" not in named.stderr and "--columns" not in named.stderr


def test_interrupt_before_the_commit_says_nothing_was_committed(corpus, index_path, monkeypatch):
    real = NewsIndex.update

    def interrupted(self, paths, **kwargs):
        def stop(done, total, path):
            raise KeyboardInterrupt

        return real(self, paths, **{**kwargs, "progress": stop})

    monkeypatch.setattr(NewsIndex, "update", interrupted)
    result = run("index", corpus, "--index", index_path)
    assert result.exit_code == 130 and "nothing was committed" in result.stderr


def test_interrupt_after_the_commit_says_the_work_was_committed(corpus, index_path, monkeypatch):
    from newssearch.engine.store import Store

    def interrupted(self, cache):
        raise KeyboardInterrupt

    monkeypatch.setattr(Store, "save_cache", interrupted)
    result = run("index", corpus, "--index", index_path)
    assert result.exit_code == 130 and "was committed" in result.stderr
    with NewsIndex.open(index_path) as index:
        assert len(index) == 9


@pytest.mark.parametrize("rebuild", [False, True])
def test_an_interrupt_after_the_commit_says_the_work_reached_the_index(
    corpus, index_path, monkeypatch, rebuild
):
    """Ctrl-C while the index closes after its commit (or while the report prints) must not say only
    "Interrupted.": the articles are in the index."""
    from newssearch.index import NewsIndex as Index

    real_close = Index.close

    def close_then_interrupt(self):
        real_close(self)
        raise KeyboardInterrupt

    monkeypatch.setattr(Index, "close", close_then_interrupt)
    result = run("index", corpus, "--index", index_path, *(["--rebuild"] if rebuild else []))
    assert result.exit_code == 130
    assert "the work was committed" in result.output
    monkeypatch.setattr(Index, "close", real_close)
    with Index.open(index_path) as index:
        assert len(index) > 0
