"""The course policy schema and the roster: the shipped files load; wrong ones fail naming file and key/row."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from autograder.core.errors import ConfigError, InputError
from autograder.reports.policy import load_policy
from autograder.reports.roster import load_roster

ROOT = Path(__file__).resolve().parents[2]          # the repository (tests and benchmarks run from it)

GOOD = """\
course: INT3121
roster: roster.csv
assessments:
  w01: {kind: assignment, weight: 40, due: "2026-09-13 23:59"}
  midterm: {kind: seminar, weight: 60, max_score: 10}
"""


def write(tmp_path, text, name="policy.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_policy_loads_with_weights_adding_to_100():
    policy = load_policy(ROOT / "course" / "policy.yaml")
    assert [a.id for a in policy.assessments][:6] == ["w01_cifar10", "w02_architectures", "w03_training",
                                                       "w04_generators", "w05_transfer", "w06_multi_output"]
    assert {a.id: a.kind for a in policy.assessments}["midterm"] == "seminar"
    assert sum(a.weight for a in policy.assessments) == pytest.approx(100)
    w1 = policy.assessment("w01_cifar10")
    assert w1.due == dt.datetime(2026, 9, 13, 23, 59, tzinfo=policy.tz)
    assert w1.due.utcoffset() == dt.timedelta(hours=7)
    assert policy.late_policy.grace_minutes == 15 and policy.late_policy.percent_per_day == 10
    assert policy.roster == ROOT / "course" / "roster.csv"


def test_shipped_roster_has_utf8_names_string_ids_and_one_dropped():
    roster = load_roster(ROOT / "course" / "roster.csv")
    assert len(roster) >= 10
    assert all(len(s) == 8 and s.isdigit() for s in roster["student_id"])
    assert (roster["status"] == "dropped").sum() == 1
    assert "Nguyễn Văn An" in set(roster["name"])


def test_defaults_fill_missing_keys(tmp_path):
    policy = load_policy(write(tmp_path, GOOD))
    assert policy.late_policy.max_days == 5 and policy.grade_scale == 10
    assert policy.assessment("w01").scale == 100 and policy.assessment("midterm").scale == 10
    assert policy.assessment("midterm").due is None


@pytest.mark.parametrize("text, where, needle", [
    (GOOD + "colour: blue\n", "top level", "'colour'"),
    (GOOD.replace("weight: 40,", "weight: 40, wieght: 1,"), "assessments.w01", "'wieght'"),
    (GOOD + "late_policy: {grace: 5}\n", "late_policy", "'grace'"),
    (GOOD.replace("weight: 60", "weight: 50"), "assessments", "add up to 90"),
    (GOOD.replace('"2026-09-13 23:59"', '"next monday"'), "assessments.w01.due", "not a date"),
    (GOOD.replace("kind: seminar", "kind: exam"), "assessments.midterm.kind", "'exam'"),
    (GOOD + "extensions: [{student_id: '21020001', assessment: w09, days: 2}]\n", "extensions[0].assessment", "w09"),
    (GOOD + "late_policy: {after_max_days: forgive}\n", "late_policy.after_max_days", "forgive"),
    (GOOD + "timezone: Mars/Olympus\n", "timezone", "Mars/Olympus"),
    (GOOD + "assessments: [1, 2\n", "line", "YAML"),
])
def test_wrong_policy_names_file_and_key(tmp_path, text, where, needle):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as e:
        load_policy(path)
    assert str(path) in str(e.value) and where in str(e.value) and needle in str(e.value)


def test_missing_policy_says_how_to_fix(tmp_path):
    with pytest.raises(ConfigError, match="--policy"):
        load_policy(tmp_path / "nope.yaml")


HEADER = "student_id,name,email,section,status\n"


@pytest.mark.parametrize("rows, where, needle", [
    ("21/02001,An,a@x,1,active\n", "row 2", "not a plain ID"),
    ("21020001,An,a@x,1,active\n21020001,Bình,b@x,1,active\n", "row 3", "twice"),
    ("21020001,An,a@x,1,active\n21020002,Bình,b@x,1,gone\n", "row 3", "'gone'"),
    ("21020001,Nguyễn, An,a@x,1,active\n", "row 2", "6 cells"),
])
def test_bad_roster_names_the_row(tmp_path, rows, where, needle):
    path = write(tmp_path, HEADER + rows, "roster.csv")
    with pytest.raises(InputError) as e:
        load_roster(path)
    assert str(path) in str(e.value) and where in str(e.value) and needle in str(e.value)


def test_roster_without_id_column_is_rejected(tmp_path):
    with pytest.raises(InputError, match="missing column"):
        load_roster(write(tmp_path, "code,name\n21020001,An\n", "roster.csv"))


def test_roster_with_excel_bom_and_empty_status(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(("\ufeff" + HEADER + "00020001,Lê Văn Ánh,,,\n").encode("utf-8"))
    roster = load_roster(path)
    assert roster.loc[0, "student_id"] == "00020001" and roster.loc[0, "status"] == "active"
