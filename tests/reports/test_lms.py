"""Moodle / Canvas / long CSV shapes, who is left out, and formula neutralisation."""
from __future__ import annotations

import csv
import io

import pytest

from autograder.core.errors import InputError
from autograder.reports.lms import write_export


def read(path):
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


@pytest.fixture(scope="module")
def files(grades, tmp_path_factory):
    out = tmp_path_factory.mktemp("exports")
    return {fmt: write_export(grades, fmt=fmt, out=out / f"{fmt}.csv") for fmt in ("moodle", "canvas", "long")}


def test_moodle_shape(files, grades, sample):
    rows = read(files["moodle"].path)
    labels = [a.label for a in grades.policy.assessments]
    assert rows[0] == ["ID number", "Email address", "Full name"] + labels
    ids = [r[0] for r in rows[1:]]
    assert ids == list(grades.active["student_id"])            # active roster students, roster order
    assert sample.dropped not in ids and sample.not_on_roster not in ids
    assert files["moodle"].left_out == [f"{sample.dropped} (dropped)", f"{sample.not_on_roster} (not on roster)"]
    nobody = next(r for r in rows if r[0] == sample.no_submissions)
    assert nobody[3:] == ["0"] * len(labels)                    # missing after the due date = 0, not blank


def test_canvas_shape_with_points_possible(files, grades, sample):
    rows = read(files["canvas"].path)
    assert rows[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert rows[1][0].strip() == "Points Possible"
    assert rows[1][5:] == ["100"] * 6 + ["10", "10"]
    assert [r[2] for r in rows[2:]] == list(grades.active["student_id"])
    assert files["canvas"].rows == len(grades.active)


def test_long_csv_has_every_student_and_the_final_grade(files, grades, sample):
    rows = read(files["long"].path)
    header, body = rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]
    assert header[:5] == ["student_id", "name", "section", "student_status", "assessment"]
    n = len(grades.students)
    assert len(body) == n * (len(grades.policy.assessments) + 2)
    statuses = {r["student_id"]: r["student_status"] for r in body}
    assert statuses[sample.dropped] == "dropped" and statuses[sample.not_on_roster] == "not_on_roster"
    finals = {r["student_id"]: r["score"] for r in body if r["assessment"] == "final_grade"}
    for s in grades.students.itertuples():
        assert float(finals[s.student_id]) == pytest.approx(s.final_grade, abs=0.005)


def test_formula_cells_neutralised_but_numbers_stay_numbers(files):
    text = files["moodle"].path.read_text(encoding="utf-8")
    assert "'=HYPERLINK(" in text and ",=HYPERLINK" not in text and '"=HYPERLINK' not in text
    long_rows = read(files["long"].path)
    adjustments = [r[long_rows[0].index("adjustment")] for r in long_rows[1:]]
    assert "-0.5" in adjustments                                 # a real negative number, not "'-0.5"
    assert not any(a.startswith("'") for a in adjustments)


def test_bom_only_in_the_file_people_open_in_excel(files):
    assert not files["moodle"].path.read_bytes().startswith(b"\xef\xbb\xbf")      # LMS importers: plain UTF-8
    assert not files["canvas"].path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert files["long"].path.read_bytes().startswith(b"\xef\xbb\xbf")        # Excel: Vietnamese names readable
    assert "Nguyễn" in files["moodle"].path.read_text(encoding="utf-8")


def test_unknown_format_is_an_input_error(grades, tmp_path):
    with pytest.raises(InputError, match="moodle, canvas, long"):
        write_export(grades, fmt="blackboard", out=tmp_path / "x.csv")
