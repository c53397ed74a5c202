"""Copy families: a copy of copies joins their group; one link to one member does not."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.group.copies import FAMILY_LINKS, star_groups
from newsdedup.relate.verify import SCORE_COLUMNS

_REWRITE = 3


def _groups(n: int, edges: list[tuple[int, int]], direct: set[tuple[int, int]] | None = None):  # type: ignore[no-untyped-def]
    """star_groups over ``edges`` (all rewrites, scores recording the pair) with ranks 0..n-1;
    ``verify`` accepts only the pairs in ``direct`` (besides the edges)."""
    pairs = np.array(edges, np.int64).reshape(-1, 2)
    scores = np.zeros((len(pairs), len(SCORE_COLUMNS)))
    scores[:, 0] = np.arange(len(pairs))  # which edge a member's scores came from
    ok = {tuple(sorted(e)) for e in edges} | {tuple(sorted(e)) for e in (direct or set())}

    def verify(member: int, rep: int) -> tuple[int, np.ndarray]:  # type: ignore[type-arg]
        code = _REWRITE if tuple(sorted((member, rep))) in ok else 0
        return code, np.full(len(SCORE_COLUMNS), 0.5)

    codes = np.full(len(pairs), _REWRITE, np.int8)
    return star_groups(n, np.arange(n, dtype=np.int64), pairs, codes, scores, verify)


def test_families_repost_of_two_reposts_joins_the_release() -> None:
    # 0 is the release; 1 and 2 repost it; 3 reposts 1 and 2 but is only loosely like 0
    a = _groups(4, [(0, 1), (0, 2), (1, 3), (2, 3)])
    assert a.center.tolist() == [0, 0, 0, 0]
    assert a.kind[3] == _REWRITE
    assert a.scores[3, 0] == 2  # against 1, its best-ranked partner (edge (1, 3))


def test_families_one_bridge_does_not_merge_two_groups() -> None:
    # {0, 1, 2} and {3, 4} share one link (2, 3): two groups, as before
    a = _groups(5, [(0, 1), (0, 2), (2, 3), (3, 4)])
    assert a.center.tolist() == [0, 0, 0, 3, 3]


def test_families_direct_verification_still_comes_first() -> None:
    a = _groups(3, [(0, 1), (1, 2)], direct={(0, 2)})
    assert a.center.tolist() == [0, 0, 0]
    assert a.scores[2, 0] == 0.5  # verified against the representative itself


@settings(max_examples=80, deadline=None)
@given(
    n=st.integers(2, 9),
    raw=st.lists(st.tuples(st.integers(0, 8), st.integers(0, 8)), max_size=20),
)
def test_families_every_joined_member_has_enough_links_or_a_direct_verdict(
    n: int, raw: list[tuple[int, int]]
) -> None:
    edges = sorted({(min(a, b), max(a, b)) for a, b in raw if a != b and a < n and b < n})
    a = _groups(n, edges)
    adjacent = {d: set() for d in range(n)}
    for x, y in edges:
        adjacent[x].add(y)
        adjacent[y].add(x)
    for d in range(n):
        rep = int(a.center[d])
        assert a.center[rep] == rep  # a representative represents itself: no chains of reps
        if rep != d:
            in_group = {u for u in adjacent[d] if a.center[u] == rep}
            assert rep in adjacent[d] or len(in_group) >= FAMILY_LINKS
