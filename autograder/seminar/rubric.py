"""Rubric templates (`rubrics/*.yaml`): one typed schema, validated with file, line and key named.

Example (see rubrics/README.md)::

    name: midterm_seminar
    assessment: midterm                 # midterm | final_project
    scale: 10                           # the weighted total is reported out of this
    criteria:
      - id: comparison
        title: Comparisons of methods/techniques
        weight: 30                      # percent; all weights add up to 100
        levels:                         # ascending, contiguous, from 0 to max_points
          - {name: weak, points: [0, 5], descriptor: "..."}
          - {name: good, points: [5, 10], descriptor: "..."}
    caps:                               # optional: a ceiling on the total, ticked per group on the sheets
      - {id: comparative_only, max_total: 6.0, description: "..."}
    rules: {disagreement_spread: 2.0, min_raters: 2}
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from pathlib import Path

import yaml

from autograder.core.errors import RubricError

ASSESSMENTS = ("midterm", "final_project")
SOURCES = ("raters", "audience")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Level:
    name: str                           # short label shown on sheets and reports ("good")
    points: tuple[float, float]         # [low, high): a score s reaches this level when low <= s < high
    descriptor: str = ""                # what a work at this level looks like


@dataclass(frozen=True)
class Criterion:
    id: str                             # column name on the score sheets (lowercase, digits, _)
    title: str                          # human title
    weight: float                       # percent of the total (all criteria add up to 100)
    levels: tuple[Level, ...]           # ascending, contiguous, covering [0, max_points]
    max_points: float = 10.0            # a rater's score for this criterion is in [0, max_points]
    source: str = "raters"              # raters: TA/lecturer sheets; audience: the audience form export
    description: str = ""               # one line for the sheet's guide

    def level_for(self, score: float) -> Level:
        reached = self.levels[0]
        for level in self.levels:
            if score >= level.points[0]:
                reached = level
        return reached


@dataclass(frozen=True)
class Cap:
    id: str                             # column name on the sheets (raters tick yes/no)
    max_total: float                    # the total is at most this (on the rubric's scale)
    description: str = ""               # when it applies
    decided_by: str = "majority"        # majority: more than half of the group's raters tick it; any: one is enough


@dataclass(frozen=True)
class Rules:
    disagreement_spread: float = 2.0    # flag a criterion when max - min of the raters exceeds this (points)
    min_raters: int = 1                 # fewer raters than this -> the group is reported incomplete


@dataclass(frozen=True)
class Rubric:
    name: str                           # rubric id
    assessment: str                     # midterm | final_project
    criteria: tuple[Criterion, ...]     # in sheet order
    title: str = ""                     # human title
    scale: float = 10.0                 # the weighted total is out of this
    caps: tuple[Cap, ...] = ()          # optional ceilings on the total
    rules: Rules = field(default_factory=Rules)
    source_text: str = ""               # the YAML it was read from (stored with the scores)
    path: str = ""                      # where it was read from

    def criterion(self, cid: str) -> Criterion:
        for c in self.criteria:
            if c.id == cid:
                return c
        raise KeyError(cid)

    @property
    def rater_criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.source == "raters")

    @property
    def audience_criterion(self) -> Criterion | None:
        return next((c for c in self.criteria if c.source == "audience"), None)


# -- YAML with line numbers -------------------------------------------------------------------------
class _Map(dict):
    line: int = 0
    key_lines: dict


class _List(list):
    line: int = 0


class _MarkedLoader(yaml.SafeLoader):
    """SafeLoader whose mappings and sequences remember their line, and each key's line."""


def _construct_map(loader, node):
    loader.flatten_mapping(node)
    out = _Map()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for knode, vnode in node.value:
        key = loader.construct_object(knode, deep=True)
        if key in out:
            raise RubricError(f"key {key!r} appears twice", where=f"line {knode.start_mark.line + 1}")
        out[key] = loader.construct_object(vnode, deep=True)
        out.key_lines[key] = knode.start_mark.line + 1
    return out


def _construct_seq(loader, node):
    out = _List(loader.construct_object(n, deep=True) for n in node.value)
    out.line = node.start_mark.line + 1
    return out


_MarkedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_MarkedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)


