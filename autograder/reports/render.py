"""Grade reports as HTML: `index.html` for the class, `students/<student_id>.html` for each student.

Grades (grades.py) become plain dicts here; the templates in `templates/` lay them out through the shared
jinja2 environment (`core/templates.py`, autoescaped). Numbers go through its `score` filter
(`core/scores.format_score`), the function the CSV exports use, so pages and files agree. Pages are written
atomically; a student ID that cannot name a file (`core/student_ids.is_safe_id`) gets no page, with a warning.
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from autograder.core.atomic import write_json_atomic, write_text_atomic
from autograder.core.coursedir import CourseDirectory
from autograder.core.student_ids import is_safe_id
from autograder.core.templates import render
from autograder.reports import plots
from autograder.reports.data import load_course_data, relative_link
from autograder.reports.grades import SUBMITTED, Grades, compute_grades
from autograder.reports.policy import find_policy, load_policy

TEMPLATES = Path(__file__).parent / "templates"
STATUS_TEXT = {"on_time": "on time", "late": "late", "not_accepted": "not accepted", "missing": "missing",
               "open": "not due yet", "ungraded": "not graded yet", "error": "could not be graded",
               "scored": "scored"}


@dataclass
class ReportSummary:
    index: Path
    student_pages: int
    warnings: list[str] = field(default_factory=list)
    seconds: dict = field(default_factory=dict)


def _when(stamp, tz) -> str:
    if stamp is None or stamp is pd.NaT or (isinstance(stamp, float) and stamp != stamp):
        return ""
    return stamp.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _lateness_text(r: dict) -> str:
    if r["status"] == "late":
        return f"{r['days_late']} day{'s' if r['days_late'] != 1 else ''} late"
    if r["status"] == "not_accepted":
        return f"{r['days_late']} days late: not accepted"
    return STATUS_TEXT.get(r["status"], r["status"])


def _assessment_summary(grades: Grades) -> list[dict]:
    scores = grades.active_scores()
    tz = grades.policy.tz
    out = []
    for a in grades.policy.assessments:
        s = scores[scores["assessment"] == a.id]
        counted = s["score"].dropna()
        counts = s["status"].value_counts()
        out.append({"id": a.id, "label": a.label, "kind": a.kind, "weight": a.weight, "scale": a.scale,
                    "due": _when(a.due, tz), **{k: int(counts.get(k, 0)) for k in STATUS_TEXT},
                    "mean": counted.mean() if len(counted) else None,
                    "median": counted.median() if len(counted) else None,
                    "min": counted.min() if len(counted) else None, "max": counted.max() if len(counted) else None})
    return out


def _task_tables(grades: Grades) -> list[dict]:
    tasks = grades.tasks[grades.tasks["student_id"].isin(grades.active["student_id"])]
    out = []
    for a in grades.policy.assessments:
        t = tasks[tasks["assessment"] == a.id]
        if t.empty:
            continue
        g = t.groupby("task", sort=False).agg(description=("description", "first"), max_score=("max_score", "max"),
                                               mean=("percent", "mean"), n=("percent", "size"),
                                               full=("percent", lambda x: int((x >= 99.995).sum())),
                                               zero=("percent", lambda x: int((x <= 0).sum())))
        out.append({"label": a.label, "rows": g.sort_values("mean").reset_index().to_dict("records")})
    return out


def class_context(grades: Grades, *, with_plots: bool = True) -> dict:
    policy, tz = grades.policy, grades.policy.tz
    labels = {a.id: a.label for a in policy.assessments}
    students = grades.students
    active = grades.active
    scores = grades.active_scores()
    by_student = {sid: dict(zip(g["assessment"], g["score"])) for sid, g in scores.groupby("student_id")}
    rows = [{**r, "cells": [by_student[r["student_id"]].get(a.id) for a in policy.assessments]}
            for r in active.to_dict("records")]
    counts = scores.pivot_table(index="assessment", columns="status", values="student_id", aggfunc="count",
                                fill_value=0).reindex(policy.assessment_ids).fillna(0)
    pass_line = policy.at_risk.below_percent / 100 * policy.grade_scale
    figures = [] if not with_plots else [
               plots.score_distributions(scores, labels), plots.submission_counts(counts, labels),
               plots.final_grades(active, column="running_grade", scale=policy.grade_scale, pass_line=pass_line),
               plots.task_difficulty(grades.tasks[grades.tasks["student_id"].isin(active["student_id"])], labels),
               plots.seminar_criteria(grades.criteria, labels), plots.rater_disagreement(grades.criteria)]
    submitted = grades.scores[grades.scores["status"].isin(SUBMITTED) & (grades.scores["kind"] == "assignment")]
    others = students[students["status"] == "not_on_roster"]
    unknown = [{"student_id": r["student_id"], "safe": is_safe_id(r["student_id"]),
                "assessments": ", ".join(labels[a] for a in submitted.loc[submitted["student_id"] == r["student_id"],
                                                                         "assessment"])}
               for r in others.to_dict("records")]
    criteria = grades.criteria
    crit_means = (criteria.groupby(["assessment", "criterion"], sort=False)
                  .agg(weight=("weight", "first"), mean=("mean", "mean"), spread=("spread", "mean"),
                       groups=("group", "nunique")).reset_index().to_dict("records")) if not criteria.empty else []
    flagged = criteria[criteria["flagged"].astype(bool)].to_dict("records") if not criteria.empty else []
    return {
        "policy": policy, "as_of": _when(grades.as_of, tz), "labels": labels,
        "assessments": _assessment_summary(grades), "figures": [f for f in figures if f is not None],
        "students": rows, "at_risk": [r for r in rows if r["at_risk"]],
        "no_submissions": [r for r in rows if r["n_submitted"] == 0],
        "dropped": students[students["status"] == "dropped"].to_dict("records"), "unknown": unknown,
        "tasks": _task_tables(grades), "criteria": crit_means, "flagged": flagged, "warnings": grades.warnings,
        "n_active": len(active), "pass_line": pass_line, "with_plots": with_plots,
    }


def student_context(grades: Grades, student: dict, *, scores: list[dict], tasks: dict, rubric: dict,
                    pages: Path) -> dict:
    """One student's page: `scores` are their score rows, `tasks` maps assessment -> task rows, `rubric` maps
    (assessment, group) -> criteria rows."""
    policy, tz = grades.policy, grades.policy.tz
    extensions = {e.assessment: e for e in policy.extensions if e.student_id == student["student_id"]}
    rows, criteria = [], []
    for r in scores:
        ext = extensions.get(r["assessment"])
        rows.append({**r, "due_text": _when(r["due"], tz), "submitted_text": _when(r["submitted_at"], tz),
                     "lateness": _lateness_text(r), "tasks": tasks.get(r["assessment"], []),
                     "feedback_link": relative_link(r["feedback"], pages),
                     "extension_reason": ext.reason if ext else "",
                     "messages": [m for m in (r["notes"] or "").split("\n") if m]})
        if r["kind"] == "seminar" and r["group"]:
            criteria += rubric.get((r["assessment"], r["group"]), [])
    return {"policy": policy, "as_of": _when(grades.as_of, tz), "s": student, "rows": rows, "rubric": criteria,
            "pass_line": policy.at_risk.below_percent / 100 * policy.grade_scale}


def _group(records: list[dict], *keys: str) -> dict:
    out: dict = {}
    for r in records:
        out.setdefault(tuple(r[k] for k in keys) if len(keys) > 1 else r[keys[0]], []).append(r)
    return out


def render_reports(grades: Grades, *, out: Path | str, with_plots: bool = True) -> ReportSummary:
    """Write OUT/index.html and OUT/students/<id>.html; returns where and how long each part took."""
    out = Path(out)
    pages = out / "students"
    pages.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    context = class_context(grades, with_plots=with_plots)
    t1 = time.perf_counter()
    write_text_atomic(out / "index.html", render(TEMPLATES, "index.html.j2", **context))
    scores = _group(grades.scores.to_dict("records"), "student_id")
    tasks: dict = {}
    for (sid, aid), rows in _group(grades.tasks.to_dict("records"), "student_id", "assessment").items():
        tasks.setdefault(sid, {})[aid] = rows
    rubric = _group(grades.criteria.astype({"group": str}).to_dict("records"), "assessment", "group")
    n = 0
    for student in grades.students.to_dict("records"):
        sid = student["student_id"]
        if not is_safe_id(sid):
            grades.warnings.append(f"no page for student id {sid!r}: not usable as a file name")
            continue
        ctx = student_context(grades, student, scores=scores[sid], tasks=tasks.get(sid, {}), rubric=rubric,
                              pages=pages)
        write_text_atomic(pages / f"{sid}.html", render(TEMPLATES, "student.html.j2", **ctx))
        n += 1
    t2 = time.perf_counter()
    return ReportSummary(index=out / "index.html", student_pages=n, warnings=list(grades.warnings),
                         seconds={"class_and_plots": round(t1 - t0, 3), "html": round(t2 - t1, 3)})


def load_grades(*, course: CourseDirectory, policy: Path | str | None = None,
                as_of: dt.datetime | None = None) -> Grades:
    """Policy + roster + results + seminar scores -> grades (the data behind reports and exports).
    A naive `as_of` is in the policy's time zone; None means now."""
    loaded = load_policy(find_policy(course=course, policy=policy))
    if as_of is not None and as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=loaded.tz)
    return compute_grades(load_course_data(course=course, policy=loaded), as_of=as_of)


def generate_reports(*, course: CourseDirectory, out: Path | str, policy: Path | str | None = None,
                     as_of: dt.datetime | None = None, with_plots: bool = True) -> ReportSummary:
    """The whole `autograder report`: load, grade, render; also writes OUT/summary.json (who is at risk, warnings)."""
    t0 = time.perf_counter()
    grades = load_grades(course=course, policy=policy, as_of=as_of)
    t1 = time.perf_counter()
    summary = render_reports(grades, out=out, with_plots=with_plots)
    write_json_atomic(Path(out) / "summary.json", {
        "as_of": grades.as_of.isoformat(), "students": int(len(grades.students)), "active": int(len(grades.active)),
        "at_risk": sorted(grades.students.loc[grades.students["at_risk"], "student_id"]),
        "warnings": summary.warnings})
    summary.seconds = {"load_and_grade": round(t1 - t0, 3), **summary.seconds}
    return summary
