"""Data-only wire format between the grader and a student's kernel (see docs/ARCHITECTURE.md "The codec").

One source of truth: ``autograder.engine.kernelside.wire`` (stdlib + numpy) runs inside the kernel, sent there
as source, and is imported here as an ordinary module. This module wraps it for the grader: ``decode`` (strict,
raises ``BadReturn``), ``encode_value``, ``encode_args`` and ``decode_args``.
Decoding never calls pickle, eval or constructors of arbitrary types.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from autograder.core.errors import BadReturn
from autograder.engine.kernelcode import SHIM_MODULE
from autograder.engine.kernelside import wire
from autograder.engine.kernelside.shim import RESULT_MIME

__all__ = ["DEFAULT_MAX_BYTES", "RESULT_MIME", "SHIM_MODULE", "CodecError", "RemoteRef", "decode", "decode_args",
           "encode_args", "encode_value"]

CodecError = wire.CodecError
DEFAULT_MAX_BYTES = 64 * 2**20


@dataclass(frozen=True)
class RemoteRef:
    """A decoded ``__remote__`` marker: an object that stays in the kernel under ``handle``."""

    handle: int
    kind: str
    description: dict = field(default_factory=dict)


def _remote_ref(parts):
    if len(parts) != 3 or type(parts[0]) is not int or type(parts[1]) is not str or type(parts[2]) is not dict:
        raise CodecError("__remote__ must be [int handle, kind, description]")
    return RemoteRef(handle=parts[0], kind=parts[1], description=parts[2])


def decode(text: str, *, max_bytes: int = DEFAULT_MAX_BYTES,
           on_remote: Callable[[RemoteRef], Any] | None = None) -> Any:
    """Decode codec JSON ``text`` into plain data; anything else raises ``BadReturn``.

    ``__remote__`` markers become ``on_remote(RemoteRef)`` (default: the ``RemoteRef`` itself).
    """
    def hook(parts):
        ref = _remote_ref(parts)
        return on_remote(ref) if on_remote else ref
    try:
        return wire.loads(text, max_bytes, {"__remote__": hook})
    except CodecError as e:
        raise BadReturn(f"the returned value is not plain data: {e}") from None


def encode_value(obj: Any) -> str:
    """Encode plain data to codec JSON text (the encoder the kernel runs); raises ``BadReturn`` otherwise."""
    try:
        return wire.dumps(obj, _encode_grader_side)
    except CodecError as e:
        raise BadReturn(str(e)) from None
    except RecursionError:
        raise BadReturn("value nested too deeply") from None


def _encode_grader_side(obj):
    """Grader-side objects that may travel as arguments: remote handles and callbacks."""
    if isinstance(obj, RemoteRef):
        return {"__remote__": [obj.handle, obj.kind, {}]}
    ref = getattr(obj, "_autograder_remote_ref", None)
    if isinstance(ref, RemoteRef):
        return {"__remote__": [ref.handle, ref.kind, {}]}
    cb = getattr(obj, "_autograder_callback_id", None)
    if type(cb) is int:
        return {"__callback__": [cb]}
    return None


def encode_args(args: tuple = (), kwargs: dict | None = None) -> str:
    """Encode call arguments as codec JSON ``[args_tuple, kwargs_dict]``; raises ``TypeError`` when not plain."""
    kwargs = dict(kwargs or {})
    if any(type(k) is not str for k in kwargs):
        raise TypeError("keyword names must be strings")
    try:
        return wire.dumps([tuple(args), kwargs], _encode_grader_side)
    except CodecError as e:
        raise TypeError(f"argument cannot be sent to the student's kernel: {e}") from None


def decode_args(text: str, *, hooks: dict | None = None) -> tuple[tuple, dict]:
    """Inverse of ``encode_args`` (used by ``LocalProxy``; the kernel has its own copy)."""
    try:
        args, kwargs = wire.loads(text, DEFAULT_MAX_BYTES, hooks or {})
    except (CodecError, ValueError, TypeError) as e:
        raise BadReturn(f"bad arguments: {e}") from None
    return tuple(args), dict(kwargs)
