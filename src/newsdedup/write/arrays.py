"""Arrow arrays and scalars made from numpy arrays and Python strings, for the writers.

``pa.array``, ``pa.scalar`` and a compute function given a Python value ask pandas whether the
value is one of its own, which imports pandas where it is installed: 0.3 s of a run that has no
other use for it (``newsdedup dedup`` of ten articles took 2.1-2.4 s). Arrays built from their
buffers skip that question; they hold the same values (tests/write/test_arrays.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

__all__ = ["booleans", "literal", "numbers", "repeated", "strings"]

_MAX_OFFSET = (1 << 31) - 1  #: pa.string()'s offsets are int32


def numbers(values: NDArray[np.generic]) -> pa.Array:
    """A numpy array of numbers as an Arrow array of its type (no nulls)."""
    array = np.ascontiguousarray(values)
    if array.dtype == np.bool_:
        return booleans(array)
    kind = pa.from_numpy_dtype(array.dtype)
    return pa.Array.from_buffers(kind, len(array), [None, pa.py_buffer(array)])


def booleans(values: NDArray[np.bool_]) -> pa.Array:
    """A numpy array of booleans as an Arrow boolean array (bits, least significant first)."""
    bits = np.packbits(np.asarray(values, np.bool_), bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), len(values), [None, pa.py_buffer(bits)])


def strings(values: Sequence[str | bytes]) -> pa.Array:
    """Strings, or all their UTF-8 bytes, as an Arrow string array; UnicodeEncodeError for a
    string UTF-8 cannot hold (a lone surrogate), as ``pa.array`` refuses one.

    The strings are joined and encoded at once, and where every character is one byte (ids
    mostly are) their lengths are the offsets: 1,000,000 ids in 0.11 s, where one encoding
    each took 0.35 s and ``pa.array`` 0.06 (measured)."""
    n = len(values)
    if n and isinstance(values[0], bytes):
        data = b"".join(values)  # type: ignore[arg-type]
        lengths = np.fromiter(map(len, values), np.int64, n)
    else:
        joined = "".join(values)  # type: ignore[arg-type]
        data = joined.encode()
        if len(data) == len(joined):  # all ASCII: a character is a byte
            lengths = np.fromiter(map(len, values), np.int64, n)
        else:
            lengths = np.fromiter((len(v.encode()) for v in values), np.int64, n)  # type: ignore[union-attr]
    offsets = np.zeros(n + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if offsets[-1] > _MAX_OFFSET:  # past int32 offsets: pyarrow's own conversion chunks it
        return pa.array([v.decode() if isinstance(v, bytes) else v for v in values], pa.string())
    bounds = pa.py_buffer(offsets.astype(np.int32))
    return pa.Array.from_buffers(pa.string(), n, [None, bounds, pa.py_buffer(data)])


def repeated(value: str, n: int) -> pa.Array:
    """``value`` n times, as an Arrow string array."""
    return strings([value.encode()] * n)


@cache
def literal(value: str) -> pa.Scalar:
    """A string as an Arrow scalar, for a compute function's argument."""
    scalar: pa.Scalar = strings([value])[0]
    return scalar
