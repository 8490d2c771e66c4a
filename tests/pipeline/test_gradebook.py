"""record_result / gradebook_scores: nbgrader gradebook round trip, comments, idempotency, errored submissions."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from autograder.core.errors import GradingError
from autograder.core.results import CheckResult, SubmissionResult, TaskResult
from autograder.pipeline.gradebook import gradebook_scores, open_gradebook, record_result

from .conftest import ASSIGNMENT


def graded(sid="00012345") -> SubmissionResult:
    return SubmissionResult(student_id=sid, assignment=ASSIGNMENT, status="graded", tasks=[
        TaskResult("add_one", 40, [CheckResult("t1", "add_one", 20, "public", True),
                                   CheckResult("t2", "add_one", 20, "hidden", False, "add_one(10) returned 12")]),
        TaskResult("scale", 60, [CheckResult("t3", "scale", 60, "public", True)]),
    ])


def _comment(course, cell, sid="00012345"):
    with open_gradebook(course) as gb:
        return gb.find_comment(cell, ASSIGNMENT, ASSIGNMENT, sid).auto_comment


def test_round_trip(released):
    assert record_result(course=released, result=graded()) == []
    df = gradebook_scores(course=released)
    assert list(df.columns) == ["student_id", "assignment", "task", "score", "max_score"]
    assert df.to_dict("records") == [
        {"student_id": "00012345", "assignment": ASSIGNMENT, "task": "add_one", "score": 20.0, "max_score": 40.0},
        {"student_id": "00012345", "assignment": ASSIGNMENT, "task": "scale", "score": 60.0, "max_score": 60.0}]
    assert _comment(released, "add_one_solution") == "- add_one(10) returned 12"
    assert _comment(released, "scale_solution") == "All checks passed."
    with open_gradebook(released) as gb:
        grade = gb.find_grade("add_one", ASSIGNMENT, ASSIGNMENT, "00012345")
        assert grade.needs_manual_grade is False and grade.auto_score == 20.0


def test_idempotent_and_updates(released):
    for _ in range(3):
        record_result(course=released, result=graded())
    better = graded()
    better.tasks[0].checks[1].passed = True
    record_result(course=released, result=better)
    df = gradebook_scores(course=released, assignment=ASSIGNMENT)
    assert len(df) == 2 and df.score.sum() == 100.0
    assert _comment(released, "add_one_solution") == "All checks passed."
    with open_gradebook(released) as gb:
        assert len(gb.students) == 1 and len(gb.find_assignment(ASSIGNMENT).submissions) == 1


def test_manual_grades_survive_rerecording(released):
    record_result(course=released, result=graded())
    with open_gradebook(released) as gb:
        gb.find_grade("add_one", ASSIGNMENT, ASSIGNMENT, "00012345").manual_score = 35.0
        gb.find_comment("add_one_solution", ASSIGNMENT, ASSIGNMENT, "00012345").manual_comment = "see me"
        gb.db.commit()
    record_result(course=released, result=graded())
    df = gradebook_scores(course=released).set_index("task")
    assert df.loc["add_one", "score"] == 35.0
    with open_gradebook(released) as gb:
        assert gb.find_comment("add_one_solution", ASSIGNMENT, ASSIGNMENT, "00012345").comment == "see me"


def test_errored_submission_gets_zeros_and_reason(released):
    record_result(course=released, result=graded())
    failed = SubmissionResult(student_id="00012345", assignment=ASSIGNMENT, status="error",
                              error="sub.ipynb: is not valid JSON")
    record_result(course=released, result=failed)
    df = gradebook_scores(course=released)
    assert df.score.tolist() == [0.0, 0.0] and df.max_score.tolist() == [40.0, 60.0]
    assert _comment(released, "scale_solution") == "Not graded: sub.ipynb: is not valid JSON"


def test_unknown_task_is_reported_and_unreleased_assignment_raises(released, course):
    result = graded()
    result.tasks.append(TaskResult("bonus", 5, []))
    assert record_result(course=released, result=result) == [
        "task 'bonus': no grade cell with this grade_id in the gradebook"]
    with pytest.raises(GradingError, match="release it first"):
        record_result(course=course, result=graded())
    assert gradebook_scores(course=course).empty


def test_timestamp_from_collected_copy(released):
    folder = released.submitted("00012345", ASSIGNMENT)
    folder.mkdir(parents=True)
    (folder / "timestamp.txt").write_text("2026-03-02 09:00:00.000000 UTC")
    record_result(course=released, result=graded())
    with open_gradebook(released) as gb:
        ts = gb.find_submission(ASSIGNMENT, "00012345").timestamp
    assert (ts.year, ts.month, ts.day, ts.hour) == (2026, 3, 2, 9)


@pytest.mark.slow
def test_nbgrader_export_sees_our_scores(course, tmp_path):
    from autograder.pipeline.release import release_assignment
    release_assignment(course=course, assignment=ASSIGNMENT)
    record_result(course=course, result=graded())
    nbgrader = Path(sys.executable).parent / "nbgrader"
    out = subprocess.run([str(nbgrader), "export", "--to", str(tmp_path / "grades.csv")], cwd=course.root,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    text = (tmp_path / "grades.csv").read_text()
    assert "toy,,,00012345,,,,80.0,0.0,80.0,100.0" in text          # nbgrader sums our task scores


def test_comment_mapping_without_solution_suffix(course):
    """Solution cells not named TASK_solution: the cell defining the task, else the nearest one before it."""
    import nbformat

    from autograder.pipeline.release import release_assignment
    path = course.source(ASSIGNMENT) / f"{ASSIGNMENT}.ipynb"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id") == "add_one_solution":
            meta["grade_id"] = "answer_a"
        if meta.get("grade_id") == "scale_solution":
            meta["grade_id"] = "answer_b"
            cell.source = "### BEGIN SOLUTION\nimport math\nmultiply = lambda x, k: x * k\nscale = multiply\n" \
                          "### END SOLUTION"
    nbformat.write(nb, path)
    release_assignment(course=course, assignment=ASSIGNMENT, exchange=False)
    assert record_result(course=course, result=graded()) == []
    assert _comment(course, "answer_a") == "- add_one(10) returned 12"          # defines add_one
    assert _comment(course, "answer_b") == "All checks passed."                  # nearest before 'scale'
