"""Grading in this process, without a kernel: a namespace (the reference module, the notebook's cells run here,
a selftest variant) is the student, reached through `LocalProxy` so that arguments and results still cross the
codec exactly as they do from a kernel. Shared by `author check` and `selftest`.
"""
from __future__ import annotations

import contextlib
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from autograder.core.manifest import Manifest
from autograder.engine.proxy import LocalProxy
from autograder.pipeline.job import prepare_workdir
from autograder.testing.plugin import GradingPlugin, load_reference, run_tests

_MAGIC = re.compile(r"^\s*[%!]")      # IPython magics and shell lines mean nothing outside a kernel


@dataclass
class TaskScore:
    got: float = 0.0
    full: float = 0.0
    messages: list[str] = field(default_factory=list)   # messages of the failed checks

    @property
    def lost(self) -> float:
        return round(self.full - self.got, 6)


@dataclass
class InProcessRun:
    scores: dict[str, TaskScore]
    failed: list[tuple[str, str, str]]          # (test id, task, message) of each failed test
    errors: list[str]                           # collection/configuration errors (the tests' fault)
    log: str = ""
    n_tests: int = 0


def plain_code(source: str) -> str:
    """A cell's source without magic/shell lines (kept as blank lines so line numbers stay)."""
    return "\n".join("" if _MAGIC.match(line) else line for line in source.splitlines())


def reference_namespace(reference_path: Path) -> dict:
    """A fresh copy of the reference module's namespace (changing it never changes the module)."""
    return dict(vars(load_reference(Path(reference_path))))


def tests_of(assignment_dir: Path) -> list[Path]:
    return [Path(assignment_dir) / "tests" / "public", Path(assignment_dir) / "tests" / "hidden"]


@contextlib.contextmanager
def student_workdir(manifest: Manifest, assignment_dir: Path):
    """Run with the working directory the kernel would have: a temp folder with the manifest's files only."""
    workdir = prepare_workdir(manifest, Path(assignment_dir))
    try:
        with contextlib.chdir(workdir):
            yield workdir
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def grade_namespace(namespace: dict, *, assignment_dir: Path, reference_path: Path, select: str | None = None,
                    gpu: bool = False, seed: int = 0) -> InProcessRun:
    """Run the public + hidden tests (pytest -k `select`) with `namespace` as the student."""
    plugin = GradingPlugin(student=LocalProxy(namespace), reference_path=Path(reference_path), seed=seed, gpu=gpu)
    extra = ("-k", select) if select else ()
    run_tests(test_dirs=tests_of(assignment_dir), plugin=plugin, extra_args=extra)
    scores: dict[str, TaskScore] = {}
    failed = []
    for r in plugin.results:
        s = scores.setdefault(r.task, TaskScore())
        s.full += r.points
        if r.passed:
            s.got += r.points
        else:
            s.messages.append(r.message)
            failed.append((r.test_id, r.task, r.message))
    return InProcessRun(scores=scores, failed=failed, errors=list(plugin.errors), log=plugin.log,
                        n_tests=len(plugin.results))
