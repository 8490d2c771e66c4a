"""Week 3 end to end: release -> collect -> grade (sandboxed pool) -> feedback -> export, on the bundled
examples (correct in two styles, seeded bugs, a broken notebook, hostile notebooks).

Every example's score must equal assignments/w03_training/examples/EXPECTED.yaml: its total, and exactly the
tasks it lists under `lose` lose points (each with a message).
"""
import csv
from pathlib import Path

import pytest
import yaml

from autograder.core.results import load_result
from autograder.core.settings import GradeSettings, open_course

ROOT = Path(__file__).resolve().parents[2]          # the repository (tests and benchmarks run from it)

pytestmark = [pytest.mark.slow, pytest.mark.heavy]

ASSIGNMENT = "w03_training"
EXAMPLES = ROOT / "assignments" / ASSIGNMENT / "examples"


def expected() -> dict:
    data = yaml.safe_load((EXAMPLES / "EXPECTED.yaml").read_text(encoding="utf-8"))
    return {str(k): v for k, v in data["students"].items()}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    from autograder.pipeline.collect import collect_submissions
    from autograder.pipeline.release import release_assignment
    from autograder.pipeline.runner import grade_assignment

    root = tmp_path_factory.mktemp("course")
    (root / "autograder.yaml").write_text(yaml.safe_dump({"assignments": str(ROOT / "assignments"),
                                                          "reference_solutions": str(ROOT / "reference_solutions")}))
    course, config = open_course(root)
    release_assignment(course=course, assignment=ASSIGNMENT)
    report = collect_submissions(course=course, assignment=ASSIGNMENT, source=EXAMPLES)
    settings = GradeSettings(course=course, sandbox="auto", seed=config.seed)
    summary = grade_assignment(settings=settings, assignment=ASSIGNMENT, workers=2, progress=False)
    return course, settings, report, summary


def test_every_example_scores_as_expected(graded):
    course, _, _, summary = graded
    exp = expected()
    assert {r.student_id for r in summary.graded} == set(exp)
    problems = []
    for sid, spec in exp.items():
        result = load_result(course.result_file(sid, ASSIGNMENT))
        lost = {t.task: (t.max_score - t.score, t.messages[:1]) for t in result.tasks if t.score < t.max_score}
        if result.score != pytest.approx(spec["total"]):
            problems.append(f"{sid}: {result.score} != {spec['total']}; {lost}; {result.error}")
        if set(lost) != set(spec.get("lose", [])):
            problems.append(f"{sid}: lost points in {sorted(lost)}, expected in {sorted(spec.get('lose', []))}")
        problems += [f"{sid}: {task} lost points without a message"
                     for task in lost if not next(t for t in result.tasks if t.task == task).messages]
        if (result.status == "error") != bool(spec.get("error")):
            problems.append(f"{sid}: status {result.status}, expected error={bool(spec.get('error'))}")
    assert not problems, "\n".join(problems)


def test_results_are_complete_and_sandboxed(graded):
    course, _, _, summary = graded
    import shutil as _sh
    for r in summary.graded:
        assert r.max_score == 100
        if r.status == "graded":
            assert r.sandbox == ("bwrap" if _sh.which("bwrap") else "none")


def test_rerun_resumes_and_changed_submission_is_regraded(graded):
    from autograder.pipeline.runner import grade_assignment
    course, settings, _, _ = graded
    again = grade_assignment(settings=settings, assignment=ASSIGNMENT, workers=1, progress=False)
    assert again.graded == [] and len(again.skipped) == len(expected())
    sid = sorted(expected())[0]
    nb = next(course.submitted(sid, ASSIGNMENT).glob("*.ipynb"))
    nb.write_text(nb.read_text(encoding="utf-8").replace('"cells": [', '"cells": [{"cell_type": "markdown", '
                                                         '"metadata": {}, "source": "edited"}, ', 1),
                  encoding="utf-8")
    before = load_result(course.result_file(sid, ASSIGNMENT))
    third = grade_assignment(settings=settings, assignment=ASSIGNMENT, workers=1, progress=False)
    assert [r.student_id for r in third.graded] == [sid]
    assert third.graded[0].score == before.score


def test_feedback_and_exports(graded, tmp_path):
    from autograder.pipeline.export import export_scores
    from autograder.pipeline.feedback import write_feedback
    course, _, _, _ = graded
    pages = write_feedback(course=course, assignment=ASSIGNMENT)
    assert len(pages) == len(expected())
    hidden_sources = [p.read_text() for p in (course.tests(ASSIGNMENT, "hidden")).glob("test_*.py")]
    for page in pages:
        html = Path(page).read_text(encoding="utf-8")
        assert "<html" in html.lower()
        for src in hidden_sources:  # no line of hidden test code is shown
            for line in src.splitlines():
                if len(line.strip()) > 40 and "def test_" in line:
                    assert line.strip() not in html
    out = export_scores(course=course, out=tmp_path / "by_task.csv", assignment=ASSIGNMENT, by_task=True)
    with open(out, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["student_id", "assignment", "task", "score", "max_score"]
    totals = {}
    for row in rows:
        totals[row["student_id"]] = totals.get(row["student_id"], 0) + float(row["score"])
    for sid, spec in expected().items():
        assert totals[sid] == pytest.approx(spec["total"])


def test_gradebook_matches_results(graded):
    from autograder.pipeline.gradebook import gradebook_scores
    course, _, _, _ = graded
    frame = gradebook_scores(course=course, assignment=ASSIGNMENT)
    totals = frame.groupby("student_id")["score"].sum().to_dict()
    for sid in expected():
        assert totals[sid] == pytest.approx(load_result(course.result_file(sid, ASSIGNMENT)).score)


def test_fallback_without_bubblewrap_still_grades(graded, tmp_path):
    """Same correct submission, sandbox='none': same score; the mode is a staff fact (result.sandbox), not a note."""
    from autograder.pipeline.job import grade_submission
    course, settings, _, _ = graded
    exp = expected()
    sid = next(s for s, spec in exp.items() if spec["total"] == 100)
    nb = next(course.submitted(sid, ASSIGNMENT).glob("*.ipynb"))
    result = grade_submission(assignment=ASSIGNMENT, notebook_path=nb, student_id=sid,
                              settings=settings.with_(sandbox="none", save_notebook=False))
    assert result.score == 100 and result.sandbox == "none"
    assert not any("bubblewrap" in n or "sandbox" in n for n in result.notes)
