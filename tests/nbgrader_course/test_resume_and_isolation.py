"""Re-runs skip unchanged submissions, a bad submission never stops the batch, manual grades are never
overwritten, and the CLI picks the drop-in in an nbgrader course."""
import json

import nbformat
import pytest

from autograder.nbgrader_course import grade_nbgrader_assignment, is_nbgrader_course

from .course_files import gradebook_rows

pytestmark = pytest.mark.slow


def _grade(root, **kw):
    return grade_nbgrader_assignment(root=root, assignment="ps1", progress=False, warn=lambda _: None, **kw)


def test_resume_isolation_and_manual_grades(course):
    from nbgrader.api import Gradebook

    from autograder.pipeline.gradebook import quiet_sqlalchemy
    students = ["bitdiddle", "locked-cell-changed", "broken"]        # 3 notebooks to run, one that cannot be
    broken = course / "submitted" / "broken" / "ps1"
    broken.mkdir(parents=True)
    (broken / "problem1.ipynb").write_text("{ this is not a notebook", encoding="utf-8")
    first = _grade(course, student_ids=students, workers=2)
    by_id = {s.student_id: s for s in first.graded}
    assert set(by_id) == set(students) and not first.failed
    assert by_id["bitdiddle"].score == 10 and by_id["broken"].status == "error"
    assert any("problem1.ipynb" in n and "nbgrader would fail" in n for n in by_id["broken"].notes)

    with quiet_sqlalchemy(), Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:   # a TA grades by hand
        grade = gb.find_grade("cubes_answer", "problem1", "ps1", "bitdiddle")
        grade.manual_score = 1.5
        gb.find_comment("cubes_answer", "problem1", "ps1", "bitdiddle").manual_comment = "good"
        gb.db.commit()

    again = _grade(course, student_ids=students, workers=1)
    assert sorted(again.skipped) == sorted(students) and not again.graded

    path = course / "submitted" / "locked-cell-changed" / "ps1" / "problem1.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    solution = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "cubes")
    solution.source = solution.source.replace("range(1, n + 1)", "range(n)")     # now wrong
    nbformat.write(nb, str(path))
    third = _grade(course, student_ids=students, workers=1)
    assert [s.student_id for s in third.graded] == ["locked-cell-changed"]
    assert sorted(third.skipped) == ["bitdiddle", "broken"]
    assert third.graded[0].cells["problem1"]["correct_cubes"] == 0 and by_id["locked-cell-changed"].score == 7

    forced = _grade(course, student_ids=["bitdiddle"], workers=1, force=True)
    assert [s.student_id for s in forced.graded] == ["bitdiddle"]
    rows = gradebook_rows(course)
    assert rows[("bitdiddle", "problem1", "cubes_answer")] == (None, 1.5, True)   # kept, as nbgrader keeps it
    with quiet_sqlalchemy(), Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_comment("cubes_answer", "problem1", "ps1", "bitdiddle").manual_comment == "good"
    state = json.loads((course / ".autograder" / "nbgrader" / "ps1" / "bitdiddle.json").read_text())
    assert state["status"] == "graded" and state["score"] == 11.5


def test_detection_and_cli_mapping(tmp_path, monkeypatch):
    from autograder import cli
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    assert is_nbgrader_course(tmp_path)
    seen = {}

    def fake(**kw):
        seen.update(kw)
        from autograder.nbgrader_course.grade import NbgraderSummary
        return NbgraderSummary(assignment=kw["assignment"])
    monkeypatch.setattr("autograder.nbgrader_course.grade_nbgrader_assignment", fake)
    assert cli.main(["--course", str(tmp_path), "grade", "ps1", "--workers", "3", "--quiet", "--force"]) == 0
    assert seen["root"] == str(tmp_path) and seen["workers"] == 3 and seen["force"] and not seen["progress"]
    (tmp_path / "autograder.yaml").write_text("course_id: X\n")
    assert not is_nbgrader_course(tmp_path)                   # ours; --nbgrader still forces the drop-in
    seen.clear()
    assert cli.main(["--course", str(tmp_path), "grade", "ps1", "--nbgrader", "--quiet"]) == 0
    assert seen["assignment"] == "ps1"
