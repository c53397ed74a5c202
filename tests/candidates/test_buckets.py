"""The band buckets found by sorting tagged key values (candidates/buckets.py) are those an
argsort of the keys finds, and ``band_pairs`` over them gives what it gave over the argsort."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.candidates.buckets import _row_bits, key_buckets
from newsdedup.candidates.lsh import HUBS, LSHReport, band_pairs, bucket_pairs, capped_order


def _argsorted_buckets(keys: np.ndarray) -> list[tuple[int, list[int]]]:  # type: ignore[type-arg]
    """(key, ascending rows) of each bucket of two or more rows, in key order."""
    order = np.argsort(keys, kind="stable")
    out: list[tuple[int, list[int]]] = []
    for key in np.unique(keys):
        rows = order[keys[order] == key]
        if len(rows) >= 2:
            out.append((int(key), sorted(rows.tolist())))
    return out


def _band_pairs_before(  # type: ignore[no-untyped-def]
    keys, docs, tiebreak, cap, report, wanted
) -> np.ndarray:  # type: ignore[type-arg]
    """``band_pairs`` of one band as it was before candidates/buckets.py: an argsort of the keys."""
    order = np.argsort(keys)
    sorted_keys = keys[order]
    change = np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1
    starts = np.concatenate(([0], change)).astype(np.int64)
    ends = np.concatenate((change, [len(sorted_keys)])).astype(np.int64)
    sizes = ends - starts
    multi = sizes >= 2
    report.buckets += int(multi.sum())
    if multi.any():
        report.largest = max(report.largest, int(sizes.max()))
    for start, end in zip(starts[sizes > cap], ends[sizes > cap], strict=True):
        members = order[start:end]
        order[start:end] = members[capped_order(docs[members], tiebreak[members])]
        report.oversized += 1
        report.oversized_sizes.append(int(end - start))
    return bucket_pairs(docs[order], starts[multi], ends[multi], cap, wanted, HUBS)  # type: ignore[no-any-return]


def _near_keys(n: int, values: int, seed: int) -> np.ndarray:  # type: ignore[type-arg]
    """Keys alike in their high bits and differing in the low bits that carry row numbers (the
    runs ``key_buckets`` must split), with repeats."""
    rng = np.random.default_rng(seed)
    high = rng.integers(0, 3, n).astype(np.uint64) << np.uint64(40)
    low = rng.integers(0, values, n).astype(np.uint64)
    return high | (low << np.uint64(max(0, _row_bits(n) - 2)))


_keys = st.one_of(
    st.lists(st.integers(0, 7), max_size=80).map(lambda v: np.array(v, np.uint64)),
    st.lists(st.integers(0, 2**64 - 1), max_size=30).map(lambda v: np.array(v, np.uint64)),
    st.tuples(st.integers(0, 300), st.integers(1, 40), st.integers(0, 2**32 - 1)).map(
        lambda a: _near_keys(*a)
    ),
)


@settings(max_examples=300, deadline=None)
@given(_keys)
def test_key_buckets_are_the_argsort_buckets(keys: np.ndarray) -> None:  # type: ignore[type-arg]
    found = key_buckets(keys)
    got = [
        (int(keys[found.rows[s]]), found.rows[s:e].tolist())
        for s, e in zip(found.starts.tolist(), found.ends.tolist(), strict=True)
    ]
    want = _argsorted_buckets(keys)
    assert got == want
    sizes = [len(rows) for _, rows in want]
    assert found.largest == (max(sizes) if sizes else min(len(keys), 1))


def test_key_buckets_split_keys_alike_in_their_high_bits() -> None:
    keys = np.array([5, 4, 5, 4, 6], np.uint64)  # 3 row bits: all five alike above them
    found = key_buckets(keys)
    assert found.rows.tolist() == [1, 3, 0, 2]
    assert found.starts.tolist() == [0, 2] and found.ends.tolist() == [2, 4]


@settings(max_examples=200, deadline=None)
@given(_keys, st.integers(2, 12), st.integers(0, 2**32 - 1))
def test_band_pairs_are_what_the_argsort_gave(keys: np.ndarray, cap: int, seed: int) -> None:  # type: ignore[type-arg]
    """Same pairs (as a set, each once per bucket), bucket counts and capped buckets in the same
    order, with wanted documents and a tiebreak that decides the capped buckets' members."""
    rng = np.random.default_rng(seed)
    n = len(keys)
    docs = np.sort(rng.choice(3 * n + 1, n, replace=False)).astype(np.int64)
    tiebreak = rng.integers(0, 5, n).astype(np.uint64)  # ties: the document decides
    wanted = rng.random(3 * n + 1) < 0.7
    got_report, want_report = LSHReport(), LSHReport()
    got = band_pairs(keys, docs, tiebreak, cap, got_report, wanted)
    want = _band_pairs_before(keys, docs, tiebreak, cap, want_report, wanted)
    assert sorted(map(tuple, got.tolist())) == sorted(map(tuple, want.tolist()))
    assert got_report == want_report


@settings(max_examples=100, deadline=None)
@given(_keys, st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_key_buckets_read_in_place_are_those_of_the_gathered_keys(
    keys: np.ndarray,  # type: ignore[type-arg]
    width: int,
    seed: int,
) -> None:
    """Keys read through ``of`` from a column of a block (a strided view, as the engine reads
    a chunk of bands) give the buckets of the gathered column."""
    rng = np.random.default_rng(seed)
    block = rng.integers(0, 2**63, (2 * len(keys) + 1, width), dtype=np.uint64)
    of = np.sort(rng.choice(len(block), len(keys), replace=False)).astype(np.int64)
    band = int(rng.integers(0, width))
    block[of, band] = keys
    got, want = key_buckets(block[:, band], of=of), key_buckets(block[of, band])
    assert got.rows.tolist() == want.rows.tolist()
    assert (got.starts.tolist(), got.ends.tolist()) == (want.starts.tolist(), want.ends.tolist())
    assert got.largest == want.largest
