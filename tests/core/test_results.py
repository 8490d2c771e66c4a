import json
import os

from autograder.core.atomic import write_json_atomic
from autograder.core.manifest import Task
from autograder.core.results import (
    FAILED,
    REJECTED,
    VERDICTS,
    CheckResult,
    SubmissionResult,
    TaskResult,
    load_result,
    save_result,
)


def sample() -> SubmissionResult:
    checks = [CheckResult("public/t.py::a", "add", 2, "public", True),
              CheckResult("hidden/t.py::b", "add", 3, "hidden", False, "wrong value")]
    return SubmissionResult("21020001", "w", "graded", tasks=[TaskResult("add", 5, checks)], notes=["n"])


def test_scores_are_sums_of_passed_checks():
    r = sample()
    assert r.tasks[0].score == 2 and r.score == 2 and r.max_score == 5
    assert r.tasks[0].messages == ["wrong value"]


def test_round_trip_through_json(tmp_path):
    path = tmp_path / "a" / "result.json"
    save_result(path, sample())
    back = load_result(path)
    assert back == sample()


def test_unreadable_or_old_results_are_treated_as_absent(tmp_path):
    path = tmp_path / "result.json"
    path.write_text("{not json")
    assert load_result(path) is None
    path.write_text(json.dumps({"version": 0}))
    assert load_result(path) is None
    assert load_result(tmp_path / "missing.json") is None


def test_failed_result_scores_every_task_zero():
    r = SubmissionResult.failed(student_id="s", assignment="w", error="boom",
                                tasks=[Task("a", 60), Task("b", 40)])
    assert r.status == FAILED and r.score == 0 and r.max_score == 100
    rejected = SubmissionResult.failed(student_id="s", assignment="w", error="not JSON", tasks=[Task("a", 100)],
                                       status=REJECTED)
    assert rejected.status == REJECTED and rejected.status in VERDICTS and FAILED not in VERDICTS


def test_atomic_write_leaves_old_file_when_serialisation_fails(tmp_path):
    path = tmp_path / "x.json"
    write_json_atomic(path, {"ok": 1})
    try:
        write_json_atomic(path, {"bad": object()})
    except TypeError:
        pass
    assert json.loads(path.read_text()) == {"ok": 1}
    assert os.listdir(tmp_path) == ["x.json"]  # no temp file left behind
