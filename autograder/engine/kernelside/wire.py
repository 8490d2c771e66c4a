"""The data-only wire format (docs/ARCHITECTURE.md "The codec"), one copy for both sides.

Runs inside the student's kernel (sent there as source, see ``autograder.engine.kernelside``) and in the grader,
which imports it as ``autograder.engine.kernelside.wire`` and wraps it in ``autograder.engine.codec``.
Only the standard library and numpy: the kernel may not have the autograder installed.
``encode``/``dumps`` turn plain data into JSON(-able) values, handing anything else to a ``remote`` hook;
``loads`` decodes strictly: it never calls pickle, eval or constructors of arbitrary types.
"""

import base64 as _b64
import json as _json
import math as _math

import numpy as _np

ALLOWED_DTYPES = frozenset(["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                            "uint64", "float16", "float32", "float64", "complex64", "complex128"])
MARKERS = frozenset(["__nd__", "__np__", "__tuple__", "__dict__", "__float__", "__remote__", "__callback__"])
MAX_DEPTH = 64
MAX_DIMS = 32


class CodecError(ValueError):
    """The value cannot be encoded/decoded as plain data."""


def _is_marker_key(key):
    return isinstance(key, str) and len(key) > 4 and key.startswith("__") and key.endswith("__")


def _enc_float(x):
    x = float.__float__(x) if isinstance(x, float) else float(x)
    if _math.isfinite(x):
        return x
    return {"__float__": "nan" if x != x else ("inf" if x > 0 else "-inf")}


def _is_tensor(obj):
    mod = type(obj).__module__ or ""
    return (mod.startswith("tensorflow") or mod.startswith("keras")) and hasattr(obj, "numpy") \
        and hasattr(obj, "dtype") and hasattr(obj, "shape")


def _enc_array(arr):
    name = arr.dtype.name
    if name not in ALLOWED_DTYPES:
        raise CodecError(f"numpy array of dtype {name} is not plain data (allowed: numeric and bool)")
    le = _np.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder("<"))
    return {"__nd__": [name, [int(n) for n in arr.shape], _b64.b64encode(le.tobytes()).decode("ascii")]}


def _enc_scalar(x):
    name = x.dtype.name
    if name not in ALLOWED_DTYPES:
        raise CodecError(f"numpy scalar of dtype {name} is not plain data")
    if name == "bool":
        return {"__np__": [name, bool(x)]}
    if name.startswith(("int", "uint")):
        return {"__np__": [name, int(x)]}
    if name.startswith("complex"):
        return {"__np__": [name, [_enc_float(x.real), _enc_float(x.imag)]]}
    return {"__np__": [name, _enc_float(x)]}


def encode(obj, remote=None, _depth=0):
    """Return a JSON-able structure for ``obj``. ``remote(obj)`` handles non-plain objects (or None)."""
    if _depth > MAX_DEPTH:
        raise CodecError(f"value nested deeper than {MAX_DEPTH} levels")
    d = _depth + 1
    if obj is None or type(obj) is bool or type(obj) is str:
        return obj
    if isinstance(obj, _np.ndarray):
        return _enc_array(_np.asarray(obj))
    if isinstance(obj, _np.generic):
        return _enc_scalar(obj)
    if isinstance(obj, int):
        return int.__index__(obj)
    if isinstance(obj, float):
        return _enc_float(obj)
    if isinstance(obj, complex):
        raise CodecError("Python complex numbers are not plain data; use numpy.complex128")
    if isinstance(obj, str):
        return str.__str__(obj)
    if isinstance(obj, tuple):
        return {"__tuple__": [encode(v, remote, d) for v in tuple.__iter__(obj)]}
    if isinstance(obj, list):
        return [encode(v, remote, d) for v in list.__iter__(obj)]
    if isinstance(obj, dict):
        items = list(dict.items(obj))
        if all(type(k) is str for k, _ in items) and not (len(items) == 1 and _is_marker_key(items[0][0])):
            return {k: encode(v, remote, d) for k, v in items}
        pairs = []
        for k, v in items:
            k = _key(k)
            if not _plain_key(k):
                raise CodecError(f"dict key of type {type(k).__name__} is not allowed")
            pairs.append([encode(k, None, d), encode(v, remote, d)])
        return {"__dict__": pairs}
    if _is_tensor(obj):
        return _enc_array(_np.asarray(obj.numpy()))
    if remote is not None:
        out = remote(obj)
        if out is not None:
            return out
    raise CodecError(f"a {type(obj).__module__}.{type(obj).__qualname__} object is not plain data "
                     "(return numbers, strings, numpy arrays, lists, tuples or dicts)")


def _key(k):
    """NumPy integer, bool and float keys (``Counter(y_array)``, ``dict(zip(*np.unique(...)))``) become the
    Python values they stand for; tuples of them too."""
    if isinstance(k, _np.generic) and k.dtype.kind in "biufU":
        return k.item()
    if type(k) is tuple:
        return tuple(_key(x) for x in k)
    return k


def _plain_key(k):
    if k is None or type(k) in (bool, int, float, str):
        return True
    if type(k) is tuple:
        return all(_plain_key(x) for x in k)
    return False


def dumps(obj, remote=None):
    return _json.dumps(encode(obj, remote), allow_nan=False, separators=(",", ":"))


def _reject_constant(name):
    raise CodecError(f"non-standard JSON constant {name}")


def _pairs(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise CodecError(f"duplicate key {k!r}")
        out[k] = v
    return out


def _dec_float(v):
    if type(v) in (int, float):
        return float(v)
    if type(v) is dict and list(v) == ["__float__"] and v["__float__"] in ("nan", "inf", "-inf"):
        return float(v["__float__"])
    raise CodecError("malformed float")


def _dec_nd(v):
    if type(v) is not list or len(v) != 3:
        raise CodecError("__nd__ must be [dtype, shape, base64]")
    name, shape, data = v
    if type(name) is not str or name not in ALLOWED_DTYPES:
        raise CodecError(f"array dtype {name!r} is not allowed")
    if type(shape) is not list or len(shape) > MAX_DIMS or any(type(n) is not int or n < 0 for n in shape):
        raise CodecError("array shape must be a list of non-negative ints")
    if type(data) is not str:
        raise CodecError("array data must be a base64 string")
    try:
        raw = _b64.b64decode(data.encode("ascii"), validate=True)
    except Exception:
        raise CodecError("array data is not valid base64") from None
    dt = _np.dtype(name).newbyteorder("<")
    count = 1
    for n in shape:
        count *= n
    if count * dt.itemsize != len(raw):
        raise CodecError(f"array of shape {shape} and dtype {name} needs {count * dt.itemsize} bytes, got {len(raw)}")
    if name == "bool":
        return (_np.frombuffer(raw, dtype=_np.uint8) != 0).reshape(shape)
    return _np.frombuffer(raw, dtype=dt).astype(_np.dtype(name)).reshape(shape)


def _dec_np(v):
    if type(v) is not list or len(v) != 2 or type(v[0]) is not str or v[0] not in ALLOWED_DTYPES:
        raise CodecError("__np__ must be [allowed dtype, value]")
    name, x = v
    t = _np.dtype(name).type
    try:
        if name == "bool":
            if type(x) is not bool:
                raise CodecError("bool scalar must be true/false")
            return t(x)
        if name.startswith(("int", "uint")):
            if type(x) is not int:
                raise CodecError("integer scalar must be an int")
            info = _np.iinfo(t)
            if not info.min <= x <= info.max:
                raise CodecError(f"{x} out of range for {name}")
            return t(x)
        if name.startswith("complex"):
            if type(x) is not list or len(x) != 2:
                raise CodecError("complex scalar must be [re, im]")
            return t(complex(_dec_float(x[0]), _dec_float(x[1])))
        return t(_dec_float(x))
    except (OverflowError, TypeError):
        raise CodecError(f"bad {name} scalar") from None


def _dec_key(k):
    if k is None or type(k) in (bool, int, float, str):
        return k
    if type(k) is tuple and all(_dec_key(x) is x for x in k):
        return k
    raise CodecError(f"dict key of type {type(k).__name__} is not allowed")


def _dec(v, hooks, depth):
    if depth > MAX_DEPTH + 2:
        raise CodecError("value nested too deeply")
    t = type(v)
    if v is None or t in (bool, int, float, str):
        if t is float and not _math.isfinite(v):
            raise CodecError("non-finite float literal")
        return v
    d = depth + 1
    if t is list:
        return [_dec(x, hooks, d) for x in v]
    if t is not dict:
        raise CodecError(f"unexpected JSON value {t.__name__}")
    if len(v) == 1:
        (key, val), = v.items()
        if _is_marker_key(key):
            if key == "__nd__":
                return _dec_nd(val)
            if key == "__np__":
                return _dec_np(val)
            if key == "__float__":
                return _dec_float(v)
            if key == "__tuple__":
                if type(val) is not list:
                    raise CodecError("__tuple__ must hold a list")
                return tuple(_dec(x, hooks, d) for x in val)
            if key == "__dict__":
                if type(val) is not list:
                    raise CodecError("__dict__ must hold a list of [key, value] pairs")
                out = {}
                for pair in val:
                    if type(pair) is not list or len(pair) != 2:
                        raise CodecError("__dict__ entries must be [key, value]")
                    k = _dec_key(_dec(pair[0], {}, d))
                    if k in out:
                        raise CodecError(f"duplicate key {k!r}")
                    out[k] = _dec(pair[1], hooks, d)
                return out
            hook = hooks.get(key)
            if hook is None:
                raise CodecError(f"unknown or unexpected marker {key}")
            if type(val) is not list:
                raise CodecError(f"{key} must hold a list")
            return hook([_dec(x, {}, d) for x in val])
    return {k: _dec(x, hooks, d) for k, x in v.items()}


def loads(text, max_bytes=64 * 2**20, hooks=None):
    """Strictly decode ``text``. ``hooks`` maps extra markers (``__remote__``...) to functions."""
    if not isinstance(text, str):
        raise CodecError(f"expected JSON text, got {type(text).__name__}")
    if len(text) > max_bytes:
        raise CodecError(f"result is {len(text)} bytes, more than the limit of {max_bytes}")
    try:
        raw = _json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_pairs)
        return _dec(raw, dict(hooks or {}), 0)
    except CodecError:
        raise
    except RecursionError:
        raise CodecError("value nested too deeply") from None
    except ValueError as e:
        raise CodecError(f"not valid JSON: {str(e)[:200]}") from None
