"""Group registration check: the registration export against the class roster.

Problem kinds (JSON: ``{"problems": [{"kind", "student_id", "groups", "suggestion", "detail"}]}``):

    unknown_id         an ID not on the roster; `suggestion` is the closest roster ID (edit distance <= 2)
    duplicate_member   a student in two groups (or twice in one group)
    unassigned         a roster student in no group
    group_size         a group outside the allowed size (3-5 by default)
    duplicate_group    the same group registered twice (same name, or the same members under two names);
                       the last registration is the one used for the other checks
    duplicate_dataset  a dataset taken by two or more groups (compared ignoring case, spaces and dashes)

The roster is read by `core/roster.py` (also the university's export); IDs follow `core/student_ids.py`
(spreadsheet damage such as 1.6022417E7, 16022417.0 or dropped leading zeros is undone first).
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from autograder.core.errors import ImportRejected, InputError
from autograder.core.roster import Roster, read_roster
from autograder.core.student_ids import clean_id, split_ids
from autograder.core.tables import read_table
from autograder.seminar.store import Group, open_db, replace_groups

KINDS = ("unknown_id", "duplicate_member", "unassigned", "group_size", "duplicate_group", "duplicate_dataset")

REGISTRATION_COLUMNS = {
    "group": ("group name", "team", "team name", "tên nhóm", "nhóm"),
    "leader_email": ("leader email", "leader", "leader e-mail", "email", "email address", "email nhóm trưởng"),
    "members": ("member ids", "member id", "members", "student ids", "mssv thành viên", "thành viên"),
    "dataset": ("chosen dataset", "benchmark dataset", "bộ dữ liệu"),
    "presentation_date": ("presentation date", "date", "ngày trình bày"),
}
_MEMBER_COLUMN = re.compile(r"^(member|thành viên|tv)\s?\d+( id)?$")


@dataclass(frozen=True)
class Problem:
    kind: str                       # one of KINDS
    student_id: str | None          # the student concerned (None for group-level problems)
    groups: list[str]               # the groups concerned, in registration order
    suggestion: str | None          # unknown_id: the closest roster ID; otherwise None
    detail: str                     # one sentence for a person, with rows and how to fix


@dataclass(frozen=True)
class Registration:
    group: Group
    row: int


@dataclass(frozen=True)
class RegistrationCheck:
    problems: list[Problem]
    groups: list[Group]             # one per group after dropping duplicate registrations
    roster: Roster
    min_size: int = 3
    max_size: int = 5

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return {"problems": [asdict(p) for p in self.problems]}

    def blocking(self, *, allow: tuple[str, ...] = ("unassigned",)) -> list[Problem]:
        return [p for p in self.problems if p.kind not in allow]


def read_registrations(path: Path | str, *, width: int | None) -> list[Registration]:
    table = read_table(path, aliases=REGISTRATION_COLUMNS, keep_other=True)
    member_cols = [c for c in table.columns if _MEMBER_COLUMN.match(c)]
    if "group" not in table.columns or ("members" not in table.columns and not member_cols):
        raise InputError(f"need a group name column and a member IDs column (or member 1..5 columns); "
                         f"found {', '.join(table.columns)}", file=str(path), where="row 1")
    out, nameless = [], []
    for r in table.rows:
        cells = [r.get("members")] + [r.get(c) for c in member_cols]
        ids = [clean_id(x, width=width) for cell in cells for x in split_ids(cell)]
        if not r.get("group"):
            nameless.append(r.number)
            continue
        out.append(Registration(row=r.number, group=Group(
            name=re.sub(r"\s+", " ", r.get("group")), members=tuple(ids), leader_email=r.get("leader_email"),
            dataset=r.get("dataset"), presentation_date=r.get("presentation_date"))))
    if nameless:
        raise InputError(f"rows {', '.join(map(str, nameless))} have no group name", file=str(path),
                         hint="fill in the group name or delete the rows")
    return out


def edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def closest_id(sid: str, roster_ids, *, prefer=frozenset(), max_distance: int = 2) -> str | None:
    """The roster ID nearest to `sid` (typo), preferring IDs in `prefer` (students still without a group)."""
    scored = sorted((edit_distance(sid, r), r not in prefer, len(r) != len(sid), r) for r in roster_ids)
    return scored[0][3] if scored and scored[0][0] <= max_distance else None


def _dataset_key(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.casefold())


def check_groups(*, registration: Path | str, roster: Path | str, min_size: int = 3,
                 max_size: int = 5) -> RegistrationCheck:
    """Check a registration export against the roster; every problem is reported, none raises."""
    ros = read_roster(roster)
    regs = read_registrations(registration, width=ros.width)
    problems: list[Problem] = []

    # duplicate registrations: same name (ignoring case/spaces) or the same member set; keep the last
    clusters: dict[int, list[Registration]] = {}
    owner: dict[object, int] = {}
    for i, reg in enumerate(regs):
        keys = [("name", reg.group.name.casefold())]
        if reg.group.members:
            keys.append(("members", frozenset(reg.group.members)))
        hit = next((owner[k] for k in keys if k in owner), None)
        cid = hit if hit is not None else i
        clusters.setdefault(cid, []).append(reg)
        for k in keys:
            owner.setdefault(k, cid)
    kept: list[Registration] = []
    for cluster in clusters.values():
        last = cluster[-1]
        kept.append(last)
        if len(cluster) > 1:
            names = list(dict.fromkeys(r.group.name for r in cluster))
            rows = ", ".join(str(r.row) for r in cluster)
            problems.append(Problem(
                kind="duplicate_group", student_id=None, groups=names, suggestion=None,
                detail=f"group {' / '.join(map(repr, names))} is registered {len(cluster)} times (rows {rows}); "
                       f"row {last.row} is used for the other checks; delete the other registration(s)"))
    kept.sort(key=lambda r: r.row)

    where: dict[str, list[Registration]] = {}
    for reg in kept:
        for sid in reg.group.members:
            where.setdefault(sid, []).append(reg)
    unassigned = [s for s in ros.students if s not in where]
    typo_of: dict[str, str] = {}
    for sid, regs_of in where.items():
        if sid in ros.students:
            continue
        names = list(dict.fromkeys(r.group.name for r in regs_of))
        is_id = any(ch.isdigit() for ch in sid)          # else a name or an e-mail address written instead
        # among equally close IDs, one still without a group and not yet suggested for another entry
        guess = (None if is_id else ros.find(sid)) or closest_id(sid, ros.students,
                                                                 prefer=frozenset(unassigned) - set(typo_of))
        what = "is not on the roster" if is_id else "is not a student ID"
        hint = (f"did you mean {guess} ({ros.students[guess] or 'on the roster'})?" if guess
                else "check the ID with the student")
        if guess:
            typo_of.setdefault(guess, f"the mistyped {sid} in group {names[0]!r}" if is_id
                               else f"{sid!r} in group {names[0]!r}")
        problems.append(Problem(
            kind="unknown_id", student_id=sid, groups=names, suggestion=guess,
            detail=f"{sid} (group {names[0]!r}, row {regs_of[0].row}) {what}; {hint}"))
    for sid, regs_of in where.items():
        if len(regs_of) > 1:
            names = list(dict.fromkeys(r.group.name for r in regs_of))
            rows = ", ".join(str(r.row) for r in regs_of)
            what = (f"in {len(names)} groups ({', '.join(map(repr, names))})" if len(names) > 1
                    else f"listed {len(regs_of)} times in group {names[0]!r}")
            problems.append(Problem(
                kind="duplicate_member", student_id=sid, groups=names, suggestion=None,
                detail=f"{sid} ({ros.students.get(sid) or 'not on the roster'}) is {what}, rows {rows}; "
                       f"a student belongs to exactly one group"))
    for sid in unassigned:
        maybe = f"; possibly {typo_of[sid]}" if sid in typo_of else ""
        problems.append(Problem(kind="unassigned", student_id=sid, groups=[], suggestion=None,
                                detail=f"{sid} ({ros.students[sid] or 'no name'}) is in no group{maybe}"))
    for reg in kept:
        n = len(set(reg.group.members))
        if not min_size <= n <= max_size:
            problems.append(Problem(
                kind="group_size", student_id=None, groups=[reg.group.name], suggestion=None,
                detail=f"group {reg.group.name!r} (row {reg.row}) has {n} member(s); allowed {min_size}-{max_size}"))
    by_dataset: dict[str, list[Registration]] = {}
    for reg in kept:
        if reg.group.dataset:
            by_dataset.setdefault(_dataset_key(reg.group.dataset), []).append(reg)
    for regs_of in by_dataset.values():
        if len(regs_of) > 1:
            names = [r.group.name for r in regs_of]
            problems.append(Problem(
                kind="duplicate_dataset", student_id=None, groups=names, suggestion=None,
                detail=f"dataset {regs_of[0].group.dataset!r} is taken by {len(names)} groups "
                       f"({', '.join(map(repr, names))}, rows {', '.join(str(r.row) for r in regs_of)}); "
                       f"each group needs its own dataset"))
    problems.sort(key=lambda p: KINDS.index(p.kind))
    groups = [Group(name=r.group.name, members=tuple(dict.fromkeys(r.group.members)),
                    leader_email=r.group.leader_email, dataset=r.group.dataset,
                    presentation_date=r.group.presentation_date,
                    member_names={s: ros.students.get(s, "") for s in r.group.members}) for r in kept]
    return RegistrationCheck(problems=problems, groups=groups, roster=ros, min_size=min_size, max_size=max_size)


def render_text(check: RegistrationCheck) -> str:
    if check.ok:
        return (f"OK: {len(check.groups)} groups, {sum(len(g.members) for g in check.groups)} students, "
                f"no problems")
    lines = [f"{len(check.problems)} problem(s) in {len(check.groups)} groups:"]
    lines += [f"  [{p.kind}] {p.detail}" for p in check.problems]
    return "\n".join(lines)



def import_groups(db_url: str, *, registration: Path | str, roster: Path | str, assessment: str,
                  min_size: int = 3, max_size: int = 5,
                  allow: tuple[str, ...] = ("unassigned",)) -> RegistrationCheck:
    """Check, then store the groups of `assessment` (replacing earlier ones) in one transaction.

    Refused (ImportRejected, nothing stored) while a problem of a kind not in `allow` remains.
    """
    check = check_groups(registration=registration, roster=roster, min_size=min_size, max_size=max_size)
    blocking = check.blocking(allow=allow)
    if blocking:
        listing = "\n".join(f"  [{p.kind}] {p.detail}" for p in blocking)
        raise ImportRejected(f"{len(blocking)} registration problem(s); no group was stored:\n{listing}",
                             file=str(registration), hint="fix the export (see `autograder groups check`) "
                             "or accept a kind with --allow KIND")
    with open_db(db_url) as engine, engine.begin() as conn:
        replace_groups(conn, assessment=assessment, groups=check.groups)
    return check
