"""Class-report plots: matplotlib (Agg canvas, no pyplot state), PNG embedded as base64 data URIs.

Each function takes plain tables and returns a `Plot` (or None when there is nothing to draw). Every plot
carries its own title, axis labels with units and a legend, so it reads without the tables next to it.
"""
from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from autograder.core.scores import format_score

STATUS_COLORS = {"scored": "#43a047", "on_time": "#2e7d32", "late": "#f9a825", "not_accepted": "#c62828", "missing": "#757575",
                 "error": "#6a1b9a", "ungraded": "#90caf9"}
STATUS_LABELS = {"scored": "scored (seminar)", "on_time": "on time", "late": "late", "not_accepted": "not accepted (too late)",
                 "missing": "missing", "error": "could not be graded", "ungraded": "submitted, not graded"}


@dataclass(frozen=True)
class Plot:
    id: str
    title: str
    alt: str           # one sentence for screen readers and broken images
    uri: str           # data:image/png;base64,...


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def _encode(fig: Figure, *, id: str, title: str, alt: str) -> Plot:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight", pad_inches=0.15)
    return Plot(id=id, title=title, alt=alt, uri="data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode())


def score_distributions(scores: pd.DataFrame, labels: dict[str, str]) -> Plot | None:
    """Box plot of scores in percent per assessment (missing work counts 0), with the mean marked."""
    done = scores[scores["score"].notna()]
    if done.empty:
        return None
    order = [a for a in labels if a in set(done["assessment"])]
    values = [(100.0 * done.loc[done["assessment"] == a, "score"] / done.loc[done["assessment"] == a, "scale"])
              .to_numpy() for a in order]
    fig = _figure(9, 4.2)
    ax = fig.add_subplot()
    ax.boxplot(values, showmeans=True, meanprops={"marker": "D", "markerfacecolor": "white", "markeredgecolor": "k"})
    ax.set_xticks(range(1, len(order) + 1), [labels[a] for a in order], rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("score (% of maximum, after late penalty)")
    ax.set_ylim(-3, 103)
    ax.set_title("Score distribution per assessment (box: quartiles, diamond: mean; missing = 0)")
    ax.grid(axis="y", alpha=0.3)
    return _encode(fig, id="distributions", title="Score distributions",
                   alt="Box plots of the class's scores in percent, one per assessment.")


def task_difficulty(tasks: pd.DataFrame, labels: dict[str, str], *, top: int = 15) -> Plot | None:
    """The `top` tasks with the lowest mean score (percent of the task's points), hardest at the top."""
    if tasks.empty:
        return None
    means = tasks.groupby(["assessment", "task"], sort=False)["percent"].mean().sort_values().head(top)
    names = [f"{a} · {t}" for a, t in means.index]
    fig = _figure(9, 0.3 * len(means) + 1.4)
    ax = fig.add_subplot()
    y = np.arange(len(means))[::-1]
    bars = ax.barh(y, means.to_numpy(), color="#5c6bc0")
    ax.bar_label(bars, fmt="%.0f%%", padding=3, fontsize=8)
    ax.set_yticks(y, names, fontsize=8)
    ax.set_xlim(0, 108)
    ax.set_xlabel("mean score of the class (% of the task's points)")
    ax.set_title(f"The {len(means)} hardest tasks (lowest class mean first)")
    ax.grid(axis="x", alpha=0.3)
    return _encode(fig, id="tasks", title="Hardest tasks",
                   alt="Horizontal bars: mean score per task, hardest task at the top.")


def submission_counts(counts: pd.DataFrame, labels: dict[str, str]) -> Plot | None:
    """Stacked bars per assessment: on time, late, not accepted, missing, not graded (counts of students)."""
    counts = counts[[c for c in STATUS_COLORS if c in counts.columns]]
    if counts.empty or counts.to_numpy().sum() == 0:
        return None
    fig = _figure(9, 4)
    ax = fig.add_subplot()
    x = np.arange(len(counts))
    bottom = np.zeros(len(counts))
    for status in counts.columns:
        ax.bar(x, counts[status].to_numpy(), bottom=bottom, color=STATUS_COLORS[status], label=STATUS_LABELS[status])
        bottom += counts[status].to_numpy()
    ax.set_xticks(x, [labels.get(a, a) for a in counts.index], rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("students")
    ax.set_title("Submissions and lateness per assessment")
    ax.legend(fontsize=8, loc="lower right", framealpha=0.9)
    return _encode(fig, id="submissions", title="Submissions and lateness",
                   alt="Stacked bars per assessment counting students on time, late, not accepted and missing.")


def final_grades(students: pd.DataFrame, *, column: str, scale: float, pass_line: float) -> Plot | None:
    values = students[column].dropna().to_numpy()
    if len(values) == 0:
        return None
    fig = _figure(6.5, 3.4)
    ax = fig.add_subplot()
    ax.hist(values, bins=np.linspace(0, scale, 21), color="#26a69a", edgecolor="white")
    ax.axvline(pass_line, color="#c62828", linestyle="--", label=f"at-risk line ({pass_line:g})")
    ax.set_xlabel(f"running grade (out of {scale:g})")
    ax.set_ylabel("students")
    ax.set_title("Running grades of the class")
    ax.legend(fontsize=8)
    return _encode(fig, id="grades", title="Running grades", alt="Histogram of the students' running grades.")


def seminar_criteria(criteria: pd.DataFrame, labels: dict[str, str]) -> Plot | None:
    """Mean score per rubric criterion (over groups), one bar group per seminar assessment."""
    if criteria.empty:
        return None
    table = criteria.groupby(["criterion", "assessment"], sort=False)["mean"].mean().unstack("assessment")
    fig = _figure(8, 3.8)
    ax = fig.add_subplot()
    width = 0.8 / max(1, table.shape[1])
    x = np.arange(len(table))
    for i, aid in enumerate(table.columns):
        ax.bar(x + i * width - 0.4 + width / 2, table[aid].to_numpy(), width, label=labels.get(aid, aid))
    ax.set_xticks(x, table.index, rotation=20, ha="right", fontsize=8)
    ax.set_ylabel("mean rater score (0-10)")
    ax.set_ylim(0, 10.5)
    ax.set_title("Seminar rubric: class average per criterion")
    ax.legend(fontsize=8)
    return _encode(fig, id="criteria", title="Seminar criteria averages",
                   alt="Bars: mean rater score per rubric criterion for each seminar.")


def rater_disagreement(criteria: pd.DataFrame, *, top: int = 20) -> Plot | None:
    """Heat map of the score spread (max - min over raters) per group and criterion, for the `top` groups
    with the largest spread; flagged cells marked."""
    if criteria.empty:
        return None
    frame = criteria.assign(row=criteria["assessment"].astype(str) + " / " + criteria["group"].astype(str))
    spread = frame.pivot_table(index="row", columns="criterion", values="spread", aggfunc="max", sort=False)
    flagged = frame.pivot_table(index="row", columns="criterion", values="flagged", aggfunc="max", sort=False)
    n_groups = len(spread)
    keep = spread.max(axis=1).sort_values(ascending=False, kind="stable").index[:top]
    spread, flagged = spread.loc[keep], flagged.loc[keep].astype(bool)
    fig = _figure(8, 0.35 * len(spread) + 1.8)
    ax = fig.add_subplot()
    image = ax.imshow(spread.to_numpy(dtype=float), cmap="Oranges", aspect="auto", vmin=0)
    ax.set_xticks(range(spread.shape[1]), spread.columns, rotation=20, ha="right", fontsize=8)
    ax.set_yticks(range(spread.shape[0]), spread.index, fontsize=8)
    for (i, j), value in np.ndenumerate(spread.to_numpy(dtype=float)):
        if not np.isnan(value):
            mark = "!" if bool(flagged.iloc[i, j]) else ""
            ax.text(j, i, f"{format_score(value)}{mark}", ha="center", va="center", fontsize=7)
    fig.colorbar(image, ax=ax, label="spread between raters (points of 10)")
    if n_groups > len(spread):
        ax.set_title(f"Rater disagreement: the {len(spread)} of {n_groups} groups with the largest spread "
                     "(! = flagged)")
    else:
        ax.set_title("Rater disagreement per group and criterion (! = flagged)")
    return _encode(fig, id="raters", title="Rater disagreement",
                   alt="Heat map of the spread between raters' scores per group and criterion.")
