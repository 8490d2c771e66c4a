"""The course policy (`course/policy.yaml`): assessments, weights, due dates, late policy, roster.

Example::

    course: INT3121
    term: "2026 fall"
    timezone: Asia/Ho_Chi_Minh          # due dates without an offset are read in this zone
    roster: roster.csv                  # relative to this file
    late_policy: {grace_minutes: 15, percent_per_day: 10, max_days: 5, after_max_days: zero}
    assessments:
      w01_cifar10: {kind: assignment, title: "Week 1", weight: 5, due: "2026-09-14 23:59"}
      midterm:     {kind: seminar, title: "Mid-term seminar", weight: 30, max_score: 10}
    extensions:
      - {student_id: "21020003", assessment: w01_cifar10, days: 2, reason: "medical certificate"}

Every key has a default and a one-line description below; unknown keys are rejected with the file and
key named. Weights must add up to 100.
"""
from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field, fields
from pathlib import Path

from autograder.core.coursedir import CourseDirectory
from autograder.core.errors import ConfigError
from autograder.core.yamlconfig import check_keys, read_yaml

KINDS = ("assignment", "seminar")
AFTER_MAX = ("zero", "cap")


@dataclass(frozen=True)
class LatePolicy:
    grace_minutes: float = 15.0        # a submission this many minutes after the due time counts as on time
    percent_per_day: float = 10.0      # penalty in percent of the earned score per started day late
    max_days: int = 5                  # days late after which `after_max_days` applies
    after_max_days: str = "zero"       # "zero": not accepted (score 0); "cap": penalty stays at max_days days
    max_penalty_percent: float = 100.0  # the penalty never exceeds this percentage


@dataclass(frozen=True)
class Assessment:
    id: str                            # assessment id: the assignment folder name or the seminar kind
    kind: str = "assignment"           # "assignment" (graded notebooks) | "seminar" (rubric scores)
    title: str = ""                    # human title shown in reports and LMS column headers
    weight: float = 0.0                # percent of the final grade (all weights add up to 100)
    due: dt.datetime | None = None     # due date and time (aware); None: no lateness
    max_score: float | None = None     # score scale; None: 100 for assignments, 10 for seminars
    late_policy: LatePolicy | None = None  # overrides the course late policy for this assessment

    @property
    def label(self) -> str:
        return self.title or self.id

    @property
    def scale(self) -> float:
        if self.max_score is not None:
            return float(self.max_score)
        return 100.0 if self.kind == "assignment" else 10.0


@dataclass(frozen=True)
class Extension:
    student_id: str                    # the student (8-digit id as in the roster)
    assessment: str                    # the assessment id
    days: float = 0.0                  # extra days added to the due date
    reason: str = ""                   # shown to the student and the TA


@dataclass(frozen=True)
class AtRisk:
    below_percent: float = 50.0        # running grade below this percent of the maximum flags a student
    missing: int = 1                   # this many missing past-due assessments flags a student


@dataclass(frozen=True)
class Policy:
    assessments: tuple[Assessment, ...]  # in course order
    course: str = ""                   # course code shown in report titles
    term: str = ""                     # term shown in report titles
    timezone: str = "Asia/Ho_Chi_Minh"  # zone of due dates written without an offset, and of shown times
    roster: Path | None = None         # roster CSV (student_id,name,email,section,status); relative to the policy
    late_policy: LatePolicy = field(default_factory=LatePolicy)  # course-wide late policy
    extensions: tuple[Extension, ...] = ()  # per-student due-date extensions
    at_risk: AtRisk = field(default_factory=AtRisk)  # who is listed as at risk
    grade_scale: float = 10.0          # the final grade is reported out of this (10 in Vietnam)
    path: Path | None = None           # where it was loaded from

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def assessment(self, assessment_id: str) -> Assessment:
        for a in self.assessments:
            if a.id == assessment_id:
                return a
        raise KeyError(assessment_id)

    @property
    def assessment_ids(self) -> list[str]:
        return [a.id for a in self.assessments]

    def late_policy_for(self, assessment_id: str) -> LatePolicy:
        return self.assessment(assessment_id).late_policy or self.late_policy

    def extension_days(self, student_id: str, assessment_id: str) -> float:
        return sum(e.days for e in self.extensions if e.student_id == student_id and e.assessment == assessment_id)


def _check_keys(data, cls, file: str, where: str, *, exclude=()) -> dict:
    return check_keys(data, {f.name for f in fields(cls)} - set(exclude), file=file, where=where)


