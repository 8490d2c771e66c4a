"""`autograder author check A`: everything in an assignment folder that would break grading, as findings.

    report = check_assignment(assignment_dir=Path("assignments/w03_training"),
                              reference_path=Path("reference_solutions/w03_training.py"))
    print(render_author_report(report)); sys.exit(report.exit_code)

Order: manifest (nothing else can be checked without it), notebook markup, tests (what public tests touch, tasks
and points per runner mode), then the slower runs: the notebook's solutions and the reference, each as the
student in this process (LocalProxy), and finally the examples through the real pipeline (sandboxed kernels).
"""
from __future__ import annotations

import contextlib
import io
from pathlib import Path

from autograder.authoring.examples import check_examples
from autograder.authoring.findings import AuthorReport, render_author_report
from autograder.authoring.inprocess import grade_namespace, plain_code, reference_namespace, student_workdir
from autograder.authoring.notebook_checks import check_notebook, nbgrader_meta, read_notebook
from autograder.authoring.test_checks import check_public_tests, check_test_points
from autograder.core.errors import ConfigError
from autograder.core.manifest import load_manifest
from autograder.core.yamlconfig import read_yaml

__all__ = ["check_assignment", "render_author_report"]


def check_assignment(*, assignment_dir: Path | str, reference_path: Path | str, run_examples: bool = True,
                     sandbox: str = "auto", select: str | None = None, gpu: bool = False,
                     run_tests: bool = True) -> AuthorReport:
    """Check one assignment folder; `select` is a pytest -k expression for the in-process runs (e.g. to leave
    out slow trainings); `run_tests=False` stops after the static checks (manifest, markup, test rules and points;
    seconds). Never raises for a problem of the folder: each one is a finding."""
    assignment_dir = Path(assignment_dir).resolve()
    reference_path = Path(reference_path).resolve()
    report = AuthorReport(assignment=assignment_dir.name, assignment_dir=str(assignment_dir))
    try:
        manifest = load_manifest(assignment_dir / "manifest.yaml")
    except ConfigError as e:
        kind = "points_total" if _points_off(assignment_dir / "manifest.yaml") else "manifest_invalid"
        report.add(kind, "manifest.yaml", e.where or "", e.detail, e.hint or "")
        return report
    report.steps.append("manifest")
    nb = read_notebook(assignment_dir / manifest.notebook, report)
    if nb is not None:
        check_notebook(nb, manifest=manifest, report=report, file=manifest.notebook)
        report.steps.append("notebook markup")
    check_public_tests(assignment_dir=assignment_dir, report=report)
    check_test_points(assignment_dir=assignment_dir, manifest=manifest, report=report)
    report.steps.append("tests: public-test rules, tasks and points (CPU and GPU runner)")
    if report.findings or not run_tests:
        return report    # the runs below would only repeat these problems less clearly
    if not reference_path.is_file():
        report.add("reference_fails_test", str(reference_path), "", "the reference module does not exist",
                   f"write reference_solutions/{assignment_dir.name}.py")
        return report
    runs = [("reference", "reference_fails_test", lambda: reference_namespace(reference_path))]
    if nb is not None:
        runs.append(("notebook", "notebook_fails_test", lambda: _notebook_namespace(nb, manifest, report)))
    for label, kind, make_ns in runs:
        with student_workdir(manifest, assignment_dir):
            ns = make_ns()
            run = grade_namespace(ns, assignment_dir=assignment_dir, reference_path=reference_path,
                                  select=select, gpu=gpu)
        for err in run.errors:
            report.add("test_invalid", "tests/", label, err)
        file = reference_path.name if label == "reference" else manifest.notebook
        for test_id, task, message in run.failed:
            report.add(kind, file, test_id, f"{task}: {message}",
                       "the reference must pass every test" if label == "reference" else
                       "the notebook's solution cells must agree with the reference")
        report.steps.append(f"{label} as the student: {run.n_tests - len(run.failed)} of {run.n_tests} test(s) "
                            "passed" + (f" (-k {select!r})" if select else ""))
    if run_examples and not report.findings:
        check_examples(assignment_dir=assignment_dir, reference_path=reference_path, manifest=manifest,
                       report=report, sandbox=sandbox)
    return report


def _points_off(path: Path) -> bool:
    """The manifest's only problem is its total (the loader's ConfigError says more about anything else)."""
    try:
        data = read_yaml(path, not_found="") or {}
        tasks = data.get("tasks") or {}
        pts = [(s if not isinstance(s, dict) else s.get("points", 0)) for s in tasks.values()
               if not (isinstance(s, dict) and s.get("gpu"))]
        return abs(sum(float(p) for p in pts) - float(data.get("total_points", 100))) > 1e-9
    except (ConfigError, TypeError, ValueError, AttributeError):
        return False


def _notebook_namespace(nb, manifest, report: AuthorReport) -> dict:
    """Run the notebook's code cells (not the grade cells) here, in order, like a kernel would."""
    ns: dict = {"__name__": "__main__"}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or nbgrader_meta(cell).get("grade"):
            continue
        try:
            with contextlib.redirect_stdout(io.StringIO()):   # a cell's demo output is not ours to show
                exec(compile(plain_code(cell.source), f"<{manifest.notebook} cell {cell.get('id') or i + 1}>",
                             "exec"), ns)
        except Exception as e:  # noqa: BLE001 - a cell that raises is a finding, later cells still run
            report.add("notebook_cell_error", manifest.notebook, f"cell {cell.get('id') or i + 1}",
                       f"raised {type(e).__name__}: {str(e)[:300]}", "run the notebook top to bottom in Jupyter")
    return ns
