"""`autograder selftest A`: measure an assignment's tests with the cases of its selftest.yaml.

Every case is the reference module's namespace (plus the file's `context`) with the case's source executed
over it, graded in this process as the student through `LocalProxy` (arguments and results still cross the
codec). The verdicts:

* the reference and every style must keep every point (else a *false fail*);
* every variant must lose points on its task (else it *survived*), on no task outside [task] + also_costs
  (else a false fail: *collateral*), and, with `message`, a failed check on its task must say those words;
* every stub must score 0 on its task.

Results are data (`SelftestReport`); `render_selftest` writes the kill matrix and the lists as text.
"""
from __future__ import annotations

import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograder.authoring.inprocess import InProcessRun, grade_namespace, reference_namespace, student_workdir
from autograder.authoring.selftest_config import SELFTEST, Case, load_selftest
from autograder.core.errors import ConfigError
from autograder.core.manifest import load_manifest

MIN_VARIANTS = 2
SURVIVED = ("survived", "untested", "wrong_message", "stub_scored")
FALSE_FAIL = ("false_fail", "collateral")


@dataclass
class CaseResult:
    kind: str                                   # reference | style | variant | stub
    case_id: str                                # "task/bug", the style name or "reference"
    task: str | None
    verdict: str                                # ok | killed | one of SURVIVED / FALSE_FAIL | error
    lost: dict[str, float] = field(default_factory=dict)    # task -> points lost (tasks that lost any)
    full: dict[str, float] = field(default_factory=dict)    # task -> points of the tests that ran
    detail: str = ""
    also_costs: list[str] = field(default_factory=list)     # tasks a variant may also cost


@dataclass
class SelftestReport:
    assignment: str
    tasks: list[str]
    reference: CaseResult
    styles: list[CaseResult] = field(default_factory=list)
    variants: list[CaseResult] = field(default_factory=list)
    stubs: list[CaseResult] = field(default_factory=list)
    thin_tasks: dict[str, int] = field(default_factory=dict)   # tasks with fewer than MIN_VARIANTS variants

    @property
    def cases(self) -> list[CaseResult]:
        return [self.reference, *self.styles, *self.variants, *self.stubs]

    @property
    def kill_matrix(self) -> dict[str, dict[str, float]]:
        return {v.case_id: dict(v.lost) for v in self.variants}

    @property
    def survivors(self) -> list[CaseResult]:
        return [c for c in self.cases if c.verdict in SURVIVED]

    @property
    def false_fails(self) -> list[CaseResult]:
        return [c for c in self.cases if c.verdict in FALSE_FAIL]

    @property
    def errors(self) -> list[CaseResult]:
        return [c for c in self.cases if c.verdict == "error"]

    @property
    def ok(self) -> bool:
        return not (self.survivors or self.false_fails or self.errors)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def to_dict(self) -> dict:
        return {**asdict(self), "ok": self.ok, "kill_matrix": self.kill_matrix,
                "survivors": [c.case_id for c in self.survivors], "false_fails": [c.case_id for c in self.false_fails],
                "errors": [c.case_id for c in self.errors]}


def _lost(run: InProcessRun) -> tuple[dict, dict]:
    return ({t: s.lost for t, s in run.scores.items() if s.lost > 0},
            {t: round(s.full, 6) for t, s in run.scores.items()})


def judge(case: Case | None, run: InProcessRun) -> CaseResult:
    """The verdict on one graded case (None: the reference)."""
    lost, full = _lost(run)
    kind = case.kind if case else "reference"
    base = dict(kind=kind, case_id=case.case_id if case else "reference", task=case.task if case else None,
                lost=lost, full=full, also_costs=list(case.also_costs) if case else [])
    if run.errors:
        return CaseResult(**base, verdict="error", detail="; ".join(run.errors)[:500])
    if kind in ("reference", "style"):
        if not lost:
            return CaseResult(**base, verdict="ok")
        first = {t: run.scores[t].messages[0] for t in lost}
        return CaseResult(**base, verdict="false_fail",
                          detail="; ".join(f"{t} -{lost[t]:g}: {m}" for t, m in first.items())[:800])
    task = case.task
    if full.get(task, 0) == 0:
        return CaseResult(**base, verdict="untested", detail=f"no test of {task} ran (select {case.select!r})")
    if kind == "stub":
        got = full[task] - lost.get(task, 0)
        return CaseResult(**base, verdict="killed" if got <= 1e-9 else "stub_scored",
                          detail="" if got <= 1e-9 else f"the stub scored {got:g} of {full[task]:g} on {task}")
    if task not in lost:
        return CaseResult(**base, verdict="survived", detail=f"kept all {full[task]:g} points of {task}")
    outside = sorted(set(lost) - {task} - set(case.also_costs))
    if outside:
        return CaseResult(**base, verdict="collateral",
                          detail=f"also cost {', '.join(f'{t} -{lost[t]:g}' for t in outside)} "
                                 f"(declare also_costs if {task} is called there)")
    messages = run.scores[task].messages
    if not all(m.strip() for m in messages):
        return CaseResult(**base, verdict="wrong_message", detail=f"a failed check of {task} has no message")
    if case.message and not any(case.message in m for m in messages):
        return CaseResult(**base, verdict="wrong_message",
                          detail=f"no failed check of {task} says {case.message!r}; they say: {messages[0][:200]}")
    return CaseResult(**base, verdict="killed")


