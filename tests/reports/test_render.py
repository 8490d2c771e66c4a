"""The HTML reports as files: pages exist, plots are embedded PNGs, text is escaped; the CLI wiring."""
from __future__ import annotations

import base64
import csv
import re
import shutil

from autograder.cli import main
from autograder.reports.render import generate_reports


def test_index_and_one_page_per_student(report, grades):
    out, summary = report
    assert summary.index == out / "index.html"
    pages = sorted(p.stem for p in (out / "students").glob("*.html"))
    assert pages == sorted(grades.students["student_id"])
    assert summary.student_pages == len(pages)
    assert (out / "summary.json").is_file()


def test_plots_are_embedded_pngs(report):
    html = (report[0] / "index.html").read_text(encoding="utf-8")
    uris = re.findall(r'<img src="data:image/png;base64,([^"]+)"', html)
    assert len(uris) == 6                          # distributions, submissions, grades, tasks, criteria, raters
    for uri in uris:
        assert base64.b64decode(uri)[:8] == b"\x89PNG\r\n\x1a\n"
    assert all(f'id="plot-{p}"' in html for p in ("distributions", "submissions", "tasks", "criteria", "raters"))


def test_class_page_lists_special_students(report, sample):
    html = (report[0] / "index.html").read_text(encoding="utf-8")
    section = lambda name: html.split(f'id="{name}"')[1].split("</section>")[0]
    assert sample.dropped in section("dropped")
    assert sample.not_on_roster in section("not-on-roster")
    assert sample.no_submissions in section("no-submissions") and sample.no_submissions in section("at-risk")
    assert "could not be graded" in section("warnings")


def test_student_page_has_tasks_feedback_and_seminar(report, sample):
    page = (report[0] / "students" / "21020002.html").read_text(encoding="utf-8")
    assert "Trần" in page and "task_0" in page
    assert "extended 2 d: medical certificate" in page
    assert "did not present their part" in page and "comparison" in page
    dropped = (report[0] / "students" / f"{sample.dropped}.html").read_text(encoding="utf-8")
    assert "Dropped." in dropped
    stranger = (report[0] / "students" / f"{sample.not_on_roster}.html").read_text(encoding="utf-8")
    assert "Not on the roster." in stranger


def test_text_from_files_is_escaped(sample, seminar_patch, tmp_path):
    root = tmp_path / "course"
    shutil.copytree(sample.course.root, root)
    roster = (root / "roster.csv").read_text(encoding="utf-8")
    (root / "roster.csv").write_text(roster.replace("Nguyễn", "<script>alert(1)</script>Nguyễn", 1),
                                     encoding="utf-8")
    from autograder.core.coursedir import CourseDirectory
    generate_reports(course=CourseDirectory(root=root), out=tmp_path / "out", as_of=sample.as_of, with_plots=False)
    for page in (tmp_path / "out" / "index.html", tmp_path / "out" / "students" / "21020001.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_cli_report_and_exports(sample, seminar_patch, tmp_path, capsys):
    root = str(sample.course.root)
    assert main(["--course", root, "report", "-o", str(tmp_path / "r"), "--as-of", "2027-01-17 23:59",
                 "--no-plots"]) == 0
    assert "<img" not in (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert "student page(s)" in capsys.readouterr().out
    for fmt in ("moodle", "canvas", "long"):
        out = tmp_path / f"{fmt}.csv"
        assert main(["--course", root, "export", "--format", fmt, "-o", str(out)]) == 0
        header = next(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
        assert header[0] == {"moodle": "ID number", "canvas": "Student", "long": "student_id"}[fmt]


def test_cli_bad_policy_exits_with_config_error(sample, tmp_path, capsys):
    bad = tmp_path / "policy.yaml"
    bad.write_text("assessments: {w01: {weight: 100, colour: red}}\n", encoding="utf-8")
    code = main(["--course", str(sample.course.root), "report", "-o", str(tmp_path / "r"), "--policy", str(bad)])
    assert code == 2 and "'colour'" in capsys.readouterr().err


def test_feedback_links_point_at_the_feedback_pages(report, sample):
    page = (report[0] / "students" / "21020002.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)">Feedback page</a>', page)
    assert links
    for link in links:
        assert (report[0] / "students" / link).resolve().is_file()


def test_reports_without_the_seminar_package(sample, tmp_path, monkeypatch):
    import sys

    import autograder.seminar
    monkeypatch.setitem(sys.modules, "autograder.seminar.api", None)      # import fails like a missing module
    monkeypatch.delattr(autograder.seminar, "api", raising=False)
    summary = generate_reports(course=sample.course, out=tmp_path, as_of=sample.as_of)
    html = summary.index.read_text(encoding="utf-8")
    assert "No seminar scores yet." in html and html.count("<img ") == 4
    page = (tmp_path / "students" / "21020001.html").read_text(encoding="utf-8")
    assert "No seminar score" in page


def test_real_seminar_api_on_a_gradebook_without_seminar_data(seminar_patch, tmp_path, monkeypatch):
    from autograder.core.coursedir import CourseDirectory
    from autograder.reports.data import load_seminar
    from autograder.seminar import api
    for name, function in seminar_patch.items():
        monkeypatch.setattr(api, name, function)
    course = CourseDirectory(root=tmp_path)
    assert load_seminar(course=course)[0].empty                  # no gradebook: not even opened
    course.gradebook.touch()
    members, criteria, warnings = load_seminar(course=course)
    assert members.empty and criteria.empty
    assert list(members.columns)[:2] == ["student_id", "assessment"]
