"""The story graph: which voices are alike, and the stories and topics it holds.

Voices (one article per copy group) that share one of their heaviest name terms or content words
are scored (group/stories/vectors.py: the weighted mean of the text, names and lead cosines); a
pair at ``stories.edge_floor`` or more is an edge. A term held by more than
``stories.key_postings`` voices (a name in every report of a year) pairs nobody: it bounds the
pairs a term can make. Stories are the average-link clusters (group/stories/linkage.py) of the edges
between voices at most ``stories.window_days`` apart (or undated), cut at
``stories.story_similarity``; topics continue the same clustering from the stories over every
edge, whatever the time between, cut at ``stories.topic_similarity``: so a topic is a union of
whole stories, and two meetings of the same leaders half a year apart are two stories of one
topic, kept apart by time and not by a thin margin of wording.

Everything is a function of the voices and their publication order alone (no arrival order, no
state): the batch, the living index (re-clustering only the components an add touched) and
Spark get the same partition.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba as nb
import numpy as np
from numpy.typing import NDArray

from newsdedup.arrays import least_count
from newsdedup.config import StoriesConfig
from newsdedup.group.stories.linkage import average_link, pair_sums
from newsdedup.group.stories.vectors import CHANNELS, StoryVectors, key_terms

__all__ = [
    "SIMILARITY_STEPS",
    "StoryEdges",
    "close_in_time",
    "cluster",
    "cluster_stories",
    "cluster_topics",
    "least_step",
    "pair_similarity",
    "steps_of",
    "story_edges",
    "strong_edges",
]


#: A pair's similarity is a whole number of 1/SIMILARITY_STEPS: the living index stores an
#: edge's similarity as that number, in 2 bytes where a float took 8 (the story edges were
#: 2.2 KB of a 15 KB article at 100,000), and every executor clusters on the same values. The
#: step, 3e-5, is far below any threshold's precision.
SIMILARITY_STEPS = 32767


def steps_of(similarity: NDArray[np.float64]) -> NDArray[np.int64]:
    """Similarities as their nearest whole numbers of steps (how the living index stores
    ``pair_similarity``'s values, which are whole steps already)."""
    return np.rint(similarity * SIMILARITY_STEPS).astype(np.int64)


def least_step(threshold: float) -> int:
    """The fewest steps whose similarity (steps / SIMILARITY_STEPS) is at least ``threshold``:
    ``similarity >= threshold`` exactly when ``steps >= least_step(threshold)``."""
    return int(least_count(SIMILARITY_STEPS, threshold))


@dataclass(frozen=True, slots=True)
class StoryEdges:
    """Scored pairs of voices (lower position first), with whether they are close in time."""

    a: NDArray[np.int64]
    b: NDArray[np.int64]
    similarity: NDArray[np.float64]
    near: NDArray[np.bool_]

    def __len__(self) -> int:
        return len(self.a)


@nb.njit(cache=True, parallel=True)
def _dots(indptr, indices, data, a, b):  # type: ignore[no-untyped-def]
    """Dot products of rows a[k] and b[k] of one CSR matrix (sorted column indices); the
    pairs are independent, so they are shared among numba's threads."""
    out = np.zeros(a.size)
    for k in nb.prange(a.size):
        i, end_i = indptr[a[k]], indptr[a[k] + 1]
        j, end_j = indptr[b[k]], indptr[b[k] + 1]
        total = 0.0
        while i < end_i and j < end_j:
            if indices[i] < indices[j]:
                i += 1
            elif indices[i] > indices[j]:
                j += 1
            else:
                total += data[i] * data[j]
                i += 1
                j += 1
        out[k] = total
    return out


def pair_similarity(
    vectors: StoryVectors, a: NDArray[np.int64], b: NDArray[np.int64], config: StoriesConfig
) -> NDArray[np.float64]:
    """The weighted mean of the channels' cosines of rows ``a`` and ``b``, to the nearest
    1/SIMILARITY_STEPS. A channel one of the two has no term in (no names in a text, no title)
    is no evidence either way: it is left out of that pair's mean rather than counted as 0."""
    weights = {"text": config.text_weight, "names": config.names_weight, "lead": config.lead_weight}
    total = np.zeros(len(a))
    weight = np.zeros(len(a))
    for name in CHANNELS:
        if weights[name]:
            m = vectors.channel(name)
            present = np.diff(m.indptr) > 0
            total += weights[name] * _dots(m.indptr, m.indices, m.data, a, b)
            weight += weights[name] * (present[a] & present[b])
    if vectors.dense is not None and config.dense_weight:
        # sentence models put any two news articles near 0.2-0.4: rescaled from dense_floor
        cosine = np.einsum("ij,ij->i", vectors.dense[a], vectors.dense[b]).astype(np.float64)
        floor = config.dense_floor
        total += config.dense_weight * np.maximum(0.0, cosine - floor) / (1.0 - floor)
        weight += config.dense_weight
    mean = np.divide(total, weight, out=np.zeros(len(a)), where=weight > 0)
    return steps_of(mean) / SIMILARITY_STEPS


def story_edges(
    vectors: StoryVectors, days: NDArray[np.float64], config: StoriesConfig
) -> StoryEdges:
    """Every pair of voices sharing a key term and at least ``edge_floor`` alike."""
    n = len(vectors)
    rows, keys = key_terms(vectors, config.index_terms)
    order = np.lexsort((rows, keys))
    rows, keys = rows[order], keys[order]
    change = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    starts = np.concatenate(([0], change)).astype(np.int64)
    ends = np.concatenate((change, [len(keys)])).astype(np.int64)
    sizes = ends - starts
    useful = (sizes >= 2) & (sizes <= config.key_postings)
    starts, ends = starts[useful], ends[useful]
    if not len(starts):
        return _no_edges()
    a, b = _distinct_pairs(rows, starts, ends, n)
    similarity = pair_similarity(vectors, a, b, config)
    keep = similarity >= config.edge_floor
    a, b, similarity = a[keep], b[keep], similarity[keep]
    return StoryEdges(a, b, similarity, close_in_time(days[a], days[b], config))


def close_in_time(
    day_a: NDArray[np.float64], day_b: NDArray[np.float64], config: StoriesConfig
) -> NDArray[np.bool_]:
    """Whether pairs of voices are at most ``window_days`` apart (undated, nan: always)."""
    return ~(np.abs(day_a - day_b) > config.window_days)


@nb.njit(cache=True)
def _distinct_pairs(members, starts, ends, n):  # type: ignore[no-untyped-def]
    """Every pair (a < b) of voices that share a bucket ``members[starts[r]:ends[r]]`` (each
    bucket sorted), once, ordered by a then b: what ``np.unique`` of all buckets' pairs gives,
    without materialising the repeats (a pair sharing several key terms comes up once per
    term). Each voice's later neighbours are collected from its buckets and told apart by a
    stamp per voice, in two passes (count, then fill)."""
    count = np.zeros(n + 1, np.int64)
    for r in range(starts.size):
        for x in range(starts[r], ends[r]):
            count[members[x] + 1] += 1
    ptr = np.cumsum(count)
    fill = ptr[:-1].copy()
    place = np.empty(ptr[-1], np.int64)  # each voice's positions in ``members``
    bucket = np.empty(ptr[-1], np.int64)
    for r in range(starts.size):
        for x in range(starts[r], ends[r]):
            v = members[x]
            place[fill[v]] = x
            bucket[fill[v]] = r
            fill[v] += 1
    stamp = np.full(n, -1, np.int64)
    total = 0
    for a in range(n):
        for t in range(ptr[a], ptr[a + 1]):
            for x in range(place[t] + 1, ends[bucket[t]]):
                if stamp[members[x]] != a:
                    stamp[members[x]] = a
                    total += 1
    out_a = np.empty(total, np.int64)
    out_b = np.empty(total, np.int64)
    stamp[:] = -1
    k = 0
    for a in range(n):
        first = k
        for t in range(ptr[a], ptr[a + 1]):
            for x in range(place[t] + 1, ends[bucket[t]]):
                b = members[x]
                if stamp[b] != a:
                    stamp[b] = a
                    out_a[k] = a
                    out_b[k] = b
                    k += 1
        out_b[first:k].sort()
    return out_a, out_b


def _no_edges() -> StoryEdges:
    empty = np.empty(0, np.int64)
    return StoryEdges(empty, empty, np.empty(0), np.empty(0, np.bool_))


def cluster(
    n: int, edges: StoryEdges, config: StoriesConfig
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(story, topic) of each voice, each the lowest position among its members; positions are
    publication order, which breaks ties."""
    story = cluster_stories(n, edges, config)
    return story, cluster_topics(story, edges, config)


def cluster_stories(n: int, edges: StoryEdges, config: StoriesConfig) -> NDArray[np.int64]:
    """The story of each voice (the lowest position among its members): average-link over
    the edges of voices close in time, cut at ``story_similarity``.

    Two clusters merge only when the mean of their pairs reaches the cut, so some pair of
    them has an edge at the cut or above: a story lies inside one connected component of the
    edges that are close in time and at ``story_similarity`` or more (``strong_edges``), and
    clustering such a component with every edge between its voices gives its stories."""
    near = edges.near
    return average_link(
        n, edges.a[near], edges.b[near], edges.similarity[near], config.story_similarity
    )


def strong_edges(edges: StoryEdges, config: StoriesConfig) -> NDArray[np.bool_]:
    """The edges that can hold a story together (``cluster_stories``)."""
    return edges.near & (edges.similarity >= config.story_similarity)


def cluster_topics(
    story: NDArray[np.int64], edges: StoryEdges, config: StoriesConfig
) -> NDArray[np.int64]:
    """The topic of each voice (the lowest position among its members): the stories
    (``story``: each voice's story head), each of its size, linked by every edge between their
    members, clustered on to ``topic_similarity``. An edge below the story cut links two
    stories into one topic, so a topic's reach is every edge's component."""
    heads, of = np.unique(story, return_inverse=True)
    sa, sb, sums = pair_sums(of[edges.a], of[edges.b], edges.similarity, len(heads))
    topic_of_story = average_link(
        len(heads), sa, sb, sums, config.topic_similarity, sizes=np.bincount(of)
    )
    return heads[topic_of_story][of]
