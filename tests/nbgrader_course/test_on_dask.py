"""`grade --nbgrader --scheduler`: the kernels run on Dask workers (real `dask worker` processes on loopback)
that cannot open the course folder, since the driver sanitises each submission and ships it with its files; the
gradebook and autograded/ end as nbgrader's would."""
from pathlib import Path

import pytest

pytest.importorskip("distributed", reason="the cluster extra (dask[distributed]) is not installed")

from pipeline.dask_cluster import Cluster  # noqa: E402  (tests/ is on sys.path: pytest's rootdir import mode)

from autograder.nbgrader_course import grade_nbgrader_assignment  # noqa: E402

from .course_files import STUDENTS, totals  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.heavy]
PRELOAD = Path(__file__).parent / "files" / "worker_without_course.py"


def test_graded_on_dask_workers_that_never_open_the_course(course, by_nbgrader, tmp_path):
    with Cluster(tmp_path / "cluster") as cluster:
        cluster.start_scheduler()
        cluster.start_worker("w", nthreads=2, preload=(str(PRELOAD),))
        cluster.wait_for_workers(1)
        summary = grade_nbgrader_assignment(root=course, assignment="ps1", student_ids=list(STUDENTS),
                                            scheduler=cluster.address, progress=False, warn=lambda _: None)
    assert not summary.failed, [(s.student_id, s.error) for s in summary.failed]
    assert sorted(s.student_id for s in summary.graded) == sorted(STUDENTS)
    ours, theirs = totals(course), totals(by_nbgrader)
    assert {s: ours[s] for s in STUDENTS} == {s: theirs[s] for s in STUDENTS}
    for student in STUDENTS:        # the files nbgrader copies beside the notebooks arrived as bytes
        folder = f"autograded/{student}/ps1"
        assert sorted(p.name for p in (course / folder).iterdir()) == \
            sorted(p.name for p in (by_nbgrader / folder).iterdir())
