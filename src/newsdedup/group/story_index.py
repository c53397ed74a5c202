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
from array import array
from dataclasses import dataclass, field
from itertools import chain
from typing import TypeAlias

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
    packed: _Packed | None = None  # the vectors of a closed story kept for later (``pack``)

    def pack(self) -> None:
        """Keep the centroids and voice vectors as term tuples and float arrays (a quarter of
        the memory of dicts): a closed story kept for undated articles waits in this form.
        ``unpack`` gives back dicts equal to the originals, in the same order."""
        if self.packed is None:
            voices = [(p, tuple(v), array("d", v.values())) for p, v in self.voices]
            self.packed = (*_pack(self.centroid), *_pack(self.entities), voices)
            self.centroid, self.entities, self.voices = {}, {}, []

    def unpack(self) -> None:
        if self.packed is not None:
            terms, weights, names, name_weights, voices = self.packed
            self.centroid = dict(zip(terms, weights, strict=True))
            self.entities = dict(zip(names, name_weights, strict=True))
            self.voices = [(p, dict(zip(t, w, strict=True))) for p, t, w in voices]
            self.packed = None

    def centroids(self) -> tuple[Vector, Vector]:
        """The content-word and name centroids, packed or not (a packed story stays packed)."""
        if self.packed is None:
            return self.centroid, self.entities
        terms, weights, names, name_weights, _ = self.packed
        return dict(zip(terms, weights, strict=True)), dict(zip(names, name_weights, strict=True))

    def add_voice(
        self, position: int, lexical: Vector, entities: Vector, dense: np.ndarray | None
    ) -> None:
        """Fold one voice into the centroids (norms kept incrementally: |c+a|^2 = ...)."""
        self.unpack()
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
        self.unpack()
        other.unpack()
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


_Floats: TypeAlias = "array[float]"
_Packed: TypeAlias = (
    "tuple[tuple[str, ...], _Floats, tuple[str, ...], _Floats, "
    "list[tuple[int, tuple[str, ...], _Floats]]]"
)


def _pack(vector: Vector) -> tuple[tuple[str, ...], _Floats]:
    return tuple(vector), array("d", vector.values())


def _add(into: Vector, vector: Vector) -> None:
    for t, v in vector.items():
        into[t] = into.get(t, 0.0) + v


class StoryIndex:
    """Inverted index term -> open stories, and the queue of stories by last voice.

    Each indexed story holds a *slot*, a small integer reused once the story leaves, and the
    postings are sets of slots, so ``candidates`` can sum a query's weights over all its
    postings with one ``numpy.bincount`` instead of a Python step per posting (long postings
    are common once tens of thousands of stories are open).
    """

    __slots__ = ("_expiry", "_free", "_keys", "_slot_of", "max_postings", "postings")

    def __init__(self, *, max_postings: int) -> None:
        self.max_postings = max_postings
        self.postings: dict[str, set[int]] = {}  # term -> slots of the stories indexed by it
        self._slot_of: dict[int, int] = {}  # story key -> its slot
        self._keys = np.zeros(64, dtype=np.int64)  # slot -> story key
        self._free: list[int] = []  # slots given back, reused before new ones
        self._expiry: list[tuple[float, int]] = []

    def __len__(self) -> int:
        """Stories in the index."""
        return len(self._slot_of)

    def _slot(self, key: int) -> int:
        slot = self._slot_of.get(key)
        if slot is None:
            slot = self._free.pop() if self._free else len(self._slot_of)
            if slot >= len(self._keys):
                self._keys = np.concatenate([self._keys, np.zeros_like(self._keys)])
            self._keys[slot] = key
            self._slot_of[key] = slot
        return slot

    def add(self, story: OpenStory, terms: list[str]) -> None:
        slot = -1
        for t in terms:
            if t not in story.indexed:
                story.indexed.add(t)
                if slot < 0:
                    slot = self._slot(story.key)
                self.postings.setdefault(t, set()).add(slot)

    def remove(self, story: OpenStory) -> None:
        slot = self._slot_of.pop(story.key, None)
        if slot is not None:
            for t in story.indexed:
                slots = self.postings.get(t)
                if slots is not None:
                    slots.discard(slot)
                    if not slots:
                        del self.postings[t]
            self._free.append(slot)
        story.indexed = set()

    def keys(self, term: str) -> set[int]:
        """Keys of the stories indexed by ``term``."""
        return {int(self._keys[s]) for s in self.postings.get(term, ())}

    def candidates(self, query: list[tuple[str, float]], limit: int) -> list[int]:
        """Open stories sharing a query term, best ``limit`` by summed weight (ties by key).

        A story's weights are summed in query order, as a Python loop over the query would
        (``bincount`` adds its weights in input order), so the sums are the same floats."""
        found: list[set[int]] = []
        weights: list[float] = []
        for t, w in query:
            slots = self.postings.get(t)
            if slots is None or len(slots) > self.max_postings:
                continue
            found.append(slots)
            weights.append(w)
        if not found:
            return []
        sizes = list(map(len, found))
        flat = np.fromiter(chain.from_iterable(found), dtype=np.intp, count=sum(sizes))
        spread = np.repeat(np.array(weights, dtype=np.float64), sizes)
        score = np.bincount(flat, spread)
        hit = np.flatnonzero(np.bincount(flat))
        keys, score = self._keys[hit], score[hit]
        if len(keys) > limit:  # the best ``limit``: all above the limit-th score, ties by key
            kth = np.partition(score, len(score) - limit)[len(score) - limit]
            best = score >= kth
            keys, score = keys[best], score[best]
            ranked: list[int] = keys[np.lexsort((keys, -score))[:limit]].tolist()
            return ranked
        return sorted(keys.tolist())

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
