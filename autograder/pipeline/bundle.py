"""What a grading job carries: the assignment as bytes (an `AssignmentBundle`) and one submission.

A worker on another machine needs nothing but the installed tool: the bundle holds the manifest, the release
notebook, the public and hidden tests, the reference module and the manifest's `files`, read once by the driver
from the course. On the worker `materialize()` writes them (once per process and bundle digest) into a private
folder laid out like a course, so the one grading function (`job.grade_notebook`) runs unchanged. Only bytes and
our own dataclasses travel; the student's notebook is bytes too, never an object.
"""
from __future__ import annotations

import ast
import atexit
import hashlib
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from autograder.core.coursedir import CourseDirectory
from autograder.core.manifest import Manifest, load_manifest

_ASSIGNMENTS, _REFERENCE, _COURSE = "assignments", "reference_solutions", "course"


@dataclass(frozen=True)
class AssignmentBundle:
    assignment: str
    files: tuple[tuple[str, bytes], ...]       # (path relative to the bundle root, content), sorted
    digest: str                                # SHA-256 over paths and contents: the cache key on workers
    gpu: bool = False                          # some test is marked @pytest.mark.gpu (or a task is gpu: true)
    time_limit: float | None = None            # seconds one job may hold a worker (submission budget + JOB_GRACE)

    @property
    def size(self) -> int:
        return sum(len(data) for _, data in self.files)

    def materialize(self, base: Path | None = None) -> CourseDirectory:
        """The bundle as a read-only course on this machine (written once per process and digest)."""
        with _LOCK:
            known = _MATERIALIZED.get(self.digest)
            if known is not None and Path(known.root).is_dir():
                return known
            root = Path(base or tempfile.gettempdir()) / f"autograder-bundle-{os.getpid()}-{self.digest[:16]}"
            staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root.parent))
            for rel, data in self.files:
                dest = staging / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(data)
            if root.exists():
                shutil.rmtree(root, ignore_errors=True)
            staging.rename(root)
            course = CourseDirectory(root=root / _COURSE, source_root=root / _ASSIGNMENTS,
                                     reference_root=root / _REFERENCE)
            _MATERIALIZED[self.digest] = course
            return course


_LOCK = threading.Lock()
_MATERIALIZED: dict[str, CourseDirectory] = {}
# beyond the submission's own time budget (Limits.submission_timeout): kernel start, sanitising, the tests' grader
# side, storing; a job past budget + grace is stopped by the Dask driver (its worker is restarted)
JOB_GRACE = 120.0


@atexit.register
def _remove_materialized() -> None:
    for course in _MATERIALIZED.values():
        shutil.rmtree(Path(course.root).parent, ignore_errors=True)


def _files_under(folder: Path) -> list[Path]:
    if folder.is_file():
        return [folder]
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def marks_gpu(source: str) -> bool:
    """Whether a test module marks anything `gpu` (`@pytest.mark.gpu`, `pytestmark = pytest.mark.gpu`)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    return any(isinstance(node, ast.Attribute) and node.attr == "gpu" and isinstance(node.value, ast.Attribute)
               and node.value.attr == "mark" for node in ast.walk(tree))


def build_bundle(course: CourseDirectory, assignment: str, manifest: Manifest | None = None) -> AssignmentBundle:
    """Read everything a job of `assignment` needs from the course (driver side)."""
    manifest = manifest or load_manifest(course.manifest(assignment))
    source = course.source(assignment)
    entries: dict[str, Path] = {f"{_ASSIGNMENTS}/{assignment}/manifest.yaml": course.manifest(assignment)}
    tests = course.tests(assignment)
    for path in _files_under(tests):
        entries[f"{_ASSIGNMENTS}/{assignment}/{path.relative_to(source).as_posix()}"] = path
    for rel in manifest.files:
        for path in _files_under(source / rel):
            entries[f"{_ASSIGNMENTS}/{assignment}/{path.relative_to(source).as_posix()}"] = path
    reference = course.reference_module(assignment)
    if reference.is_file():
        entries[f"{_REFERENCE}/{assignment}.py"] = reference
    release_nb = course.release(assignment) / manifest.notebook
    if release_nb.is_file():        # without it every job says "not released" (job.grade_notebook)
        entries[f"{_COURSE}/release/{assignment}/{manifest.notebook}"] = release_nb
    files, digest = [], hashlib.sha256()
    for rel in sorted(entries):
        data = entries[rel].read_bytes()
        files.append((rel, data))
        digest.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
    gpu = any(t.gpu for t in manifest.tasks) or any(
        marks_gpu(data.decode("utf-8", "replace")) for rel, data in files
        if rel.endswith(".py") and "/tests/" in rel)
    return AssignmentBundle(assignment=assignment, files=tuple(files), digest=digest.hexdigest(), gpu=gpu,
                            time_limit=float(manifest.limits.submission_timeout) + JOB_GRACE)
