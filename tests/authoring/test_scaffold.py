"""`author new`: the scaffold has the contract's form, passes `author check` and `selftest`, never overwrites."""
import nbformat
import pytest

from autograder.authoring.check import check_assignment, render_author_report
from autograder.authoring.scaffold import new_assignment
from autograder.authoring.selftest import render_selftest, run_selftest
from autograder.core.errors import InputError
from autograder.core.manifest import load_manifest

NAME = "w99_scaffold"    # the conftest's scaffold


def test_scaffold_has_the_authoring_form(scaffold):
    for rel in (f"{NAME}.ipynb", "manifest.yaml", "tests/public/test_add.py", "tests/hidden/test_add_hidden.py",
                "examples/EXPECTED.yaml", "selftest.yaml"):
        assert (scaffold.folder / rel).is_file(), rel
    assert scaffold.reference.is_file() and scaffold.reference.parent.name == "reference_solutions"
    manifest = load_manifest(scaffold.folder / "manifest.yaml")
    assert manifest.assignment == NAME and [(t.name, t.points) for t in manifest.tasks] == [("add", 100)]
    nb = nbformat.read(str(scaffold.notebook), as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    metas = [c.metadata.nbgrader for c in nb.cells]
    assert all(m["schema_version"] == 3 and m["task"] is False for m in metas)
    assert [c.id for c in nb.cells] == ["title", "setup", "md-add", "add-solution", "add"]
    assert metas[3]["solution"] and not metas[3]["locked"] and metas[3]["grade_id"] == "add_solution"
    assert metas[4] == {**metas[4], "grade": True, "locked": True, "grade_id": "add", "points": 100}
    assert nb.cells[4].source == 'from autograder.check import check_task\ncheck_task("add")'
    assert "### BEGIN SOLUTION" in nb.cells[3].source


def test_scaffold_passes_author_check(scaffold):
    report = check_assignment(assignment_dir=scaffold.folder, reference_path=scaffold.reference)
    assert report.ok, render_author_report(report)
    assert report.exit_code == 0 and "OK" in render_author_report(report)


def test_scaffold_passes_selftest(scaffold):
    report = run_selftest(assignment_dir=scaffold.folder, reference_path=scaffold.reference, progress=False)
    assert report.ok, render_selftest(report)
    assert report.reference.verdict == "ok" and [s.verdict for s in report.styles] == ["ok"]
    assert [(v.case_id, v.verdict) for v in report.variants] == [("add/subtracts", "killed")]
    assert [(s.case_id, s.verdict) for s in report.stubs] == [("add/returns_first", "killed")]
    assert report.kill_matrix == {"add/subtracts": {"add": 100.0}}
    assert report.thin_tasks == {"add": 1}       # one variant: reported, not a failure
    assert "fewer than 2 variants: add (1)" in render_selftest(report)


def test_scaffold_refuses_to_overwrite(scaffold):
    with pytest.raises(InputError, match="already exists") as e:
        new_assignment(assignments_root=scaffold.folder.parent, reference_root=scaffold.reference.parent, name=NAME)
    assert str(scaffold.folder) in str(e.value)
    scaffold.folder.rename(scaffold.folder.with_name("moved"))
    with pytest.raises(InputError, match="already exists") as e:     # the reference alone blocks it too
        new_assignment(assignments_root=scaffold.folder.parent, reference_root=scaffold.reference.parent, name=NAME)
    assert str(scaffold.reference) in str(e.value)
    assert not scaffold.folder.exists()


@pytest.mark.parametrize("name", ["7week", "w 1", "../escape", ""])
def test_scaffold_rejects_bad_names(tmp_path, name):
    with pytest.raises(InputError):
        new_assignment(assignments_root=tmp_path, reference_root=tmp_path, name=name)
