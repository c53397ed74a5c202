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
        if _join_via_neighbour(v, nbr[lo:hi], rank, center, kind, out_scores, verify):
            continue
        links = (nbr[lo:hi], nbr_code[lo:hi], nbr_scores[lo:hi])
        if _join_family(v, links, rank, center, kind, out_scores):
            continue
        for e in range(lo, hi):
            u = nbr[e]
            if not assigned[u]:
                assigned[u] = True
                center[u], kind[u], out_scores[u] = v, nbr_code[e], nbr_scores[e][_SWAP]
    return Assignment(center=center, kind=kind, scores=out_scores)


def _join_via_neighbour(
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


def _join_family(
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
