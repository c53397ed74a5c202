"""Ids every executor derives the same way: a group's id from its representative, and the rule
that two documents never share an id."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import xxhash
from numpy.typing import NDArray

from newsdedup.report import Report
from newsdedup.types import Article, Origin

__all__ = ["group_id", "group_ids", "reject_repeated", "tiebreak", "unique_ids"]


def group_id(representative: str) -> str:
    """A group's id, derived from its representative's id: stable across runs and input order.
    It is the representative's ``tiebreak`` in 16 hex digits, so ids sort as those numbers do."""
    return group_ids([xxhash.xxh3_64_intdigest(representative.encode("utf-8", "surrogatepass"))])[0]


def group_ids(hashes: Iterable[int] | NDArray[np.uint64]) -> list[str]:
    """``group_id`` of representatives whose ``tiebreak`` values are ``hashes``."""
    values = hashes.tolist() if isinstance(hashes, np.ndarray) else hashes
    return [f"g{h:016x}" for h in values]


def tiebreak(ids: Sequence[str]) -> NDArray[np.uint64]:
    """A hash of each id: the order in which a capped LSH bucket keeps its members, the same
    whatever the input order (candidates/lsh.py)."""
    return np.fromiter(
        (xxhash.xxh3_64_intdigest(i.encode("utf-8", "surrogatepass")) for i in ids),
        np.uint64,
        len(ids),
    )


def unique_ids(articles: Iterable[Article], report: Report) -> Iterator[Article]:
    """Reject a repeated id: two documents must never share a row of the output."""
    seen: set[str] = set()
    for article in articles:
        if article.id in seen:
            reject_repeated(report, article.origin or Origin(f"<article {article.id}>"), article.id)
            continue
        seen.add(article.id)
        yield article


def reject_repeated(report: Report, origin: Origin, doc_id: str) -> None:
    """Report a document whose id an earlier one had."""
    report.reject(origin, "duplicate_id", f"id {doc_id!r} was already used")
