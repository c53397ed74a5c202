"""MinHash parameters and the stopword hash table, derived from the config alone."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from newsdedup.fingerprint.kernels import densify_ranks, hash_word
from newsdedup.fingerprint.stopwords import stopwords

__all__ = ["TABLE_BINS", "densification", "permutations", "stopword_table"]

#: Signatures of at most this many positions densify through a table of ranks (4 MB at 1,024).
TABLE_BINS = 1024


@lru_cache(maxsize=16)
def permutations(num_perm: int, seed: int) -> tuple[NDArray[np.uint64], NDArray[np.uint64]]:
    """The (a, b) parameters of the hash family; ``a`` is odd so each map is a bijection."""
    rng = np.random.Generator(np.random.PCG64(seed))
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    a.flags.writeable = False
    b.flags.writeable = False
    return a, b


@lru_cache(maxsize=8)
def densification(num_perm: int, seed: int, scheme: str) -> NDArray[np.int32]:
    """The kernel's ``ranks`` argument: empty for "kperm", ``densify_ranks`` for "oph" (shape
    [1, 0], the chain followed try by try, past ``TABLE_BINS`` positions)."""
    if scheme == "kperm":
        ranks = np.empty((0, 0), np.int32)
    elif num_perm > TABLE_BINS:
        ranks = np.empty((1, 0), np.int32)
    else:
        ranks = densify_ranks(num_perm, permutations(num_perm, seed)[1][0])
    ranks.flags.writeable = False  # all three read-only: the kernel is compiled once for them
    return ranks


@lru_cache(maxsize=8)
def stopword_table(name: str) -> NDArray[np.uint64]:
    """Hashes of a stopword list, as the tokeniser hashes words, in an open-addressing table.

    The size is a power of two at least four times the number of words; 0 marks a free slot
    and slots are probed linearly from ``(hash >> 40) & (size - 1)``, as kernels._is_stop does.
    """
    hashes = sorted({int(hash_word(np.frombuffer(w.encode(), np.uint8))) for w in stopwords(name)})
    size = 1 << max(2, (4 * len(hashes)).bit_length())
    table = np.zeros(size, np.uint64)
    for h in hashes:
        i = (h >> 40) & (size - 1)
        while table[i]:
            i = (i + 1) & (size - 1)
        table[i] = h
    table.flags.writeable = False
    return table
