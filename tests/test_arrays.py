"""``arrays.unique`` is ``np.unique`` (values, order and dtype) for every array it is given;
``arrays.run_counts`` is ``np.unique``'s counts of a sorted array, the rarer values left out."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from newsdedup.arrays import least_count, run_counts, unique

_DTYPES = st.sampled_from(
    [np.int8, np.int32, np.int64, np.uint8, np.uint32, np.uint64, np.bool_, np.float64]
)


@settings(max_examples=300, deadline=None)
@given(
    hnp.arrays(
        _DTYPES,
        hnp.array_shapes(min_dims=1, max_dims=2, min_side=0, max_side=40),
        elements={"allow_nan": True},
    )
)
def test_arrays_unique_is_numpy_unique(array: np.ndarray) -> None:
    got, want = unique(array), np.unique(array)
    assert got.dtype == want.dtype
    assert got.shape == want.shape
    assert np.array_equal(got, want, equal_nan=array.dtype.kind == "f")


def test_arrays_unique_of_lists_and_empties() -> None:
    assert unique([3, 1, 3, 2]).tolist() == [1, 2, 3]
    assert unique([]).dtype == np.unique([]).dtype
    assert unique(np.array([5], np.uint32)).tolist() == [5]
    assert unique(np.array([[2, 1], [1, 2]])).tolist() == [1, 2]


@settings(max_examples=100, deadline=None)
@given(
    codes=st.lists(st.integers(0, 40), max_size=200),
    least=st.integers(1, 5),
)
def test_arrays_run_counts_are_the_counted_unique_ones(codes: list[int], least: int) -> None:
    """``run_counts`` of sorted codes: the unique codes found at least ``least`` times, with
    their counts, as np.unique's counts give them (the short path's ``least``)."""
    ordered = np.sort(np.asarray(codes, np.int64))
    values, counts = run_counts(ordered, least)
    want_values, want_counts = np.unique(ordered, return_counts=True)
    keep = want_counts >= least
    assert values.tolist() == want_values[keep].tolist()
    assert counts.tolist() == want_counts[keep].tolist()


@given(st.integers(1, 40_000), st.floats(-0.5, 1.5, allow_nan=False))
def test_arrays_least_count_is_the_threshold_on_counts(total: int, threshold: float) -> None:
    """The overlap floor's shingles and the stories' stored steps use this one rule: a count
    passes exactly when its fraction of ``total`` does, as floating point compares them."""
    least = least_count(total, threshold)
    assert 0 <= least <= total + 1
    for k in range(max(0, least - 3), min(total, least + 3) + 1):
        assert (k >= least) == (k / total >= threshold)
