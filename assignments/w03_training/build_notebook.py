"""Write the instructor notebook `w03_training.ipynb` (nbgrader markup) from the cell texts below.

    .venv/bin/python assignments/w03_training/build_notebook.py

Cells: locked markdown from the week-3 lecture, a locked setup cell, one solution cell per task (the code
between BEGIN/END SOLUTION is what nbgrader clears) and after each task ONE locked grade cell that runs the
task's public checks. Points come from manifest.yaml. The solutions behave exactly like
reference_solutions/w03_training.py (tests/assignments/test_w03_content.py checks it).
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from notebook_cells import CELLS  # noqa: E402  (sibling module: the cell texts)

from autograder.core.manifest import load_manifest  # noqa: E402


def _meta(grade_id: str, *, solution=False, grade=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution,
            "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def build(manifest_path: Path = HERE / "manifest.yaml") -> nbformat.NotebookNode:
    manifest = load_manifest(manifest_path)
    cells = []
    for kind, key, source in CELLS:
        if kind == "md":
            cell = nbformat.v4.new_markdown_cell(source.strip("\n"), metadata=_meta(key, locked=True))
        elif kind == "setup":
            cell = nbformat.v4.new_code_cell(source.strip("\n"), metadata=_meta(key, locked=True))
        elif kind == "solution":
            cell = nbformat.v4.new_code_cell(source.strip("\n"), metadata=_meta(f"{key}_solution", solution=True))
            cells.append(_with_id(cell))
            check = f'from autograder.check import check_task\ncheck_task("{key}")'
            cell = nbformat.v4.new_code_cell(check, metadata=_meta(key, grade=True, locked=True,
                                                                   points=manifest.task(key).points))
        else:
            raise ValueError(f"unknown cell kind {kind!r}")
        cells.append(_with_id(cell))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def _with_id(cell):
    cell["id"] = cell["metadata"]["nbgrader"]["grade_id"].replace("_", "-")
    return cell


def main() -> int:
    nb = build()
    nbformat.validate(nb)
    out = HERE / "w03_training.ipynb"
    nbformat.write(nb, str(out))
    print(f"wrote {out} ({len(nb.cells)} cells)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
