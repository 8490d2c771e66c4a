"""Smoke tests of the grading benchmark's building blocks (benchmarks/bench_grading.py, nbgrader_native.py).

They check that the nbgrader side grades what it should (hidden checks pass on the reference solutions, fail
on known bugs, survive nbgrader's generate/autograde round trip) and that the table is computed from the
measured rows. No timing is asserted.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks import bench_grading as bench  # noqa: E402
from benchmarks.nbgrader_native import CHECKS, INSTRUCTOR_NOTEBOOK, build_native_notebook  # noqa: E402

EXAMPLES = ROOT / "assignments" / "w03_training" / "examples"
# example submission -> grade cells that must fail (assignments/w03_training/examples, EXPECTED.yaml)
BUGGY = {"21020003": {"momentum_step", "adam_step", "confusion_matrix"}, "21020004": {"batchnorm_forward"}}


def grade_cells(nb):
    return [c for c in nb.cells if bench._is_grade_cell(c)]


def test_native_notebook_has_inline_public_and_hidden_checks():
    nb = build_native_notebook()
    cells = grade_cells(nb)
    assert {c.metadata.nbgrader.grade_id for c in cells} == set(CHECKS)
    assert sum(c.metadata.nbgrader.points for c in cells) == 100
    for cell in cells:
        visible, _, rest = cell.source.partition("### BEGIN HIDDEN TESTS")
        hidden, end, _ = rest.partition("### END HIDDEN TESTS")
        assert end and "assert" in visible and "assert" in hidden, cell.metadata.nbgrader.grade_id
        assert "autograder" not in cell.source and "check_task" not in cell.source
    # everything but the grade cells is the instructor notebook, so the example submissions fit it
    original = nbformat.read(str(INSTRUCTOR_NOTEBOOK), as_version=4)
    assert [c.source for c in original.cells if not bench._is_grade_cell(c)] == \
           [c.source for c in nb.cells if not bench._is_grade_cell(c)]


@pytest.mark.slow
def test_native_checks_pass_on_the_reference_solutions():
    _, outcome = bench.execute_plain(str(INSTRUCTOR_NOTEBOOK), bench.native_grade_sources())
    assert outcome == {task: "ok" for task in CHECKS}


@pytest.mark.slow
@pytest.mark.parametrize("student", sorted(BUGGY))
def test_native_checks_fail_on_buggy_submissions(student):
    sources = dict(bench.native_grade_sources(), train_classifier="pass")   # training: covered above
    _, outcome = bench.execute_plain(str(EXAMPLES / f"{student}.ipynb"), sources)
    assert {task for task, verdict in outcome.items() if verdict != "ok"} == BUGGY[student]


@pytest.mark.slow
@pytest.mark.heavy
def test_nbgrader_round_trip_hides_then_runs_the_hidden_checks(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", bench.tool_env()["PATH"])
    root = bench.nbgrader_course(tmp_path / "nbgrader")
    released = (root / "release" / "w03_training" / "w03_training.ipynb").read_text(encoding="utf-8")
    assert "_ref_adam_step" not in released and "HIDDEN TESTS" not in released
    batch = bench.make_batch(1, tmp_path / "batch")
    (tmp_path / "batch" / "99000001.ipynb").write_bytes((EXAMPLES / "21020003.ipynb").read_bytes())
    _, scores = bench.nbgrader_autograde(root, batch)
    assert scores == [100 - 8 - 6 - 8]          # confusion_matrix, momentum_step, adam_step lost


def test_make_batch_copies_the_correct_examples(tmp_path):
    batch = bench.make_batch(3, tmp_path)
    assert [sid for sid, _ in batch] == ["99000001", "99000002", "99000003"]
    assert batch[0][1].read_bytes() == (EXAMPLES / "21020001.ipynb").read_bytes()
    assert batch[1][1].read_bytes() == (EXAMPLES / "21020002.ipynb").read_bytes()
    assert batch[2][1].read_bytes() == batch[0][1].read_bytes()


def test_table_is_computed_from_the_measured_rows():
    result = bench.BenchResult(n=4, workers=2, load_before=(1.0, 1.0, 1.0), load_after=(2.0, 2.0, 2.0))
    for key, engine, proc, wall in (("pure_seq", "pure: submission cells", 1, 8.0),
                                    ("pure_par", "pure: submission cells", 2, 5.0),
                                    ("tests_par", "pure: submission + inline tests", 2, 20.0),
                                    ("nbgrader", "nbgrader autograde", 1, 60.0), ("ours", "ours", 2, 24.0)):
        result.rows[key] = bench.Row(engine=engine, processes=proc, wall=wall, n=4)
    text = bench.render(result)
    assert "2.50x" in text and "goal >= 1.7x: MET" in text
    assert "+4.75 s" in text and "+1.00 s" in text and "NOT MET" in text
    assert f"{os.cpu_count()} cores" in text
