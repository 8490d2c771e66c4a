"""Turn a submitted file into a clean nbformat-4 notebook, or refuse it with a reason.

    nb, notes = sanitize_submission(path=..., release_notebook=..., max_mb=20)

Order (each step assumes the previous one):
1. read: a regular file, at most `max_mb`, UTF-8 JSON;
2. version: nbformat 4 as is, nbformat 3 upgraded with nbformat's converter, anything else refused;
3. rebuild every cell from what is usable (source lists joined, unknown cell types dropped, metadata
   that is not a mapping replaced), outputs/execution counts/attachments/widget state cleared,
   kernelspec and language_info set to python3, then checked against the nbformat schema;
4. restore instructor cells from the release notebook (`restore.py`): every restoration adds a note.

Unusable input raises `NotebookInvalid` naming the file; weird but valid JSON never crashes.
"""
from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import nbformat

from autograder.core.errors import NotebookInvalid
from autograder.pipeline.restore import restore_from_release

MAX_CELLS = 5000
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
LANGUAGE_INFO = {"name": "python"}
_CELL_ID = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")
_CELL_TYPES = ("code", "markdown", "raw")
_CELL_META = {"nbgrader": dict, "deletable": bool, "editable": bool}


def _read_json(path: Path, max_mb: float) -> object:
    name = str(path)
    try:
        if not path.is_file():
            raise NotebookInvalid("not a regular file (missing, a folder or a device)", file=name)
        size = path.stat().st_size
        if size > max_mb * 2**20:
            raise NotebookInvalid(f"file is {size / 2**20:.1f} MB, more than the {max_mb:g} MB allowed", file=name,
                                  hint="clear the outputs (Kernel > Restart & Clear Output) and save again")
        with open(path, "rb") as f:
            data = f.read(int(max_mb * 2**20) + 1)
    except OSError as e:
        raise NotebookInvalid(f"cannot be read: {e.strerror or e}", file=name) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise NotebookInvalid(f"is not UTF-8 text (byte {e.start})", file=name,
                              hint="upload the .ipynb file itself, not a PDF/zip") from None
    if not text.strip():
        raise NotebookInvalid("is empty", file=name)
    try:
        return json.loads(text)
    except RecursionError:
        raise NotebookInvalid("is not a notebook (JSON nested too deeply)", file=name) from None
    except ValueError as e:
        where = f"line {e.lineno}, column {e.colno}" if hasattr(e, "lineno") else None
        raise NotebookInvalid(f"is not valid JSON ({getattr(e, 'msg', e)})", file=name, where=where,
                              hint="open it in Jupyter; if it does not open, re-download your last good save") \
            from None


def _as_v4(data: object, name: str, notes: list[str]) -> dict:
    if not isinstance(data, dict):
        raise NotebookInvalid(f"is not a notebook (top-level JSON is a {type(data).__name__}, not an object)",
                              file=name)
    version = data.get("nbformat")
    if version == 3 or (version is None and "worksheets" in data):
        try:
            data = dict(nbformat.convert(nbformat.from_dict(data), 4))
        except Exception as e:               # nbformat's converter raises many kinds on malformed v3
            raise NotebookInvalid(f"is an nbformat 3 notebook that cannot be upgraded ({e})", file=name) from None
        notes.append("the notebook was in the old nbformat 3 and was upgraded to nbformat 4")
    elif version != 4:
        raise NotebookInvalid(f"is not a Jupyter notebook in a supported format (nbformat {version!r}; "
                              "only 3 and 4 are accepted)", file=name)
    cells = data.get("cells")
    if not isinstance(cells, list):
        raise NotebookInvalid(f"is not a notebook ('cells' is a {type(cells).__name__}, not a list)", file=name)
    if len(cells) > MAX_CELLS:
        raise NotebookInvalid(f"has {len(cells)} cells, more than the {MAX_CELLS} accepted", file=name)
    return data


def _text(value) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "".join(value)
    return None


def _clean_cell(raw: object, index: int, seen_ids: set[str], notes: list[str]) -> nbformat.NotebookNode | None:
    if not isinstance(raw, dict) or raw.get("cell_type") not in _CELL_TYPES:
        kind = raw.get("cell_type") if isinstance(raw, dict) else type(raw).__name__
        notes.append(f"cell {index + 1}: not a code/markdown/raw cell ({str(kind)[:40]!r}); it was dropped")
        return None
    source = _text(raw.get("source", ""))
    if source is None:
        notes.append(f"cell {index + 1}: its source was not text; it was emptied")
        source = ""
    metadata = raw.get("metadata") if isinstance(raw.get("metadata"), dict) else {}
    # keep what nbgrader and the engine read; the rest (widget state, UI flags) has no effect on grading
    metadata = {k: v for k, v in metadata.items() if k in _CELL_META and isinstance(v, _CELL_META[k])}
    cell_id = raw.get("id")
    if not isinstance(cell_id, str) or not _CELL_ID.match(cell_id) or cell_id in seen_ids:
        cell_id = uuid.uuid4().hex[:8]
    seen_ids.add(cell_id)
    cell = {"id": cell_id, "cell_type": raw["cell_type"], "metadata": metadata, "source": source}
    if cell["cell_type"] == "code":
        cell.update(outputs=[], execution_count=None)
    return nbformat.from_dict(cell)


def _clean_notebook(data: dict, notes: list[str]) -> nbformat.NotebookNode:
    seen: set[str] = set()
    cells = [c for i, raw in enumerate(data["cells"]) if (c := _clean_cell(raw, i, seen, notes)) is not None]
    meta = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    kernel = meta.get("kernelspec", {}).get("name") if isinstance(meta.get("kernelspec"), dict) else None
    if kernel not in (None, "python3"):
        notes.append(f"the notebook's kernel {str(kernel)[:40]!r} was replaced by python3")
    meta = {"kernelspec": dict(KERNELSPEC), "language_info": dict(LANGUAGE_INFO)}   # widget state etc. dropped
    return nbformat.from_dict({"nbformat": 4, "nbformat_minor": 5, "metadata": meta, "cells": cells})


def _validate_schema(nb: nbformat.NotebookNode, name: str) -> None:
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as e:
        msg = str(getattr(e, "message", e)).splitlines()[0][:200]
        raise NotebookInvalid(f"does not match the notebook schema: {msg}", file=name) from None


def read_release(path: Path) -> nbformat.NotebookNode:
    try:
        return nbformat.read(str(path), as_version=4)
    except (OSError, ValueError) as e:
        raise NotebookInvalid(f"release notebook cannot be read: {e}", file=str(path)) from None


def sanitize_submission(*, path: Path, release_notebook: Path | None, max_mb: float
                        ) -> tuple[nbformat.NotebookNode, list[str]]:
    """The cleaned, restored notebook and the notes describing every change a student should know about.

    ``release_notebook=None`` (the student's own check) cleans without restoring: there is nothing to restore
    from, and the student's install has no nbgrader."""
    path = Path(path)
    notes: list[str] = []
    data = _as_v4(_read_json(path, max_mb), str(path), notes)
    nb = _clean_notebook(data, notes)
    if release_notebook is not None:
        nb, restore_notes = restore_from_release(nb, read_release(Path(release_notebook)))
        notes.extend(restore_notes)
    _validate_schema(nb, str(path))
    return nb, notes
