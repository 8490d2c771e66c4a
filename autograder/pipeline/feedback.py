"""One self-contained HTML feedback page per student, from stored results (never from tests or solutions).

    write_feedback(course=..., assignment="w03_training") -> [feedback/STUDENT/ASSIGNMENT/index.html, ...]

`page_context` turns a `SubmissionResult` into plain data (scores as numbers); `templates/feedback.html.j2`
renders it through the shared environment (`core/templates.py`: autoescaping on, since messages, notes and
errors come from student code; scores shown with the `score` filter, as every other page and export shows them). Hidden checks are
shown by their message only, never by test name or code. Students without a stored result get no page.
"""
from __future__ import annotations

from pathlib import Path

from autograder.core.atomic import write_text_atomic
from autograder.core.coursedir import CourseDirectory
from autograder.core.errors import ConfigError, InputError
from autograder.core.manifest import load_manifest
from autograder.core.results import SubmissionResult, load_result
from autograder.core.student_ids import SAFE_ID_TEXT, is_safe_id
from autograder.core.templates import render

TEMPLATES = Path(__file__).parent / "templates"


def page_context(result: SubmissionResult, *, title: str = "", descriptions: dict | None = None) -> dict:
    descriptions = descriptions or {}
    tasks = []
    for t in result.tasks:
        checks, hidden_n = [], 0
        for c in t.checks:
            if c.visibility == "public":
                label = c.test_id.rsplit("::", 1)[-1]
            else:
                hidden_n += 1
                label = f"hidden check {hidden_n}"
            checks.append({"label": label, "visibility": c.visibility, "passed": c.passed,
                           "points": c.points, "message": c.message if not c.passed else ""})
        tasks.append({"name": t.task, "description": t.description or descriptions.get(t.task, ""),
                      "score": t.score if result.status == "graded" else 0.0, "max_score": t.max_score,
                      "full": result.status == "graded" and t.score >= t.max_score - 1e-9, "checks": checks,
                      "passed": sum(c["passed"] for c in checks), "total": len(checks)})
    graded = result.status == "graded"
    return {"student_id": result.student_id, "assignment": result.assignment, "title": title,
            "graded": graded, "error": result.error, "score": result.score if graded else 0.0,
            "max_score": result.max_score, "tasks": tasks, "notes": list(result.notes)}
    # staff facts (sandbox mode, grader timings) stay in result.json and the grading summary, off this page


def render_feedback(context: dict) -> str:
    return render(TEMPLATES, "feedback.html.j2", **context)


def write_feedback(*, course: CourseDirectory, assignment: str, student_ids=None) -> list[Path]:
    """Write feedback pages (atomically) for `student_ids` (default: every graded student); returns the paths."""
    ids = list(student_ids) if student_ids else course.graded_students(assignment)   # folder names: safe
    for sid in student_ids or ():
        if not is_safe_id(sid):
            raise InputError(f"student id {sid!r} is not a plain id ({SAFE_ID_TEXT})")
    try:
        manifest = load_manifest(course.manifest(assignment))
        title, descriptions = manifest.title, {t.name: t.description for t in manifest.tasks}
    except ConfigError:
        title, descriptions = "", {}
    paths = []
    for sid in ids:
        result = load_result(course.result_file(sid, assignment))
        if result is None:
            continue
        html = render_feedback(page_context(result, title=title, descriptions=descriptions))
        path = course.feedback(sid, assignment) / "index.html"
        write_text_atomic(path, html)
        paths.append(path)
    return paths
