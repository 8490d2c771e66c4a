"""An existing nbgrader course: its configuration (read by nbgrader's own loader), paths and submissions.

Every path comes from nbgrader's ``CourseDirectory.format_path`` (so a course's ``directory_structure`` and
folder names are honoured), except our own resume records, ``COURSE/.autograder/nbgrader/A/STUDENT.json``.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from autograder.core.coursedir import CONFIG_FILE
from autograder.core.errors import ConfigError

NBGRADER_CONFIG = "nbgrader_config.py"
STATE_FOLDER = ".autograder/nbgrader"


def is_nbgrader_course(root: Path | str) -> bool:
    """A plain nbgrader course: ``nbgrader_config.py`` and no ``autograder.yaml`` (which makes it ours)."""
    root = Path(root)
    return (root / NBGRADER_CONFIG).is_file() and not (root / CONFIG_FILE).is_file()


@dataclass
class NbgraderCourse:
    """The course at ``root`` with nbgrader's configuration object (``config``) and ``CourseDirectory``."""

    root: Path
    config: object           # traitlets Config, as nbgrader_config.py sets it
    coursedir: object        # nbgrader.coursedir.CourseDirectory

    @property
    def db_url(self) -> str:
        return self.coursedir.db_url

    def _path(self, step: str, student: str, assignment: str) -> Path:
        return Path(self.coursedir.format_path(step, student, assignment))

    def source(self, assignment: str) -> Path:
        return self._path(self.coursedir.source_directory, ".", assignment)

    def submitted(self, student: str, assignment: str) -> Path:
        return self._path(self.coursedir.submitted_directory, student, assignment)

    def autograded(self, student: str, assignment: str) -> Path:
        return self._path(self.coursedir.autograded_directory, student, assignment)

    def state_file(self, student: str, assignment: str) -> Path:
        return self.root / STATE_FOLDER / assignment / f"{student}.json"

    @property
    def ignore(self) -> list[str]:
        return list(self.coursedir.ignore)

    def submitted_students(self, assignment: str) -> list[str]:
        """Students with a submission folder for ``assignment`` (sorted)."""
        top = Path(self.coursedir.format_path(self.coursedir.submitted_directory, ".", ".")).resolve()
        found = []
        if top.is_dir():
            for entry in sorted(top.iterdir()):
                if entry.is_dir() and self.submitted(entry.name, assignment).is_dir():
                    found.append(entry.name)
        return found


def open_nbgrader_course(root: Path | str) -> NbgraderCourse:
    """Load ``root/nbgrader_config.py`` with nbgrader's own config loader; ``CourseDirectory.root`` is ``root``."""
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader
    root = Path(root).resolve()
    path = root / NBGRADER_CONFIG
    if not path.is_file():
        raise ConfigError("no nbgrader_config.py here: this is not an nbgrader course", file=str(path),
                          hint="run the command in the course folder (or pass --course DIR)")
    try:
        config = PyFileConfigLoader(NBGRADER_CONFIG, path=str(root)).load_config()
    except Exception as e:  # noqa: BLE001 - any error in the course's Python config file
        raise ConfigError(f"nbgrader could not load it: {type(e).__name__}: {e}", file=str(path),
                          hint="check that `nbgrader db assignment list` works in this folder") from None
    config.CourseDirectory.root = str(root)
    return NbgraderCourse(root=root, config=config, coursedir=CourseDirectory(config=config))


def submission_sha256(folder: Path, ignore: list[str]) -> str:
    """One hash over every file of a submission folder (names and bytes), nbgrader's ignore globs left out."""
    from nbgrader.utils import find_all_files
    digest = hashlib.sha256()
    for name in sorted(os.path.relpath(f, folder) for f in find_all_files(str(folder), ignore)):
        digest.update(name.encode() + b"\0")
        digest.update(hashlib.sha256((folder / name).read_bytes()).digest())
    return digest.hexdigest()
