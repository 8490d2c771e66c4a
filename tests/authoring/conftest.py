"""A scaffolded assignment in tmp_path: the good copy every broken copy is made from."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.authoring.scaffold import new_assignment

NAME = "w99_scaffold"


@dataclass
class Copy:
    root: Path
    folder: Path
    reference: Path

    @property
    def notebook(self) -> Path:
        return self.folder / f"{NAME}.ipynb"

    def cells(self) -> list[dict]:
        return json.loads(self.notebook.read_text(encoding="utf-8"))["cells"]

    def edit_cell(self, cell_id: str, *, source=None, nbgrader=None, delete=False) -> None:
        nb = json.loads(self.notebook.read_text(encoding="utf-8"))
        cell = next(c for c in nb["cells"] if c["id"] == cell_id)
        if delete:
            nb["cells"].remove(cell)
        if source is not None:
            cell["source"] = source
        if nbgrader:
            cell["metadata"]["nbgrader"].update(nbgrader)
        self.notebook.write_text(json.dumps(nb, indent=1), encoding="utf-8")

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.folder / rel if rel != "REFERENCE" else self.reference
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new), encoding="utf-8")

    def write(self, rel: str, text: str) -> None:
        (self.folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (self.folder / rel).write_text(text, encoding="utf-8")


@pytest.fixture
def scaffold(tmp_path) -> Copy:
    report = new_assignment(assignments_root=tmp_path / "assignments", reference_root=tmp_path / "reference_solutions",
                            name=NAME)
    return Copy(root=tmp_path, folder=report.assignment_dir, reference=report.reference)
