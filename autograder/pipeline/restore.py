"""Restore instructor cells of a submission from the release notebook (nbgrader's checksum mechanism).

nbgrader marks instructor cells with ``metadata.nbgrader`` (grade_id, grade/solution/locked/task flags,
points, checksum). A submission may have changed them; the grader trusts only the release:

* nbgrader metadata whose grade_id is not in the release (forged) is removed;
* a second cell with the same grade_id loses its nbgrader metadata (nbgrader's DeduplicateIds idea);
* a cell whose type or nbgrader metadata (flags, points) differs from the release gets the release's;
* a locked cell (``nbgrader.utils.is_locked``) whose checksum (``nbgrader.utils.compute_checksum``)
  differs from the release's gets the release source back (nbgrader's OverwriteCells idea);
* a deleted grade or task cell is re-inserted next to its nearest surviving release neighbour
  (OverwriteCells.add_missing_grade_cells idea, without its gradebook dependency).

Solution cells that were deleted are not restored: students may define the function elsewhere.
Each restoration adds one note such as "cell 'adam_step' (grade cell) was deleted; restored from the release".
"""
from __future__ import annotations

import copy
import uuid

import nbformat

# nbgrader is imported lazily (`_nbgrader_utils`): the student's install has no nbgrader and never restores.


def _nbgrader_utils():
    from nbgrader import utils
    return utils


def is_grade(cell) -> bool:
    return _nbgrader_utils().is_grade(cell)


def is_task(cell) -> bool:
    return _nbgrader_utils().is_task(cell)


def is_solution(cell) -> bool:
    return _nbgrader_utils().is_solution(cell)


def is_locked(cell) -> bool:
    return _nbgrader_utils().is_locked(cell)


def compute_checksum(cell) -> str:
    return _nbgrader_utils().compute_checksum(cell)


def _meta(cell) -> dict | None:
    meta = cell.metadata.get("nbgrader")
    return meta if isinstance(meta, dict) else None


def _label(gid: str, cell) -> str:
    kind = ("grade cell" if is_grade(cell) else "task cell" if is_task(cell) else
            "solution cell" if is_solution(cell) else "locked cell" if is_locked(cell) else "instructor cell")
    return f"cell {gid!r} ({kind})"


def _flags(meta: dict) -> tuple:
    def points():
        try:
            return float(meta.get("points", 0) or 0)
        except (TypeError, ValueError):
            return meta.get("points")
    return tuple(bool(meta.get(k)) for k in ("grade", "solution", "locked", "task")) + (points(),)


def _retype(cell, cell_type: str):
    data = {"id": cell.get("id", uuid.uuid4().hex[:8]), "cell_type": cell_type, "metadata": cell.metadata,
            "source": cell.source}
    if cell_type == "code":
        data.update(outputs=[], execution_count=None)
    return nbformat.from_dict(data)


def _release_checksum(rcell) -> str:
    return _meta(rcell).get("checksum") or compute_checksum(rcell)


def _fresh(rcell, used_ids: set[str]):
    cell = copy.deepcopy(rcell)
    if cell.cell_type == "code":
        cell.outputs, cell.execution_count = [], None
    if cell.get("id") in used_ids or not cell.get("id"):
        cell["id"] = uuid.uuid4().hex[:8]
    used_ids.add(cell["id"])
    return cell


def _check_cells(nb, by_id: dict, notes: list[str]) -> None:
    seen: set[str] = set()
    for i, cell in enumerate(nb.cells):
        if "nbgrader" not in cell.metadata:
            continue
        meta = _meta(cell)
        gid = meta.get("grade_id") if meta else None
        if not isinstance(gid, str) or gid not in by_id:
            del cell.metadata["nbgrader"]
            cell.metadata.pop("editable", None), cell.metadata.pop("deletable", None)
            shown = f"grade_id {str(gid)[:40]!r}" if gid is not None else "no grade_id"
            notes.append(f"cell {i + 1}: nbgrader metadata that is not in the release ({shown}) was removed")
            continue
        rcell = by_id[gid]
        if gid in seen:
            del cell.metadata["nbgrader"]
            notes.append(f"cell {i + 1}: a second cell with grade_id {gid!r}; its nbgrader metadata was removed "
                         f"(only the first {_label(gid, rcell)} counts)")
            continue
        seen.add(gid)
        changes = []
        if cell.cell_type != rcell.cell_type:
            changes.append(f"was changed from {rcell.cell_type} to {cell.cell_type}")
            nb.cells[i] = cell = _retype(cell, rcell.cell_type)
        if _flags(meta) != _flags(_meta(rcell)):
            changes.append("had its nbgrader metadata (grade/solution/locked/points) changed")
        cell.metadata["nbgrader"] = copy.deepcopy(_meta(rcell))
        for key in ("editable", "deletable"):
            if key in rcell.metadata:
                cell.metadata[key] = rcell.metadata[key]
            else:
                cell.metadata.pop(key, None)
        if is_locked(rcell) and compute_checksum(cell) != _release_checksum(rcell):
            cell.source = rcell.source
            changes.append("was edited")
        if changes:
            notes.append(f"{_label(gid, rcell)} {' and '.join(changes)}; restored from the release")


def _insert_missing(nb, release_cells: list, notes: list[str]) -> None:
    used_ids = {c.get("id") for c in nb.cells}
    order = [gid for gid, _ in release_cells]
    for pos, (gid, rcell) in enumerate(release_cells):
        if not (is_grade(rcell) or is_task(rcell)):
            continue
        present = {m["grade_id"]: i for i, c in enumerate(nb.cells) if (m := _meta(c)) and "grade_id" in m}
        if gid in present:
            continue
        before = next((present[g] for g in reversed(order[:pos]) if g in present), None)
        after = next((present[g] for g in order[pos + 1:] if g in present), None)
        at = before + 1 if before is not None else after if after is not None else len(nb.cells)
        nb.cells.insert(at, _fresh(rcell, used_ids))
        notes.append(f"{_label(gid, rcell)} was deleted; restored from the release")


def restore_from_release(nb, release) -> tuple[nbformat.NotebookNode, list[str]]:
    """Restore `nb` (a cleaned nbformat-4 notebook) in place against `release`; returns (nb, notes)."""
    release_cells = []
    for cell in release.cells:
        meta = _meta(cell)
        if meta and isinstance(meta.get("grade_id"), str):
            release_cells.append((meta["grade_id"], cell))
    by_id = {}
    for gid, cell in release_cells:
        by_id.setdefault(gid, cell)
    notes: list[str] = []
    _check_cells(nb, by_id, notes)
    _insert_missing(nb, release_cells, notes)
    return nb, notes
