"""Data-only proxies to the student's functions: ``KernelProxy`` (sandboxed kernel) and ``LocalProxy``.

``proxy.NAME(*args, **kw)`` sends the name and codec-encoded arguments; the kernel-side shim calls the
function and publishes the encoded result as display data of a private mime type, tagged with a per-call
nonce; only that message, from our own request, is read. The student's stdout is never parsed.
"""
from __future__ import annotations

import itertools
import json
import secrets
import time
from collections.abc import Callable
from typing import Any

from autograder.core.errors import (
    BadReturn,
    BudgetExhausted,
    ConfigError,
    KernelDied,
    MissingName,
    StudentException,
    StudentTimeout,
)
from autograder.core.manifest import Limits
from autograder.engine.budget import Budget
from autograder.engine.codec import (
    DEFAULT_MAX_BYTES,
    RESULT_MIME,
    RemoteRef,
    decode,
    encode_args,
    encode_value,
)
from autograder.engine.kernelcode import SHIM_MODULE, install_code
from autograder.engine.kernelside import shim
from autograder.engine.kernelside.factories import FACTORIES

# the special methods a test may call on a remote object (``gen.call("__next__")``, ``ds.call("__len__")``)
REMOTE_DUNDERS = frozenset(["__next__", "__iter__", "__len__", "__getitem__", "__call__", "__contains__"])
_ENVELOPE_MAX = DEFAULT_MAX_BYTES * 2 + 4096
_ids = itertools.count(1)


class Callback:
    """A grader-side function passed as an argument; calls from the kernel run it here and are counted."""

    def __init__(self, fn: Callable):
        self.fn = fn
        self.calls = 0
        self._autograder_callback_id = next(_ids)

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.fn(*args, **kwargs)


class RemoteObject:
    """An object that stays in the student's kernel: ``.kind``, ``.description``, ``.call``, ``.attr``.

    Kinds and descriptions: ``autograder/engine/kernelside/describe.py``. It may be passed back as an argument
    of any call; it is lost (``KernelDied``) when its kernel is restarted.
    """

    def __init__(self, proxy, ref: RemoteRef, generation: int):
        self.kind = ref.kind
        self.description = ref.description
        self._autograder_remote_ref = ref
        self._proxy = proxy
        self._generation = generation

    def call(self, method: str, /, *args, **kwargs) -> Any:
        """``obj.method(*args, **kwargs)`` in the kernel; the result decoded like a student call's."""
        if method.startswith("_") and method not in REMOTE_DUNDERS:
            raise ValueError(f"cannot call private method {method!r} on a remote object "
                             f"(special methods allowed: {', '.join(sorted(REMOTE_DUNDERS))})")
        return self._proxy._invoke(method, args, kwargs, handle=self._autograder_remote_ref.handle,
                                   generation=self._generation)[0]

    def attr(self, name: str) -> Any:
        """The attribute ``name`` of the object, decoded like a call result (missing: ``StudentException``
        with ename AttributeError)."""
        if not isinstance(name, str) or name.startswith("_"):
            raise ValueError(f"cannot read private attribute {name!r} of a remote object")
        return self._proxy._invoke(name, (), {}, handle=self._autograder_remote_ref.handle,
                                   generation=self._generation, op="attr")[0]

    def __repr__(self) -> str:
        return f"<RemoteObject {self.kind} {self.description.get('class', '')}>"


def _callbacks(value, found: dict) -> dict:
    if isinstance(value, Callback):
        found[value._autograder_callback_id] = value
    elif isinstance(value, (list, tuple)):
        for v in value:
            _callbacks(v, found)
    elif isinstance(value, dict):
        for v in value.values():
            _callbacks(v, found)
    return found


