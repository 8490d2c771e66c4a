"""Files in the real `cifar-10-batches-py` format, written by the tests (grader side).

The real batch files are Python 2 `cPickle` dumps (protocol 2) of a dict whose keys and strings are Python 2
`str`: the pickle stores them with the SHORT_BINSTRING / BINSTRING opcodes. Python 3 reads such strings as
`bytes` with `pickle.load(f, encoding="bytes")`, as `str` with `encoding="latin1"`, and fails with the default
encoding ("ascii") as soon as a string holds a byte above 127 (the pixel data always does). Python 3's own
pickler cannot write these opcodes, so this module emits them itself:

    blob = batch_bytes(x_chw_rows, labels)            # bytes of a file like data_batch_1
    blob = meta_bytes(["airplane", ...])              # bytes of a file like batches.meta

The pixel array is pickled as NumPy does it (`numpy.core.multiarray._reconstruct` + the array's state with its
raw bytes as one py2 string), so `d[b"data"]` / `d["data"]` comes back as a uint8 ndarray of shape (N, 3072).
`pickletools.dis(blob)` shows the opcodes.
"""
from __future__ import annotations

import struct

import numpy as np

__all__ = ["batch_bytes", "meta_bytes", "to_rows", "as_uint8_array"]


class _Py2Pickler:
    """A minimal protocol-2 pickler for py2 `str`, int, bool, None, list, tuple, dict and uint8 arrays."""

    def __init__(self):
        self.out = bytearray(b"\x80\x02")           # PROTO 2

    def dump(self, obj) -> bytes:
        self._save(obj)
        self.out += b"."                             # STOP
        return bytes(self.out)

    def _str(self, data: bytes):                     # a Python 2 str: raw bytes, no encoding
        if len(data) < 256:
            self.out += b"U" + bytes([len(data)]) + data                      # SHORT_BINSTRING
        else:
            self.out += b"T" + struct.pack("<i", len(data)) + data            # BINSTRING

    def _int(self, n: int):
        if 0 <= n < 256:
            self.out += b"K" + bytes([n])                                     # BININT1
        elif 0 <= n < 65536:
            self.out += b"M" + struct.pack("<H", n)                           # BININT2
        elif -2**31 <= n < 2**31:
            self.out += b"J" + struct.pack("<i", n)                           # BININT
        else:
            raise ValueError(f"integer {n} is too large for this writer")

    def _global(self, module: str, name: str):
        self.out += b"c" + module.encode() + b"\n" + name.encode() + b"\n"    # GLOBAL

    def _save(self, obj):
        if obj is None:
            self.out += b"N"
        elif obj is True or obj is False:
            self.out += b"\x88" if obj else b"\x89"                            # NEWTRUE / NEWFALSE
        elif isinstance(obj, (int, np.integer)):
            self._int(int(obj))
        elif isinstance(obj, str):
            self._str(obj.encode("ascii"))
        elif isinstance(obj, bytes):
            self._str(obj)
        elif isinstance(obj, tuple):
            self.out += b"("                                                  # MARK
            for item in obj:
                self._save(item)
            self.out += b"t"                                                  # TUPLE
        elif isinstance(obj, list):
            self.out += b"]("                                                 # EMPTY_LIST MARK
            for item in obj:
                self._save(item)
            self.out += b"e"                                                  # APPENDS
        elif isinstance(obj, dict):
            self.out += b"}("                                                 # EMPTY_DICT MARK
            for key, value in obj.items():
                self._save(key)
                self._save(value)
            self.out += b"u"                                                  # SETITEMS
        elif isinstance(obj, np.ndarray):
            self._array(obj)
        else:
            raise TypeError(f"cannot write a {type(obj).__name__} as a Python 2 pickle")

    def _array(self, arr: np.ndarray):
        """What NumPy 1.x under Python 2 wrote for a C-contiguous uint8 array."""
        if arr.dtype != np.uint8:
            raise TypeError("only uint8 arrays are written")
        arr = np.ascontiguousarray(arr)
        self._global("numpy.core.multiarray", "_reconstruct")
        self.out += b"("
        self._global("numpy", "ndarray")
        self._save((0,))
        self._str(b"b")
        self.out += b"tR"                                                     # TUPLE REDUCE
        self.out += b"("
        self._int(1)
        self._save(tuple(int(n) for n in arr.shape))
        self._global("numpy", "dtype")
        self._save(("u1", 0, 1))
        self.out += b"R"                                                      # REDUCE
        self._save((3, "|", None, None, None, -1, -1, 0))
        self.out += b"b"                                                      # BUILD (dtype state)
        self.out += b"\x89"                                                   # NEWFALSE: C order
        self._str(arr.tobytes())
        self.out += b"tb"                                                     # TUPLE BUILD (array state)


def to_rows(x_hwc: np.ndarray) -> np.ndarray:
    """(N, 32, 32, 3) images -> (N, 3072) rows as the files store them: 1024 red, 1024 green, 1024 blue."""
    x_hwc = np.asarray(x_hwc, dtype=np.uint8)
    return x_hwc.transpose(0, 3, 1, 2).reshape(len(x_hwc), 3 * 32 * 32)


def batch_bytes(rows: np.ndarray, labels, *, batch_label: str = "training batch 1 of 5",
                filenames=None) -> bytes:
    """The bytes of a CIFAR-10 batch file holding `rows` ((N, 3072) uint8, channel-first) and `labels`."""
    rows = np.asarray(rows, dtype=np.uint8)
    labels = [int(v) for v in labels]
    if filenames is None:
        filenames = [f"image_{i:05d}.png" for i in range(len(labels))]
    batch = {"batch_label": batch_label, "labels": labels, "data": rows, "filenames": list(filenames)}
    return _Py2Pickler().dump(batch)


def meta_bytes(label_names, *, num_cases_per_batch: int = 10000) -> bytes:
    """The bytes of a `batches.meta` file with these label names (ASCII strings)."""
    meta = {"num_cases_per_batch": num_cases_per_batch, "label_names": list(label_names), "num_vis": 3072}
    return _Py2Pickler().dump(meta)


def as_uint8_array(blob: bytes) -> np.ndarray:
    """File bytes as the 1-D uint8 array that `student.make("write_files", ...)` takes."""
    return np.frombuffer(blob, dtype=np.uint8).copy()
