"""Sharded builds killed (SIGKILL) at random moments, and a Dask worker killed during a cluster build, never leave
the index broken: a query answers the last generation, and the next run equals a clean build. The long run is
``python -m tests.fault_shards`` (20 kills of the client, 4 of a worker)."""

import sys
from pathlib import Path

import pytest

from . import fault_shards as fs

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="needs POSIX signals")


@pytest.fixture(scope="module")
def sharded(tmp_path_factory):
    return fs.sharded_scenario(tmp_path_factory.mktemp("shards"), articles=120)


def test_sharded_runs_killed_at_random_and_at_the_commit_leave_a_readable_index(sharded):
    cycles = fs.client_kills(sharded, kills=3, seed=11)
    assert [c.problems for c in cycles] == [[], [], []]
    assert all(c.recovered and c.matches for c in cycles)
    assert {c.outcome for c in cycles} <= {"before", "after"}
    assert any(c.at_commit for c in cycles)


def test_a_cluster_worker_killed_during_a_build_loses_nothing(sharded, tmp_path):
    pytest.importorskip("distributed")
    assert fs.worker_kill(sharded, 1.0, tmp_path / "ix") == ([], True)


def test_the_script_reports_every_trial(tmp_path, capsys):
    pytest.importorskip("distributed")
    code = fs.main(
        ["--kills", "1", "--cluster-kills", "0", "--worker-kills", "0", "--workdir", str(tmp_path)]
    )
    out = capsys.readouterr().out
    assert code == 0 and "client SIGKILL, --shards 4" in out and Path(tmp_path / "local" / "corpus").is_dir()
