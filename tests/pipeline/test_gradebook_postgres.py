"""The gradebook on a real PostgreSQL server (a private one, started here): grading, nbgrader's own `nbgrader export`
on the same database, and two graders writing at once."""
import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.core.coursedir import CourseDirectory
from autograder.core.results import load_result
from autograder.core.settings import GradeSettings, open_course
from autograder.pipeline.gradebook import gradebook_scores
from autograder.pipeline.release import release_assignment
from autograder.pipeline.runner import grade_assignment

from .conftest import build_source
from .dask_cluster import FILES, submit_toy
from .pg_server import PostgresServer, missing_reason

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pg():
    reason = missing_reason()
    if reason:
        pytest.skip(reason)
    pytest.importorskip("psycopg", reason="the cluster extra (psycopg) is not installed")
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture
def pg_course(tmp_path, pg):
    """The toy assignment released into a course whose autograder.yaml names a PostgreSQL gradebook."""
    base = build_source(tmp_path)
    url = pg.create_database()
    (base.root / "autograder.yaml").write_text(f"assignments: {base.source_root}\n"
                                               f"reference_solutions: {base.reference_root}\ndb_url: {url}\n")
    course, _ = open_course(base.root)
    assert course.db_url == url
    release_assignment(course=course, assignment="toy")
    return course


def _tool_env():
    return dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")


def test_grading_writes_the_postgres_gradebook_and_nbgrader_exports_it(pg_course):
    submit_toy(pg_course, "21020001")
    submit_toy(pg_course, "21020002", add_one="return x + 2")
    summary = grade_assignment(settings=GradeSettings(course=pg_course), assignment="toy", workers=1, progress=False)
    assert {r.student_id: r.score for r in summary.graded} == {"21020001": 40, "21020002": 0}
    assert not (pg_course.root / "gradebook.db").exists()           # nothing went to the SQLite default
    totals = gradebook_scores(course=pg_course).groupby("student_id")["score"].sum().to_dict()
    assert totals == {"21020001": 40.0, "21020002": 0.0}
    out = pg_course.root / "grades.csv"
    subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "export", "--db", pg_course.db_url,
                    f"--to={out}"], cwd=pg_course.root, env=_tool_env(), check=True, capture_output=True)
    with open(out, newline="", encoding="utf-8") as fh:
        rows = {r["student_id"]: r for r in csv.DictReader(fh)}
    assert {sid: float(rows[sid]["score"]) for sid in totals} == totals
    assert all(float(rows[sid]["max_score"]) == 100.0 for sid in totals)
    assert load_result(pg_course.result_file("21020001", "toy")).score == 40


def test_two_graders_writing_at_once_lose_nothing(pg_course):
    argv = [str(pg_course.root), str(pg_course.source_root), str(pg_course.reference_root), pg_course.db_url]
    n = 12
    writers = [subprocess.Popen([sys.executable, str(FILES / "gradebook_writer.py"), *argv, prefix, str(n)],
                                env=dict(_tool_env(), PYTHONPATH=str(Path(__file__).resolve().parents[2])),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for prefix in ("2101", "2102")]
    for w in writers:
        out, err = w.communicate(timeout=300)
        assert w.returncode == 0, err[-2000:]
    frame = gradebook_scores(course=CourseDirectory(root=pg_course.root, source_root=pg_course.source_root,
                                                    reference_root=pg_course.reference_root, db=pg_course.db_url))
    totals = frame.groupby("student_id")["score"].sum().to_dict()
    want = {f"{p}{i:04d}": (40.0 if i % 2 == 0 else 0.0) for p in ("2101", "2102") for i in range(n)}
    want["99999999"] = 40.0
    assert totals == want
    assert len(frame) == 2 * len(want)                                # one row per task, no duplicate
