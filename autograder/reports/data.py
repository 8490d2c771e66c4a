"""Everything a report needs, loaded once into pandas DataFrames.

Sources: the stored results (`CourseDirectory.result_file`, one JSON per graded submission), nbgrader's
`timestamp.txt` next to each collected submission, the roster, and the seminar scores when the seminar
package is installed and the gradebook holds them.

Tables (`CourseData`):
* `tasks`        student_id, assessment, task, description, score, max_score, submitted_at, messages
* `submissions`  student_id, assessment, state ("graded" | "error" = rejected, a verdict of 0 | "ungraded" =
                 collected but not graded, or the grader failed), score, max_score,
                 submitted_at, error, notes, feedback (path of the feedback HTML or "")
* `seminar`      student_id, assessment, group, score, max_score, adjustment, adjustment_reason
* `criteria`     assessment, group, criterion, weight, mean, min, max, spread, n_raters, flagged
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from autograder.core.coursedir import CourseDirectory
from autograder.core.results import GRADED, VERDICTS, load_result
from autograder.reports.policy import Policy
from autograder.reports.roster import COLUMNS as ROSTER_COLUMNS
from autograder.reports.roster import load_roster

TASK_COLUMNS = ["student_id", "assessment", "task", "description", "score", "max_score", "submitted_at", "messages"]
SUBMISSION_COLUMNS = ["student_id", "assessment", "state", "score", "max_score", "submitted_at", "error", "notes",
                      "feedback"]
SEMINAR_COLUMNS = ["student_id", "assessment", "group", "score", "max_score", "adjustment", "adjustment_reason"]
CRITERIA_COLUMNS = ["assessment", "group", "criterion", "weight", "mean", "min", "max", "spread", "n_raters",
                    "flagged"]


@dataclass
class CourseData:
    policy: Policy
    roster: pd.DataFrame
    tasks: pd.DataFrame
    submissions: pd.DataFrame
    seminar: pd.DataFrame
    criteria: pd.DataFrame
    warnings: list[str] = field(default_factory=list)


NBGRADER_TIMESTAMP = "%Y-%m-%d %H:%M:%S.%f UTC"


def parse_timestamp(text: str) -> dt.datetime | None:
    """nbgrader's timestamp.txt ("2026-10-05 13:00:00.000000 UTC"); naive times are UTC, like nbgrader's."""
    text = text.strip()
    if not text:
        return None
    try:   # the format collect writes, parsed without the general (slow) parser
        return dt.datetime.strptime(text, NBGRADER_TIMESTAMP).replace(tzinfo=dt.UTC)
    except ValueError:
        pass
    try:
        stamp = pd.Timestamp(text)
    except (ValueError, TypeError):
        return None
    if pd.isna(stamp):
        return None
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return stamp.to_pydatetime()


def _student_dirs(course: CourseDirectory) -> list[str]:
    ids = set()
    for base in (course.root / "autograded", course.root / "submitted"):
        if base.is_dir():
            ids.update(p.name for p in base.iterdir() if p.is_dir() and not p.name.startswith("."))
    return sorted(ids)


def _feedback_page(course: CourseDirectory, student_id: str, assignment: str) -> str:
    folder = course.feedback(student_id, assignment)
    if not folder.is_dir():
        return ""
    pages = sorted(folder.glob("*.html"))
    return str(pages[0]) if pages else ""


def _timestamp(course: CourseDirectory, student_id: str, assignment: str) -> tuple[bool, dt.datetime | None]:
    folder = course.submitted(student_id, assignment)
    if not folder.is_dir():
        return False, None
    try:
        return True, parse_timestamp((folder / "timestamp.txt").read_text(encoding="utf-8"))
    except OSError:
        return True, None


def load_results(*, course: CourseDirectory, policy: Policy) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """(tasks, submissions, warnings) from the stored results and timestamps of every student folder."""
    assignments = [a.id for a in policy.assessments if a.kind == "assignment"]
    task_rows, sub_rows, warnings = [], [], []
    unknown = set()
    for sid in _student_dirs(course):
        for kind in ("autograded", "submitted"):
            base = course.root / kind / sid
            if base.is_dir():
                unknown.update(p.name for p in base.iterdir() if p.is_dir() and p.name not in assignments)
        for aid in assignments:
            submitted, stamp = _timestamp(course, sid, aid)
            path = course.result_file(sid, aid)
            result = load_result(path) if path.is_file() else None
            if result is None:
                if not submitted and not path.is_file():
                    continue
                if path.is_file():
                    warnings.append(f"{path}: unreadable result; {sid} {aid} is shown as not graded")
                sub_rows.append([sid, aid, "ungraded", float("nan"), float("nan"), stamp, "", "", ""])
                continue
            if result.status not in VERDICTS:              # the grader failed: not a verdict, re-run `grade`
                warnings.append(f"{sid} {aid}: grading failed ({result.error or 'no reason recorded'}); shown as "
                                "not graded until `autograder grade` is run again")
                sub_rows.append([sid, aid, "ungraded", float("nan"), float("nan"), stamp, result.error, "", ""])
                continue
            state = "graded" if result.status == GRADED else "error"
            sub_rows.append([sid, aid, state, result.score, result.max_score, stamp, result.error,
                             "\n".join(result.notes), _feedback_page(course, sid, aid)])
            for t in result.tasks:
                task_rows.append([sid, aid, t.task, t.description, t.score, t.max_score, stamp,
                                  "\n".join(t.messages)])
    for name in sorted(unknown):
        warnings.append(f"results for {name!r} are ignored: it is not an assessment in the course policy")
    tasks = pd.DataFrame(task_rows, columns=TASK_COLUMNS)
    subs = pd.DataFrame(sub_rows, columns=SUBMISSION_COLUMNS)
    for frame in (tasks, subs):
        frame["submitted_at"] = pd.to_datetime(frame["submitted_at"], utc=True)
        frame[["score", "max_score"]] = frame[["score", "max_score"]].astype(float)
    return tasks, subs, warnings


def load_seminar(*, course: CourseDirectory) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """(member scores, criteria summary, warnings); empty tables when the seminar package or data is absent."""
    empty = pd.DataFrame(columns=SEMINAR_COLUMNS), pd.DataFrame(columns=CRITERIA_COLUMNS)
    try:
        from autograder.seminar import api
    except ImportError:
        return (*empty, [])
    if course.db_url.startswith("sqlite") and not course.gradebook.is_file():
        return (*empty, [])
    try:
        members = api.seminar_member_scores(course.db_url)
        criteria = api.seminar_criteria_summary(course.db_url)
    except Exception as e:  # a broken seminar table must not block the assignment reports; shown on the page
        return (*empty, [f"seminar scores could not be read from {course.gradebook}: {e}"])
    members = members.reindex(columns=SEMINAR_COLUMNS).astype({"student_id": str})
    return members, criteria.reindex(columns=CRITERIA_COLUMNS), []


def load_course_data(*, course: CourseDirectory, policy: Policy, roster: pd.DataFrame | None = None) -> CourseData:
    """Roster (from the policy unless given), results, timestamps and seminar scores."""
    if roster is None:
        roster = load_roster(policy.roster) if policy.roster else pd.DataFrame(columns=ROSTER_COLUMNS)
    tasks, subs, warnings = load_results(course=course, policy=policy)
    seminar, criteria, more = load_seminar(course=course)
    return CourseData(policy=policy, roster=roster, tasks=tasks, submissions=subs, seminar=seminar,
                      criteria=criteria, warnings=warnings + more)


def relative_link(target: str, start: Path) -> str:
    """A link from a page in folder `start` to the file `target` ("" stays "")."""
    if not target:
        return ""
    return Path(os.path.relpath(target, start)).as_posix()
