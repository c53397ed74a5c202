"""Clustering and pair metrics used by the evaluation scripts, the benchmarks and the demo."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations

__all__ = ["PairScore", "cluster_pairs", "pair_score"]

Pair = tuple[str, str]


@dataclass(frozen=True, slots=True)
class PairScore:
    true_positives: int
    predicted: int
    actual: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.actual if self.actual else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _ordered(a: str, b: str) -> Pair:
    return (a, b) if a <= b else (b, a)


def cluster_pairs(labels: Mapping[str, str]) -> set[Pair]:
    """All unordered pairs of ids that share a label."""
    members: dict[str, list[str]] = defaultdict(list)
    for item, label in labels.items():
        members[label].append(item)
    return {_ordered(a, b) for ids in members.values() for a, b in combinations(ids, 2)}


def pair_score(predicted: Iterable[Pair], actual: Iterable[Pair]) -> PairScore:
    """Pair precision and recall of predicted pairs against the true ones."""
    pred = {_ordered(a, b) for a, b in predicted}
    true = {_ordered(a, b) for a, b in actual}
    return PairScore(true_positives=len(pred & true), predicted=len(pred), actual=len(true))
