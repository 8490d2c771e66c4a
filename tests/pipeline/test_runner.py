"""The local runner: a worker that dies takes down only its own submission; verdicts are never lost."""
import sys
from pathlib import Path

import pytest
import yaml

from autograder.core.results import FAILED, GRADED, SubmissionResult, load_result, save_result
from autograder.core.settings import GradeSettings, open_course
from autograder.pipeline.runner import GradeSummary, Job, _finish, run_jobs, store

sys.path.insert(0, str(Path(__file__).parent / "files"))
import crashing_jobs  # noqa: E402


@pytest.fixture()
def settings(tmp_path):
    src = tmp_path / "src" / "a1"
    src.mkdir(parents=True)
    (src / "manifest.yaml").write_text(yaml.safe_dump({"assignment": "a1", "notebook": "a1.ipynb",
                                                       "tasks": {"add": 100}}))
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "autograder.yaml").write_text(f"assignments: {tmp_path / 'src'}\n")
    course, _ = open_course(tmp_path / "course")
    return GradeSettings(course=course)


@pytest.mark.slow
def test_a_dying_worker_fails_only_its_own_submission(settings, monkeypatch):
    monkeypatch.setattr("autograder.pipeline.runner.store", lambda s, r, nb=None: True)   # no gradebook here
    jobs = [Job(sid, "a1", Path("unused.ipynb")) for sid in ("s1", "bad", "s2", "s3")]
    summary = GradeSummary(assignment="a1")
    run_jobs(jobs, settings=settings, fn=crashing_jobs.crash_on_bad, workers=2, progress=False,
             on_result=lambda result, bar: _finish(settings, summary, result, bar))
    by_id = {r.student_id: r for r in summary.graded}
    assert set(by_id) == {"s1", "bad", "s2", "s3"}
    assert by_id["bad"].status == FAILED and "crashed" in by_id["bad"].error
    assert all(by_id[s].status == GRADED and by_id[s].score == 100 for s in ("s1", "s2", "s3"))



@pytest.mark.slow
def test_a_driver_with_its_own_records_gets_its_own_failure_for_a_crash(tmp_path):
    """Another driver (the nbgrader drop-in) has no course manifest: its `failed` builds the crash record."""
    jobs = [Job(sid, "a1", Path("unused.ipynb")) for sid in ("s1", "bad")]
    got = {}
    run_jobs(jobs, settings=object(), fn=crashing_jobs.crash_on_bad, workers=2, progress=False,
             failed=lambda job, settings, error: ("crashed-record", job.student_id, error),
             on_result=lambda result, bar: got.setdefault(getattr(result, "student_id", None) or result[1], result))
    assert got["bad"][0] == "crashed-record" and "crashed" in got["bad"][2]
    assert got["s1"].status == GRADED

def test_a_grader_failure_never_replaces_an_earlier_verdict(settings, monkeypatch):
    recorded = []
    monkeypatch.setattr("autograder.pipeline.gradebook.record_result", lambda **kw: recorded.append(kw["result"]))
    course = settings.course
    good = crashing_jobs.crash_on_bad(Job("s1", "a1", Path("x")), settings)
    save_result(course.result_file("s1", "a1"), good)
    failed = SubmissionResult.failed(student_id="s1", assignment="a1", error="sandbox broke", tasks=())
    assert store(settings, failed) is False
    assert load_result(course.result_file("s1", "a1")).score == 100 and recorded == []
    # without an earlier verdict the failure is stored, so the TA sees it
    failed2 = SubmissionResult.failed(student_id="s2", assignment="a1", error="sandbox broke", tasks=())
    assert store(settings, failed2) is True and load_result(course.result_file("s2", "a1")).status == FAILED
