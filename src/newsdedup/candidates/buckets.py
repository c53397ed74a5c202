"""The LSH buckets of one band: the rows that share a key, found by sorting values, not order.

An argsort of a million 64-bit keys took 27 ms and the gathers of keys and documents in its
order as long again, 128 times a run; most keys are alone in their bucket, and every row paid
for it. Here each key keeps its high bits and carries its row number in the low ones, so one
sort of the values (numpy's vectorised sort, 7 ms for a million) brings equal keys together
with their rows; a run of equal high bits whose full keys differ (two keys alike in all but
their low bits: a band in 35 has one at a million rows) is split by its full keys. The buckets
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
def _tagged(keys, of, bits):  # type: ignore[no-untyped-def]
    """Each row's key (``keys[of[row]]``) with its low ``bits`` replaced by the row number."""
    high = ~((np.uint64(1) << np.uint64(bits)) - np.uint64(1))
    out = np.empty(of.size, np.uint64)
    for i in range(of.size):
        out[i] = (keys[of[i]] & high) | np.uint64(i)
    return out


@nb.njit(nogil=True, cache=True)
def _runs(tagged, bits):  # type: ignore[no-untyped-def]
    """The runs of two or more equal high bits in sorted ``tagged``: their rows, one run after
    another, and where each run starts (its end is the next's start; the last's, the rows'
    length). Written without branches: most keys are alone, and which is not is a coin toss."""
    low = (np.uint64(1) << np.uint64(bits)) - np.uint64(1)
    shift = np.uint64(bits)
    m = tagged.size
    same = np.zeros(m + 1, np.bool_)  # same[i]: tagged[i] is in the run of tagged[i - 1]
    for i in range(1, m):
        same[i] = (tagged[i] >> shift) == (tagged[i - 1] >> shift)
    rows = np.empty(m, np.int64)
    starts = np.empty(m // 2 + 1, np.int64)
    used, count = 0, 0
    for i in range(m):
        member = same[i] | same[i + 1]
        rows[used] = np.int64(tagged[i] & low)
        starts[count] = used
        count += member & ~same[i]
        used += member
    return rows[:used], starts[:count]


@nb.njit(nogil=True, cache=True)
def _split(rows, starts, keys, of):  # type: ignore[no-untyped-def]
    """``_runs``' runs as buckets of equal full keys (starts, ends), each run whose keys differ
    split by them (in key order, rows ascending in each), and the largest bucket's size. The
    keys are read in one gather, whose loads overlap, before any is compared."""
    ends = np.empty_like(starts)
    ends[:-1] = starts[1:]
    if starts.size:
        ends[-1] = rows.size
    held = keys[of[rows]]
    alike = True
    largest = 1 if rows.size else 0
    for r in range(starts.size):
        largest = max(largest, ends[r] - starts[r])
        for q in range(starts[r] + 1, ends[r]):
            alike &= held[q] == held[starts[r]]
    if alike:
        return rows, starts, ends, largest
    return _split_by_keys(rows, starts, ends, held)


@nb.njit(nogil=True, cache=True)
def _split_by_keys(rows, starts, ends, held):  # type: ignore[no-untyped-def]
    """``_split``'s buckets where a run's keys (``held``, by row place) differ: each run's rows
    in key order (stable: rows ascending), cut where the key changes, and runs of one left out."""
    out_rows = np.empty_like(rows)
    out_starts = np.empty(rows.size // 2 + 1, np.int64)
    out_ends = np.empty(rows.size // 2 + 1, np.int64)
    used, count, largest = 0, 0, 1
    for r in range(starts.size):
        order = np.argsort(held[starts[r] : ends[r]], kind="mergesort") + starts[r]
        s = 0
        while s < order.size:
            e = s + 1
            while e < order.size and held[order[e]] == held[order[s]]:
                e += 1
            if e - s >= 2:
                out_starts[count] = used
                out_rows[used : used + e - s] = rows[order[s:e]]
                used += e - s
                out_ends[count] = used
                count += 1
                largest = max(largest, e - s)
            s = e
    return out_rows[:used], out_starts[:count], out_ends[:count], largest


def key_buckets(keys: NDArray[np.uint64], of: NDArray[np.int64] | None = None) -> Buckets:
    """The buckets of two or more rows sharing a key, as an argsort of the rows' keys would
    find them, in one sort of the keys' values (module docstring). Row i's key is
    ``keys[of[i]]`` where ``of`` is given (the engine's eligible documents in a block of
    bands, read in place: the column's gather took as long as the sort), else ``keys[i]``."""
    keys = np.asarray(keys, dtype=np.uint64)
    of = np.arange(len(keys), dtype=np.int64) if of is None else of
    bits = _row_bits(len(of))
    tagged = _tagged(keys, of, bits)
    tagged.sort()  # numpy's sort: vectorised, and it lets go of the GIL
    rows, starts = _runs(tagged, bits)
    rows, starts, ends, largest = _split(rows, starts, keys, of)
    largest = largest if len(starts) else min(len(of), 1)  # buckets of one
    return Buckets(rows=rows, starts=starts, ends=ends, largest=int(largest))
