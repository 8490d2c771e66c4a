"""Secure by default in the pipeline: one plain console warning per unsandboxed run, `require` refuses before
any job, the summary names the mode; student notes hold only what concerns the student."""
from __future__ import annotations

import pytest

from autograder.core.errors import SandboxError
from autograder.core.results import CheckResult, SubmissionResult, TaskResult, save_result
from autograder.engine import sandbox
from autograder.engine.sandbox import FALLBACK_NOTE
from autograder.pipeline import runner
from autograder.pipeline.feedback import page_context, render_feedback
from autograder.pipeline.summary import render_summary

from . import hostile_course as hc


@pytest.fixture
def no_bwrap(monkeypatch):
    monkeypatch.setattr(sandbox, "_bwrap_flavour", lambda: None)
    monkeypatch.setattr(sandbox, "_bwrap_path", lambda: None)


@pytest.fixture
def two_submissions(tmp_path, monkeypatch):
    settings = hc.build(tmp_path, limits={}, sandbox="auto")
    for sid in ("21020001", "21020002"):
        hc.submit(settings, sid, hc.GOOD_F, hc.GOOD_G)
    ran = []

    def fake_job(job, settings):
        ran.append(job.student_id)
        return _result(job.student_id, "none")
    monkeypatch.setattr(runner, "run_grade_job", fake_job)
    monkeypatch.setattr(runner, "store", lambda settings, result, notebook=None: save_result(
        settings.course.result_file(result.student_id, result.assignment), result) or True)
    return settings, ran


def _result(sid: str, mode: str) -> SubmissionResult:
    return SubmissionResult(student_id=sid, assignment=hc.ASSIGNMENT, status="graded", sandbox=mode,
                            timings={"tests": 47.125}, notes=["cell 2 raised NameError: name 'x' is not defined"],
                            tasks=[TaskResult("f", 50, [CheckResult("public/test_h.py::test_f[0]", "f", 50,
                                                                    "public", True)])])


def test_grading_unsandboxed_is_said_once_per_run_and_the_summary_names_the_mode(two_submissions, no_bwrap):
    settings, ran = two_submissions
    said = []
    summary = runner.grade_assignment(settings=settings, assignment=hc.ASSIGNMENT, progress=False,
                                      warn=said.append)
    assert sorted(ran) == ["21020001", "21020002"]
    assert len(said) == 1 and "WITHOUT a sandbox" in said[0] and "hidden tests" in said[0]
    assert summary.sandbox == "none"
    text = render_summary(course=settings.course, assignment=hc.ASSIGNMENT, summary=summary)
    assert "sandbox: none (NOT sandboxed: resource limits only) for all 2 graded submission(s)" in text


def test_require_refuses_before_any_submission_runs(two_submissions, no_bwrap):
    settings, ran = two_submissions
    with pytest.raises(SandboxError, match="refuses to grade without a sandbox"):
        runner.grade_assignment(settings=settings.with_(sandbox="require"), assignment=hc.ASSIGNMENT,
                                progress=False, warn=lambda s: None)
    assert ran == []


def test_a_sandboxed_run_says_nothing_and_the_summary_says_bwrap(two_submissions, monkeypatch):
    settings, ran = two_submissions
    monkeypatch.setattr(sandbox, "_bwrap_flavour", lambda: ("--unshare-net",))
    monkeypatch.setattr(runner, "run_grade_job", lambda job, settings: _result(job.student_id, "bwrap"))
    said = []
    summary = runner.grade_assignment(settings=settings, assignment=hc.ASSIGNMENT, progress=False,
                                      warn=said.append)
    assert said == [] and summary.sandbox == "bwrap"
    text = render_summary(course=settings.course, assignment=hc.ASSIGNMENT, summary=summary)
    assert "sandbox: bwrap (bubblewrap sandbox) for all 2" in text


def test_the_feedback_page_holds_no_staff_facts():
    page = render_feedback(page_context(_result("21020001", "none")))
    assert "sandbox" not in page.lower() and "rlimits" not in page and "47.125" not in page
    assert "cell 2 raised NameError" in page


@pytest.mark.slow
def test_student_notes_say_why_the_kernel_was_restarted_and_nothing_about_the_sandbox(tmp_path):
    settings = hc.build(tmp_path, limits={"call_timeout": 10, "test_timeout": 10})
    result = hc.grade(settings, "def f(x):\n    import os\n    os._exit(3)", hc.GOOD_G)
    assert result.status == "graded" and result.sandbox == "none"
    assert FALLBACK_NOTE not in result.notes and not any("sandbox" in n for n in result.notes)
    restart = [n for n in result.notes if "restarted" in n]
    assert restart and restart[0].startswith("your kernel was restarted once during testing")
    assert "because: the kernel died (crash, os._exit, a signal or out of memory) while running f(...)" in restart[0]
    assert {t.task: t.score for t in result.tasks} == {"f": 0, "g": 50}
