"""The LSH buckets of one band: the rows that share a key, found by sorting values, not order.

An argsort of a million 64-bit keys took 27 ms and the gathers of keys and documents in its
order as long again, 128 times a run; most keys are alone in their bucket, and every row paid
for it. Here each key keeps its high bits and carries its row number in the low ones, so one
sort of the values (numpy's vectorised sort, 7 ms for a million) brings equal keys together
with their rows; a run of equal high bits whose full keys differ (two keys alike in all but
their low bits, about one a band at ten million rows) is split by its full keys. The buckets
are those the keys' argsort finds, in the same (key) order, each's rows ascending.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba as nb
import numpy as np
from numpy.typing import NDArray

__all__ = ["Buckets", "key_buckets"]


@dataclass(frozen=True, slots=True)
class Buckets:
    """The buckets of two or more rows, in key order: bucket ``r`` is
    ``rows[starts[r]:ends[r]]`` (ascending rows). ``largest`` is the largest bucket's size (0
    with no rows)."""

    rows: NDArray[np.int64]
    starts: NDArray[np.int64]
    ends: NDArray[np.int64]
    largest: int


def _row_bits(n: int) -> int:
    """Low bits that hold a row number below ``n``."""
    return max(1, (n - 1).bit_length())


@nb.njit(nogil=True, cache=True)
def _tagged(keys, bits):  # type: ignore[no-untyped-def]
    """Each key with its low ``bits`` replaced by its row number."""
    high = ~((np.uint64(1) << np.uint64(bits)) - np.uint64(1))
    out = np.empty(keys.size, np.uint64)
    for i in range(keys.size):
        out[i] = (keys[i] & high) | np.uint64(i)
    return out


@nb.njit(nogil=True, cache=True)
def _split(tagged, keys, bits):  # type: ignore[no-untyped-def]
    """The buckets of two or more rows in sorted ``tagged`` (``_tagged`` of ``keys``): runs of
    equal high bits, each split by full key where its keys differ. Returns rows, starts,
    ends, the number of buckets and the largest bucket's size."""
    low = (np.uint64(1) << np.uint64(bits)) - np.uint64(1)
    shift = np.uint64(bits)
    m = tagged.size
    rows = np.empty(m, np.int64)
    starts = np.empty(m // 2 + 1, np.int64)
    ends = np.empty(m // 2 + 1, np.int64)
    used, count, largest = 0, 0, 1 if m else 0
    i = 0
    while i < m:
        j = i + 1
        while j < m and (tagged[j] >> shift) == (tagged[i] >> shift):
            j += 1
        if j - i >= 2:
            first = keys[np.int64(tagged[i] & low)]
            alike = True
            for t in range(i + 1, j):
                if keys[np.int64(tagged[t] & low)] != first:
                    alike = False
                    break
            if alike:
                starts[count] = used
                for t in range(i, j):
                    rows[used] = np.int64(tagged[t] & low)
                    used += 1
                ends[count] = used
                count += 1
                largest = max(largest, j - i)
            else:  # high bits alike, keys not: the run's keys in order, rows ascending in each
                run = np.empty(j - i, np.int64)
                for t in range(i, j):
                    run[t - i] = np.int64(tagged[t] & low)
                run = run[np.argsort(keys[run], kind="mergesort")]
                s = 0
                while s < run.size:
                    e = s + 1
                    while e < run.size and keys[run[e]] == keys[run[s]]:
                        e += 1
                    if e - s >= 2:
                        starts[count] = used
                        rows[used : used + e - s] = run[s:e]
                        used += e - s
                        ends[count] = used
                        count += 1
                        largest = max(largest, e - s)
                    s = e
        i = j
    return rows[:used], starts[:count], ends[:count], largest


def key_buckets(keys: NDArray[np.uint64]) -> Buckets:
    """The buckets of two or more rows sharing a key, as an argsort of ``keys`` would find
    them, in one sort of the keys' values (module docstring)."""
    keys = np.ascontiguousarray(keys, dtype=np.uint64)
    bits = _row_bits(len(keys))
    tagged = _tagged(keys, bits)
    tagged.sort()  # numpy's sort: vectorised, and it lets go of the GIL
    rows, starts, ends, largest = _split(tagged, keys, bits)
    return Buckets(rows=rows, starts=starts, ends=ends, largest=int(largest))