class _Checker:
    def __init__(self, file: str):
        self.file = file

    def fail(self, message: str, line: int, key: str, hint: str | None = None):
        raise RubricError(f"{key or 'top level'}: {message}", file=self.file, where=f"line {line}", hint=hint)

    def mapping(self, data, allowed: type, key: str, line: int, *, skip=()) -> _Map:
        if not isinstance(data, dict):
            self.fail(f"expected a mapping, got {type(data).__name__}", line, key)
        names = [f.name for f in fields(allowed) if f.name not in skip]
        for k in data:
            if k not in names:
                self.fail(f"unknown key {k!r}; allowed: {', '.join(names)}", data.key_lines[k],
                          f"{key}.{k}" if key else str(k))
        return data

    def text(self, data: _Map, k: str, key: str, *, required=False, default="") -> str:
        if k not in data:
            if required:
                self.fail(f"missing required key {k!r}", data.line, key)
            return default
        v = data[k]
        if not isinstance(v, str) or (required and not v.strip()):
            self.fail(f"expected non-empty text, got {v!r}", data.key_lines[k], f"{key}.{k}".lstrip("."))
        return v.strip()

    def number(self, data: _Map, k: str, key: str, *, lo: float, hi: float, default=None,
               lo_open=False) -> float:
        if k not in data:
            if default is None:
                self.fail(f"missing required key {k!r}", data.line, key)
            return default
        v = data[k]
        name = f"{key}.{k}".lstrip(".")
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            self.fail(f"expected a number, got {v!r}", data.key_lines[k], name)
        if v < lo or v > hi or (lo_open and v == lo):
            self.fail(f"{v!r} is out of range {'(' if lo_open else '['}{lo:g}, {hi:g}]", data.key_lines[k], name)
        return float(v)

    def ident(self, data: _Map, k: str, key: str) -> str:
        v = self.text(data, k, key, required=True)
        if not _ID.match(v):
            self.fail(f"{v!r} is not a valid id (lowercase letters, digits, _; starts with a letter)",
                      data.key_lines[k], f"{key}.{k}")
        return v

    def items(self, data: _Map, k: str, key: str, *, required=False) -> list:
        if k not in data:
            if required:
                self.fail(f"missing required key {k!r}", data.line, key or "top level")
            return []
        v = data[k]
        if not isinstance(v, list) or (required and not v):
            self.fail("expected a non-empty list", data.key_lines[k], f"{key}.{k}".lstrip("."))
        return v


def _levels(ck: _Checker, c: _Map, key: str, max_points: float) -> tuple[Level, ...]:
    raw = ck.items(c, "levels", key, required=True)
    levels = []
    for j, lv in enumerate(raw):
        lkey = f"{key}.levels[{j}]"
        ck.mapping(lv, Level, lkey, getattr(lv, "line", raw.line))
        name = ck.text(lv, "name", lkey, required=True)
        descriptor = ck.text(lv, "descriptor", lkey)
        pts = lv.get("points")
        pline = lv.key_lines.get("points", lv.line)
        if ("points" not in lv or not isinstance(pts, list) or len(pts) != 2
                or any(isinstance(p, bool) or not isinstance(p, (int, float)) for p in pts)):
            ck.fail(f"expected [low, high] numbers, got {pts!r}", pline, f"{lkey}.points")
        lo, hi = float(pts[0]), float(pts[1])
        if not 0 <= lo < hi <= max_points:
            ck.fail(f"[{lo:g}, {hi:g}] is out of range: need 0 <= low < high <= max_points ({max_points:g})",
                    pline, f"{lkey}.points")
        if levels and lo != levels[-1].points[1]:
            gap = "a gap" if lo > levels[-1].points[1] else "an overlap"
            ck.fail(f"levels leave {gap}: {levels[-1].name!r} ends at {levels[-1].points[1]:g} but {name!r} "
                    f"starts at {lo:g}", pline, f"{lkey}.points", hint="list levels ascending, each starting "
                    "where the previous one ends")
        levels.append(Level(name=name, points=(lo, hi), descriptor=descriptor))
    if levels[0].points[0] != 0 or levels[-1].points[1] != max_points:
        ck.fail(f"levels cover [{levels[0].points[0]:g}, {levels[-1].points[1]:g}] but must cover "
                f"[0, {max_points:g}]", c.key_lines["levels"], f"{key}.levels")
    return tuple(levels)


