"""``tests/fault_hostile.py``, the hostile-corpus harness: a small run of one corpus, as ``main`` runs it."""

from tests import fault_hostile


def test_the_hostile_harness_runs_a_corpus(tmp_path, capsys):
    row = fault_hostile.trial("symlinks-out", 0.001, 17, tmp_path)
    assert (row.tried, row.failed, row.lost) == (1, 0, 0), row.problems
    assert 0 < row.peak_mb < fault_hostile.GOAL_MB and row.stderr_bytes > 0
    fault_hostile.print_table([row])
    assert "symlinks-out" in capsys.readouterr().out
