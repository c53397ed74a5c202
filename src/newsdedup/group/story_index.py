"""The open stories of a stream: their centroids, and an inverted index to find them.

An article is never compared with every story. Each voice adds its heaviest content words and
names (``index_terms`` of each) to an inverted index term -> open stories; an article looks up
its own heaviest terms and names, and only the stories that share some (ranked by the summed
weight of what they share) are scored in full. A story leaves the index when it closes, after
``max_idle_days`` without a new voice, so the index holds only what is open.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

import numpy as np

from newsdedup.fingerprint.terms import Vector, dot, top_terms

__all__ = ["OpenStory", "StoryIndex", "entity_key"]


def entity_key(name: str) -> str:
    """Index key of a name word, apart from the same content word ("\\x00" cannot be typed)."""
    return "\x00" + name


@dataclass(slots=True, eq=False, kw_only=True)
class OpenStory:
    """One story being built. Sums of unit vectors act as centroids (cosines divide by the norm).

    ``voices`` keeps each voice's content-word vector while the story is open, to pick its most
    central article when it closes; ``members`` are article positions in processing order.
    """

    key: int
    first: int  # processing position of its first article (the earliest story keeps its id)
    centroid: Vector = field(default_factory=dict)
    norm2: float = 0.0
    entities: Vector = field(default_factory=dict)
    entity_norm2: float = 0.0
    dense: np.ndarray | None = None
    members: list[int] = field(default_factory=list)
    voices: list[tuple[int, Vector]] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # name word -> first spelling
    indexed: set[str] = field(default_factory=set)
    last_voice: float = -math.inf  # day of its latest voice
    open: bool = True
    central: int = -1  # its most central voice, set when it closes (see story_summary.settle)
    label: tuple[str, ...] = ()

    def add_voice(
        self, position: int, lexical: Vector, entities: Vector, dense: np.ndarray | None
    ) -> None:
        """Fold one voice into the centroids (norms kept incrementally: |c+a|^2 = ...)."""
        self.norm2 += 2.0 * dot(lexical, self.centroid) + 1.0
        _add(self.centroid, lexical)
        if entities:
            self.entity_norm2 += 2.0 * dot(entities, self.entities) + 1.0
            _add(self.entities, entities)
        if dense is not None:
            self.dense = dense.copy() if self.dense is None else self.dense + dense
        self.voices.append((position, lexical))

    def absorb(self, other: OpenStory) -> None:
        """Take in every voice and member of ``other`` (a merge)."""
        _add(self.centroid, other.centroid)
        _add(self.entities, other.entities)
        self.norm2 = sum(v * v for v in self.centroid.values())
        self.entity_norm2 = sum(v * v for v in self.entities.values())
        if other.dense is not None:
            self.dense = other.dense if self.dense is None else self.dense + other.dense
        self.members.extend(other.members)
        self.voices.extend(other.voices)
        for k, v in other.names.items():
            self.names.setdefault(k, v)
        self.last_voice = max(self.last_voice, other.last_voice)

    def prune(self, keep: int) -> None:
        """Cut the content-word centroid to its ``keep`` heaviest terms past twice that size."""
        if len(self.centroid) > 2 * keep:
            self.centroid = {t: self.centroid[t] for t in top_terms(self.centroid, keep)}
            self.norm2 = sum(v * v for v in self.centroid.values())


def _add(into: Vector, vector: Vector) -> None:
    for t, v in vector.items():
        into[t] = into.get(t, 0.0) + v


class StoryIndex:
    """Inverted index term -> open story keys, and the queue of stories by last voice."""

    __slots__ = ("_expiry", "max_postings", "postings")

    def __init__(self, *, max_postings: int) -> None:
        self.max_postings = max_postings
        self.postings: dict[str, set[int]] = {}
        self._expiry: list[tuple[float, int]] = []

    def add(self, story: OpenStory, terms: list[str]) -> None:
        for t in terms:
            if t not in story.indexed:
                story.indexed.add(t)
                self.postings.setdefault(t, set()).add(story.key)

    def remove(self, story: OpenStory) -> None:
        for t in story.indexed:
            keys = self.postings.get(t)
            if keys is not None:
                keys.discard(story.key)
                if not keys:
                    del self.postings[t]
        story.indexed = set()

    def candidates(self, query: list[tuple[str, float]], limit: int) -> list[int]:
        """Open stories sharing a query term, best ``limit`` by summed weight (ties by key)."""
        score: dict[int, float] = {}
        for t, w in query:
            keys = self.postings.get(t)
            if keys is None or len(keys) > self.max_postings:
                continue
            for k in keys:
                score[k] = score.get(k, 0.0) + w
        if len(score) <= limit:
            return sorted(score)
        return [k for k, _ in heapq.nsmallest(limit, score.items(), key=lambda kv: (-kv[1], kv[0]))]

    def touch(self, story: OpenStory) -> None:
        """Queue ``story`` for closing ``max_idle`` after its last voice (see ``due``)."""
        heapq.heappush(self._expiry, (story.last_voice, story.key))

    def due(self, before: float) -> list[int]:
        """Keys of queued stories whose queued last voice is before ``before`` (they may have
        had a later voice since: the caller checks)."""
        out = []
        while self._expiry and self._expiry[0][0] < before:
            out.append(heapq.heappop(self._expiry)[1])
        return out