class _BaseProxy:
    _generation = 0

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)

        def bound(*args, **kwargs):
            return self.call(name, *args, **kwargs)
        bound.__name__ = name
        return bound

    def call(self, name: str, /, *args, **kwargs) -> Any:
        """Call the student's top-level ``name``; returns decoded plain data or a ``RemoteObject``."""
        return self._invoke(name, args, kwargs)[0]

    def call_with_args(self, name: str, /, *args, **kwargs) -> tuple[Any, tuple]:
        """Like ``call`` but also returns ``(args, kwargs)`` as they were after the call (mutation checks)."""
        return self._invoke(name, args, kwargs, want_args=True)

    def make(self, factory: str, /, *args, **kwargs) -> Any:
        """Run the grader's ``factory`` (``kernelside/factories.py``) where the student's code runs; its result
        comes back like a student call's. An unknown factory is the test author's mistake: ``ConfigError``."""
        if factory not in FACTORIES:
            raise ConfigError(f"unknown factory {factory!r} in student.make(...)",
                              hint=f"the factories are {', '.join(sorted(FACTORIES))}")
        return self._invoke(factory, args, kwargs, op="make")[0]

    def _unpack(self, env: dict, name: str, want_args: bool, op: str = "call"):
        gen = self._generation
        status = env.get("status")
        if status == "missing":
            if op == "make":
                raise ConfigError(f"the student's kernel has no factory {name!r}")
            raise MissingName(name)
        if status == "gone":
            raise KernelDied("this object no longer exists in the kernel", name=name)
        if status == "error":
            raise StudentException(str(env.get("ename", "Exception"))[:100], str(env.get("evalue", "")), name=name)
        if status == "badreturn":
            raise BadReturn(f"{name}(...) returned {str(env.get('message', 'something that is not plain data'))}",
                            name=name)
        if status != "ok" or not isinstance(env.get("value"), str):
            raise BadReturn(f"{name}(...) gave a malformed result", name=name)

        def on_remote(ref):
            return RemoteObject(self, ref, gen)
        value = decode(env["value"], max_bytes=self._max, on_remote=on_remote)
        if not want_args:
            return value, None
        after = decode(env.get("args") if isinstance(env.get("args"), str) else "null", max_bytes=self._max,
                       on_remote=on_remote)
        if not (isinstance(after, list) and len(after) == 2):
            raise BadReturn(f"{name}(...): arguments after the call are malformed", name=name)
        return value, tuple(after[0])


class KernelProxy(_BaseProxy):
    """Calls into a ``SandboxedKernel``; ``restore()`` restarts it and re-runs the notebook after a death.

    ``budget`` (the whole submission's time) caps every call; once it is used up every call fails at once with
    ``BudgetExhausted`` (a ``StudentTimeout``) and no kernel is restarted any more."""

    supports_deadline = True   # the grading plugin sets ``_deadline`` before each test

    def __init__(self, kernel, *, restore: Callable[[], Any], limits: Limits,
                 max_result_bytes: int = DEFAULT_MAX_BYTES, budget: Budget | None = None):
        self._kernel = kernel
        self._budget = budget
        self._restore = restore
        self._limits = limits
        self._max = max_result_bytes
        self._needs_restore = False
        self._restore_reason = ""
        self._generation = 0
        self._installed = -1
        self.restores = 0
        self.restart_reasons: list[str] = []   # why each restart happened, in words for the student
        self._deadline: float | None = None    # time.monotonic() by which the current test must finish

    def _invoke(self, name, args, kwargs, **kw):
        try:
            return self._invoke_once(name, args, kwargs, **kw)
        except StudentException as e:
            if e.ename == "MemoryError":   # the kernel's memory may stay full: start the next call afresh
                self._restart_next(f"{name}(...) ran out of memory")
            raise

    def _restart_next(self, reason: str) -> None:
        self._needs_restore = True
        self._restore_reason = reason

    def _out_of_budget(self, name) -> BudgetExhausted | None:
        if self._budget is not None and self._budget.left() <= 0:
            self._budget.hit = True
            return BudgetExhausted(self._budget.seconds, name=name)
        return None

    def _invoke_once(self, name, args, kwargs, *, want_args=False, handle=0, generation=None, op="call"):
        if (spent := self._out_of_budget(name)) is not None:
            raise spent
        if self._needs_restore or not self._kernel.is_alive():
            self.restart_reasons.append(self._restore_reason if self._needs_restore else
                                        "the kernel had stopped between calls")
            self._restore()
            self._needs_restore = False
            self._generation += 1
            self.restores += 1
            if (spent := self._out_of_budget(name)) is not None:    # the re-run notebook used it up
                raise spent
        if generation is not None and generation != self._generation:
            raise KernelDied("this object was lost when the kernel was restarted", name=name)
        callbacks = _callbacks([args, kwargs], {})
        args_text = encode_args(args, kwargs)
        nonce = secrets.token_hex(16)
        timeout = self._limits.call_timeout
        if self._deadline is not None:   # the running test's own time limit caps each of its calls
            timeout = min(timeout, self._deadline - time.monotonic())
            if timeout <= 0:
                raise StudentTimeout(self._limits.test_timeout, name=name)
        by_budget = self._budget is not None and self._budget.caps(timeout)
        if by_budget:
            timeout = self._budget.cap(timeout)
        call_code = (f"__import__('sys').modules[{SHIM_MODULE!r}].call("
                     f"{nonce!r}, {name!r}, {args_text!r}, {bool(want_args)!r}, {int(handle)!r}, {self._max!r}, {op!r})\n")
        envelopes: list[dict] = []
        errors: list[BaseException] = []

        def on_output(msg):
            data = msg["content"].get("data") or {}
            text = data.get(RESULT_MIME) if msg["header"]["msg_type"] == "display_data" else None
            if isinstance(text, str) and len(text) <= _ENVELOPE_MAX:
                try:
                    env = json.loads(text)
                except ValueError:
                    return
                if isinstance(env, dict) and env.get("nonce") == nonce:
                    envelopes.append(env)

        def on_stdin(msg):
            self._kernel.kc.input(_answer_callback(msg["content"].get("prompt", ""), nonce, callbacks, errors))

        # the shim's source goes along only with the first call in each kernel (compiling it with every call
        # costs more than the call itself); if the student's code removed it since, send it again once
        for attempt in range(2):
            install = self._installed != self._generation or attempt > 0
            self._installed = self._generation
            res = self._kernel.run((install_code() if install else "") + call_code,
                                   timeout=timeout, on_output=on_output, stdin_hook=on_stdin,
                                   output_cap=self._max + self._limits.output_kb * 1024, silent=True)
            reply = res.reply or {}
            if install or envelopes or reply.get("ename") != "KeyError" or SHIM_MODULE not in str(reply.get("evalue")):
                break
        if errors:
            raise errors[0]
        if res.timed_out:
            # even when the interrupt stopped it, the kernel may hold what the runaway call piled up
            # (memory, queued output, threads): the next call gets a fresh kernel with the notebook re-run
            if by_budget:
                self._budget.hit = True
                raise BudgetExhausted(self._budget.seconds, name=name)
            error = StudentTimeout(round(timeout, 1), name=name)
            self._restart_next(error.feedback)
            raise error
        if res.died or res.killed:
            reason = ("the kernel was stopped: too much output" if res.flooded else
                      "the kernel was stopped: its messaging was tampered with (json, IPython or the session "
                      "patched)" if res.malformed else
                      "the kernel was stopped: it wrote files outside its home and /tmp" if res.wrote_outside else
                      "the kernel was stopped: it started too many processes" if res.forked else
                      "the kernel died (crash, os._exit, a signal or out of memory)")
            self._restart_next(f"{reason} while running {name}(...)")
            raise KernelDied(reason, name=name)
        if not envelopes:
            reply = res.reply or {}
            if reply.get("status") == "error":
                raise StudentException(str(reply.get("ename")), str(reply.get("evalue")), name=name)
            why = "too large" if res.dropped_large else "missing"
            raise BadReturn(f"{name}(...) gave no usable result (result {why})", name=name)
        return self._unpack(envelopes[-1], name, bool(want_args), op)


