"""Collect submissions into `submitted/STUDENT/ASSIGNMENT/` (nbgrader's layout, with timestamp.txt).

    report = collect_submissions(course=..., assignment="w03_training", source=None | folder | zip, roster=file)

Sources (`collect_sources.py`): None = the nbgrader exchange inbound of the course, a folder, or a zip
(LMS bulk download). Notebooks are named `STUDENT.ipynb` or `STUDENT_anything.ipynb` (in any subfolder);
with a roster, the longest `_`-separated prefix that is a rostered id wins (ids may contain `_`).
Several files for one student: the newest (timestamp, then name) is kept and the report says which.
Unknown students (not in the roster) are reported and skipped; without a roster everyone is accepted. The
roster is any file `core/roster.read_roster` reads (our CSV, the university's class-list export, .xlsx);
student IDs must be plain IDs (`core/student_ids.is_safe_id`: they name folders).
A collected copy replaces the stored one only when it is newer; each copy is written into a temp folder
and renamed into place.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from autograder.core.coursedir import CourseDirectory
from autograder.core.errors import CollectError
from autograder.core.manifest import load_manifest
from autograder.core.roster import read_roster
from autograder.core.settings import DEFAULT_COURSE_ID
from autograder.core.student_ids import SAFE_ID_TEXT, is_safe_id
from autograder.pipeline import collect_sources
from autograder.pipeline.collect_sources import Candidate, read_timestamp

TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f UTC"          # nbgrader's timestamp.txt


@dataclass
class CollectReport:
    assignment: str
    accepted: list[tuple[str, Path, datetime]] = field(default_factory=list)   # (student, stored copy, time)
    unknown_students: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (student, kept, dropped)
    rejected: list[tuple[str, str]] = field(default_factory=list)               # (file name, reason)
    not_newer: list[str] = field(default_factory=list)   # students whose stored copy is as new or newer

    def lines(self) -> list[str]:
        out = [f"{len(self.accepted)} submission(s) collected for {self.assignment}"]
        out += [f"kept stored copy of {sid} (the new file is not newer)" for sid in self.not_newer]
        out += [f"{sid}: {len(dropped) + 1} files, kept the newest {kept!r}; ignored {', '.join(map(repr, dropped))}"
                for sid, kept, dropped in self.duplicates]
        out += [f"unknown student {sid!r} (not in the roster): skipped" for sid in self.unknown_students]
        out += [f"rejected {name!r}: {reason}" for name, reason in self.rejected]
        return out

    def summary(self) -> str:
        return "\n".join(self.lines())


def student_of(candidate: Candidate, roster: set[str] | None) -> str:
    if candidate.student_id is not None:
        return candidate.student_id
    stem = candidate.stem.strip()
    if roster:
        prefixes = [stem] + [stem[:m.start()] for m in reversed(list(re.finditer("_", stem)))]
        for prefix in prefixes:
            if prefix in roster:
                return prefix
    return stem.split("_", 1)[0]


def _store(course: CourseDirectory, assignment: str, notebook: str, sid: str, data: bytes,
           ts: datetime) -> Path:
    dest = course.submitted(sid, assignment)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{assignment}.", suffix=".tmp", dir=dest.parent))
    try:
        (tmp / notebook).write_bytes(data)
        (tmp / "timestamp.txt").write_text(ts.strftime(TIMESTAMP_FORMAT), encoding="utf-8")
        old = None
        if dest.exists():
            old = dest.parent / f".{assignment}.old.{os.getpid()}"
            shutil.rmtree(old, ignore_errors=True)
            os.rename(dest, old)
        os.rename(tmp, dest)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest / notebook


def _candidates(course, assignment, source, notebook, course_id, cap):
    if source is None:
        inbound = course.exchange / course_id / "inbound"
        return collect_sources.from_exchange(inbound, assignment, notebook, max_member_bytes=cap)
    source = Path(source)
    if source.is_dir():
        return collect_sources.from_folder(source, max_member_bytes=cap)
    if source.is_file():
        return collect_sources.from_zip(source, max_member_bytes=cap)
    raise CollectError("no such folder or zip file", file=str(source))


def collect_submissions(*, course: CourseDirectory, assignment: str, source: Path | None = None,
                        roster: Path | None = None, course_id: str = DEFAULT_COURSE_ID) -> CollectReport:
    """Copy the newest notebook of each (rostered) student into `course.submitted(student, assignment)`."""
    manifest = load_manifest(course.manifest(assignment))
    cap = int(manifest.limits.notebook_mb * 2**20)
    ids = read_roster(roster).ids if roster is not None else None
    report = CollectReport(assignment=assignment)
    per_student: dict[str, list[Candidate]] = {}
    for found in _candidates(course, assignment, source, manifest.notebook, course_id, cap):
        if isinstance(found, tuple):
            report.rejected.append(found)
            continue
        sid = student_of(found, ids)
        if not is_safe_id(sid):
            report.rejected.append((found.name, f"student id {sid[:40]!r} is not a plain id ({SAFE_ID_TEXT})"))
        elif ids is not None and sid not in ids:
            if sid not in report.unknown_students:
                report.unknown_students.append(sid)
        else:
            per_student.setdefault(sid, []).append(found)
    for sid in sorted(per_student):
        ordered = sorted(per_student[sid], key=lambda c: (c.timestamp, c.name), reverse=True)
        newest = ordered[0]
        if len(ordered) > 1:
            report.duplicates.append((sid, newest.name, [c.name for c in ordered[1:]]))
        stored = read_timestamp(course.submitted(sid, assignment) / "timestamp.txt")
        if stored is not None and stored >= newest.timestamp and \
                (course.submitted(sid, assignment) / manifest.notebook).is_file():
            report.not_newer.append(sid)
            continue
        try:
            data = newest.read()
        except (CollectError, OSError) as e:
            report.rejected.append((newest.name, str(e)))
            continue
        path = _store(course, assignment, manifest.notebook, sid, data, newest.timestamp)
        report.accepted.append((sid, path, newest.timestamp))
    return report
