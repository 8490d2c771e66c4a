"""`author check`, examples: every example notebook graded through the real pipeline job (release in a
temporary course, sanitise, sandboxed kernel, public + hidden tests) and compared with examples/EXPECTED.yaml.

    students:
      "21020001": {total: 100, style: "..."}
      "21020003": {total: 92, lose: [momentum_step], bug: "..."}
      "21020009": {total: 0, error: true, note: "does not run"}
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from autograder.authoring.findings import AuthorReport
from autograder.core.coursedir import CourseDirectory
from autograder.core.errors import AutograderError, ConfigError
from autograder.core.settings import GradeSettings
from autograder.core.yamlconfig import check_keys, read_yaml

EXPECTED = "EXPECTED.yaml"
SPEC_KEYS = {"total", "lose", "error", "style", "bug", "note"}


def read_expected(examples_dir: Path) -> dict[str, dict]:
    """student id -> {total, lose, error, ...}; ConfigError naming file and key when malformed."""
    path = examples_dir / EXPECTED
    data = read_yaml(path, not_found="no EXPECTED.yaml in the examples folder",
                     hint="write `students: {}` when there are no examples yet") or {}
    check_keys(data, {"students"}, file=path, where="top level")
    students = data.get("students") or {}
    if not isinstance(students, dict):
        raise ConfigError("students must map student ids to {total: N, ...}", file=str(path), where="students")
    out = {}
    for sid, spec in students.items():
        spec = spec if isinstance(spec, dict) else {"total": spec}
        check_keys(spec, SPEC_KEYS, file=path, where=f"students.{sid}")
        if not isinstance(spec.get("total"), (int, float)) or isinstance(spec.get("total"), bool):
            raise ConfigError(f"total must be a number, got {spec.get('total')!r}", file=str(path),
                              where=f"students.{sid}.total")
        out[str(sid)] = spec
    return out


def check_examples(*, assignment_dir: Path, reference_path: Path, manifest, report: AuthorReport,
                   sandbox: str = "auto", seed: int = 3121) -> None:
    examples = assignment_dir / "examples"
    if not examples.is_dir():
        return
    try:
        expected = read_expected(examples)
    except ConfigError as e:
        report.add("expected_invalid", f"examples/{EXPECTED}", e.where or "", e.detail, e.hint or "")
        return
    notebooks = {p.stem: p for p in sorted(examples.glob("*.ipynb"))}
    for sid in sorted(set(expected) - set(notebooks)):
        report.add("example_missing", f"examples/{EXPECTED}", f"students.{sid}",
                   f"names {sid}.ipynb, which is not in examples/", "add the notebook or remove the entry")
    for sid in sorted(set(notebooks) - set(expected)):
        report.add("example_unlisted", f"examples/{sid}.ipynb", sid, "not listed in EXPECTED.yaml",
                   f'add `"{sid}": {{total: N}}` under students:')
    todo = sorted(set(expected) & set(notebooks))
    if not todo:
        return
    root = Path(tempfile.mkdtemp(prefix="autograder-author-"))
    try:
        course = _course(root, assignment_dir=assignment_dir, reference_path=reference_path, name=manifest.assignment)
        from autograder.pipeline.release import release_assignment
        try:
            release_assignment(course=course, assignment=manifest.assignment, exchange=False)
        except AutograderError as e:
            report.add("release", manifest.notebook, "", str(e), "fix the notebook so that nbgrader can release it")
            return
        from autograder.pipeline.job import grade_submission
        settings = GradeSettings(course=course, sandbox=sandbox, seed=seed, save_notebook=False)
        for sid in todo:
            result = grade_submission(assignment=manifest.assignment, notebook_path=notebooks[sid],
                                      settings=settings, student_id=sid)
            for problem in compare(result, expected[sid]):
                report.add("example_score", f"examples/{sid}.ipynb", sid, problem,
                           "fix the tests or the example, or update EXPECTED.yaml if the new score is right")
        report.steps.append(f"{len(todo)} example(s) graded through the pipeline (sandbox {sandbox})")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _course(root: Path, *, assignment_dir: Path, reference_path: Path, name: str) -> CourseDirectory:
    """A throw-away course whose sources are the assignment folder's parent and whose reference is ours."""
    ref_root = Path(reference_path).parent
    if Path(reference_path).name != f"{name}.py":
        ref_root = root / "reference_solutions"
        ref_root.mkdir()
        shutil.copy2(reference_path, ref_root / f"{name}.py")
    source_root = assignment_dir.parent
    if assignment_dir.name != name:
        source_root = root / "assignments"
        source_root.mkdir()
        (source_root / name).symlink_to(assignment_dir.resolve(), target_is_directory=True)
    return CourseDirectory(root=root / "course", source_root=source_root, reference_root=ref_root)


def compare(result, spec: dict) -> list[str]:
    """What differs between a SubmissionResult and its EXPECTED.yaml entry (empty when it scores as said)."""
    problems = []
    lost = {t.task: t for t in result.tasks if t.score < t.max_score}
    detail = f"; lost in {', '.join(sorted(lost)) or 'nothing'}" + (f"; error: {result.error}" if result.error else "")
    if abs(result.score - float(spec["total"])) > 1e-6:
        problems.append(f"scored {result.score:g}, EXPECTED.yaml says {float(spec['total']):g}{detail}")
    if "lose" in spec and set(lost) != set(spec.get("lose") or []):
        problems.append(f"lost points in [{', '.join(sorted(lost))}], EXPECTED.yaml says "
                        f"[{', '.join(sorted(spec.get('lose') or []))}]")
    if bool(spec.get("error")) != (result.status == "error"):
        problems.append(f"status {result.status!r}, EXPECTED.yaml says error={bool(spec.get('error'))}")
    for task, t in lost.items():
        if result.status == "graded" and not t.messages:
            problems.append(f"{task} lost points without a message")
    return problems
