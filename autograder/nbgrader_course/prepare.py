"""Sanitising a submission in the grader process, with nbgrader's own preprocessors and the course's config.

``Autograde.sanitize_preprocessors`` (ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells,
CheckCellMetadata unless the course changed the list) run on each submitted notebook exactly as in
``nbgrader autograde``: locked and grade cells come back from the gradebook, hidden tests included. It runs in
the worker, before the kernels, so it overlaps other submissions' kernels (nbgrader's preprocessors open the
gradebook several times per notebook: seconds on a loaded machine). Workers only read the gradebook (SQLite
serves readers beside the one writer); every write happens in the grader's main process (store.py).
"""
from __future__ import annotations

import dataclasses
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.core.manifest import Limits
from autograder.nbgrader_course.course import NbgraderCourse, submission_sha256


@dataclass(frozen=True)
class NbgraderSettings:
    """What every job needs besides its submission (picklable: it goes to the workers)."""
    root: str                     # the course folder (each worker loads nbgrader_config.py from it once)
    limits: Limits
    sandbox: str = "auto"
    threads: int = 1


@dataclass(frozen=True)
class NbgraderTask:
    """One submission to grade: what the pool sends to a worker."""
    student_id: str
    assignment: str
    notebooks: tuple[str, ...]    # the assignment's notebook ids in the gradebook
    shipped: NbgraderJob | None = None   # sanitised by the driver, files as bytes (Dask: workers lack the course)


@dataclass
class NbgraderJob:
    student_id: str
    assignment: str
    sha256: str
    notebooks: list[tuple[str, str]] = field(default_factory=list)   # (notebook id, sanitised notebook JSON)
    files: list[tuple[str, str]] = field(default_factory=list)       # (relative path, file to copy there)
    contents: list[tuple[str, bytes]] = field(default_factory=list)  # (relative path, bytes): a shipped job
    problems: list[str] = field(default_factory=list)                # notebooks that could not be sanitised
    skipped: list[str] = field(default_factory=list)                 # notebooks the gradebook does not know


def preprocessor_classes(course: NbgraderCourse, name: str) -> list[type]:
    """``Autograde.<name>`` as the course configures it (nbgrader's default list otherwise), as classes."""
    from nbgrader.converters.autograde import Autograde
    from traitlets.utils.importstring import import_item
    section = course.config.Autograde
    value = section[name] if name in section else Autograde.class_traits()[name].default()
    return [import_item(v) if isinstance(v, str) else v for v in value]


def run_preprocessors(classes: list[type], nb, resources: dict, course: NbgraderCourse, *, leave_out=()):
    """Each class instantiated with the course's config and applied in order (a disabled one does nothing)."""
    for cls in classes:
        if cls.__name__ in leave_out:
            continue
        nb, resources = cls(config=course.config)(nb, resources)
    return nb, resources


def notebook_resources(course: NbgraderCourse, *, student: str, assignment: str, notebook: str) -> dict:
    return {"nbgrader": {"notebook": notebook, "assignment": assignment, "student": student,
                         "db_url": course.db_url}, "unique_key": notebook,
            "output_files_dir": f"{notebook}_files"}


def known_notebooks(course: NbgraderCourse, assignment: str) -> list[str]:
    """The assignment's notebook ids in the gradebook (empty when ``generate_assignment`` never ran)."""
    from nbgrader.api import Gradebook, MissingEntry

    from autograder.pipeline.gradebook import quiet_sqlalchemy
    with quiet_sqlalchemy(), Gradebook(course.db_url, course.coursedir.course_id) as gb:
        try:
            return [nb.name for nb in gb.find_assignment(assignment).notebooks]
        except MissingEntry:
            return []


def kernel_files(course: NbgraderCourse, *, student: str, assignment: str) -> list[tuple[str, str]]:
    """What nbgrader puts beside the notebooks before running them: the submission's other files, then the
    source folder's (they win, unless ``Autograde.exclude_overwriting`` names them)."""
    from nbgrader.utils import find_all_files
    submitted, source = course.submitted(student, assignment), course.source(assignment)
    files: dict[str, str] = {}
    for top in (submitted, source):
        if not top.is_dir():
            continue
        excluded = set()
        if top == source:
            exclude = course.config.Autograde.get("exclude_overwriting", {}) or {}
            excluded = {os.path.normpath(x) for x in exclude.get(assignment, [])}
        for path in find_all_files(str(top), course.ignore + ["*.ipynb"]):
            rel = os.path.relpath(path, top)
            if os.path.normpath(rel) not in excluded:
                files[rel] = path
    return sorted(files.items())


def prepare_job(course: NbgraderCourse, *, student: str, assignment: str, notebooks: list[str]) -> NbgraderJob:
    """The sanitised submission of ``student``; a notebook that cannot be read or sanitised is a problem of this
    submission only (named in ``problems``), never an exception for the batch."""
    from autograder.pipeline.gradebook import quiet_sqlalchemy
    folder = course.submitted(student, assignment)
    job = NbgraderJob(student_id=student, assignment=assignment, sha256=submission_sha256(folder, course.ignore),
                      files=kernel_files(course, student=student, assignment=assignment))
    classes = preprocessor_classes(course, "sanitize_preprocessors")
    for path in sorted(folder.glob("*.ipynb")):
        name = path.stem
        if name not in notebooks:
            job.skipped.append(path.name)
            continue
        try:
            nb = nbformat.read(str(path), as_version=4)
            with quiet_sqlalchemy():
                nb, _ = run_preprocessors(classes, nb, notebook_resources(
                    course, student=student, assignment=assignment, notebook=name), course)
        except Exception as e:  # noqa: BLE001 - a broken submission file is this submission's problem
            job.problems.append(f"{path.name}: {type(e).__name__}: {str(e)[:300]}")
            continue
        job.notebooks.append((name, nbformat.writes(nb)))
    return job


def ship_job(job: NbgraderJob) -> NbgraderJob:
    """``job`` with its files read into ``contents``, for a worker that cannot see the course folder."""
    contents = [(rel, Path(src).read_bytes()) for rel, src in job.files]
    return dataclasses.replace(job, files=[], contents=contents)


def place_files(job: NbgraderJob, top: Path) -> None:
    """The files nbgrader puts beside the notebooks, below ``top``: copied from the course, or written from the
    bytes a shipped job carries."""
    for rel, src in job.files:
        dest = file_path(rel, top)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
    for rel, data in job.contents:
        dest = file_path(rel, top)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)


def nbgrader_limits(course: NbgraderCourse) -> Limits:
    """Our limits with nbgrader's per-cell timeout (``Execute.timeout``, 30 s unless configured; none = ours)."""
    timeout = course.config.Execute.get("timeout", 30)
    base = Limits()
    cell = float(timeout) if timeout and float(timeout) > 0 else base.cell_timeout
    return Limits(cell_timeout=cell, notebook_timeout=max(base.notebook_timeout, 4 * cell))


def file_path(rel: str, top: Path) -> Path:
    """``rel`` below ``top``; refuses a path that leaves it."""
    path = (top / rel).resolve()
    if top.resolve() not in path.parents:
        raise ValueError(f"{rel!r} leaves {top}")
    return path
