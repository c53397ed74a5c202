"""Array helpers numpy has, made fast where numpy 2.4 is slow.

``np.unique`` of integers without ``return_*`` takes numpy 2.4's hashing path, then sorts: 0.5 s
for a million random uint32 against 0.004 s for ``np.sort`` (5 s against 0.03 s at five million;
measured with numpy 2.4.6). The short-document path, the verify stage and the living index call
it on arrays that large.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["unique"]


def unique(values: ArrayLike) -> NDArray[Any]:
    """``np.unique(values)``: the sorted distinct values of the flattened array, by one sort
    where they are integers or booleans (any other dtype goes to ``np.unique``, whose NaN
    rule a sort does not keep)."""
    array = np.asarray(values)
    if array.dtype.kind not in "biu":
        return np.unique(array)
    out = np.sort(array, axis=None)
    if len(out) < 2:
        return out
    firsts = np.empty(len(out), np.bool_)
    firsts[0] = True
    np.not_equal(out[1:], out[:-1], out=firsts[1:])
    return out[firsts]
