"""Final grades: every student x assessment with lateness and penalty, then the weighted final grade.

* Assignment scores are rescaled to the assessment's scale (100 by default) and lose the late penalty.
* Seminar scores (0-10) come from the seminar package; they have no lateness.
* `points` = weight x score / scale, so the points of all assessments add up to at most 100.
* `final_grade` = all points / 100 x grade_scale: missing work counts 0, work not yet due counts 0 too.
* `running_grade` = points / weights of what counts so far (submitted, or missing after the due time)
  x grade_scale: the grade the student is on track for.
Students: the roster's (`active`, `dropped`) plus ids with work but not on the roster (`not_on_roster`).
Class statistics and LMS gradebooks use active students only; the others are listed explicitly.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import pandas as pd

from autograder.core.scores import format_score
from autograder.reports.data import CourseData
from autograder.reports.late import Lateness, apply_penalty, assess_lateness
from autograder.reports.policy import Policy

NOT_ON_ROSTER = "not_on_roster"
MISSING_LIKE = ("missing", "not_accepted")
COUNTED = ("on_time", "late", "not_accepted", "missing", "error", "scored")   # in the running grade
SUBMITTED = ("on_time", "late", "not_accepted", "error", "ungraded", "scored")
SCORE_COLUMNS = ["student_id", "assessment", "kind", "title", "weight", "scale", "status", "raw_score",
                 "submitted_at", "due", "extension_days", "minutes_late", "days_late", "penalty_percent", "score",
                 "points", "error", "notes", "feedback", "group", "adjustment", "adjustment_reason"]


@dataclass
class Grades:
    policy: Policy
    as_of: dt.datetime
    students: pd.DataFrame           # one row per student (see student_table)
    scores: pd.DataFrame             # one row per student x assessment (SCORE_COLUMNS)
    tasks: pd.DataFrame              # data.tasks plus `percent`
    seminar: pd.DataFrame            # data.seminar
    criteria: pd.DataFrame           # data.criteria
    warnings: list[str] = field(default_factory=list)

    @property
    def active(self) -> pd.DataFrame:
        return self.students[self.students["status"] == "active"]

    def active_scores(self) -> pd.DataFrame:
        return self.scores[self.scores["student_id"].isin(self.active["student_id"])]


def _students(data: CourseData) -> pd.DataFrame:
    roster = data.roster.copy()
    known = set(roster["student_id"])
    seen = set(data.submissions["student_id"]) | set(data.seminar["student_id"].astype(str))
    extra = sorted(seen - known)
    if extra:
        rows = pd.DataFrame({"student_id": extra, "name": "", "email": "", "section": "", "status": NOT_ON_ROSTER})
        roster = pd.concat([roster, rows], ignore_index=True).fillna("")
    return roster.reset_index(drop=True)


def _row(policy: Policy, a, sid: str, sub, sem, as_of: dt.datetime, has_seminar_data: bool) -> list:
    extension = policy.extension_days(sid, a.id)
    error = notes = feedback = group = reason = ""
    adjustment = float("nan")
    if a.kind == "seminar":
        if sem is not None:
            raw = float(sem["score"]) / float(sem["max_score"] or 10.0) * a.scale
            late = Lateness(status="scored", due=a.due)
            group, adjustment = str(sem["group"]), float(sem["adjustment"] or 0.0)
            reason = "" if pd.isna(sem["adjustment_reason"]) else str(sem["adjustment_reason"])
        else:
            raw = float("nan")
            late = assess_lateness(submitted_at=None, due=a.due, policy=policy.late_policy_for(a.id), as_of=as_of)
            if late.status == "open" and has_seminar_data and a.due is None:
                late = Lateness(status="missing", due=None)
        submitted = None
    else:
        submitted = None if sub is None or pd.isna(sub["submitted_at"]) else sub["submitted_at"].to_pydatetime()
        if sub is not None and submitted is None:      # collected without a timestamp: taken as on time
            late = Lateness(status="on_time", due=a.due, extension_days=extension)
        else:
            late = assess_lateness(submitted_at=submitted, due=a.due, policy=policy.late_policy_for(a.id),
                                   extension_days=extension, as_of=as_of)
        raw = float("nan")
        if sub is not None:
            error, notes, feedback = sub["error"], sub["notes"], sub["feedback"]
            if sub["state"] == "error":
                raw = 0.0
            elif sub["state"] == "graded" and sub["max_score"] > 0:
                raw = float(sub["score"]) / float(sub["max_score"]) * a.scale
    status = late.status
    if status not in ("open", "missing") and math.isnan(raw):
        status = "ungraded"
    elif sub is not None and sub["state"] == "error" and status != "not_accepted":
        status = "error"
    if status in MISSING_LIKE:
        score = 0.0
    elif status in ("open", "ungraded"):
        score = float("nan")
    else:
        score = round(apply_penalty(raw, late), 2)
    points = a.weight * score / a.scale if not math.isnan(score) else float("nan")
    return [sid, a.id, a.kind, a.label, a.weight, a.scale, status, raw, submitted, late.due, late.extension_days,
            round(late.minutes_late, 1), late.days_late, late.penalty_percent, score, points, error, notes, feedback,
            group, adjustment, reason]


def score_table(data: CourseData, students: pd.DataFrame, *, as_of: dt.datetime) -> pd.DataFrame:
    policy = data.policy
    subs = {(r["student_id"], r["assessment"]): r for r in data.submissions.to_dict("records")}
    sem = {(str(r["student_id"]), r["assessment"]): r for r in data.seminar.to_dict("records")}
    seminar_assessments = set(data.seminar["assessment"])
    rows = []
    for sid in students["student_id"]:
        for a in policy.assessments:
            rows.append(_row(policy, a, sid, subs.get((sid, a.id)), sem.get((sid, a.id)), as_of,
                             a.id in seminar_assessments))
    frame = pd.DataFrame(rows, columns=SCORE_COLUMNS)
    frame["submitted_at"] = pd.to_datetime(frame["submitted_at"], utc=True)
    frame["due"] = pd.to_datetime(frame["due"], utc=True)
    return frame


def student_table(policy: Policy, students: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """Per student: counts, points, final and running grade, at-risk flag with reasons."""
    status = scores["status"]
    s = pd.DataFrame({"student_id": scores["student_id"], "points": scores["points"].fillna(0.0),
                      "counted_weight": scores["weight"].where(status.isin(COUNTED), 0.0),
                      "n_submitted": status.isin(SUBMITTED).astype(int), "n_late": (status == "late").astype(int),
                      "n_missing": status.isin(MISSING_LIKE).astype(int)})
    agg = s.groupby("student_id", sort=False).sum()
    out = students.merge(agg, left_on="student_id", right_index=True, how="left")
    scale = policy.grade_scale
    out["points"] = out["points"].round(4)
    out["final_grade"] = (out["points"] / 100.0 * scale).round(2)
    counted = out["counted_weight"]
    out["running_grade"] = (out["points"] / counted.where(counted > 0) * scale).round(2)
    reasons = []
    for r in out.itertuples():
        why = []
        if r.status == "active":
            if r.n_missing >= policy.at_risk.missing:
                why.append(f"{r.n_missing} missing")
            if not math.isnan(r.running_grade) and r.running_grade < policy.at_risk.below_percent / 100 * scale:
                why.append(f"running grade {format_score(r.running_grade)} < "
                           f"{format_score(policy.at_risk.below_percent / 100 * scale)}")
        reasons.append("; ".join(why))
    out["risk_reasons"] = reasons
    out["at_risk"] = out["risk_reasons"] != ""
    return out


def compute_grades(data: CourseData, *, as_of: dt.datetime | None = None) -> Grades:
    """Scores, penalties and final grades of every student, as of a time (default: now)."""
    as_of = as_of or dt.datetime.now(dt.UTC)
    students = _students(data)
    scores = score_table(data, students, as_of=as_of)
    tasks = data.tasks.assign(percent=(100.0 * data.tasks["score"] / data.tasks["max_score"].where(
        data.tasks["max_score"] > 0)).round(2))
    warnings = list(data.warnings) + [
        f"{r.student_id} {r.assessment}: could not be graded ({r.error or 'no reason recorded'}); counted as 0"
        for r in scores[scores["status"] == "error"].itertuples()]
    return Grades(policy=data.policy, as_of=as_of, students=student_table(data.policy, students, scores),
                  scores=scores, tasks=tasks, seminar=data.seminar, criteria=data.criteria, warnings=warnings)
