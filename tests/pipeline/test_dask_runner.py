"""Grading on a real Dask cluster on loopback (`dask scheduler` / `dask worker` processes started here), and the
faults a batch survives: a worker SIGKILLed mid-batch, the driver SIGKILLed mid-batch, a lost scheduler, a job
past its time, no worker at all. GPU jobs are routed with the GPU resource on CPU workers (no GPU here)."""
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed", reason="the cluster extra (dask[distributed]) is not installed")

from autograder.core.results import FAILED, GRADED, load_result  # noqa: E402
from autograder.core.settings import GradeSettings  # noqa: E402
from autograder.pipeline import dask_runner  # noqa: E402
from autograder.pipeline.gradebook import gradebook_scores  # noqa: E402
from autograder.pipeline.job import run_grade_job  # noqa: E402
from autograder.pipeline.runner import GradeSummary, _finish, find_jobs, grade_assignment, run_jobs  # noqa: E402

from .dask_cluster import FILES, Cluster, cmdline, descendants, grading_worker, snapshot, submit_toy, survivors  # noqa: E402,E501

sys.path.insert(0, str(FILES))
import dask_jobs  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.heavy]
ROOT = Path(__file__).resolve().parents[2]
GOOD, WRONG = "return x + 1", "return x + 2"
KILLER = "import os; os._exit(3)"          # a cell that kills its kernel


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Two workers; the second offers GPU=1 and is pinned like a worker of a multi-GPU machine."""
    with Cluster(tmp_path_factory.mktemp("cluster")) as c:
        c.start_scheduler()
        c.start_worker("cpu")
        c.start_worker("gpu", resources="GPU=1", env={"CUDA_VISIBLE_DEVICES": "3,5"})
        c.wait_for_workers(2)
        yield c


def _checks(result):
    return sorted((c.test_id, c.passed) for t in result.tasks for c in t.checks)


def test_dask_grades_and_stores_exactly_like_the_local_pool(released, cluster):
    submit_toy(released, "21020001")
    submit_toy(released, "21020002", add_one=WRONG)
    submit_toy(released, "21020003", extra=(KILLER,))
    settings = GradeSettings(course=released)
    local = grade_assignment(settings=settings, assignment="toy", workers=1, progress=False)
    local_results = {r.student_id: r for r in local.graded}
    local_book = gradebook_scores(course=released)
    on_dask = grade_assignment(settings=settings, assignment="toy", scheduler=cluster.address, force=True,
                               progress=False)
    assert on_dask.scheduler == cluster.address
    assert sorted(r.student_id for r in on_dask.graded) == ["21020001", "21020002", "21020003"]
    for r in on_dask.graded:
        before = local_results[r.student_id]
        assert (r.status, r.score, _checks(r), r.notes) == (before.status, before.score, _checks(before), before.notes)
        assert load_result(released.result_file(r.student_id, "toy")).score == r.score
        assert (released.autograded(r.student_id, "toy") / "toy.ipynb").is_file()    # the executed notebook
    assert {r.student_id: r.score for r in on_dask.graded} == {"21020001": 40, "21020002": 0, "21020003": 40}
    assert any("the kernel died" in n for n in local_results["21020003"].notes)   # a clear outcome, not a stuck batch
    assert gradebook_scores(course=released).equals(local_book)


def test_gpu_marked_jobs_go_to_the_gpu_worker_and_see_one_gpu(released, cluster):
    tests = released.tests("toy", "hidden")
    (tests / "test_gpu.py").write_text(
        "import pytest\n\n"
        "@pytest.mark.gpu\n@pytest.mark.task('scale', points=0)\ndef test_env_on_gpu(student):\n"
        "    got = [student.env(k) for k in ('CUDA_VISIBLE_DEVICES', 'TF_FORCE_GPU_ALLOW_GROWTH', "
        "'AUTOGRADER_GPU_MEMORY_MB')]\n"
        "    assert got == ['3', 'true', '4096'], f'kernel env {got}'\n\n"
        "@pytest.mark.cpu_only\n@pytest.mark.task('scale', points=0)\ndef test_env_on_cpu(student):\n"
        "    assert student.env('CUDA_VISIBLE_DEVICES') == ''\n")
    submit_toy(released, "21020001", extra=("import os\ndef env(name):\n    return os.environ.get(name)",))
    summary = grade_assignment(settings=GradeSettings(course=released), assignment="toy",
                               scheduler=cluster.address, progress=False)
    [result] = summary.graded
    checks = dict(_checks(result))
    assert checks.get("hidden/test_gpu.py::test_env_on_gpu") is True, result.tasks
    assert "hidden/test_gpu.py::test_env_on_cpu" not in checks


def test_a_job_past_its_time_is_failed_and_the_batch_goes_on(released, cluster):
    jobs = [dask_jobs.SleepJob("slow", "toy", 600, time_limit=4), dask_jobs.SleepJob("quick", "toy", 0.1)]
    got = []
    t0 = time.monotonic()
    run_jobs(jobs, settings=GradeSettings(course=released), fn=dask_jobs.sleep_then_grade,
             on_result=lambda r, bar: got.append(r), scheduler=cluster.address, progress=False)
    by_id = {r.student_id: r for r in got}
    assert by_id["quick"].status == GRADED
    assert by_id["slow"].status == FAILED and "took more than 4 s" in by_id["slow"].error
    assert time.monotonic() - t0 < 60
    cluster.wait_for_workers(2)         # the stopped job's worker was restarted by its nanny


def test_sigkill_of_a_worker_mid_batch_grades_everything_once(released, tmp_path):
    sids = [f"2102{i:04d}" for i in range(1, 5)]
    for i, sid in enumerate(sids):
        submit_toy(released, sid, add_one=WRONG if i % 3 == 2 else GOOD, extra=("import time; time.sleep(1.5)",))
    settings = GradeSettings(course=released)
    seen, orphans = [], []
    summary = GradeSummary(assignment="toy")

    def on_result(result, bar):
        seen.append(result.result.student_id)
        _finish(settings, summary, result, bar)

    with Cluster(tmp_path / "cluster") as c:
        c.start_scheduler()
        for name in ("w1", "w2"):
            c.start_worker(name)
        c.wait_for_workers(2)

        def kill_one():
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                for name in ("w1", "w2"):
                    worker = grading_worker(c.procs[name].pid)
                    if worker is not None:
                        tree = snapshot(descendants(worker))
                        os.kill(worker, signal.SIGKILL)
                        orphans.extend(tree)
                        return
                time.sleep(0.1)
        killer = threading.Thread(target=kill_one)
        killer.start()
        jobs, _ = find_jobs(settings=settings, assignment="toy")
        run_jobs(jobs, settings=settings, fn=run_grade_job, on_result=on_result, scheduler=c.address, progress=False)
        killer.join()
    assert orphans, "no worker was killed while grading"
    assert sorted(seen) == sids                           # every submission exactly once
    scores = {r.student_id: r.score for r in summary.graded}
    assert scores == {sid: 0 if i % 3 == 2 else 40 for i, sid in enumerate(sids)}
    assert all(r.status == GRADED for r in summary.graded)
    time.sleep(1.0)
    assert survivors(orphans) == []                       # no kernel or bwrap of the killed worker survives
    frame = gradebook_scores(course=released)
    assert sorted(frame.student_id.unique()) == sids and len(frame) == 2 * len(sids)    # no duplicate row


def test_sigkill_of_the_driver_then_grade_resumes(released, cluster):
    sids = [f"2102{i:04d}" for i in range(1, 5)]
    for sid in sids:
        submit_toy(released, sid, extra=("import time; time.sleep(1)",))
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    (released.root / "autograder.yaml").write_text(
        f"assignments: {released.source_root}\nreference_solutions: {released.reference_root}\n")
    driver = subprocess.Popen([sys.executable, "-m", "autograder.cli", "--course", str(released.root), "grade", "toy",
                               "--scheduler", cluster.address, "--quiet"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline and not released.graded_students("toy"):
        time.sleep(0.05)
    driver.send_signal(signal.SIGKILL)
    driver.wait()
    done = released.graded_students("toy")
    assert 0 < len(done) < len(sids), f"kill came too late or never: {done}"
    again = grade_assignment(settings=GradeSettings(course=released), assignment="toy", scheduler=cluster.address,
                             progress=False)
    assert sorted(again.skipped) == done                  # kept, not graded again
    assert sorted(r.student_id for r in again.graded) == sorted(set(sids) - set(done))
    assert released.graded_students("toy") == sids
    assert all(load_result(released.result_file(s, "toy")).score == 40 for s in sids)


def test_a_lost_scheduler_ends_the_batch_and_the_worker_takes_its_kernels_along(released, tmp_path, monkeypatch):
    monkeypatch.setattr(dask_runner, "LOST_TIMEOUT", 3.0)
    for sid in ("21020001", "21020002"):
        submit_toy(released, sid, extra=("import time; time.sleep(20)",))
    out = {}
    with Cluster(tmp_path / "cluster") as c:
        c.start_scheduler()
        c.start_worker("w1", death_timeout=15, nanny=False)
        c.wait_for_workers(1)
        worker = c.procs["w1"].pid

        def grade():
            out["summary"] = grade_assignment(settings=GradeSettings(course=released), assignment="toy",
                                              scheduler=c.address, progress=False)
        thread = threading.Thread(target=grade)
        thread.start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not any("ipykernel" in cmdline(p) for p in descendants(worker)):
            time.sleep(0.1)
        kernels = snapshot(descendants(worker))
        assert kernels, "the worker never started a kernel"
        t0 = time.monotonic()
        c.kill("scheduler")
        thread.join(timeout=90)
        assert not thread.is_alive(), "the batch got stuck after the scheduler died"
        assert time.monotonic() - t0 < 60
        c.procs["w1"].wait(timeout=60)        # the worker gives up on its scheduler (--death-timeout) and exits
    summary = out["summary"]
    assert sorted(r.student_id for r in summary.graded) == ["21020001", "21020002"]
    assert all(r.status == FAILED and "lost the Dask scheduler" in r.error for r in summary.graded)
    time.sleep(1.0)
    assert survivors(kernels) == []


def test_no_worker_at_all_is_a_clear_outcome(released, tmp_path, monkeypatch):
    monkeypatch.setattr(dask_runner, "NO_WORKER_TIMEOUT", 1.0)
    got = []
    with Cluster(tmp_path / "cluster") as c:
        c.start_scheduler()
        run_jobs([dask_jobs.SleepJob("s1", "toy", 0)], settings=GradeSettings(course=released),
                 fn=dask_jobs.sleep_then_grade, on_result=lambda r, bar: got.append(r), scheduler=c.address,
                 progress=False)
    assert [r.status for r in got] == [FAILED] and "no Dask worker" in got[0].error
