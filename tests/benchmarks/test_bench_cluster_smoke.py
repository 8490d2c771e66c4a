"""Smoke test of benchmarks/bench_cluster.py: the table and ratios it prints, the rows it accepts (no timing
asserted; the side-by-side run itself is the benchmark, minutes on 2 cores)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks import bench_cluster as bench  # noqa: E402


def test_render_prints_the_ratios_and_the_per_submission_cost():
    result = bench.ClusterBench(n=4, load_before=(1, 1, 1), load_after=(2, 2, 2), cluster_start={2: 6.5})
    for key, wall in (("local2", 40.0), ("dask2", 42.0), ("local1", 70.0), ("dask1", 80.0), ("nbgrader", 120.0)):
        result.rows[key] = bench.Row(key, wall, 4, [100.0] * 4, job_seconds=15.0 if key != "nbgrader" else 0.0)
    out = bench.render(result)
    assert "dask / local pool at 2 worker(s): 1.050   goal <= 1.10: MET" in out
    assert "per-submission cost of the Dask path over the local pool: +0.50 s" in out
    assert "dask / local pool at 1 worker(s): 1.143" in out and "+2.50 s" in out
    assert "nbgrader autograde / local pool at 2 workers: 3.00x" in out
    assert "Dask cluster start (not in the rows: long-lived workers): 2 worker(s) 6.5 s" in out


def test_unknown_rows_are_refused(capsys):
    with pytest.raises(SystemExit):
        bench.main(["--rows", "local2,gpu9"])
    assert "unknown rows ['gpu9']" in capsys.readouterr().err
