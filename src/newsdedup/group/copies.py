"""Copy groups (families) from verified pairs, without chaining.

Union-find over "is a copy of" edges would chain: A rewrites B, B excerpts C, C is near D, and
A and D, which share nothing, end up together; one weak pair would bridge two stories. Pure
stars (every member verified against the representative) split real families instead: four
reposts of one press release, each a copy of the others but two of them only a loose rewrite of
the chosen representative, came out as two groups.

So: documents are taken in representative order (the likely original first, see
representative.py). An unassigned document joins the group of a neighbour it links to when it
verifies directly against that group's representative, or, failing that, when it is a verified
copy of at least ``FAMILY_LINKS`` members of the group: a copy of copies belongs to their
family, while a single link to one member (a bridge) is not enough. If it joins no group, it
becomes a representative and claims its unassigned neighbours. A member's kind and scores are
against its representative when it verified against it, else against the member it copies most
closely.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from newsdedup.relate.kind import _EXACT, _TRANSLATION
from newsdedup.relate.verify import EXACT_SCORES
from newsdedup.relate.verify import SWAP as _SWAP

__all__ = [
    "Assignment",
    "exact_heads",
    "follow_heads",
    "join_translations",
    "spread_exact",
    "star_groups",
]

Verifier = Callable[[int, int], tuple[int, NDArray[np.float64]]]

#: Verified copy links to distinct members that let a document join a family whose
#: representative it does not verify against directly.
FAMILY_LINKS = 2


@dataclass(frozen=True, slots=True)
class Assignment:
    center: NDArray[np.int64]  #: index of each document's representative
    kind: NDArray[np.int8]  #: kind code against the representative (0 for the representative)
    #: scores of a member against its representative (a = member, b = representative), in the
    #: columns of relate.verify.SCORE_COLUMNS; NaN for representatives
    scores: NDArray[np.float64]


def exact_heads(exact: NDArray[np.uint64], rank: NDArray[np.int64]) -> NDArray[np.int64]:
    """For each document, the best-ranked document with the same exact hash (maybe itself)."""
    order = np.lexsort((rank, exact[:, 1], exact[:, 0]))
    ex = exact[order]
    new_run = np.ones(len(order), bool)
    new_run[1:] = (ex[1:] != ex[:-1]).any(axis=1)
    run_id = np.cumsum(new_run) - 1
    heads = np.empty(len(order), np.int64)
    heads[order] = order[np.flatnonzero(new_run)][run_id]
    return heads


def _adjacency(
    n: int, pairs: NDArray[np.int64], codes: NDArray[np.int8], scores: NDArray[np.float64]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int8], NDArray[np.float64]]:
    """CSR adjacency, both directions; coverage columns swapped for the reverse direction."""
    src = np.concatenate((pairs[:, 0], pairs[:, 1]))
    dst = np.concatenate((pairs[:, 1], pairs[:, 0]))
    rev = scores[:, _SWAP]
    sc = np.concatenate((scores, rev))
    order = np.argsort(src, kind="stable")
    offsets = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=offsets[1:])
    return offsets, dst[order], np.concatenate((codes, codes))[order], sc[order]


def star_groups(
    n: int,
    rank: NDArray[np.int64],
    pairs: NDArray[np.int64],
    codes: NDArray[np.int8],
    scores: NDArray[np.float64],
    verify: Verifier,
) -> Assignment:
    """Assign every document to a representative; ``pairs`` are verified copy edges.

    ``verify(member, rep)`` returns the kind code and scores of a pair not among the edges,
    used when a document reaches a group only through one of its members. The walk is one
    Python loop over the linked documents, on lists (a numpy scalar read costs several times
    a list's); each placement notes which edge's scores it takes, and the scores are gathered
    once at the end.
    """
    offsets, nbr_array, nbr_code, nbr_scores = _adjacency(n, pairs, codes, scores)
    bounds, nbr, ranks = offsets.tolist(), nbr_array.tolist(), rank.tolist()
    code_of = nbr_code.tolist()
    center = list(range(n))
    kind = [0] * n
    # where each document's scores come from: the edge e (its member side, or its far side
    # when ~e), or a verify call's (in ``verified``); NO_EDGE for a representative
    source = [_NO_EDGE] * n
    verified: dict[int, NDArray[np.float64]] = {}
    assigned = bytearray(n)
    linked = np.flatnonzero(np.diff(offsets) > 0)
    for v in linked[np.argsort(rank[linked])].tolist():
        if assigned[v]:
            continue
        assigned[v] = 1
        lo, hi = bounds[v], bounds[v + 1]
        # the edges to neighbours already placed: a member or a representative
        placed = [e for e in range(lo, hi) if kind[nbr[e]] != 0 or center[nbr[e]] != nbr[e]]
        reps = {center[nbr[e]] for e in placed}
        if reps and _join_via_neighbour(v, reps, ranks, center, kind, verified, verify):
            continue
        if len(placed) >= FAMILY_LINKS:
            edge = _family_edge(placed, nbr, ranks, center)
            if edge >= 0:
                center[v], kind[v], source[v] = center[nbr[edge]], code_of[edge], edge
                continue
        for e in range(lo, hi):
            u = nbr[e]
            if not assigned[u]:
                assigned[u] = 1
                center[u], kind[u], source[u] = v, code_of[e], ~e
    return Assignment(
        center=np.array(center, np.int64),
        kind=np.array(kind, np.int8),
        scores=_gathered(source, verified, nbr_scores),
    )


#: ``star_groups``' score source of a document that takes no scores (a representative).
_NO_EDGE = -(1 << 62)


def _gathered(
    source: list[int], verified: dict[int, NDArray[np.float64]], edge_scores: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Each document's scores: an edge's member side (``source`` e >= 0), its far side seen
    from the member (~e: the coverage columns swapped), a verify call's, or NaN."""
    at = np.array(source, np.int64)
    out = np.full((len(source), edge_scores.shape[1]), np.nan)
    plain = at >= 0
    out[plain] = edge_scores[at[plain]]
    far = (at < 0) & (at != _NO_EDGE)
    out[far] = edge_scores[~at[far]][:, _SWAP]
    for d, row in verified.items():
        out[d] = row
    return out


def _join_via_neighbour(
    v: int,
    reps: set[int],
    rank: list[int],
    center: list[int],
    kind: list[int],
    verified: dict[int, NDArray[np.float64]],
    verify: Verifier,
) -> bool:
    """Join the best-ranked of the groups ``reps`` (those of ``v``'s placed neighbours) that
    ``v`` verifies against directly."""
    for rep in sorted(reps, key=rank.__getitem__):
        code, sc = verify(v, rep)
        if code != 0:
            center[v], kind[v], verified[v] = rep, code, sc
            return True
    return False


def _family_edge(placed: list[int], nbr: list[int], rank: list[int], center: list[int]) -> int:
    """The edge by which a document joins the best-ranked group holding at least
    FAMILY_LINKS of its copy partners (``placed``: its edges to placed neighbours; the edge
    to the best-ranked of those partners, whose kind and scores it takes), or -1."""
    partners: dict[int, list[int]] = {}
    for e in placed:
        partners.setdefault(center[nbr[e]], []).append(e)
    for rep in sorted(partners, key=rank.__getitem__):
        found = partners[rep]
        if len({nbr[e] for e in found}) >= FAMILY_LINKS:
            return min(found, key=lambda e: rank[nbr[e]])
    return -1


def spread_exact(assignment: Assignment, heads: NDArray[np.int64]) -> Assignment:
    """Exact copies join their head's group: kind exact under a representative head, else the
    head's own kind."""
    center, kind, scores = follow_heads(
        np.arange(len(heads)),
        heads,
        assignment.center[heads],
        assignment.kind[heads],
        assignment.scores[heads],
    )
    return Assignment(center=center, kind=kind, scores=scores)


def follow_heads(
    doc: NDArray[np.int64],
    head: NDArray[np.int64],
    head_center: NDArray[np.int64],
    head_kind: NDArray[np.int8],
    head_scores: NDArray[np.float64],
) -> tuple[NDArray[np.int64], NDArray[np.int8], NDArray[np.float64]]:
    """``spread_exact``'s rule row by row, for executors that hold each document beside its
    exact head's placement (Spark after a join): a document is in its head's group; it is an
    exact copy when it is not the head and the head represents the group, else it takes the
    head's kind and scores."""
    exact = (doc != head) & (head_center == head)
    kind = np.where(exact, np.int8(_EXACT), head_kind).astype(np.int8)
    scores = np.where(exact[:, None], np.asarray(EXACT_SCORES, np.float64), head_scores)
    return head_center, kind, scores


def join_translations(
    assignment: Assignment,
    rank: NDArray[np.int64],
    pairs: NDArray[np.int64],
) -> tuple[Assignment, dict[int, tuple[int, int]]]:
    """Merge the copy groups that translation ``pairs`` (article indices) tie together.

    Each set of groups tied by translations becomes one group under its best-ranked
    representative (the likely original); the members of every other group in it become
    translations (kind code 6, no shingle scores). Returns the new assignment and, for each
    such member, the index of the pair that tied its group in and that pair's article on the
    other side.
    """
    center = assignment.center.copy()
    kind = assignment.kind.copy()
    scores = assignment.scores.copy()
    via: dict[int, tuple[int, int]] = {}
    if not len(pairs):
        return assignment, via
    parent: dict[int, int] = {}

    def root(g: int) -> int:
        while parent.get(g, g) != g:
            g = parent[g]
        return g

    tied: dict[int, list[tuple[int, int]]] = {}
    for p, (x, y) in enumerate(pairs.tolist()):
        gx, gy = root(int(center[x])), root(int(center[y]))
        if gx != gy:
            keep, drop = sorted((gx, gy), key=lambda g: rank[g])
            parent[drop] = keep
        tied.setdefault(int(center[x]), []).append((p, y))
        tied.setdefault(int(center[y]), []).append((p, x))
    final = {g: root(g) for g in tied}
    for d in np.flatnonzero(np.isin(center, list(final))).tolist():
        g = int(center[d])
        top = final[g]
        if top == g:
            continue
        center[d], kind[d], scores[d] = top, _TRANSLATION, np.nan
        via[d] = min(tied[g])
    return Assignment(center=center, kind=kind, scores=scores), via
