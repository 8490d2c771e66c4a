"""CSV exports of stored results (`autograded/STUDENT/ASSIGNMENT/result.json`).

    export_scores(course=..., out=Path("scores.csv"))                  student_id,assignment,score,max_score
    export_scores(course=..., out=..., by_task=True)                    student_id,assignment,task,score,max_score

Rows are sorted by assignment then student. A submission that errored exports 0 for each task.
Written by `core/csvfile.py`: plain UTF-8 (IDs and numbers only; see csvfile's docstring), text cells
formula-safe, scores as numbers shown the way the feedback page shows them (`core/scores.format_score`),
atomically.
"""
from __future__ import annotations

from pathlib import Path

from autograder.core.coursedir import CourseDirectory
from autograder.core.csvfile import write_csv
from autograder.core.results import load_result

TOTAL_COLUMNS = ["student_id", "assignment", "score", "max_score"]
TASK_COLUMNS = ["student_id", "assignment", "task", "score", "max_score"]
def _results(course: CourseDirectory, assignment: str | None):
    base = course.root / "autograded"
    if not base.is_dir():
        return []
    found = []
    for student_dir in sorted(p for p in base.iterdir() if p.is_dir()):
        for a_dir in sorted(p for p in student_dir.iterdir() if p.is_dir()):
            if assignment is not None and a_dir.name != assignment:
                continue
            result = load_result(a_dir / "result.json")
            if result is not None:
                found.append(result)
    return sorted(found, key=lambda r: (r.assignment, r.student_id))


def score_rows(*, course: CourseDirectory, assignment: str | None = None, by_task: bool = False) -> list[list]:
    rows = []
    for r in _results(course, assignment):
        graded = r.status == "graded"
        if by_task:
            rows += [[r.student_id, r.assignment, t.task, t.score if graded else 0.0, t.max_score] for t in r.tasks]
        else:
            rows.append([r.student_id, r.assignment, r.score if graded else 0.0, r.max_score])
    return rows


def export_scores(*, course: CourseDirectory, out: Path, assignment: str | None = None, by_task: bool = False) -> Path:
    """Write the CSV atomically; returns `out`."""
    rows = score_rows(course=course, assignment=assignment, by_task=by_task)
    return write_csv(out, rows, header=TASK_COLUMNS if by_task else TOTAL_COLUMNS, bom=False)
