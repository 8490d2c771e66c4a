"""The wire codec: round trips, strict rejection, and hostile values."""
import base64
import json

import numpy as np
import pytest

from autograder.core.errors import BadReturn
from autograder.engine.codec import RemoteRef, decode, decode_args, encode_args, encode_value

ROUND_TRIP = [
    None, True, 0, -7, 2**70, 1.5, "text", [1, [2, "x"]], (1, (2.0, None)), {"a": 1, "b": [None]},
    {1: "x", (1, "a"): 2.0, None: 3, False: 4}, {"__nd__": "looks like a marker"},
    np.float32(1.25), np.int8(-3), np.uint64(2**63), np.bool_(True), np.complex128(1 - 2j),
]


@pytest.mark.parametrize("value", ROUND_TRIP, ids=repr)
def test_round_trip(value):
    got = decode(encode_value(value))
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize("dtype", ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                                   "uint64", "float16", "float32", "float64", "complex64", "complex128"])
def test_arrays_round_trip_every_allowed_dtype(dtype):
    a = (np.arange(24).reshape(2, 3, 4) % 5).astype(dtype)
    got = decode(encode_value(a))
    assert got.dtype == np.dtype(dtype) and got.shape == a.shape and np.array_equal(got, a)
    assert got.flags.writeable


def test_big_endian_and_non_contiguous_arrays_are_normalised():
    a = np.arange(12, dtype=">f8").reshape(3, 4)[:, ::2]
    got = decode(encode_value(a))
    assert got.dtype == np.float64 and np.array_equal(got, a)


def test_non_finite_floats():
    got = decode(encode_value([float("nan"), float("inf"), -float("inf"), np.float64("nan")]))
    assert np.isnan(got[0]) and got[1] == float("inf") and got[2] == -float("inf") and np.isnan(got[3])


def test_args_round_trip():
    args, kwargs = decode_args(encode_args((1, np.ones(3)), {"lr": 0.1}))
    assert args[0] == 1 and np.array_equal(args[1], np.ones(3)) and kwargs == {"lr": 0.1}


@pytest.mark.parametrize("value", [object(), np.array([object()]), np.array(["a"]), 1j, {frozenset(): 1},
                                   lambda: 1])
def test_non_plain_values_are_refused(value):
    with pytest.raises(BadReturn):
        encode_value(value)
    with pytest.raises(TypeError):
        encode_args((value,))


def _nd(dtype, shape, raw):
    return json.dumps({"__nd__": [dtype, shape, base64.b64encode(raw).decode()]})


@pytest.mark.parametrize("text", [
    '{"__pickle__": "gASV"}', '{"__evil__": 1}', '{"__callback__": [1]}',
    _nd("object", [1], b"\0" * 8), _nd("int32", [2], b"\0" * 7), _nd("int32", [10**9, 10**9], b""),
    _nd("int32", [-1], b""), _nd("int32", [True], b"\0" * 4), _nd("<U1", [1], b"\0" * 4),
    '{"__nd__": ["int8", [1], "!!!"]}', '{"__np__": ["int8", 300]}', '{"__np__": ["object", 1]}',
    '{"__float__": "1e5"}', "NaN", "[Infinity]", '{"a": 1, "a": 2}', "[" * 5000 + "]" * 5000, "not json",
    '{"__dict__": [[[1], 2]]}', '{"__dict__": [[{"__np__": ["int8", 1]}, 2]]}', '{"__remote__": ["x", 1, 2]}',
    '{"__tuple__": 5}', "1" * 5000,
], ids=lambda t: t[:40])
def test_strict_decoder_rejects(text):
    with pytest.raises(BadReturn):
        decode(text)


def test_size_cap():
    text = encode_value("x" * 1000)
    with pytest.raises(BadReturn, match="limit"):
        decode(text, max_bytes=100)


def test_remote_markers_become_refs_or_hook_results():
    text = json.dumps({"__remote__": [3, "keras_model", {"class": "Sequential"}]})
    assert decode(text) == RemoteRef(3, "keras_model", {"class": "Sequential"})
    assert decode(text, on_remote=lambda ref: ("hooked", ref.handle)) == ("hooked", 3)


class Sneaky(float):
    def __eq__(self, other):
        return True

    def __float__(self):
        return 99.0

    __hash__ = float.__hash__


class ArrayLike:
    def __array__(self, dtype=None, copy=None):
        return np.ones(3)


def test_hostile_objects_become_plain_data_or_are_refused():
    got = decode(encode_value(Sneaky(2.0)))
    assert type(got) is float and got == 2.0
    with pytest.raises(BadReturn):
        encode_value(ArrayLike())


def test_numpy_keys_become_python_keys():
    """`Counter(y)` or `dict(zip(*np.unique(y, return_counts=True)))` on an int64 array is a plain dict."""
    y = np.array([3, 1, 3, 0], dtype=np.int64)
    keys, counts = np.unique(y, return_counts=True)
    got = decode(encode_value(dict(zip(keys, counts))))
    assert got == {0: 1, 1: 1, 3: 2} and all(type(k) is int for k in got)
    mixed = decode(encode_value({np.bool_(True): 1, np.float32(0.5): 2, (np.int8(1), "a"): 3, np.str_("s"): 4}))
    assert mixed == {True: 1, 0.5: 2, (1, "a"): 3, "s": 4}
    assert [type(k) for k in mixed] == [bool, float, tuple, str]
    with pytest.raises(BadReturn):
        encode_value({np.complex64(1j): 1})
