"""Reading the tables people actually send: spreadsheet and form exports (CSV in any dialect, or .xlsx).

Handles a UTF-8 BOM, UTF-16 "Unicode text" exports, `,` / `;` / tab separators (chosen by the parse with the
best header row), title lines above the header (university exports), headers with a note in parentheses,
cells with trailing spaces, blank lines, and .xlsx cells typed as numbers (whole numbers kept whole, so IDs
stay IDs; `student_ids.clean_id` undoes what a spreadsheet did to an ID). Row numbers are the spreadsheet's:
the first row of the file is row 1.

The roster (`core/roster.py`), the seminar's registration, audience and score-sheet imports all read
through `read_table`; CSV files the system writes go through `core/csvfile.py`.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from autograder.core.errors import InputError

DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class Row:
    number: int                     # spreadsheet row number (header = 1)
    values: dict[str, str]          # canonical column name -> stripped cell text ("" when missing)

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass(frozen=True)
class Table:
    path: str
    delimiter: str
    columns: tuple[str, ...]        # canonical names, in file order
    rows: tuple[Row, ...] = field(default_factory=tuple)


def header_key(text: str) -> str:
    """Canonical form of a header cell: NFC, case-folded, `_`/`-`/spaces collapsed to one space."""
    text = unicodedata.normalize("NFC", text).strip().strip('"').casefold()
    return re.sub(r"[\s_\-]+", " ", text).strip()


def decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"cannot be read ({e.strerror})", file=str(path)) from None
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"cannot be read: not UTF-8 text (byte {e.start})", file=str(path),
                         hint="save it again as 'CSV UTF-8 (Comma delimited)'") from None


def sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_table(path: Path | str, *, aliases: dict[str, tuple[str, ...]], required: tuple[str, ...] = (),
               keep_other: bool = False, sheet: str | None = None) -> Table:
    """Read `path` (CSV in any of DELIMITERS, or .xlsx: the worksheet `sheet`, else the first) into a Table
    whose columns are renamed to the keys of `aliases`.

    `aliases` maps a canonical column name to accepted header spellings (compared with `header_key`).
    Missing `required` columns raise InputError naming the file and the headers found.
    With `keep_other`, unknown columns are kept under their `header_key`.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("file not found", file=str(path))
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return table_from_records(xlsx_records(path, sheet=sheet), path=str(path), delimiter="xlsx",
                                  aliases=aliases, required=required, keep_other=keep_other)
    if suffix in (".xls", ".ods", ".numbers"):
        raise InputError(f"{suffix} files are not read", file=str(path),
                         hint="save it as .xlsx or as 'CSV UTF-8' from the spreadsheet program")
    text = decode(path).replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    first = next((ln for ln in lines if ln.strip()), "")
    if not first:
        raise InputError("the file is empty", file=str(path))
    # the separator whose parse has the best header row (a title line above the header says nothing)
    lookup = _alias_lookup(aliases)
    sniffed = sniff_delimiter(first)
    parses = []
    for delimiter in DELIMITERS:
        records = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        parses.append((_find_header(records, lookup)[1], delimiter == sniffed, delimiter, records))
    _, _, delimiter, records = max(parses, key=lambda p: (p[0], p[1]))
    return table_from_records(records, path=str(path), delimiter=delimiter, aliases=aliases, required=required,
                              keep_other=keep_other)


def xlsx_cell(value) -> str:
    """A spreadsheet value as text: whole numbers without '.0' or exponent (IDs typed as numbers), dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    return str(value)


def xlsx_records(path: Path, *, sheet: str | None = None) -> list[list[str]]:
    from openpyxl import load_workbook
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:          # a damaged or mislabelled file: openpyxl raises many kinds
        raise InputError(f"not a readable .xlsx workbook ({type(e).__name__}: {e})", file=str(path),
                         hint="open it in a spreadsheet program and save it again as .xlsx or CSV") from None
    try:
        ws = wb[sheet] if sheet and sheet in wb.sheetnames else wb.worksheets[0]
        return [[xlsx_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def _alias_lookup(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {header_key(a): canon for canon, names in aliases.items() for a in (canon, *names)}


def _column_of(cell: str, lookup: dict[str, str]) -> str | None:
    key = header_key(cell)
    # form questions often carry a note: "Member IDs (comma separated)", "Tên nhóm [Group name]"
    bare = re.sub(r"\s*[(\[].*?[)\]]", "", key).strip(" :*")
    return lookup.get(key) or lookup.get(bare)


HEADER_SEARCH_ROWS = 20


def _find_header(records: list[list[str]], lookup: dict[str, str]) -> tuple[int | None, int]:
    """(index, number of known columns) of the header: among the first non-empty rows, the one naming the
    most known columns (exports from the university's systems put a title and the class above it); the
    first non-empty row when none names any."""
    rows = [i for i, rec in enumerate(records) if any(c.strip() for c in rec)][:HEADER_SEARCH_ROWS]
    if not rows:
        return None, 0
    scored = [(len({_column_of(c, lookup) for c in records[i]} - {None}), -i) for i in rows]
    score, neg = max(scored)
    return (-neg if score else rows[0]), score


def table_from_records(records: list[list[str]], *, path: str, delimiter: str, aliases: dict[str, tuple[str, ...]],
                       required: tuple[str, ...] = (), keep_other: bool = False) -> Table:
    """Like `read_table`, from already split records (CSV rows or spreadsheet rows)."""
    lookup = _alias_lookup(aliases)
    start, _ = _find_header(records, lookup)
    if start is None:
        raise InputError("the file is empty", file=path)
    header = records[start]
    columns: list[str | None] = []
    for cell in header:
        key = header_key(cell)
        canon = _column_of(cell, lookup) or (key if keep_other and key else None)
        if canon in columns and canon is not None:
            raise InputError(f"column {cell.strip()!r} appears twice", file=path, where=f"row {start + 1}")
        columns.append(canon)
    missing = [c for c in required if c not in columns]
    if missing:
        found = ", ".join(repr(c.strip()) for c in header)
        wanted = "; ".join(f"{c!r} (or {', '.join(map(repr, aliases.get(c, ())))})" if aliases.get(c) else repr(c)
                           for c in missing)
        raise InputError(f"missing column(s) {wanted}; found {found} (separator {delimiter!r})",
                         file=path, where=f"row {start + 1}", hint="rename the header cells or export again")
    rows = []
    for offset, rec in enumerate(records[start + 1:], start=start + 2):
        if not any(c.strip() for c in rec):
            continue
        if any(c.strip() for c in rec[len(header):]):
            raise InputError(f"{len(rec)} cells, the header has {len(header)}", file=path, where=f"row {offset}",
                             hint="put cells that contain the separator in quotes, or export the file again")
        values = {c: "" for c in columns if c}
        for canon, cell in zip(columns, rec):
            if canon:
                values[canon] = unicodedata.normalize("NFC", cell).strip()
        rows.append(Row(number=offset, values=values))
    return Table(path=path, delimiter=delimiter, columns=tuple(c for c in columns if c), rows=tuple(rows))


def parse_number(text: str) -> float | None:
    """'7.5', '7,5' (Vietnamese/European decimal comma), ' 8 ' -> float; '' -> None; raises ValueError."""
    text = text.strip().replace("\u00a0", "")
    if not text:
        return None
    if re.fullmatch(r"[+-]?\d+,\d+", text):
        text = text.replace(",", ".")
    return float(text)
