"""Grading settings and the course configuration file (`COURSE/autograder.yaml`, optional).

Example `autograder.yaml` (every key optional)::

    course_id: INT3121
    assignments: /path/to/assignments          # where assignment sources live (needed by release, grade, author)
    reference_solutions: /path/to/reference_solutions   # reference modules (needed by grade, author check)
    roster: roster.csv                         # relative to the course dir
    sandbox: auto                              # auto | require | none (require: never grade unsandboxed)
    workers: 2                                 # default: number of cores
    gpu: false                                 # this runner has a GPU (run @gpu tests instead of @cpu_only)
    seed: 3121                                 # seed for generated test inputs
    scheduler: tcp://10.0.0.5:8786             # grade on this Dask scheduler (default: the local pool)
    db_url: postgresql+psycopg://ta@db/int3121  # the gradebook (any SQLAlchemy URL; default COURSE/gradebook.db)
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

from autograder.core.coursedir import CONFIG_FILE, CourseDirectory
from autograder.core.errors import ConfigError
from autograder.core.yamlconfig import check_keys, read_yaml

CONFIG_NAME = CONFIG_FILE
DEFAULT_COURSE_ID = "INT3121"                                   # nbgrader course id unless configured
# auto: bubblewrap when usable, else resource limits only (said on the console); require: bubblewrap or refuse
# to grade; none: never bubblewrap; bwrap: the older name of require
SANDBOX_MODES = ("auto", "require", "none", "bwrap")


@dataclass(frozen=True)
class CourseConfig:
    course_id: str = DEFAULT_COURSE_ID                          # nbgrader course id (exchange folder name)
    assignments: Path | None = None                             # assignment sources (no default: see coursedir)
    reference_solutions: Path | None = None                     # reference modules, one per assignment
    roster: Path | None = None                                  # CSV with a student_id column
    sandbox: str = "auto"                                       # auto | require | none (see SANDBOX_MODES)
    workers: int = 0                                            # 0 = number of cores
    gpu: bool = False                                           # GPU runner: gpu tests replace cpu_only twins
    seed: int = 3121                                            # base seed for generated test inputs
    threads: int = 1                                            # intra-op threads per kernel
    scheduler: str | None = None                                # Dask scheduler address; None = local pool
    db_url: str | None = None                                   # gradebook SQLAlchemy URL; None = SQLite in COURSE


@dataclass(frozen=True)
class GradeSettings:
    """Everything a grading job needs besides the assignment id and the submission path."""
    course: CourseDirectory
    sandbox: str = "auto"
    gpu: bool = False
    seed: int = 3121
    threads: int = 1
    save_notebook: bool = True            # write the executed notebook to autograded/

    def with_(self, **changes) -> GradeSettings:
        return replace(self, **changes)


def load_course_config(course_root: Path | str) -> CourseConfig:
    """Read COURSE/autograder.yaml if present; unknown keys are rejected with the file named."""
    root = Path(course_root)
    path = root / CONFIG_NAME
    if not path.is_file():
        return CourseConfig()
    data = read_yaml(path, not_found="course configuration not found") or {}
    check_keys(data, {f.name for f in fields(CourseConfig)}, file=path, where=None)
    for key in ("assignments", "reference_solutions", "roster"):
        if data.get(key) is not None:
            p = Path(str(data[key])).expanduser()
            data[key] = p if p.is_absolute() else (root / p)
    for key in ("scheduler", "db_url"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise ConfigError(f"{key} must be a text (an address or URL), got {data[key]!r}", file=str(path),
                              where=key)
    if data.get("sandbox", "auto") not in SANDBOX_MODES:
        raise ConfigError(f"sandbox must be one of {', '.join(SANDBOX_MODES)}, got {data['sandbox']!r}",
                          file=str(path), where="sandbox")
    return CourseConfig(**data)


def open_course(course_root: Path | str | None) -> tuple[CourseDirectory, CourseConfig]:
    """The course directory object and its configuration."""
    root = Path(course_root or ".")
    config = load_course_config(root)
    course = CourseDirectory(root=root, source_root=config.assignments, reference_root=config.reference_solutions,
                             db=config.db_url)
    return course, config


def default_workers(config: CourseConfig) -> int:
    return config.workers or (os.cpu_count() or 1)