def _number(value, file: str, where: str, *, minimum: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        raise ConfigError(f"expected a number >= {minimum:g}, got {value!r}", file=file, where=where)
    return float(value)


def _datetime(value, tz: zoneinfo.ZoneInfo, file: str, where: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime.combine(value, dt.time(23, 59))
    elif isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ConfigError(f"not a date and time: {value!r}", file=file, where=where,
                              hint='write it like "2026-09-14 23:59" (policy timezone) or with an offset "+07:00"'
                              ) from None
    else:
        raise ConfigError(f"not a date and time: {value!r}", file=file, where=where)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def _late_policy(data, file: str, where: str) -> LatePolicy:
    _check_keys(data, LatePolicy, file, where)
    values = {}
    for key in ("grace_minutes", "percent_per_day", "max_penalty_percent"):
        if key in data:
            values[key] = _number(data[key], file, f"{where}.{key}")
    if "max_days" in data:
        values["max_days"] = int(_number(data["max_days"], file, f"{where}.max_days"))
    if "after_max_days" in data:
        if data["after_max_days"] not in AFTER_MAX:
            raise ConfigError(f"expected one of {', '.join(AFTER_MAX)}, got {data['after_max_days']!r}",
                              file=file, where=f"{where}.after_max_days")
        values["after_max_days"] = data["after_max_days"]
    return LatePolicy(**values)


def _assessment(aid, data, tz, file: str) -> Assessment:
    where = f"assessments.{aid}"
    _check_keys(data, Assessment, file, where, exclude=("id",))
    kind = data.get("kind", "assignment")
    if kind not in KINDS:
        raise ConfigError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}", file=file, where=f"{where}.kind")
    due = data.get("due")
    late = data.get("late_policy")
    return Assessment(
        id=str(aid), kind=kind, title=str(data.get("title", "")),
        weight=_number(data.get("weight", 0), file, f"{where}.weight"),
        due=_datetime(due, tz, file, f"{where}.due") if due is not None else None,
        max_score=_number(data["max_score"], file, f"{where}.max_score", minimum=1e-9)
        if data.get("max_score") is not None else None,
        late_policy=_late_policy(late, file, f"{where}.late_policy") if late is not None else None)


def load_policy(path: Path | str) -> Policy:
    """Read and validate a policy file; ConfigError names the file and the key that is wrong."""
    path = Path(path)
    file = str(path)
    data = read_yaml(path, not_found="course policy not found",
                     hint="pass --policy FILE or put policy.yaml in the course directory")
    _check_keys(data, Policy, file, "top level", exclude=("path",))
    timezone = str(data.get("timezone", Policy.timezone))
    try:
        tz = zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"unknown time zone {timezone!r}", file=file, where="timezone",
                          hint="use an IANA name such as Asia/Ho_Chi_Minh") from None
    raw = data.get("assessments")
    if not isinstance(raw, dict) or not raw:
        raise ConfigError("'assessments' must map assessment ids to {kind, weight, due, ...}", file=file,
                          where="assessments")
    assessments = tuple(_assessment(aid, spec or {}, tz, file) for aid, spec in raw.items())
    total = sum(a.weight for a in assessments)
    if abs(total - 100.0) > 1e-6:
        raise ConfigError(f"assessment weights add up to {total:g}, expected 100", file=file, where="assessments")
    ids = {a.id for a in assessments}
    extensions = []
    for i, spec in enumerate(data.get("extensions") or []):
        where = f"extensions[{i}]"
        _check_keys(spec, Extension, file, where)
        for key in ("student_id", "assessment"):
            if key not in spec:
                raise ConfigError(f"missing required key {key!r}", file=file, where=where)
        if spec["assessment"] not in ids:
            raise ConfigError(f"unknown assessment {spec['assessment']!r}; known: {', '.join(sorted(ids))}",
                              file=file, where=f"{where}.assessment")
        extensions.append(Extension(student_id=str(spec["student_id"]), assessment=str(spec["assessment"]),
                                    days=_number(spec.get("days", 0), file, f"{where}.days"),
                                    reason=str(spec.get("reason", ""))))
    risk = _check_keys(data.get("at_risk") or {}, AtRisk, file, "at_risk")
    at_risk = AtRisk(below_percent=_number(risk.get("below_percent", AtRisk.below_percent), file,
                                           "at_risk.below_percent"),
                     missing=int(_number(risk.get("missing", AtRisk.missing), file, "at_risk.missing", minimum=1)))
    roster = data.get("roster")
    return Policy(
        assessments=assessments, course=str(data.get("course", "")), term=str(data.get("term", "")),
        timezone=timezone, roster=(path.parent / str(roster)) if roster else None,
        late_policy=_late_policy(data.get("late_policy") or {}, file, "late_policy"),
        extensions=tuple(extensions), at_risk=at_risk,
        grade_scale=_number(data.get("grade_scale", Policy.grade_scale), file, "grade_scale", minimum=1e-9),
        path=path)


def find_policy(*, course: CourseDirectory, policy: Path | str | None = None) -> Path:
    """The policy file to use: the one given, else COURSE/policy.yaml (`load_policy` says how to fix a missing
    one; nothing is looked for outside the course)."""
    return Path(policy) if policy is not None else course.root / "policy.yaml"
