"""group/copies.star_groups, walked on Python lists, against the numpy walk it replaced
(commit ac59b26): the same assignment, verify calls and scores on random graphs."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from newsdedup.group.copies import FAMILY_LINKS, Assignment, Verifier, _adjacency, star_groups
from newsdedup.relate.verify import SCORE_COLUMNS
from newsdedup.relate.verify import SWAP as _SWAP


def _reference(
    n: int,
    rank: NDArray[np.int64],
    pairs: NDArray[np.int64],
    codes: NDArray[np.int8],
    scores: NDArray[np.float64],
    verify: Verifier,
) -> Assignment:
    """Assign every document to a representative; ``pairs`` are verified copy edges.

    ``verify(member, rep)`` returns the kind code and scores of a pair not among the edges,
    used when a document reaches a group only through one of its members.
    """
    center = np.arange(n, dtype=np.int64)
    kind = np.zeros(n, np.int8)
    out_scores = np.full((n, scores.shape[1]), np.nan)
    offsets, nbr, nbr_code, nbr_scores = _adjacency(n, pairs, codes, scores)
    assigned = np.zeros(n, bool)
    linked = np.flatnonzero(np.diff(offsets) > 0)
    for v in linked[np.argsort(rank[linked])]:
        if assigned[v]:
            continue
        assigned[v] = True
        lo, hi = offsets[v], offsets[v + 1]
        if _ref_via_neighbour(v, nbr[lo:hi], rank, center, kind, out_scores, verify):
            continue
        links = (nbr[lo:hi], nbr_code[lo:hi], nbr_scores[lo:hi])
        if _ref_family(v, links, rank, center, kind, out_scores):
            continue
        for e in range(lo, hi):
            u = nbr[e]
            if not assigned[u]:
                assigned[u] = True
                center[u], kind[u], out_scores[u] = v, nbr_code[e], nbr_scores[e][_SWAP]
    return Assignment(center=center, kind=kind, scores=out_scores)


def _ref_via_neighbour(
    v: int,
    neighbours: NDArray[np.int64],
    rank: NDArray[np.int64],
    center: NDArray[np.int64],
    kind: NDArray[np.int8],
    out_scores: NDArray[np.float64],
    verify: Verifier,
) -> bool:
    """Join the best-ranked group reachable through an assigned neighbour that verifies directly."""
    reps = {int(center[u]) for u in neighbours if kind[u] != 0 or center[u] != u}
    for rep in sorted(reps, key=lambda r: rank[r]):
        code, sc = verify(v, rep)
        if code != 0:
            center[v], kind[v], out_scores[v] = rep, code, sc
            return True
    return False


def _ref_family(
    v: int,
    links: tuple[NDArray[np.int64], NDArray[np.int8], NDArray[np.float64]],
    rank: NDArray[np.int64],
    center: NDArray[np.int64],
    kind: NDArray[np.int8],
    out_scores: NDArray[np.float64],
) -> bool:
    """Join the best-ranked group holding at least FAMILY_LINKS of ``v``'s copy partners; kind
    and scores against the best-ranked of those partners."""
    neighbours, codes, scores = links
    partners: dict[int, list[int]] = {}
    for e, u in enumerate(neighbours):
        if kind[u] != 0 or center[u] != u:  # u is assigned: a member or a representative
            partners.setdefault(int(center[u]), []).append(e)
    for rep in sorted(partners, key=lambda r: rank[r]):
        found = partners[rep]
        if len({int(neighbours[e]) for e in found}) >= FAMILY_LINKS:
            e = min(found, key=lambda e: rank[neighbours[e]])
            center[v], kind[v], out_scores[v] = rep, codes[e], scores[e]
            return True
    return False


@st.composite
def _graphs(draw: st.DrawFn) -> tuple[int, list[int], list[tuple[int, int]], list[int], int]:
    n = draw(st.integers(1, 30))
    edges = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] < p[1]),
            unique=True,
            max_size=60,
        )
    )
    codes = draw(st.lists(st.integers(1, 5), min_size=len(edges), max_size=len(edges)))
    rank = (
        draw(st.permutations(range(n)))
        if draw(st.booleans())
        else draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    )
    return n, list(rank), edges, codes, draw(st.integers(0, 2**16))


class _Verify:
    """A deterministic verdict for any pair: accepted by a hash of it, with scores that name it."""

    def __init__(self, seed: int) -> None:
        self.seed, self.calls = seed, []

    def __call__(self, member: int, rep: int) -> tuple[int, NDArray[np.float64]]:
        self.calls.append((member, rep))
        h = (member * 7919 + rep * 104729 + self.seed) % 11
        return (h % 5 if h < 6 else 0), np.full(len(SCORE_COLUMNS), member + rep / 100)


@settings(max_examples=400, deadline=None)
@given(_graphs())
def test_star_groups_equals_the_numpy_walk(graph) -> None:  # type: ignore[no-untyped-def]
    n, rank, edges, codes, seed = graph
    pairs = np.array(edges, np.int64).reshape(-1, 2)
    code = np.array(codes, np.int8)
    rng = np.random.default_rng(seed)
    scores = rng.random((len(edges), len(SCORE_COLUMNS)))
    ranks = np.array(rank, np.int64)
    new_verify, old_verify = _Verify(seed), _Verify(seed)
    got = star_groups(n, ranks, pairs, code, scores, new_verify)
    want = _reference(n, ranks, pairs, code, scores, old_verify)
    assert got.center.tolist() == want.center.tolist()
    assert got.kind.tolist() == want.kind.tolist()
    np.testing.assert_array_equal(got.scores, want.scores)
    assert got.center.dtype == want.center.dtype and got.kind.dtype == want.kind.dtype
    assert new_verify.calls == old_verify.calls
