"""The grade-cell guard: runs in the student's kernel, sent as source by the grader (never imported there).

nbgrader scores a grade cell from what the kernel reports: its error outputs, its stderr, its numeric result. Code
in the same kernel can change how IPython reports (nbgrader's own cheat test replaces ``showtraceback``; an input
transformer can wrap every later cell in ``try/except``). Before student code runs, ``snapshot`` keeps the
shell's reporting machinery; before each grade cell, ``restore`` puts back what was changed and says what it was.
Whatever it cannot see is caught grader-side by the canary that follows each grade cell (``guard.py``).

Only the standard library and IPython; every name lives in this module's own namespace (``sys.modules``), none
in the student's.
"""
import builtins
import json
import sys

MODULE = "_autograder_nbgrader_guard"
_SHELL_METHODS = ("showtraceback", "_showtraceback", "showsyntaxerror", "run_cell", "run_cell_async",
                  "run_ast_nodes", "run_code", "transform_cell", "set_custom_exc")
_SHELL_LISTS = ("input_transformers_post", "input_transformers_cleanup", "ast_transformers")
_MANAGER_LISTS = ("cleanup_transforms", "line_transforms", "token_transformers")


def _shell():
    from IPython import get_ipython
    return get_ipython()


def snapshot():
    """What the reporting machinery is before student code runs (kept in this module)."""
    shell = _shell()
    cls = type(shell)
    state = {
        "methods": {name: _class_attr(cls, name) for name in _SHELL_METHODS},
        "instance": {name: vars(shell).get(name, _MISSING) for name in _SHELL_METHODS},
        "lists": {name: list(getattr(shell, name, []) or []) for name in _SHELL_LISTS},
        "manager": {name: list(getattr(shell.input_transformer_manager, name, []) or []) for name in _MANAGER_LISTS},
        "hooks": {"displayhook": sys.displayhook, "stdout": sys.stdout,
                  "stderr": sys.stderr, "shell_displayhook": shell.displayhook, "display_pub": shell.display_pub,
                  "custom_exceptions": shell.custom_exceptions, "CustomTB": getattr(shell, "CustomTB", None)},
        "builtins": dict(vars(builtins)),
    }
    sys.modules[MODULE].STATE = state


def _class_attr(cls, name):
    for klass in cls.__mro__:
        if name in vars(klass):
            return klass, vars(klass)[name]
    return None


def restore():
    """Put back what student code changed; a list of what that was (for the feedback)."""
    state = getattr(sys.modules[MODULE], "STATE", None)
    if state is None:
        return ["the grader's record of the kernel was removed"]
    shell, changed = _shell(), []
    for name, found in state["methods"].items():
        if found is None:
            continue
        klass, original = found
        if vars(klass).get(name) is not original:
            setattr(klass, name, original)
            changed.append(f"IPython's {name}")
        kept = state["instance"][name]
        if vars(shell).get(name, _MISSING) is not kept:
            if kept is _MISSING:
                delattr(shell, name)
            else:
                setattr(shell, name, kept)
            changed.append(f"IPython's {name} (on the shell)")
    for name, original in state["lists"].items():
        if list(getattr(shell, name, []) or []) != original:
            setattr(shell, name, list(original))
            changed.append(f"IPython's {name}")
    manager = shell.input_transformer_manager
    for name, original in state["manager"].items():
        if list(getattr(manager, name, []) or []) != original:
            setattr(manager, name, list(original))
            changed.append(f"IPython's input transformers ({name})")
    hooks = state["hooks"]
    for name, attr in (("displayhook", "displayhook"), ("stdout", "stdout"), ("stderr", "stderr")):
        if getattr(sys, attr) is not hooks[name]:
            setattr(sys, attr, hooks[name])
            changed.append(f"sys.{attr}")
    for name, attr in (("shell_displayhook", "displayhook"), ("display_pub", "display_pub"),
                       ("custom_exceptions", "custom_exceptions"), ("CustomTB", "CustomTB")):
        if getattr(shell, attr, None) is not hooks[name]:
            setattr(shell, attr, hooks[name])
            changed.append(f"IPython's {attr}")
    current = vars(builtins)
    for name, original in state["builtins"].items():
        if name in _PER_EXECUTION:
            continue
        if current.get(name, _MISSING) is not original:
            current[name] = original
            changed.append(f"the builtin {name}")
    return changed


_MISSING = object()
# set by ipykernel itself around every execution (stdin forwarding): never the student's doing
_PER_EXECUTION = ("input", "raw_input", "_", "__", "___")


def main(nonce, first, environ=None):
    """Entry point of one grader call: prints ``nonce`` + JSON (what was restored) on the real stdout. The first
    call in a kernel also sets ``environ`` (what nbgrader sets while it autogrades: NBGRADER_EXECUTION)."""
    if first:
        import os
        os.environ.update(environ or {})
        snapshot()
        changed = []
    else:
        changed = restore()
    stream = sys.modules[MODULE].STATE["hooks"]["stdout"]
    stream.write(nonce + json.dumps(changed) + "\n")
    stream.flush()
