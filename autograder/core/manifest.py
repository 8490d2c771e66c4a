"""The assignment manifest (`assignments/ASSIGNMENT/manifest.yaml`): one typed schema.

Example::

    assignment: w03_training
    title: "Week 3 - training"
    notebook: w03_training.ipynb
    files: []                      # extra files (relative to the assignment folder) copied next to the notebook
    tasks:
      cross_entropy: {points: 5, description: "cross-entropy of one sample"}
    limits: {cell_timeout: 120, call_timeout: 60, notebook_timeout: 900, memory_mb: 6144, output_kb: 1024,
             submission_timeout: 1500}

Every key has a default and a one-line description below; unknown keys are rejected with the file named.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

from autograder.core.errors import ConfigError
from autograder.core.yamlconfig import check_keys, read_yaml


@dataclass(frozen=True)
class Limits:
    cell_timeout: float = 120.0        # seconds one notebook cell may run
    call_timeout: float = 60.0         # seconds one proxied call into the student's kernel may run
    test_timeout: float = 180.0        # seconds one test (all its calls) may take
    notebook_timeout: float = 900.0    # seconds the whole notebook may run before tests
    memory_mb: int = 6144              # address-space limit of the kernel (TensorFlow needs >= 4096); resident size on GPU
    gpu_memory_mb: int = 4096          # GPU memory one kernel may take on a GPU runner (0: no cap; growth is on)
    cpu_seconds: int = 1800            # CPU time limit of the kernel process
    max_processes: int = 256           # process/thread limit (best effort; see sandbox.py)
    output_kb: int = 1024              # output kept per notebook; more is dropped and noted
    disk_mb: int = 512                 # room for files the code writes, in its home and in /tmp (each; bwrap)
    notebook_mb: float = 20.0          # largest submission file accepted
    # seconds the whole submission may hold a worker: every cell, test and kernel restart together (a hostile
    # notebook then ends with a verdict in bounded time); default: the notebook once plus three tests' worth
    submission_timeout: float | None = None

    def __post_init__(self):
        if self.submission_timeout is None:
            object.__setattr__(self, "submission_timeout", self.notebook_timeout + 3 * self.test_timeout)


@dataclass(frozen=True)
class Task:
    name: str                          # the function/class name the student writes; also the task id
    points: float                      # points of the task (sum over tasks = 100)
    description: str = ""              # one line shown in feedback
    gpu: bool = False                  # the heavy variant of a task; graded only on GPU runners


@dataclass(frozen=True)
class Manifest:
    assignment: str                    # assignment id (folder name)
    notebook: str                      # instructor notebook file name in the assignment folder
    tasks: tuple[Task, ...]            # the graded tasks, in notebook order
    title: str = ""                    # human title
    files: tuple[str, ...] = ()        # files copied into the student's working directory
    limits: Limits = field(default_factory=Limits)
    total_points: float = 100.0        # what the tasks must add up to
    path: Path | None = None           # where it was loaded from

    def task(self, name: str) -> Task:
        for t in self.tasks:
            if t.name == name:
                return t
        raise KeyError(name)

    @property
    def task_names(self) -> list[str]:
        return [t.name for t in self.tasks]


def load_manifest(path: Path | str) -> Manifest:
    path = Path(path)
    data = read_yaml(path, not_found="manifest not found", hint="every assignment folder needs a manifest.yaml")
    top = {f.name for f in fields(Manifest)} - {"path"}
    check_keys(data, top, file=path, where="top level")
    for key in ("assignment", "notebook", "tasks"):
        if key not in data:
            raise ConfigError(f"missing required key {key!r}", file=str(path))
    task_keys = {f.name for f in fields(Task)} - {"name"}
    tasks = []
    if not isinstance(data["tasks"], dict) or not data["tasks"]:
        raise ConfigError("'tasks' must map task names to {points: N}", file=str(path), where="tasks")
    for name, spec in data["tasks"].items():
        spec = spec if isinstance(spec, dict) else {"points": spec}
        check_keys(spec, task_keys, file=path, where=f"tasks.{name}")
        if not str(name).isidentifier():
            raise ConfigError(f"task name {name!r} is not a Python identifier", file=str(path), where=f"tasks.{name}")
        pts = spec.get("points")
        if not isinstance(pts, (int, float)) or isinstance(pts, bool) or pts <= 0:
            raise ConfigError(f"points must be a positive number, got {pts!r}", file=str(path),
                              where=f"tasks.{name}.points")
        tasks.append(Task(name=str(name), **spec))
    limits_data = data.get("limits") or {}
    check_keys(limits_data, {f.name for f in fields(Limits)}, file=path, where="limits")
    limits = Limits(**limits_data)
    for name in ("cell_timeout", "call_timeout", "test_timeout", "notebook_timeout", "submission_timeout"):
        value = getattr(limits, name)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
            raise ConfigError(f"{name} must be a positive number of seconds, got {value!r}", file=str(path),
                              where=f"limits.{name}")
    total = float(data.get("total_points", 100.0))
    graded = sum(t.points for t in tasks if not t.gpu)
    if abs(graded - total) > 1e-9:
        raise ConfigError(f"task points add up to {graded:g}, expected {total:g}", file=str(path), where="tasks",
                          hint="GPU-only variants (gpu: true) are not counted")
    return Manifest(assignment=str(data["assignment"]), notebook=str(data["notebook"]), tasks=tuple(tasks),
                    title=str(data.get("title", "")), files=tuple(data.get("files") or ()), limits=limits,
                    total_points=total, path=path)
