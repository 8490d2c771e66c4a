"""The student's local check: public tests only, offline, CPU, no reference solutions.

From a shell::

    autograder check w03_training.ipynb          # exit 0 only if every public check passes

From inside the notebook (one call in a cell; the released notebook's grade cells do this per task)::

    from autograder.check import check_task
    check_task("adam_step")        # or check_task() for every task
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from autograder.core.errors import InputError
from autograder.core.manifest import Limits
from autograder.core.results import CheckResult
from autograder.testing.plugin import GradingPlugin, run_tests

PUBLIC_TESTS_DIRNAME = "public_tests"


@dataclass
class CheckReport:
    notebook: str
    checks: list[CheckResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def tasks(self) -> dict[str, list[CheckResult]]:
        out: dict[str, list[CheckResult]] = {}
        for c in self.checks:
            out.setdefault(c.task, []).append(c)
        return out

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.checks) and all(c.passed for c in self.checks)


def find_public_tests(start: Path) -> Path:
    """`public_tests/` next to the notebook (as released), or in a parent folder."""
    for folder in (start, *start.parents):
        candidate = folder / PUBLIC_TESTS_DIRNAME
        if candidate.is_dir():
            return candidate
    raise InputError(f"no {PUBLIC_TESTS_DIRNAME}/ folder found next to the notebook", file=str(start),
                     hint="keep the notebook in the folder it was released in, or pass --tests DIR")


def check_notebook(*, notebook: Path | str, tests_dir: Path | str | None = None, sandbox: str = "none",
                   limits: Limits | None = None, tasks: tuple[str, ...] | None = None) -> CheckReport:
    """Run the notebook in a fresh kernel and its public tests against it."""
    import shutil
    import tempfile

    from autograder.engine.session import student_session
    from autograder.pipeline.validate import sanitize_submission

    notebook = Path(notebook).resolve()
    tests = Path(tests_dir).resolve() if tests_dir else find_public_tests(notebook.parent)
    limits = limits or Limits()
    nb, notes = sanitize_submission(path=notebook, release_notebook=None, max_mb=limits.notebook_mb)
    report = CheckReport(notebook=str(notebook), notes=list(notes))
    workdir = Path(tempfile.mkdtemp(prefix="autograder-check-"))
    for item in notebook.parent.iterdir():   # the released data files (data/ folders too), as the notebook sees them
        if item.is_file() and item.suffix != ".ipynb" and item.stat().st_size < 50 * 2**20:
            shutil.copy2(item, workdir / item.name)
        elif item.is_dir() and item.name not in (PUBLIC_TESTS_DIRNAME, ".ipynb_checkpoints", "__pycache__"):
            shutil.copytree(item, workdir / item.name, ignore=shutil.ignore_patterns("*.ipynb", ".*"))
    with student_session(nb, workdir=workdir, limits=limits, sandbox=sandbox) as session:
        report.notes.extend(session.notes)
        plugin = GradingPlugin(student=session.proxy, tasks=tasks, test_timeout=limits.test_timeout)
        run_tests(test_dirs=[tests], plugin=plugin)
        report.checks, report.errors = plugin.results, plugin.errors
    return report


def check_namespace(*, namespace: dict, tests_dir: Path | str | None = None,
                    tasks: tuple[str, ...] | None = None) -> CheckReport:
    """Run public tests against functions defined in `namespace` (this process; no sandbox needed)."""
    from autograder.engine.proxy import LocalProxy
    tests = Path(tests_dir).resolve() if tests_dir else find_public_tests(Path.cwd())
    plugin = GradingPlugin(student=LocalProxy(namespace), tasks=tasks)
    run_tests(test_dirs=[tests], plugin=plugin)
    return CheckReport(notebook="(this notebook)", checks=plugin.results, errors=plugin.errors)


def render_report(report: CheckReport) -> str:
    lines = []
    for task, checks in report.tasks.items():
        failed = [c for c in checks if not c.passed]
        mark = "PASS" if not failed else "FAIL"
        lines.append(f"[{mark}] {task}  ({len(checks) - len(failed)}/{len(checks)} public checks)")
        for c in failed:
            lines.append(f"       - {c.message}")
    for note in report.notes:
        lines.append(f"note: {note}")
    for err in report.errors:
        lines.append(f"error: {err}")
    if not report.checks and not report.errors:
        lines.append("no public checks were found for this notebook")
    passed = sum(c.passed for c in report.checks)
    lines.append(f"{passed} passed, {len(report.checks) - passed} failed")
    return "\n".join(lines)


def check_task(*names: str, tests_dir: str | None = None) -> bool:
    """In a notebook: run the public checks of the given tasks (all when none) and print the outcome."""
    import __main__
    report = check_namespace(namespace=vars(__main__), tests_dir=tests_dir, tasks=tuple(names) or None)
    print(render_report(report))
    return report.ok
