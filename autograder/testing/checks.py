"""Comparison helpers for assignment tests: each raises `CheckFailed` with ONE readable message.

Student values arrive decoded (plain Python scalars/lists/dicts/tuples, NumPy arrays and scalars), so the
helpers are permissive about style (list vs tuple vs ndarray, np.float64 vs float, any integer dtype where
integers are asked for) and strict about values. Messages say what was expected and what was received;
array messages give counts and the largest difference, not the expected values themselves.

    expect_scalar(got, 0.105, rtol=1e-6, atol=1e-9, what="cross_entropy(...)")
    expect_array(got, want, rtol=1e-6, atol=1e-9, what="sgd_step(...)")
    expect_tuple(got, (w, v), rtol=1e-6, atol=1e-9, what="momentum_step(...)", names=("w_new", "v_new"))
    expect_unchanged(before_args, after_args, what="sgd_step(...)", names=("w", "g", "lr"))
"""
from __future__ import annotations

import numbers

import numpy as np

__all__ = ["CheckFailed", "describe", "expect_type", "expect_scalar", "expect_array", "expect_int_array",
           "expect_tuple", "expect_unchanged", "expect_equal", "expect_true"]

_KIND_WORDS = {"b": "booleans", "i": "integers", "u": "unsigned integers", "f": "floats", "c": "complex numbers",
               "U": "strings", "S": "bytes", "O": "Python objects"}


class CheckFailed(AssertionError):
    """A check did not pass; ``str(e)`` is the one line shown to the student."""


