"""Static checks of an assignment's tests: what public tests may touch (read with `ast`), and which tasks and
points the tests carry (collected by pytest with the grading plugin, once per mode: CPU and GPU runner).
"""
from __future__ import annotations

import ast
from pathlib import Path

from autograder.authoring.findings import AuthorReport
from autograder.core.manifest import Manifest
from autograder.testing.plugin import GradingPlugin, run_tests

FORBIDDEN_MODULES = ("reference_solutions",)
FORBIDDEN_NAMES = ("load_reference",)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _mentions_hidden(text: str) -> bool:
    parts = text.replace("\\", "/").split("/")
    return "reference_solutions" in text or "hidden" in parts or text.endswith("_hidden.py")


def check_public_tests(*, assignment_dir: Path, report: AuthorReport) -> None:
    """Public tests ship to students: no `reference` fixture, no reference module, no hidden tests or data."""
    public = assignment_dir / "tests" / "public"
    for path in sorted(public.rglob("*.py")):
        file = _rel(path, assignment_dir)
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except SyntaxError as e:
            report.add("test_invalid", file, f"line {e.lineno}", f"not valid Python: {e.msg}")
            continue
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            if node in docstrings:
                continue
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = [a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)]
                if "reference" in args:
                    report.add("public_uses_reference", file, f"{node.name} (line {node.lineno})",
                               f"`{node.name}` takes the `reference` fixture; public tests ship to students",
                               "move this test to tests/hidden/ or compare with hand-computed values")
            elif isinstance(node, ast.Constant) and node.value == "reference" and _in_fixture_lookup(node, tree):
                report.add("public_uses_reference", file, f"line {node.lineno}",
                           "asks pytest for the `reference` fixture", "move this test to tests/hidden/")
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                names += [a.name for a in node.names] if isinstance(node, ast.ImportFrom) else []
                bad = [n for n in names if n.split(".")[0] in FORBIDDEN_MODULES or n in FORBIDDEN_NAMES]
                if bad:
                    report.add("public_reads_hidden", file, f"line {node.lineno}",
                               f"imports {', '.join(bad)} (grader-side only)", "public tests import only "
                               "autograder.testing and libraries; move the test to tests/hidden/")
            elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
                report.add("public_reads_hidden", file, f"line {node.lineno}",
                           f"uses {node.id} (grader-side only)", "move the test to tests/hidden/")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _mentions_hidden(node.value):
                report.add("public_reads_hidden", file, f"line {node.lineno}",
                           f"refers to hidden material: {node.value[:60]!r}",
                           "public tests must not read hidden tests or data; move the test to tests/hidden/")


def _docstrings(tree: ast.AST) -> set:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(first.value)
    return out


def _in_fixture_lookup(const: ast.Constant, tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "getfixturevalue" and const in node.args):
            return True
    return False


def collect_points(*, assignment_dir: Path, gpu: bool) -> tuple[list, list[str]]:
    """(collected tests with task and points, collection errors) as the grader would see them in this mode."""
    plugin = GradingPlugin(student=None, gpu=gpu)
    dirs = [assignment_dir / "tests" / v for v in ("public", "hidden")]
    if not any(d.is_dir() for d in dirs):
        return [], ["no tests/public or tests/hidden folder"]
    run_tests(test_dirs=dirs, plugin=plugin, extra_args=("--collect-only",))
    errors = list(plugin.errors)
    if errors:   # pytest's own words about the module that did not import
        errors += [line.strip() for line in plugin.log.splitlines() if line.startswith(("ERROR", "E   "))][:10]
    return plugin.collected, errors


def check_test_points(*, assignment_dir: Path, manifest: Manifest, report: AuthorReport) -> None:
    tasks = {t.name: t for t in manifest.tasks}
    seen_unknown: set[str] = set()
    for gpu in (False, True):
        mode = "GPU runner" if gpu else "CPU runner"
        collected, errors = collect_points(assignment_dir=assignment_dir, gpu=gpu)
        if errors:
            report.add("test_invalid", "tests/", "collection", "; ".join(errors),
                       "every test needs @pytest.mark.task(NAME, points=P) and its module must import")
            return
        sums: dict[str, float] = {}
        for test in collected:
            if test.task not in tasks:
                if test.test_id not in seen_unknown:
                    seen_unknown.add(test.test_id)
                    report.add("unknown_task", f"tests/{test.test_id.split('::')[0]}", test.test_id,
                               f"@pytest.mark.task names {test.task!r}, not a manifest task "
                               f"({', '.join(tasks)})", "use the task name exactly as in manifest.yaml")
                continue
            sums[test.task] = sums.get(test.task, 0.0) + test.points
        for name, task in tasks.items():
            if task.gpu:
                continue
            got = sums.get(name, 0.0)
            if abs(got - task.points) > 1e-9:
                report.add("test_points", "tests/", f"task {name}",
                           f"on a {mode} the tests of {name!r} carry {got:g} points, the manifest gives "
                           f"{task.points:g}", "a @gpu test needs a @cpu_only twin with the same points; "
                           "parametrised tests carry their points once per case")