def parse_rubric(text: str, *, file: str = "<rubric>") -> Rubric:
    """Parse and validate rubric YAML text; RubricError names the file, line and key."""
    try:
        data = yaml.load(text, Loader=_MarkedLoader)  # noqa: S506 - a SafeLoader subclass
    except RubricError as e:
        raise RubricError(e.detail, file=file, where=e.where) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise RubricError(f"not valid YAML: {getattr(e, 'problem', e)}", file=file,
                          where=f"line {mark.line + 1}" if mark else None) from None
    ck = _Checker(file)
    if not isinstance(data, dict):
        raise RubricError("expected a mapping at the top level", file=file, where="line 1")
    ck.mapping(data, Rubric, "", 1, skip=("source_text", "path"))
    assessment = ck.text(data, "assessment", "", required=True)
    if assessment not in ASSESSMENTS:
        ck.fail(f"{assessment!r} is not one of {', '.join(ASSESSMENTS)}", data.key_lines["assessment"], "assessment")
    scale = ck.number(data, "scale", "", lo=0, hi=1000, default=10.0, lo_open=True)
    criteria, seen = [], set()
    for i, c in enumerate(ck.items(data, "criteria", "", required=True)):
        key = f"criteria[{i}]"
        ck.mapping(c, Criterion, key, data.key_lines["criteria"])
        cid = ck.ident(c, "id", key)
        key = f"criteria[{i}] ({cid})"
        if cid in seen:
            ck.fail(f"id {cid!r} is used twice", c.key_lines["id"], f"{key}.id")
        seen.add(cid)
        source = ck.text(c, "source", key, default="raters")
        if source not in SOURCES:
            ck.fail(f"{source!r} is not one of {', '.join(SOURCES)}", c.key_lines["source"], f"{key}.source")
        max_points = ck.number(c, "max_points", key, lo=0, hi=1000, default=10.0, lo_open=True)
        criteria.append(Criterion(
            id=cid, title=ck.text(c, "title", key, required=True),
            weight=ck.number(c, "weight", key, lo=0, hi=100, lo_open=True),
            levels=_levels(ck, c, key, max_points), max_points=max_points, source=source,
            description=ck.text(c, "description", key)))
    total = sum(c.weight for c in criteria)
    if abs(total - 100) > 1e-9:
        ck.fail(f"weights add up to {total:g}, expected 100", data.key_lines["criteria"], "criteria",
                hint="weights are percentages of the total")
    if sum(c.source == "audience" for c in criteria) > 1:
        ck.fail("at most one criterion may have source: audience", data.key_lines["criteria"], "criteria")
    caps = []
    for i, cp in enumerate(ck.items(data, "caps", "")):
        key = f"caps[{i}]"
        ck.mapping(cp, Cap, key, data.key_lines["caps"])
        cap_id = ck.ident(cp, "id", key)
        if cap_id in seen:
            ck.fail(f"id {cap_id!r} is already used", cp.key_lines["id"], f"{key}.id")
        seen.add(cap_id)
        decided_by = ck.text(cp, "decided_by", key, default="majority")
        if decided_by not in ("majority", "any"):
            ck.fail(f"{decided_by!r} is not one of majority, any", cp.key_lines["decided_by"], f"{key}.decided_by")
        caps.append(Cap(id=cap_id, max_total=ck.number(cp, "max_total", key, lo=0, hi=scale),
                        description=ck.text(cp, "description", key), decided_by=decided_by))
    rules = Rules()
    if "rules" in data:
        r = ck.mapping(data["rules"], Rules, "rules", data.key_lines["rules"])
        min_raters = r.get("min_raters", 1)
        if isinstance(min_raters, bool) or not isinstance(min_raters, int) or not 1 <= min_raters <= 50:
            ck.fail(f"expected a whole number in [1, 50], got {min_raters!r}",
                    r.key_lines.get("min_raters", r.line), "rules.min_raters")
        rules = Rules(disagreement_spread=ck.number(r, "disagreement_spread", "rules", lo=0, hi=1000,
                                                    default=Rules.disagreement_spread),
                      min_raters=min_raters)
    return Rubric(name=ck.text(data, "name", "", required=True), assessment=assessment, criteria=tuple(criteria),
                  title=ck.text(data, "title", ""), scale=scale, caps=tuple(caps), rules=rules,
                  source_text=text, path=file)


def load_rubric(path: Path | str) -> Rubric:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RubricError("rubric file not found", file=str(path), hint="see rubrics/ for the shipped ones") from None
    except UnicodeDecodeError:
        raise RubricError("not UTF-8 text", file=str(path)) from None
    return parse_rubric(text, file=str(path))
