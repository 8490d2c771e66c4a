"""The one CSV writer: every CSV file the autograder writes goes through `write_csv`.

* Formula-safe: a text cell that a spreadsheet would run as a formula (starting with `=` `+` `-` `@`, also
  after leading spaces, or starting with a tab or carriage return) gets a leading apostrophe (OWASP's
  advice for CSV injection); student IDs, names, group names and messages are text.
* Numbers stay numbers: int/float cells (NumPy's included) are written with `core/scores.format_score`, the
  way pages show them, never quoted or prefixed, so `-1.5` stays a negative number. NaN/None are empty cells;
  dates are ISO 8601; booleans `true`/`false`.
* Atomic (`core/atomic.py`), comma separated, CRLF line ends (RFC 4180).
* Encoding, decided per file by the caller's `bom=` (required):
  - `bom=True`, UTF-8 with a byte-order mark, for files with people's names that people open in Excel:
    without the BOM Excel reads UTF-8 as the ANSI code page and Vietnamese names come out garbled. The seminar
    class CSV, the rater score sheets, `export --format long`. pandas (`read_csv`), Python's `utf-8-sig` and
    LibreOffice read the BOM too.
  - `bom=False`, plain UTF-8, for LMS gradebook imports (`export --format moodle|canvas`): the file goes to an
    importer, not to a person, and an importer that does not strip a BOM sees it as part of the first column
    name ("\ufeffID number") and cannot map the column. Also the score exports (`export`, `export --by-task`):
    they hold IDs, assignment and task ids and numbers only (ASCII, which Excel reads either way), and scripts
    read them with a plain `utf-8` reader.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import numbers
from collections.abc import Iterable, Sequence
from pathlib import Path

from autograder.core.atomic import write_text_atomic
from autograder.core.scores import format_score

FORMULA_START = ("=", "+", "-", "@")
CONTROL_START = ("\t", "\r", "\n")


def neutralise(text: str) -> str:
    """A text cell as a spreadsheet must show it: never run as a formula."""
    if text.startswith(CONTROL_START) or text.lstrip(" \u00a0").startswith(FORMULA_START + CONTROL_START):
        return "'" + text
    return text


def cell(value) -> str:
    """One CSV cell: numbers as numbers (format_score), text neutralised, None/NaN/NaT empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, bool) or (type(value).__module__ == "numpy" and type(value).__name__ in ("bool", "bool_")):
        return "true" if value else "false"
    if isinstance(value, numbers.Real):
        return format_score(value)
    if isinstance(value, dt.datetime | dt.date):
        return "" if value != value else value.isoformat()        # NaT != NaT
    return neutralise(str(value))


def csv_text(rows: Iterable[Sequence], *, header: Sequence[str] | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if header is not None:
        writer.writerow([cell(h) for h in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return buffer.getvalue()


def write_csv(path: Path | str, rows: Iterable[Sequence], *, header: Sequence[str] | None = None,
              bom: bool) -> Path:
    """Write `header` (if given) and `rows` to `path` atomically; returns the path. See the module docstring
    for `bom`."""
    path = Path(path)
    write_text_atomic(path, csv_text(rows, header=header), encoding="utf-8-sig" if bom else "utf-8")
    return path
