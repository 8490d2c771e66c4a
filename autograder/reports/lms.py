"""Gradebook CSV files for the LMS (Moodle, Canvas) and a tidy long CSV.

* `moodle`: "ID number", "Email address", "Full name", then one column per assessment (score on its own
  scale after late penalties). Import in Moodle with "Grades > Import > CSV file", mapping "ID number"
  (or "Email address") to the user, each assessment column to a grade item.
* `canvas`: "Student", "ID", "SIS User ID", "SIS Login ID", "Section", one column per assessment, and the
  "Points Possible" row Canvas writes and reads under the header. "ID" is the roster's `canvas_id` column
  when it has one; Canvas matches on "SIS User ID" (our student id) otherwise.
* `long`: one row per student x assessment (plus `final_grade` and `running_grade` rows), every student
  with their roster status, for pandas/R/spreadsheets.
Moodle and Canvas files hold active roster students only: dropped students and ids not on the roster are
left out and reported back to the caller. Empty cells mean "no grade yet" (not due, or not graded yet).
All three are written by `core/csvfile.py` (formula-safe text, numbers as numbers, atomic): the Moodle and
Canvas files in plain UTF-8 (they go to an importer, not to Excel), the long file UTF-8 with a BOM (people open
it in Excel).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from autograder.core.csvfile import write_csv
from autograder.core.errors import InputError
from autograder.reports.grades import Grades

FORMATS = ("moodle", "canvas", "long")
LONG_COLUMNS = ["student_id", "name", "section", "student_status", "assessment", "kind", "weight", "status",
                "submitted_at", "due", "days_late", "penalty_percent", "raw_score", "adjustment", "score",
                "max_score", "points"]


@dataclass
class Export:
    path: Path
    format: str
    rows: int                                   # data rows written (students, or student x assessment)
    left_out: list[str] = field(default_factory=list)  # "ID (why)" for students not in an LMS file


def _wide(grades: Grades) -> tuple[pd.DataFrame, list]:
    """Active students (roster order) with one score column per assessment id."""
    active = grades.active
    scores = grades.active_scores().pivot(index="student_id", columns="assessment", values="score")
    return active.merge(scores, left_on="student_id", right_index=True, how="left"), grades.policy.assessments


def _left_out(grades: Grades) -> list[str]:
    others = grades.students[grades.students["status"] != "active"]
    return [f"{r.student_id} ({r.status.replace('_', ' ')})" for r in others.itertuples()]


def moodle_rows(grades: Grades) -> list[list]:
    wide, assessments = _wide(grades)
    rows = [["ID number", "Email address", "Full name"] + [a.label for a in assessments]]
    for r in wide.to_dict("records"):
        rows.append([r["student_id"], r["email"], r["name"]] + [r[a.id] for a in assessments])
    return rows


def canvas_rows(grades: Grades) -> list[list]:
    wide, assessments = _wide(grades)
    rows = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section"] + [a.label for a in assessments],
            ["    Points Possible", "", "", "", ""] + [a.scale for a in assessments]]
    for r in wide.to_dict("records"):
        rows.append([r["name"], r.get("canvas_id", ""), r["student_id"], r["email"], r["section"]]
                    + [r[a.id] for a in assessments])
    return rows


def long_rows(grades: Grades) -> list[list]:
    tz = grades.policy.tz
    people = grades.students.set_index("student_id")
    rows = [LONG_COLUMNS]
    for r in grades.scores.to_dict("records"):
        who = people.loc[r["student_id"]]
        rows.append([r["student_id"], who["name"], who["section"], who["status"], r["assessment"], r["kind"],
                     r["weight"], r["status"], _local(r["submitted_at"], tz), _local(r["due"], tz), r["days_late"],
                     r["penalty_percent"], r["raw_score"], r["adjustment"], r["score"], r["scale"], r["points"]])
    for r in grades.students.to_dict("records"):
        for kind in ("final_grade", "running_grade"):
            rows.append([r["student_id"], r["name"], r["section"], r["status"], kind, "final", 100.0, "", "", "",
                         None, None, None, None, r[kind], grades.policy.grade_scale, None])
    return rows


def _local(stamp, tz) -> str:
    return "" if stamp is None or pd.isna(stamp) else stamp.tz_convert(tz).isoformat()


def write_export(grades: Grades, *, fmt: str, out: Path | str) -> Export:
    """Write one LMS/long CSV file (CRLF line ends as RFC 4180 and both LMSs accept; BOM only for `long`)."""
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}", hint=f"use one of: {', '.join(FORMATS)}")
    rows = {"moodle": moodle_rows, "canvas": canvas_rows, "long": long_rows}[fmt](grades)
    out = write_csv(out, rows, bom=fmt == "long")
    header_rows = 2 if fmt == "canvas" else 1
    return Export(path=out, format=fmt, rows=len(rows) - header_rows,
                  left_out=[] if fmt == "long" else _left_out(grades))
