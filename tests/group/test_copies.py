from __future__ import annotations

import numpy as np
import pytest

from newsdedup.group.copies import Assignment, exact_heads, spread_exact, star_groups
from newsdedup.relate.kind import KIND_CODES
from newsdedup.relate.verify import SCORE_COLUMNS, SWAP
from newsdedup.types import Kind

EXACT, NEAR, REWRITE, EXCERPT = (
    KIND_CODES.index(k) for k in (Kind.EXACT, Kind.NEAR, Kind.REWRITE, Kind.EXCERPT)
)


#: What FakeVerifier returns for an accepted pair, one value per column of SCORE_COLUMNS.
VERIFIED = [0.5, 0.6, 0.7, 0.8, 0.1, 0.2, 0.3, 0.4, 0.05, 0.95]


class FakeVerifier:
    """Records each call; accepts the (member, rep) pairs it is given, with the given code."""

    def __init__(self, accept: dict[tuple[int, int], int] | None = None) -> None:
        self.accept = accept or {}
        self.calls: list[tuple[int, int]] = []

    def __call__(self, member: int, rep: int) -> tuple[int, np.ndarray]:
        self.calls.append((member, rep))
        code = self.accept.get((member, rep), 0)
        return code, np.array(VERIFIED) if code else np.zeros(len(SCORE_COLUMNS))


def _stars(
    n: int, rank: list[int], edges: list[tuple[int, int, int]], verify: FakeVerifier, scores=None
) -> Assignment:  # type: ignore[no-untyped-def]
    pairs = np.array([(a, b) for a, b, _ in edges], np.int64).reshape(-1, 2)
    codes = np.array([c for *_, c in edges], np.int8)
    sc = (
        np.full((len(edges), len(SCORE_COLUMNS)), 0.9)
        if scores is None
        else np.asarray(scores, float)
    )
    return star_groups(n, np.array(rank, np.int64), pairs, codes, sc, verify)


def test_copies_exact_heads_picks_the_best_ranked_copy() -> None:
    exact = np.array([[1, 1], [2, 2], [1, 1], [1, 2], [1, 1]], np.uint64)
    rank = np.array([3, 0, 1, 4, 2], np.int64)
    assert exact_heads(exact, rank).tolist() == [2, 1, 2, 3, 2]


def test_copies_exact_heads_of_distinct_hashes_are_themselves() -> None:
    exact = np.array([[5, 1], [5, 2], [6, 1]], np.uint64)
    assert exact_heads(exact, np.array([2, 1, 0], np.int64)).tolist() == [0, 1, 2]


def test_copies_star_does_not_chain_when_the_end_does_not_verify() -> None:
    # A(0) - B(1) - C(2): A-B and B-C are copies, A-C is not.
    verify = FakeVerifier()
    result = _stars(3, [0, 1, 2], [(0, 1, REWRITE), (1, 2, EXCERPT)], verify)
    assert result.center.tolist() == [0, 0, 2]
    assert result.kind.tolist() == [0, REWRITE, 0]
    assert verify.calls == [(2, 0)]


def test_copies_star_joins_through_a_member_when_it_verifies_directly() -> None:
    verify = FakeVerifier({(2, 0): NEAR})
    result = _stars(3, [0, 1, 2], [(0, 1, REWRITE), (1, 2, EXCERPT)], verify)
    assert result.center.tolist() == [0, 0, 0]
    assert result.kind.tolist() == [0, REWRITE, NEAR]
    assert result.scores[2].tolist() == VERIFIED


def test_copies_star_rep_is_the_best_ranked_document() -> None:
    verify = FakeVerifier()
    result = _stars(3, [2, 1, 0], [(0, 1, NEAR), (1, 2, NEAR), (0, 2, NEAR)], verify)
    assert result.center.tolist() == [2, 2, 2]
    assert result.kind.tolist() == [NEAR, NEAR, 0]
    assert verify.calls == []


