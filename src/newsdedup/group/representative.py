"""Which document of a group represents it.

A total order, so the choice never depends on input order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = ["priority_ranks"]


def _id_ranks(ids: Sequence[str]) -> NDArray[np.int64]:
    order = sorted(range(len(ids)), key=ids.__getitem__)
    ranks = np.empty(len(ids), np.int64)
    ranks[np.asarray(order, dtype=np.int64)] = np.arange(len(ids))
    return ranks


def priority_ranks(
    ids: Sequence[str],
    published: NDArray[np.int64],
    length: NDArray[np.int64],
    traces: NDArray[np.int32],
    policy: str,
) -> NDArray[np.int64]:
    """Rank of each document as a representative (0 is the best): the likely original first.

    "earliest": earliest published (unknown dates last), then fewest scraping traces (the
    boilerplate lines cleaning removed: ad lines, captions and widgets are what a scraped copy
    picks up, relate/provenance.py), then longest, then smallest id; "longest": longest, then
    earliest, then fewest traces, then smallest id; "id": smallest id.
    """
    id_rank = _id_ranks(ids)
    if policy == "earliest":
        order = np.lexsort((id_rank, -length, traces, published))
    elif policy == "longest":
        order = np.lexsort((id_rank, traces, published, -length))
    else:
        order = np.argsort(id_rank)
    ranks = np.empty(len(ids), np.int64)
    ranks[order] = np.arange(len(ids))
    return ranks
