"""Lateness: grace period, per started day, the day limit (zero or cap), penalty cap, extensions."""
from __future__ import annotations

import datetime as dt

import pytest

from autograder.reports.late import apply_penalty, assess_lateness
from autograder.reports.policy import LatePolicy

UTC = dt.UTC
DUE = dt.datetime(2026, 9, 13, 16, 59, tzinfo=UTC)
POLICY = LatePolicy(grace_minutes=15, percent_per_day=10, max_days=5, after_max_days="zero")
MIN = dt.timedelta(minutes=1)
DAY = dt.timedelta(days=1)


@pytest.mark.parametrize("offset, status, days, penalty", [
    (-DAY, "on_time", 0, 0),
    (dt.timedelta(0), "on_time", 0, 0),
    (15 * MIN, "on_time", 0, 0),              # inside the grace period
    (16 * MIN, "late", 1, 10),                # just after it: counted from the due time, one started day
    (DAY, "late", 1, 10),
    (DAY + MIN, "late", 2, 20),
    (5 * DAY, "late", 5, 50),
    (5 * DAY + MIN, "not_accepted", 6, 100),  # past the limit
], ids=["early", "exact", "grace", "after-grace", "one-day", "day-and-a-minute", "five-days", "past-limit"])
def test_lateness_table(offset, status, days, penalty):
    late = assess_lateness(submitted_at=DUE + offset, due=DUE, policy=POLICY, as_of=DUE + 30 * DAY)
    assert (late.status, late.days_late, late.penalty_percent) == (status, days, penalty)


def test_cap_mode_keeps_the_penalty_of_the_last_day():
    policy = LatePolicy(percent_per_day=10, max_days=3, after_max_days="cap")
    late = assess_lateness(submitted_at=DUE + 9 * DAY, due=DUE, policy=policy, as_of=DUE + 30 * DAY)
    assert (late.status, late.days_late, late.penalty_percent) == ("late", 9, 30)


def test_penalty_never_exceeds_max_penalty_percent():
    policy = LatePolicy(percent_per_day=25, max_days=10, max_penalty_percent=60)
    late = assess_lateness(submitted_at=DUE + 4 * DAY, due=DUE, policy=policy, as_of=DUE + 30 * DAY)
    assert late.penalty_percent == 60
    assert apply_penalty(80.0, late) == pytest.approx(32.0)


def test_extension_moves_the_due_time():
    late = assess_lateness(submitted_at=DUE + DAY + MIN, due=DUE, policy=POLICY, extension_days=2,
                           as_of=DUE + 30 * DAY)
    assert late.status == "on_time" and late.due == DUE + 2 * DAY and late.extension_days == 2
    late = assess_lateness(submitted_at=DUE + 3 * DAY, due=DUE, policy=POLICY, extension_days=2,
                           as_of=DUE + 30 * DAY)
    assert (late.status, late.days_late) == ("late", 1)


def test_no_submission_is_open_before_the_due_time_and_missing_after():
    assert assess_lateness(submitted_at=None, due=DUE, policy=POLICY, as_of=DUE - MIN).status == "open"
    assert assess_lateness(submitted_at=None, due=DUE, policy=POLICY, as_of=DUE + MIN).status == "missing"
    extended = assess_lateness(submitted_at=None, due=DUE, policy=POLICY, extension_days=1, as_of=DUE + MIN)
    assert extended.status == "open"


def test_no_due_date_means_no_lateness():
    late = assess_lateness(submitted_at=DUE + 99 * DAY, due=None, policy=POLICY, as_of=DUE)
    assert late.status == "on_time" and late.penalty_percent == 0
