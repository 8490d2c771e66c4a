"""The class roster CSV: `student_id,name,email,section,status` (UTF-8, a BOM from Excel is fine).

`student_id` is an 8-digit string (leading zeros kept), `status` is `active` (default when empty) or `dropped`.
Extra columns are kept (for example `canvas_id`, used by the Canvas export when present).
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from autograder.core.errors import InputError

REQUIRED = ("student_id", "name")
STATUSES = ("active", "dropped")
STUDENT_ID = re.compile(r"^\d{8}$")
COLUMNS = ["student_id", "name", "email", "section", "status"]


def load_roster(path: Path | str) -> pd.DataFrame:
    """The roster as a DataFrame of strings (columns: COLUMNS + any extra); InputError names the bad row."""
    path = Path(path)
    file = str(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
    except FileNotFoundError:
        raise InputError("roster not found", file=file, hint="the policy's `roster:` is relative to policy.yaml") from None
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 text ({e.reason} at byte {e.start})", file=file,
                         hint="save the roster as CSV UTF-8") from None
    if not rows:
        raise InputError("the roster is empty", file=file, hint=f"the first row names the columns: {','.join(COLUMNS)}")
    header = [h.strip() for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}; found: {', '.join(header)}", file=file,
                         where="row 1", hint=f"expected columns: {','.join(COLUMNS)}")
    records, seen = [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise InputError(f"{len(row)} cells, the header has {len(header)}", file=file, where=f"row {number}",
                             hint="quote names that contain commas")
        rec = {h: cell.strip() for h, cell in zip(header, row)}
        sid = rec["student_id"]
        if not STUDENT_ID.match(sid):
            raise InputError(f"student_id {sid!r} is not an 8-digit id", file=file, where=f"row {number}",
                             hint="keep leading zeros; format the column as text in a spreadsheet")
        if sid in seen:
            raise InputError(f"student_id {sid} appears twice (also row {seen[sid]})", file=file,
                             where=f"row {number}")
        seen[sid] = number
        if not rec["name"]:
            raise InputError(f"student {sid} has no name", file=file, where=f"row {number}")
        status = (rec.get("status") or "active").lower()
        if status not in STATUSES:
            raise InputError(f"status {rec.get('status')!r} is not one of {', '.join(STATUSES)}", file=file,
                             where=f"row {number}")
        rec["status"] = status
        records.append(rec)
    extra = [h for h in header if h not in COLUMNS]
    frame = pd.DataFrame(records, columns=COLUMNS + extra, dtype=object).fillna("")
    return frame.astype({c: str for c in frame.columns})
