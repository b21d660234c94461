"""Building on Dask: a local cluster of two worker processes, and a real scheduler and worker started as
subprocesses on 127.0.0.1, read the files and write the shards; the index equals one built in this process. Dask
stays optional: a plain query imports none of it, and a build that asks for a cluster without it says so."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newssearch import NewsIndex
from newssearch.engine import shard_count
from newssearch.ingest import cluster

from .helpers import invoke, needs_corpora

pytest.importorskip("distributed")

QUERIES = ["oil prices", "Baghdad", "bank OR rates", '"central bank"', "wheat -corn", "gold*"]


def stories_and_scores(path: Path) -> dict:
    with NewsIndex.open(path) as index:
        out = {"len": len(index)}
        for text in QUERIES:
            results = index.search(text, limit=50, all_versions=True)
            out[text] = (results.total, sorted((hit.id, round(hit.score, 6)) for hit in results.hits))
        out["ids"] = sorted(
            index.matches("said OR reuters OR year OR baghdad OR pct OR mln", all_versions=True).ids
        )
    return out


@pytest.fixture(scope="module")
def reuters_part(tmp_path_factory):
    """Two Reuters-21578 files (2,000 stories), or the test corpus where the corpora are absent."""
    from .helpers import CORPORA, DATA, SEED

    folder = tmp_path_factory.mktemp("part")
    files = sorted((CORPORA / "reuters21578").glob("*.sgm"))[:2]
    if files:
        for file in files:
            shutil.copy(file, folder / file.name)
    else:
        shutil.copytree(DATA / "mixed", folder, dirs_exist_ok=True)
        shutil.copy(SEED, folder / SEED.name)
    return folder


def test_a_build_on_a_local_cluster_of_two_workers_equals_a_build_in_this_process(tmp_path, reuters_part):
    made = NewsIndex.rebuild(tmp_path / "dask", reuters_part, shards=2, workers=2)
    here = NewsIndex.rebuild(tmp_path / "here", reuters_part, shards=2)
    assert made.added == here.added > 0
    assert stories_and_scores(tmp_path / "dask") == stories_and_scores(tmp_path / "here")
    with NewsIndex.open(tmp_path / "dask") as index:
        assert index.check().ok
    # An update on the cluster of a changed file: the index still equals one built here.
    changed = sorted(reuters_part.iterdir())[0]
    backup = changed.read_bytes()
    try:
        changed.write_bytes(backup[: len(backup) // 2])
        with NewsIndex.open(tmp_path / "dask") as index:
            report = index.update(reuters_part, workers=2)
        assert report.updated + report.removed > 0  # Reuters: stories gone; the test corpus: one story cut
        NewsIndex.rebuild(tmp_path / "here", reuters_part)
        assert stories_and_scores(tmp_path / "dask") == stories_and_scores(tmp_path / "here")
    finally:
        changed.write_bytes(backup)


def test_one_shard_on_a_cluster_is_read_there_and_written_here(tmp_path, corpus):
    report = NewsIndex.rebuild(tmp_path / "ix", corpus, workers=1)
    assert shard_count(tmp_path / "ix") == 1 and report.added > 5
    NewsIndex.rebuild(tmp_path / "here", corpus)
    assert stories_and_scores(tmp_path / "ix") == stories_and_scores(tmp_path / "here")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def scheduler(tmp_path):
    """A real ``dask scheduler`` and ``dask worker`` started as subprocesses on 127.0.0.1."""
    dask = Path(sys.executable).parent / "dask"
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    logs = (tmp_path / "scheduler.log").open("w"), (tmp_path / "worker.log").open("w")
    procs = [
        subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            stdout=logs[0],
            stderr=subprocess.STDOUT,
            env=env,
        )
    ]
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        procs.append(
            subprocess.Popen(
                [dask, "worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard"],
                stdout=logs[1],
                stderr=subprocess.STDOUT,
                env=env,
            )
        )
        yield address
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
        for log in logs:
            log.close()


def test_a_scheduler_and_a_worker_started_apart_build_the_index_through_the_cli(
    tmp_path, corpus, scheduler, monkeypatch
):
    built = invoke("index", corpus, "--index", tmp_path / "ix", "--shards", "2", "--scheduler", scheduler)
    assert built.exit_code == 0, built.output
    NewsIndex.rebuild(tmp_path / "here", corpus, shards=2)
    assert stories_and_scores(tmp_path / "ix") == stories_and_scores(tmp_path / "here")
    # $NEWSSEARCH_SCHEDULER does as --scheduler does.
    (corpus / "new.txt").write_text("Port strike ends\n\nDockers went back to work at the port on Monday.\n")
    monkeypatch.setenv("NEWSSEARCH_SCHEDULER", scheduler.removeprefix("tcp://"))
    again = invoke("index", corpus, "--index", tmp_path / "ix")
    assert again.exit_code == 0 and "1 added" in again.output, again.output
    found = invoke("query", "dockers port", "--index", tmp_path / "ix")
    assert found.exit_code == 0 and "Port strike ends" in found.output
    # Searched by the cluster's worker, holding the shards open: the answers of one searcher.
    with (
        NewsIndex.open(tmp_path / "ix", parallel=False) as here,
        NewsIndex.open(tmp_path / "ix", scheduler=scheduler) as there,
    ):
        assert type(there._store.fanout).__name__ == "DaskPool"
        for text in [*QUERIES, "dockers port"]:
            one, many = here.search(text, limit=50), there.search(text, limit=50)
            assert one.total == many.total
            assert [(h.id, h.score, h.snippet) for h in one.hits] == [
                (h.id, h.score, h.snippet) for h in many.hits
            ]


def test_a_scheduler_that_does_not_answer_is_one_line_and_leaves_the_index(tmp_path, corpus, monkeypatch):
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 2)
    NewsIndex.rebuild(tmp_path / "ix", corpus, shards=2)
    before = stories_and_scores(tmp_path / "ix")
    (corpus / "new.txt").write_text("Port strike ends\n\nDockers went back to work.\n")
    port = _free_port()
    out = invoke("index", corpus, "--index", tmp_path / "ix", "--scheduler", f"127.0.0.1:{port}")
    assert out.exit_code == 1 and "cannot reach tcp://127.0.0.1:" in out.output, out.output
    assert "Traceback" not in out.output and len(out.output.strip().splitlines()) <= 2
    assert stories_and_scores(tmp_path / "ix") == before


def test_without_dask_a_cluster_build_says_how_to_install_it(tmp_path, corpus, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if it were not installed
    out = invoke("index", corpus, "--index", tmp_path / "ix", "--workers", "2")
    assert out.exit_code == 1 and 'pip install "newssearch[cluster]"' in out.output, out.output
    with pytest.raises(ValueError, match="workers must be a whole number"):
        NewsIndex.rebuild(tmp_path / "ix", corpus, workers=0)
    with pytest.raises(ValueError, match="from 1 to 64"):
        NewsIndex.rebuild(tmp_path / "ix", corpus, workers=10_000)  # never starts that many processes


def test_a_plain_build_and_query_import_nothing_of_dask(tmp_path, corpus):
    code = (
        "import sys\nfrom newssearch import NewsIndex\n"
        f"NewsIndex.rebuild({str(tmp_path / 'ix')!r}, {str(corpus)!r}, shards=2)\n"
        f"NewsIndex.open({str(tmp_path / 'ix')!r}).search('Baghdad')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@needs_corpora
@pytest.mark.slow
def test_a_worker_killed_during_a_cluster_build_commits_nothing_and_the_next_build_is_whole(
    tmp_path, reuters_part
):
    import threading

    import distributed

    NewsIndex.rebuild(tmp_path / "ix", sorted(reuters_part.iterdir())[:1], shards=2)
    before = stories_and_scores(tmp_path / "ix")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
        ) as local,
        distributed.Client(local) as client,
    ):
        killed = threading.Event()

        def kill_one() -> None:
            time.sleep(1.0)
            pids = client.run(os.getpid)
            os.kill(next(iter(pids.values())), 9)
            killed.set()

        threading.Thread(target=kill_one, daemon=True).start()
        try:
            with NewsIndex.open(tmp_path / "ix") as index:
                index.update(reuters_part, scheduler=local.scheduler_address)
        except Exception as exc:  # the run may finish on the other worker, or fail as one
            assert "nothing was written" in str(exc) or "died" in str(exc) or "cluster" in str(exc), exc
            assert stories_and_scores(tmp_path / "ix") == before
        assert killed.wait(30)
    NewsIndex.rebuild(tmp_path / "here", reuters_part, shards=2)
    with NewsIndex.open(tmp_path / "ix") as index:
        index.update(reuters_part)
        assert index.check().ok
    assert stories_and_scores(tmp_path / "ix") == stories_and_scores(tmp_path / "here")
