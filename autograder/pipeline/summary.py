"""The text summary printed after a grading run (data in, text out)."""
from __future__ import annotations

from autograder.core.coursedir import CourseDirectory
from autograder.core.results import load_result
from autograder.core.scores import format_score


def summary_rows(*, course: CourseDirectory, assignment: str) -> list[dict]:
    rows = []
    for sid in course.graded_students(assignment):
        result = load_result(course.result_file(sid, assignment))
        if result is None:
            continue
        lost = [f"{t.task} -{format_score(t.max_score - t.score)}" for t in result.tasks if t.score < t.max_score]
        rows.append({"student_id": sid, "score": result.score, "max_score": result.max_score,
                     "status": result.status, "lost": ", ".join(lost) if result.status == "graded" else result.error,
                     "seconds": result.seconds, "sandbox": result.sandbox})
    return rows


def sandbox_line(rows: list[dict]) -> str | None:
    """Which sandbox mode graded the stored results, e.g. "sandbox: bwrap (all 5)" (staff-facing)."""
    modes: dict[str, int] = {}
    for r in rows:
        if r["sandbox"]:
            modes[r["sandbox"]] = modes.get(r["sandbox"], 0) + 1
    if not modes:
        return None
    words = {"bwrap": "bwrap (bubblewrap sandbox)", "none": "none (NOT sandboxed: resource limits only)"}
    if len(modes) == 1:
        mode, n = next(iter(modes.items()))
        return f"sandbox: {words.get(mode, mode)} for all {n} graded submission(s)"
    return "sandbox: " + ", ".join(f"{words.get(m, m)} for {n}" for m, n in sorted(modes.items()))


def render_summary(*, course: CourseDirectory, assignment: str, summary=None) -> str:
    rows = summary_rows(course=course, assignment=assignment)
    width = max([len("student")] + [len(r["student_id"]) for r in rows])
    lines = [f"{'student':<{width}}  {'score':>7}  {'status':<7}  {'time':>6}  lost points",
             f"{'-' * width}  {'-' * 7}  {'-' * 7}  {'-' * 6}  {'-' * 40}"]
    for r in rows:
        lost = r["lost"] if len(r["lost"]) <= 100 else r["lost"][:97] + "..."
        lines.append(f"{r['student_id']:<{width}}  {format_score(r['score']):>7}  {r['status']:<7}  {r['seconds']:>5.1f}s  {lost}")
    if summary is not None:
        lines.append("")
        lines.append(f"{len(summary.graded)} graded now, {len(summary.skipped)} unchanged (kept), "
                     f"{len(summary.errors)} could not be graded; {summary.seconds:.1f} s"
                     + (f" on the Dask scheduler {summary.scheduler}" if getattr(summary, "scheduler", "") else ""))
        if summary.kept_previous:
            lines.append(f"grader failures kept the earlier verdict for: {', '.join(summary.kept_previous)} "
                         "(run the command again to retry)")
    if rows:
        mean = sum(r["score"] for r in rows) / len(rows)
        lines.append(f"class mean {format_score(mean)} over {len(rows)} submission(s)")
    sandbox = sandbox_line(rows)
    if sandbox:
        lines.append(sandbox)
    return "\n".join(lines)
