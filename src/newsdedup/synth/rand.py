"""A buffered random source: single draws from numpy cost about a microsecond each, so the
generator takes uniforms in blocks of 4096 and serves them from a Python list (~0.1 us each).
Every draw comes from one seeded numpy ``Generator``, so output is reproducible byte for byte."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import numpy as np

__all__ = ["Draws", "derive"]

T = TypeVar("T")

_BLOCK = 4096


def derive(seed: int, *path: int) -> np.random.Generator:
    """A generator for one named part of the corpus, independent of every other part."""
    return np.random.default_rng([seed, *path])


class Draws:
    """Cheap scalar draws over a numpy generator; ``gen`` stays available for bulk draws."""

    __slots__ = ("_block", "_buf", "_pos", "gen", "state")

    def __init__(self, gen: np.random.Generator, block: int = _BLOCK) -> None:
        self.gen = gen
        self._block = block
        self._buf: list[float] = []
        self._pos = 0
        #: Bulk samplers that serve many small requests from one numpy call keep their state
        #: here, so it lives and dies with this stream of draws.
        self.state: dict[str, Any] = {}

    def u(self) -> float:
        """A uniform float in [0, 1)."""
        if self._pos >= len(self._buf):
            self._buf = self.gen.random(self._block).tolist()
            self._pos = 0
        value = self._buf[self._pos]
        self._pos += 1
        return value

    def many(self, k: int) -> list[float]:
        """``k`` uniforms in [0, 1), as a list."""
        if self._pos + k > len(self._buf):
            fresh = self.gen.random(max(self._block, k)).tolist()
            self._buf = self._buf[self._pos :] + fresh
            self._pos = 0
        out = self._buf[self._pos : self._pos + k]
        self._pos += k
        return out

    def below(self, n: int) -> int:
        """A uniform integer in [0, n)."""
        return int(self.u() * n)

    def between(self, lo: int, hi: int) -> int:
        """A uniform integer in [lo, hi] (both ends included)."""
        return lo + int(self.u() * (hi - lo + 1))

    def uniform(self, lo: float, hi: float) -> float:
        return lo + (hi - lo) * self.u()

    def chance(self, p: float) -> bool:
        return self.u() < p

    def pick(self, items: Sequence[T]) -> T:
        return items[int(self.u() * len(items))]
