"""Seminar reports: an HTML page per group (+ index) and a class CSV, from aggregated results.

HTML goes through the shared jinja2 environment (`core/templates.py`, autoescaping on) and the templates in
`templates/`, so comments typed by students or raters are shown as text, never as markup; scores are shown
with `core/scores.format_score` on the pages and in the CSV (`core/csvfile.py`: UTF-8 with BOM for Excel,
group names and comments formula-safe, numbers numeric). Every file is written atomically.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from autograder.core.atomic import write_text_atomic
from autograder.core.csvfile import write_csv
from autograder.core.templates import render
from autograder.seminar.aggregate import SeminarResults
from autograder.seminar.sheets import slug

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class ReportFiles:
    index: Path
    groups: dict[str, Path]         # group name -> page
    class_csv: Path


def render_group(results: SeminarResults, group: str) -> str:
    g = next(x for x in results.groups if x.group.name == group)
    members = [m for m in results.members if m.group == group]
    return render(TEMPLATES, "group.html.j2", rubric=results.rubric, g=g, members=members,
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
        means = [c.mean for c in g.criteria]                       # numbers: the CSV writer formats them
        rows.append([m.student_id, m.name, m.group, results.assessment] + means
                    + [m.group_total, m.adjustment, m.adjustment_reason, m.score, results.rubric.scale,
                       "yes" if g.complete else "no", "yes" if g.flagged else "no"])
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
        write_text_atomic(path, render_group(results, g.group.name))
        pages[g.group.name] = path
    index = out_dir / "index.html"
    write_text_atomic(index, render(TEMPLATES, "index.html.j2", rubric=results.rubric,
                                    rows=[(g, pages[g.group.name].name) for g in results.groups]))
    header, rows = class_rows(results)
    class_csv = write_csv(out_dir / f"{results.assessment}_class.csv", rows, header=header, bom=True)
    return ReportFiles(index=index, groups=pages, class_csv=class_csv)
