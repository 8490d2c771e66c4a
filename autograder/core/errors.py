"""Every exception the autograder raises on purpose, in one tree.

    AutograderError                  base; ``str(e)`` is a complete message for a person
    ├── ConfigError                  a YAML/CSV/manifest file is wrong (file, line/row, key, fix)
    │   └── RubricError              a rubric template is wrong
    ├── InputError                   a user-supplied file cannot be used (file, row/cell, fix)
    │   ├── NotebookInvalid          a submission is not a usable notebook
    │   ├── ImportRejected           a seminar/score import was refused as a whole
    │   ├── EntryRefused             a live seminar-day entry (vote, rubric score) was refused; nothing stored
    │   └── CollectError             a collect source cannot be read
    ├── SandboxError                 the sandbox or kernel could not be set up (our side, not the student's)
    ├── StudentCodeError             the student's code misbehaved during a proxied call
    │   ├── StudentException         it raised; carries the exception type and message
    │   ├── StudentTimeout           it ran past the per-call/per-test limit
    │   │   └── BudgetExhausted      the whole submission's time budget (Limits.submission_timeout) is used up
    │   ├── KernelDied               the kernel died (killed, OOM, os._exit)
    │   ├── MissingName              the task's function/class is not defined
    │   └── BadReturn                it returned something that is not plain data of the agreed kind
    └── GradingError                 a submission could not be graded at all (recorded, batch goes on)

Raise once with full context; the CLI reports once and maps to an exit code.
"""
from __future__ import annotations


class AutograderError(Exception):
    """Base class. Subclasses build a message that says what was received and how to fix it."""

    exit_code = 1

    def __init__(self, message: str, *, file: str | None = None, where: str | None = None,
                 hint: str | None = None):
        self.file = file
        self.where = where
        self.hint = hint
        self.detail = message
        parts = []
        if file:
            parts.append(f"{file}{':' + where if where else ''}: ")
        elif where:
            parts.append(f"{where}: ")
        parts.append(message)
        if hint:
            parts.append(f" ({hint})")
        super().__init__("".join(parts))


class ConfigError(AutograderError):
    exit_code = 2


class RubricError(ConfigError):
    pass


class InputError(AutograderError):
    exit_code = 2


class NotebookInvalid(InputError):
    pass


class ImportRejected(InputError):
    """An import was refused whole. ``problems`` lists (row, message) pairs."""

    def __init__(self, message: str, *, problems=(), **kw):
        self.problems = list(problems)
        if self.problems:
            lines = "\n".join(f"  row {row}: {msg}" for row, msg in self.problems[:50])
            more = f"\n  ... and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
            message = f"{message}\n{lines}{more}"
        super().__init__(message, **kw)


class EntryRefused(InputError):
    """A vote or rubric score typed on the live seminar pages was refused; nothing was stored. ``kind`` names
    the rule (self_vote, closed, out_of_range, ...); ``status`` is the HTTP status the page answers with."""

    def __init__(self, message: str, *, kind: str, status: int = 422, **kw):
        self.kind = kind
        self.status = status
        super().__init__(message, **kw)


class CollectError(InputError):
    pass


class SandboxError(AutograderError):
    exit_code = 3


class StudentCodeError(AutograderError):
    """The student's code misbehaved. ``feedback`` is the one line shown to the student."""

    def __init__(self, message: str, *, name: str | None = None, **kw):
        self.name = name
        super().__init__(message, **kw)

    @property
    def feedback(self) -> str:
        return self.detail


class StudentException(StudentCodeError):
    def __init__(self, ename: str, evalue: str, *, name: str | None = None):
        self.ename = ename
        self.evalue = evalue
        evalue = evalue if len(evalue) <= 300 else evalue[:300] + "..."
        who = f"{name}(...)" if name else "your code"
        super().__init__(f"{who} raised {ename}: {evalue}", name=name)


class StudentTimeout(StudentCodeError):
    def __init__(self, seconds: float, *, name: str | None = None):
        self.seconds = seconds
        who = f"{name}(...)" if name else "your code"
        super().__init__(f"{who} did not finish within {seconds:g} s (infinite loop?)", name=name)


class BudgetExhausted(StudentTimeout):
    def __init__(self, seconds: float, *, name: str | None = None):
        StudentCodeError.__init__(self, f"not run: your submission used up its time budget of {seconds:g} s "
                                  "(all cells, tests and kernel restarts together)", name=name)
        self.seconds = seconds


class KernelDied(StudentCodeError):
    def __init__(self, reason: str = "the kernel died", *, name: str | None = None):
        who = f" while running {name}(...)" if name else ""
        super().__init__(f"{reason}{who}; the kernel was restarted for the remaining tests", name=name)


class MissingName(StudentCodeError):
    def __init__(self, name: str):
        super().__init__(f"`{name}` is not defined in the notebook (keep the exact name from the assignment)",
                         name=name)


class BadReturn(StudentCodeError):
    pass


class GradingError(AutograderError):
    pass
