"""Postings read as two texts (``rows.concat_rows``: ``postings_array``, ``levels.select_keys``)
against the rows fetched one tuple each, on random two-level tables: keys over the whole int64
range (band keys are uint64 bits), absent and repeated keys, both levels, every bound."""

from __future__ import annotations

import sqlite3

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.store import levels
from newsdedup.store.rows import concat_rows, postings, postings_array

_I64 = st.integers(-(2**63), 2**63 - 1)
_keys = st.one_of(st.sampled_from([-(2**63), -1, 0, 1, 2**63 - 1]), _I64, st.integers(-3, 3))
_rows = st.lists(st.tuples(_keys, st.integers(0, 2**31 - 1)), max_size=60)


def _tables(large: list[tuple[int, int]], small: list[tuple[int, int]]) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    for table in ("bands", "bands_recent"):
        conn.execute(
            f"CREATE TABLE {table} (key INTEGER NOT NULL, seq INTEGER NOT NULL, "
            "PRIMARY KEY (key, seq)) WITHOUT ROWID"
        )
    conn.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?)", large)
    # a (key, seq) row is in one level only (store/levels.py)
    conn.executemany("INSERT OR IGNORE INTO bands_recent VALUES (?, ?)", set(small) - set(large))
    return conn


@settings(max_examples=150, deadline=None)
@given(
    large=_rows,
    small=_rows,
    extra=st.lists(_keys, max_size=10),
    low=st.integers(0, 4),
    span=st.integers(0, 5),
)
def test_postings_array_is_the_fetched_rows(
    large: list[tuple[int, int]],
    small: list[tuple[int, int]],
    extra: list[int],
    low: int,
    span: int,
) -> None:
    conn = _tables(large, small)
    keys = [k for k, _ in large[::2]] + [k for k, _ in small[1::2]] + extra
    got = postings_array(conn, "bands", "seq", keys, low, low + span)
    want = np.array(postings(conn, "bands", "seq", keys, low, low + span), np.int64).reshape(-1, 2)
    assert got.dtype == np.int64 and got.shape == (len(want), 2)
    assert sorted(map(tuple, got.tolist())) == sorted(map(tuple, want.tolist()))


@settings(max_examples=150, deadline=None)
@given(large=_rows, small=_rows, extra=st.lists(_keys, max_size=10), many=st.booleans())
def test_select_keys_is_every_row_of_the_keys(
    large: list[tuple[int, int]], small: list[tuple[int, int]], extra: list[int], many: bool
) -> None:
    conn = _tables(large, small)
    keys = sorted({k for k, _ in large + small} | set(extra))
    if many:  # past one IN list (rows.chunks)
        keys += list(range(10**6, 10**6 + 1200))
    got = levels.select_keys(conn, "bands", keys)
    wanted = set(keys)
    want = [
        r
        for t in ("bands", "bands_recent")
        for r in conn.execute(f"SELECT key, seq FROM {t}")
        if r[0] in wanted
    ]
    assert got.dtype == np.int64 and got.shape == (len(want), 2)
    assert sorted(map(tuple, got.tolist())) == sorted(want)


def test_concat_rows_of_nothing_is_an_empty_array() -> None:
    conn = _tables([], [])
    got = concat_rows(conn, "SELECT key AS x0, seq AS x1 FROM bands WHERE key = ?", (1,))
    assert got.shape == (0, 2) and got.dtype == np.int64
