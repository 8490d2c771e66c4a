"""Scan a released assignment for content that must never reach students.

A release may hold the student notebook, public tests and data files. It must not hold:
hidden tests (files from ``tests/hidden`` or ``BEGIN HIDDEN TESTS`` blocks), solutions
(``BEGIN SOLUTION`` blocks) or mark schemes, or code from the reference solution.

`scan_release` returns findings as data (path, reason); `release.py` refuses a release with any.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

# nbgrader's default delimiters (ClearSolutions / ClearHiddenTests / ClearMarkScheme).
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
           "BEGIN MARK SCHEME", "END MARK SCHEME")
MIN_LINE = 24          # shorter code lines ("return w", "x = np.asarray(x)") are too common to be evidence
TEXT_LIMIT = 50 * 2**20


@dataclass(frozen=True)
class Finding:
    path: str          # relative to the release folder
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def _normalise(line: str) -> str:
    return re.sub(r"\s+", " ", line).strip()


def _is_evidence(line: str) -> bool:
    """A line long and specific enough that finding it in a release means it leaked."""
    if len(line) < MIN_LINE or line.startswith(("#", "import ", "from ", "@pytest.mark", "def ", "class ")):
        return False
    return not (line.startswith(('"""', "'''")) or line.startswith(("raise NotImplementedError", "pass")))


def reference_lines(module: Path) -> dict[str, set[str]]:
    """Per top-level function/class of the reference module: its body's code lines (no docstrings/comments)."""
    if not module.is_file():
        return {}
    text = module.read_text(encoding="utf-8")
    lines = text.splitlines()
    out: dict[str, set[str]] = {}
    for node in ast.parse(text).body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        body = list(node.body)
        if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
                and isinstance(body[0].value.value, str):
            body = body[1:]                      # the docstring may legitimately be shared with the stub
        found = set()
        for stmt in body:
            for raw in lines[stmt.lineno - 1:stmt.end_lineno]:
                line = _normalise(raw.split("  #")[0])
                if _is_evidence(line):
                    found.add(line)
        out[node.name] = found
    return out


def hidden_test_lines(hidden_dir: Path, public_dir: Path) -> set[str]:
    """Code lines of the hidden tests that are not also in the public tests."""
    def lines_of(folder: Path) -> set[str]:
        found = set()
        for p in sorted(folder.rglob("*.py")) if folder.is_dir() else ():
            for raw in p.read_text(encoding="utf-8", errors="replace").splitlines():
                line = _normalise(raw.split("  #")[0])
                if _is_evidence(line):
                    found.add(line)
        return found
    return lines_of(hidden_dir) - lines_of(public_dir)


def _released_text(path: Path) -> str | None:
    if path.stat().st_size > TEXT_LIMIT:
        return None
    data = path.read_bytes()
    if b"\0" in data[:4096]:
        return None                             # binary data file
    text = data.decode("utf-8", errors="replace")
    if path.suffix == ".ipynb":                 # JSON escapes newlines/quotes: scan the cell sources instead
        import json
        try:
            nb = json.loads(text)
            cells = nb.get("cells", []) if isinstance(nb, dict) else []
            text = "\n".join("".join(c.get("source", "")) if isinstance(c.get("source"), list)
                             else str(c.get("source", "")) for c in cells if isinstance(c, dict))
        except ValueError:
            pass
    return text


def scan_release(release_dir: Path, *, hidden_dir: Path, public_dir: Path,
                 reference_module: Path | None = None) -> list[Finding]:
    """Every reason the release folder is unsafe to hand out (empty list: safe)."""
    release_dir = Path(release_dir)
    hidden_names = {p.name for p in hidden_dir.rglob("*") if p.is_file()} if hidden_dir.is_dir() else set()
    hidden = hidden_test_lines(hidden_dir, public_dir)
    reference = reference_lines(reference_module) if reference_module else {}
    findings: list[Finding] = []
    for path in sorted(p for p in release_dir.rglob("*") if p.is_file() or p.is_symlink()):
        rel = path.relative_to(release_dir).as_posix()
        if path.is_symlink():
            findings.append(Finding(rel, "is a symlink"))
            continue
        if path.name in hidden_names and not rel.startswith("public_tests/"):
            findings.append(Finding(rel, "has the name of a hidden test file"))
        if "hidden" in path.relative_to(release_dir).parts[:-1]:
            findings.append(Finding(rel, "lies in a folder named 'hidden'"))
        text = _released_text(path)
        if text is None:
            continue
        for marker in MARKERS:
            if marker in text:
                findings.append(Finding(rel, f"contains the nbgrader marker {marker!r}"))
        released = {_normalise(line.split("  #")[0]) for line in text.splitlines()}
        for line in sorted(hidden & released):
            findings.append(Finding(rel, f"contains a hidden test line: {line[:80]!r}"))
        for name, lines in reference.items():
            for line in sorted(lines & released):
                findings.append(Finding(rel, f"contains reference code of {name}(): {line[:80]!r}"))
    return findings
