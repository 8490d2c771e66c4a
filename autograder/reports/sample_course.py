"""A synthetic course directory for the report tests, the benchmark and trying the reports out.

`write_sample_course(root=..., n_students=12, n_assignments=6)` writes `policy.yaml`, `roster.csv`, stored
results (`results.save_result`) and nbgrader `timestamp.txt` files, with the cases reports must handle:
late work, work past the late limit, a rejected submission (0), one the grader failed on (not graded), a
submitted but ungraded one,
an active student with no submissions, a dropped student and work from an id not on the roster.
Seminar scores are returned as DataFrames in the shape of `seminar.api` (tests patch them in).
"""
from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from autograder.core.atomic import write_text_atomic
from autograder.core.coursedir import CourseDirectory
from autograder.core.results import FAILED, REJECTED, CheckResult, SubmissionResult, TaskResult, save_result

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
FIRST_DUE = dt.datetime(2026, 9, 13, 23, 59, tzinfo=TZ)
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
GIVEN = ["Văn An", "Thị Bình", "Hoàng Cường", "Thu Dung", "Minh Đức", "Ngọc Hà", "Quốc Huy", "Thị Lan",
         "Đức Mạnh", "Thị Ngọc", "Thanh Phong", "Khánh Linh"]
CRITERIA = [("comparison", 30.0), ("implementation", 20.0), ("analysis", 20.0), ("presentation", 10.0),
            ("audience", 20.0)]


