"""The kernel end of a proxied call: ``call(nonce, name, args_text, want_args, handle, max_bytes, op)``.

Runs inside the student's kernel, installed as the package ``_autograder_shim`` (``autograder.engine.kernelcode``
sends this folder's files as source). ``dispatch`` does the work and returns the envelope (a dict of
status, encoded value...); ``call`` publishes it as display data of ``RESULT_MIME`` tagged with the request's
nonce. ``LocalProxy`` runs the same ``dispatch`` in-process with its own ``Handles``. Objects that are not plain
data stay in ``Handles`` and cross as ``__remote__`` markers with their description (``describe.py``).

Operations: ``call`` a top-level function of the namespace (``handle`` 0) or a method of a kept object,
``attr`` read an attribute of a kept object, ``make`` run one of ``factories.FACTORIES``.
Statuses: ok, error (ename, evalue), missing, gone (unknown handle), badreturn (message).
"""

import json

from . import describe as _describe
from . import factories as _factories
from .wire import CodecError, dumps, encode, loads

RESULT_MIME = "application/x-autograder-result"
OPS = ("call", "attr", "make")


class Handles:
    """Objects kept on this side, by handle number; ``remote`` is the encoder's hook for non-plain values."""

    def __init__(self):
        self.objects = {}
        self.next = 1

    def remote(self, obj):
        kind, desc = _describe.describe(obj)
        handle = self.next
        self.next += 1
        self.objects[handle] = obj
        return {"__remote__": [handle, kind, encode(desc)]}


def text(x, limit=2000):
    """``str(x)`` cut to ``limit``, whatever the student's ``__str__`` does."""
    try:
        s = str(x)
    except Exception:
        s = "<unprintable>"
    return s[:limit] if isinstance(s, str) else "<unprintable>"


def dispatch(handles, op, name, args_text, want_args, handle, max_bytes, namespace, callback):
    """Run one request; ``callback(id)`` makes the callable that stands for a grader-side ``Callback``."""
    try:
        target = handles.objects[handle] if handle else None
        hooks = {"__remote__": lambda p: handles.objects[p[0]], "__callback__": lambda p: callback(p[0])}
        args, kwargs = loads(args_text, 2**31, hooks)
    except KeyError:
        return {"status": "gone"}
    except (CodecError, TypeError, ValueError) as e:
        return {"status": "badreturn", "message": "malformed arguments: " + text(e, 300)}
    try:
        if op == "attr":
            value = getattr(target, name)
        else:
            if op == "make":
                fn = _factories.FACTORIES.get(name)
            elif handle:
                fn = getattr(target, name, None)
            else:
                fn = namespace.get(name)
            if fn is None or not callable(fn):
                return {"status": "missing"}
            value = fn(*args, **kwargs)
    except KeyboardInterrupt:
        raise
    except BaseException as e:
        return {"status": "error", "ename": type(e).__name__, "evalue": text(e)}
    try:
        out = {"status": "ok", "value": dumps(value, handles.remote)}
        if want_args:
            out["args"] = dumps([args, kwargs], handles.remote)
    except (CodecError, RecursionError) as e:
        return {"status": "badreturn", "message": text(e, 300)}
    if len(out["value"]) + len(out.get("args", "")) > max_bytes:
        return {"status": "badreturn", "message": f"a result larger than {max_bytes} bytes"}
    return out


def _callback(nonce, cid):
    def callback(*args, **kwargs):
        from IPython import get_ipython
        prompt = json.dumps({"ag_callback": nonce, "id": cid, "args": dumps([list(args), kwargs])})
        kernel = getattr(get_ipython(), "kernel", None)
        ask = getattr(kernel, "raw_input", None) or input
        answer = json.loads(ask(prompt))
        if not answer.get("ok"):
            raise RuntimeError("the grader's callback failed: " + text(answer.get("error")))
        return loads(answer["value"])
    return callback


HANDLES = Handles()


def call(nonce, name, args_text, want_args, handle, max_bytes, op="call"):
    """The kernel's entry point: run the request and publish its envelope for this nonce."""
    from IPython import get_ipython
    from IPython.display import publish_display_data
    out = dispatch(HANDLES, op, name, args_text, want_args, handle, max_bytes, get_ipython().user_ns,
                   lambda cid: _callback(nonce, cid))
    out["nonce"] = nonce
    publish_display_data({RESULT_MIME: json.dumps(out)})
