"""Smoke test of benchmarks/bench_nbgrader.py: the batch it builds and the table it prints (no timing asserted;
the three-way run itself is the benchmark)."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks import bench_nbgrader as bench  # noqa: E402


def test_batch_copies_the_example_students_in_turn(tmp_path):
    course = tmp_path / "course"
    (course / "submitted").mkdir(parents=True)
    for sid in bench.STUDENTS:
        folder = course / "submitted" / sid / "ps1"
        folder.mkdir(parents=True)
        (folder / "problem1.ipynb").write_text(sid)
    ids = bench.make_batch(course, 5)
    assert ids == ["s01", "s02", "s03", "s04", "s05"]
    assert sorted(p.name for p in (course / "submitted").iterdir()) == ids
    texts = [(course / "submitted" / s / "ps1" / "problem1.ipynb").read_text() for s in ids]
    assert texts == ["bitdiddle", "hacker", "bitdiddle", "hacker", "bitdiddle"]


def test_table_ratios_come_from_the_measured_rows():
    result = bench.BenchResult(n=20, sandbox="bwrap", load_before=(1.0, 1.0, 1.0), load_after=(2.0, 2.0, 2.0))
    result.rows = [bench.Row("nbgrader autograde", 1, 100.0, 20), bench.Row("autograder grade --nbgrader", 1, 80.0, 20),
                   bench.Row("autograder grade --nbgrader", 2, 40.0, 20)]
    text = bench.render(result)
    assert "2.50x" in text and "1.25x" in text and " 5.00 " in text and "load average before 1.0/1.0/1.0" in text
