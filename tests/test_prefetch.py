"""``prefetch`` is a hint: compiled code that asks for cache lines reads what it read without."""

from __future__ import annotations

import numba as nb
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.prefetch import LINE_ITEMS, prefetch


@nb.njit
def _summed_with_hints(values, ahead):  # type: ignore[no-untyped-def]
    total = 0.0
    for i in range(values.size):
        if i + ahead < values.size:
            prefetch(values, i + ahead)
        total += values[i]
    return total


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 2**20), max_size=300), st.integers(0, 2 * LINE_ITEMS))
@pytest.mark.parametrize("dtype", [np.uint32, np.int64, np.float64])
def test_prefetch_leaves_what_is_read_unchanged(dtype: type, values: list[int], ahead: int) -> None:
    array = np.array(values, dtype)
    assert _summed_with_hints(array, ahead) == sum(values)  # exact: under 2**29 in all
