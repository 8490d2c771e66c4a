"""Week 3 end to end on a PostgreSQL gradebook, graded on a Dask cluster on loopback: release -> collect -> grade
(2 `dask worker` processes) -> feedback -> export, then nbgrader's own `nbgrader export` on the same database.
Two examples (full marks; seeded bugs in three tasks) must score as EXPECTED.yaml says."""
import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "pipeline"))
from dask_cluster import Cluster  # noqa: E402
from pg_server import PostgresServer, missing_reason  # noqa: E402

from autograder.core.results import load_result  # noqa: E402
from autograder.core.settings import GradeSettings, open_course  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.heavy]
ASSIGNMENT = "w03_training"
EXAMPLES = ROOT / "assignments" / ASSIGNMENT / "examples"
CHOSEN = ("21020001", "21020003")


def test_week3_on_postgres_and_dask(tmp_path):
    reason = missing_reason()
    if reason:
        pytest.skip(reason)
    pytest.importorskip("distributed", reason="the cluster extra is not installed")
    from autograder.pipeline.collect import collect_submissions
    from autograder.pipeline.export import export_scores
    from autograder.pipeline.feedback import write_feedback
    from autograder.pipeline.gradebook import gradebook_scores
    from autograder.pipeline.release import release_assignment
    from autograder.pipeline.runner import grade_assignment

    expected = {str(k): v for k, v in yaml.safe_load((EXAMPLES / "EXPECTED.yaml").read_text())["students"].items()}
    batch = tmp_path / "batch"
    batch.mkdir()
    for sid in CHOSEN:
        (batch / f"{sid}.ipynb").write_bytes((EXAMPLES / f"{sid}.ipynb").read_bytes())
    server = PostgresServer().start()
    try:
        url = server.create_database()
        root = tmp_path / "course"
        root.mkdir()
        (root / "autograder.yaml").write_text(yaml.safe_dump({
            "assignments": str(ROOT / "assignments"), "reference_solutions": str(ROOT / "reference_solutions"),
            "db_url": url}))
        course, config = open_course(root)
        os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
        release_assignment(course=course, assignment=ASSIGNMENT)
        collect_submissions(course=course, assignment=ASSIGNMENT, source=batch)
        with Cluster(tmp_path / "cluster") as cluster:
            cluster.start_scheduler()
            cluster.start_worker("w1")
            cluster.start_worker("w2")
            cluster.wait_for_workers(2)
            summary = grade_assignment(settings=GradeSettings(course=course, seed=config.seed), assignment=ASSIGNMENT,
                                       scheduler=cluster.address, progress=False)
        scores = {r.student_id: r.score for r in summary.graded}
        assert scores == pytest.approx({sid: expected[sid]["total"] for sid in CHOSEN}), \
            {r.student_id: (r.status, r.error, [t.task for t in r.tasks if t.score < t.max_score]) for r in summary.graded}
        for sid in CHOSEN:
            result = load_result(course.result_file(sid, ASSIGNMENT))
            lost = {t.task for t in result.tasks if t.score < t.max_score}
            assert lost == set(expected[sid].get("lose", [])), sid
        assert not (root / "gradebook.db").exists()
        book = gradebook_scores(course=course, assignment=ASSIGNMENT).groupby("student_id")["score"].sum().to_dict()
        assert book == pytest.approx(scores)
        assert len(write_feedback(course=course, assignment=ASSIGNMENT)) == len(CHOSEN)
        out = export_scores(course=course, out=tmp_path / "by_task.csv", assignment=ASSIGNMENT, by_task=True)
        with open(out, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        totals = {}
        for row in rows:
            totals[row["student_id"]] = totals.get(row["student_id"], 0) + float(row["score"])
        assert totals == pytest.approx(scores)
        nbgrader_csv = tmp_path / "nbgrader.csv"
        subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "export", "--db", url, f"--to={nbgrader_csv}"],
                       cwd=root, check=True, capture_output=True)
        with open(nbgrader_csv, newline="", encoding="utf-8") as fh:
            exported = {r["student_id"]: float(r["score"]) for r in csv.DictReader(fh) if r["assignment"] == ASSIGNMENT}
        assert exported == pytest.approx(scores)
    finally:
        server.stop()
