from __future__ import annotations

import pytest

from newsdedup.metrics import PairScore, cluster_pairs, pair_score


def test_metrics_cluster_pairs() -> None:
    labels = {"a": "x", "b": "x", "c": "y", "d": "x", "e": "z"}
    assert cluster_pairs(labels) == {("a", "b"), ("a", "d"), ("b", "d")}
    assert cluster_pairs({}) == set()


def test_metrics_pair_score_ignores_pair_order() -> None:
    score = pair_score([("b", "a"), ("c", "d"), ("a", "b")], [("a", "b"), ("a", "c")])
    assert (score.true_positives, score.predicted, score.actual) == (1, 2, 2)
    assert score.precision == 0.5 and score.recall == 0.5 and score.f1 == 0.5


@pytest.mark.parametrize(
    ("score", "precision", "recall", "f1"),
    [
        (PairScore(true_positives=0, predicted=0, actual=0), 1.0, 1.0, 1.0),
        (PairScore(true_positives=0, predicted=3, actual=2), 0.0, 0.0, 0.0),
        (PairScore(true_positives=3, predicted=4, actual=6), 0.75, 0.5, 0.6),
    ],
)
def test_metrics_precision_recall_f1(
    score: PairScore, precision: float, recall: float, f1: float
) -> None:
    assert score.precision == precision
    assert score.recall == recall
    assert score.f1 == pytest.approx(f1)
