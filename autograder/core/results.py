"""Grading results as data (rendered elsewhere), and their storage (`result.json`, written atomically).

A `SubmissionResult` is what a grading job returns: plain dataclasses that round-trip through JSON,
so a distributed runner can ship them and a re-run can resume from `result.json`.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograder.core.atomic import write_json_atomic

RESULT_VERSION = 1

GRADED = "graded"      # the tests ran; scores are the verdict
REJECTED = "error"     # the submission itself is unusable (not a notebook, too large): a verdict of 0
FAILED = "failed"      # the grader failed (sandbox, configuration, crash): not a verdict, retried on re-run
VERDICTS = (GRADED, REJECTED)


@dataclass
class CheckResult:
    """One test: passed or not, with one readable message when not."""
    test_id: str                # stable id (pytest node id relative to the tests folder)
    task: str
    points: float
    visibility: str             # "public" | "hidden"
    passed: bool
    message: str = ""           # for failed tests: what was wrong (never hidden test code)
    seconds: float = 0.0

    @property
    def score(self) -> float:
        return self.points if self.passed else 0.0


@dataclass
class TaskResult:
    task: str
    max_score: float
    checks: list[CheckResult] = field(default_factory=list)
    description: str = ""

    @property
    def score(self) -> float:
        return round(sum(c.score for c in self.checks), 6)

    @property
    def messages(self) -> list[str]:
        return [c.message for c in self.checks if not c.passed and c.message]


@dataclass
class SubmissionResult:
    student_id: str
    assignment: str
    status: str                               # GRADED | REJECTED | FAILED (see above)
    tasks: list[TaskResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)      # tampering restored, output truncated, cell errors...
    error: str = ""                           # why a submission could not be graded at all
    submission_sha256: str = ""
    sandbox: str = ""                         # "bubblewrap" | "rlimits-only"
    seconds: float = 0.0
    timings: dict = field(default_factory=dict)
    version: int = RESULT_VERSION

    @property
    def score(self) -> float:
        return round(sum(t.score for t in self.tasks), 6)

    @property
    def max_score(self) -> float:
        return round(sum(t.max_score for t in self.tasks), 6)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> SubmissionResult:
        tasks = [TaskResult(task=t["task"], max_score=t["max_score"], description=t.get("description", ""),
                            checks=[CheckResult(**c) for c in t.get("checks", [])])
                 for t in data.get("tasks", [])]
        rest = {k: v for k, v in data.items() if k != "tasks"}
        return cls(tasks=tasks, **rest)

    @classmethod
    def failed(cls, *, student_id: str, assignment: str, error: str, tasks=(), status: str = FAILED,
               **kw) -> SubmissionResult:
        """A result for a submission that could not be graded: every task scored 0, with the reason.
        `status` is FAILED (our side; retried, never replaces a verdict) or REJECTED (the submission's fault)."""
        return cls(student_id=student_id, assignment=assignment, status=status, error=error,
                   tasks=[TaskResult(task=t.name, max_score=t.points, description=t.description) for t in tasks],
                   **kw)


def save_result(path: Path, result: SubmissionResult) -> None:
    write_json_atomic(path, result.to_dict())


def load_result(path: Path) -> SubmissionResult | None:
    """The stored result, or None when absent or unreadable (a re-run then grades again)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("version") != RESULT_VERSION:
            return None
        return SubmissionResult.from_dict(data)
    except (OSError, ValueError, TypeError, KeyError):
        return None
