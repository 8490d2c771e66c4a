"""Job functions for runner tests: importable by pool workers, no kernels involved."""
import os

from autograder.core.results import CheckResult, SubmissionResult, TaskResult


def crash_on_bad(job, settings):
    if job.student_id == "bad":
        os._exit(7)          # the worker process dies, as a segfault in a native library would
    check = CheckResult("hidden/t.py::x", "add", 100, "hidden", True)
    return SubmissionResult(student_id=job.student_id, assignment=job.assignment, status="graded",
                            tasks=[TaskResult("add", 100, [check])])
