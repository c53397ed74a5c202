"""Candidate pairs from LSH banding: documents sharing any band key.

Buckets are sorted by (key, a hash of the document id), so which pairs a capped bucket keeps
does not depend on input order. A bucket over ``max_bucket`` documents is almost always
boilerplate shared by unrelated pages; only its first ``max_bucket`` members are paired and the
bucket is counted in ``LSHReport.oversized`` so that the user sees it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numba as nb
import numpy as np
from numpy.typing import NDArray

__all__ = ["LSHReport", "candidate_pairs"]

_BANDS_PER_CHUNK = 8


@dataclass(slots=True)
class LSHReport:
    buckets: int = 0  #: buckets with two or more documents
    oversized: int = 0  #: buckets capped at max_bucket
    largest: int = 0  #: size of the largest bucket before capping
    raw_pairs: int = 0  #: pairs emitted over all bands, before removing repeats
    oversized_sizes: list[int] = field(default_factory=list)


@nb.njit(cache=True)
def _emit_pairs(members, starts, ends, cap):  # type: ignore[no-untyped-def]
    total = 0
    for r in range(starts.size):
        m = min(ends[r] - starts[r], cap)
        total += m * (m - 1) // 2
    out = np.empty((total, 2), np.int64)
    k = 0
    for r in range(starts.size):
        s = starts[r]
        m = min(ends[r] - s, cap)
        for x in range(m):
            for y in range(x + 1, m):
                a, b = members[s + x], members[s + y]
                out[k, 0], out[k, 1] = min(a, b), max(a, b)
                k += 1
    return out


def _band_pairs(
    keys: NDArray[np.uint64],
    docs: NDArray[np.int64],
    tiebreak: NDArray[np.uint64],
    cap: int,
    report: LSHReport,
) -> NDArray[np.int64]:
    order = np.lexsort((tiebreak, keys))
    sorted_keys = keys[order]
    change = np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1
    starts = np.concatenate(([0], change))
    ends = np.concatenate((change, [len(sorted_keys)]))
    sizes = ends - starts
    multi = sizes >= 2
    report.buckets += int(multi.sum())
    if multi.any():
        report.largest = max(report.largest, int(sizes.max()))
    big = sizes > cap
    report.oversized += int(big.sum())
    report.oversized_sizes.extend(int(s) for s in sizes[big])
    return _emit_pairs(docs[order], starts[multi], ends[multi], cap)


def candidate_pairs(
    keys: NDArray[np.uint64],
    eligible: NDArray[np.bool_],
    tiebreak: NDArray[np.uint64],
    *,
    max_bucket: int,
) -> tuple[NDArray[np.int64], LSHReport]:
    """Unique pairs (i < j) of eligible documents that share at least one band key."""
    report = LSHReport()
    docs = np.flatnonzero(eligible).astype(np.int64)
    if len(docs) < 2:
        return np.empty((0, 2), np.int64), report
    n = np.int64(len(eligible))
    chunks: list[NDArray[np.int64]] = []
    for first in range(0, keys.shape[1], _BANDS_PER_CHUNK):
        found = [
            _band_pairs(keys[docs, band], docs, tiebreak[docs], max_bucket, report)
            for band in range(first, min(first + _BANDS_PER_CHUNK, keys.shape[1]))
        ]
        codes = np.concatenate([p[:, 0] * n + p[:, 1] for p in found])
        report.raw_pairs += len(codes)
        chunks.append(np.unique(codes))
    codes = np.unique(np.concatenate(chunks))
    return np.stack((codes // n, codes % n), axis=1), report
