"""Seminar reports: an HTML page per group (+ index) and a class CSV, from aggregated results.

HTML goes through jinja2 templates (`templates/*.html.j2`) with autoescaping on, so comments typed by
students or raters are shown as text, never as markup.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from autograder.seminar import csvio
from autograder.seminar.aggregate import SeminarResults
from autograder.seminar.sheets import slug

_ENV = jinja2.Environment(loader=jinja2.PackageLoader("autograder.seminar", "templates"),
                          autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
                          undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


@dataclass(frozen=True)
class ReportFiles:
    index: Path
    groups: dict[str, Path]         # group name -> page
    class_csv: Path


def render_group(results: SeminarResults, group: str) -> str:
    g = next(x for x in results.groups if x.group.name == group)
    members = [m for m in results.members if m.group == group]
    return _ENV.get_template("group.html.j2").render(rubric=results.rubric, g=g, members=members,
                                                     spread_limit=results.spread_limit)


def class_rows(results: SeminarResults) -> tuple[list[str], list[list]]:
    """One row per member of a graded group: criterion means, group total, adjustment, final score."""
    crits = [c.id for c in results.rubric.criteria]
    header = (["student_id", "name", "group", "assessment"] + crits
              + ["group_total", "adjustment", "adjustment_reason", "score", "max_score", "complete", "flagged"])
    by_group = {g.group.name: g for g in results.groups}
    rows = []
    for m in results.members:
        g = by_group[m.group]
        means = ["" if c.mean is None else f"{c.mean:.2f}" for c in g.criteria]
        rows.append([m.student_id, m.name, m.group, results.assessment] + means
                    + [f"{m.group_total:.2f}", f"{m.adjustment:g}", m.adjustment_reason, f"{m.score:.2f}",
                       f"{results.rubric.scale:g}", "yes" if g.complete else "no", "yes" if g.flagged else "no"])
    return header, rows


def write_report(results: SeminarResults, *, out_dir: Path | str) -> ReportFiles:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pages, used = {}, set()
    for g in results.groups:
        name = slug(g.group.name)
        while name in used:
            name += "_"
        used.add(name)
        path = out_dir / f"group_{name}.html"
        path.write_text(render_group(results, g.group.name), encoding="utf-8")
        pages[g.group.name] = path
    index = out_dir / "index.html"
    index.write_text(_ENV.get_template("index.html.j2").render(
        rubric=results.rubric, rows=[(g, pages[g.group.name].name) for g in results.groups]), encoding="utf-8")
    header, rows = class_rows(results)
    class_csv = csvio.write_csv(out_dir / f"{results.assessment}_class.csv", header, rows)
    return ReportFiles(index=index, groups=pages, class_csv=class_csv)