def _answer_callback(prompt: str, nonce: str, callbacks: dict, errors: list) -> str:
    """Run the grader-side callback a kernel ``input_request`` asks for; return the reply text."""
    try:
        req = json.loads(prompt) if len(prompt) <= _ENVELOPE_MAX else None
    except ValueError:
        req = None
    if not isinstance(req, dict) or req.get("ag_callback") != nonce or req.get("id") not in callbacks:
        return json.dumps({"ok": False, "error": "input() is not available during grading"})
    try:
        args = decode(req.get("args") if isinstance(req.get("args"), str) else "null")
        if not (isinstance(args, list) and len(args) == 2 and isinstance(args[1], dict)):
            raise BadReturn("malformed callback arguments")
        value = callbacks[req["id"]](*args[0], **args[1])
        return json.dumps({"ok": True, "value": encode_value(value)})
    except BadReturn as e:
        return json.dumps({"ok": False, "error": e.feedback})
    except Exception as e:   # a grader-side failure: report to the kernel, re-raise after the call
        errors.append(e)
        return json.dumps({"ok": False, "error": "the grader's check failed"})


class LocalProxy(_BaseProxy):
    """Same interface in-process (in-notebook checks, selftest): the kernel's own ``shim.dispatch`` runs the
    request, so arguments and results still pass through the codec and objects stay behind handles."""

    def __init__(self, namespace: dict, *, max_result_bytes: int = DEFAULT_MAX_BYTES):
        self._ns = namespace
        self._handles = shim.Handles()
        self._max = max_result_bytes

    def _invoke(self, name, args, kwargs, *, want_args=False, handle=0, generation=None, op="call"):
        callbacks = _callbacks([args, kwargs], {})
        errors: list[BaseException] = []

        def callback(cid):
            def grader_side(*a, **kw):
                try:
                    return callbacks[cid](*a, **kw)
                except BaseException as e:   # the grader's own failure: re-raised as such after the call,
                    errors.append(e)         # as KernelProxy does
                    raise
            return grader_side
        env = shim.dispatch(self._handles, op, name, encode_args(args, kwargs), bool(want_args), int(handle),
                            self._max, self._ns, callback)
        if errors:
            raise errors[0]
        return self._unpack(env, name, bool(want_args), op)
