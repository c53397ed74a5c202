"""The translation side gathers the chunks' anchor keys into one array row by row, whatever the
order the chunks read the rows in and whichever rows have no spilled text."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.engine.translations import _in_row_order


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 5), max_size=20), st.integers(0, 2**32 - 1), st.integers(1, 4))
def test_translation_keys_in_row_order(sizes: list[int], seed: int, chunks: int) -> None:
    rng = np.random.default_rng(seed)
    m = len(sizes)
    keys = [rng.integers(0, 1000, size, dtype=np.uint64) for size in sizes]
    spilled = np.flatnonzero(rng.random(m) < 0.8)  # the others have no row (-1)
    order = rng.permutation(spilled)
    found = [
        (
            np.concatenate([keys[k] for k in part]) if len(part) else np.empty(0, np.uint64),
            np.array([len(keys[k]) for k in part], np.int64),
        )
        for part in np.array_split(order, chunks)
    ]
    sets = _in_row_order(m, order, found)
    offsets = sets.offsets
    for k in range(m):
        expected = keys[k] if k in set(spilled.tolist()) else np.empty(0, np.uint64)
        assert sets.flat[offsets[k] : offsets[k + 1]].tolist() == expected.tolist()
