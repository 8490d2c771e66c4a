"""Jobs for the Dask runner tests: importable by the test's workers (their PYTHONPATH has this folder)."""
import time
from dataclasses import dataclass

from autograder.core.results import CheckResult, SubmissionResult, TaskResult


@dataclass(frozen=True)
class SleepJob:
    student_id: str
    assignment: str
    seconds: float
    time_limit: float | None = None
    resources: dict | None = None


def sleep_then_grade(job, settings):
    time.sleep(job.seconds)
    check = CheckResult("hidden/t.py::x", "add", 100, "hidden", True)
    return SubmissionResult(student_id=job.student_id, assignment=job.assignment, status="graded",
                            tasks=[TaskResult("add", 100, [check])])
