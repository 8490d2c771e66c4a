"""Final grades on a hand-built course (numbers worked out by hand) and on the sample course."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from autograder.core.coursedir import CourseDirectory
from autograder.core.results import CheckResult, SubmissionResult, TaskResult, save_result
from autograder.reports.data import load_course_data, parse_timestamp
from autograder.reports.grades import compute_grades
from autograder.reports.policy import load_policy

POLICY = """\
course: TEST
roster: roster.csv
late_policy: {grace_minutes: 15, percent_per_day: 10, max_days: 5}
assessments:
  w01: {kind: assignment, weight: 20, due: "2026-09-13 23:59"}
  w02: {kind: assignment, weight: 30, due: "2026-09-20 23:59"}
  midterm: {kind: seminar, weight: 50, due: "2026-11-08 23:59"}
extensions: [{student_id: "21020002", assessment: w02, days: 3, reason: sick}]
"""
ROSTER = """student_id,name,email,section,status
21020001,Nguyễn Văn An,a@vnu.edu.vn,1,active
21020002,Trần Thị Bình,b@vnu.edu.vn,1,active
21020003,Lê Văn Cường,c@vnu.edu.vn,1,active
21020004,Phạm Thu Dung,d@vnu.edu.vn,1,dropped
"""


def result(sid, aid, scores):
    tasks = [TaskResult(task=f"t{i}", max_score=m, checks=[
        CheckResult(test_id=f"t{i}a", task=f"t{i}", points=s, visibility="hidden", passed=True),
        CheckResult(test_id=f"t{i}b", task=f"t{i}", points=m - s, visibility="hidden", passed=False,
                    message="wrong shape")]) for i, (s, m) in enumerate(scores)]
    return SubmissionResult(student_id=sid, assignment=aid, status="graded", tasks=tasks)


def submit(course, sid, aid, stamp, scores=None):
    folder = course.submitted(sid, aid)
    folder.mkdir(parents=True)
    (folder / "timestamp.txt").write_text(stamp, encoding="utf-8")
    if scores is not None:
        save_result(course.result_file(sid, aid), result(sid, aid, scores))


@pytest.fixture
def tiny(tmp_path):
    (tmp_path / "policy.yaml").write_text(POLICY, encoding="utf-8")
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    course = CourseDirectory(root=tmp_path)
    # w01 due 2026-09-13 16:59 UTC. An: on time 80/100; Bình: 1 day 2 h late 90/100 -> 2 days, -20 %
    submit(course, "21020001", "w01", "2026-09-13 10:00:00.000000 UTC", [(50, 60), (30, 40)])
    submit(course, "21020002", "w01", "2026-09-14 19:00:00.000000 UTC", [(60, 60), (30, 40)])
    # w02 due 2026-09-20 16:59 UTC. An: inside the grace period; Bình: 2 days late but extended by 3 days
    submit(course, "21020001", "w02", "2026-09-20 17:10:00.000000 UTC", [(100, 100)])
    submit(course, "21020002", "w02", "2026-09-22 17:00:00.000000 UTC", [(40, 100)])
    # Cường: w02 submitted but not graded; an id not on the roster; a dropped student's work
    submit(course, "21020003", "w02", "2026-09-19 00:00:00.000000 UTC")
    submit(course, "21029999", "w01", "2026-09-13 00:00:00.000000 UTC", [(10, 100)])
    submit(course, "21020004", "w01", "2026-09-13 00:00:00.000000 UTC", [(100, 100)])
    policy = load_policy(tmp_path / "policy.yaml")
    seminar = pd.DataFrame([dict(student_id="21020001", assessment="midterm", group="G1", score=8.0, max_score=10.0,
                                 adjustment=0.0, adjustment_reason=""),
                            dict(student_id="21020002", assessment="midterm", group="G1", score=7.5,
                                 max_score=10.0, adjustment=-0.5, adjustment_reason="absent")])
    data = load_course_data(course=course, policy=policy)
    data.seminar = seminar
    return data


def by(grades, sid, aid):
    row = grades.scores[(grades.scores["student_id"] == sid) & (grades.scores["assessment"] == aid)]
    assert len(row) == 1
    return row.iloc[0]


def student(grades, sid):
    return grades.students.set_index("student_id").loc[sid]


AFTER_W02 = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)      # before the midterm's due date
AFTER_ALL = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def test_scores_penalties_and_final_grade_by_hand(tiny):
    g = compute_grades(tiny, as_of=AFTER_ALL)
    assert by(g, "21020001", "w01")[["status", "score", "points"]].tolist() == ["on_time", 80.0, 16.0]
    b1 = by(g, "21020002", "w01")
    assert (b1["status"], b1["days_late"], b1["penalty_percent"], b1["raw_score"], b1["score"]) == \
        ("late", 2, 20.0, 90.0, 72.0)
    assert by(g, "21020001", "w02")["status"] == "on_time"                 # 11 min after: grace
    b2 = by(g, "21020002", "w02")
    assert (b2["status"], b2["extension_days"], b2["score"]) == ("on_time", 3.0, 40.0)
    # An: 20*0.8 + 30*1.0 + 50*0.8 = 86 points -> 8.6 / 10
    an = student(g, "21020001")
    assert (an["points"], an["final_grade"], an["running_grade"]) == (86.0, 8.6, 8.6)
    # Bình: 20*0.72 + 30*0.4 + 50*0.75 = 63.9 -> 6.39
    assert student(g, "21020002")["final_grade"] == 6.39
    assert by(g, "21020002", "midterm")[["status", "score", "adjustment"]].tolist() == ["scored", 7.5, -0.5]


def test_running_grade_counts_only_what_is_due_or_done(tiny):
    g = compute_grades(tiny, as_of=AFTER_W02)
    assert by(g, "21020001", "midterm")["status"] == "scored"
    assert by(g, "21020003", "midterm")["status"] == "open"             # no score, not due yet
    an = student(g, "21020001")
    # midterm scores exist already, so they count; the running grade is over the weights counted
    assert an["counted_weight"] == 100.0
    c = student(g, "21020003")
    # Cường: w01 missing (0 of 20), w02 ungraded (not counted), midterm not due: running 0 over 20 %
    assert by(g, "21020003", "w01")["status"] == "missing"
    assert by(g, "21020003", "w02")["status"] == "ungraded"
    assert (c["counted_weight"], c["running_grade"], c["n_missing"], c["n_submitted"]) == (20.0, 0.0, 1, 1)
    assert c["at_risk"] and "running grade 0" in c["risk_reasons"]


def test_dropped_and_unknown_students_are_explicit(tiny):
    g = compute_grades(tiny, as_of=AFTER_ALL)
    status = dict(zip(g.students["student_id"], g.students["status"]))
    assert status["21020004"] == "dropped" and status["21029999"] == "not_on_roster"
    assert set(g.active["student_id"]) == {"21020001", "21020002", "21020003"}
    assert not student(g, "21020004")["at_risk"]               # dropped students are never "at risk"
    assert by(g, "21029999", "w01")["score"] == 10.0            # their work is still visible


def test_task_table_is_tidy(tiny):
    tasks = tiny.tasks
    assert list(tasks.columns[:7]) == ["student_id", "assessment", "task", "description", "score", "max_score",
                                       "submitted_at"]
    row = tasks[(tasks["student_id"] == "21020001") & (tasks["assessment"] == "w01") & (tasks["task"] == "t0")]
    assert row[["score", "max_score"]].iloc[0].tolist() == [50.0, 60.0]
    assert row["messages"].iloc[0] == "wrong shape"
    assert str(row["submitted_at"].iloc[0]) == "2026-09-13 10:00:00+00:00"


def test_timestamps_in_nbgrader_format():
    assert parse_timestamp("2026-10-05 13:00:00.000000 UTC") == dt.datetime(2026, 10, 5, 13, tzinfo=dt.UTC)
    assert parse_timestamp("2026-10-05 13:00:00") == dt.datetime(2026, 10, 5, 13, tzinfo=dt.UTC)
    assert parse_timestamp("garbage") is None and parse_timestamp("") is None
