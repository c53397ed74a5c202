from __future__ import annotations

import numpy as np
import pytest

from newsdedup.fingerprint.batch import NO_DATE
from newsdedup.group.representative import priority_ranks

IDS = ["c", "a", "b", "d"]
PUBLISHED = np.array([100, 100, 50, NO_DATE], np.int64)
LENGTH = np.array([10, 20, 5, 30], np.int64)
NONE = np.zeros(4, np.int32)


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        # b is earliest; a and c tie on date and a is longer; d has no date
        ("earliest", [2, 1, 0, 3]),
        ("longest", [2, 1, 3, 0]),
        ("id", [2, 0, 1, 3]),
    ],
)
def test_representative_policies(policy: str, expected: list[int]) -> None:
    assert priority_ranks(IDS, PUBLISHED, LENGTH, NONE, policy).tolist() == expected


@pytest.mark.parametrize("policy", ["earliest", "longest", "id"])
def test_representative_ties_are_broken_by_id(policy: str) -> None:
    ids = ["x2", "x10", "x1"]
    ranks = priority_ranks(
        ids, np.zeros(3, np.int64), np.full(3, 7, np.int64), np.zeros(3, np.int32), policy
    )
    assert ranks.tolist() == [2, 1, 0]  # string order: "x1" < "x10" < "x2"


def test_representative_longest_breaks_length_ties_by_date() -> None:
    ranks = priority_ranks(
        ["a", "b"],
        np.array([200, 100], np.int64),
        np.array([5, 5], np.int64),
        np.zeros(2, np.int32),
        "longest",
    )
    assert ranks.tolist() == [1, 0]


def test_representative_ranks_are_a_permutation() -> None:
    rng = np.random.default_rng(0)
    ids = [f"id{i}" for i in rng.permutation(50)]
    for policy in ("earliest", "longest", "id"):
        ranks = priority_ranks(
            ids, rng.integers(0, 5, 50), rng.integers(0, 5, 50), rng.integers(0, 3, 50), policy
        )
        assert sorted(ranks.tolist()) == list(range(50))


def test_representative_ranks_do_not_depend_on_input_order() -> None:
    rng = np.random.default_rng(1)
    ids = [f"id{i}" for i in range(40)]
    published, length = rng.integers(0, 4, 40), rng.integers(0, 4, 40)
    traces = rng.integers(0, 3, 40)
    ranks = priority_ranks(ids, published, length, traces, "earliest")
    perm = rng.permutation(40)
    permuted = priority_ranks(
        [ids[i] for i in perm], published[perm], length[perm], traces[perm], "earliest"
    )
    assert permuted.tolist() == ranks[perm].tolist()


def test_representative_empty_input() -> None:
    assert (
        priority_ranks(
            [], np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int32), "earliest"
        ).tolist()
        == []
    )


def test_representative_fewer_scraping_traces_win_before_length() -> None:
    """The user's seeds: a scraped copy with inserted ad lines is longer than its original;
    undated, the one with fewer removed boilerplate lines represents the group."""
    ids, undated = ["copy", "original"], np.full(2, NO_DATE, np.int64)
    length, traces = np.array([1097, 1079], np.int64), np.array([7, 2], np.int32)
    assert priority_ranks(ids, undated, length, traces, "earliest").tolist() == [1, 0]
    dated = np.array([50, 100], np.int64)  # an earlier date still comes first
    assert priority_ranks(ids, dated, length, traces, "earliest").tolist() == [0, 1]
