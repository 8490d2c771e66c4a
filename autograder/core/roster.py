"""The class roster: one reader for every command that takes one (`collect --roster`, `report` through the
policy's `roster:`, `groups check/import --roster`, `seminar import-audience --roster`).

Accepted files (anything `core/tables.read_table` reads: CSV with `,` `;` or tab, UTF-8 with or without BOM,
UTF-16, or .xlsx):

* our own form: `student_id,name,email,section,status` (only `student_id` is required; extra columns such as
  `canvas_id` are kept);
* the university's class-list export: title lines above the header, an `STT` column, `Mã SV`/`MSSV`, the name
  split into `Họ đệm` + `Tên`, a total and a place-and-date line under the list, IDs typed as numbers.

Rules (the ID rule itself is `core/student_ids.py`): a row whose ID cell is empty or holds no ID (a title, a
total, a date line) is not a student; IDs are cleaned of spreadsheet damage and leading zeros restored to the
roster's usual width; an ID that cannot name a folder, an ID listed twice, or a `status` other than
`active`/`dropped` (empty = active) is an InputError naming the file and the row.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from autograder.core.errors import InputError
from autograder.core.student_ids import SAFE_ID_TEXT, clean_id, id_width, is_safe_id, looks_like_id
from autograder.core.tables import read_table

ROSTER_COLUMNS = {
    "student_id": ("student id", "id", "mssv", "mã sinh viên", "ma sinh vien", "mã sv", "ma sv", "student"),
    "name": ("full name", "họ và tên", "họ tên", "ho ten", "ho va ten", "student name"),
    # university exports split the name: "Họ đệm" (family and middle names) + "Tên" (given name)
    "family_name": ("họ đệm", "họ lót", "họ và tên đệm", "ho dem", "last name", "surname", "family name"),
    "given_name": ("tên", "ten", "first name", "given name"),
    "email": ("email address", "e-mail", "vnu email", "email vnu"),
    "section": ("lớp", "lớp học phần", "class", "group section"),
    "status": ("trạng thái", "trang thai", "enrolment", "enrollment"),
}
STATUSES = ("active", "dropped")


@dataclass(frozen=True)
class Student:
    student_id: str
    name: str                       # "" when the roster has none
    row: int                        # the spreadsheet row it came from
    email: str = ""
    section: str = ""
    status: str = "active"          # active | dropped
    extra: dict[str, str] = field(default_factory=dict, compare=False)   # other columns (e.g. canvas_id)


@dataclass(frozen=True)
class Roster:
    path: str
    entries: tuple[Student, ...]    # roster order
    width: int | None               # the usual ID length (leading zeros restored to it)
    students: dict[str, str] = field(default_factory=dict, compare=False)   # student_id -> name, roster order
    emails: dict[str, str] = field(default_factory=dict, compare=False)     # e-mail (lower case) -> student_id
    extra_columns: tuple[str, ...] = ()

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(self.students)

    def find(self, text: str) -> str | None:
        """The student a non-ID entry means: by e-mail, or by name when exactly one student has it."""
        if "@" in text:
            return self.emails.get(text.strip().casefold())
        key = name_key(text)
        hits = [sid for sid, name in self.students.items() if name and name_key(name) == key]
        return hits[0] if len(hits) == 1 else None


def name_key(name: str) -> str:
    """A name compared ignoring case, accents (Vietnamese included: đ = d) and spacing."""
    text = unicodedata.normalize("NFD", name.casefold().replace("đ", "d"))
    return " ".join("".join(ch for ch in text if not unicodedata.combining(ch)).split())


def read_roster(path: Path | str) -> Roster:
    """Read a roster file (see the module docstring); InputError names the file, the row and the fix."""
    file = str(path)
    table = read_table(path, aliases=ROSTER_COLUMNS, required=("student_id",), keep_other=True)
    rows = [(r, sid) for r in table.rows for sid in [clean_id(r.get("student_id"))] if looks_like_id(sid)]
    width = id_width([sid for _, sid in rows])
    extra_columns = tuple(c for c in table.columns if c not in ROSTER_COLUMNS)
    entries: list[Student] = []
    seen: dict[str, int] = {}
    for r, sid in rows:
        sid = clean_id(sid, width=width)
        where = f"row {r.number}"
        if not is_safe_id(sid):
            raise InputError(f"student ID {sid!r} is not a plain ID ({SAFE_ID_TEXT})", file=file, where=where,
                             hint="correct the ID cell")
        if sid in seen:
            raise InputError(f"student ID {sid} appears twice (also row {seen[sid]})", file=file, where=where,
                             hint="delete one of the two rows")
        seen[sid] = r.number
        status = (r.get("status") or "active").casefold()
        if status not in STATUSES:
            raise InputError(f"status {r.get('status')!r} is not one of {', '.join(STATUSES)}", file=file,
                             where=where, hint="leave it empty for an active student")
        name = r.get("name") or " ".join(p for p in (r.get("family_name"), r.get("given_name")) if p)
        entries.append(Student(student_id=sid, name=name, row=r.number, email=r.get("email"),
                               section=r.get("section"), status=status,
                               extra={c: r.get(c) for c in extra_columns}))
    if not entries:
        raise InputError("the roster lists no students", file=file,
                         hint="one student per row under a header with a student ID column (student_id, MSSV, Mã SV)")
    emails: dict[str, str] = {}
    for s in entries:
        if s.email:
            emails.setdefault(s.email.strip().casefold(), s.student_id)
    return Roster(path=file, entries=tuple(entries), width=width, students={s.student_id: s.name for s in entries},
                  emails=emails, extra_columns=extra_columns)
