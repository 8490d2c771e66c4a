"""write_feedback (HTML pages, escaping, errors) and export_scores (columns, injection, atomic writes)."""
from __future__ import annotations

import csv

import pytest

from autograder.core.errors import InputError
from autograder.core.results import CheckResult, SubmissionResult, TaskResult, save_result
from autograder.pipeline.export import export_scores
from autograder.pipeline.feedback import write_feedback

from .conftest import ASSIGNMENT, HIDDEN_SECRET

XSS = "<script>alert('x')</script>"


def _result(sid: str, **kw) -> SubmissionResult:
    base = dict(student_id=sid, assignment=ASSIGNMENT, status="graded", sandbox="bubblewrap", tasks=[
        TaskResult("add_one", 40, [
            CheckResult("test_public.py::test_add_one_small", "add_one", 20, "public", True),
            CheckResult("test_hidden.py::test_add_one_large", "add_one", 20, "hidden", False,
                        f"add_one(10) returned {XSS}")]),
        TaskResult("scale", 60, [CheckResult("test_public.py::test_scale", "scale", 60, "public", True)]),
    ], notes=["cell 'add_one' (grade cell) was deleted; restored from the release", f"output {XSS} truncated"])
    base.update(kw)
    return SubmissionResult(**base)


@pytest.fixture
def graded(course):
    save_result(course.result_file("00012345", ASSIGNMENT), _result("00012345"))
    save_result(course.result_file("=cmd", ASSIGNMENT), _result("=cmd"))
    save_result(course.result_file("00000007", ASSIGNMENT), SubmissionResult.failed(
        student_id="00000007", assignment=ASSIGNMENT, error=f"sub.ipynb: is not valid JSON {XSS}",
        tasks=[type("T", (), {"name": "add_one", "points": 40, "description": ""})(),
               type("T", (), {"name": "scale", "points": 60, "description": ""})()]))
    save_result(course.result_file("00012345", "other"), _result("00012345", assignment="other"))
    return course


def test_feedback_page_content_and_escaping(graded):
    paths = write_feedback(course=graded, assignment=ASSIGNMENT, student_ids=["00012345"])
    assert paths == [graded.feedback("00012345", ASSIGNMENT) / "index.html"]
    page = paths[0].read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(" in page
    assert "80 / 100" in page and "20 / 40" in page and "60 / 60" in page
    assert "was deleted; restored from the release" in page
    assert "sandbox" not in page and "add one" in page                  # staff facts off; description shown
    assert "test_add_one_small" in page                                  # public checks by name
    assert "test_add_one_large" not in page and "hidden check 1" in page  # hidden checks by message only
    assert HIDDEN_SECRET not in page and "10**6" not in page
    assert "passed" in page and "failed" in page                         # not colour alone


def test_feedback_for_errored_submission_and_default_students(graded):
    paths = write_feedback(course=graded, assignment=ASSIGNMENT)
    assert sorted(p.parent.parent.name for p in paths) == ["00000007", "00012345", "=cmd"]
    page = (graded.feedback("00000007", ASSIGNMENT) / "index.html").read_text()
    assert "could not be graded" in page and "is not valid JSON" in page and "<script>" not in page
    assert "0 / 100" in page
    assert not list(graded.root.joinpath("feedback").rglob(".*.tmp"))


def test_feedback_skips_missing_and_rejects_unsafe_ids(graded):
    assert write_feedback(course=graded, assignment=ASSIGNMENT, student_ids=["99999999"]) == []
    with pytest.raises(InputError, match="not a plain id"):
        write_feedback(course=graded, assignment=ASSIGNMENT, student_ids=["../../etc"])


def _read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_export_totals(graded, tmp_path):
    out = export_scores(course=graded, out=tmp_path / "scores.csv", assignment=ASSIGNMENT)
    rows = _read(out)
    assert rows[0] == ["student_id", "assignment", "score", "max_score"]
    assert rows[1:] == [["00000007", ASSIGNMENT, "0", "100"], ["00012345", ASSIGNMENT, "80", "100"],
                        ["'=cmd", ASSIGNMENT, "80", "100"]]


def test_export_by_task_tidy(graded, tmp_path):
    out = export_scores(course=graded, out=tmp_path / "x" / "tasks.csv", by_task=True)
    rows = _read(out)
    assert rows[0] == ["student_id", "assignment", "task", "score", "max_score"]
    assert ["00012345", ASSIGNMENT, "add_one", "20", "40"] in rows
    assert ["00000007", ASSIGNMENT, "scale", "0", "60"] in rows
    assert ["00012345", "other", "scale", "60", "60"] in rows               # all assignments without a filter
    assert all(not r[0].startswith(("=", "+", "-", "@")) for r in rows)
    assert len(rows) == 1 + 2 * 4


def test_export_empty_course(course, tmp_path):
    assert _read(export_scores(course=course, out=tmp_path / "e.csv")) == [["student_id", "assignment", "score",
                                                                            "max_score"]]
