import pytest

from autograder.core.scores import format_percent, format_points, format_score


@pytest.mark.parametrize("value, text", [(83.333333, "83.33"), (80.0, "80"), (-0.5, "-0.5"), (0.004, "0"),
                                         (-0.004, "0"), (float("nan"), ""), (None, ""), (7, "7"), (16.666667, "16.67")])
def test_format_score(value, text):
    assert format_score(value) == text


def test_signed_points_and_percent():
    assert format_score(0.5, sign=True) == "+0.5" and format_score(-1, sign=True) == "-1"
    assert format_score(0, sign=True) == "0"
    assert format_points(8.333333, 10.0) == "8.33 / 10"
    assert format_percent(12.5) == "12.5%" and format_percent(None) == ""


X = 83.33333          # one score, shown everywhere as 83.33


def _shows_x(text: str) -> bool:
    import re
    return "83.33" in text and not re.search(r"83\.3(?!3)|83\.333", text)


def test_one_score_reads_the_same_on_every_page_and_in_every_file(tmp_path):
    """Feedback page, summary table, score export, grade report, LMS file, seminar page and class CSV."""
    from pathlib import Path

    import yaml

    from autograder.core.coursedir import CourseDirectory
    from autograder.core.results import CheckResult, SubmissionResult, TaskResult, save_result
    from autograder.pipeline.export import export_scores
    from autograder.pipeline.feedback import write_feedback
    from autograder.pipeline.summary import render_summary
    from autograder.reports.lms import write_export
    from autograder.reports.render import generate_reports, load_grades
    from autograder.seminar.aggregate import GroupResult, MemberScore, SeminarResults
    from autograder.seminar.report import render_group, write_report
    from autograder.seminar.rubric import load_rubric
    from autograder.seminar.store import Group

    root = tmp_path / "course"
    course = CourseDirectory(root=root, source_root=tmp_path / "none", reference_root=tmp_path / "none")
    root.mkdir()
    (root / "roster.csv").write_text("student_id,name\n21020001,Nguyễn Văn An\n", encoding="utf-8")
    (root / "policy.yaml").write_text(yaml.safe_dump({
        "course": "INT3121", "timezone": "Asia/Ho_Chi_Minh", "roster": "roster.csv", "grade_scale": 100,
        "assessments": {"a1": {"kind": "assignment", "title": "A1", "weight": 100, "due": "2026-09-13 23:59"}}}))
    checks = [CheckResult("hidden/t.py::a", "t", X, "hidden", True),
              CheckResult("hidden/t.py::b", "t", 100 - X, "hidden", False, "wrong")]
    save_result(course.result_file("21020001", "a1"),
                SubmissionResult(student_id="21020001", assignment="a1", status="graded",
                                 tasks=[TaskResult(task="t", max_score=100.0, checks=checks)]))

    [page] = write_feedback(course=course, assignment="a1")
    outputs = {"feedback": page.read_text(encoding="utf-8"),
               "summary": render_summary(course=course, assignment="a1"),
               "export": export_scores(course=course, out=tmp_path / "s.csv").read_text(encoding="utf-8"),
               "export by task": export_scores(course=course, out=tmp_path / "t.csv", by_task=True)
               .read_text(encoding="utf-8")}
    assert "83.33 / 100" in outputs["feedback"]
    import datetime as dt
    as_of = dt.datetime(2026, 12, 1)
    generate_reports(course=course, out=tmp_path / "r", as_of=as_of, with_plots=False)
    outputs["report"] = (tmp_path / "r" / "students" / "21020001.html").read_text(encoding="utf-8")
    outputs["class report"] = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    grades = load_grades(course=course, as_of=as_of)
    for fmt in ("moodle", "long"):
        outputs[fmt] = write_export(grades, fmt=fmt, out=tmp_path / f"{fmt}.csv").path.read_text(encoding="utf-8-sig")

    rubric = load_rubric(Path(__file__).resolve().parents[2] / "rubrics" / "midterm_seminar.yaml")
    group = GroupResult(group=Group(name="G1", members=("21020001",)), criteria=(), raters=("TA",), raw_total=X,
                        total=X, caps=(), missing=(), complete=True, comments=(), audience=())
    seminar = SeminarResults(rubric=rubric, groups=(group,), spread_limit=3.0,
                             members=(MemberScore("21020001", "An", "G1", X, 0.0, "", X),))
    outputs["seminar page"] = render_group(seminar, "G1")
    outputs["seminar csv"] = write_report(seminar, out_dir=tmp_path / "sem").class_csv.read_text(encoding="utf-8-sig")
    assert {name: _shows_x(text) for name, text in outputs.items()} == {name: True for name in outputs}