def describe(value) -> str:
    """A short description of a value's kind (never its content)."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an ndarray of {_KIND_WORDS.get(value.dtype.kind, value.dtype.name)} with shape {value.shape}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    if isinstance(value, np.generic):
        return f"a NumPy {type(value).__name__}"
    kind = getattr(value, "kind", None)
    desc = getattr(value, "description", None)
    if isinstance(kind, str) and isinstance(desc, dict):    # a RemoteObject: an object kept in the kernel
        cls = desc.get("class")
        words = kind.replace("_", " ")
        if kind == "object":
            return f"a {cls} object" if isinstance(cls, str) else "an object"
        return f"a {words} ({cls})" if isinstance(cls, str) else f"a {words}"
    return f"a {type(value).__name__}"


def _none_hint(got) -> str:
    return " (did you forget `return`?)" if got is None else ""


def _num(x: float) -> str:
    return f"{x:.6g}"


def expect_true(condition, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def expect_type(got, types, *, what: str) -> None:
    """`got` is an instance of `types` (a type or tuple of types)."""
    if not isinstance(got, types):
        names = types.__name__ if isinstance(types, type) else " or ".join(t.__name__ for t in types)
        raise CheckFailed(f"{what}: expected {names}, received {describe(got)}{_none_hint(got)}")


def _as_real_scalar(got, what: str) -> float:
    if isinstance(got, (bool, np.bool_)):
        raise CheckFailed(f"{what}: expected a number, received a bool")
    if isinstance(got, np.ndarray):
        if got.ndim != 0:
            raise CheckFailed(f"{what}: expected a single number, received {describe(got)}")
        got = got[()]
    if isinstance(got, numbers.Real):
        return float(got)
    raise CheckFailed(f"{what}: expected a number, received {describe(got)}{_none_hint(got)}")


def expect_scalar(got, want, *, rtol: float = 1e-7, atol: float = 0.0, what: str) -> None:
    """`got` is a real number (int/float/NumPy scalar/0-d array) close to `want`."""
    value = _as_real_scalar(got, what)
    want = float(want)
    if np.isfinite(want) and not np.isfinite(value):
        raise CheckFailed(f"{what}: received {value}, expected a finite number")
    if not np.isclose(value, want, rtol=rtol, atol=atol, equal_nan=True):
        raise CheckFailed(f"{what}: received {_num(value)}, expected {_num(want)} (rtol={rtol:g}, atol={atol:g})")


def _as_array(got, what: str) -> np.ndarray:
    if isinstance(got, np.ndarray):
        return got
    if isinstance(got, (list, tuple)) or isinstance(got, (numbers.Number, np.generic)):
        try:
            arr = np.asarray(got)
        except (ValueError, TypeError):
            arr = None
        if arr is not None and arr.dtype.kind != "O":
            return arr
        raise CheckFailed(f"{what}: expected an array of numbers, received {describe(got)} that is not "
                          f"rectangular or holds non-numbers")
    raise CheckFailed(f"{what}: expected an array, received {describe(got)}{_none_hint(got)}")


def expect_array(got, want, *, rtol: float = 1e-7, atol: float = 0.0, what: str, dtype_kind: str | None = None,
                 check_shape: bool = True) -> None:
    """`got` (ndarray or nested list) has `want`'s shape, an allowed dtype kind, finite values, close values.

    dtype_kind: allowed NumPy dtype kinds (e.g. "iu" for integers); default: numbers ("iuf") when `want` holds
    numbers, else `want`'s kind.
    """
    want = np.asarray(want)
    arr = _as_array(got, what)
    if check_shape and arr.shape != want.shape:
        raise CheckFailed(f"{what}: wrong shape {arr.shape}, expected {want.shape}")
    if not check_shape and arr.size != want.size:
        raise CheckFailed(f"{what}: {arr.size} values, expected {want.size}")
    allowed = dtype_kind or ("iuf" if want.dtype.kind in "biuf" else want.dtype.kind)
    if arr.dtype.kind not in allowed:
        words = " or ".join(_KIND_WORDS.get(k, k) for k in allowed)
        raise CheckFailed(f"{what}: expected {words}, received an array of "
                          f"{_KIND_WORDS.get(arr.dtype.kind, arr.dtype.name)} (dtype {arr.dtype})")
    arr = arr.reshape(want.shape)
    if want.dtype.kind in "biuf" and arr.dtype.kind in "biuf":
        a, b = arr.astype(np.float64), want.astype(np.float64)
        bad = ~np.isfinite(a) & np.isfinite(b)
        if bad.any():
            raise CheckFailed(f"{what}: contains NaN or inf at {int(bad.sum())} of {a.size} positions")
        close = np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
        if not close.all():
            diff = np.where(close, 0.0, np.abs(a - b))
            first = tuple(int(i) for i in np.unravel_index(int(np.argmax(~close)), want.shape)) if want.ndim else ()
            where = f", first at index {first}" if want.ndim else ""
            raise CheckFailed(f"{what}: values differ at {int((~close).sum())} of {a.size} positions "
                              f"(max abs diff {_num(float(np.nanmax(diff)))}{where}; rtol={rtol:g}, atol={atol:g})")
    elif not np.array_equal(arr, want):
        wrong = int((arr != want).sum())
        raise CheckFailed(f"{what}: values differ at {wrong} of {want.size} positions")


def expect_int_array(got, want, *, what: str) -> None:
    """`got` is an integer array (any integer dtype; a list of ints is fine) equal to `want`."""
    expect_array(got, want, rtol=0.0, atol=0.0, what=what, dtype_kind="iu")


def expect_tuple(got, want, n: int | None = None, *, rtol: float = 1e-7, atol: float = 0.0, what: str,
                 names=None, dtype_kind: str | None = None) -> None:
    """`got` is a tuple (or list) of `n` items, each close to the matching item of `want`.

    Items whose `want` is a scalar are compared with `expect_scalar`, the others with `expect_array`.
    """
    n = len(want) if n is None else n
    if isinstance(got, np.ndarray) and got.ndim >= 1:
        got = list(got)
    if not isinstance(got, (tuple, list)):
        raise CheckFailed(f"{what}: expected a tuple of {n} values, received {describe(got)}{_none_hint(got)}")
    if len(got) != n:
        raise CheckFailed(f"{what}: expected a tuple of {n} values, received {describe(got)}")
    for i, (g, w) in enumerate(zip(got, want)):
        label = f"{what}[{i}]" + (f" ({names[i]})" if names else "")
        if np.ndim(w) == 0 and not isinstance(w, np.ndarray):
            expect_scalar(g, w, rtol=rtol, atol=atol, what=label)
        else:
            expect_array(g, w, rtol=rtol, atol=atol, what=label, dtype_kind=dtype_kind)


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        try:
            a2, b2 = np.asarray(a), np.asarray(b)
            return a2.shape == b2.shape and bool(np.array_equal(a2, b2, equal_nan=a2.dtype.kind in "fc"))
        except (TypeError, ValueError):
            return False
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    try:
        return bool(a == b) or (a != a and b != b)
    except (TypeError, ValueError):
        return False


def expect_unchanged(before, after, *, what: str, names=None) -> None:
    """The arguments after the call (`after`, a sequence) equal those before it: no in-place mutation."""
    if not isinstance(before, (list, tuple)):
        before, after = [before], [after]
    for i, (b, a) in enumerate(zip(before, after)):
        if not _same(b, a):
            name = f"`{names[i]}`" if names else f"number {i + 1}"
            extra = ""
            if isinstance(b, np.ndarray) and isinstance(a, np.ndarray) and a.shape == b.shape:
                extra = f" (at {int((a != b).sum())} of {b.size} positions)"
            raise CheckFailed(f"{what} changed its argument {name} in place{extra}; "
                              f"compute and return new arrays instead")


def expect_equal(got, want, *, what: str) -> None:
    """Exact equality of plain data (dicts, lists, strings, numbers); tuples and lists are interchangeable."""
    if not _same(got, want):
        raise CheckFailed(f"{what}: received {describe(got)}{_none_hint(got)} that differs from the expected value")


def expect_trained_keras_model(got, *, what: str, epochs: int | None = None, optimizer: str | None = None):
    """`got` is `(model, history)` whose model crossed as a Keras RemoteObject built from stock Keras layers;
    returns the model. With `epochs`, the history (a Keras History, or its `.history` dict) must cover that
    many epochs; with `optimizer` (a Keras optimizer name), the model must be compiled with it."""
    expect_true(isinstance(got, (tuple, list)) and len(got) == 2,
                f"{what} should return (model, history), received {describe(got)}")
    model, history = got
    expect_true(hasattr(model, "call") and isinstance(getattr(model, "description", None), dict),
                f"{what}[0] should be a Keras model, received {describe(model)}")
    for layer in model.description.get("layers", []):
        expect_true(str(layer.get("module", "")).startswith("keras"),
                    f"layer {layer.get('name')!r} ({layer.get('class')}) is not a stock Keras layer")
    if optimizer is not None:
        used = model.description.get("optimizer")
        expect_true(str(used).lower() == optimizer.lower(),
                    f"{what} was asked for optimizer={optimizer!r} but the model is compiled with "
                    f"{used or 'no optimizer'}: pass the `optimizer` argument to compile()")
    if epochs is not None:
        ran = _epochs_in_history(history)
        expect_true(ran is not None, f"{what}[1] should be the History that fit() returns, received "
                                     f"{describe(history)}")
        expect_true(ran == epochs, f"{what} was asked for epochs={epochs} but its history covers {ran} epoch(s): "
                                   "pass the `epochs` argument to fit()")
    return model


def _epochs_in_history(history) -> int | None:
    if getattr(history, "kind", None) == "keras_history":
        return len(history.description.get("epoch") or []) or max(
            (len(v) for v in history.description.get("history", {}).values()), default=0)
    if isinstance(history, dict) and history and all(isinstance(v, (list, tuple, np.ndarray))
                                                     for v in history.values()):
        return max(len(v) for v in history.values())
    return None


def expect_class_probabilities(probs, *, n: int, k: int, what: str) -> np.ndarray:
    """`probs` is a finite (n, k) array of rows in [0, 1] that sum to 1; returns it as float64."""
    probs = np.asarray(probs, dtype=np.float64)
    expect_true(probs.shape == (n, k), f"{what} should give shape ({n}, {k}), got {probs.shape}")
    expect_true(bool(np.all(np.isfinite(probs)) and probs.min() >= -1e-6 and probs.max() <= 1 + 1e-6),
                f"{what}: outputs should be probabilities in [0, 1] (use a softmax output layer)")
    expect_true(bool(np.allclose(probs.sum(axis=1), 1.0, atol=1e-4)),
                f"{what}: each row of the output should sum to 1 (use a softmax output layer)")
    return probs