@dataclass
class SampleCourse:
    course: CourseDirectory
    policy: Path
    as_of: dt.datetime                 # a report time after every due date
    seminar: pd.DataFrame              # seminar_member_scores shape
    criteria: pd.DataFrame             # seminar_criteria_summary shape
    no_submissions: str                # an active student without any submission
    dropped: str
    not_on_roster: str


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def write_sample_course(*, root: Path | str, n_students: int = 12, n_assignments: int = 6, tasks_per: int = 6,
                        seed: int = 0, with_seminar: bool = True) -> SampleCourse:
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    ids = [f"2102{i:04d}" for i in range(1, n_students + 1)]
    names = [f"{FAMILY[i % 12]} {GIVEN[(i * 5) % 12]}" for i in range(n_students)]
    if n_students > 3:
        names[3] = "=HYPERLINK(\"http://x\",\"Phạm\") Dung"          # a name a spreadsheet would run
    dropped, nobody, stranger = ids[5 % n_students], ids[-1], "29999999"
    status = ["dropped" if s == dropped else "active" for s in ids]
    roster = pd.DataFrame({"student_id": ids, "name": names, "email": [f"{s}@vnu.edu.vn" for s in ids],
                           "section": [f"INT3121 {1 + i % 2}" for i in range(n_students)], "status": status})
    # an input file as a spreadsheet export would give it (the formula name kept raw, so reports must defuse it)
    write_text_atomic(root / "roster.csv", roster.to_csv(index=False))
    assignments = [f"w{k:02d}_assignment" for k in range(1, n_assignments + 1)]
    weight = 30.0 / n_assignments
    spec = {a: {"kind": "assignment", "title": f"Week {k} assignment", "weight": weight,
                "due": (FIRST_DUE + dt.timedelta(weeks=k - 1)).strftime("%Y-%m-%d %H:%M")}
            for k, a in enumerate(assignments, start=1)}
    if with_seminar:
        spec["midterm"] = {"kind": "seminar", "title": "Mid-term seminar", "weight": 30, "max_score": 10}
        spec["final_project"] = {"kind": "seminar", "title": "Final project", "weight": 40, "max_score": 10}
    else:
        spec[assignments[-1]]["weight"] += 70.0
    policy = {"course": "INT3121", "term": "2026 fall", "timezone": "Asia/Ho_Chi_Minh", "roster": "roster.csv",
              "late_policy": {"grace_minutes": 15, "percent_per_day": 10, "max_days": 5, "after_max_days": "zero"},
              "at_risk": {"below_percent": 50, "missing": 2}, "assessments": spec,
              "extensions": [{"student_id": ids[1], "assessment": assignments[0], "days": 2,
                              "reason": "medical certificate"}]}
    write_text_atomic(root / "policy.yaml", yaml.safe_dump(policy, allow_unicode=True, sort_keys=False))
    course = CourseDirectory(root=root)
    difficulty = rng.uniform(0.35, 0.95, size=(n_assignments, tasks_per))
    skill = rng.uniform(0.3, 1.0, size=n_students)
    points = np.full(tasks_per, 100.0 / tasks_per)
    writers = [(i, sid) for i, sid in enumerate(ids) if sid != nobody] + [(n_students, stranger)]
    for i, sid in writers:
        for k, aid in enumerate(assignments):
            u = rng.random()
            if sid == stranger and k > 0 or u < 0.06:
                continue                                       # missing
            due = FIRST_DUE + dt.timedelta(weeks=k)
            if u < 0.14:
                when = due + dt.timedelta(hours=float(rng.uniform(1, 60)))          # late 1-3 days
            elif u < 0.16:
                when = due + dt.timedelta(days=float(rng.uniform(6, 9)))            # past the limit
            elif u < 0.19:
                when = due + dt.timedelta(minutes=float(rng.uniform(1, 14)))        # inside the grace period
            else:
                when = due - dt.timedelta(hours=float(rng.uniform(1, 90)))
            folder = course.submitted(sid, aid)
            folder.mkdir(parents=True, exist_ok=True)
            write_text_atomic(folder / "timestamp.txt", _stamp(when))
            if i == 0 and k == n_assignments - 1:
                continue                                       # submitted, not graded yet
            tasks = []
            p_pass = np.minimum(1.0, skill[min(i, n_students - 1)] * 0.6 + difficulty[k] * 0.5)
            for t in range(tasks_per):
                passed = rng.random() < p_pass[t]
                msg = "" if passed else f"task_{t}(...) returned a wrong value (max abs error {rng.uniform(0.1, 3):.2f})"
                tasks.append(TaskResult(task=f"task_{t}", max_score=float(points[t]), description=f"Task {t} of {aid}",
                                        checks=[CheckResult(test_id=f"test_{t}", task=f"task_{t}",
                                                            points=float(points[t]), visibility="hidden",
                                                            passed=bool(passed), message=msg)]))
            result = SubmissionResult(student_id=sid, assignment=aid, status="graded", tasks=tasks)
            if i == 2 and k == 1:
                result = SubmissionResult.failed(student_id=sid, assignment=aid, error="the notebook is not valid JSON",
                                                 status=REJECTED)
            if i == 3 and k == 2:
                result = SubmissionResult.failed(student_id=sid, assignment=aid, error="sandbox could not start",
                                                 status=FAILED)
            save_result(course.result_file(sid, aid), result)
            if i == 1:                                         # a feedback page, as feedback.py writes them
                write_text_atomic(course.feedback(sid, aid) / f"{aid}.html", "<p>feedback</p>")
    members, criteria = _seminar(ids, nobody, rng) if with_seminar else (None, None)
    return SampleCourse(course=course, policy=root / "policy.yaml",
                        as_of=FIRST_DUE + dt.timedelta(weeks=n_assignments + 12), seminar=members, criteria=criteria,
                        no_submissions=nobody, dropped=dropped, not_on_roster=stranger)


def _seminar(ids: list[str], nobody: str, rng) -> tuple[pd.DataFrame, pd.DataFrame]:
    members, criteria = [], []
    scored = [s for s in ids if s != nobody]
    for assessment in ("midterm", "final_project"):
        groups = [scored[i:i + 4] for i in range(0, len(scored), 4)]
        for g, group in enumerate(groups, start=1):
            name = f"G{g:02d}"
            rows = []
            for crit, weight in CRITERIA:
                raters = rng.uniform(4.5, 9.8, size=3)
                spread = float(raters.max() - raters.min())
                rows.append(dict(assessment=assessment, group=name, criterion=crit, weight=weight,
                                 mean=float(raters.mean()), min=float(raters.min()), max=float(raters.max()),
                                 spread=spread, n_raters=3, flagged=spread > 3.0))
            criteria += rows
            base = sum(r["mean"] * r["weight"] for r in rows) / 100.0
            for j, sid in enumerate(group):
                adjustment = -0.5 if j == 1 and g == 1 else 0.0
                members.append(dict(student_id=sid, assessment=assessment, group=name,
                                    score=round(min(10.0, max(0.0, base + adjustment)), 2), max_score=10.0,
                                    adjustment=adjustment,
                                    adjustment_reason="did not present their part" if adjustment else ""))
    return pd.DataFrame(members), pd.DataFrame(criteria)
