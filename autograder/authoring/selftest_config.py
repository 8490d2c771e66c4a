"""`selftest.yaml`, the single-bug variants, correct styles and stubs that measure an assignment's tests.

    context: |            # optional Python run over the reference namespace before each case (names with _)
      _ref_prf = precision_recall_f1
    select: "not train_classifier"       # optional pytest -k for cases without their own `select`
    variants:             # task -> bug -> source, or {source, also_costs, select, message}
      cross_entropy:
        no_clipping: |
          def cross_entropy(y_true, y_pred, eps=1e-12): ...
    styles:               # name -> source or {source, select}: correct answers, must keep every point
      float32_arithmetic: |
        def sgd_step(w, g, lr): ...
    stubs:                # task -> name -> source or {source, select}: non-answers, must score 0 on the task
      sgd_step:
        returns_input: |
          def sgd_step(w, g, lr):
              return w
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from autograder.core.errors import ConfigError
from autograder.core.yamlconfig import check_keys, read_yaml

SELFTEST = "selftest.yaml"
TOP_KEYS = {"context", "select", "variants", "styles", "stubs"}
VARIANT_KEYS = {"source", "also_costs", "select", "message"}
CASE_KEYS = {"source", "select"}


@dataclass(frozen=True)
class Case:
    kind: str                          # "variant" | "style" | "stub"
    name: str                          # the bug / style / stub name
    source: str                        # Python run over the reference namespace (replaces its functions)
    task: str | None = None            # the task a variant or stub belongs to (None for styles)
    also_costs: tuple[str, ...] = ()   # tasks a variant may also cost (they call its task)
    select: str | None = None          # pytest -k for this case (default: the file's `select`)
    message: str | None = None         # words a failed check's message on the task must contain

    @property
    def case_id(self) -> str:
        return f"{self.task}/{self.name}" if self.task else self.name


@dataclass(frozen=True)
class SelftestConfig:
    path: Path
    context: str = ""
    select: str | None = None
    variants: tuple[Case, ...] = ()
    styles: tuple[Case, ...] = ()
    stubs: tuple[Case, ...] = ()
    variant_counts: dict = field(default_factory=dict)   # task -> number of variants


def _source(value, *, file, where) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError("expected Python source text (a YAML block: `|` then indented code)", file=str(file),
                          where=where)
    try:
        compile(textwrap.dedent(value), f"{file}:{where}", "exec")
    except SyntaxError as e:
        raise ConfigError(f"not valid Python: {e.msg} (line {e.lineno} of the block)", file=str(file),
                          where=where) from None
    return textwrap.dedent(value)


def _case(kind, name, spec, *, task, tasks, file, where, default_select) -> Case:
    if isinstance(spec, str):
        spec = {"source": spec}
    check_keys(spec, VARIANT_KEYS if kind == "variant" else CASE_KEYS, file=file, where=where)
    if "source" not in spec:
        raise ConfigError("missing `source`", file=str(file), where=where)
    also = spec.get("also_costs") or []
    if not isinstance(also, list) or any(t not in tasks for t in also):
        raise ConfigError(f"also_costs must list manifest tasks, got {also!r}", file=str(file),
                          where=f"{where}.also_costs", hint=f"tasks: {', '.join(tasks)}")
    message = spec.get("message")
    return Case(kind=kind, name=str(name), source=_source(spec["source"], file=file, where=where), task=task,
                also_costs=tuple(also), select=spec.get("select") or default_select,
                message=str(message) if message is not None else None)


def _by_task(kind, data, *, tasks, file, default_select) -> list[Case]:
    check_keys(data, tasks, file=file, where=f"{kind}s")
    out = []
    for task, cases in data.items():
        check_keys(cases, set(cases or ()), file=file, where=f"{kind}s.{task}")
        for name, spec in cases.items():
            out.append(_case(kind, name, spec, task=task, tasks=tasks, file=file, where=f"{kind}s.{task}.{name}",
                             default_select=default_select))
    return out


def load_selftest(path: Path, *, tasks: list[str]) -> SelftestConfig:
    """Read and check selftest.yaml against the manifest's task names; ConfigError names file and key."""
    data = read_yaml(path, not_found="no selftest.yaml in the assignment folder",
                     hint="list single-bug variants per task (see docs/AUTHORING.md)") or {}
    check_keys(data, TOP_KEYS, file=path, where="top level")
    select = data.get("select")
    context = data.get("context") or ""
    if context:
        context = _source(context, file=path, where="context")
    variants = _by_task("variant", data.get("variants") or {}, tasks=tasks, file=path, default_select=select)
    stubs = _by_task("stub", data.get("stubs") or {}, tasks=tasks, file=path, default_select=select)
    styles_data = data.get("styles") or {}
    check_keys(styles_data, set(styles_data), file=path, where="styles")
    styles = [_case("style", name, spec, task=None, tasks=tasks, file=path, where=f"styles.{name}",
                    default_select=select) for name, spec in styles_data.items()]
    counts = {t: sum(1 for v in variants if v.task == t) for t in tasks}
    return SelftestConfig(path=path, context=context, select=select, variants=tuple(variants),
                          styles=tuple(styles), stubs=tuple(stubs), variant_counts=counts)
