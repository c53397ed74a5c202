"""Candidate pairs for short texts: documents that share shingles with a short document.

A brief of 60 words cut from a 450-word wire story shares most of its own shingles with the
story but few of the story's, so its Jaccard is tiny (about 0.1) and the LSH bands, tuned to
Jaccard, miss it a third of the time. Containment is what matters for a short text, so every
document of at most ``short_words`` content words is matched directly on its shingles: an
inverted index over the shingles of the short documents alone (every other document's shingles
are looked up in it, one merge per document), and a pair is a candidate when the shared shingles
reach ``min_containment`` of the short document's set (and at least ``min_shared``). A shingle
found in more than ``max_bucket`` documents (a formulaic phrase) pairs only its first
``max_bucket`` documents by the id hash, as an LSH bucket does, and is reported. A corpus
without short documents pays one comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from newsdedup.candidates.lsh import bucket_pairs

__all__ = ["ContainedReport", "contained_pairs", "short_pair_filter", "union_pairs"]


@dataclass(slots=True)
class ContainedReport:
    short_documents: int = 0  #: documents matched on their shingles
    shingles: int = 0  #: distinct shingles of the short documents
    oversized: int = 0  #: shingles capped at max_bucket documents
    raw_pairs: int = 0  #: (short document, document) shingle matches before counting
    pairs: int = 0  #: candidate pairs kept


def contained_pairs(
    sets: NDArray[np.uint32],
    set_offsets: NDArray[np.int64],
    eligible: NDArray[np.bool_],
    tiebreak: NDArray[np.uint64],
    *,
    short_words: NDArray[np.bool_],
    max_bucket: int,
    min_containment: float,
    min_shared: int = 3,
) -> tuple[NDArray[np.int64], ContainedReport]:
    """Unique pairs (i < j) of eligible documents, one of them short (``short_words`` marks the
    short documents), sharing enough of the short one's shingles (rule in the docstring)."""
    report = ContainedReport()
    sizes = np.diff(set_offsets)
    is_short = short_words & eligible & (sizes > 0)
    report.short_documents = int(is_short.sum())
    if report.short_documents == 0 or int(eligible.sum()) < 2:
        return np.empty((0, 2), np.int64), report
    n = len(sizes)
    owner = np.repeat(np.arange(n, dtype=np.int64), sizes)
    short_entries = is_short[owner]
    vocabulary = np.unique(sets[short_entries])
    report.shingles = len(vocabulary)
    hit = eligible[owner] & _member(sets, vocabulary)
    shingle, docs = sets[hit], owner[hit]
    order = np.lexsort((tiebreak[docs], shingle))
    shingle, docs = shingle[order], docs[order]
    change = np.flatnonzero(shingle[1:] != shingle[:-1]) + 1
    starts = np.concatenate(([0], change))
    ends = np.concatenate((change, [len(shingle)]))
    report.oversized = int((ends - starts > max_bucket).sum())
    multi = ends - starts >= 2
    found = bucket_pairs(docs, starts[multi], ends[multi], max_bucket, is_short)
    report.raw_pairs = len(found)
    codes, shared = np.unique(found[:, 0] * n + found[:, 1], return_counts=True)
    a, b = codes // n, codes % n
    keep = short_pair_filter(
        shared, sizes[a], sizes[b], is_short[a], is_short[b], min_containment, min_shared
    )
    report.pairs = int(keep.sum())
    return np.stack((a[keep], b[keep]), axis=1), report


def short_pair_filter(
    shared: NDArray[np.int64],
    size_a: NDArray[np.int64],
    size_b: NDArray[np.int64],
    short_a: NDArray[np.bool_],
    short_b: NDArray[np.bool_],
    min_containment: float,
    min_shared: int = 3,
) -> NDArray[np.bool_]:
    """Which pairs keep: the shared shingles reach ``min_shared`` and ``min_containment`` of the
    short document's set (of the smaller one when both are short)."""
    short_size = np.where(short_a & (~short_b | (size_a <= size_b)), size_a, size_b)
    return (shared >= min_shared) & (shared >= min_containment * short_size)  # type: ignore[no-any-return]


def _member(values: NDArray[np.uint32], vocabulary: NDArray[np.uint32]) -> NDArray[np.bool_]:
    """Whether each value is in the sorted ``vocabulary`` (a binary search each, vectorised)."""
    at = np.searchsorted(vocabulary, values)
    at[at == len(vocabulary)] = 0
    return vocabulary[at] == values  # type: ignore[no-any-return]


def union_pairs(a: NDArray[np.int64], b: NDArray[np.int64], n: int) -> NDArray[np.int64]:
    """The sorted unique pairs of two (m, 2) pair arrays over ``n`` documents."""
    codes = np.unique(np.concatenate((a[:, 0] * n + a[:, 1], b[:, 0] * n + b[:, 1])))
    return np.stack((codes // n, codes % n), axis=1)
