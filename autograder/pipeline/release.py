"""Release an assignment: nbgrader's generate_assignment, then public tests and data files, then a leak scan.

    release_assignment(course=..., assignment="w03_training")

1. The manifest's notebook and `files` (only these) are copied from the assignment folder into
   `COURSE/source/A/` (`course.staged_source`), nbgrader's source directory. The assignment folder itself
   (tests, examples, selftest.yaml: solutions and grading material) is never nbgrader's source, so even a plain
   `nbgrader generate_assignment A` run in the course dir can copy nothing else into `release/`.
2. `nbgrader_config.py` is written into the course dir (so `nbgrader formgrader` / `nbgrader export` /
   `nbgrader generate_assignment` run there see the same staged source, gradebook and exchange).
3. nbgrader's `GenerateAssignment` converts the staged notebook into `release/A/` (solutions and hidden
   tests stripped, checksums written, cells locked) and records the assignment, notebook and grade cells in
   the gradebook. Its `ignore` is `*`: it copies no file itself.
4. `tests/public/` is copied to `release/A/public_tests/`, the manifest's `files` next to the notebook
   (only these: anything else a release needs must be listed in the manifest).
5. Every released file is scanned (`leakscan.py`); any finding removes the release and raises.
6. nbgrader's `ExchangeReleaseAssignment` copies the release to `exchange/COURSE_ID/outbound/A/`.
"""
from __future__ import annotations

import io
import logging
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from traitlets.config import Config

from autograder.core.atomic import write_text_atomic
from autograder.core.coursedir import CourseDirectory
from autograder.core.errors import ConfigError
from autograder.core.manifest import load_manifest
from autograder.core.settings import DEFAULT_COURSE_ID
from autograder.pipeline.gradebook import open_gradebook, quiet_sqlalchemy
from autograder.pipeline.leakscan import Finding, scan_release

# Our generate_assignment run converts the staged notebook only; we copy exactly the declared files ourselves.
GENERATE_IGNORE = ["*"]
# What the exchange copy and nbgrader's own commands run from the course dir skip.
IGNORED = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*", "tests", "manifest.yaml"]


@dataclass
class ReleaseReport:
    assignment: str
    release_dir: Path
    notebook: Path
    files: list[str] = field(default_factory=list)        # released files, relative to release_dir
    grade_cells: list[str] = field(default_factory=list)  # grade_ids recorded in the gradebook
    exchange_dir: Path | None = None
    nbgrader_config: Path | None = None
    log: str = ""                                         # what nbgrader said (warnings and errors)

    def lines(self) -> list[str]:
        out = [f"notebook: {self.notebook}", f"files: {', '.join(self.files)}",
               f"grade cells (gradebook): {', '.join(self.grade_cells)}"]
        if self.exchange_dir:
            out.append(f"exchange: {self.exchange_dir}")
        out += [f"nbgrader: {line}" for line in self.log.splitlines() if line.strip()]
        return out


def nbgrader_config(course: CourseDirectory, course_id: str) -> Config:
    c = Config()
    c.CourseDirectory.root = str(course.root)
    c.CourseDirectory.source_directory = str(course.staged_source_root)   # absolute: os.path.join keeps it
    c.CourseDirectory.release_directory = "release"
    c.CourseDirectory.submitted_directory = "submitted"
    c.CourseDirectory.autograded_directory = "autograded"
    c.CourseDirectory.feedback_directory = "feedback"
    c.CourseDirectory.db_url = course.db_url
    c.CourseDirectory.course_id = course_id
    c.CourseDirectory.ignore = list(IGNORED)
    c.Exchange.root = str(course.exchange)
    return c


def write_nbgrader_config(course: CourseDirectory, course_id: str) -> Path:
    text = (
        "# Written by `autograder release`; edit the course config instead, this file is regenerated.\n"
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.root = {str(course.root)!r}\n"
        f"c.CourseDirectory.source_directory = {str(course.staged_source_root)!r}\n"
        "c.CourseDirectory.release_directory = 'release'\n"
        "c.CourseDirectory.submitted_directory = 'submitted'\n"
        "c.CourseDirectory.autograded_directory = 'autograded'\n"
        "c.CourseDirectory.feedback_directory = 'feedback'\n"
        f"c.CourseDirectory.db_url = {course.db_url!r}\n"
        f"c.CourseDirectory.course_id = {course_id!r}\n"
        f"c.CourseDirectory.ignore = {IGNORED!r}\n"
        f"c.Exchange.root = {str(course.exchange)!r}\n"
    )
    path = course.nbgrader_config
    write_text_atomic(path, text)
    return path


@contextmanager
def _captured(app) -> io.StringIO:
    """Collect an nbgrader app's log records (warnings and up) instead of printing them."""
    buf = io.StringIO()
    handler = logging.StreamHandler(buf)
    handler.setLevel(logging.WARNING)
    log = app.log
    old_handlers, old_propagate = list(log.handlers), log.propagate
    log.handlers, log.propagate = [handler], False
    try:
        yield buf
    finally:
        log.handlers, log.propagate = old_handlers, old_propagate


