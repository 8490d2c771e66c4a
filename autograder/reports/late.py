"""Lateness and late penalties: grace period, percentage per started day, a cap, per-student extensions.

Rules (with the course's `late_policy`, see policy.py):
* the effective due time is the policy's due time plus the student's extension days;
* a submission at most `grace_minutes` after it is on time;
* otherwise it is late by ceil(minutes late / 1440) started days, counted from the effective due time,
  and loses `percent_per_day` percent of its earned score per day, at most `max_penalty_percent`;
* more than `max_days` days late: `after_max_days: zero` -> not accepted (100 % penalty),
  `cap` -> the penalty of `max_days` days;
* no submission: `missing` once the effective due time has passed (as of the report), `open` before.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from autograder.reports.policy import LatePolicy

STATUSES = ("on_time", "late", "not_accepted", "missing", "open")


@dataclass(frozen=True)
class Lateness:
    status: str                        # one of STATUSES
    due: dt.datetime | None            # effective due time (extension included)
    minutes_late: float = 0.0          # minutes after the effective due time (0 when on time or earlier)
    days_late: int = 0                 # started days charged (0 within the grace period)
    penalty_percent: float = 0.0       # percent of the earned score taken off
    extension_days: float = 0.0        # the student's extension for this assessment

    @property
    def counts(self) -> bool:
        """Whether the assessment counts in the grade now (submitted, or missing after the due time)."""
        return self.status != "open"


def assess_lateness(*, submitted_at: dt.datetime | None, due: dt.datetime | None, policy: LatePolicy,
                    extension_days: float = 0.0, as_of: dt.datetime) -> Lateness:
    """How late one submission is and what it costs. Times must be timezone-aware."""
    effective = due + dt.timedelta(days=extension_days) if due is not None else None
    if submitted_at is None:
        past_due = effective is not None and as_of > effective
        return Lateness(status="missing" if past_due else "open", due=effective, extension_days=extension_days)
    if effective is None:
        return Lateness(status="on_time", due=None, extension_days=extension_days)
    minutes = max(0.0, (submitted_at - effective).total_seconds() / 60.0)
    if minutes <= policy.grace_minutes:
        return Lateness(status="on_time", due=effective, minutes_late=minutes, extension_days=extension_days)
    days = math.ceil(minutes / 1440.0 - 1e-9)
    if days > policy.max_days and policy.after_max_days == "zero":
        return Lateness(status="not_accepted", due=effective, minutes_late=minutes, days_late=days,
                        penalty_percent=100.0, extension_days=extension_days)
    charged = min(days, policy.max_days)
    penalty = min(charged * policy.percent_per_day, policy.max_penalty_percent, 100.0)
    return Lateness(status="late", due=effective, minutes_late=minutes, days_late=days, penalty_percent=penalty,
                    extension_days=extension_days)


def apply_penalty(score: float, lateness: Lateness) -> float:
    """The score after the late penalty (a percentage of the earned score)."""
    return score * (1.0 - lateness.penalty_percent / 100.0)