def _namespace(reference_path: Path, context: str, source: str, label: str) -> dict:
    ns = reference_namespace(reference_path)
    if context:
        exec(compile(context, "<selftest context>", "exec"), ns)
    exec(compile(source, f"<selftest {label}>", "exec"), ns)   # the case's functions replace the reference's
    return ns


def run_selftest(*, assignment_dir: Path | str, reference_path: Path | str, only: str | list[str] | None = None,
                 progress: bool | None = None, seed: int = 0, gpu: bool = False) -> SelftestReport:
    """Grade the reference, the styles, the variants and stubs (of the `only` tasks when given)."""
    assignment_dir, reference_path = Path(assignment_dir).resolve(), Path(reference_path).resolve()
    manifest = load_manifest(assignment_dir / "manifest.yaml")
    tasks = manifest.task_names
    config = load_selftest(assignment_dir / SELFTEST, tasks=tasks)
    if not reference_path.is_file():
        raise ConfigError("reference module not found", file=str(reference_path))
    wanted = [only] if isinstance(only, str) else list(only or [])
    unknown = [t for t in wanted if t not in tasks]
    if unknown:
        raise ConfigError(f"no task {', '.join(unknown)} in the manifest", file=str(manifest.path),
                          hint=f"tasks: {', '.join(tasks)}")
    variants = [c for c in config.variants if not wanted or c.task in wanted]
    stubs = [c for c in config.stubs if not wanted or c.task in wanted]
    cases: list[Case | None] = [None, *config.styles, *variants, *stubs]

    from tqdm import tqdm
    disable = (not progress) if progress is not None else (True if len(cases) < 10 else None)
    results: list[CaseResult] = []
    with student_workdir(manifest, assignment_dir):
        for case in tqdm(cases, desc=f"selftest {manifest.assignment}", unit="case", file=sys.stderr,
                         disable=disable, leave=False):
            label = case.case_id if case else "reference"
            try:
                ns = _namespace(reference_path, config.context, case.source if case else "", label)
            except Exception as e:  # noqa: BLE001 - the case's own code is broken: an error verdict
                results.append(CaseResult(kind=case.kind if case else "reference", case_id=label,
                                          task=case.task if case else None, verdict="error",
                                          detail=f"its source raised {type(e).__name__}: {e}"))
                continue
            run = grade_namespace(ns, assignment_dir=assignment_dir, reference_path=reference_path,
                                  select=case.select if case else config.select, seed=seed, gpu=gpu)
            if case is None and run.errors:
                raise ConfigError("the tests do not run: " + "; ".join(run.errors), file=str(assignment_dir / "tests"),
                                  hint=f"run `autograder author check {manifest.assignment}`")
            results.append(judge(case, run))
    n_styles = len(config.styles)
    thin = {t: n for t, n in config.variant_counts.items()
            if n < MIN_VARIANTS and (not wanted or t in wanted) and not manifest.task(t).gpu}
    return SelftestReport(assignment=manifest.assignment, tasks=tasks, reference=results[0],
                          styles=results[1:1 + n_styles], variants=results[1 + n_styles:1 + n_styles + len(variants)],
                          stubs=results[1 + n_styles + len(variants):], thin_tasks=thin)


def render_selftest(report: SelftestReport) -> str:
    killed = sum(v.verdict == "killed" for v in report.variants)
    zero = sum(s.verdict == "killed" for s in report.stubs)
    styles_ok = sum(s.verdict == "ok" for s in report.styles)
    lines = [f"selftest {report.assignment}: reference {report.reference.verdict.upper()}; "
             f"{styles_ok}/{len(report.styles)} style(s) keep every point; {killed}/{len(report.variants)} "
             f"variant(s) killed; {zero}/{len(report.stubs)} stub(s) score 0"]
    if report.variants:
        cols = [t for t in report.tasks if any(t in v.lost or t == v.task for v in report.variants)]
        width = max(len(v.case_id) for v in report.variants)
        lines += ["", "kill matrix: points lost per task (* its own task, + declared also_costs, ! elsewhere)",
                  "  " + "  ".join(f"{i + 1}={t}" for i, t in enumerate(cols)),
                  f"  {'variant':<{width}} " + "".join(f"{i + 1:>7}" for i in range(len(cols))) + "  verdict"]
        for v in report.variants:
            cells = []
            for t in cols:
                mark = "*" if t == v.task else ("+" if t in v.also_costs else "!")
                cells.append(f"{(mark if t in v.lost else '') + (f'{v.lost[t]:g}' if t in v.lost else '.'):>7}")
            lines.append(f"  {v.case_id:<{width}} " + "".join(cells) + f"  {v.verdict}")
    for title, group in (("SURVIVED (the tests do not catch these)", report.survivors),
                         ("FALSE FAILS (correct code or other tasks lose points)", report.false_fails),
                         ("ERRORS", report.errors)):
        if group:
            lines += ["", f"{title}:"] + [f"  {c.kind} {c.case_id}: {c.verdict}: {c.detail}" for c in group]
    if report.thin_tasks:
        lines += ["", "tasks with fewer than 2 variants: "
                  + ", ".join(f"{t} ({n})" for t, n in report.thin_tasks.items())]
    lines += ["", "OK" if report.ok else "NOT OK"]
    return "\n".join(lines)
