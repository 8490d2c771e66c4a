"""What `author check` found, as data (`Finding`, `AuthorReport`), and its text rendering.

Each finding names its `kind` (a stable word tests and tools can match), the `file` it is in, `where` in that file
(a cell id, a test id, a task, a YAML key), a `message` for a person and a `hint` saying how to fix it.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

# kind -> one line: what it means (the list `author check --help` and docs/AUTHORING.md describe)
KINDS = {
    "manifest_invalid": "manifest.yaml cannot be read or has a wrong key/value",
    "points_total": "the manifest's task points do not add up to 100",
    "notebook_invalid": "the assignment notebook cannot be read",
    "missing_solution": "a manifest task has no solution cell defining it (top-level def/class)",
    "solution_syntax": "a solution cell is not valid Python",
    "missing_grade_cell": "a manifest task has no grade cell with grade_id = the task name",
    "grade_points": "a grade cell's points disagree with the manifest",
    "grade_cell_source": "a grade cell's source is not the check_task call",
    "grade_cell_unknown_task": "a grade cell names a task that is not in the manifest",
    "unlocked_cell": "an instructor cell (markdown, setup/helper code, grade cell) is not locked",
    "public_uses_reference": "a public test uses the `reference` fixture",
    "public_reads_hidden": "a public test imports reference solutions or reads hidden tests/data",
    "test_invalid": "a test file cannot be parsed or collected, or a test has no task marker",
    "unknown_task": "a test's @pytest.mark.task names a task that is not in the manifest",
    "test_points": "a task's test points disagree with the manifest (CPU or GPU mode)",
    "notebook_cell_error": "a notebook cell raised when the solutions were run in-process",
    "notebook_fails_test": "a test fails with the notebook's solutions as the student",
    "reference_fails_test": "a test fails with the reference module as the student",
    "release": "the assignment cannot be released (nbgrader or the leak scan refused it)",
    "expected_invalid": "examples/EXPECTED.yaml cannot be read or is malformed",
    "example_missing": "EXPECTED.yaml names a notebook that does not exist",
    "example_unlisted": "an example notebook is not listed in EXPECTED.yaml",
    "example_score": "an example does not score what EXPECTED.yaml says",
}


@dataclass
class Finding:
    kind: str                 # one of KINDS
    file: str                 # the file it is in (relative to the assignment folder where possible)
    where: str                # cell id, test id, task or key
    message: str
    hint: str = ""


@dataclass
class AuthorReport:
    assignment: str
    assignment_dir: str
    findings: list[Finding] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)   # what was checked, in order (for the text output)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def kinds(self) -> set[str]:
        return {f.kind for f in self.findings}

    def add(self, kind: str, file: str, where: str, message: str, hint: str = "") -> None:
        assert kind in KINDS, kind
        self.findings.append(Finding(kind=kind, file=file, where=where, message=message, hint=hint))

    def to_dict(self) -> dict:
        return {**asdict(self), "ok": self.ok}


def render_author_report(report: AuthorReport) -> str:
    lines = [f"author check {report.assignment} ({report.assignment_dir})"]
    lines += [f"  checked: {step}" for step in report.steps]
    for f in report.findings:
        place = f"{f.file}:{f.where}" if f.where else f.file
        lines.append(f"[{f.kind}] {place}: {f.message}")
        if f.hint:
            lines.append(f"    fix: {f.hint}")
    lines.append("OK: nothing found that would break grading" if report.ok
                 else f"{len(report.findings)} problem(s) found")
    return "\n".join(lines)
