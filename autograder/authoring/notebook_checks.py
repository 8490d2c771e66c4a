"""Static checks of the assignment notebook against its manifest (nbgrader markup, cell by cell).

Each check adds findings to an `AuthorReport`; nothing is executed here.
"""
from __future__ import annotations

import ast
from pathlib import Path

import nbformat

from autograder.authoring.findings import AuthorReport
from autograder.authoring.inprocess import plain_code
from autograder.core.manifest import Manifest

GRADE_SOURCE = 'from autograder.check import check_task\ncheck_task("{task}")'


def grade_source(task: str) -> str:
    return GRADE_SOURCE.format(task=task)


def nbgrader_meta(cell) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta if isinstance(meta, dict) else {}


def cell_name(cell, index: int) -> str:
    return f"cell {cell.get('id') or index + 1}"


def top_level_names(source: str) -> set[str]:
    """Names of the top-level def/class statements (SyntaxError propagates)."""
    tree = ast.parse(plain_code(source))
    return {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}


def read_notebook(path: Path, report: AuthorReport):
    try:
        return nbformat.read(str(path), as_version=4)
    except Exception as e:  # noqa: BLE001 - any unreadable notebook is one finding
        report.add("notebook_invalid", path.name, "", f"cannot read the notebook: {type(e).__name__}: {e}",
                   "open it in Jupyter and save it again")
        return None


def check_notebook(nb, *, manifest: Manifest, report: AuthorReport, file: str) -> None:
    tasks = {t.name: t for t in manifest.tasks}
    defined: dict[str, str] = {}          # task name -> cell that defines it
    grade_cells: dict[str, tuple[str, object]] = {}
    for i, cell in enumerate(nb.cells):
        meta, where = nbgrader_meta(cell), cell_name(cell, i)
        if cell.cell_type == "code" and meta.get("solution"):
            try:
                for name in top_level_names(cell.source):
                    defined.setdefault(name, where)
            except SyntaxError as e:
                report.add("solution_syntax", file, where, f"solution cell is not valid Python: {e.msg} "
                           f"(line {e.lineno})", "fix the code between ### BEGIN SOLUTION and ### END SOLUTION")
            continue
        if meta.get("grade") and cell.cell_type == "code":
            _check_grade_cell(cell, meta, where, tasks=tasks, grade_cells=grade_cells, report=report, file=file)
        if cell.cell_type in ("markdown", "code") and not meta.get("locked"):
            what = {"markdown": "markdown cell", "code": "grade cell" if meta.get("grade") else "code cell"}
            report.add("unlocked_cell", file, where, f"{what[cell.cell_type]} is not locked "
                       f"(starts {cell.source.strip()[:40]!r})",
                       "in Jupyter's Create Assignment toolbar make it 'Read-only' (or a solution cell if "
                       "students write in it)")
    for name, task in tasks.items():
        if task.gpu:
            continue
        if name not in defined:
            report.add("missing_solution", file, f"task {name}", f"no solution cell defines `{name}` at top level",
                       f"add a solution cell (grade_id {name}_solution) with `def {name}(...)` or `class {name}`")
        if name not in grade_cells:
            report.add("missing_grade_cell", file, f"task {name}", f"no grade cell with grade_id {name!r}",
                       f"after the solution cell add an 'Autograder tests' cell, ID {name}, {task.points:g} "
                       f"points, source {grade_source(name)!r}")


def _check_grade_cell(cell, meta, where, *, tasks, grade_cells, report, file) -> None:
    gid = str(meta.get("grade_id", ""))
    if gid not in tasks:
        report.add("grade_cell_unknown_task", file, where, f"grade cell {gid!r} is not a manifest task "
                   f"(tasks: {', '.join(tasks)})", "name the grade cell (its ID) after the task it grades")
        return
    if gid in grade_cells:
        report.add("grade_cell_unknown_task", file, where, f"a second grade cell for task {gid!r} "
                   f"(first: {grade_cells[gid][0]})", "keep one grade cell per task")
        return
    grade_cells[gid] = (where, cell)
    points = meta.get("points")
    want = tasks[gid].points
    if not isinstance(points, (int, float)) or abs(float(points) - want) > 1e-9:
        report.add("grade_points", file, where, f"grade cell {gid!r} has {points!r} points, the manifest gives "
                   f"{want:g}", "make the grade cell's points equal the manifest's")
    if cell.source.strip() != grade_source(gid):
        report.add("grade_cell_source", file, where, f"grade cell {gid!r} must contain exactly "
                   f"{grade_source(gid)!r}, found {cell.source.strip()[:80]!r}",
                   "the grader restores grade cells from the release; keep only the check_task call")