def test_copies_star_member_scores_are_member_then_representative_coverage() -> None:
    # doc 0: coverage 0.7, block 0.1, derived 0.3; doc 1: coverage 0.8, block 0.2, derived 0.4;
    # the pair: jaccard 0.5, containment 0.6, quoted 0.05, order 0.95
    assert len(VERIFIED) == len(SCORE_COLUMNS)
    edge_scores = [VERIFIED]
    rep_first = _stars(2, [0, 1], [(0, 1, REWRITE)], FakeVerifier(), edge_scores)
    assert rep_first.center.tolist() == [0, 0]
    assert rep_first.scores[1].tolist() == [0.5, 0.6, 0.8, 0.7, 0.2, 0.1, 0.4, 0.3, 0.05, 0.95]
    assert rep_first.scores[1].tolist() == np.asarray(VERIFIED)[SWAP].tolist()
    assert np.isnan(rep_first.scores[0]).all()
    rep_second = _stars(2, [1, 0], [(0, 1, REWRITE)], FakeVerifier(), edge_scores)
    assert rep_second.center.tolist() == [1, 1]
    assert rep_second.scores[0].tolist() == VERIFIED


def test_copies_star_tries_reachable_groups_in_rank_order() -> None:
    # reps 0 and 1, their members 2 and 3; doc 4 links only to the two members.
    edges = [(0, 2, NEAR), (1, 3, NEAR), (2, 4, REWRITE), (3, 4, REWRITE)]
    verify = FakeVerifier({(4, 0): REWRITE, (4, 1): REWRITE})
    assert _stars(5, [0, 1, 2, 3, 4], edges, verify).center.tolist() == [0, 1, 0, 1, 0]
    assert verify.calls == [(4, 0)]
    verify = FakeVerifier({(4, 1): EXCERPT})
    result = _stars(5, [0, 1, 2, 3, 4], edges, verify)
    assert result.center.tolist() == [0, 1, 0, 1, 1]
    assert result.kind[4] == EXCERPT
    assert verify.calls == [(4, 0), (4, 1)]


def test_copies_star_joined_document_does_not_claim_its_neighbours() -> None:
    # R(0) - m(1) - v(2) - w(3): v joins R through m; w links only to v and must not follow it.
    edges = [(0, 1, NEAR), (1, 2, REWRITE), (2, 3, REWRITE)]
    verify = FakeVerifier({(2, 0): REWRITE})
    result = _stars(4, [0, 1, 2, 3], edges, verify)
    assert result.center.tolist() == [0, 0, 0, 3]
    assert verify.calls == [(2, 0), (3, 0)]


def test_copies_star_unlinked_documents_stay_alone() -> None:
    result = _stars(3, [0, 1, 2], [], FakeVerifier())
    assert result.center.tolist() == [0, 1, 2]
    assert result.kind.tolist() == [0, 0, 0]
    assert np.isnan(result.scores).all()


_TEXT_DEPENDENT = ("derived_a", "derived_b", "quoted")


def test_copies_spread_exact_gives_copies_their_heads_group() -> None:
    s = [0.4, 0.5, 0.6, 0.7, 0.2, 0.3, 0.25, 0.35, 0.1, 0.9]
    nan = [np.nan] * len(SCORE_COLUMNS)
    stars = Assignment(
        center=np.array([0, 0, 2, 3, 4, 5], np.int64),
        kind=np.array([0, REWRITE, 0, 0, 0, 0], np.int8),
        scores=np.array([nan, s, nan, nan, nan, nan]),
    )
    # 2 is an exact copy of representative 0, 3 of member 1, 5 of singleton 4
    heads = np.array([0, 1, 0, 1, 4, 4], np.int64)
    out = spread_exact(stars, heads)
    assert out.center.tolist() == [0, 0, 0, 0, 4, 4]
    assert out.kind.tolist() == [0, REWRITE, EXACT, REWRITE, 0, EXACT]
    # an exact copy aligns all of itself, verbatim and in order (how much of it is derived
    # narration or quotation depends on the text's own quotes, not on the pair)
    full = [k for k, name in enumerate(SCORE_COLUMNS) if name not in _TEXT_DEPENDENT]
    assert len(full) == 7
    assert out.scores[2][full].tolist() == [1.0] * len(full)
    assert out.scores[3].tolist() == s
    assert out.scores[5][full].tolist() == [1.0] * len(full)
    assert np.isnan(out.scores[[0, 4]]).all()


@pytest.mark.parametrize("n", [0, 1])
def test_copies_tiny_inputs(n: int) -> None:
    result = _stars(n, list(range(n)), [], FakeVerifier())
    assert result.center.tolist() == list(range(n))
    assert exact_heads(np.zeros((n, 2), np.uint64), np.arange(n, dtype=np.int64)).tolist() == list(
        range(n)
    )
