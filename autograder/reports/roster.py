"""The roster as the reports use it: `core/roster.read_roster` (our `student_id,name,email,section,status`
CSV, the university's class-list export, .xlsx) turned into a DataFrame of strings.

Columns: student_id, name, email, section, status (`active` or `dropped`), then any other column the file has
(for example `canvas_id`, used by the Canvas export when present).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from autograder.core.errors import InputError
from autograder.core.roster import Roster, read_roster

COLUMNS = ["student_id", "name", "email", "section", "status"]


def roster_frame(roster: Roster) -> pd.DataFrame:
    extra = [c.replace(" ", "_") for c in roster.extra_columns]
    records = [[s.student_id, s.name, s.email, s.section, s.status] + [s.extra.get(c, "") for c in roster.extra_columns]
               for s in roster.entries]
    return pd.DataFrame(records, columns=COLUMNS + extra, dtype=object).fillna("").astype(str)


def load_roster(path: Path | str) -> pd.DataFrame:
    """The roster file as a DataFrame (see the module docstring); InputError names the file and the row."""
    if not Path(path).is_file():
        raise InputError("roster not found", file=str(path), hint="the policy's `roster:` is relative to policy.yaml")
    return roster_frame(read_roster(path))
