"""The translation stage's anchor keys, gathered from chunks of rows (engine/translations.py)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.engine.translations import _in_row_order


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 5), max_size=20), st.integers(0, 2**32 - 1), st.integers(1, 4))
def test_translation_keys_in_row_order(sizes: list[int], seed: int, chunks: int) -> None:
    """Each row's keys, whatever the chunks the rows were keyed in (a worker's task is one
    spilled batch's rows; empty chunks and rows without keys included)."""
    rng = np.random.default_rng(seed)
    m = len(sizes)
    keys = [rng.integers(0, 1000, size, dtype=np.uint64) for size in sizes]
    found = [
        (
            np.concatenate([keys[k] for k in part]) if len(part) else np.empty(0, np.uint64),
            np.array([len(keys[k]) for k in part], np.int64),
        )
        for part in np.array_split(np.arange(m), chunks)
    ]
    sets = _in_row_order(found)
    offsets = sets.offsets
    assert len(offsets) == m + 1
    for k in range(m):
        assert sets.flat[offsets[k] : offsets[k + 1]].tolist() == keys[k].tolist()


def test_no_chunks_no_keys() -> None:
    sets = _in_row_order([])
    assert len(sets.flat) == 0 and len(sets.offsets) == 1
