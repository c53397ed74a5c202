"""Clustering and pair metrics used by the evaluation scripts, the benchmarks and the demo."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations

__all__ = ["BCubed", "PairScore", "bcubed", "cluster_pairs", "pair_score"]

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


@dataclass(frozen=True, slots=True)
class BCubed:
    """B-cubed precision and recall (Bagga & Baldwin 1998): per-item averages, so a large
    cluster weighs by its items, not by its quadratic number of pairs."""

    precision: float
    recall: float

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def bcubed(predicted: Mapping[str, str], gold: Mapping[str, str]) -> BCubed:
    """B-cubed of a clustering (item -> cluster) against the gold one (item -> class).

    Item i's precision is the share of its predicted cluster that shares its gold class, its
    recall the share of its gold class that shares its predicted cluster; both are averaged
    over items. Both mappings must cover the same items; none at all scores 1.0.
    """
    if predicted.keys() != gold.keys():
        missing, extra = len(gold.keys() - predicted.keys()), len(predicted.keys() - gold.keys())
        raise ValueError(
            f"bcubed needs the same items in both clusterings: {missing} gold items are not "
            f"predicted and {extra} predicted items have no gold class."
        )
    if not gold:
        return BCubed(precision=1.0, recall=1.0)
    cluster_size = Counter(predicted.values())
    class_size = Counter(gold.values())
    both = Counter((predicted[i], gold[i]) for i in gold)
    precision = sum(both[predicted[i], gold[i]] / cluster_size[predicted[i]] for i in gold)
    recall = sum(both[predicted[i], gold[i]] / class_size[gold[i]] for i in gold)
    return BCubed(precision=precision / len(gold), recall=recall / len(gold))