def _run_nbgrader(app_cls, config: Config, assignment: str, what: str, notebook: str | None = None) -> str:
    from nbgrader.converters.base import NbGraderException
    from nbgrader.coursedir import CourseDirectory as NbCourseDirectory
    coursedir = NbCourseDirectory(config=config)
    coursedir.assignment_id = assignment
    if notebook is not None:
        coursedir.notebook_id = notebook
    app = app_cls(coursedir=coursedir, config=config)
    with _captured(app) as buf, quiet_sqlalchemy():
        try:
            app.start()
        except (NbGraderException, SystemExit, RuntimeError) as e:
            raise ConfigError(f"nbgrader {what} failed: {e or ''}\n{buf.getvalue()}".rstrip(),
                              where=assignment, hint="see nbgrader's messages above") from None
    return buf.getvalue()


def _copy_tree(src: Path, dest: Path) -> None:
    for path in sorted(src.rglob("*")):
        if "__pycache__" in path.parts or path.is_symlink():
            continue
        target = dest / path.relative_to(src)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)


def _declared_files(manifest, src: Path) -> list[tuple[Path, str]]:
    """(file in the assignment folder, relative name) for each manifest `files` entry; each must lie inside."""
    out = []
    for rel in manifest.files:
        source_file = (src / rel).resolve()
        if not source_file.is_relative_to(src.resolve()) or not source_file.is_file():
            raise ConfigError(f"manifest file {rel!r} is not a file inside {src}", file=str(manifest.path))
        out.append((source_file, rel))
    return out


def stage_source(*, course: CourseDirectory, assignment: str, manifest, files: list[tuple[Path, str]]) -> Path:
    """`COURSE/source/A/` afresh: the manifest's notebook and files, copied; nothing else of the assignment folder."""
    staged = course.staged_source(assignment)
    if staged.exists():
        shutil.rmtree(staged)
    staged.mkdir(parents=True)
    shutil.copy2(course.source(assignment) / manifest.notebook, staged / manifest.notebook)
    for source_file, rel in files:
        (staged / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source_file, staged / rel)
    return staged


def release_assignment(*, course: CourseDirectory, assignment: str, force: bool = False,
                       course_id: str = DEFAULT_COURSE_ID, exchange: bool = True) -> ReleaseReport:
    """Release `assignment` into `course.release(assignment)` (and the exchange); see the module docstring."""
    from nbgrader.converters import GenerateAssignment
    from nbgrader.exchange.default import ExchangeReleaseAssignment

    manifest = load_manifest(course.manifest(assignment))
    src = course.source(assignment)
    if manifest.assignment != assignment:
        raise ConfigError(f"manifest names assignment {manifest.assignment!r}, folder is {assignment!r}",
                          file=str(course.manifest(assignment)))
    if not (src / manifest.notebook).is_file():
        raise ConfigError(f"notebook {manifest.notebook!r} not found in {src}", file=str(course.manifest(assignment)))
    files = _declared_files(manifest, src)
    dest = course.release(assignment)
    if dest.exists():
        if not force:
            raise ConfigError("already released", file=str(dest), hint="pass force=True (--force) to release again")
        shutil.rmtree(dest)

    staged = stage_source(course=course, assignment=assignment, manifest=manifest, files=files)
    config_path = write_nbgrader_config(course, course_id)
    config = nbgrader_config(course, course_id)
    config.GenerateAssignment.force = True
    config.GenerateAssignment.create_assignment = True
    config.CourseDirectory.ignore = list(GENERATE_IGNORE)
    log = _run_nbgrader(GenerateAssignment, config, assignment, "generate_assignment",
                        notebook=Path(manifest.notebook).stem)
    if not (dest / manifest.notebook).is_file():
        raise ConfigError(f"nbgrader did not produce {manifest.notebook}\n{log}", where=assignment)

    public = course.tests(assignment, "public")
    if public.is_dir():
        _copy_tree(public, dest / "public_tests")
    for _, rel in files:
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(staged / rel, dest / rel)

    findings: list[Finding] = scan_release(dest, hidden_dir=course.tests(assignment, "hidden"), public_dir=public,
                                           reference_module=course.reference_module(assignment))
    if findings:
        shutil.rmtree(dest)
        listing = "\n".join(f"  {f}" for f in findings[:50])
        raise ConfigError(f"release refused, it would leak grading material:\n{listing}", where=assignment,
                          hint="fix the source (solution markers, data files) and release again")

    report = ReleaseReport(assignment=assignment, release_dir=dest, notebook=dest / manifest.notebook,
                           files=sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file()),
                           nbgrader_config=config_path, log=log)
    report.grade_cells = _grade_cells(course, assignment, Path(manifest.notebook).stem)
    if exchange:
        config = nbgrader_config(course, course_id)
        config.ExchangeReleaseAssignment.force = True
        report.log += _run_nbgrader(ExchangeReleaseAssignment, config, assignment, "release_assignment")
        report.exchange_dir = course.exchange / course_id / "outbound" / assignment
    return report


def _grade_cells(course: CourseDirectory, assignment: str, notebook: str) -> list[str]:
    with open_gradebook(course) as gb:
        return sorted(c.name for c in gb.find_notebook(notebook, assignment).grade_cells)
